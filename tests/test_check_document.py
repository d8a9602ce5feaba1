"""Checking a 公文 from its own text: the seed 海政办发〔2017〕37号 as HC's own drafting office would."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from gongkai.check.checker import Checker
from gongkai.check.document import check_document
from gongkai.check.invalid import BadInput
from gongkai.cli import cli
from gongkai.packs.jurisdiction import Agency

ROOT = Path(__file__).resolve().parent.parent
SEED = (ROOT / "tests" / "documents" / "01.txt").read_text(encoding="utf-8")  # the seed 001, byte for byte
UNLABELLED = SEED.replace("(此件公开发布)", "")
HC_OFFICE = Agency(name="海城市人民政府办公室", division_code="210381", kind="government_office")
ISSUED = {"issued_on": "2017-04-26", "disclosure_attribute": "proactive"}  # the workflow facts the OA system has
LABEL_MISSING = "HC-2-2-s4.attribute-label-missing"


def test_a_document_issued_without_its_label_breaches_hc_and_the_finding_points_where_it_belongs(
    checker: Checker,
) -> None:
    _, decision = check_document(checker, text=UNLABELLED, agency=HC_OFFICE, action="draft_document", facts=ISSUED)
    finding = next(f for f in decision.findings if f.rule_id == LABEL_MISSING)
    (span,) = finding.text_spans
    assert (span.fact, span.value, span.text, span.start == span.end) == ("issue_label", "none", "", True)
    date = next(t for t in decision.from_text if t.fact == "signed_on")
    assert UNLABELLED[date.start : date.end] == "2017年4月25日" and span.start == date.end  # under the 成文日期


def test_the_same_document_with_its_label_does_not(checker: Checker) -> None:
    request, decision = check_document(checker, text=SEED, agency=HC_OFFICE, action="draft_document", facts=ISSUED)
    assert LABEL_MISSING not in decision.breached_rules
    assert request.facts["issue_label"] == "publish" and request.facts["signed_on"] == "2017-04-25"
    for fact in decision.from_text:  # every span slices the text to the printed form
        assert SEED[fact.start : fact.end] == fact.text
    # the attribute the text states (此件公开发布: proactive) is the caller's too: the caller's wins
    assert {f.fact for f in decision.from_text} == {"title", "issue_label", "signed_on"}


def test_the_callers_facts_win_and_are_not_listed_as_from_the_text(checker: Checker) -> None:
    given = ISSUED | {"title": "改过的标题", "issue_label": "on_request"}
    request, decision = check_document(checker, text=SEED, agency=HC_OFFICE, action="draft_document", facts=given)
    assert request.facts["title"] == "改过的标题" and request.facts["issue_label"] == "on_request"
    assert {f.fact for f in decision.from_text} == {"signed_on"}
    assert LABEL_MISSING in decision.breached_rules  # 依申请公开 printed on a document signed as proactive


def test_a_publication_takes_the_written_date_as_generated(checker: Checker) -> None:
    request, _ = check_document(checker, text=SEED, agency=HC_OFFICE, action="publish_information")
    assert request.facts["generated_on"] == "2017-04-25" and request.facts["disclosure_attribute"] == "proactive"
    with pytest.raises(BadInput):
        check_document(checker, text=SEED, agency=HC_OFFICE, action="answer_request")


def test_gongkai_check_document_end_to_end(tmp_path: Path) -> None:
    document = tmp_path / "doc.txt"
    document.write_text(UNLABELLED, encoding="utf-8")
    facts = tmp_path / "facts.json"
    facts.write_text(json.dumps(ISSUED), encoding="utf-8")
    args = ["check-document", str(document), "--agency-name", HC_OFFICE.name, "--division-code", "210381"]
    result = CliRunner().invoke(cli, [*args, "--agency-kind", "政府办公室", "--facts", str(facts)])
    assert result.exit_code == 3, result.output  # not a kind: refused naming the field, never a trace
    assert "agency.kind" in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(cli, [*args, "--agency-kind", "government_office", "--facts", str(facts)])
    assert result.exit_code == 1, result.output
    decision = json.loads(result.output)
    assert LABEL_MISSING in [f["rule_id"] for f in decision["findings"]]
