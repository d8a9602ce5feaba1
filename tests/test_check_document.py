"""Checking a 公文 from its own text: the seed 海政办发〔2017〕37号 as HC's own drafting office would."""

from __future__ import annotations

import asyncio
import base64
import json
from pathlib import Path

import grpc
import httpx
import pytest
from click.testing import CliRunner
from google.protobuf import struct_pb2

from gongkai.check.checker import Checker
from gongkai.check.document import check_document
from gongkai.check.invalid import BadInput
from gongkai.cli import cli
from gongkai.config import Settings
from gongkai.journal.decisionlog import open_log
from gongkai.packs.jurisdiction import Agency
from gongkai.service.convert import decision_from_proto
from gongkai.service.core import Service
from gongkai.service.http import create_app
from gongkai.service.server import create_server
from gongkai.v1 import gongkai_pb2 as pb
from gongkai.v1 import gongkai_pb2_grpc as pb_grpc

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


# --- over gRPC and HTTP, end to end ------------------------------------------------------


@pytest.fixture
def journal(tmp_path: Path):

    log = open_log(tmp_path / "log", durability="normal")
    yield log
    log.close()


def test_read_and_check_document_over_grpc(checker: Checker, journal) -> None:

    server, port = create_server(Settings(host="127.0.0.1", port=0), checker, journal)
    server.start()
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = pb_grpc.ComplianceStub(channel)
            reading = stub.ReadDocument(pb.ReadDocumentRequest(content=SEED.encode("gb18030")), timeout=30).reading
            number = reading["document_number"]
            assert number["value"] == "海政办发〔2017〕37号"
            assert SEED[int(number["start"]) : int(number["end"])] == number["text"]
            facts = struct_pb2.Struct()
            facts.update(ISSUED)
            agency = pb.Agency(name=HC_OFFICE.name, division_code="210381", kind="government_office")
            request = pb.CheckDocumentRequest(request_id="doc-1", agency=agency, text=UNLABELLED, facts=facts)
            decision = decision_from_proto(stub.CheckDocument(request, timeout=30))
            assert LABEL_MISSING in decision.breached_rules
            for fact in decision.from_text:
                assert UNLABELLED[fact.start : fact.end] == fact.text
            bad = pb.CheckDocumentRequest(agency=agency)  # no text
            with pytest.raises(grpc.RpcError) as refused:
                stub.CheckDocument(bad, timeout=30)
            assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT and "text" in refused.value.details()
    finally:
        server.stop(None)
    assert journal.get("doc-1").outcome == "NON_COMPLIANT"  # logged like any check, the text not in it
    assert "海城市人民政府办公室关于深入贯彻" not in json.dumps(journal.get("doc-1").request, ensure_ascii=False)


def test_read_and_check_document_over_http(checker: Checker, journal) -> None:

    app = create_app(Service(Settings(), checker, journal, serving=True))

    async def go() -> tuple[httpx.Response, ...]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
            read = await client.post("/v1/read", json={"content_base64": base64.b64encode(SEED.encode()).decode()})
            body = {"agency": HC_OFFICE.model_dump(mode="json"), "text": UNLABELLED, "facts": ISSUED}
            checked = await client.post("/v1/check-document", json=body)
            refused = await client.post("/v1/check-document", json={**body, "colour": "red"})
            return read, checked, refused

    read, checked, refused = asyncio.run(go())
    assert read.status_code == 200
    label = read.json()["disclosure_label"]
    assert (label["value"], SEED[label["start"] : label["end"]]) == ("此件公开发布", label["text"])
    assert checked.status_code == 200, checked.text
    decision = checked.json()
    assert LABEL_MISSING in [f["rule_id"] for f in decision["findings"]]
    assert refused.status_code == 400 and refused.headers["content-type"].startswith("application/problem+json")


# A drafting office's own text (constructed: LS publishes no draft), citing a 规范性文件 of its
# government by number; LS 二(二)5 forbids relying on one its cleanup did not keep in force.
LS_DRAFT = """兰山区人民政府办公室关于做好某项工作的通知
各街道办事处,区政府各部门:
根据《兰山区某某管理办法》(临兰政发〔2015〕3号),现就有关事项通知如下。
兰山区人民政府办公室
2019年3月5日
(此件公开发布)
"""
LS_OFFICE = Agency(name="兰山区人民政府办公室", division_code="371302", kind="government_office")
DELISTED = "LS-2-2-5.draft-cites-delisted-document"


def test_a_cited_normative_document_off_the_continuing_valid_list_is_pointed_to(checker: Checker) -> None:
    _, decision = check_document(
        checker, text=LS_DRAFT, agency=LS_OFFICE, action="draft_document", continuing_valid=["临兰政发〔2016〕8号"]
    )
    finding = next(f for f in decision.findings if f.rule_id == DELISTED)
    (span,) = finding.text_spans
    assert span.fact == "cites_delisted_normative_document" and span.value is True
    assert LS_DRAFT[span.start : span.end] == span.text and "临兰政发〔2015〕3号" in span.text
    _, kept = check_document(
        checker, text=LS_DRAFT, agency=LS_OFFICE, action="draft_document", continuing_valid=["临兰政发[2015]3号"]
    )
    assert DELISTED not in kept.breached_rules  # on the list (printed with other brackets): no breach
    _, unknown = check_document(checker, text=LS_DRAFT, agency=LS_OFFICE, action="draft_document")
    assert "cites_delisted_normative_document" not in {f.fact for f in unknown.from_text}  # no list: not judged
