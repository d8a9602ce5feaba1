"""Deliberately broken packs: the loader and compiler reject each with a short, exact message."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from gongkai.engine.compiler import CompileError, compile_packs
from gongkai.packs.pack import PackError, load_pack

RULES = Path(__file__).resolve().parent.parent / "rules"

GOOD_RULE = """
rules:
  - id: QL-5-9.not-registered
    clauses: [QL-5-9]
    actions: [answer_request]
    severity: must
    breach: {breach}
    message: 收到申请后未及时登记。
    remedy: 立即登记。
"""


def make_pack(tmp_path: Path, rule_yaml: str) -> Path:
    pack = tmp_path / "QL"
    (pack / "rules").mkdir(parents=True)
    shutil.copy(RULES / "QL" / "clauses.yaml", pack / "clauses.yaml")
    shutil.copy(RULES / "QL" / "pack.yaml", pack / "pack.yaml")
    (pack / "rules" / "test.yaml").write_text(textwrap.dedent(rule_yaml), encoding="utf-8")
    return pack


def compile_rule(tmp_path: Path, rule_yaml: str) -> None:
    compile_packs([load_pack(make_pack(tmp_path, rule_yaml), RULES / "sources")])


def test_a_good_rule_compiles(tmp_path: Path) -> None:
    compile_rule(tmp_path, GOOD_RULE.format(breach="not registered"))


@pytest.mark.parametrize(
    ("breach", "message"),
    [
        ("not registerd", "rule QL-5-9.not-registered: unknown fact 'registerd'"),
        ("registered > 3", "rule QL-5-9.not-registered: 'registered' is a yes/no fact, not a number"),
        (
            'answer_type == "lost"',
            "rule QL-5-9.not-registered: 'lost' is not a value of 'answer_type' (one of told_where_to_get, "
            "provided, refused, told_not_held, told_nonexistent, asked_to_correct, told_how_where_when, "
            "told_not_responsible, told_not_reprocessed, told_special_procedure)",
        ),
        ('answer_type > "provided"', "rule QL-5-9.not-registered: 'answer_type' is a single choice; use == or !="),
        ("received_on > 3", "rule QL-5-9.not-registered: 'received_on' is a date; compare a derived number"),
        ("extension_working_days > no_such_limit", "'no_such_limit' is neither a literal nor a parameter"),
        (
            '"portal" in answer_type',
            "rule QL-5-9.not-registered: 'answer_type' is a single choice, not a list of choices",
        ),
        ("breached(QL-0.none)", "rule QL-5-9.not-registered: breached(QL-0.none) names no rule"),
        ("breached(QL-5-9.not-registered)", "breached() cycle"),
        ("registered and", "cannot parse condition 'registered and'"),
        ("__import__('os')", "cannot parse condition"),
    ],
)
def test_a_broken_condition_is_rejected(tmp_path: Path, breach: str, message: str) -> None:
    with pytest.raises(CompileError) as error:
        compile_rule(tmp_path, GOOD_RULE.format(breach=f"'{breach}'" if "'" not in breach else f'"{breach}"'))
    assert message in str(error.value)


def test_a_rule_citing_an_unknown_clause_is_rejected(tmp_path: Path) -> None:
    rule = GOOD_RULE.format(breach="not registered").replace("[QL-5-9]", "[QL-5-99]")
    with pytest.raises(CompileError, match="cites clause 'QL-5-99', which no catalogue has"):
        compile_rule(tmp_path, rule)


def test_a_rule_for_an_unknown_action_is_rejected(tmp_path: Path) -> None:
    rule = GOOD_RULE.format(breach="not registered").replace("[answer_request]", "[answer_requests]")
    with pytest.raises(CompileError, match="unknown action kind 'answer_requests'"):
        compile_rule(tmp_path, rule)


def test_a_misspelt_key_is_rejected_not_ignored(tmp_path: Path) -> None:
    rule = GOOD_RULE.format(breach="not registered").replace("severity: must", "severty: must")
    with pytest.raises(PackError, match=r"rules\.0\.severty: extra inputs are not permitted|severty"):
        compile_rule(tmp_path, rule)


def test_an_unknown_severity_is_rejected(tmp_path: Path) -> None:
    rule = GOOD_RULE.format(breach="not registered").replace("severity: must", "severity: shall")
    with pytest.raises(PackError, match="severity"):
        compile_rule(tmp_path, rule)


def test_invalid_yaml_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(PackError, match=r"test\.yaml: not valid YAML"):
        compile_rule(tmp_path, "rules: [\n")


def test_two_rules_with_one_id_are_rejected(tmp_path: Path) -> None:
    rule = GOOD_RULE.format(breach="not registered")
    twice = rule + rule.split("rules:\n", 1)[1]
    with pytest.raises(CompileError, match="id used twice"):
        compile_rule(tmp_path, twice)


def test_a_paraphrased_catalogue_is_rejected(tmp_path: Path) -> None:
    pack = make_pack(tmp_path, GOOD_RULE.format(breach="not registered"))
    clauses = pack / "clauses.yaml"
    clauses.write_text(clauses.read_text(encoding="utf-8").replace("应当及时登记", "应当登记"), encoding="utf-8")
    with pytest.raises(PackError, match="not verbatim"):
        load_pack(pack, RULES / "sources")


def test_not_in_is_the_negation_of_in() -> None:
    from gongkai.packs.conditions import Not, OneOf, parse, render

    node = parse('answer_type not in ["provided", "refused"]')
    assert node == Not(OneOf("answer_type", ("provided", "refused")))
    assert render(node) == 'answer_type not in ["provided", "refused"]'


BOUNDED_DEADLINE = """
deadlines:
  - id: test_answer_deadline
    title: 答复期限
    clauses: [QL-5-10]
    actions: [answer_request]
    start: request_received_on
    period: answer_period
    end: answered_on
    {suspension}
"""


def test_a_suspension_bounded_by_no_deadline_is_rejected(tmp_path: Path) -> None:
    deadline = BOUNDED_DEADLINE.format(
        suspension="suspension: [consultation_began_on, consultation_ended_on]\n    suspension_until: no_such_deadline"
    )
    with pytest.raises(CompileError, match="suspension_until 'no_such_deadline' is not a deadline of answer_request"):
        compile_rule(tmp_path, deadline)


def test_a_suspension_bound_needs_a_suspension(tmp_path: Path) -> None:
    with pytest.raises(PackError, match="suspension_until needs a suspension"):
        compile_rule(tmp_path, BOUNDED_DEADLINE.format(suspension="suspension_until: answer_deadline"))
