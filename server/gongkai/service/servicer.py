"""The Compliance servicer: proto in → Checker → proto out, every failure a status code.

It fails closed: any error other than bad input is INTERNAL, never a Decision.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NoReturn

import grpc
from google.protobuf.message import Message
from pydantic import ValidationError

from gongkai.check.applicability import Applicability, applicability
from gongkai.check.checker import Checker, CheckRequest
from gongkai.check.decision import Decision
from gongkai.check.invalid import BadInput, echo
from gongkai.config import Settings
from gongkai.journal.decisionlog import DecisionLog, Filters, LogError, Logged, Record, Refused, Replayed
from gongkai.service.convert import (
    action_to_proto,
    agency_and_date,
    applicability_to_proto,
    check_request_from_proto,
    decision_to_proto,
    logged_to_proto,
    request_data,
    rule_to_proto,
)
from gongkai.service.describe import RuleNotFound, action_views, rule_view, rule_views
from gongkai.v1 import gongkai_pb2 as pb
from gongkai.v1 import gongkai_pb2_grpc as pb_grpc

log = logging.getLogger(__name__)
MAX_PAGE = 1000


@dataclass(frozen=True)
class Problem:
    """Why a request got no Decision."""

    code: grpc.StatusCode
    field: str  # empty when no field is at fault
    message: str  # never repeats the input (check.invalid)
    kind: str = ""  # the error kind, for the log

    @property
    def text(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message

    def to_proto(self) -> pb.CheckError:
        return pb.CheckError(code=self.code.name, field=self.field, message=self.message)


def _no_op() -> None:
    return None


def _ignore(_: bool) -> None:
    return None


def check_one(checker: Checker, msg: pb.CheckRequest, journal: DecisionLog | None) -> pb.Decision | Problem:
    """Check one request; record the decision (or the rejection) before answering."""
    return check_many(checker, [msg], journal)[0]


def check_many(
    checker: Checker,
    msgs: Sequence[pb.CheckRequest],
    journal: DecisionLog | None,
    before_each: Callable[[], None] = _no_op,
    max_reply_bytes: int | None = None,
) -> list[pb.Decision | Problem]:
    """Check each request, then record every decision and rejection in one transaction
    (one wait for the disk per batch, not per action), then answer: nothing is answered
    that is not logged, and nothing is logged that cannot be answered (ReplyTooLarge)."""
    outcomes = []
    for msg in msgs:
        before_each()
        outcomes.append(_decide(checker, msg))
    replies = [decision_to_proto(result) if isinstance(result, Decision) else result for _, result in outcomes]
    if max_reply_bytes is not None and (size := reply_size(replies)) > max_reply_bytes:
        raise ReplyTooLarge(size, max_reply_bytes)
    logged: list[Logged | None] = [None] * len(msgs)
    if journal is not None:
        try:
            logged = journal.record_many(  # type: ignore[assignment]
                [_record(journal, checker, msg, o) for msg, o in zip(msgs, outcomes, strict=True)]
            )
        except LogError:
            log.exception("%d decisions not logged (request_id=%s …)", len(msgs), echo(msgs[0].request_id))
            return [UNLOGGED] * len(msgs)
    return [_answer(reply, entry) for reply, entry in zip(replies, logged, strict=True)]


class ReplyTooLarge(Exception):
    """The answer would exceed the message limit: refused before anything is logged, since a
    reply gRPC cannot send would leave decisions logged that the caller never received."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(
            f"答复将有 {size} 字节,超过消息上限 {limit} 字节(max_message_bytes):其中的决定均未记录,"
            f"请分成更小的批次重发 / the reply would be {size} bytes, over the {limit}-byte message limit "
            "(max_message_bytes): none of its decisions was logged; send smaller batches"
        )
        self.size = size
        self.limit = limit


def reply_size(replies: Sequence[pb.Decision | Problem]) -> int:
    """The bytes of the CheckBatchResponse holding these results, without building it: each
    result is a length-delimited field (tag 1) holding a length-delimited oneof (tags 1, 2),
    all tags one byte. A Check's reply (the Decision alone) is a few bytes smaller."""
    return sum(_field_bytes(_field_bytes(r.to_proto() if isinstance(r, Problem) else r)) for r in replies)


def _field_bytes(part: Message | int) -> int:
    """A length-delimited field with a one-byte tag: tag, length as a varint, the bytes."""
    size = part if isinstance(part, int) else part.ByteSize()
    return 1 + (max(size.bit_length(), 1) + 6) // 7 + size


def _answer(reply: pb.Decision | Problem, logged: Logged | None) -> pb.Decision | Problem:
    """A request id already held (journal/decisionlog.py): the same request gets the decision
    logged then, a different one ALREADY_EXISTS; otherwise the reply already built."""
    if isinstance(logged, Replayed):
        return decision_to_proto(logged.answer())
    if isinstance(logged, Refused):
        return Problem(grpc.StatusCode.ALREADY_EXISTS, logged.error.field, logged.error.message, logged.error.kind)
    return reply


def _decide(checker: Checker, msg: pb.CheckRequest) -> tuple[CheckRequest | None, Decision | Problem]:
    try:
        request = check_request_from_proto(msg)
        return request, checker.check(request)
    except BadInput as exc:
        return None, Problem(grpc.StatusCode.INVALID_ARGUMENT, exc.field, exc.message, exc.kind)
    except Exception:  # EngineError or a bug: no answer rather than a wrong one
        log.exception("check failed (request_id=%s, action=%s)", echo(msg.request_id), echo(msg.action))
        return None, Problem(grpc.StatusCode.INTERNAL, "", "internal error: the action was not checked")


def _record(
    journal: DecisionLog,
    checker: Checker,
    msg: pb.CheckRequest,
    outcome: tuple[CheckRequest | None, Decision | Problem],
) -> Record:
    request, result = outcome
    if isinstance(result, Decision):
        return journal.decision_record(request, result)
    return journal.rejection_record(
        request_data(msg), checker.lawbook.version, result.code.name, result.field, result.message, result.kind
    )


# A decision that could not be logged is not given: it could never be shown later.
UNLOGGED = Problem(grpc.StatusCode.UNAVAILABLE, "", "the decision log is unavailable: the action was not checked")


class ComplianceService(pb_grpc.ComplianceServicer):
    def __init__(
        self,
        settings: Settings,
        checker: Checker | None = None,
        journal: DecisionLog | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._max_batch = settings.max_batch
        self._max_reply = settings.max_message_bytes
        self._default_deadline = settings.default_deadline_seconds
        self._clock = clock
        self._actions: tuple[str, pb.DescribeActionsResponse] | None = None  # ruleset version → answer
        # The rules served, replaced whole by a reload (one assignment): a call reads it once
        # and keeps what it read, so each call is decided by one ruleset. None while the rules
        # load: every call is UNAVAILABLE.
        self.checker = checker
        self.journal = journal  # the decision log; None only in tests that do not need one
        # told whether each write to the log succeeded (health follows it: service/logwatch.py)
        self.log_written: Callable[[bool], None] = _ignore

    def Check(self, request: pb.CheckRequest, context: grpc.ServicerContext) -> pb.Decision:
        checker = self._ready(context)
        self._time_left(context)()
        try:
            (result,) = check_many(checker, [request], self.journal, max_reply_bytes=self._max_reply)
        except ReplyTooLarge as exc:
            _abort(context, grpc.StatusCode.RESOURCE_EXHAUSTED, str(exc))
        self._written([result])
        if isinstance(result, Problem):
            _abort(context, result.code, result.text)
        return result

    def CheckBatch(self, request: pb.CheckBatchRequest, context: grpc.ServicerContext) -> pb.CheckBatchResponse:
        checker = self._ready(context)
        if len(request.requests) > self._max_batch:
            _abort(
                context,
                grpc.StatusCode.INVALID_ARGUMENT,
                f"requests: at most {self._max_batch} actions per batch (got {len(request.requests)})",
            )
        response = pb.CheckBatchResponse()
        try:  # the time is up: stop checking (before anything is logged or answered)
            results = check_many(checker, request.requests, self.journal, self._time_left(context), self._max_reply)
        except ReplyTooLarge as exc:
            _abort(context, grpc.StatusCode.RESOURCE_EXHAUSTED, str(exc))
        self._written(results)
        for result in results:
            if isinstance(result, Problem):
                response.results.add(error=result.to_proto())
            else:
                response.results.add(decision=result)
        return response

    def ListRules(self, request: pb.ListRulesRequest, context: grpc.ServicerContext) -> pb.ListRulesResponse:
        lawbook = self._ready(context).lawbook
        try:
            views = rule_views(lawbook, pack=request.pack or None, action=request.action or None)
        except BadInput as exc:
            _abort(context, grpc.StatusCode.INVALID_ARGUMENT, str(exc))
        return pb.ListRulesResponse(rules=[rule_to_proto(v) for v in views])

    def GetRule(self, request: pb.GetRuleRequest, context: grpc.ServicerContext) -> pb.Rule:
        lawbook = self._ready(context).lawbook
        try:
            view = rule_view(lawbook, request.id)
        except RuleNotFound as exc:
            _abort(context, grpc.StatusCode.NOT_FOUND, f"id: {exc}")
        return rule_to_proto(view)

    def DescribeActions(
        self, request: pb.DescribeActionsRequest, context: grpc.ServicerContext
    ) -> pb.DescribeActionsResponse:
        checker = self._ready(context)
        lawbook = checker.lawbook
        if request.HasField("agency"):
            scope = self._scope(checker, request.agency, request.as_of, context)
            return pb.DescribeActionsResponse(actions=[action_to_proto(v) for v in action_views(lawbook, scope)])
        cached = self._actions
        if cached is None or cached[0] != lawbook.version:  # built once per ruleset; a race builds twice
            actions = [action_to_proto(v) for v in action_views(lawbook)]
            cached = self._actions = (lawbook.version, pb.DescribeActionsResponse(actions=actions))
        return cached[1]

    def Applicability(
        self, request: pb.ApplicabilityRequest, context: grpc.ServicerContext
    ) -> pb.ApplicabilityResponse:
        checker = self._ready(context)
        return applicability_to_proto(self._scope(checker, request.agency, request.as_of, context))

    def _scope(self, checker: Checker, agency: pb.Agency, as_of: str, context: grpc.ServicerContext) -> Applicability:
        try:
            return applicability(checker, *agency_and_date(agency, as_of))
        except BadInput as exc:
            _abort(context, grpc.StatusCode.INVALID_ARGUMENT, str(exc))

    def GetDecision(self, request: pb.GetDecisionRequest, context: grpc.ServicerContext) -> pb.LoggedDecision:
        entry = self._journal(context).get(request.request_id)
        if entry is None:
            _abort(context, grpc.StatusCode.NOT_FOUND, f"request_id: no decision logged as {echo(request.request_id)}")
        return logged_to_proto(entry)

    def ListDecisions(
        self, request: pb.ListDecisionsRequest, context: grpc.ServicerContext
    ) -> pb.ListDecisionsResponse:
        journal = self._journal(context)
        size = request.page_size or 100
        if not 0 < size <= MAX_PAGE:
            _abort(context, grpc.StatusCode.INVALID_ARGUMENT, f"page_size: 1 to {MAX_PAGE}")
        after = page_after(request.page_token)
        if after is None:
            _abort(
                context,
                grpc.StatusCode.INVALID_ARGUMENT,
                "page_token: 请原样传回上一页的 next_page_token / pass the previous page's next_page_token as it was",
            )
        try:
            filters = Filters(
                agency=request.agency or None,
                outcome=request.outcome or None,
                action=request.action or None,
                since=request.since or None,
                until=request.until or None,
            )
        except ValidationError as exc:  # an outcome that does not exist, a time that is no time
            error = exc.errors()[0]
            _abort(context, grpc.StatusCode.INVALID_ARGUMENT, f"{error['loc'][0]}: {error['msg']}")
        entries = journal.page(filters, after, size)
        page: list[pb.LoggedDecision] = []
        used = 0
        for entry in entries:  # a page ends early rather than outgrow the reply limit
            logged = logged_to_proto(entry)
            used += logged.ByteSize() + 8  # and its field's tag and length
            if page and used > self._max_reply - 1024:  # room for the page token and framing
                break
            page.append(logged)
        more = len(page) < len(entries) or len(entries) == size
        return pb.ListDecisionsResponse(decisions=page, next_page_token=str(page[-1].seq) if page and more else "")

    def _written(self, results: Sequence[pb.Decision | Problem]) -> None:
        if self.journal is not None and results:  # check_many logs all or none
            self.log_written(results[0] is not UNLOGGED)

    def _journal(self, context: grpc.ServicerContext) -> DecisionLog:
        if self.journal is None:
            _abort(context, grpc.StatusCode.FAILED_PRECONDITION, "this server keeps no decision log")
        return self.journal

    def _ready(self, context: grpc.ServicerContext) -> Checker:
        checker = self.checker
        if checker is None:
            _abort(context, grpc.StatusCode.UNAVAILABLE, "the rules are still loading; retry shortly")
        return checker

    def _time_left(self, context: grpc.ServicerContext) -> Callable[[], None]:
        """What to call before checking each action: it aborts with DEADLINE_EXCEEDED once
        the caller's deadline has passed or, for a call without one, the server's default."""
        remaining = context.time_remaining()
        message = "deadline expired before the action was checked"
        if remaining is None or remaining > NO_DEADLINE:
            remaining = self._default_deadline or float("inf")
            message = f"the server's default deadline ({remaining:g} s) expired before the action was checked"
        ends = self._clock() + remaining

        def require() -> None:
            if self._clock() >= ends:
                _abort(context, grpc.StatusCode.DEADLINE_EXCEEDED, message)

        return require


def page_after(token: str) -> int | None:
    """The sequence number a page token stands for (0: the first page), or None if the token
    is not one ListDecisions gives: ASCII digits of a 64-bit sequence number, nothing else
    (``str.isdigit`` alone would let "²" and a 5,000-digit number through to int() and SQL)."""
    if not token:
        return 0
    if len(token) > PAGE_TOKEN_DIGITS or not (token.isascii() and token.isdigit()):
        return None
    return int(token)


PAGE_TOKEN_DIGITS = 18  # below 10**18: any log's sequence numbers, within SQL's 64-bit integers
NO_DEADLINE = 1e9  # seconds; gRPC reports about 9.2e18 remaining for a call without a deadline


def _abort(context: grpc.ServicerContext, code: grpc.StatusCode, message: str) -> NoReturn:
    context.abort(code, message)
    raise AssertionError("unreachable: abort raises")  # tells type checkers abort does not return
