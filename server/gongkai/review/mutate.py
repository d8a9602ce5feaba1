"""Mutation testing of the rule packs: would a scenario notice if a rule were encoded wrong?

For every rule, mutants of its compiled condition (parameters substituted): flip a
comparison (``>`` → ``<=``, ``==`` → ``!=``), move a threshold by one unit either way,
drop a conjunct, negate a yes/no test (``x`` → ``not x``, ``not x`` → ``x``, ``x == true``
→ ``x == false``, membership, ``breached(R)``), swap an enum value for the next one, and
remove the rule (it never fires: neither breached nor undecided). For every deadline: its
period (or fixed due date) one unit shorter and longer, and the mutants of its
``applies_if``. Each mutant is one modified Lawbook (``compiler.with_condition`` /
``with_deadline``); the packs on disk are never touched.

Each mutant is decided by durable-rules, as in production: only the rulesets of the
mutated pack and action are compiled again; every other pack is answered by the unchanged
engine. Every scenario that can see the mutant (its action, its pack binding the agency)
is replayed through ``gongkai.review.replay``, those naming the rule first; the first that fails
kills it. A mutant no scenario kills survives, unless ``features/mutation.yaml`` marks it
equivalent (no action could tell it from the rule as written), with the reason.

Score = killed / (mutants − equivalent). The gate passes at 95 % or at the floor in
``features/mutation.yaml``, which may only rise.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import math
import multiprocessing
import os
import re
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
import yaml

from gongkai.check.checker import Checker
from gongkai.check.runtime import load_lawbook
from gongkai.config import Settings
from gongkai.engine.compiler import AS_OF_DAY, Lawbook, with_condition, with_deadline
from gongkai.engine.durable import DurableEngine
from gongkai.engine.reference import ReferenceEngine
from gongkai.packs import conditions as c
from gongkai.packs.vocabulary import FactInfo, FactType
from gongkai.review import replay
from gongkai.review.scenarios import read_features

TARGET_SCORE = 0.95
NEVER = c.Compare(AS_OF_DAY, "<", 0)  # the as-of day is always present and positive: never true
OPERATORS = {
    "flip": "把比较反过来",
    "threshold-1": "阈值减一",
    "threshold+1": "阈值加一",
    "drop-conjunct": "去掉一个并列条件",
    "negate": "把是/否判断反过来",
    "swap-value": "换一个枚举值",
    "remove": "删除规则(永不触发)",
    "period-1": "期限少一个单位",
    "period+1": "期限多一个单位",
    "due-1": "截止日期提前一天",
    "due+1": "截止日期推后一天",
}


# --- mutants -------------------------------------------------------------------------


@dataclass(frozen=True)
class Mutant:
    id: str  # "<target> | <operator>: <before> ⇒ <after>", stable while the condition is
    target: str  # rule key, or "<PACK>.<deadline>" for a deadline
    kind: str  # "rule" or "deadline"
    pack: str
    actions: tuple[str, ...]
    clauses: tuple[str, ...]
    operator: str
    before: str
    after: str
    condition: c.Node | None = None  # the whole mutated condition (rules, applies_if)
    period: float | None = None  # deadline: the mutated period
    due_date: dt.date | None = None  # deadline: the mutated fixed due date

    @property
    def description(self) -> str:
        return self.id.split(" | ", 1)[1]


def generate(book: Lawbook) -> list[Mutant]:
    """Every mutant of every rule version and deadline, in pack and file order."""
    mutants: list[Mutant] = []
    for pack in book.packs:
        for compiled in (r for r in book.rules.values() if r.pack is pack):
            vocab = book.vocabulary[compiled.rule.actions[0]]
            changes = [*_variants(compiled.condition, vocab), ("remove", "", "", NEVER)]
            mutants += _unique(
                compiled.key,
                changes,
                lambda op, before, after, node, r=compiled: dict(
                    kind="rule",
                    pack=r.pack.code,
                    actions=tuple(r.rule.actions),
                    clauses=tuple(r.rule.clauses),
                    operator=op,
                    before=before,
                    after=after,
                    condition=node,
                ),
            )
        seen: set[str] = set()
        for compiled_deadlines in book.deadlines.values():
            for d in compiled_deadlines:
                if d.pack is not pack or d.deadline.id in seen:
                    continue
                seen.add(d.deadline.id)
                mutants += _deadline_mutants(book, d)
    return mutants


def _deadline_mutants(book: Lawbook, d: Any) -> list[Mutant]:
    deadline, target = d.deadline, d.engine_id[1:]
    common = dict(kind="deadline", pack=d.pack.code, actions=tuple(deadline.actions), clauses=tuple(deadline.clauses))
    changes: list[tuple[str, str, str, Any]] = []
    if d.parameter is not None:
        value, unit = d.parameter.value, d.parameter.unit.value
        for op, delta in (("period-1", -1), ("period+1", 1)):
            if value + delta >= 0:
                changes.append((op, f"{deadline.period} = {value} {unit}", f"{value + delta} {unit}", value + delta))
    elif deadline.due_date is not None:
        for op, delta in (("due-1", -1), ("due+1", 1)):
            day = deadline.due_date + dt.timedelta(days=delta)
            changes.append((op, f"due {deadline.due_date}", f"due {day}", day))
    out = _unique(
        target,
        changes,
        lambda op, before, after, value: dict(
            common,
            operator=op,
            before=before,
            after=after,
            period=value if op.startswith("period") else None,
            due_date=value if op.startswith("due") else None,
        ),
    )
    if d.applies_if is not None:
        vocab = book.vocabulary[deadline.actions[0]]
        out += _unique(
            target + " applies_if",
            list(_variants(d.applies_if, vocab)),
            lambda op, before, after, node: dict(
                common, operator=op, before=before, after=after, condition=node, kind="applies_if"
            ),
            target=target,
        )
    return out


def _unique(
    name: str, changes: list[tuple[str, str, str, Any]], fields: Any, target: str | None = None
) -> list[Mutant]:
    out: list[Mutant] = []
    seen_ids: set[str] = set()
    seen_results: set[str] = set()
    for op, before, after, value in changes:
        result = (
            c.render(value)
            if isinstance(value, c.Compare | c.OneOf | c.Contains | c.Truth | c.Not | c.And | c.Or | c.Breached)
            else repr(value)
        )
        if result in seen_results:  # two operators giving the same condition: one mutant
            continue
        seen_results.add(result)
        text = f"{op}: {before} ⇒ {after}" if before or after else f"{op}: {OPERATORS[op]}"
        mutant_id, n = f"{name} | {text}", 2
        while mutant_id in seen_ids:
            mutant_id, n = f"{name} | {text} ({n})", n + 1
        seen_ids.add(mutant_id)
        out.append(Mutant(id=mutant_id, target=target or name, **fields(op, before, after, value)))
    return out


def _variants(
    node: c.Node, vocab: dict[str, FactInfo], negated: bool = False
) -> Iterator[tuple[str, str, str, c.Node]]:
    """(operator, sub-condition before, after, the whole condition after) for every mutation point."""
    for op, new in _local(node, vocab, negated):
        yield op, c.render(node), c.render(new), new
    if isinstance(node, c.Not):
        atom = not isinstance(node.operand, c.And | c.Or)
        for op, before, after, inner in _variants(node.operand, vocab, negated=atom):
            yield op, before, after, c.Not(inner)
    elif isinstance(node, c.And | c.Or):
        for i, operand in enumerate(node.operands):
            for op, before, after, inner in _variants(operand, vocab):
                yield op, before, after, type(node)((*node.operands[:i], inner, *node.operands[i + 1 :]))


def _local(node: c.Node, vocab: dict[str, FactInfo], negated: bool) -> Iterator[tuple[str, c.Node]]:
    if isinstance(node, c.Compare):
        value = node.value
        if isinstance(value, bool):
            yield "negate", c.Compare(node.fact, node.op, not value)
        elif isinstance(value, int | float):
            yield "flip", c.Compare(node.fact, c.NEGATED_OP[node.op], value)
            yield "threshold-1", c.Compare(node.fact, node.op, value - 1)
            yield "threshold+1", c.Compare(node.fact, node.op, value + 1)
        elif isinstance(value, str):
            yield "flip", c.Compare(node.fact, c.NEGATED_OP[node.op], value)
            if (other := _next_value(vocab, node.fact, {value})) is not None:
                yield "swap-value", c.Compare(node.fact, node.op, other)
    elif isinstance(node, c.OneOf):
        if not negated:
            yield "negate", c.Not(node)
        for i, value in enumerate(node.values):
            other = _next_value(vocab, node.fact, set(node.values), after=str(value))
            if other is not None:
                yield "swap-value", c.OneOf(node.fact, (*node.values[:i], other, *node.values[i + 1 :]))
    elif isinstance(node, c.Contains):
        if not negated:
            yield "negate", c.Not(node)
        if (other := _next_value(vocab, node.fact, {node.item})) is not None:
            yield "swap-value", c.Contains(other, node.fact)
    elif isinstance(node, c.Truth | c.Breached):
        if not negated:
            yield "negate", c.Not(node)
    elif isinstance(node, c.Not):
        yield "negate", node.operand
    elif isinstance(node, c.And) and len(node.operands) > 1:
        for i in range(len(node.operands)):
            rest = (*node.operands[:i], *node.operands[i + 1 :])
            yield "drop-conjunct", rest[0] if len(rest) == 1 else c.And(rest)


def _next_value(vocab: dict[str, FactInfo], fact: str, taken: set[Any], after: str | None = None) -> str | None:
    """The enum value after ``after`` (or after the first taken one), cyclically, not already taken."""
    info = vocab.get(fact)
    if info is None or info.type not in (FactType.choice, FactType.choices):
        return None
    values = list(info.values)
    start = values.index(after) if after in values else min((values.index(v) for v in taken if v in values), default=0)
    for step in range(1, len(values)):
        candidate = values[(start + step) % len(values)]
        if candidate not in taken:
            return candidate
    return None


def mutant_lawbook(book: Lawbook, mutant: Mutant, tag: str) -> Lawbook:
    version = f"{book.version}~{tag}"
    if mutant.kind == "rule":
        assert mutant.condition is not None
        return with_condition(book, mutant.target, mutant.condition, version)
    deadline_id = mutant.target.split(".", 1)[1]
    if mutant.kind == "applies_if":
        return with_deadline(book, mutant.pack, deadline_id, version, applies_if=mutant.condition)
    compiled = next(d for ds in book.deadlines.values() for d in ds if d.engine_id == "@" + mutant.target)
    if mutant.period is not None:
        assert compiled.parameter is not None
        parameter = compiled.parameter.model_copy(update={"value": mutant.period})
        return with_deadline(book, mutant.pack, deadline_id, version, parameter=parameter)
    deadline = compiled.deadline.model_copy(update={"due_date": mutant.due_date})
    return with_deadline(book, mutant.pack, deadline_id, version, deadline=deadline)


def sample(mutants: list[Mutant], per_target: int) -> list[Mutant]:
    """At most ``per_target`` mutants of each rule or deadline, the same ones on every run."""
    by_target: dict[str, list[Mutant]] = {}
    for m in mutants:
        by_target.setdefault(m.target, []).append(m)
    chosen = {
        m.id
        for group in by_target.values()
        for m in sorted(group, key=lambda m: hashlib.sha256(m.id.encode()).digest())[:per_target]
    }
    return [m for m in mutants if m.id in chosen]


# --- deciding a mutant ---------------------------------------------------------------


class _Split:
    """The unchanged engine for every pack but the mutated one, a new one for that pack's action(s)."""

    def __init__(self, base: Any, own: Any, pack: str, actions: Sequence[str]) -> None:
        self.base, self.own, self.pack, self.actions = base, own, pack, set(actions)

    def fire(self, action: str, facts: dict[str, Any], packs: Sequence[str]) -> set[str]:
        if action not in self.actions or self.pack not in packs:
            return self.base.fire(action, facts, packs)
        others = [p for p in packs if p != self.pack]
        fired: set[str] = self.own.fire(action, facts, [self.pack])
        return fired | self.base.fire(action, facts, others) if others else fired


def _only(book: Lawbook, pack: str, actions: Sequence[str]) -> Lawbook:
    """The part of a lawbook one engine needs for one pack and some actions."""
    keep = set(actions)
    return dataclasses.replace(
        book,
        packs=[p for p in book.packs if p.code == pack],
        vocabulary={a: v for a, v in book.vocabulary.items() if a in keep},
        rules={k: r for k, r in book.rules.items() if r.pack.code == pack and keep & set(r.rule.actions)},
        by_action={a: [r for r in rs if r.pack.code == pack] for a, rs in book.by_action.items() if a in keep},
        deadlines={a: [d for d in ds if d.pack.code == pack] for a, ds in book.deadlines.items() if a in keep},
    )


@dataclass
class Outcome:
    id: str
    status: str  # killed, survived, equivalent, error (the mutant could not be built)
    killed_by: str | None = None
    failure: str | None = None
    scenarios_run: int = 0


class Runner:
    """Holds the lawbook, its engine and the prepared scenarios; decides one mutant at a time."""

    def __init__(self, rules_dir: Path, features_dir: Path, engine: str = "durable") -> None:
        self.book = load_lawbook(rules_dir)
        self.engine_kind = engine
        self.base_engine = self._engine(self.book)
        checker = Checker(self.book, self.base_engine)
        self.cases = [replay.prepare(s, self.book.vocabulary) for s in read_features(features_dir)]
        self.baseline = [replay.replay(case, checker) for case in self.cases]
        self.mutants = generate(self.book)
        self._by_id = {m.id: m for m in self.mutants}
        self._packs = [{p.code for p in r.decision.packs} if r.decision is not None else set() for r in self.baseline]

    def _engine(self, book: Lawbook) -> Any:
        if self.engine_kind == "reference":
            return ReferenceEngine(book)
        return DurableEngine(book)

    def failing(self) -> list[replay.Result]:
        return [r for r in self.baseline if not r.passed]

    def cases_for(self, mutant: Mutant) -> list[replay.Case]:
        """Scenarios that can see the mutant, those that name its rule or deadline first."""
        name = mutant.target.split("@")[0]
        found = [
            case
            for case, packs in zip(self.cases, self._packs, strict=True)
            if case.action in mutant.actions and mutant.pack in packs
        ]
        return sorted(found, key=lambda case: name not in case.rules_named() and name not in _obligations(case))

    def run(self, mutant_id: str) -> Outcome:
        mutant = self._by_id[mutant_id]
        tag = hashlib.sha256(mutant_id.encode()).hexdigest()[:12]
        try:
            book = mutant_lawbook(self.book, mutant, tag)
            if self.engine_kind == "reference":
                engine: Any = ReferenceEngine(book)
            else:
                engine = _Split(
                    self.base_engine,
                    self._engine(_only(book, mutant.pack, mutant.actions)),
                    mutant.pack,
                    mutant.actions,
                )
        except Exception as exc:  # reported as an error, never counted as killed
            return Outcome(mutant_id, "error", failure=f"{type(exc).__name__}: {exc}")
        checker = Checker(book, engine)
        cases = self.cases_for(mutant)
        for n, case in enumerate(cases, 1):
            result = replay.replay(case, checker)
            if not result.passed:
                return Outcome(mutant_id, "killed", case.label, result.failure, n)
        return Outcome(mutant_id, "survived", scenarios_run=len(cases))


def _obligations(case: replay.Case) -> set[str]:
    return {e.args["obligation"] for e in case.expectations if "obligation" in e.args}


# --- a whole run, across processes -----------------------------------------------------

_RUNNER: Runner | None = None


def _init(rules_dir: Path, features_dir: Path, engine: str) -> None:
    global _RUNNER
    _RUNNER = Runner(rules_dir, features_dir, engine)


def _work(mutant_id: str) -> Outcome:
    assert _RUNNER is not None
    return _RUNNER.run(mutant_id)


@dataclass
class Config:
    """features/mutation.yaml: the floor the score may not fall below, and the equivalent mutants."""

    floor: float = 0.0
    equivalent: dict[str, str] = field(default_factory=dict)  # mutant id → why no action can tell

    @classmethod
    def load(cls, path: Path) -> Config:
        if not path.is_file():
            return cls()
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        equivalent = {}
        for entry in data.get("equivalent") or []:
            if not entry.get("reason"):
                raise ValueError(f"{path}: equivalent mutant {entry.get('mutant')!r} has no reason")
            equivalent[entry["mutant"]] = entry["reason"]
        return cls(float(data.get("floor", 0.0)), equivalent)


@dataclass
class Report:
    mutants: list[Mutant]
    outcomes: dict[str, Outcome]
    config: Config
    engine: str
    seconds: float
    sampled: int | None  # mutants per target, when sampled
    stale: list[str] = field(default_factory=list)  # equivalent marks that name no mutant

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes.values() if o.status == status)

    @property
    def score(self) -> float:
        decided = self.count("killed") + self.count("survived") + self.count("error")
        return self.count("killed") / decided if decided else 1.0

    def survivors(self) -> list[Mutant]:
        return [m for m in self.mutants if self.outcomes[m.id].status == "survived"]

    def gate(self) -> tuple[bool, str]:
        score, floor = self.score, self.config.floor
        if self.stale:
            return False, f"{len(self.stale)} equivalent marks name no mutant (the condition changed?)"
        if self.count("error"):
            return False, f"{self.count('error')} mutants could not be built"
        if score >= TARGET_SCORE:
            return True, f"score {score:.2%} ≥ {TARGET_SCORE:.0%}"
        if score + 1e-9 >= floor:
            return True, f"score {score:.2%} ≥ floor {floor:.2%} (the target is {TARGET_SCORE:.0%})"
        return False, f"score {score:.2%} < floor {floor:.2%}: a scenario no longer kills what it did"

    def as_json(self) -> dict[str, Any]:
        return {
            "score": round(self.score, 4),
            "mutants": len(self.outcomes),
            "killed": self.count("killed"),
            "survived": self.count("survived"),
            "equivalent": self.count("equivalent"),
            "errors": self.count("error"),
            "floor": self.config.floor,
            "engine": self.engine,
            "seconds": round(self.seconds, 1),
            "sampled_per_target": self.sampled,
            "stale_equivalent_marks": self.stale,
            "results": [
                {
                    "id": m.id,
                    "target": m.target,
                    "kind": m.kind,
                    "pack": m.pack,
                    "clauses": list(m.clauses),
                    "operator": m.operator,
                    "before": m.before,
                    "after": m.after,
                    **{k: v for k, v in dataclasses.asdict(self.outcomes[m.id]).items() if k != "id"},
                    "reason": self.config.equivalent.get(m.id),
                }
                for m in self.mutants
                if m.id in self.outcomes
            ],
        }


def select(mutants: list[Mutant], only: str | None) -> list[Mutant]:
    """The mutants of one pack (its code: CN is not CN08), or of the rules whose id starts with ``only``."""
    if only is None:
        return mutants
    if only in {m.pack for m in mutants}:
        return [m for m in mutants if m.pack == only]
    return [m for m in mutants if m.target.startswith(only)]


class BaselineFails(RuntimeError):
    """Scenarios fail on the rules as written: mutation testing needs a green suite."""


def run(
    rules_dir: Path,
    features_dir: Path,
    *,
    config: Config | None = None,
    workers: int | None = None,
    engine: str = "durable",
    per_target: int | None = None,
    only: str | None = None,
    progress: bool | None = None,
) -> Report:
    """Decide every mutant (or a deterministic sample per rule), in ``workers`` processes."""
    from tqdm import tqdm

    started = time.monotonic()
    config = config or Config()
    runner = Runner(rules_dir, features_dir, engine)  # here: the mutant list, and the baseline
    if failing := runner.failing():
        lines = "; ".join(f"{r.case.label}: {r.failure}" for r in failing[:5])
        raise BaselineFails(f"{len(failing)} scenarios fail before any mutation: {lines}")
    every = runner.mutants
    stale = sorted(set(config.equivalent) - {m.id for m in every})
    chosen = select(every, only)
    if per_target is not None:
        chosen = sample(chosen, per_target)
    outcomes = {
        m.id: Outcome(m.id, "equivalent", failure=config.equivalent[m.id]) for m in chosen if m.id in config.equivalent
    }
    todo = [m.id for m in chosen if m.id not in outcomes]
    workers = max(1, workers or os.cpu_count() or 1)
    bar = tqdm(total=len(todo), desc="mutants", unit="mutant", disable=None if progress is None else not progress)
    if workers == 1:
        for mutant_id in todo:
            outcomes[mutant_id] = runner.run(mutant_id)
            bar.update()
    else:
        # spawn: a fresh interpreter per worker, safe whatever threads the caller runs;
        # workers are replaced now and then, as each engine they build stays in C memory.
        context = multiprocessing.get_context("spawn")
        with context.Pool(workers, _init, (rules_dir, features_dir, engine), maxtasksperchild=500) as pool:
            for outcome in pool.imap_unordered(_work, todo, chunksize=4):
                outcomes[outcome.id] = outcome
                bar.update()
    bar.close()
    return Report(chosen, outcomes, config, engine, time.monotonic() - started, per_target, stale)


def summary_lines(report: Report) -> list[str]:
    lines = []
    for m in report.survivors():
        lines.append(f"survived  {m.target}  [{', '.join(m.clauses)}]  {m.description}")
    for m in report.mutants:
        outcome = report.outcomes[m.id]
        if outcome.status == "error":
            lines.append(f"error     {m.target}  {m.description}: {outcome.failure}")
    sampled = f", sampled {report.sampled} per rule" if report.sampled else ""
    lines.append(
        f"mutants {len(report.outcomes)}: killed {report.count('killed')}, survived {report.count('survived')}, "
        f"equivalent {report.count('equivalent')}, errors {report.count('error')} "
        f"({report.engine}{sampled}, {report.seconds:.0f} s)"
    )
    lines.append(f"mutation score {report.score:.2%} (floor {report.config.floor:.2%}, target {TARGET_SCORE:.0%})")
    for stale in report.stale:
        lines.append(f"stale equivalent mark: {stale}")
    return lines


def write_json(report: Report, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report.as_json(), ensure_ascii=False, indent=1), encoding="utf-8")


# --- gongkai mutate --------------------------------------------------------------------


@click.command("mutate")
@click.option("--rules-dir", type=click.Path(path_type=Path, file_okay=False), default=None)
@click.option("--features", "features_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("features"))
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="floor and equivalent mutants (default: <features>/mutation.yaml)",
)
@click.option("--workers", type=click.IntRange(1, 256), default=None, help="processes (default: one per core)")
@click.option("--engine", type=click.Choice(["durable", "reference"]), default="durable", show_default=True)
@click.option("--sample", "per_target", type=click.IntRange(1), default=None, help="at most N mutants per rule")
@click.option("--only", default=None, help="only this pack, or rules whose id starts with this")
@click.option("--json", "json_path", type=click.Path(path_type=Path, dir_okay=False), default=None)
@click.option("--gate", is_flag=True, help="exit 1 unless the score is ≥ 95 % or ≥ the floor")
@click.option("--update-floor", is_flag=True, help="raise the floor in the config to this score (never lowers it)")
@click.option("--progress/--no-progress", default=None, help="progress bar (default: on a terminal)")
def mutate_command(
    rules_dir: Path | None,
    features_dir: Path,
    config_path: Path | None,
    workers: int | None,
    engine: str,
    per_target: int | None,
    only: str | None,
    json_path: Path | None,
    gate: bool,
    update_floor: bool,
    progress: bool | None,
) -> None:
    """Mutate every rule's condition and every deadline; report the mutants no scenario kills."""
    settings = Settings.from_env(rules_dir=rules_dir)
    if not features_dir.is_dir():
        raise click.UsageError(f"no features directory at {features_dir}")
    config_path = config_path or features_dir / "mutation.yaml"
    try:
        config = Config.load(config_path)
        report = run(
            settings.rules_dir,
            features_dir,
            config=config,
            workers=workers,
            engine=engine,
            per_target=per_target,
            only=only,
            progress=progress,
        )
    except (BaselineFails, ValueError) as exc:
        click.echo(f"gongkai mutate: {exc}", err=True)
        sys.exit(2)
    click.echo("\n".join(summary_lines(report)))
    if json_path:
        write_json(report, json_path)
    if update_floor and per_target is None and only is None and report.score > config.floor:
        set_floor(config_path, report.score)
        click.echo(f"floor raised to {floor_value(report.score):.4f} in {config_path}")
    passed, why = report.gate()
    click.echo(("gate passed: " if passed else "gate FAILED: ") + why)
    if gate and not passed:
        sys.exit(1)


def floor_value(score: float) -> float:
    return math.floor(score * 10_000) / 10_000  # rounded down: the same run passes it again


def set_floor(path: Path, score: float) -> None:
    """Write the new floor into the config, keeping the rest of the file as written."""
    text = path.read_text(encoding="utf-8") if path.is_file() else "equivalent: []\n"
    line = f"floor: {floor_value(score):.4f}"
    text, n = re.subn(r"(?m)^floor:.*$", line, text, count=1)
    path.write_text(text if n else f"{line}\n{text}", encoding="utf-8")
