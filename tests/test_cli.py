"""The command line: exit codes by outcome, one-line errors, rules list and show."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from gongkai import cli as cli_module
from gongkai.check.checker import Checker
from gongkai.cli import cli
from gongkai.config import Settings
from gongkai.engine.durable import EngineError
from tests.examples import LATE, LATE_RULE, ON_TIME, UNREGISTERED, answer_request


@pytest.fixture(autouse=True)
def session_rules(monkeypatch: pytest.MonkeyPatch, checker: Checker) -> None:
    """Reuse the session's compiled rules: a durable-rules Host per command would leak."""
    monkeypatch.setattr(cli_module, "open_rules", lambda rules_dir: checker)


def run(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin, env=env)


def write(tmp_path: Path, data: Any, name: str = "request.json") -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def one_line_error(result: Result) -> str:
    assert result.stdout == ""  # no decision printed
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


# --- check ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("request_data", "code", "outcome"),
    [(ON_TIME, 0, "COMPLIANT"), (LATE, 1, "NON_COMPLIANT"), (UNREGISTERED, 2, "INCOMPLETE")],
    ids=["compliant exits 0", "non-compliant exits 1", "incomplete exits 2"],
)
def test_check_prints_the_decision_and_exits_by_outcome(
    tmp_path: Path, request_data: dict[str, Any], code: int, outcome: str
) -> None:
    result = run("check", write(tmp_path, request_data))
    assert result.exit_code == code, result.output
    decision = json.loads(result.stdout)
    assert decision["outcome"] == outcome
    assert decision["agency"] == "清流县市场监督管理局"
    assert "清流县市场监督管理局" in result.stdout  # ensure_ascii=False: Chinese printed as such


def test_check_names_the_late_rule_and_quotes_its_clause(tmp_path: Path) -> None:
    decision = json.loads(run("check", write(tmp_path, LATE)).stdout)
    (finding,) = decision["findings"]
    assert finding["rule_id"] == LATE_RULE
    assert finding["clause_text"].startswith("第十条")


def test_check_reads_stdin_for_a_dash() -> None:
    result = run("check", "-", stdin=json.dumps(LATE))
    assert result.exit_code == 1
    assert json.loads(result.stdout)["outcome"] == "NON_COMPLIANT"


BAD = {
    "a bad date": (answer_request(received_on="x"), "gongkai: facts.received_on: input should be a valid date"),
    "an unknown fact": (answer_request(colour="red"), "gongkai: facts.colour: extra inputs are not permitted"),
    "an unknown action kind": ({**LATE, "action": "answer"}, "gongkai: action: unknown action kind 'answer'"),
    "an unknown agency": (
        {**LATE, "agency": {"name": "某某局", "division_code": "999999", "kind": "department"}},
        "gongkai: agency.division_code: unknown division code '999999'",
    ),
    "an unknown top-level key": ({**LATE, "fact": {}}, "gongkai: fact: extra inputs are not permitted"),
    "invalid JSON": ('{"agency": ', "gongkai: {file}: not valid JSON: Expecting value: line 1 column 12"),
    "JSON that is no object": ("[1, 2]", "gongkai: {file}: expected a JSON object, got list"),
}


@pytest.mark.parametrize(("data", "message"), BAD.values(), ids=BAD.keys())
def test_check_exits_3_on_bad_input_with_one_line_naming_the_field(tmp_path: Path, data: Any, message: str) -> None:
    file = write(tmp_path, data)
    result = run("check", file)
    assert result.exit_code == 3
    assert one_line_error(result).startswith(message.format(file=file))


def test_check_exits_3_for_a_file_that_does_not_exist(tmp_path: Path) -> None:
    result = run("check", str(tmp_path / "nowhere.json"))
    assert result.exit_code == 3
    assert one_line_error(result).endswith("nowhere.json: cannot read: No such file or directory")


def test_a_usage_error_exits_3_never_2_which_means_incomplete(tmp_path: Path) -> None:
    result = run("check", "--no-such-option", write(tmp_path, LATE))
    assert result.exit_code == 3
    assert "No such option" in result.stderr


class BrokenEngine:
    def fire(self, action: str, facts: dict[str, Any], packs: Any = ()) -> set[str]:
        raise EngineError("durable-rules failed on purpose")


def test_check_fails_closed_with_exit_4_when_the_engine_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, checker: Checker
) -> None:
    broken = Checker(checker.lawbook, BrokenEngine())
    monkeypatch.setattr(cli_module, "open_rules", lambda rules_dir: broken)
    result = run("check", write(tmp_path, ON_TIME))
    assert result.exit_code == 4
    assert one_line_error(result).startswith("gongkai: internal error, the action was not checked")


def test_check_exits_4_when_the_rules_directory_cannot_be_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.undo()  # the real loader
    result = run("check", "--rules-dir", str(tmp_path / "missing"), write(tmp_path, LATE))
    assert result.exit_code == 4
    assert one_line_error(result) == f"gongkai: cannot load rules: {str(tmp_path / 'missing')!r} is not a directory"


def test_the_installed_command_checks_a_file_with_the_real_rules(tmp_path: Path) -> None:
    command = Path(sys.executable).parent / "gongkai"
    if not command.exists():
        pytest.skip("the gongkai entry point is not installed next to this Python")
    result = subprocess.run([str(command), "check", write(tmp_path, LATE)], capture_output=True, text=True)
    assert result.returncode == 1, result.stderr
    assert json.loads(result.stdout)["findings"][0]["rule_id"] == LATE_RULE


# --- rules ---------------------------------------------------------------------------


def test_rules_list_prints_one_line_per_rule_with_severity_clauses_and_actions(checker: Checker) -> None:
    result = run("rules", "list")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == [r.id for r in checker.lawbook.rules.values()]  # a version each
    (late,) = [line for line in lines if line.startswith(LATE_RULE + " ")]
    assert late.split() == [LATE_RULE, "must", "QL-5-10,QL-5-10-p2,QL-5-10-p3", "answer_request"]


def test_rules_list_filters_by_pack_and_action(checker: Checker) -> None:
    result = run("rules", "list", "--pack", "QL", "--action", "answer_request")
    assert result.exit_code == 0
    ids = [line.split()[0] for line in result.stdout.splitlines()]
    assert ids == [r.id for r in checker.lawbook.by_action["answer_request"] if r.pack.code == "QL"]


@pytest.mark.parametrize(("option", "value"), [("--pack", "XX"), ("--action", "answer")])
def test_rules_list_with_an_unknown_filter_exits_3(option: str, value: str) -> None:
    result = run("rules", "list", option, value)
    assert result.exit_code == 3
    assert one_line_error(result).startswith(f"gongkai: {option[2:]}: unknown")


def test_rules_show_prints_the_rule_with_its_clauses_verbatim(checker: Checker) -> None:
    result = run("rules", "show", "QL-5-10-p2.extension-too-long")
    assert result.exit_code == 0
    _, clause = checker.lawbook.clause("QL-5-10-p2")
    rule = checker.lawbook.rules["QL-5-10-p2.extension-too-long"].rule
    for text in (clause.text, rule.breach, rule.message, rule.remedy, "extension_working_days > 15"):
        assert text in result.stdout


def test_rules_show_json_is_the_rule_as_data() -> None:
    result = run("rules", "show", "--json", LATE_RULE)
    assert result.exit_code == 0
    rule = json.loads(result.stdout)
    assert (rule["id"], rule["severity"]) == (LATE_RULE, "must")
    assert [c["id"] for c in rule["clauses"]] == ["QL-5-10", "QL-5-10-p2", "QL-5-10-p3"]


def test_rules_show_an_unknown_id_exits_3_and_suggests_the_near_one() -> None:
    result = run("rules", "show", "QL-5-10.answer-lat")
    assert result.exit_code == 3
    assert one_line_error(result) == "gongkai: no rule 'QL-5-10.answer-lat'; did you mean QL-5-10.answer-late?"


# --- serve and the rest --------------------------------------------------------------


def test_serve_options_override_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Settings] = []
    monkeypatch.setattr("gongkai.service.server.serve", lambda settings: seen.append(settings) or 0)
    result = run("serve", "--host", "0.0.0.0", env={"GONGKAI_HOST": "10.0.0.1", "GONGKAI_PORT": "6000"})
    assert result.exit_code == 0
    (settings,) = seen
    assert (settings.host, settings.port) == ("0.0.0.0", 6000)


def test_serve_with_a_bad_setting_exits_2_naming_it() -> None:
    result = run("serve", "--port", "70000")
    assert result.exit_code == 2
    assert one_line_error(result).startswith("gongkai: bad setting port (--port or GONGKAI_PORT): ")


def test_the_trace_command_is_registered() -> None:
    result = run("--help")
    assert result.exit_code == 0
    assert {"serve", "check", "rules", "trace"} <= {line.split()[0] for line in result.stdout.splitlines()[5:] if line}
