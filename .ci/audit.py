"""CI: known vulnerabilities in the packages installed for gongkai, by pip-audit.

Run with a Python that has pip-audit: python audit.py REQUIREMENTS (pinned, as pip freeze).
Exit 1 when a vulnerability is found. When the vulnerability service cannot be asked (no
network, or it cannot look the packages up), the packages pip-audit could not audit are
matched against the vendored snapshot of the PyPA advisory database (advisories/pypa.json,
refreshed by advisories/update.py): a vulnerability found there fails CI too, and a warning
says that advisories published after the snapshot were not checked. An unreachable service
must not fail CI, a found vulnerability must.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import NamedTuple

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

SNAPSHOT = Path(__file__).resolve().parent / "advisories" / "pypa.json"


def main(argv: list[str] | None = None) -> int:
    requirements = (sys.argv[1:] if argv is None else argv)[0]
    pins, unpinned = read_pins(Path(requirements).read_text().splitlines())
    report, reason = run_pip_audit(requirements)
    if report is None:
        return fallback(pins, unpinned, f"pip-audit could not ask the vulnerability service: {reason}")
    dependencies = report.get("dependencies", [])
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if "skip_reason" in d]
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed release"
            print(f"pip-audit: {dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixed})")
    audited = len(dependencies) - len(skipped)
    print(f"pip-audit: {audited} of {len(dependencies)} packages audited, {len(vulnerable)} vulnerable")
    status = 1 if vulnerable else 0
    if skipped:
        # What pip-audit could not look up (all of it when the service is out of reach) is
        # matched against the snapshot instead.
        names = {canonicalize_name(d["name"]) for d in skipped}
        rest = {name: version for name, version in pins.items() if name in names}
        reason = f"pip-audit could not audit {len(skipped)} packages, e.g. {skipped[0]['skip_reason']}"
        status = max(status, fallback(rest, [u for u in unpinned if canonicalize_name(u) in names], reason))
    return status


def run_pip_audit(requirements: str) -> tuple[dict | None, str]:
    """pip-audit's JSON report, or None and why there is none."""
    with tempfile.TemporaryDirectory() as tmp:
        report_path = Path(tmp) / "audit.json"
        command = [
            sys.executable, "-m", "pip_audit", "--requirement", requirements, "--no-deps", "--disable-pip",
            "--progress-spinner", "off", "--timeout", "30", "--format", "json", "--output", str(report_path),
        ]  # fmt: skip
        try:
            run = subprocess.run(command, capture_output=True, text=True, timeout=900)
        except subprocess.TimeoutExpired:
            return None, "pip-audit did not finish in 15 minutes"
        try:
            return json.loads(report_path.read_text()), ""
        except (OSError, ValueError):
            last = (run.stderr.strip().splitlines() or ["no output"])[-1]
            return None, f"exit {run.returncode}: {last}"


def read_pins(lines: list[str]) -> tuple[dict[str, str], list[str]]:
    """{normalised name: version} of the `name==version` lines, and the names of requirements not pinned so."""
    pins: dict[str, str] = {}
    unpinned: list[str] = []
    for line in lines:
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith(("#", "-")):
            continue
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            unpinned.append(line)
            continue
        specifiers = list(requirement.specifier)
        if len(specifiers) == 1 and specifiers[0].operator in ("==", "===") and "*" not in specifiers[0].version:
            pins[canonicalize_name(requirement.name)] = specifiers[0].version
        else:
            unpinned.append(requirement.name)
    return pins, unpinned


class Hit(NamedTuple):
    package: str
    version: str
    advisory: dict
    fixed: str  # the release that fixes the range the version is in, or "no fixed release"

    def __str__(self) -> str:
        aliases = ", ".join(self.advisory.get("aliases", []))
        name = self.advisory["id"] + (f" ({aliases})" if aliases else "")
        return f"{self.package} {self.version}: {name}, fixed in {self.fixed}: {self.advisory.get('summary', '')}"


def load_snapshot(path: Path = SNAPSHOT) -> dict:
    return json.loads(path.read_text())


def check(pins: dict[str, str], snapshot: dict) -> tuple[list[Hit], list[str]]:
    """The advisories of the snapshot that affect the pinned versions, and the packages it could not check
    (not in the snapshot, or a version that is not PEP 440)."""
    hits: list[Hit] = []
    unchecked: list[str] = []
    for name, raw in sorted(pins.items()):
        advisories = snapshot["packages"].get(canonicalize_name(name))
        try:
            version = Version(raw)
        except InvalidVersion:
            advisories = None
        if advisories is None:
            unchecked.append(f"{name}=={raw}")
            continue
        for advisory in advisories:
            fixed = affects(advisory, version)
            if fixed is not None:
                hits.append(Hit(name, raw, advisory, fixed))
    return hits, unchecked


def affects(advisory: dict, version: Version) -> str | None:
    """None when the advisory does not affect the version, else the release that fixes it (or "no fixed
    release"). OSV ECOSYSTEM semantics: affected if introduced <= v < fixed, or introduced <= v <=
    last_affected, in any range; or if v is one of the advisory's explicit versions."""
    for events in advisory.get("ranges", []):
        fixed = in_range(events, version)
        if fixed is not None:
            return fixed
    for listed in advisory.get("versions", []):
        try:
            same = Version(listed) == version
        except InvalidVersion:
            same = listed == str(version)
        if same:
            return first_fix_after(advisory, version)
    return None


def in_range(events: list[dict], version: Version) -> str | None:
    """The OSV evaluation of one range: events in version order, "introduced" opens, "fixed" and
    "last_affected" close. None when the version is outside, else the fix of its interval."""
    order = {"introduced": 0, "last_affected": 1, "fixed": 2}
    parsed = []
    for event in events:
        for kind, raw in event.items():
            if kind not in order:
                continue
            if kind == "introduced" and raw == "0":
                parsed.append((None, order[kind], kind))
                continue
            try:
                parsed.append((Version(raw), order[kind], kind))
            except InvalidVersion:
                continue  # not PEP 440, so it cannot be compared: the event is left out
    parsed.sort(key=lambda e: (e[0] is not None, e[0] or Version("0"), e[1]))
    affected = False
    for bound, _, kind in parsed:
        if bound is not None and bound > version:
            # Every later event is above the version too, and none of them can change the answer.
            return (str(bound) if kind == "fixed" else "no fixed release") if affected else None
        if kind == "introduced":
            affected = True
        elif kind == "fixed" or (kind == "last_affected" and bound < version):
            affected = False
    return "no fixed release" if affected else None


def first_fix_after(advisory: dict, version: Version) -> str:
    fixes = []
    for events in advisory.get("ranges", []):
        for event in events:
            try:
                if "fixed" in event and Version(event["fixed"]) > version:
                    fixes.append(Version(event["fixed"]))
            except InvalidVersion:
                continue
    return str(min(fixes)) if fixes else "no fixed release"


def fallback(pins: dict[str, str], unpinned: list[str], reason: str, snapshot_path: Path = SNAPSHOT) -> int:
    """Match the pins against the vendored PyPA advisory database snapshot: exit status 1 on any hit."""
    try:
        snapshot = load_snapshot(snapshot_path)
    except (OSError, ValueError) as error:
        return warn(f"{reason}; the advisory snapshot {snapshot_path.name} could not be read ({error})")
    hits, unchecked = check(pins, snapshot)
    unchecked += [f"{name} (not pinned)" for name in unpinned]
    commit, date = snapshot["commit"][:12], snapshot["date"][:10]
    for hit in hits:
        print(f"audit: {hit}")
    total = len(pins) + len(unpinned)
    vulnerable = len({hit.package for hit in hits})
    print(
        f"audit (PyPA advisory database snapshot {commit} of {date}): "
        f"{total - len(unchecked)} of {total} packages checked, {vulnerable} vulnerable"
    )
    warn(
        f"{reason}; the packages were matched against the PyPA advisory database snapshot of {date} instead",
        f"advisories published after {date} were not checked",
    )
    if unchecked:
        warn(f"{len(unchecked)} packages are not in the advisory snapshot: {', '.join(unchecked)}")
    return 1 if hits else 0


def warn(message: str, consequence: str = "known vulnerabilities were not (all) checked") -> int:
    print(f"warning: {message}; {consequence}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
