"""The decision log: durable, chained, verifiable, and free of applicants' personal data."""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import sqlite3
from pathlib import Path
from typing import Any

import grpc
import pytest

from gongkai.check.checker import Checker, CheckRequest
from gongkai.config import Settings
from gongkai.facts import ACTIONS
from gongkai.journal.decisionlog import REJECTED, DecisionLog, Filters, open_log
from gongkai.journal.jsontext import encoder
from gongkai.journal.privacy import MAX_CLEAR, MAX_EXTRA, content_digest, pseudonym, rejection_bound
from gongkai.journal.store import Record, _content
from gongkai.packs.vocabulary import FactType, model_vocabulary
from gongkai.periods.workdays import WorkingDayCalendar
from gongkai.service.convert import check_request_to_proto, logged_to_proto
from gongkai.service.server import create_server
from gongkai.service.servicer import Problem, check_one
from gongkai.v1 import gongkai_pb2 as pb
from gongkai.v1 import gongkai_pb2_grpc as pb_grpc
from tests.examples import LATE, ON_TIME, answer_request, broken_calendar


def record(log: DecisionLog, checker: Checker, data: dict[str, Any]) -> None:
    request = CheckRequest.model_validate(data)
    log.record_decision(request, checker.check(request))


@pytest.fixture
def log(tmp_path: Path) -> DecisionLog:
    return open_log(tmp_path)


def test_decisions_and_rejections_are_recorded_and_read_back(log: DecisionLog, checker: Checker) -> None:
    record(log, checker, {**LATE, "request_id": "r-1"})
    record(log, checker, {**ON_TIME, "request_id": "r-2"})
    log.record_rejection({"request_id": "r-3", "action": "answer"}, "v", "INVALID_ARGUMENT", "action", "unknown")
    assert log.get("r-1").outcome == "NON_COMPLIANT"
    assert log.get("r-1").decision["findings"][0]["rule_id"] == "QL-5-10.answer-late"
    assert log.get("r-3").outcome == REJECTED
    assert [e.request_id for e in log.page(Filters(outcome="COMPLIANT"))] == ["r-2"]
    assert [e.seq for e in log.page(Filters(), after=1, limit=1)] == [2]
    assert log.verify() == []


# --- personal data: the planted values ----------------------------------------------------
#
# Each placement carries its own planted value (so a failure names it); after every one has
# been sent — by Check and again in one CheckBatch — the database, its WAL and shared memory,
# the lock and key files and the server's log output must hold none of them in clear.
# Decided not personal, and kept in clear: the agency's name (an institution) and the
# request id (the caller's own reference, the key GetDecision finds the entry by); the last
# test in this group shows both are kept.

NAME = answer_request()["agency"]


def placement(action: str = "answer_request", agency: dict | None = None, **fields: Any) -> dict[str, Any]:
    return {"agency": agency or dict(NAME), "action": action, **fields}


PLANTED: dict[str, tuple[dict[str, Any], str]] = {
    # a decision: personal facts as designed, and free text
    "personal facts of a decided request": (
        answer_request(applicant_name="张三丰甲", applicant_identity="350423199001011201"),
        "张三丰甲",
    ),
    "an ID number in a decided request": (
        answer_request(applicant_identity="350423199001011202"),
        "350423199001011202",
    ),
    "free text (a title) of a decided request": (
        placement("draft_document", facts={"title": "关于张三丰乙的处分决定"}),
        "张三丰乙",
    ),
    # rejected: the value in the wrong type, place or name
    "a phone number sent as a number": (answer_request(applicant_contact=13800138001), "13800138001"),
    "an ID number sent as a list": (answer_request(applicant_identity=["350423199001011203"]), "350423199001011203"),
    "an address nested in a dict": (
        answer_request(applicant_address={"street": "龙津镇测试路丙号"}),
        "龙津镇测试路丙号",
    ),
    "a personal fact under another action kind": (
        placement("draft_document", facts={"applicant_name": "张三丰丁"}),
        "张三丰丁",
    ),
    "a misspelt personal fact": (answer_request(applicant_nme="张三丰戊"), "张三丰戊"),
    "a phone number as a fact's name": (answer_request(**{"13800138002": True}), "13800138002"),
    "a name nested two deep in a yes/no fact": (answer_request(registered={"who": {"name": "张三丰己"}}), "张三丰己"),
    "a phone number as a key inside a fact": (answer_request(registered={"13800138003": 1}), "13800138003"),
    "a name where a date belongs": (answer_request(received_on="张三丰庚"), "张三丰庚"),
    "a name as an enum value": (answer_request(answer_type="张三丰辛"), "张三丰辛"),
    "a phone number in a list of enum values": (answer_request(request_elements=["13800138004"]), "13800138004"),
    "a dict in a list of enum values": (answer_request(exemptions=[{"note": "张三丰壬"}]), "张三丰壬"),
    "a phone number with a fraction where a count belongs": (
        answer_request(extension_working_days=13800138005.5),
        "13800138005",
    ),
    "a name over the text length limit": (answer_request(applicant_name="张三丰癸" + "x" * 10_001), "张三丰癸"),
    "valid personal facts of a request rejected for another fact": (
        answer_request(applicant_name="张三丰子", received_on="not a date"),
        "张三丰子",
    ),
    "free text of a request rejected for another fact": (
        placement("draft_document", facts={"title": "关于张三丰丑的通知", "classified": "maybe"}),
        "张三丰丑",
    ),
    "a name as the action kind": (placement("张三丰寅", facts={}), "张三丰寅"),
    "a phone number as the division code": (
        placement(agency={**NAME, "division_code": "13800138006"}, facts={}),
        "13800138006",
    ),
    "a name as the agency kind": (placement(agency={**NAME, "kind": "张三丰卯"}, facts={}), "张三丰卯"),
    "an ID number as the as-of date": (placement(facts={}, as_of="350423199001011204"), "350423199001011204"),
}
# Sent with a request id an earlier, different request holds: refused ALREADY_EXISTS, logged.
REUSED_ID = (answer_request("held-1", applicant_name="张三丰辰"), "张三丰辰")
# A check that fails inside (INTERNAL): the server logs it, with a traceback.
FAILING = (answer_request("failing-1", applicant_name="张三丰巳"), "张三丰巳")


def test_personal_data_never_reaches_the_database_files(
    tmp_path: Path, checker: Checker, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert len(PLANTED) + 2 >= 17
    caplog.set_level(logging.DEBUG)
    journal = open_log(tmp_path)
    server, port = create_server(Settings(host="127.0.0.1", port=0), checker, journal)
    server.start()
    returned: list[str] = []
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = pb_grpc.ComplianceStub(channel)
            fates = {}
            for name, (request, _) in PLANTED.items():
                try:
                    fates[name] = pb.Outcome.Name(stub.Check(check_request_to_proto(request), timeout=30).outcome)
                except grpc.RpcError as error:
                    fates[name] = error.code().name
            batch = pb.CheckBatchRequest(requests=[check_request_to_proto(r) for r, _ in PLANTED.values()])
            for result in stub.CheckBatch(batch, timeout=60).results:
                returned.append(result.error.message)  # empty for a decision
            stub.Check(check_request_to_proto(answer_request("held-1")), timeout=30)
            with pytest.raises(grpc.RpcError) as reused:
                stub.Check(check_request_to_proto(REUSED_ID[0]), timeout=30)
            returned.append(reused.value.details())
            monkeypatch.setattr(WorkingDayCalendar, "add", broken_calendar)
            with pytest.raises(grpc.RpcError) as failed:
                stub.Check(check_request_to_proto(FAILING[0]), timeout=30)
            monkeypatch.undo()
    finally:
        server.stop(None)
    # each placement reached the log the way it was meant to: decided, or refused and logged
    decided = {"personal facts of a decided request", "an ID number in a decided request"}
    decided.add("free text (a title) of a decided request")
    assert {n for n, fate in fates.items() if fate not in ("INVALID_ARGUMENT",)} == decided, fates
    assert reused.value.code() == grpc.StatusCode.ALREADY_EXISTS
    assert failed.value.code() == grpc.StatusCode.INTERNAL
    assert "check failed" in caplog.text  # the server did log, with its traceback
    assert journal.verify() == []
    planted = [value for _, value in [*PLANTED.values(), REUSED_ID, FAILING]]
    files = sorted(p.name for p in tmp_path.iterdir())
    assert {"decisions.sqlite3-wal", "decisions.sqlite3-shm"} <= set(files)  # read while the WAL holds them

    def clear_values() -> dict[str, list[str]]:
        found = {}
        for path in tmp_path.iterdir():
            raw = path.read_bytes()
            found[path.name] = [v for v in planted if v.encode() in raw]
        found["server log"] = [v for v in planted if v in caplog.text]
        found["messages returned"] = [v for v in planted if any(v in m for m in returned)]
        return {where: values for where, values in found.items() if values}

    assert clear_values() == {}
    journal.close()  # the WAL checkpointed into the database
    assert clear_values() == {}


def test_the_agency_name_and_the_request_id_are_kept_in_clear(tmp_path: Path, checker: Checker) -> None:
    """Not personal, by decision (privacy.py): an institution, and the caller's own reference."""
    log = open_log(tmp_path)
    request = {**LATE, "request_id": "oa-2025-0042", "agency": {**LATE["agency"], "name": "清流县市场监督管理局"}}
    record(log, checker, request)
    entry = log.get("oa-2025-0042")
    assert (entry.request_id, entry.agency, entry.request["agency"]["name"]) == (
        "oa-2025-0042",
        "清流县市场监督管理局",
        "清流县市场监督管理局",
    )


def test_a_rejected_request_keeps_in_clear_only_what_validated_and_is_not_personal(
    tmp_path: Path, checker: Checker
) -> None:
    log = open_log(tmp_path)
    raw = answer_request(
        "r-clear",
        applicant_name="张三",
        applicant_nme="张三",
        received_on="not a date",
        answer_type="provided",
        exemptions=["state_secret"],
        registered="maybe",
    )
    log.record_rejection(
        raw, "v", "INVALID_ARGUMENT", "facts.received_on", "应为日期 / …", "date_from_datetime_parsing"
    )
    entry = log.get("r-clear")
    facts = entry.request["facts"]
    # validated and not personal: in clear
    assert (facts["answer_type"], facts["exemptions"], facts["answered_on"]) == (
        "provided",
        ["state_secret"],
        "2025-10-24",
    )
    assert (entry.agency, entry.division_code, entry.action) == ("清流县市场监督管理局", "350423", "answer_request")
    # personal, misspelt (name and value), or not valid: hashed
    hashed = [facts["applicant_name"], facts["received_on"], facts["registered"]]
    assert all(v.startswith("hmac-sha256:") for v in hashed)
    assert "applicant_nme" not in facts and sum(k.startswith("hmac-sha256:") for k in facts) == 1
    assert facts["applicant_name"] == log.get("r-clear").request["facts"]["applicant_name"]  # linkable
    assert entry.error == {
        "code": "INVALID_ARGUMENT",
        "field": "facts.received_on",
        "message": "应为日期 / …",
        "kind": "date_from_datetime_parsing",
    }
    assert entry.request_digest.startswith("hmac-sha256:")


def test_a_field_path_keeps_names_of_ours_and_hashes_the_rest(tmp_path: Path) -> None:
    log = open_log(tmp_path)
    log.record_rejection({"request_id": "p-1"}, "v", "INVALID_ARGUMENT", "facts.13800138000", "…")
    log.record_rejection({"request_id": "p-2"}, "v", "INVALID_ARGUMENT", "facts.request_elements.0", "…")
    log.record_rejection({"request_id": "p-3"}, "v", "INVALID_ARGUMENT", ".".join(["a"] * 50), "…")
    assert log.get("p-1").error["field"].startswith("facts.hmac-sha256:")
    assert log.get("p-2").error["field"] == "facts.request_elements.0"
    assert log.get("p-3").error["field"].count(".") == 8 and log.get("p-3").error["field"].endswith("…")


def test_the_database_and_its_files_are_private(tmp_path: Path, checker: Checker) -> None:
    log = open_log(tmp_path / "var")
    record(log, checker, LATE)
    names = {p.name: p.stat().st_mode & 0o777 for p in (tmp_path / "var").iterdir()}
    log.close()
    assert set(names) == {"decisions.sqlite3", "decisions.sqlite3-wal", "decisions.sqlite3-shm"} | {
        "decisions.sqlite3.lock",
        "log.key",
    }
    assert set(names.values()) == {0o600}, names
    assert (tmp_path / "var").stat().st_mode & 0o777 == 0o700


def tamper(path: Path, sql: str) -> None:
    db = sqlite3.connect(path)
    db.executescript(sql)
    db.commit()
    db.close()


@pytest.mark.parametrize(
    ("sql", "problem"),
    [
        ("UPDATE decisions SET outcome = 'COMPLIANT' WHERE seq = 2", "entry 2 was altered"),
        ("DELETE FROM decisions WHERE seq = 2", "entry 2 is missing"),
        (
            "UPDATE decisions SET seq = 99 WHERE seq = 2; UPDATE decisions SET seq = 2 WHERE seq = 3;"
            " UPDATE decisions SET seq = 3 WHERE seq = 99;",
            "does not follow",
        ),
        ("DELETE FROM decisions WHERE seq = 3", "truncated"),
    ],
    ids=["edited", "deleted", "reordered", "truncated"],
)
def test_verify_detects_tampering(tmp_path: Path, checker: Checker, sql: str, problem: str) -> None:
    log = open_log(tmp_path)
    for n in range(3):
        record(log, checker, {**LATE, "request_id": f"r-{n}"})
    assert log.verify() == []
    log.close()
    tamper(tmp_path / "decisions.sqlite3", sql)
    problems = open_log(tmp_path).verify()
    assert any(problem in p for p in problems), problems


def test_the_log_key_is_created_once_and_private(tmp_path: Path) -> None:
    open_log(tmp_path).close()
    key = (tmp_path / "log.key").read_text()
    open_log(tmp_path).close()
    assert (tmp_path / "log.key").read_text() == key
    assert (tmp_path / "log.key").stat().st_mode & 0o777 == 0o600


def test_gongkai_log_verify_exits_1_on_a_tampered_log(tmp_path: Path, checker: Checker) -> None:
    from click.testing import CliRunner

    from gongkai.cli import cli

    log = open_log(tmp_path)
    record(log, checker, {**LATE, "request_id": "cli-1"})
    record(log, checker, {**LATE, "request_id": "cli-2"})
    log.close()
    runner = CliRunner()
    ok = runner.invoke(cli, ["log", "verify", "--data-dir", str(tmp_path)])
    assert (ok.exit_code, ok.output.strip()) == (0, "the log is intact")
    listed = runner.invoke(cli, ["log", "list", "--data-dir", str(tmp_path)])
    assert "cli-1" in listed.output and "cli-2" in listed.output
    tamper(tmp_path / "decisions.sqlite3", "UPDATE decisions SET agency = 'x' WHERE seq = 1")
    bad = runner.invoke(cli, ["log", "verify", "--data-dir", str(tmp_path)])
    assert bad.exit_code == 1
    assert "entry 1 was altered" in bad.output


def test_a_not_covered_decision_is_logged_under_its_own_outcome_and_filters_know_every_outcome(
    tmp_path: Path, checker: Checker
) -> None:
    from click.testing import CliRunner
    from pydantic import ValidationError

    from gongkai.cli import cli
    from tests.examples import UNCOVERED

    log = open_log(tmp_path)
    record(log, checker, {**UNCOVERED, "request_id": "nc-1"})
    record(log, checker, {**ON_TIME, "request_id": "nc-2"})
    assert [e.request_id for e in log.page(Filters(outcome="NOT_COVERED"))] == ["nc-1"]
    with pytest.raises(ValidationError, match="NOT_COVERED"):
        Filters(outcome="NOT-COVERED")  # a misspelt outcome would list nothing, as if none were logged
    log.close()
    runner = CliRunner()
    listed = runner.invoke(cli, ["log", "list", "--outcome", "NOT_COVERED", "--data-dir", str(tmp_path)])
    assert listed.exit_code == 0 and "nc-1" in listed.output and "nc-2" not in listed.output
    wrong = runner.invoke(cli, ["log", "list", "--outcome", "UNCOVERED", "--data-dir", str(tmp_path)])
    assert wrong.exit_code == 3 and "NOT_COVERED" in wrong.output


# --- rejected requests are bounded -------------------------------------------------------

MB = 1024 * 1024


def entry_bytes(entry: Any) -> int:
    """What GetDecision returns for the entry (ListDecisions: the same, once per entry)."""
    return logged_to_proto(entry).ByteSize()


def reject(journal: DecisionLog, checker: Checker, request: dict[str, Any]) -> Any:
    """Check in process, as the Check RPC does (no transport limit), and read the entry back."""
    msg = check_request_to_proto(request)
    result = check_one(checker, msg, journal)
    assert isinstance(result, Problem), result
    (entry,) = journal.page(Filters())
    return entry


@pytest.mark.parametrize(
    "request_data",
    [
        {**LATE, "request_id": "x" * (39 * MB // 10)},
        answer_request("huge-1", applicant_address="地" * (39 * MB // 30)),
        answer_request("huge-2", received_on="9" * (39 * MB // 10)),
        answer_request("huge-3", **{f"k{n:06d}": "v" * 30 for n in range(100_000)}),
        answer_request("huge-4", **{"x" * (39 * MB // 10): True}),
        placement("a" * (39 * MB // 10), facts={"received_on": "2025-09-26"}),
        answer_request("huge-5", registered=functools.reduce(lambda inner, _: {"k": inner}, range(60), "v" * MB)),
    ],
    ids=[
        "a 3.9 MB request id",
        "a huge fact",
        "a huge bad date",
        "100,000 unknown facts",
        "a huge fact name",
        "a huge action",
        "deep nesting",
    ],
)
def test_a_huge_rejected_request_makes_a_small_entry(
    tmp_path: Path, checker: Checker, request_data: dict[str, Any]
) -> None:
    journal = open_log(tmp_path)
    entry = reject(journal, checker, request_data)
    assert entry.outcome == REJECTED
    assert entry_bytes(entry) < 4096 + MAX_EXTRA * 200, entry_bytes(entry)
    assert journal.verify() == []


def test_no_rejected_entry_exceeds_the_computed_bound(tmp_path: Path, checker: Checker) -> None:
    """The worst case: every fact of the action with the most facts at its largest value still
    kept in clear, the longest valid agency name and request id of characters JSON escapes,
    the most unknown facts kept, and the longest message."""
    assert rejection_bound() < 64 * 1024  # GetDecision's reply, well within 4 MiB
    action, model = max(ACTIONS.items(), key=lambda item: len(item[1].model_fields))
    facts: dict[str, Any] = {}
    for name, info in model_vocabulary(model).items():
        if info.type is FactType.choices:
            longest = max(info.values, key=len)
            facts[name] = [longest] * ((MAX_CLEAR - 2) // (len(longest) + 3))
        elif info.type is FactType.choice:
            facts[name] = max(info.values, key=len)
        else:
            facts[name] = {"boolean": True, "number": 12345, "date": "2025-01-01"}.get(info.type, "t" * 10_000)
    facts |= {f"hmac-like-{n}": "v" * 1000 for n in range(10 * MAX_EXTRA)}
    facts["extension_working_days"] = "not a number"  # rejected for this
    raw = {"request_id": "\x01" * 100, "agency": {**NAME, "name": '"' * 200}, "action": action, "facts": facts}
    raw["as_of"] = "2025-01-01"
    journal = open_log(tmp_path)
    long_message = "\x01" * 5000
    journal.record_rejection(raw, "v", "INVALID_ARGUMENT", ".".join(["x" * 1000] * 100), long_message, "k" * 100)
    (entry,) = journal.page(Filters())
    kept_in_clear = [k for k, v in entry.request["facts"].items() if not str(v).startswith("hmac-sha256:")]
    assert len(kept_in_clear) > len(model.model_fields) // 2  # the worst case really is kept in clear
    text = sum(len(t.encode()) for t in entry.stored_documents() if t)
    text += sum(len(t.encode()) for t in (entry.request_id, entry.agency, entry.division_code, entry.action))
    # the bound counts every fact at the longest value kept in clear; yes/no and date facts are
    # shorter, and the action with the most facts (answer_request) has many: within 3×, not 2×
    assert rejection_bound() // 3 < text <= rejection_bound(), (text, rejection_bound())


def test_a_page_of_decisions_never_outgrows_the_reply_limit(tmp_path: Path, checker: Checker) -> None:
    limit = 64 * 1024
    journal = open_log(tmp_path)
    for n in range(60):
        record(journal, checker, {**LATE, "request_id": f"page-{n}"})
    one = logged_to_proto(journal.get("page-0")).ByteSize()
    assert 60 * one > 2 * limit  # the 60 entries need three pages or more
    server, port = create_server(Settings(host="127.0.0.1", port=0, max_message_bytes=limit), checker, journal)
    server.start()
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = pb_grpc.ComplianceStub(channel)
            seen, pages, token = [], 0, ""
            while True:
                page = stub.ListDecisions(pb.ListDecisionsRequest(page_size=1000, page_token=token), timeout=30)
                assert page.ByteSize() <= limit
                seen += [d.request_id for d in page.decisions]
                pages, token = pages + 1, page.next_page_token
                if not token:
                    break
    finally:
        server.stop(None)
    assert seen == [f"page-{n}" for n in range(60)] and pages >= 3


@pytest.mark.parametrize("digest", ["hmac-sha256:" + "d" * 64, None])
def test_the_content_a_mac_covers_is_the_canonical_header_then_the_stored_documents(digest: str | None) -> None:
    """The stored format every existing log was MACed with, written out: the record's content
    (encoded in parts, seq and prev_mac filled in under the lock) and an entry's, as read back
    to verify, must both be exactly this, whatever the fields hold."""
    fields = {
        "request_id": 'id "引号" \\ \n\t\x00 ü "prev_mac":"" "seq":0',
        "recorded_at": "2026-01-02T03:04:05.000006+00:00",
        "agency": '某市人民政府办公室\u2028 "prev_mac":"" "seq":0',
        "division_code": "",
        "action": "answer_request",
        "outcome": "COMPLIANT",
        "ruleset_version": "v1 \U0001f600",
    }
    documents = ('{"facts":{"a":1}}', '{"outcome":"COMPLIANT","理由":"\\n"}', None)
    prev_mac = "f" * 64
    canonical = json.dumps(
        {**fields, "seq": 12, "prev_mac": prev_mac, **({"request_digest": digest} if digest else {})},
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    expected = "\n".join([canonical, *(d or "null" for d in documents)]).encode()
    record = Record(**fields, request=documents[0], decision=documents[1], error=None, request_digest=digest or "")
    assert record.content(12, prev_mac) == expected
    assert _content({"seq": 12, **fields}, prev_mac, documents, digest) == expected


def test_the_log_encoders_write_what_json_writes() -> None:
    """Entries already MACed and request digests already kept were written by json's
    encoder: the kept encoders must write the very same text."""
    values: list[Any] = [
        'text "quoted" \\ \n\x00 \u2028 中文 \U0001f600',
        {"b": [1, 2.5, 3.0, -0.0, 1e16, float("nan")], "a": {"z": None, "y": True, "中": "文"}, "c": []},
        [{"k": dt.date(2025, 1, 2)}],  # default=str
        12,
        None,
    ]
    for value in values:
        for sort_keys in (False, True):
            ours = encoder(sort_keys=sort_keys, default=str)(value)
            assert ours == json.dumps(
                value, ensure_ascii=False, sort_keys=sort_keys, separators=(",", ":"), default=str
            )
    with pytest.raises(TypeError):
        encoder()({"a": object()})


def test_request_digests_and_pseudonyms_are_those_older_logs_hold() -> None:
    """A request id held in a log written by an earlier release is compared by its digest,
    and an applicant's pseudonyms link entries across releases: both must stay exactly what
    they were (these values were computed by the release before the encoders were reworked)."""
    request = {
        "request_id": "r-1",
        "agency": {"name": "某市人民政府办公室", "division_code": "110000", "kind": None},
        "action": "answer_request",
        "as_of": "2025-01-02",
        "facts": {"days": 3.0, "ratio": 2.5, "gone": None, "names": ["张三", 1.0, {"x": [4.0]}], "ok": True, "n": 7},
    }
    key = b"k" * 32
    assert content_digest(request, key) == (
        "hmac-sha256:e248f05eabf8e41c03600bad5bb68f7875efac8e56cac76c855ff3db13f3c5dd"
    )
    assert content_digest({**request, "facts": {**request["facts"], "days": 3}}, key) == content_digest(request, key)
    assert (
        pseudonym(["张三", 3.0], key) == "hmac-sha256:764593d61788387581a411de511ae57915316f8664e7c2258b3c06492b0e9488"
    )
