"""What a call does, whatever the transport: gRPC (``servicer``) and JSON over HTTP (``http``)
both turn their request into plain data, call a ``Service`` method here and turn its answer
(or its ``Problem``) into their own form. So a check is validated, decided, logged and
answered the same way on both, with the same limits, the same decision log and the same
health.

Problems carry the gRPC status code names (``Code``); HTTP maps them to statuses.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NoReturn, TypeVar

from pydantic import ValidationError

from gongkai.check.applicability import Applicability, applicability
from gongkai.check.checker import Checker, CheckRequest, parse_request
from gongkai.check.decision import Decision
from gongkai.check.document import check_document
from gongkai.check.invalid import BadInput, Violation, echo, validation_error
from gongkai.config import Settings
from gongkai.journal.decisionlog import DecisionLog, Entry, Filters, LogError, Logged, Record, Replayed
from gongkai.journal.decisionlog import Refused as RefusedId
from gongkai.journal.store import OUTCOMES
from gongkai.packs.jurisdiction import Agency
from gongkai.reader.document import Reading, read
from gongkai.reader.text import UnreadableDocument, decode
from gongkai.service import access, metrics
from gongkai.service.describe import ActionView, RuleNotFound, RuleView, action_views, rule_view, rule_views

log = logging.getLogger(__name__)

MAX_PAGE = 1000
PAGE_TOKEN_DIGITS = 18  # below 10**18: any log's sequence numbers, within SQL's 64-bit integers
NO_DEADLINE = 1e9  # seconds; gRPC reports about 9.2e18 remaining for a call without a deadline
R = TypeVar("R")
Decide = Callable[[Checker, Mapping[str, Any]], "tuple[CheckRequest | None, Decision | Problem]"]


class Code(StrEnum):
    """Why a call got no answer, named as gRPC names it (service/http.py maps each to a status)."""

    INVALID_ARGUMENT = "INVALID_ARGUMENT"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    PERMISSION_DENIED = "PERMISSION_DENIED"
    NOT_FOUND = "NOT_FOUND"
    ALREADY_EXISTS = "ALREADY_EXISTS"
    FAILED_PRECONDITION = "FAILED_PRECONDITION"
    RESOURCE_EXHAUSTED = "RESOURCE_EXHAUSTED"
    DEADLINE_EXCEEDED = "DEADLINE_EXCEEDED"
    UNAVAILABLE = "UNAVAILABLE"
    INTERNAL = "INTERNAL"
    UNIMPLEMENTED = "UNIMPLEMENTED"  # HTTP: a method the route does not take


@dataclass(frozen=True)
class Problem:
    """Why a request got no Decision: a code, the field at fault (empty when none) and a one-line
    message (the first violation's, in English); for bad input, every violation found."""

    code: Code
    field: str
    message: str
    violations: tuple[Violation, ...] = ()
    total: int = 0  # violations found, of which at most MAX_VIOLATIONS are listed

    @property
    def text(self) -> str:
        """The status message: the first fault, and how many more the details list."""
        text = f"{self.field}: {self.message}" if self.field else self.message
        more = max(self.total, len(self.violations)) - 1
        return f"{text} (另有 {more} 处,见错误详情 / {more} more in the details)" if more > 0 else text

    @classmethod
    def of(cls, exc: BadInput) -> Problem:
        return cls(Code.INVALID_ARGUMENT, exc.field, exc.message, tuple(exc.violations), exc.total)


class Refused(Exception):
    """A call refused whole: the transport answers with its problem."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.text)
        self.problem = problem


def refuse(code: Code, message: str, field: str = "", zh: str = "", kind: str = "invalid") -> NoReturn:
    """Refuse the call; bad input (INVALID_ARGUMENT) carries its fault as a violation too."""
    listed = (Violation(field, zh or message, message, kind),) if code is Code.INVALID_ARGUMENT else ()
    raise Refused(Problem(code, field, message, listed))


def bad_input(exc: BadInput) -> Refused:
    return Refused(Problem.of(exc))


class ReplyTooLarge(Exception):
    """The answer would exceed the message limit: refused before anything is logged, since a
    reply the transport cannot send would leave decisions logged that the caller never received."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(
            f"答复将有 {size} 字节,超过消息上限 {limit} 字节(max_message_bytes):其中的决定均未记录,"
            f"请分成更小的批次重发 / the reply would be {size} bytes, over the {limit}-byte message limit "
            "(max_message_bytes): none of its decisions was logged; send smaller batches"
        )
        self.size = size
        self.limit = limit

    @property
    def problem(self) -> Problem:
        return Problem(Code.RESOURCE_EXHAUSTED, "", str(self))


# The labelled metrics of a check, each looked up once: labels() takes a lock and builds a key
# every call. Their label values are a closed set (action kinds, outcomes), so is this cache.
_check_seconds = functools.cache(metrics.CHECK_SECONDS.labels)
_checks = functools.cache(metrics.CHECKS.labels)

NOT_CHECKED = Problem(Code.INTERNAL, "", "internal error: the action was not checked")
# A decision that could not be logged is not given: it could never be shown later.
UNLOGGED = Problem(Code.UNAVAILABLE, "", "the decision log is unavailable: the action was not checked")


def no_op() -> None:
    return None


def _ignore(_: bool) -> None:
    return None


def check_many(
    checker: Checker,
    requests: Sequence[Mapping[str, Any]],
    journal: DecisionLog | None,
    reply: Callable[[Decision], R],
    size: Callable[[Sequence[R | Problem]], int] | None = None,
    max_reply_bytes: int | None = None,
    before_each: Callable[[], None] = no_op,
    decide: Decide | None = None,
) -> list[R | Problem]:
    """Check each request (plain data: a proto's fields or a JSON object), then record every
    decision and rejection in one transaction (one wait for the disk per batch, not per
    action), then answer: nothing is answered that is not logged, and nothing is logged that
    cannot be answered (ReplyTooLarge, measured by ``size`` in the transport's own bytes).
    ``reply`` turns a Decision into the transport's form."""
    outcomes = []
    for data in requests:
        before_each()
        outcomes.append((decide or _decide)(checker, data))
    replies = [reply(result) if isinstance(result, Decision) else result for _, result in outcomes]
    if max_reply_bytes is not None and size is not None and (total := size(replies)) > max_reply_bytes:
        raise ReplyTooLarge(total, max_reply_bytes)
    if journal is not None:
        records = [_record(journal, checker, data, o) for data, o in zip(requests, outcomes, strict=True)]
        started = time.perf_counter()
        try:
            logged = journal.record_many(records)
            replies = [_held(given, entry, reply) for given, entry in zip(replies, logged, strict=True)]
        except LogError:
            metrics.LOG_FAILURES.inc()
            first = requests[0].get("request_id") if requests else None
            log.exception("%d decisions not logged (request_id=%s …)", len(requests), echo(first or ""))
            replies = [UNLOGGED] * len(requests)
        else:
            metrics.LOG_WRITE_SECONDS.observe(time.perf_counter() - started)
    _account(requests, [result for _, result in outcomes], replies)
    return replies


def _held(given: R | Problem, logged: Logged, reply: Callable[[Decision], R]) -> R | Problem:
    """A request id already held (journal/decisionlog.py): the same request gets the decision
    logged then, a different one ALREADY_EXISTS; otherwise the reply already made."""
    if isinstance(logged, Replayed):
        return reply(logged.answer())
    if isinstance(logged, RefusedId):
        error = logged.error
        return Problem(Code.ALREADY_EXISTS, error.field, error.message, tuple(error.violations))
    return given


def _decide(checker: Checker, data: Mapping[str, Any]) -> tuple[CheckRequest | None, Decision | Problem]:
    return decided(data, lambda: _checked(checker, parse_request(dict(data))))


def _checked(checker: Checker, request: CheckRequest) -> tuple[CheckRequest, Decision]:
    return request, checker.check(request)


def decided(
    data: Mapping[str, Any], decide: Callable[[], tuple[CheckRequest, Decision]]
) -> tuple[CheckRequest | None, Decision | Problem]:
    """A check's outcome: its decision, bad input as a Problem, a failure as NOT_CHECKED."""
    try:
        started = time.perf_counter()
        request, decision = decide()
    except BadInput as exc:
        return None, Problem.of(exc)
    except Exception:  # EngineError or a bug: no answer rather than a wrong one
        log.exception("check failed (request_id=%s, action=%s)", echo(data.get("request_id")), echo(data.get("action")))
        return None, NOT_CHECKED
    _check_seconds(decision.action).observe(time.perf_counter() - started)
    return request, decision


def _record(
    journal: DecisionLog,
    checker: Checker,
    data: Mapping[str, Any],
    outcome: tuple[CheckRequest | None, Decision | Problem],
) -> Record:
    request, result = outcome
    if isinstance(result, Decision):
        return journal.decision_record(request, result)
    kind = result.violations[0].kind if result.violations else ""
    return journal.rejection_record(
        dict(data), checker.lawbook.version, result.code.value, result.field, result.message, kind
    )


def _account(requests: Sequence[Mapping[str, Any]], results: list[Decision | Problem], replies: list[Any]) -> None:
    """Metrics and the access log's note of what each check answered (no fact, no name)."""
    answers = []
    for data, result, given in zip(requests, results, replies, strict=True):
        if given is UNLOGGED:
            outcome = metrics.UNLOGGED
        elif isinstance(result, Decision):
            outcome = result.outcome.value
        else:
            outcome = metrics.REJECTED if result.code is Code.INVALID_ARGUMENT else metrics.FAILED
        action = result.action if isinstance(result, Decision) else metrics.action_label(data.get("action"))
        _checks(action, outcome).inc()
        request_id = result.request_id if isinstance(result, Decision) else data.get("request_id")
        answers.append((request_id if isinstance(request_id, str) else None, outcome))
    access.answered(answers)


def deadline(remaining: float | None, default_seconds: float, clock: Callable[[], float]) -> Callable[[], None]:
    """What to call before checking each action: it raises Refused (DEADLINE_EXCEEDED) once the
    caller's deadline (``remaining`` seconds; None or absurdly far: none) has passed or, for a
    call without one, the server's default."""
    message = "deadline expired before the action was checked"
    if remaining is None or remaining > NO_DEADLINE:
        remaining = default_seconds or float("inf")
        message = f"the server's default deadline ({remaining:g} s) expired before the action was checked"
    ends = clock() + remaining

    def require() -> None:
        if clock() >= ends:
            refuse(Code.DEADLINE_EXCEEDED, message)

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


def agency_and_date(name: str, division_code: str, kind: str | None, as_of: str) -> tuple[Agency, dt.date]:
    """The agency and date of a DescribeActions or Applicability call; BadInput names the field."""
    try:
        day = dt.date.fromisoformat(as_of) if as_of else dt.date.today()
    except ValueError as exc:
        raise BadInput(
            "as_of", f"not a date (YYYY-MM-DD): {echo(as_of)}", zh="应为日期(YYYY-MM-DD)", kind="date_parsing"
        ) from exc
    data = {"name": name, "division_code": division_code, "kind": kind or None}
    try:
        return Agency.model_validate(data), day
    except ValidationError as exc:
        raise validation_error("agency", exc) from exc


def document_text(text: str, content: bytes, filename: str) -> str:
    """A document given as text or as bytes (UTF-8, GB18030/GBK, .docx): Refused when neither,
    both, or bytes that are no text."""
    if text and content:
        refuse(
            Code.INVALID_ARGUMENT, "give the text or the content, not both", "content", "正文与文件只能给一个", "one_of"
        )
    if text:
        return text
    if not content:
        refuse(
            Code.INVALID_ARGUMENT, "the document's text or content is required", "text", "缺少公文正文或文件", "missing"
        )
    try:
        return decode(content, filename)
    except UnreadableDocument as exc:
        refuse(Code.INVALID_ARGUMENT, str(exc), "content", str(exc), "unreadable")


@dataclass
class Service:
    """The state both transports serve from, and what each call does with it."""

    settings: Settings
    # The rules served, replaced whole by a reload (one assignment): a call reads it once and
    # keeps what it read, so each call is decided by one ruleset. None while the rules load:
    # every call is UNAVAILABLE.
    checker: Checker | None = None
    journal: DecisionLog | None = None  # the decision log; None only in tests that do not need one
    clock: Callable[[], float] = time.monotonic
    # told whether each write to the log succeeded (health follows it: service/logwatch.py)
    log_written: Callable[[bool], None] = _ignore
    serving: bool = False  # health, as gRPC's health service also says it
    _actions: tuple[str, list[ActionView]] | None = field(default=None, repr=False)  # version → views

    def ready(self) -> Checker:
        checker = self.checker
        if checker is None:
            refuse(Code.UNAVAILABLE, "the rules are still loading; retry shortly")
        return checker

    def check(
        self,
        requests: Sequence[Mapping[str, Any]],
        reply: Callable[[Decision], R],
        size: Callable[[Sequence[R | Problem]], int],
        remaining: float | None = None,
        batch: bool = False,
        decide: Decide | None = None,
    ) -> list[R | Problem]:
        """Check, log and answer; Refused for the whole call (rules loading, too many, too
        late, a reply too large). ``remaining``: seconds left of the caller's deadline."""
        checker = self.ready()
        if batch and len(requests) > self.settings.max_batch:
            refuse(
                Code.INVALID_ARGUMENT,
                f"at most {self.settings.max_batch} actions per batch (got {len(requests)})",
                "requests",
                f"一批至多 {self.settings.max_batch} 项(max_batch),收到 {len(requests)} 项",
                "too_long",
            )
        before_each = deadline(remaining, self.settings.default_deadline_seconds, self.clock)
        if not batch:
            before_each()  # a single check: the deadline is checked once, before it
            before_each = no_op
        try:
            results = check_many(
                checker, requests, self.journal, reply, size, self.settings.max_message_bytes, before_each, decide
            )
        except ReplyTooLarge as exc:
            raise Refused(exc.problem) from None
        if self.journal is not None and results:  # check_many logs all or none
            self.log_written(results[0] is not UNLOGGED)
        return results

    def read_document(self, text: str, content: bytes, filename: str) -> Reading:
        return read(document_text(text, content, filename))

    def check_document(
        self,
        data: Mapping[str, Any],
        text: str,
        content: bytes,
        filename: str,
        reply: Callable[[Decision], R],
        size: Callable[[Sequence[R | Problem]], int],
        remaining: float | None = None,
        continuing_valid: Sequence[str] | None = None,
    ) -> R | Problem:
        """Check a 公文 from its text (check/document.py) as Check checks a request: the same
        limits, log and answers. ``data``: request_id, agency, action, facts (the caller's), as_of."""
        body = document_text(text, content, filename)
        reading = read(body)
        data = {**data, "action": data.get("action") or "draft_document"}

        def decide(checker: Checker, given: Mapping[str, Any]) -> tuple[CheckRequest | None, Decision | Problem]:
            def run() -> tuple[CheckRequest, Decision]:
                envelope = parse_request({**given, "facts": {}})  # the agency, action, date and id, checked
                return check_document(
                    checker,
                    text=body,
                    agency=envelope.agency,
                    action=envelope.action,
                    facts=dict(given.get("facts") or {}),
                    as_of=envelope.as_of,
                    request_id=envelope.request_id,
                    reading=reading,
                    continuing_valid=continuing_valid,
                )

            return decided(given, run)

        (result,) = self.check([data], reply, size, remaining, decide=decide)
        return result

    def rules(self, pack: str | None, action: str | None) -> list[RuleView]:
        lawbook = self.ready().lawbook
        try:
            return rule_views(lawbook, pack=pack or None, action=action or None)
        except BadInput as exc:
            raise bad_input(exc) from None

    def rule(self, rule_id: str) -> RuleView:
        lawbook = self.ready().lawbook
        try:
            return rule_view(lawbook, rule_id)
        except RuleNotFound as exc:
            refuse(Code.NOT_FOUND, str(exc), "id")

    def actions(self, agency: tuple[str, str, str | None] | None, as_of: str) -> list[ActionView]:
        """Every action kind, or (given an agency) those the rules binding it on ``as_of`` cover."""
        checker = self.ready()
        if agency is not None:
            return action_views(checker.lawbook, self.applicability(*agency, as_of, checker))
        cached = self._actions
        if cached is None or cached[0] != checker.lawbook.version:  # built once per ruleset; a race builds twice
            cached = self._actions = (checker.lawbook.version, action_views(checker.lawbook))
        return cached[1]

    def applicability(
        self, name: str, division_code: str, kind: str | None, as_of: str, checker: Checker | None = None
    ) -> Applicability:
        checker = checker or self.ready()
        try:
            return applicability(checker, *agency_and_date(name, division_code, kind, as_of))
        except BadInput as exc:
            raise bad_input(exc) from None

    def decision(self, request_id: str) -> Entry:
        entry = self._log().get(request_id)
        if entry is None:
            refuse(Code.NOT_FOUND, f"no decision logged as {echo(request_id)}", "request_id")
        return entry

    def decisions(self, filters: Mapping[str, str], page_token: str, page_size: int) -> tuple[list[Entry], str]:
        """A page of logged decisions, oldest first, and the token of the next ("" at the end).
        ``filters``: agency, outcome, action, since, until (journal.store.Filters); "" for none."""
        journal = self._log()
        size = page_size or 100
        if not 0 < size <= MAX_PAGE:
            refuse(Code.INVALID_ARGUMENT, f"1 to {MAX_PAGE}", "page_size", f"应为 1 至 {MAX_PAGE}", "page_size")
        after = page_after(page_token)
        if after is None:
            refuse(
                Code.INVALID_ARGUMENT,
                "请原样传回上一页的 next_page_token / pass the previous page's next_page_token as it was",
                "page_token",
                "请原样传回上一页的 next_page_token",
                "page_token",
            )
        outcome = filters.get("outcome")
        if outcome and outcome not in OUTCOMES:
            refuse(
                Code.INVALID_ARGUMENT,
                f"one of {', '.join(OUTCOMES)}",
                "outcome",
                f"应为 {'、'.join(OUTCOMES)} 之一",
                "enum",
            )
        try:
            chosen = Filters(**{k: v or None for k, v in filters.items()})
        except ValidationError as exc:  # a time that is no ISO time would filter silently wrong
            raise bad_input(validation_error("", exc)) from None
        entries = journal.page(chosen, after, size)
        return entries, str(entries[-1].seq) if len(entries) == size else ""

    def _log(self) -> DecisionLog:
        if self.journal is None:
            refuse(Code.FAILED_PRECONDITION, "this server keeps no decision log")
        return self.journal
