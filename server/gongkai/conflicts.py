"""Conflicts between packs, surfaced and never resolved silently.

Two kinds: a *figure* conflict, where packs set different values for one named duty (a
parameter's ``duty``), and a declared *difference* (``rules/differences.yaml``), where
provisions disagree on something no single figure captures. A decision lists those among
the packs that bind its agency for its action kind; ``gongkai conflicts`` lists them all.
"""

from __future__ import annotations

import click

from gongkai.compiler import Lawbook
from gongkai.decision import Conflict, ConflictingProvision
from gongkai.packs import UNIT_TERMS, Pack, Stricter, Unit


def figure_conflicts(lawbook: Lawbook, packs: list[Pack], action: str | None = None) -> list[Conflict]:
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


def declared_differences(lawbook: Lawbook, packs: list[Pack], action: str | None = None) -> list[Conflict]:
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


def conflicts_for(lawbook: Lawbook, packs: list[Pack], action: str | None = None) -> list[Conflict]:
    return figure_conflicts(lawbook, packs, action) + declared_differences(lawbook, packs, action)


def figure(value: float, unit: Unit) -> str:
    number = int(value) if float(value).is_integer() else value
    return f"{number} {UNIT_TERMS[unit]}".strip() if unit is not Unit.count else f"{number}"


@click.command("conflicts")
@click.option("--rules-dir", type=click.Path(file_okay=False), default=None)
def conflicts_command(rules_dir: str | None) -> None:
    """Every known conflict between packs, with the clauses on each side."""
    from pathlib import Path

    from gongkai.config import Settings
    from gongkai.runtime import load_lawbook

    settings = Settings.from_env(rules_dir=Path(rules_dir) if rules_dir else None)
    lawbook = load_lawbook(settings.rules_dir)
    found = conflicts_for(lawbook, lawbook.packs)
    for conflict in found:
        click.echo(f"{conflict.topic} — {conflict.title}")
        for p in conflict.provisions:
            mark = "  (stricter)" if conflict.stricter == p.clause_id else ""
            click.echo(f"  {p.clause_id:<12} {p.says}{mark}")
        if conflict.note:
            click.echo(f"  note: {conflict.note}")
    click.echo(f"{len(found)} conflicts")
