"""A non-editable install still finds its rule packs: the wheel carries rules/ as gongkai.law,
every file its seal lists included, so an installed service loads them sealed."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from gongkai.packs.seal import read_law

ROOT = Path(__file__).resolve().parent.parent


def test_the_wheel_ships_every_pack_catalogue_and_source_and_their_seal(tmp_path: Path) -> None:
    built = subprocess.run(
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
        text=True,
    )
    # the install is free of warnings (a pack directory missing from pyproject's packages, a
    # deprecated setting): a new pack or data directory needs its line there
    assert "Warning" not in built.stderr and "warning" not in built.stderr.lower(), built.stderr[-2000:]
    (wheel,) = tmp_path.glob("gongkai-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"gongkai/law/{p.relative_to(ROOT / 'rules').as_posix()}" for p in (ROOT / "rules").rglob("*.yaml")}
    expected |= {f"gongkai/law/sources/{p.name}" for p in (ROOT / "rules" / "sources").iterdir()}
    expected |= {f"gongkai/law/calendar/{p.name}" for p in (ROOT / "rules" / "calendar").iterdir()}  # notice texts
    assert expected <= names, sorted(expected - names)[:5]
    assert "gongkai/check/checker.py" in names
    # the law as installed verifies against its seal: nothing the seal lists was left out
    # (a new kind of file under rules/ needs its glob in pyproject's package-data)
    law_files = [n for n in names if n.startswith("gongkai/law/") and not n.endswith("/")]
    zipfile.ZipFile(wheel).extractall(tmp_path / "installed", members=law_files)
    law = read_law(tmp_path / "installed" / "gongkai" / "law", sealed=True)
    shipped = read_law(ROOT / "rules", sealed=True)
    assert law.seal == shipped.seal and law.seal is not None
    assert sorted(law.packs) == sorted(shipped.packs)
    assert "gongkai/service/templates/docs.html" in names  # the HTTP API's docs page
