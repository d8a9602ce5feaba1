"""The README stays true: its tables list every RPC and every CLI command, and its examples run."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from gongkai.check.checker import Checker, CheckRequest
from gongkai.cli import cli
from gongkai.config import Settings
from gongkai.service.server import create_server
from gongkai.v1 import gongkai_pb2 as pb

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def table_rows(heading: str) -> list[str]:
    """The first column of the table under a heading."""
    section = README.split(heading, 1)[1]
    rows = []
    for line in section.splitlines()[1:]:
        if line.startswith("#"):
            break
        if line.startswith("| ") and not line.startswith("|---"):
            rows.append(line.split(" | ", 1)[0])
    return rows


def test_the_grpc_table_lists_every_rpc() -> None:
    listed = " ".join(table_rows("### gRPC API"))
    rpcs = pb.DESCRIPTOR.services_by_name["Compliance"].methods_by_name
    missing = [name for name in rpcs if f"`{name}" not in listed and f"/ `{name}`" not in listed]
    assert not missing, f"add to the README's gRPC table: {missing}"


def commands(group: click.Group, prefix: str = "gongkai") -> Iterator[str]:
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}"
        if isinstance(command, click.Group):
            yield from commands(command, path)
        else:
            yield path


def test_the_command_table_lists_every_command() -> None:
    listed = " ".join(table_rows("### Command line"))
    missing = [c for c in commands(cli) if not re.search(re.escape(c) + r"(?![\w-])", listed)]
    assert not missing, f"add to the README's command table: {missing}"


@pytest.fixture
def live_server(checker: Checker) -> Iterator[int]:
    server, port = create_server(Settings(host="127.0.0.1", port=0), checker)
    server.start()
    yield port
    server.stop(None)


def test_the_python_snippet_runs_against_a_live_server(live_server: int, tmp_path: Path, checker: Checker) -> None:
    (snippet,) = re.findall(r"```python\n(.*?)```", README, flags=re.S)
    assert "127.0.0.1:50051" in snippet
    script = tmp_path / "snippet.py"
    script.write_text(snippet.replace("127.0.0.1:50051", f"127.0.0.1:{live_server}"), encoding="utf-8")
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    outcome, _, rules = result.stdout.strip().partition(" ")
    # what it printed is what the rules decide for the snippet's request, in process
    same = CheckRequest.model_validate(
        {
            "agency": {"name": "清流县市场监督管理局", "division_code": "350423", "kind": "department"},
            "action": "answer_request",
            "facts": {"received_on": "2025-09-26", "registered": True, "answered_on": "2025-10-24"},
        }
    )
    decision = checker.check(same)
    assert outcome == decision.outcome.value
    assert rules == str([f.rule_id for f in decision.findings])
