"""Traceability: clause → rules → scenarios, per document, and the gaps.

A scenario is a *breach* scenario for a rule when it asserts the rule is breached
(违反规则"…"), and a *compliant* scenario when it asserts the rule is applied and not
breached (未违反规则"…"). A clause inherits the scenarios of every rule that cites it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

import click

from gongkai.check.runtime import load_lawbook
from gongkai.config import Settings
from gongkai.engine.compiler import Lawbook
from gongkai.packs.catalogue import ClauseClass
from gongkai.review.scenarios import BREACHED, NOT_BREACHED, Scenario, read_features


@dataclass
class ClauseTrace:
    clause_id: str
    cls: str
    rules: list[str] = field(default_factory=list)
    breach_scenarios: list[str] = field(default_factory=list)
    compliant_scenarios: list[str] = field(default_factory=list)


@dataclass
class DocumentTrace:
    code: str
    title: str
    clauses: list[ClauseTrace]
    rules: int
    scenarios: int

    def count(self, cls: ClauseClass) -> int:
        return sum(1 for c in self.clauses if c.cls == cls.value)


@dataclass
class Trace:
    documents: list[DocumentTrace]
    gaps: list[str]


def _label(s: Scenario) -> str:
    return f"{s.file.name}:{s.line} {s.name}"


def build_trace(lawbook: Lawbook, scenarios: list[Scenario], documents: set[str] | None = None) -> Trace:
    """The trace of every pack, or of ``documents`` (pack codes) only."""
    breach_by_rule: dict[str, list[str]] = defaultdict(list)
    compliant_by_rule: dict[str, list[str]] = defaultdict(list)
    gaps: list[str] = []
    for s in scenarios:
        for rule_id in s.rules_asserted(BREACHED):
            breach_by_rule[rule_id].append(_label(s))
        for rule_id in s.rules_asserted(NOT_BREACHED):
            compliant_by_rule[rule_id].append(_label(s))
    known = lawbook.rule_ids  # a rule with dated versions has one id and several keys
    for rule_id in sorted(set(breach_by_rule) | set(compliant_by_rule)):
        if rule_id not in known:
            gaps.append(f"scenarios assert rule {rule_id}, which does not exist")
    traced = []
    for pack in lawbook.packs:
        if documents is not None and pack.code not in documents:
            continue
        by_clause = {c.id: ClauseTrace(c.id, c.cls.value) for c in pack.catalogue.clauses}
        pack_scenarios: set[str] = set()
        for rule in pack.rules:
            if rule.id not in breach_by_rule:
                gaps.append(f"rule {rule.id} never fires in any scenario")
            for clause_id in rule.clauses:
                trace = by_clause.get(clause_id)
                if trace is None:
                    continue  # cites another document's clause (compile checked it exists)
                trace.rules.append(rule.id)
                trace.breach_scenarios += breach_by_rule.get(rule.id, [])
                trace.compliant_scenarios += compliant_by_rule.get(rule.id, [])
            pack_scenarios.update(breach_by_rule.get(rule.id, []), compliant_by_rule.get(rule.id, []))
        for trace in by_clause.values():
            if trace.cls == ClauseClass.not_checkable.value:
                if trace.rules:
                    gaps.append(f"clause {trace.clause_id} is not-checkable but rules cite it: {trace.rules}")
                continue
            if not trace.rules:
                gaps.append(f"clause {trace.clause_id} ({trace.cls}) has no rule")
                continue
            if not trace.breach_scenarios:
                gaps.append(f"clause {trace.clause_id} has no breach scenario")
            if not trace.compliant_scenarios:
                gaps.append(f"clause {trace.clause_id} has no compliant scenario")
        traced.append(
            DocumentTrace(
                pack.code,
                pack.catalogue.document.title,
                list(by_clause.values()),
                len(pack.rules),
                len(pack_scenarios),
            )
        )
    return Trace(traced, gaps)


def summary_lines(trace: Trace) -> list[str]:
    header = ("doc", "clauses", "per-action", "periodic", "not-checkable", "rules", "scenarios")
    lines = [f"{header[0]:<4} " + " ".join(f"{h:>{len(h)}}" for h in header[1:])]
    for d in trace.documents:
        lines.append(
            f"{d.code:<4} {len(d.clauses):>7} {d.count(ClauseClass.per_action):>10} "
            f"{d.count(ClauseClass.periodic):>8} {d.count(ClauseClass.not_checkable):>13} "
            f"{d.rules:>5} {d.scenarios:>9}"
        )
    return lines


def matrix_lines(trace: Trace) -> list[str]:
    lines = []
    for d in trace.documents:
        lines.append(f"== {d.code} {d.title}")
        for c in d.clauses:
            rules = ", ".join(c.rules) or "-"
            lines.append(
                f"{c.clause_id:<12} {c.cls:<13} breach {len(c.breach_scenarios):>2}  "
                f"compliant {len(c.compliant_scenarios):>2}  rules: {rules}"
            )
    return lines


@click.command("trace")
@click.option(
    "--features",
    "features_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="features directory (default: ./features)",
)
@click.option("--rules-dir", type=click.Path(path_type=Path, file_okay=False), default=None)
@click.option("--check", is_flag=True, help="exit 1 when there is any gap")
@click.option("--matrix", is_flag=True, help="print every clause with its rules and scenario counts")
@click.option("--json", "as_json", is_flag=True, help="print the whole trace as JSON")
@click.option("--document", "documents", multiple=True, help="only this document (pack code); repeatable")
def trace_command(
    features_dir: Path | None,
    rules_dir: Path | None,
    check: bool,
    matrix: bool,
    as_json: bool,
    documents: tuple[str, ...],
) -> None:
    """Clause → rules → scenarios, per document, and the gaps."""
    settings = Settings.from_env(rules_dir=rules_dir)
    directory = features_dir or Path("features")
    if not directory.is_dir():
        raise click.UsageError(f"no features directory at {directory}")
    lawbook = load_lawbook(settings.rules_dir)
    unknown = set(documents) - {p.code for p in lawbook.packs}
    if unknown:
        raise click.UsageError(f"no such document: {', '.join(sorted(unknown))}")
    trace = build_trace(lawbook, read_features(directory), set(documents) or None)
    if as_json:
        click.echo(json.dumps(asdict(trace), ensure_ascii=False, indent=1))
    else:
        if matrix:
            click.echo("\n".join(matrix_lines(trace)))
        click.echo("\n".join(summary_lines(trace)))
        click.echo(f"gaps: {len(trace.gaps)}")
        for gap in trace.gaps:
            click.echo(f"  {gap}")
    if check and trace.gaps:
        raise SystemExit(1)
