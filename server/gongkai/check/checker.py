"""One check, top to bottom: request → typed facts → derived facts → engine → Decision."""

from __future__ import annotations

import bisect
import datetime as dt
import time
import typing
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from functools import cache
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from gongkai.check.decision import (
    AppliedPack,
    CalendarSource,
    CoverageStatus,
    Decision,
    Finding,
    Obligation,
    ObligationStatus,
    Outcome,
    PackCoverage,
    Undecided,
)
from gongkai.check.invalid import BadInput, echo, joined, unknown_division, validation_error
from gongkai.check.questions import fact_terms, questions
from gongkai.check.terms import action_kind, english_facts
from gongkai.engine.compiler import AS_OF_DAY, TRUE, UNKNOWN, CompiledDeadline, CompiledRule, Lawbook
from gongkai.facts import ACTIONS
from gongkai.facts.base import EARLIEST, LATEST, out_of_range
from gongkai.packs.conflicts import Conflict, conflicts_for
from gongkai.packs.jurisdiction import Agency, UnknownDivision, binding_packs, division_path, known_agencies
from gongkai.packs.pack import Pack, Severity
from gongkai.packs.vocabulary import FactInfo
from gongkai.periods.derive import (
    DeadlineResult,
    apply_derivations,
    asked_for,
    compute_deadline,
    extension_of,
    period_text,
)
from gongkai.periods.workdays import WorkingDayCalendar


class CheckRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    request_id: str | None = Field(default=None, max_length=100)
    agency: Agency
    action: str = Field(max_length=100)
    facts: dict[str, Any] = Field(default_factory=dict)
    as_of: dt.date | None = None  # default: the date of the action, else today

    @field_validator("as_of")
    @classmethod
    def _as_of_in_range(cls, value: dt.date | None) -> dt.date | None:
        if value is not None and not EARLIEST <= value <= LATEST:
            raise out_of_range()
        return value


def in_english(request: CheckRequest) -> CheckRequest:
    """The request with Chinese action, fact and value names rewritten to English (check/terms.py)."""
    action = action_kind(request.action)
    facts = english_facts(action, request.facts)
    if action == request.action and facts == request.facts:
        return request
    return request.model_copy(update={"action": action, "facts": facts})


def parse_request(data: dict[str, Any]) -> CheckRequest:
    """A request from plain data (JSON, or a proto's fields). BadInput lists every violation:
    the envelope's, and its facts' too when it names a known action kind, so that a form can
    mark every field at once."""
    try:
        return CheckRequest.model_validate(data)
    except ValidationError as exc:
        errors = [validation_error("", exc)]
    action, facts = data.get("action"), data.get("facts")
    model = ACTIONS.get(action_kind(action)) if isinstance(action, str) else None
    if model is not None and isinstance(facts, dict):
        try:
            model.model_validate(english_facts(model.kind, facts))
        except ValidationError as exc:
            errors.append(validation_error("facts", exc))
    raise joined(errors)


@dataclass(frozen=True)
class InForce:
    """The rules of some packs in force for an action kind on a span of days, and lookups."""

    rules: tuple[CompiledRule, ...]  # in pack order
    ids: tuple[str, ...]
    per_pack: dict[str, int]  # pack code → how many of its rules are in force
    verdicts: dict[str, tuple[int, bool]]  # engine name (``<key>#T``/``#U``) → (index, breached)


class RuleEngine(Protocol):
    """Decides compiled conditions: returns the engine rule names (``<id>#T``/``#U``) that hold."""

    def fire(self, action: str, facts: dict[str, Any], packs: Sequence[str]) -> set[str]: ...


class Checker:
    def __init__(self, lawbook: Lawbook, engine: RuleEngine, today: dt.date | None = None) -> None:
        self.lawbook = lawbook
        self.engine = engine
        self._today = today
        # Lookups a check would otherwise repeat, each over every pack or rule (see BENCHMARKS.md):
        self._binding: dict[tuple[str, str, str], list[Pack]] = {}  # agency → packs binding it
        self._conflicts: dict[tuple[tuple[str, ...], str], list[Conflict]] = {}  # packs, action → conflicts
        self._rules: dict[tuple[str, str], list[CompiledRule]] = {}  # action, pack → its rules, in order
        for action, rules in lawbook.by_action.items():
            for r in rules:
                self._rules.setdefault((action, r.pack.code), []).append(r)
        self._sources = {cl.id: (p, cl) for p in lawbook.packs for cl in p.catalogue.clauses}
        # the days on which some rule of an action starts or stops being in force
        self._boundaries = {
            action: sorted(
                {r.effective_from for r in rules}
                | {r.effective_to + dt.timedelta(days=1) for r in rules if r.effective_to is not None}
            )
            for action, rules in lawbook.by_action.items()
        }
        self._views: dict[tuple[str, tuple[str, ...], int], InForce] = {}
        self._applied = {  # shared by every decision: nothing changes them
            p.code: AppliedPack(
                code=p.code,
                document=p.catalogue.document.title,
                version=p.version,
                effective_from=p.meta.effective_from,
            )
            for p in lawbook.packs
        }
        self._findings: dict[str, tuple[dict[str, Any], tuple[str, ...]]] = {}  # rule key → its fixed parts
        self._coverages: dict[tuple[str, tuple[str, ...], dt.date], list[PackCoverage]] = {}

    def check(self, request: CheckRequest) -> Decision:
        started = time.perf_counter_ns()
        request = in_english(request)
        model = ACTIONS.get(request.action)
        if model is None:
            known = ", ".join(ACTIONS)
            raise BadInput(
                "action",
                f"unknown action kind; known: {known}",
                zh="未知的行为类型(可用的见 DescribeActions)",
                kind="unknown_action",
            )
        errors = []  # the facts' and the agency's, reported together
        try:
            typed = model.model_validate(request.facts)
        except ValidationError as exc:
            errors.append(validation_error("facts", exc))
        try:
            jurisdiction = division_path(request.agency.division_code)
        except UnknownDivision as exc:
            errors.append(unknown_division(exc))
        if errors:
            raise joined(errors)
        binding = self._binding_packs(request.agency)
        if not binding:
            agency, known = request.agency, known_agencies(self.lawbook.packs)
            raise BadInput(
                "agency",
                f"no rule pack binds {echo(agency.name)} ({agency.division_code}, {agency.kind.value}); known: {known}",
                zh=f"没有规则包约束 {echo(agency.name)}({agency.division_code},{agency.kind.term});已收录:{known}",
                kind="no_binding_pack",
            )
        as_of = request.as_of or typed.action_date() or self._today or dt.date.today()
        in_force = packs_in_force(binding, as_of)
        calendar = WorkingDayCalendar(self.lawbook.holidays)
        facts = fact_values(typed)
        facts[AS_OF_DAY] = as_of.toordinal()
        with calendar.in_use():  # derivations counting working days use this check's calendar
            apply_derivations(request.action, facts)
            results = self._deadlines(request.action, in_force, facts, as_of, calendar)
        vocab = self.lawbook.vocabulary[request.action]
        engine_started = time.perf_counter_ns()
        # Only the packs in force on the day: the others' rules would be discarded below, and two
        # national texts (CN08, CN) bind every agency, one at a time.
        fired = self.engine.fire(request.action, facts, [p.code for p in in_force])
        engine_micros = (time.perf_counter_ns() - engine_started) // 1000

        view = self._in_force_view(request.action, in_force, as_of)
        rules = view.rules
        verdicts = sorted(view.verdicts[name] for name in fired if name in view.verdicts)
        findings = [self._finding(rules[i], facts, vocab) for i, true in verdicts if true]
        undecided = [
            Undecided(
                rule_id=rules[i].id,
                clause_id=rules[i].rule.clauses[0],
                severity=rules[i].rule.severity,
                missing_facts=missing_inputs(rules[i].all_reads, facts, vocab),
                message=f"尚不能判断(缺少事实):{rules[i].rule.message}",
            )
            for i, true in verdicts
            if not true
        ]
        decided = set(view.ids) - {f.rule_id for f in findings} - {u.rule_id for u in undecided}
        satisfied = [i for i in view.ids if i in decided]
        outcome = _outcome(rules, findings, undecided, satisfied)
        # The facts that would decide the outcome: those of undecided must/should rules, or of
        # every undecided rule when none could be decided at all.
        deciding = [u for u in undecided if u.severity is not Severity.info]
        if outcome is Outcome.incomplete and not deciding:
            deciding = undecided
        obligations = [
            _obligation(d, result, facts)
            for d, result in results.items()
            if d.applies_if is None or d.engine_id + TRUE in fired
        ]
        coverage = self._coverage(request.action, binding, view.per_pack, as_of)
        warnings = []
        if outcome is Outcome.not_covered:
            warnings.append(
                f"不在规则覆盖范围:约束{request.agency.name}的规则包在 {as_of} 都没有适用于"
                f"「{model.term}」的规则,本决定不表示合规。" + ";".join(c.note for c in coverage)
            )
        warnings += [
            f"{year} 年的法定节假日和调休安排尚未收录,按周一至周五为工作日计算"
            for year in sorted(calendar.uncovered_years)
        ]
        warnings += [f"{f.rule_id}: {f.message}" for f in findings if f.severity is Severity.should]
        if not request.facts:  # a caller that sent nothing should not have to read 50 questions to see it
            warnings.insert(0, "没有提供任何事实:需要事实的规则都无法判断,请按 questions 补充 (no facts were given)")
        named = {n for u in undecided for n in u.missing_facts} | {n for f in findings for n in f.facts}
        return Decision(
            request_id=request.request_id or uuid.uuid4().hex,
            outcome=outcome,
            action=request.action,
            agency=request.agency.name,
            jurisdiction=jurisdiction,
            as_of=as_of,
            findings=findings,
            obligations=obligations,
            undecided=undecided,
            missing_facts=sorted({n for u in deciding for n in u.missing_facts}),
            packs=[self._applied[p.code] for p in in_force],
            conflicts=self._conflicts_for(in_force, request.action),
            rules_applied=list(view.ids),
            rules_satisfied=satisfied,
            coverage=coverage,
            ruleset_version=self.lawbook.version,
            warnings=warnings,
            questions=questions(undecided, vocab),
            fact_terms=fact_terms(named, vocab),
            calendars=[
                CalendarSource(year=year, source=source)
                for year in sorted(calendar.sources)
                for source in sorted(calendar.sources[year])
            ],
            engine_micros=engine_micros,
            total_micros=(time.perf_counter_ns() - started) // 1000,
        )

    def _in_force_view(self, action: str, packs: list[Pack], as_of: dt.date) -> InForce:
        """``rules_in_force`` with what a check looks up in it, kept per action, packs and the
        span of days between two effective dates (the same rules are in force all through it)."""
        epoch = bisect.bisect_right(self._boundaries.get(action, ()), as_of)
        key = (action, tuple(p.code for p in packs), epoch)
        found = self._views.get(key)
        if found is None:
            if len(self._views) >= 10_000:  # never grow without bound
                self._views.clear()
            rules = tuple(self.rules_in_force(action, packs, as_of))
            found = self._views[key] = InForce(
                rules=rules,
                ids=tuple(r.id for r in rules),
                per_pack={p.code: sum(r.pack.code == p.code for r in rules) for p in packs},
                verdicts={r.key + mark: (i, mark == TRUE) for i, r in enumerate(rules) for mark in (TRUE, UNKNOWN)},
            )
        return found

    def rules_in_force(self, action: str, packs: list[Pack], as_of: dt.date) -> list[CompiledRule]:
        """The rules of these packs for the action kind, in force on the day, in pack order."""
        return [r for p in packs for r in self._rules.get((action, p.code), ()) if r.in_force(as_of)]

    def binding_packs(self, agency: Agency) -> list[Pack]:
        """The packs whose bindings cover the agency, whatever the date."""
        return self._binding_packs(agency)

    def _coverage(
        self, action: str, binding: list[Pack], current: dict[str, int], as_of: dt.date
    ) -> list[PackCoverage]:
        """Every pack binding the agency: does it cover the action on the date, and if not, why.
        ``current``: how many of its rules for the action are in force, per pack in force. The
        same for every check of the action by agencies with these packs on the day: kept (the
        PackCoverage models are shared; nothing changes them)."""
        key = (action, tuple(p.code for p in binding), as_of)
        found = self._coverages.get(key)
        if found is None:
            if len(self._coverages) >= 10_000:  # never grow without bound
                self._coverages.clear()
            found = self._coverages[key] = self._coverage_of(action, binding, current, as_of)
        return list(found)

    def _coverage_of(
        self, action: str, binding: list[Pack], current: dict[str, int], as_of: dt.date
    ) -> list[PackCoverage]:
        term = ACTIONS[action].term
        coverage = []
        for p in binding:
            start, end = p.meta.effective_from, p.meta.effective_to
            title = f"{p.code}《{p.catalogue.document.title}》"
            own = self._rules.get((action, p.code), ())
            if not _in_force(start, end, as_of):
                status = CoverageStatus.pack_not_in_force
                when = "尚未施行" if as_of < start else f"已于 {end} 停止施行"
                note = f"{title}自 {start} 起施行,{as_of} {when}"
            elif not own:
                status = CoverageStatus.no_rule_for_action
                note = f"{title}(自 {start} 起施行)没有关于「{term}」的规则"
            elif not current.get(p.code):
                status = CoverageStatus.rules_not_in_force
                note = f"{title}关于「{term}」的 {len({r.id for r in own})} 条规则在 {as_of} 都不在施行期间"
            else:
                status = CoverageStatus.applied
                note = f"{title}关于「{term}」的规则在 {as_of} 施行的有 {current[p.code]} 条,已适用"
            coverage.append(
                PackCoverage(
                    code=p.code,
                    document=p.catalogue.document.title,
                    effective_from=start,
                    effective_to=end,
                    status=status,
                    rules_in_force=current.get(p.code, 0),
                    note=note,
                )
            )
        return coverage

    def _binding_packs(self, agency: Agency) -> list[Pack]:
        key = (agency.division_code, agency.kind.value, agency.name)
        found = self._binding.get(key)
        if found is None:
            if len(self._binding) >= 10_000:  # many distinct agencies: start over rather than grow
                self._binding.clear()
            found = self._binding[key] = binding_packs(self.lawbook.packs, agency)
        return found

    def _conflicts_for(self, packs: list[Pack], action: str) -> list[Conflict]:
        key = (tuple(p.code for p in packs), action)
        found = self._conflicts.get(key)
        if found is None:
            found = self._conflicts[key] = conflicts_for(self.lawbook, packs, action)
        return list(found)  # the Conflict models are shared: nothing changes them

    def _deadlines(
        self, action: str, packs: list[Pack], facts: dict[str, Any], as_of: dt.date, calendar: WorkingDayCalendar
    ) -> dict[CompiledDeadline, DeadlineResult]:
        """Compute the packs' deadlines for the action, adding ``<id>_due``/``<id>_overdue`` to the facts."""
        results = {}
        closed: dict[str, dt.date] = {}  # deadline id → the day it closed, for suspension_until
        codes = {p.code for p in packs}
        deadlines = self.lawbook.deadlines.get(action, [])
        # A suspension bounded by another deadline needs that one first (the compiler allows
        # no chains, so one pass after the others is enough).
        for d in sorted(deadlines, key=lambda d: d.deadline.suspension_until is not None):
            if d.pack.code not in codes:
                continue
            result = compute_deadline(d.deadline, d.parameter, facts, as_of, calendar, closed)
            if result is not None:
                if result.due_on is not None:
                    facts[d.deadline.id + "_due"] = result.due_on
                facts[d.deadline.id + "_overdue"] = result.overdue
                if result.closed_on is not None:
                    closed[d.deadline.id] = result.closed_on
                results[d] = result
        return results

    def _finding(self, compiled: CompiledRule, facts: dict[str, Any], vocab: dict[str, FactInfo]) -> Finding:
        static = self._findings.get(compiled.key)
        if static is None:  # what a finding of the rule says whatever the facts: built once
            rule = compiled.rule
            pack, clause = self._sources.get(rule.clauses[0]) or self.lawbook.clause(rule.clauses[0])
            static = self._findings[compiled.key] = (
                {
                    "rule_id": rule.id,
                    "clause_id": clause.id,
                    "clause_ids": list(rule.clauses),
                    "document": pack.catalogue.document.title,
                    "document_number": pack.catalogue.document.number,
                    "section": clause.path,
                    "clause_text": clause.text,
                    "severity": rule.severity,
                    "message": rule.message,
                    "remedy": rule.remedy,
                },
                shown_facts(compiled.all_reads, vocab),
            )
        fields, shown = static
        return Finding(**fields, facts={n: _plain(facts[n]) for n in shown if facts.get(n) is not None})


def missing_inputs(reads: tuple[str, ...], facts: dict[str, Any], vocab: dict[str, FactInfo]) -> list[str]:
    """The caller's facts behind the absent facts a rule reads (derived ones traced back)."""
    missing: dict[str, None] = {}

    def trace(name: str) -> None:
        if facts.get(name) is not None:
            return
        asks = asked_for(name, facts)
        if asks is not None:
            for i in asks:
                trace(i)
            return
        info = vocab.get(name)
        inputs = [i for i in info.derived_from if facts.get(i) is None] if info else []
        if info and info.derived_from and inputs:
            for i in inputs:
                trace(i)
        else:
            missing.setdefault(name)

    for name in reads:
        trace(name)
    return list(missing)


def shown_facts(reads: tuple[str, ...], vocab: dict[str, FactInfo]) -> tuple[str, ...]:
    """The facts a finding shows, in order: those the rule read, each followed by the facts
    that explain a derived one, down to the caller's (a deadline shows its start, and a
    derived start the dates it was taken from). Only those present are shown."""
    shown: dict[str, None] = {}

    def show(name: str) -> None:
        if name in shown:
            return
        shown[name] = None
        info = vocab.get(name)
        for key in info.shows if info else ():
            show(key)

    for name in reads:
        show(name)
    return tuple(shown)


def fact_values(typed: BaseModel) -> dict[str, Any]:
    """The facts given, as plain values: ``model_dump`` without the Nones, read straight from the
    model when no field holds a model of its own (model_dump's copy cost a tenth of a check)."""
    if _holds_models(type(typed)):
        return {k: v for k, v in typed.model_dump().items() if v is not None}
    return {k: v for k, v in vars(typed).items() if v is not None}


@cache
def _holds_models(model: type[BaseModel]) -> bool:
    def models_in(annotation: Any) -> bool:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return True
        return any(models_in(a) for a in typing.get_args(annotation))

    return any(models_in(f.annotation) for f in model.model_fields.values())


def packs_in_force(packs: list[Pack], day: dt.date) -> list[Pack]:
    return [p for p in packs if _in_force(p.meta.effective_from, p.meta.effective_to, day)]


def _in_force(start: dt.date | None, end: dt.date | None, day: dt.date) -> bool:
    return (start is None or start <= day) and (end is None or day <= end)


def _outcome(
    rules: Sequence[CompiledRule], findings: list[Finding], undecided: list[Undecided], satisfied: list[str]
) -> Outcome:
    """Never COMPLIANT without grounds: no rule in force is NOT_COVERED, and a check where no
    rule could be decided at all is INCOMPLETE even when none of them is a `must`."""
    if not rules:
        return Outcome.not_covered
    if any(f.severity is Severity.must for f in findings):
        return Outcome.non_compliant
    if any(u.severity is Severity.must for u in undecided):
        return Outcome.incomplete
    if not findings and not satisfied:
        return Outcome.incomplete
    return Outcome.compliant


def _obligation(d: CompiledDeadline, result: DeadlineResult, facts: dict[str, Any]) -> Obligation:
    if result.overdue > 0:
        status = ObligationStatus.missed
    elif result.done_on is not None:
        status = ObligationStatus.met
    elif result.due_on is None:
        status = ObligationStatus.suspended
    else:
        status = ObligationStatus.open
    start = facts.get(d.deadline.start) if d.deadline.start else None
    return Obligation(
        id=f"{d.pack.code}.{d.deadline.id}",
        title=d.deadline.title,
        clause_ids=list(d.deadline.clauses),
        starts_on=start.date() if isinstance(start, dt.datetime) else start,
        due_on=result.due_on,
        period=period_text(d.parameter, extension_of(d.deadline, facts), d.deadline.due_date),
        done_on=result.done_on,
        status=status,
    )


_PLAIN = frozenset({bool, int, float, str})  # shown as they are


def _plain(value: Any) -> Any:
    if type(value) in _PLAIN:
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


__all__ = ["BadInput", "CheckRequest", "Checker", "Pack", "RuleEngine", "parse_request", "validation_error"]
