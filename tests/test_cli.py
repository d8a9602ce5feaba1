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
from gongkai.check.decision import Outcome
from gongkai.cli import cli
from gongkai.config import Settings
from gongkai.engine.durable import EngineError
from tests.conftest import ROOT
from tests.examples import LATE, LATE_RULE, ON_TIME, UNCOVERED, UNREGISTERED, answer_request


@pytest.fixture(autouse=True)
def session_rules(monkeypatch: pytest.MonkeyPatch, checker: Checker) -> None:
    """Reuse the session's compiled rules: a durable-rules Host per command would leak."""
    monkeypatch.setattr(cli_module, "open_rules", lambda rules_dir, public_key=None: checker)


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
    [
        (ON_TIME, 0, "COMPLIANT"),
        (LATE, 1, "NON_COMPLIANT"),
        (UNREGISTERED, 2, "INCOMPLETE"),
        (UNCOVERED, 5, "NOT_COVERED"),
    ],
    ids=["compliant exits 0", "non-compliant exits 1", "incomplete exits 2", "not covered exits 5"],
)
def test_check_prints_the_decision_and_exits_by_outcome(
    tmp_path: Path, request_data: dict[str, Any], code: int, outcome: str
) -> None:
    result = run("check", write(tmp_path, request_data))
    assert result.exit_code == code, result.output
    decision = json.loads(result.stdout)
    assert decision["outcome"] == outcome
    agency = request_data["agency"]["name"]
    assert decision["agency"] == agency
    assert agency in result.stdout  # ensure_ascii=False: Chinese printed as such


def test_every_outcome_has_its_own_exit_status_apart_from_errors() -> None:
    codes = list(cli_module.EXIT_OUTCOME.values())
    assert set(cli_module.EXIT_OUTCOME) == set(Outcome)
    assert len(set(codes)) == len(codes)
    assert not {cli_module.EXIT_BAD_INPUT, cli_module.EXIT_CANNOT_CHECK} & set(codes)


def test_the_readme_example_is_the_example_file_and_is_answered_as_the_readme_says() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    after = readme.split("`examples/answer-late.json`", 1)[1]
    request_block, answer_block = (part.split("```", 1)[0] for part in after.split("```json")[1:3])
    example = ROOT / "examples" / "answer-late.json"
    assert json.loads(request_block) == json.loads(example.read_text(encoding="utf-8"))
    result = run("check", str(example))
    assert result.exit_code == 1, result.output
    decision = json.loads(result.stdout)
    assert decision["outcome"] == "NON_COMPLIANT" and '"outcome": "NON_COMPLIANT"' in answer_block
    assert [f["rule_id"] for f in decision["findings"]] == ["QL-5-10.answer-late"]
    (obligation,) = [o for o in decision["obligations"] if o["id"] == "QL.answer_deadline"]
    assert (obligation["due_on"], obligation["status"]) == ("2025-10-23", "missed")
    assert "QL-5-9.not-registered" in decision["rules_satisfied"] and "QL-5-9.not-registered" in answer_block
    coverage = [(c["code"], c["status"]) for c in decision["coverage"]]
    assert coverage == [("CN", "applied"), ("CN08", "pack_not_in_force"), ("FEE", "applied"), ("QL", "applied")]
    assert all(f'"code": "{code}", "status": "{status}"' in answer_block for code, status in coverage)


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
    "a bad date": (
        answer_request(received_on="x"),
        "gongkai: facts.received_on: 应为日期(YYYY-MM-DD) / input should be a valid date",
    ),
    "an unknown fact": (
        answer_request(colour="red"),
        "gongkai: facts.colour: 不认识此项:名称不在允许的字段之中 / extra inputs are not permitted",
    ),
    "an unknown action kind": (
        {**LATE, "action": "answer"},
        "gongkai: action: 未知的行为类型(可用的见 DescribeActions) / unknown action kind; known: ",
    ),
    "an unknown agency": (
        {**LATE, "agency": {"name": "某某局", "division_code": "999999", "kind": "department"}},
        "gongkai: agency.division_code: 不是 GB/T 2260 行政区划代码(县级及以上,例如清流县为 350423) / not a "
        "GB/T 2260 division code",
    ),
    "an unknown top-level key": (
        {**LATE, "fact": {}},
        "gongkai: fact: 不认识此项:名称不在允许的字段之中 / extra inputs are not permitted",
    ),
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
    monkeypatch.setattr(cli_module, "open_rules", lambda rules_dir, public_key=None: broken)
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
    line = one_line_error(result)
    assert line.startswith(f"gongkai: {option[2:]}: ") and f"/ unknown {option[2:]}" in line.replace(
        "action kind", "action"
    )


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


def test_version_names_the_installed_release() -> None:
    from importlib.metadata import version

    result = run("--version")
    assert result.exit_code == 0 and result.output.strip() == f"gongkai {version('gongkai')}"


def test_check_format_text_prints_a_chinese_summary(tmp_path: Path) -> None:
    result = run("check", write(tmp_path, LATE), "--format", "text")
    assert result.exit_code == 1, result.output
    text = result.output
    assert text.startswith("结论:不合规(NON_COMPLIANT)")
    assert "违反的条款:" in text and LATE_RULE in text and "期限:" in text and "已逾期" in text
    assert not text.lstrip().startswith("{")


def test_log_list_pages_with_limit_offset_and_a_total_and_refuses_bad_filters(tmp_path: Path, checker: Checker) -> None:
    from gongkai.check.checker import CheckRequest
    from gongkai.journal.decisionlog import open_log

    log = open_log(tmp_path, create_key=True)
    for n in range(5):
        request = CheckRequest.model_validate({**ON_TIME, "request_id": f"page-{n}"})
        log.record_decision(request, checker.check(request))
    log.close()
    runner = CliRunner(mix_stderr=False) if "mix_stderr" in CliRunner.__init__.__code__.co_varnames else CliRunner()
    listed = runner.invoke(cli, ["log", "list", "--data-dir", str(tmp_path), "--limit", "2", "--offset", "1"])
    assert listed.exit_code == 0, listed.output
    ids = [line.split()[-1] for line in listed.stdout.splitlines() if line.strip()]
    assert ids == ["page-1", "page-2"]
    assert "共 5 条" in listed.stderr and "of 5" in listed.stderr
    bad = runner.invoke(cli, ["log", "list", "--data-dir", str(tmp_path), "--since", "yesterday"])
    assert bad.exit_code == 3 and "--since" in (bad.stderr + bad.stdout)
