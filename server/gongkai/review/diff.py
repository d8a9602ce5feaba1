"""``gongkai diff BASE [HEAD]``: which decisions a change to the rule packs changes.

The rule packs (``rules/``) are taken from git at BASE and at HEAD (the work tree when
HEAD is not given) with ``git archive``, each compiled and decided by durable-rules; the
engine code is the one installed. Each side is loaded as it is, sealed or not (a change is
reviewed before it is sealed); the report says whether each matches its seal. Every
scenario's action (the features of the HEAD side) and, when given, every request of a
JSON-lines corpus exported from the decision log (``gongkai log export``) is decided under
both. A decision whose outcome, findings, undecided rules or obligations change is listed
under the clauses it concerns, one line each; the command exits 1 on any change unless told
the changes are expected.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
from pydantic import ValidationError

from gongkai.check.checker import BadInput, Checker, CheckRequest
from gongkai.check.decision import Decision
from gongkai.check.runtime import RulesError, open_rules
from gongkai.packs.seal import seal_state
from gongkai.review import replay
from gongkai.review.scenarios import read_features

EXIT_CHANGED, EXIT_CANNOT = 1, 2
NO_CLAUSE = "(no clause)"


class DiffError(RuntimeError):
    """A revision or directory that cannot be read or compiled."""


# --- the two sides -------------------------------------------------------------------


def git(repo: Path, *args: str) -> bytes:
    result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True)
    if result.returncode != 0:
        raise DiffError(f"git {' '.join(args)}: {result.stderr.decode(errors='replace').strip()}")
    return result.stdout


def toplevel(path: Path) -> Path:
    return Path(git(path, "rev-parse", "--show-toplevel").decode().strip())


def export_tree(repo: Path, revision: str, subdir: str, dest: Path) -> Path:
    """``subdir`` of the repository at ``revision``, written under ``dest`` (git archive)."""
    commit = git(repo, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}").decode().strip()
    data = git(repo, "archive", "--format=tar", commit, "--", subdir)
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        archive.extractall(dest, filter="data")
    return dest / subdir


def load_checker(rules_dir: Path) -> Checker:
    """The rules as they are at a revision: a change under review is not sealed yet (the
    report says whether each side is, ``DiffReport.seals``)."""
    try:
        return open_rules(rules_dir, sealed=False)
    except RulesError as exc:
        raise DiffError(str(exc)) from exc


# --- what is decided -----------------------------------------------------------------


@dataclass
class Item:
    """One action decided on both sides: a scenario's, or a corpus line's."""

    label: str
    request: CheckRequest | None
    case: replay.Case | None = None  # scenarios only: its Then steps are checked on HEAD
    problem: str | None = None  # a line or scenario that is no request


def scenario_items(features_dir: Path, checker: Checker) -> list[Item]:
    items = []
    for scenario in read_features(features_dir):
        case = replay.prepare(scenario, checker.lawbook.vocabulary)
        label = f"scenario {scenario.file.parent.name}/{scenario.file.name}:{scenario.line} {scenario.name}"
        items.append(Item(label, case.request, case, case.error))
    return items


def corpus_items(path: Path) -> list[Item]:
    """A JSON-lines file: decision-log entries (``gongkai log export``) or plain requests."""
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        label = f"corpus {path.name}:{number}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            items.append(Item(label, None, problem=_not_a_request(exc)))
            continue
        items.append(logged_item(label, data))
    return items


def logged_item(label: str, data: dict[str, Any]) -> Item:
    """A decision-log entry (or a plain request) as an action to decide again, labelled with its
    request id; a problem when it holds no request that can be decided."""
    try:
        request, request_id = logged_request(data)
        return Item(f"{label} {request_id}", CheckRequest.model_validate(request))
    except (ValidationError, TypeError, KeyError, AttributeError) as exc:
        return Item(label, None, problem=_not_a_request(exc))


def _not_a_request(exc: Exception) -> str:
    return f"not a request: {' '.join(str(exc).split())[:160]}"


def logged_request(data: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The request of a decision-log entry, decided again as of the day it was decided, and its id."""
    if "request" in data and isinstance(data["request"], dict):  # a decision-log entry
        request = dict(data["request"])
        decision = data.get("decision") or {}
        if not request.get("as_of") and decision.get("as_of"):
            request["as_of"] = decision["as_of"]  # decided again as of the day it was decided
        request.setdefault("request_id", data.get("request_id"))
        return request, str(data.get("request_id", ""))
    return data, str(data.get("request_id", ""))


# --- comparing decisions -------------------------------------------------------------


@dataclass
class Side:
    decision: Decision | None
    rejected: str | None = None


def decide(checker: Checker, request: CheckRequest) -> Side:
    try:
        return Side(checker.check(request))
    except BadInput as exc:
        return Side(None, str(exc))


@dataclass
class Change:
    label: str
    clauses: list[str]
    details: list[str]
    scenario_fails: str | None = None  # HEAD's decision fails the scenario's Then steps

    @property
    def summary(self) -> str:
        line = f"{self.label}: {'; '.join(self.details)}"
        if self.scenario_fails:
            line += f"  [scenario now fails: {self.scenario_fails}]"
        return line


def compare(base: Side, head: Side, clause_of: dict[str, str]) -> tuple[list[str], list[str]]:
    """(details, clauses) of what differs between two decisions; empty when nothing does."""
    if base.decision is None or head.decision is None:
        if base.rejected == head.rejected:
            return [], []
        before = f"rejected ({base.rejected})" if base.decision is None else base.decision.outcome.value
        after = f"rejected ({head.rejected})" if head.decision is None else head.decision.outcome.value
        return [f"{before} → {after}"], []
    b, h = base.decision, head.decision
    details: list[str] = []
    clauses: list[str] = []
    if b.outcome != h.outcome:
        details.append(f"{_outcome(b)} → {_outcome(h)}")
    b_findings, h_findings = {f.rule_id: f for f in b.findings}, {f.rule_id: f for f in h.findings}
    for rule_id in sorted(h_findings.keys() - b_findings.keys()):
        details.append(f"+违反 {rule_id}")
        clauses.append(h_findings[rule_id].clause_id)
    for rule_id in sorted(b_findings.keys() - h_findings.keys()):
        details.append(f"−违反 {rule_id}")
        clauses.append(b_findings[rule_id].clause_id)
    for rule_id in sorted(b_findings.keys() & h_findings.keys()):
        before, after = b_findings[rule_id], h_findings[rule_id]
        changed = [
            k for k in ("severity", "message", "clause_id", "clause_text") if getattr(before, k) != getattr(after, k)
        ]
        if changed:
            details.append(f"{rule_id} changed ({', '.join(changed)})")
            clauses.append(after.clause_id)
    b_undecided, h_undecided = {u.rule_id: u for u in b.undecided}, {u.rule_id: u for u in h.undecided}
    for rule_id in sorted(b_undecided.keys() ^ h_undecided.keys()):
        u = h_undecided.get(rule_id) or b_undecided[rule_id]
        details.append(f"{'+' if rule_id in h_undecided else '−'}无法判定 {rule_id}")
        clauses.append(u.clause_id)
    b_obligations, h_obligations = {o.id: o for o in b.obligations}, {o.id: o for o in h.obligations}
    for oid in sorted(b_obligations.keys() | h_obligations.keys()):
        before_o, after_o = b_obligations.get(oid), h_obligations.get(oid)
        if before_o is None or after_o is None:
            details.append(f"{'+' if after_o else '−'}期限 {oid}")
        else:
            parts = [
                f"{name} {getattr(before_o, attr)} → {getattr(after_o, attr)}"
                for name, attr in (("due", "due_on"), ("status", "status"), ("period", "period"))
                if getattr(before_o, attr) != getattr(after_o, attr)
            ]
            if not parts:
                continue
            details.append(f"期限 {oid} " + ", ".join(str(p) for p in parts))
        clauses.extend((after_o or before_o).clause_ids[:1])  # type: ignore[union-attr]
    if details and not clauses:
        clauses = sorted({clause_of.get(r, NO_CLAUSE) for r in [*b_findings, *h_findings]}) or [NO_CLAUSE]
    return details, list(dict.fromkeys(clauses))


def _outcome(d: Decision) -> str:
    return d.outcome.term


class Comparison:
    """The rule packs at two revisions side by side: a request decided under both, and what
    differs between the two decisions. ``gongkai diff`` and ``gongkai recheck`` both use it."""

    def __init__(self, base: Checker, head: Checker) -> None:
        self.base, self.head = base, head
        self.clause_of = {r.id: r.rule.clauses[0] for c in (base, head) for r in c.lawbook.rules.values()}
        self.clause_text = {cl.id: cl.text for c in (base, head) for p in c.lawbook.packs for cl in p.catalogue.clauses}
        base_ids, head_ids = base.lawbook.rule_ids, head.lawbook.rule_ids
        self.rules_added, self.rules_removed = sorted(head_ids - base_ids), sorted(base_ids - head_ids)

    def decide(self, request: CheckRequest) -> tuple[Side, Side, list[str], list[str]]:
        """(base side, head side, details, clauses); details empty when nothing differs."""
        before, after = decide(self.base, request), decide(self.head, request)
        details, clauses = compare(before, after, self.clause_of)
        return before, after, details, clauses


@dataclass
class DiffReport:
    base: str
    head: str
    decided: int = 0
    scenarios: int = 0
    corpus: int = 0
    changes: list[Change] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    clause_text: dict[str, str] = field(default_factory=dict)
    rules_added: list[str] = field(default_factory=list)
    rules_removed: list[str] = field(default_factory=list)
    seals: dict[str, str] = field(default_factory=dict)  # side → whether its rules match their seal

    def by_clause(self) -> dict[str, list[Change]]:
        return by_clause(self.changes)

    def lines(self) -> Iterator[str]:
        yield f"gongkai diff {self.base} → {self.head}"
        yield (
            f"{self.decided} decisions compared ({self.scenarios} scenarios, {self.corpus} from the corpus): "
            f"{len(self.changes)} changed"
        )
        for side, state in self.seals.items():
            yield f"{side}: {state}"
        if self.rules_added:
            yield f"rules added: {', '.join(self.rules_added)}"
        if self.rules_removed:
            yield f"rules removed: {', '.join(self.rules_removed)}"
        for clause, changes in self.by_clause().items():
            yield from clause_lines(clause, self.clause_text, changes)
        for problem in self.problems:
            yield f"not compared: {problem}"


def by_clause(changes: list[Change]) -> dict[str, list[Change]]:
    """The changes under each clause they concern (a change may concern several), clauses in order."""
    grouped: dict[str, list[Change]] = {}
    for change in changes:
        for clause in change.clauses or [NO_CLAUSE]:
            grouped.setdefault(clause, []).append(change)
    return dict(sorted(grouped.items(), key=lambda kv: clause_key(kv[0])))


def clause_lines(clause: str, clause_text: dict[str, str], changes: list[Change], more: int = 0) -> Iterator[str]:
    """One clause's section: the clause and the start of its text, then one line per change
    (and how many more there are, when only some are shown)."""
    text = clause_text.get(clause, "")
    yield ""
    yield f"{clause}  {text[:60]}{'…' if len(text) > 60 else ''}".rstrip()
    for change in changes:
        yield f"  {change.summary}"
    if more:
        yield f"  … 另有 {more} 条"


def clause_key(clause: str) -> tuple[Any, ...]:
    """Clauses in the order of their documents: QL-5-9 before QL-5-10."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in clause.split("-"))


def run_diff(
    repo: Path,
    base: str,
    head: str | None,
    *,
    rules_path: str = "rules",
    features_path: str = "features",
    corpus: Path | None = None,
) -> DiffReport:
    with tempfile.TemporaryDirectory(prefix="gongkai-diff-") as tmp:
        base_rules = export_tree(repo, base, rules_path, Path(tmp) / "base")
        if head is None:
            head_rules, features = repo / rules_path, repo / features_path
        else:
            head_rules = export_tree(repo, head, rules_path, Path(tmp) / "head")
            features = export_tree(repo, head, features_path, Path(tmp) / "head")
        comparison = Comparison(load_checker(base_rules), load_checker(head_rules))
        report = DiffReport(base, head or "work tree")
        report.seals = {report.base: seal_state(base_rules), report.head: seal_state(head_rules)}
        items = scenario_items(features, comparison.head) if features.is_dir() else []
        report.scenarios = len(items)
        if corpus is not None:
            extra = corpus_items(corpus)
            report.corpus = len(extra)
            items += extra
        report.clause_text = comparison.clause_text
        report.rules_added, report.rules_removed = comparison.rules_added, comparison.rules_removed
        for item in items:
            if item.request is None:
                report.problems.append(f"{item.label}: {item.problem}")
                continue
            report.decided += 1
            _, after, details, clauses = comparison.decide(item.request)
            if details:
                fails = None
                if item.case is not None and after.decision is not None:
                    fails = replay.failing_step(item.case, after.decision)
                report.changes.append(Change(item.label, clauses, details, fails))
        return report


@click.command("diff")
@click.argument("base")
@click.argument("head", required=False)
@click.option("--repo", type=click.Path(path_type=Path, file_okay=False), default=Path("."), show_default=True)
@click.option("--rules-path", default="rules", show_default=True, help="the rule packs' directory in the repository")
@click.option("--features-path", default="features", show_default=True)
@click.option(
    "--corpus",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help="JSON lines of recorded decisions (gongkai log export) or requests",
)
@click.option("--expected", is_flag=True, help="the changes are intended: list them and exit 0")
@click.option("--json", "as_json", is_flag=True, help="print the changes as JSON")
def diff_command(
    base: str,
    head: str | None,
    repo: Path,
    rules_path: str,
    features_path: str,
    corpus: Path | None,
    expected: bool,
    as_json: bool,
) -> None:
    """Decisions that change between the rule packs at BASE and at HEAD (default: the work tree).

    Exit status: 0 nothing changed (or --expected), 1 some decision changed, 2 could not compare.
    """
    try:
        top = toplevel(repo)
        report = run_diff(top, base, head, rules_path=rules_path, features_path=features_path, corpus=corpus)
    except DiffError as exc:
        click.echo(f"gongkai diff: {' '.join(str(exc).split())}", err=True)
        sys.exit(EXIT_CANNOT)
    if as_json:
        payload = {
            "base": report.base,
            "head": report.head,
            "decided": report.decided,
            "seals": report.seals,
            "changed": len(report.changes),
            "by_clause": {
                clause: [{"label": c.label, "details": c.details, "scenario_fails": c.scenario_fails} for c in changes]
                for clause, changes in report.by_clause().items()
            },
            "problems": report.problems,
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=1))
    else:
        click.echo("\n".join(report.lines()))
    if report.changes and not expected:
        sys.exit(EXIT_CHANGED)
