"""The Compliance servicer: proto in → ``core.Service`` → proto out, every problem a status.

It fails closed: any error other than bad input is INTERNAL, never a Decision. Bad input is
INVALID_ARGUMENT whose message names the first fault and whose status details hold every
one as ``google.rpc.BadRequest`` field violations (``convert.rich_status``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import NoReturn

import grpc
from google.protobuf.message import Message

from gongkai.check.checker import Checker
from gongkai.config import Settings
from gongkai.journal.decisionlog import DecisionLog
from gongkai.service import core
from gongkai.service.convert import (
    action_to_proto,
    applicability_to_proto,
    decision_to_proto,
    logged_to_proto,
    problem_to_proto,
    request_data,
    rich_status,
    rule_to_proto,
)
from gongkai.service.core import Problem, Refused, ReplyTooLarge
from gongkai.v1 import gongkai_pb2 as pb
from gongkai.v1 import gongkai_pb2_grpc as pb_grpc

__all__ = ["ComplianceService", "Problem", "ReplyTooLarge", "check_many", "check_one", "reply_size"]


def check_one(checker: Checker, msg: pb.CheckRequest, journal: DecisionLog | None) -> pb.Decision | Problem:
    """Check one request; record the decision (or the rejection) before answering."""
    return check_many(checker, [msg], journal)[0]


def check_many(
    checker: Checker,
    msgs: Sequence[pb.CheckRequest],
    journal: DecisionLog | None,
    before_each: Callable[[], None] = core.no_op,
    max_reply_bytes: int | None = None,
) -> list[pb.Decision | Problem]:
    """``core.check_many`` for proto requests and replies (the benchmarks call it directly)."""
    requests = [request_data(m) for m in msgs]
    return core.check_many(checker, requests, journal, decision_to_proto, reply_size, max_reply_bytes, before_each)


def reply_size(replies: Sequence[pb.Decision | Problem]) -> int:
    """The bytes of the CheckBatchResponse holding these results, without building it: each
    result is a length-delimited field (tag 1) holding a length-delimited oneof (tags 1, 2),
    all tags one byte. A Check's reply (the Decision alone) is a few bytes smaller."""
    return sum(_field_bytes(_field_bytes(problem_to_proto(r) if isinstance(r, Problem) else r)) for r in replies)


def _field_bytes(part: Message | int) -> int:
    """A length-delimited field with a one-byte tag: tag, length as a varint, the bytes."""
    size = part if isinstance(part, int) else part.ByteSize()
    return 1 + (max(size.bit_length(), 1) + 6) // 7 + size


class ComplianceService(pb_grpc.ComplianceServicer):
    def __init__(
        self,
        settings: Settings,
        checker: Checker | None = None,
        journal: DecisionLog | None = None,
        clock: Callable[[], float] = time.monotonic,
        service: core.Service | None = None,
    ) -> None:
        self.service = service or core.Service(settings, checker, journal, clock)

    # The state lives in the core Service, which the HTTP front shares.
    @property
    def checker(self) -> Checker | None:
        return self.service.checker

    @checker.setter
    def checker(self, checker: Checker | None) -> None:
        self.service.checker = checker

    @property
    def journal(self) -> DecisionLog | None:
        return self.service.journal

    @journal.setter
    def journal(self, journal: DecisionLog | None) -> None:
        self.service.journal = journal

    @property
    def log_written(self) -> Callable[[bool], None]:
        return self.service.log_written

    @log_written.setter
    def log_written(self, callback: Callable[[bool], None]) -> None:
        self.service.log_written = callback

    def Check(self, request: pb.CheckRequest, context: grpc.ServicerContext) -> pb.Decision:
        try:
            (result,) = self.service.check(
                [request_data(request)], decision_to_proto, reply_size, context.time_remaining()
            )
        except Refused as exc:
            _abort(context, exc.problem)
        if isinstance(result, Problem):
            _abort(context, result)
        return result

    def CheckBatch(self, request: pb.CheckBatchRequest, context: grpc.ServicerContext) -> pb.CheckBatchResponse:
        requests = [request_data(r) for r in request.requests]
        try:
            results = self.service.check(requests, decision_to_proto, reply_size, context.time_remaining(), batch=True)
        except Refused as exc:
            _abort(context, exc.problem)
        response = pb.CheckBatchResponse()
        for result in results:
            if isinstance(result, Problem):
                response.results.add(error=problem_to_proto(result))
            else:
                response.results.add(decision=result)
        return response

    def ListRules(self, request: pb.ListRulesRequest, context: grpc.ServicerContext) -> pb.ListRulesResponse:
        try:
            views = self.service.rules(request.pack, request.action)
        except Refused as exc:
            _abort(context, exc.problem)
        return pb.ListRulesResponse(rules=[rule_to_proto(v) for v in views])

    def GetRule(self, request: pb.GetRuleRequest, context: grpc.ServicerContext) -> pb.Rule:
        try:
            return rule_to_proto(self.service.rule(request.id))
        except Refused as exc:
            _abort(context, exc.problem)

    def DescribeActions(
        self, request: pb.DescribeActionsRequest, context: grpc.ServicerContext
    ) -> pb.DescribeActionsResponse:
        a = request.agency
        agency = (a.name, a.division_code, a.kind or None) if request.HasField("agency") else None
        try:
            views = self.service.actions(agency, request.as_of)
        except Refused as exc:
            _abort(context, exc.problem)
        return pb.DescribeActionsResponse(actions=[action_to_proto(v) for v in views])

    def Applicability(
        self, request: pb.ApplicabilityRequest, context: grpc.ServicerContext
    ) -> pb.ApplicabilityResponse:
        a = request.agency
        try:
            scope = self.service.applicability(a.name, a.division_code, a.kind or None, request.as_of)
        except Refused as exc:
            _abort(context, exc.problem)
        return applicability_to_proto(scope)

    def ReadDocument(self, request: pb.ReadDocumentRequest, context: grpc.ServicerContext) -> pb.ReadDocumentResponse:
        try:
            reading = self.service.read_document(request.text, request.content, request.filename)
        except Refused as exc:
            _abort(context, exc.problem)
        response = pb.ReadDocumentResponse()
        response.reading.update(reading.model_dump(mode="json", exclude_none=True))
        return response

    def CheckDocument(self, request: pb.CheckDocumentRequest, context: grpc.ServicerContext) -> pb.Decision:
        data = request_data(
            pb.CheckRequest(
                request_id=request.request_id,
                agency=request.agency if request.HasField("agency") else None,
                action=request.action,
                facts=request.facts,
                as_of=request.as_of,
            )
        )
        try:
            result = self.service.check_document(
                data,
                request.text,
                request.content,
                request.filename,
                decision_to_proto,
                reply_size,
                context.time_remaining(),
                list(request.continuing_valid) or None,
            )
        except Refused as exc:
            _abort(context, exc.problem)
        if isinstance(result, Problem):
            _abort(context, result)
        return result

    def GetDecision(self, request: pb.GetDecisionRequest, context: grpc.ServicerContext) -> pb.LoggedDecision:
        try:
            return logged_to_proto(self.service.decision(request.request_id))
        except Refused as exc:
            _abort(context, exc.problem)

    def ListDecisions(
        self, request: pb.ListDecisionsRequest, context: grpc.ServicerContext
    ) -> pb.ListDecisionsResponse:
        r = request
        filters = {"agency": r.agency, "outcome": r.outcome, "action": r.action, "since": r.since, "until": r.until}
        try:
            entries, token = self.service.decisions(filters, request.page_token, request.page_size)
        except Refused as exc:
            _abort(context, exc.problem)
        page: list[pb.LoggedDecision] = []
        used, limit = 0, self.service.settings.max_message_bytes - 1024  # room for the token and framing
        for entry in entries:  # a page ends early rather than outgrow the reply limit
            logged = logged_to_proto(entry)
            used += logged.ByteSize() + 8  # and its field's tag and length
            if page and used > limit:
                token = str(page[-1].seq)
                break
            page.append(logged)
        return pb.ListDecisionsResponse(decisions=page, next_page_token=token)


def _abort(context: grpc.ServicerContext, problem: Problem) -> NoReturn:
    if problem.violations:  # every fault, as google.rpc.BadRequest in the status details
        context.abort_with_status(rich_status(problem))
    else:
        context.abort(grpc.StatusCode[problem.code.value], problem.text)
    raise AssertionError("unreachable: abort raises")  # tells type checkers abort does not return
