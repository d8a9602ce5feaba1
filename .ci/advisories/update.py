"""Regenerate pypa.json: the PyPA advisory database's advisories for the packages gongkai installs.

    python .ci/advisories/update.py ADVISORY_DATABASE [REQUIREMENTS ...]

ADVISORY_DATABASE is a git clone or bare mirror of https://github.com/pypa/advisory-database
(read at its HEAD commit). The packages are every name in the REQUIREMENTS files (pip freeze
output, say) and in pyproject.toml: the dependencies, the [test] and [bench] extras and the
build requirements. Each advisory is reduced to what .ci/audit.py matches and prints: id,
aliases, a one-line summary, the ECOSYSTEM ranges and the explicit versions. Withdrawn
advisories are left out. Needs PyYAML and packaging (both in the test venv).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
OUTPUT = HERE / "pypa.json"
EXTRAS = ("test", "bench")
SUMMARY_LENGTH = 200


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    database, requirement_files = argv[0], argv[1:]
    names = project_names(ROOT / "pyproject.toml")
    for path in requirement_files:
        names |= requirement_names(Path(path).read_text().splitlines())
    commit, date = git(database, "log", "-1", "--format=%H %cI", "HEAD").split()
    packages: dict[str, list[dict]] = {name: [] for name in sorted(names)}
    for _path, text in advisory_files(database, names):
        for name, advisory in reduce(yaml.safe_load(text), names):
            packages[name].append(advisory)
    for advisories in packages.values():
        advisories.sort(key=lambda a: a["id"])
    snapshot = {
        "source": "https://github.com/pypa/advisory-database",
        "licence": "CC-BY-4.0",
        "commit": commit,
        "date": date,
        "packages": packages,
    }
    OUTPUT.write_text(dump(snapshot))
    count = sum(len(a) for a in packages.values())
    print(f"{OUTPUT.relative_to(ROOT)}: {count} advisories for {len(packages)} packages, {commit[:12]} of {date}")
    return 0


def dump(snapshot: dict) -> str:
    """JSON with one advisory a line: small, and a refresh diffs advisory by advisory."""
    lines = ["{"]
    for key, value in snapshot.items():
        if key != "packages":
            lines.append(f" {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},")
    lines.append(' "packages": {')
    for i, (name, advisories) in enumerate(snapshot["packages"].items()):
        comma = "," if i < len(snapshot["packages"]) - 1 else ""
        if not advisories:
            lines.append(f"  {json.dumps(name)}: []{comma}")
            continue
        lines.append(f"  {json.dumps(name)}: [")
        lines += [f"   {json.dumps(a, ensure_ascii=False)}," for a in advisories[:-1]]
        lines.append(f"   {json.dumps(advisories[-1], ensure_ascii=False)}")
        lines.append(f"  ]{comma}")
    lines += [" }", "}"]
    return "\n".join(lines) + "\n"


def project_names(pyproject: Path) -> set[str]:
    """The packages pyproject.toml names: dependencies, the [test] and [bench] extras, build requirements."""
    data = tomllib.loads(pyproject.read_text())
    lines = list(data["project"].get("dependencies", []))
    for extra in EXTRAS:
        lines += data["project"].get("optional-dependencies", {}).get(extra, [])
    lines += data.get("build-system", {}).get("requires", [])
    return requirement_names(lines)


def requirement_names(lines: list[str]) -> set[str]:
    """Normalised (PEP 503) names of requirement lines; options, comments and blank lines are skipped."""
    names = set()
    for line in lines:
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith(("#", "-")):
            continue
        try:
            names.add(canonicalize_name(Requirement(line).name))
        except InvalidRequirement:
            print(f"update.py: skipped a line that is not a requirement: {line}", file=sys.stderr)
    return names


def git(database: str, *args: str, stdin: str | None = None) -> str:
    return subprocess.run(
        ["git", "-C", database, *args], input=stdin, capture_output=True, text=True, check=True
    ).stdout


def advisory_files(database: str, names: set[str]) -> list[tuple[str, str]]:
    """(path, YAML text) of every advisory under vulns/<package>/ for the named packages, at HEAD."""
    listing = git(database, "ls-tree", "-r", "HEAD", "vulns/")
    wanted = []
    for line in listing.splitlines():
        meta, path = line.split("\t", 1)
        parts = path.split("/")
        if len(parts) == 3 and path.endswith((".yaml", ".yml")) and canonicalize_name(parts[1]) in names:
            wanted.append((path, meta.split()[2]))
    # One git process for all the blobs: the object name on each line, the contents back in order.
    out = subprocess.run(
        ["git", "-C", database, "cat-file", "--batch"],
        input="".join(f"{blob}\n" for _, blob in wanted).encode(),
        capture_output=True,
        check=True,
    ).stdout
    files, pos = [], 0
    for path, _ in wanted:
        header_end = out.index(b"\n", pos)
        size = int(out[pos:header_end].split()[2])
        files.append((path, out[header_end + 1 : header_end + 1 + size].decode()))
        pos = header_end + 1 + size + 1
    return files


def reduce(osv: dict, names: set[str]) -> list[tuple[str, dict]]:
    """The advisory, per package of ours it affects, with only what matching and printing need."""
    if osv.get("withdrawn"):
        return []
    by_name: dict[str, dict] = {}
    for affected in osv.get("affected") or []:
        package = affected.get("package") or {}
        name = canonicalize_name(package.get("name", ""))
        if package.get("ecosystem") != "PyPI" or name not in names:
            continue
        entry = by_name.setdefault(
            name,
            {"id": osv["id"], "aliases": sorted(osv.get("aliases") or []), "summary": summary(osv), "ranges": []},
        )
        for found in affected.get("ranges") or []:
            if found.get("type") == "ECOSYSTEM":
                events = [
                    {kind: str(version)}
                    for event in found.get("events") or []
                    for kind, version in event.items()
                    if kind in ("introduced", "fixed", "last_affected")
                ]
                entry["ranges"].append(events)
        versions = [str(v) for v in affected.get("versions") or []]
        if versions:
            entry["versions"] = sorted(set(entry.get("versions", [])) | set(versions), key=version_key)
    return list(by_name.items())


def summary(osv: dict) -> str:
    text = (osv.get("summary") or osv.get("details") or "").strip()
    line = text.splitlines()[0] if text else ""
    return line if len(line) <= SUMMARY_LENGTH else line[: SUMMARY_LENGTH - 1].rstrip() + "…"


def version_key(version: str) -> tuple:
    try:
        return (0, Version(version), version)
    except InvalidVersion:
        return (1, version, version)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
