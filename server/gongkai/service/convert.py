"""Proto messages ⇄ the pydantic models of the checker.

Struct carries every number as a double, so ``"extension_working_days": 3`` arrives as
3.0. The fact models validate in pydantic's lax mode, which accepts a whole float for an
int and rejects 3.5 — the same answer a JSON client gets (tests/test_convert.py).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

import grpc
from google.protobuf import any_pb2, struct_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

from gongkai.check.applicability import Applicability
from gongkai.check.checker import CheckRequest, parse_request
from gongkai.check.decision import (
    AppliedPack,
    CalendarSource,
    CoverageStatus,
    Decision,
    Finding,
    Obligation,
    ObligationStatus,
    Option,
    Outcome,
    PackCoverage,
    Question,
    TextFact,
    Undecided,
)
from gongkai.journal.decisionlog import Entry
from gongkai.packs.conflicts import Conflict, ConflictingProvision
from gongkai.packs.pack import Severity
from gongkai.service.core import Problem
from gongkai.service.describe import ActionView, RuleView
from gongkai.v1 import gongkai_pb2 as pb

OUTCOMES = {
    Outcome.compliant: pb.COMPLIANT,
    Outcome.non_compliant: pb.NON_COMPLIANT,
    Outcome.incomplete: pb.INCOMPLETE,
    Outcome.not_covered: pb.NOT_COVERED,
}
SEVERITIES = {Severity.must: pb.MUST, Severity.should: pb.SHOULD, Severity.info: pb.INFO}
COVERAGE = {
    CoverageStatus.applied: pb.APPLIED,
    CoverageStatus.pack_not_in_force: pb.PACK_NOT_IN_FORCE,
    CoverageStatus.no_rule_for_action: pb.NO_RULE_FOR_ACTION,
    CoverageStatus.rules_not_in_force: pb.RULES_NOT_IN_FORCE,
}
STATUSES = {
    ObligationStatus.open: pb.OPEN,
    ObligationStatus.suspended: pb.SUSPENDED,
    ObligationStatus.met: pb.MET,
    ObligationStatus.missed: pb.MISSED,
}


# --- requests ------------------------------------------------------------------------


def check_request_from_proto(msg: pb.CheckRequest) -> CheckRequest:
    """Validate a proto request; raise BadInput naming the field (empty string = not given)."""
    return parse_request(request_data(msg))


def request_data(msg: pb.CheckRequest) -> dict[str, Any]:
    """The request as plain data, before validation (what a rejected request is logged as)."""
    data: dict[str, Any] = {"action": msg.action, "facts": struct_to_dict(msg.facts)}
    if msg.HasField("agency"):  # absent: pydantic reports "agency: field required"
        a = msg.agency
        data["agency"] = {"name": a.name, "division_code": a.division_code, "kind": a.kind or None}
    if msg.request_id:
        data["request_id"] = msg.request_id
    if msg.as_of:
        data["as_of"] = msg.as_of
    return data


def check_request_to_proto(request: CheckRequest | dict[str, Any]) -> pb.CheckRequest:
    """For clients and tests: the proto of a request given as a model or as plain JSON data."""
    data = request.model_dump(mode="json") if isinstance(request, CheckRequest) else request
    agency = data.get("agency") or {}
    msg = pb.CheckRequest(
        request_id=data.get("request_id") or "",
        action=data.get("action", ""),
        as_of=data.get("as_of") or "",
        agency=pb.Agency(
            name=agency.get("name", ""),
            division_code=agency.get("division_code", ""),
            kind=agency.get("kind") or "",
        ),
    )
    msg.facts.update(data.get("facts") or {})
    return msg


def struct_to_dict(struct: struct_pb2.Struct) -> dict[str, Any]:
    """As ``json_format.MessageToDict`` (numbers stay doubles), at a fraction of its cost: it
    was a tenth of a check (BENCHMARKS.md). ±inf and NaN, which JSON has no form for, arrive
    as the strings "inf" and "nan": validation then rejects them naming the fact."""
    return {name: _plain_value(value) for name, value in struct.fields.items()}


def _plain_value(value: struct_pb2.Value) -> Any:
    kind = value.WhichOneof("kind")
    if kind == "number_value":
        number = value.number_value
        return str(number) if math.isinf(number) or math.isnan(number) else number
    if kind == "string_value":
        return value.string_value
    if kind == "bool_value":
        return value.bool_value
    if kind == "struct_value":
        return struct_to_dict(value.struct_value)
    if kind == "list_value":
        return [_plain_value(item) for item in value.list_value.values]
    return None  # null_value, or not set


# --- decisions -----------------------------------------------------------------------


def decision_to_proto(decision: Decision) -> pb.Decision:
    """The Decision on the wire. Each model goes to the constructor as its own field dict
    (``vars``), with the dates as ISO text and the enums as proto values: upb converts dicts in
    C, and one read of a model's dict replaces a read per field (each slower than on a plain
    object), so this costs four fifths of building each part as a message from Python
    (bench/convert_cost.py; json_format.ParseDict of the model's JSON costs ten times more).
    A model field the proto lacks fails here rather than being dropped; tests/test_convert.py
    holds the result to protobuf's own JSON mapping of the model, field for field. None leaves
    a field unset: "" for text, absent for document_number (an optional field)."""
    d = decision
    msg = pb.Decision(
        **{
            **vars(d),
            "outcome": OUTCOMES[d.outcome],
            "as_of": d.as_of.isoformat(),
            "findings": [_finding(f) for f in d.findings],
            "obligations": [
                {
                    **vars(o),
                    "starts_on": _day(o.starts_on),
                    "due_on": _day(o.due_on),
                    "done_on": _day(o.done_on),
                    "status": STATUSES[o.status],
                }
                for o in d.obligations
            ],
            "undecided": [{**vars(u), "severity": SEVERITIES[u.severity]} for u in d.undecided],
            "packs": [{**vars(p), "effective_from": p.effective_from.isoformat()} for p in d.packs],
            "conflicts": [{**vars(c), "provisions": [vars(p) for p in c.provisions]} for c in d.conflicts],
            "coverage": [
                {
                    **vars(c),
                    "effective_from": c.effective_from.isoformat(),
                    "effective_to": _day(c.effective_to),
                    "status": COVERAGE[c.status],
                }
                for c in d.coverage
            ],
            "questions": [{**vars(q), "options": [vars(o) for o in q.options]} for q in d.questions],
            "calendars": [vars(c) for c in d.calendars],
            "from_text": None,  # a TextFact holds a Value, which the constructor takes only as a message
        }
    )
    for f, finding in zip(d.findings, msg.findings, strict=True):
        for span in f.text_spans:
            _text_fact_to_proto(span, finding.text_spans.add())
    for span in d.from_text:
        _text_fact_to_proto(span, msg.from_text.add())
    return msg


def _finding(f: Finding) -> dict[str, Any]:
    # The checker gives JSON values already (dates as ISO text); anything else, as a date or an
    # infinite number, goes through pydantic's JSON form as before.
    facts = (
        f.facts if all(map(_json_value, f.facts.values())) else f.model_dump(mode="json", include={"facts"})["facts"]
    )
    return {**vars(f), "severity": SEVERITIES[f.severity], "facts": facts, "text_spans": None}


def _json_value(value: Any) -> bool:
    """Is the value one pydantic's JSON mode gives back unchanged (so a Struct takes it as is)?"""
    kind = type(value)
    if kind is float:
        return math.isfinite(value)  # JSON mode turns inf and NaN into null
    if kind is list:
        return all(map(_json_value, value))
    return kind is str or kind is bool or kind is int or value is None


def _day(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _text_fact_to_proto(fact: TextFact, msg: pb.TextFact) -> None:
    msg.fact, msg.text, msg.start, msg.end = fact.fact, fact.text, fact.start, fact.end
    holder = struct_pb2.Struct()
    holder.update({"v": fact.model_dump(mode="json")["value"]})
    msg.value.CopyFrom(holder.fields["v"])


def _text_fact(msg: pb.TextFact) -> TextFact:
    return TextFact(fact=msg.fact, value=_plain_value(msg.value), text=msg.text, start=msg.start, end=msg.end)


def decision_from_proto(msg: pb.Decision) -> Decision:
    """For Python clients and tests: the pydantic Decision again (numbers in facts as floats)."""
    outcomes = {v: k for k, v in OUTCOMES.items()}
    severities = {v: k for k, v in SEVERITIES.items()}
    statuses = {v: k for k, v in STATUSES.items()}
    coverage = {v: k for k, v in COVERAGE.items()}
    return Decision(
        request_id=msg.request_id,
        outcome=outcomes[msg.outcome],
        action=msg.action,
        agency=msg.agency,
        as_of=dt.date.fromisoformat(msg.as_of),
        jurisdiction=msg.jurisdiction,
        conflicts=[
            Conflict(
                topic=c.topic,
                title=c.title,
                provisions=[
                    ConflictingProvision(pack=p.pack, clause_id=p.clause_id, says=p.says) for p in c.provisions
                ],
                stricter=c.stricter or None,
                note=c.note or None,
            )
            for c in msg.conflicts
        ],
        findings=[
            Finding(
                rule_id=f.rule_id,
                clause_id=f.clause_id,
                clause_ids=list(f.clause_ids),
                document=f.document,
                document_number=f.document_number if f.HasField("document_number") else None,
                section=f.section,
                clause_text=f.clause_text,
                severity=severities[f.severity],
                message=f.message,
                remedy=f.remedy,
                facts=struct_to_dict(f.facts),
                text_spans=[_text_fact(s) for s in f.text_spans],
            )
            for f in msg.findings
        ],
        from_text=[_text_fact(s) for s in msg.from_text],
        obligations=[
            Obligation(
                id=o.id,
                title=o.title,
                clause_ids=list(o.clause_ids),
                starts_on=dt.date.fromisoformat(o.starts_on) if o.starts_on else None,
                due_on=dt.date.fromisoformat(o.due_on) if o.due_on else None,
                period=o.period,
                done_on=dt.date.fromisoformat(o.done_on) if o.done_on else None,
                status=statuses[o.status],
            )
            for o in msg.obligations
        ],
        undecided=[
            Undecided(
                rule_id=u.rule_id,
                clause_id=u.clause_id,
                severity=severities[u.severity],
                missing_facts=list(u.missing_facts),
                message=u.message,
            )
            for u in msg.undecided
        ],
        questions=[
            Question(
                fact=q.fact,
                term=q.term,
                question=q.question,
                type=q.type,
                options=[Option(value=o.value, term=o.term) for o in q.options],
                rules=list(q.rules),
                must_rules=q.must_rules,
            )
            for q in msg.questions
        ],
        fact_terms=dict(msg.fact_terms),
        missing_facts=list(msg.missing_facts),
        packs=[
            AppliedPack(
                code=p.code,
                document=p.document,
                version=p.version,
                effective_from=dt.date.fromisoformat(p.effective_from),
            )
            for p in msg.packs
        ],
        rules_applied=list(msg.rules_applied),
        rules_satisfied=list(msg.rules_satisfied),
        coverage=[
            PackCoverage(
                code=c.code,
                document=c.document,
                effective_from=dt.date.fromisoformat(c.effective_from),
                effective_to=dt.date.fromisoformat(c.effective_to) if c.effective_to else None,
                status=coverage[c.status],
                rules_in_force=c.rules_in_force,
                note=c.note,
            )
            for c in msg.coverage
        ],
        ruleset_version=msg.ruleset_version,
        warnings=list(msg.warnings),
        calendars=[CalendarSource(year=c.year, source=c.source) for c in msg.calendars],
        engine_micros=msg.engine_micros,
        total_micros=msg.total_micros,
    )


# --- rules and action kinds ------------------------------------------------------------


def rule_to_proto(rule: RuleView) -> pb.Rule:
    return pb.Rule(
        id=rule.id,
        pack=rule.pack,
        actions=rule.actions,
        severity=SEVERITIES[rule.severity],
        condition=rule.condition,
        resolved_condition=rule.resolved_condition,
        reads=rule.reads,
        depends_on=rule.depends_on,
        message=rule.message,
        remedy=rule.remedy,
        effective_from=rule.effective_from.isoformat(),
        effective_to=rule.effective_to.isoformat() if rule.effective_to else "",
        clauses=[
            pb.Clause(
                id=c.id,
                document=c.document,
                document_number=c.document_number,
                section=c.section,
                text=c.text,
            )
            for c in rule.clauses
        ],
        note=rule.note or "",
    )


def action_to_proto(action: ActionView) -> pb.ActionKind:
    return pb.ActionKind(
        kind=action.kind,
        term=action.term,
        description=action.description,
        facts_schema=json.dumps(action.facts_schema, ensure_ascii=False),
        rule_count=action.rule_count,
        facts=action.facts,
    )


def applicability_to_proto(scope: Applicability) -> pb.ApplicabilityResponse:
    return pb.ApplicabilityResponse(
        agency=scope.agency,
        as_of=scope.as_of.isoformat(),
        binding=scope.binding,
        packs=[
            pb.PackInForce(
                code=p.code,
                document=p.document,
                effective_from=p.effective_from.isoformat() if p.effective_from else "",
                effective_to=p.effective_to.isoformat() if p.effective_to else "",
            )
            for p in scope.packs
        ],
        actions=[pb.ActionScope(kind=a.kind, term=a.term, rules=a.rules, facts=a.facts) for a in scope.actions],
    )


# --- problems ------------------------------------------------------------------------


# What the BadRequest of a status may take: gRPC clients refuse trailers over 8 KiB by default
# (grpc.max_metadata_size), and the details travel base64-encoded beside the message.
STATUS_DETAILS_BYTES = 4096


def problem_to_proto(problem: Problem) -> pb.CheckError:
    return pb.CheckError(
        code=problem.code.value,
        field=problem.field,
        message=problem.message,
        violations=[
            pb.Violation(field=v.field, message=v.message, message_en=v.message_en, kind=v.kind)
            for v in problem.violations
        ],
    )


def rich_status(problem: Problem, budget: int = STATUS_DETAILS_BYTES) -> grpc.Status:
    """The status of a refused call with its violations as ``google.rpc.BadRequest`` field
    violations (description: English, localized_message: zh-CN, reason: the kind), as many as
    fit in ``budget`` bytes; the message says how many more there were."""
    bad = error_details_pb2.BadRequest()
    for v in problem.violations:
        added = bad.field_violations.add(field=v.field, description=v.message_en, reason=v.kind)
        added.localized_message.locale = "zh-CN"
        added.localized_message.message = v.message
        if bad.ByteSize() > budget:
            del bad.field_violations[-1]
            break
    detail = any_pb2.Any()
    detail.Pack(bad)
    message, shown = problem.text, len(bad.field_violations)
    if shown < max(problem.total, len(problem.violations)):
        message += f";状态详情列出前 {shown} 处 / the details list the first {shown}"
    code = code_pb2.Code.Value(problem.code.value)
    return rpc_status.to_status(status_pb2.Status(code=code, message=message, details=[detail]))


# --- the decision log ---------------------------------------------------------------


def logged_to_proto(entry: Entry) -> pb.LoggedDecision:
    request, decision, _ = entry.stored_documents()  # the texts the chain's MACs cover
    msg = pb.LoggedDecision(
        seq=entry.seq,
        request_id=entry.request_id,
        recorded_at=entry.recorded_at,
        agency=entry.agency,
        division_code=entry.division_code,
        action=entry.action,
        outcome=entry.outcome,
        ruleset_version=entry.ruleset_version,
        request_json=request or "",
        decision_json=decision or "",
    )
    if entry.error:
        msg.error.CopyFrom(pb.CheckError(**{k: entry.error.get(k, "") for k in ("code", "field", "message")}))
    return msg
