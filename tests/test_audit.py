"""CI's audit (.ci/audit.py): its fallback to the vendored PyPA advisory database snapshot flags
known vulnerable pins, passes fixed ones, and finds nothing in what is installed. No network."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import re
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent


def _load_audit() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ci_audit", ROOT / ".ci" / "audit.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


audit = _load_audit()
SNAPSHOT = audit.load_snapshot()


def _pyproject_requirements() -> list[Requirement]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    lines = [*data["project"]["dependencies"], *data["build-system"]["requires"]]
    for extra in ("test", "bench"):
        lines += data["project"]["optional-dependencies"][extra]
    return [Requirement(line) for line in lines]


def _ids(hits: list) -> set[str]:
    return {hit.advisory["id"] for hit in hits}


def test_snapshot_says_what_it_is_and_covers_pyproject() -> None:
    assert SNAPSHOT["source"] == "https://github.com/pypa/advisory-database"
    assert SNAPSHOT["licence"] == "CC-BY-4.0"
    assert re.fullmatch(r"[0-9a-f]{40}", SNAPSHOT["commit"])
    assert SNAPSHOT["commit"] in (ROOT / ".ci" / "advisories" / "README.md").read_text()
    missing = {canonicalize_name(r.name) for r in _pyproject_requirements()} - set(SNAPSHOT["packages"])
    assert not missing, f"refresh .ci/advisories/pypa.json (see its README): {sorted(missing)} not in it"


@pytest.mark.parametrize(
    ("package", "vulnerable", "fixed", "advisory"),
    [
        ("jinja2", "2.11.2", "2.11.3", "PYSEC-2021-66"),  # CVE-2020-28493
        ("grpcio", "1.2.0", "1.3.0", "PYSEC-2017-101"),  # CVE-2017-8359
        ("protobuf", "3.14.0", "3.15.0", "PYSEC-2022-48"),  # CVE-2021-22570
        ("urllib3", "2.0.6", "2.0.7", "PYSEC-2023-212"),  # CVE-2023-45803: two ranges, 1.x and 2.x
        ("urllib3", "1.26.17", "1.26.18", "PYSEC-2023-212"),
    ],
)
def test_a_known_vulnerable_pin_is_flagged_and_its_fix_passes(
    package: str, vulnerable: str, fixed: str, advisory: str
) -> None:
    hits, unchecked = audit.check({package: vulnerable}, SNAPSHOT)
    assert advisory in _ids(hits) and not unchecked
    assert next(h for h in hits if h.advisory["id"] == advisory).fixed == fixed
    hits, unchecked = audit.check({package: fixed}, SNAPSHOT)
    assert advisory not in _ids(hits) and not unchecked


def test_osv_ecosystem_range_semantics() -> None:
    advisory = {
        "id": "TEST-1",
        "ranges": [
            [{"introduced": "0"}, {"fixed": "1.2"}, {"introduced": "2.0"}, {"fixed": "2.3.1"}],
            [{"introduced": "3.0"}, {"last_affected": "3.4"}],
        ],
        "versions": ["5.0rc1"],
    }

    def fix(version: str) -> str | None:
        return audit.affects(advisory, Version(version))

    assert fix("0.1") == fix("1.1.9") == "1.2"
    assert fix("1.2") is fix("1.9") is None  # fixed, and before the second introduced
    assert fix("2.0") == fix("2.3") == "2.3.1"
    assert fix("2.3.1") is None
    assert fix("3.0") == fix("3.4") == fix("3.4.0") == "no fixed release"  # last_affected is inclusive
    assert fix("3.4.1") is fix("4.0") is None
    assert fix("5.0rc1") == "no fixed release"  # listed explicitly
    assert fix("5.0") is None
    # Events need not come in order; introduced "0" is below every version.
    assert audit.affects({"id": "T", "ranges": [[{"fixed": "1.0"}, {"introduced": "0"}]]}, Version("0.9")) == "1.0"


def test_the_installed_packages_have_no_known_vulnerability() -> None:
    """What this venv has (in CI: what `pip install -e '.[test]'` installed), against the snapshot."""
    pins = {
        canonicalize_name(d.metadata["Name"]): d.version
        for d in importlib.metadata.distributions()
        if d.metadata["Name"] and canonicalize_name(d.metadata["Name"]) != "gongkai"
    }
    hits, _ = audit.check(pins, SNAPSHOT)
    assert not hits, "\n".join(map(str, hits))
    assert {"grpcio", "protobuf", "jinja2", "cryptography", "setuptools"} <= pins.keys() & SNAPSHOT["packages"].keys()


def test_the_floors_in_pyproject_have_no_known_vulnerability() -> None:
    floors = {}
    for requirement in _pyproject_requirements():
        for specifier in requirement.specifier:
            if specifier.operator in (">=", "==", "~="):
                floors[canonicalize_name(requirement.name)] = specifier.version
    hits, unchecked = audit.check(floors, SNAPSHOT)
    assert not hits, "\n".join(map(str, hits))
    assert not unchecked
    assert {"grpcio", "protobuf", "jinja2"} <= floors.keys()


def test_an_unreachable_service_falls_back_to_the_snapshot(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(audit, "run_pip_audit", lambda requirements: (None, "exit 1: connection refused"))
    requirements = tmp_path / "requirements.txt"
    date = SNAPSHOT["date"][:10]

    requirements.write_text("Jinja2==2.11.2\nclick==8.1.7\nnot-a-known-package==1.0\n")
    assert audit.main([str(requirements)]) == 1
    out, err = capsys.readouterr()
    assert "audit: jinja2 2.11.2: PYSEC-2021-66" in out
    summary = f"audit (PyPA advisory database snapshot {SNAPSHOT['commit'][:12]} of {date}): "
    assert summary + "2 of 3 packages checked, 1 vulnerable" in out
    assert f"advisories published after {date} were not checked" in err
    assert "not-a-known-package==1.0" in err

    requirements.write_text("Jinja2==2.11.3\nclick==8.1.7\n")
    assert audit.main([str(requirements)]) == 0
    out, err = capsys.readouterr()
    assert summary + "2 of 2 packages checked, 0 vulnerable" in out
    assert f"advisories published after {date} were not checked" in err


def test_packages_pip_audit_skips_are_matched_against_the_snapshot(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    skipped = {"skip_reason": "Dependency not found on PyPI and could not be audited: protobuf (3.14.0)"}
    report = {
        "dependencies": [
            {"name": "protobuf", "version": "3.14.0", **skipped},
            {"name": "click", "version": "8.1.7", "vulns": []},
        ]
    }
    monkeypatch.setattr(audit, "run_pip_audit", lambda requirements: (report, ""))
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("protobuf==3.14.0\nclick==8.1.7\n")
    assert audit.main([str(requirements)]) == 1
    out, _ = capsys.readouterr()
    assert "pip-audit: 1 of 2 packages audited, 0 vulnerable" in out
    assert "audit: protobuf 3.14.0: PYSEC-2022-48" in out
    assert "1 of 1 packages checked, 1 vulnerable" in out
