"""A throwaway PostgreSQL server for the tests: initdb in a temporary directory, a Unix
socket only (nothing listens on the network), stopped at the end. Skipped when no server
binaries are installed, except in CI, where .ci/run installs them and a skip would hide a gap."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator

import pytest


def _binary(name: str) -> str | None:
    found = shutil.which(name) or sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found if isinstance(found, str) else (found[-1] if found else None)


def _as_postgres(args: list[str]) -> list[str]:
    # initdb refuses to run as root: run the server as the Debian package's postgres user
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    if not (initdb and pg_ctl):
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL server binaries are missing in CI: .ci/run should install them")
        pytest.skip("no PostgreSQL server installed")
    home = tempfile.mkdtemp(prefix="gongkai-pg-")
    if os.geteuid() == 0:
        shutil.chown(home, "postgres", "postgres")
    data, socket = os.path.join(home, "data"), home
    subprocess.run(_as_postgres([initdb, "-D", data, "-A", "trust", "-U", "gongkai"]), check=True, capture_output=True)
    options = f"-k {socket} -c listen_addresses='' -c fsync=on"
    subprocess.run(
        _as_postgres([pg_ctl, "-D", data, "-o", options, "-w", "start", "-l", f"{home}/log"]),
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql://gongkai@/postgres?host={socket}"
    finally:
        subprocess.run(_as_postgres([pg_ctl, "-D", data, "-m", "fast", "-w", "stop"]), capture_output=True)
        shutil.rmtree(home, ignore_errors=True)


def server_version(url: str) -> str:
    import psycopg

    with psycopg.connect(url) as conn:
        return str(conn.execute("SHOW server_version").fetchone()[0])
