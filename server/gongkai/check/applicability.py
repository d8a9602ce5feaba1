"""What binds an agency on a date: the packs, and per action kind the rules in force and the
facts those rules read (as the caller gives them: derived facts traced back to their inputs).

DescribeActions narrows each action's schema to these facts when given an agency and a date,
so a drafting system asks only what the law binding *this* agency on *this* day needs.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from gongkai.check.checker import Checker, packs_in_force
from gongkai.check.invalid import unknown_division
from gongkai.facts import ACTIONS
from gongkai.packs.jurisdiction import Agency, UnknownDivision, division_path
from gongkai.packs.vocabulary import FactInfo


class PackInForce(BaseModel):
    code: str
    document: str
    effective_from: dt.date | None
    effective_to: dt.date | None


class ActionScope(BaseModel):
    kind: str
    term: str  # Chinese
    rules: list[str]  # rule ids in force, in pack order
    facts: list[str]  # the caller's facts those rules read, in schema order


class Applicability(BaseModel):
    agency: str
    as_of: dt.date
    binding: list[str]  # packs whose bindings cover the agency, in force or not
    packs: list[PackInForce]  # those in force on the date
    actions: list[ActionScope]  # action kinds with at least one rule in force


def applicability(checker: Checker, agency: Agency, as_of: dt.date) -> Applicability:
    try:
        division_path(agency.division_code)
    except UnknownDivision as exc:
        raise unknown_division(exc) from exc
    binding = checker.binding_packs(agency)
    in_force = packs_in_force(binding, as_of)
    scopes = []
    for kind, model in ACTIONS.items():
        rules = checker.rules_in_force(kind, in_force, as_of)
        if not rules:
            continue
        vocabulary = checker.lawbook.vocabulary[kind]
        read: set[str] = set()
        for rule in rules:
            for name in rule.all_reads:
                _inputs(name, vocabulary, read)
        read |= _deadline_inputs(checker, kind, {p.code for p in in_force}, vocabulary)
        fields = [name for name in model.model_fields if name in read]
        scopes.append(ActionScope(kind=kind, term=model.term, rules=[r.id for r in rules], facts=fields))
    return Applicability(
        agency=agency.name,
        as_of=as_of,
        binding=[p.code for p in binding],
        packs=[
            PackInForce(
                code=p.code,
                document=p.catalogue.document.title,
                effective_from=p.meta.effective_from,
                effective_to=p.meta.effective_to,
            )
            for p in in_force
        ],
        actions=scopes,
    )


def _inputs(name: str, vocabulary: dict[str, FactInfo], found: set[str], seen: set[str] | None = None) -> None:
    """The caller's facts behind a fact: itself, or what it is derived from and shows."""
    seen = set() if seen is None else seen
    if name in seen:
        return
    seen.add(name)
    found.add(name)
    info = vocabulary.get(name)
    for source in (*info.derived_from, *info.shows) if info else ():
        _inputs(source, vocabulary, found, seen)


def _deadline_inputs(checker: Checker, action: str, codes: set[str], vocabulary: dict[str, FactInfo]) -> set[str]:
    found: set[str] = set()
    for d in checker.lawbook.deadlines.get(action, []):
        if d.pack.code in codes:
            for suffix in ("_due", "_overdue"):
                _inputs(d.deadline.id + suffix, vocabulary, found)
    return found
