"""Conflicts between packs, surfaced and never resolved silently.

Two kinds: a *figure* conflict, where packs set different values for one named duty (a
parameter's ``duty``), and a declared *difference* (``rules/differences.yaml``), where
provisions disagree on something no single figure captures. A decision lists those among
the packs that bind its agency for its action kind; ``gongkai conflicts`` lists them all.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from pydantic import BaseModel

from gongkai.packs.pack import UNIT_TERMS, Difference, Pack, Stricter, Unit


class CompiledLaw(Protocol):
    """What conflicts need from a compiled rule set (the engine's Lawbook): which action kinds
    read each pack parameter, and the declared differences. A protocol, so the law never
    imports the engine."""

    parameter_actions: Mapping[tuple[str, str], set[str]]
    differences: list[Difference]


class ConflictingProvision(BaseModel):
    pack: str
    clause_id: str
    says: str  # the figure (e.g. "15 个工作日") or, for a declared difference, what it says


class Conflict(BaseModel):
    """Two packs that bind the agency disagree on one point: both findings stand."""

    topic: str  # the duty (e.g. answer_period) or the declared difference's id
    title: str
    provisions: list[ConflictingProvision]
    stricter: str | None  # clause id of the stricter provision, when one is
    note: str | None = None


def figure_conflicts(lawbook: CompiledLaw, packs: list[Pack], action: str | None = None) -> list[Conflict]:
    by_duty: dict[str, list[tuple[Pack, str]]] = {}
    for pack in packs:
        for name, parameter in pack.meta.parameters.items():
            used = lawbook.parameter_actions.get((pack.code, name), set())
            if parameter.duty and (action is None or action in used):
                by_duty.setdefault(parameter.duty, []).append((pack, name))
    conflicts = []
    for duty, entries in sorted(by_duty.items()):
        parameters = [pack.meta.parameters[name] for pack, name in entries]
        if len({(p.value, p.unit) for p in parameters}) < 2:
            continue
        stricter = None
        direction = next((p.stricter for p in parameters if p.stricter), None)
        if direction and len({p.unit for p in parameters}) == 1:
            best = min if direction is Stricter.lower else max
            chosen = best(parameters, key=lambda p: p.value)
            stricter = chosen.clause
        conflicts.append(
            Conflict(
                topic=duty,
                title=next((p.term for p in parameters if p.term), duty),
                provisions=[
                    ConflictingProvision(pack=pack.code, clause_id=p.clause, says=figure(p.value, p.unit))
                    for (pack, _), p in zip(entries, parameters, strict=True)
                ],
                stricter=stricter,
            )
        )
    return conflicts


def declared_differences(lawbook: CompiledLaw, packs: list[Pack], action: str | None = None) -> list[Conflict]:
    codes = {p.code for p in packs}
    found = []
    for d in lawbook.differences:
        involved = {provision.clause.split("-", 1)[0] for provision in d.provisions}
        if involved <= codes and (action is None or action in d.actions):
            found.append(
                Conflict(
                    topic=d.id,
                    title=d.title,
                    provisions=[
                        ConflictingProvision(pack=p.clause.split("-", 1)[0], clause_id=p.clause, says=p.says)
                        for p in d.provisions
                    ],
                    stricter=d.stricter,
                    note=d.note,
                )
            )
    return found


def conflicts_for(lawbook: CompiledLaw, packs: list[Pack], action: str | None = None) -> list[Conflict]:
    return figure_conflicts(lawbook, packs, action) + declared_differences(lawbook, packs, action)


def figure(value: float, unit: Unit) -> str:
    number = int(value) if float(value).is_integer() else value
    return f"{number} {UNIT_TERMS[unit]}".strip() if unit is not Unit.count else f"{number}"
