"""What a check answers: the Decision, its findings and the obligations it creates."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from gongkai.packs.conflicts import Conflict
from gongkai.packs.pack import Severity


class Outcome(StrEnum):
    compliant = "COMPLIANT"  # rules applied, were decided, and no `must` rule is breached
    non_compliant = "NON_COMPLIANT"  # a `must` rule is breached
    incomplete = "INCOMPLETE"  # nothing breached, but a `must` rule (or every rule) cannot be decided
    not_covered = "NOT_COVERED"  # no rule for the action kind is in force for the agency on the date

    @property
    def term(self) -> str:
        """The Chinese word legal staff read (feature files, the report, diffs)."""
        return _OUTCOME_TERMS[self][0]

    @property
    def meaning(self) -> str:
        """What the outcome says, in Chinese (the report explains outcomes with it)."""
        return _OUTCOME_TERMS[self][1]


_OUTCOME_TERMS = {
    Outcome.compliant: (
        "合规",
        "适用的规则已经判定,没有违反“应当”类规则(应当、必须、不得);违反“原则上”类规则的只作提示。"
        "决定列出已判定且未违反的规则(rules_satisfied)。",
    ),
    Outcome.non_compliant: ("不合规", "至少违反一条“应当”类规则(应当、必须、不得)。"),
    Outcome.incomplete: (
        "事实不全",
        "没有违反“应当”类规则,但有“应当”类规则因缺少事实无法判定,或者适用的规则都无法判定;缺少的事实见 missing_facts。",
    ),
    Outcome.not_covered: (
        "不在规则覆盖范围",
        "约束该机关的规则包在行为之日都没有适用于这类行为的规则(规则包尚未施行或者已经失效、"
        "没有针对这类行为的规则、或者这类行为的规则尚未施行),无法判断是否合规,不表示合规。"
        "决定的 coverage 列出考虑过的规则包、施行日期和不适用的原因。",
    ),
}


class TextFact(BaseModel):
    """A fact read from a document's own text (CheckDocument), and where it is printed:
    character offsets into the text as given; start == end marks where an absent element
    belongs (a 附注 not printed)."""

    fact: str
    value: Any
    text: str
    start: int
    end: int


class Finding(BaseModel):
    """One rule that fired: which clause, quoted, and the facts that decided it."""

    rule_id: str
    clause_id: str
    clause_ids: list[str]
    document: str  # title of the source document
    document_number: str | None  # 文号
    section: str  # section path as printed
    clause_text: str  # verbatim
    severity: Severity
    message: str
    remedy: str
    facts: dict[str, Any]  # the fact values the rule read
    text_spans: list[TextFact] = Field(default_factory=list)  # CheckDocument: those facts read from the text


class ObligationStatus(StrEnum):
    open = "open"  # not done yet, due date not passed
    suspended = "suspended"  # the clock is stopped (中止) and has not resumed: no due date yet
    met = "met"
    missed = "missed"  # done late, or not done and the due date has passed


class Obligation(BaseModel):
    """A deadline the action creates (答复期限, 公开期限 …)."""

    id: str
    title: str
    clause_ids: list[str]
    starts_on: dt.date | None  # None for a fixed due date (a milestone)
    due_on: dt.date | None  # None only while suspended
    period: str  # e.g. "15 个工作日"
    done_on: dt.date | None
    status: ObligationStatus


class Undecided(BaseModel):
    """An applicable rule that could not be decided, and the facts it is missing."""

    rule_id: str
    clause_id: str
    severity: Severity
    missing_facts: list[str]
    message: str = ""  # in Chinese: what cannot be judged yet


class Option(BaseModel):
    value: str
    term: str  # Chinese


class Question(BaseModel):
    """A missing fact asked in Chinese, with the rules its answer would decide."""

    fact: str
    term: str  # the fact's Chinese term
    question: str  # e.g. 「是否已及时登记?」
    type: str  # boolean, number, text, choice, choices, date, datetime
    options: list[Option] = Field(default_factory=list)  # for choice and choices
    rules: list[str] = Field(default_factory=list)  # undecided rules it would help decide
    must_rules: int = 0  # how many of them are `must` rules: the ranking


class CoverageStatus(StrEnum):
    """Whether a pack that binds the agency could judge the action, and if not, why."""

    applied = "applied"  # the pack's rules for the action kind are in force on the date
    pack_not_in_force = "pack_not_in_force"  # the pack is not in force on the date
    no_rule_for_action = "no_rule_for_action"  # the pack has no rule for the action kind
    rules_not_in_force = "rules_not_in_force"  # it has rules for the action kind, none in force on the date

    @property
    def term(self) -> str:
        """The Chinese words a feature file uses (规则包"CN"的覆盖情况为"…")."""
        return _COVERAGE_TERMS[self]


_COVERAGE_TERMS = {
    CoverageStatus.applied: "已适用",
    CoverageStatus.pack_not_in_force: "规则包不在施行期间",
    CoverageStatus.no_rule_for_action: "没有这类行为的规则",
    CoverageStatus.rules_not_in_force: "这类行为的规则不在施行期间",
}


class PackCoverage(BaseModel):
    """One pack that binds the agency, and whether it covers the action on the as-of date."""

    code: str
    document: str  # title of the pack's source document
    effective_from: dt.date
    effective_to: dt.date | None = None
    status: CoverageStatus
    rules_in_force: int = 0  # the pack's rules for the action kind in force on the date
    note: str  # the same in Chinese, e.g. CN《…》自 2019-05-15 起施行,2018-12-24 尚未施行


class AppliedPack(BaseModel):
    code: str
    document: str
    version: str  # content hash of the pack
    effective_from: dt.date


class CalendarSource(BaseModel):
    """The holiday calendar that decided the working days of one year the check touched."""

    year: int
    source: str  # the notice(s) kept as data, e.g. 《国务院办公厅关于2027年部分节假日安排的通知》, or the package


class Decision(BaseModel):
    request_id: str
    outcome: Outcome
    action: str
    agency: str
    as_of: dt.date
    findings: list[Finding] = Field(default_factory=list)  # breaches (must/should) and info
    obligations: list[Obligation] = Field(default_factory=list)
    undecided: list[Undecided] = Field(default_factory=list)
    missing_facts: list[str] = Field(default_factory=list)
    packs: list[AppliedPack] = Field(default_factory=list)
    jurisdiction: str = ""  # the agency's division with its parents, e.g. 福建省三明市清流县
    conflicts: list[Conflict] = Field(default_factory=list)
    # Every rule in force for this check, whatever its verdict: breached, undecided or satisfied.
    rules_applied: list[str] = Field(default_factory=list)
    # The rules in force that were decided and not breached (an info rule: decided not to apply).
    rules_satisfied: list[str] = Field(default_factory=list)
    # Every pack that binds the agency, and whether it covers the action on the as-of date.
    coverage: list[PackCoverage] = Field(default_factory=list)
    ruleset_version: str
    warnings: list[str] = Field(default_factory=list)
    questions: list[Question] = Field(default_factory=list)  # INCOMPLETE: what to ask, most useful first
    fact_terms: dict[str, str] = Field(default_factory=dict)  # every fact the decision names → its Chinese term
    from_text: list[TextFact] = Field(default_factory=list)  # CheckDocument: the facts the document's text gave
    # Per year whose working days were counted, the calendar used; a year with none is a warning.
    calendars: list[CalendarSource] = Field(default_factory=list)
    engine_micros: int = 0
    total_micros: int = 0

    @property
    def breached_rules(self) -> list[str]:
        return [f.rule_id for f in self.findings]
