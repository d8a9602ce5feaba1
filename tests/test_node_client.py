"""A client in another language: Node.js (@grpc/grpc-js + @grpc/proto-loader) against a live server."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from gongkai.check.checker import Checker
from gongkai.config import Settings
from gongkai.service.server import create_server
from tests.examples import DUE_ON, LATE, LATE_RULE

CLIENT = Path(__file__).resolve().parent.parent / "clients" / "node"


@pytest.fixture(scope="module")
def node_client() -> str:
    node = shutil.which("node")
    if node is None or not (CLIENT / "node_modules" / "@grpc" / "grpc-js").is_dir():
        if os.environ.get("CI"):
            pytest.fail("node or the client's npm packages are missing in CI: .ci/run should install them")
        pytest.skip("node or `npm ci` in clients/node missing")
    return node


@pytest.fixture(scope="module")
def address(checker: Checker) -> Iterator[str]:
    server, port = create_server(Settings(host="127.0.0.1", port=0), checker)
    server.start()
    yield f"127.0.0.1:{port}"
    server.stop(None)


def test_the_node_client_checks_batches_describes_and_asks_health(
    node_client: str, address: str, tmp_path: Path
) -> None:
    request = tmp_path / "request.json"
    request.write_text(json.dumps(LATE, ensure_ascii=False), encoding="utf-8")
    result = subprocess.run(
        [node_client, str(CLIENT / "client.js"), address, str(request)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["health"] == "SERVING"
    assert summary["outcome"] == "NON_COMPLIANT"
    assert LATE_RULE in summary["rules"]
    assert DUE_ON in summary["due"]
    assert summary["batch"] == ["NON_COMPLIANT", "INVALID_ARGUMENT:action"]
    assert summary["action_kinds"] >= 8
    assert summary["schema_has_received_on"] is True


def test_the_readme_node_example_runs_as_written(node_client: str, address: str) -> None:
    readme = (CLIENT.parent.parent / "README.md").read_text(encoding="utf-8")
    (line,) = [ln for ln in readme.splitlines() if "node clients/node/client.js" in ln]
    command = line.rsplit("&& ", 1)[1].replace("127.0.0.1:50051", address).split()  # npm ci: done by .ci/run
    assert command[0] == "node"
    result = subprocess.run(
        [node_client, *command[1:]], cwd=CLIENT.parent.parent, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["outcome"] == "NON_COMPLIANT" and LATE_RULE in summary["rules"]
