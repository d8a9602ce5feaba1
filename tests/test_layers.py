"""The package's layering is a contract (ARCHITECTURE.md), checked by import-linter.

The contracts live in pyproject.toml ([tool.importlinter]). The first test runs them on the
code as it is; the others add one deliberate violation each to a copy of the package and
show that `lint-imports` then fails, naming the contract that broke.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")


def lint_imports(package_parent: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(package_parent)}
    return subprocess.run(
        [LINT_IMPORTS, "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


def test_the_layers_hold() -> None:
    result = lint_imports(ROOT / "server")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_no_more_than_five_modules_at_the_top() -> None:
    top = sorted(p.name for p in (ROOT / "server" / "gongkai").glob("*.py"))
    assert len(top) <= 5, top


VIOLATIONS = {
    # module to edit, line to add, contract that must break
    "the law imports the engine": ("packs/pack.py", "import gongkai.engine.compiler", "Imports flow one way"),
    "the engine imports grpc": ("engine/durable.py", "import grpc", "Only the service speaks grpc"),
    "the journal imports the service": ("journal/store.py", "import gongkai.service.convert", "Imports flow one way"),
    "a loop between siblings": ("facts/exemptions.py", "import gongkai.facts.publication", "No import loop"),
    "config imports the check": ("config.py", "import gongkai.check.checker", "Configuration is a leaf"),
}


@pytest.mark.parametrize("violation", VIOLATIONS, ids=list(VIOLATIONS))
def test_a_violation_fails_the_contract(violation: str, tmp_path: Path) -> None:
    module, line, contract = VIOLATIONS[violation]
    copy = tmp_path / "gongkai"
    shutil.copytree(ROOT / "server" / "gongkai", copy, ignore=shutil.ignore_patterns("__pycache__"))
    target = copy / module
    target.write_text(target.read_text() + f"\n{line}  # deliberate violation\n")
    result = lint_imports(tmp_path)
    assert result.returncode != 0, result.stdout
    report = " ".join(result.stdout.split())  # contract names wrap at the terminal width
    broken = report.split("Broken contracts", 1)[-1]
    assert "Broken contracts" in report and contract in broken, result.stdout
