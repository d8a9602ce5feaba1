"""What a check answers: the Decision, its findings and the obligations it creates."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from gongkai.packs.conflicts import Conflict
from gongkai.packs.pack import Severity


class Outcome(StrEnum):
    compliant = "COMPLIANT"
    non_compliant = "NON_COMPLIANT"  # a `must` rule is breached
    incomplete = "INCOMPLETE"  # an applicable `must` rule cannot be decided; nothing breached


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
    rules_applied: list[str] = Field(default_factory=list)  # every rule in force for this check
    ruleset_version: str
    warnings: list[str] = Field(default_factory=list)
    # Per year whose working days were counted, the calendar used; a year with none is a warning.
    calendars: list[CalendarSource] = Field(default_factory=list)
    engine_micros: int = 0
    total_micros: int = 0

    @property
    def breached_rules(self) -> list[str]:
        return [f.rule_id for f in self.findings]
