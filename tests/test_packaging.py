"""A non-editable install still finds its rule packs: the wheel carries rules/ as gongkai.law."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_wheel_ships_every_pack_catalogue_and_source(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("gongkai-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"gongkai/law/{p.relative_to(ROOT / 'rules').as_posix()}" for p in (ROOT / "rules").rglob("*.yaml")}
    expected |= {f"gongkai/law/sources/{p.name}" for p in (ROOT / "rules" / "sources").iterdir()}
    assert expected <= names, sorted(expected - names)[:5]
    assert "gongkai/check/checker.py" in names
    assert "gongkai/service/templates/docs.html" in names  # the HTTP API's docs page
