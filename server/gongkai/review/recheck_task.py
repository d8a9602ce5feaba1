"""What ``gongkai recheck`` runs on a worker: one partition of the decision log, decided again.

A partition is a range of sequence numbers. Its task opens the log read-only, reads its own
range page by page (the driver never ships entries), decides each logged decision under the
two rule sets and keeps only what changed, so a worker's memory is bounded by one page and
the changes of one partition, whatever the log's size.

The rule sets travel as ``RuleBundle``: the rules directory packed as a tar archive and named
by the digest of its files. A worker installs the bundles once (the Dask worker plugin in
``recheck_dask``, or the driver itself when it runs in one process) and compiles each rule set
the first time a task needs it; the compiled checkers stay in a cache keyed by digest, so a
worker compiles each revision once however many partitions it runs.

Personal facts are in the log as keyed hashes (``journal.privacy``). A hash stands for
"given": the fact's presence survives, its value does not. No rule reads a personal fact's
value (conditions cannot read free text, and no derived fact reads a personal one:
``personal_dependencies`` lists any that would), so the decision taken again is the one that
was taken; when the base is the rule set an entry was decided with, each re-decision is also
compared with the logged one, and any difference is reported (``replay_mismatch``).
"""

from __future__ import annotations

import hashlib
import io
import tarfile
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gongkai.check.checker import Checker
from gongkai.engine.compiler import Lawbook
from gongkai.journal.privacy import personal_fields
from gongkai.journal.readonly import open_reader
from gongkai.journal.store import REJECTED, Entry, Filters, Reader
from gongkai.packs import conditions as c
from gongkai.packs.vocabulary import FactInfo
from gongkai.review.diff import Comparison, Side, load_checker, logged_item

PAGE = 500  # entries read at once: a worker holds one page of entries at a time
KEPT_CHECKERS = 4  # rule sets compiled per worker process (two per run; a long-lived worker serves several runs)
KEPT_MISMATCHES = 20  # replay mismatches listed per partition (all are counted)


# --- the rule sets, shipped to workers ---------------------------------------------------


@dataclass(frozen=True)
class RuleBundle:
    """One side's rule packs: the rules directory as a tar archive, named by its files' digest."""

    label: str  # the git revision or directory given
    digest: str  # sha256 over the files' paths and contents
    archive: bytes

    @classmethod
    def of_directory(cls, label: str, directory: Path) -> RuleBundle:
        files = sorted(
            p for p in directory.rglob("*") if p.is_file() and "__pycache__" not in p.relative_to(directory).parts
        )
        digest = hashlib.sha256()
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
            for path in files:
                name = path.relative_to(directory).as_posix()
                data = path.read_bytes()
                digest.update(f"{name}\0{len(data)}\0".encode())
                digest.update(data)
                info = tarfile.TarInfo(name)
                info.size, info.mode = len(data), 0o644
                archive.addfile(info, io.BytesIO(data))
        return cls(label, digest.hexdigest(), buffer.getvalue())

    def compile(self) -> Checker:
        """The rules unpacked into a temporary directory, loaded and compiled (DiffError if they cannot be)."""
        with tempfile.TemporaryDirectory(prefix="gongkai-recheck-") as tmp:
            with tarfile.open(fileobj=io.BytesIO(self.archive), mode="r:gz") as archive:
                archive.extractall(tmp, filter="data")
            return load_checker(Path(tmp))


_installed: dict[str, RuleBundle] = {}
_checkers: OrderedDict[str, Checker] = OrderedDict()
_comparisons: dict[tuple[str, str], Comparison] = {}
_lock = threading.Lock()  # a worker may run tasks on several threads: compile each rule set once


def install(bundle: RuleBundle) -> None:
    """Make a rule set available to this process's tasks (compiled when first needed)."""
    with _lock:
        _installed[bundle.digest] = bundle


def comparison_for(base: str, head: str) -> Comparison:
    """The two rule sets named by digest, compiled once per process and kept."""
    with _lock:
        found = _comparisons.get((base, head))
        if found is None:
            found = _comparisons[(base, head)] = Comparison(_checker(base), _checker(head))
        return found


def _checker(digest: str) -> Checker:
    checker = _checkers.get(digest)
    if checker is None:
        bundle = _installed.get(digest)
        if bundle is None:
            raise RuntimeError(f"rule set {digest[:12]} is not installed on this worker")
        checker = _checkers[digest] = bundle.compile()
        while len(_checkers) > KEPT_CHECKERS:  # the oldest, and the pairs that use it, go
            old, _ = _checkers.popitem(last=False)
            for pair in [p for p in _comparisons if old in p]:
                del _comparisons[pair]
    _checkers.move_to_end(digest)
    return checker


# --- one partition ---------------------------------------------------------------------


@dataclass(frozen=True)
class LogSource:
    """Where the decision log is, as the service's settings name it; opened read-only by each task."""

    data_dir: str
    database_url: str | None = None

    def open(self) -> Reader:
        return open_reader(Path(self.data_dir), self.database_url)


@dataclass(frozen=True)
class Job:
    """What every partition's task needs: small, the same for all of them."""

    base: str  # rule bundle digests
    head: str
    log: LogSource
    filters: Filters
    base_version: str = ""  # the base's ruleset version: entries decided with it must replay exactly


@dataclass
class PartResult:
    lo: int  # the sequence numbers covered, both included
    hi: int
    decided: int = 0  # logged decisions decided again
    skipped: int = 0  # rejected requests: no decision to re-check
    problems: list[str] = field(default_factory=list)  # entries that hold no request that can be decided
    mismatches: int = 0  # decided again under the rules they were decided with, and decided differently
    mismatch_examples: list[str] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)  # in sequence order

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PartResult:
        return cls(**data)


def entries(reader: Reader, filters: Filters, lo: int, hi: int, page: int = PAGE) -> Iterator[Entry]:
    """The entries with lo ≤ seq ≤ hi that the filters select, in order, one page in memory at a time."""
    after = lo - 1
    while after < hi:
        batch = reader.page(filters, after, min(page, hi - after))
        for entry in batch:
            if entry.seq > hi:
                return
            yield entry
        if len(batch) < min(page, hi - after):
            return
        after = batch[-1].seq


def run_partition(job: Job, lo: int, hi: int) -> PartResult:
    """Decide again every logged decision with lo ≤ seq ≤ hi; the changes, in sequence order."""
    comparison = comparison_for(job.base, job.head)
    result = PartResult(lo, hi)
    reader = job.log.open()
    try:
        for entry in entries(reader, job.filters, lo, hi):
            if entry.decision is None or entry.outcome == REJECTED:
                result.skipped += 1
                continue
            item = logged_item(
                f"seq {entry.seq}",
                {"request": entry.request, "decision": entry.decision, "request_id": entry.request_id},
            )
            if item.request is None:
                result.problems.append(f"{item.label}: {item.problem}")
                continue
            result.decided += 1
            before, after, details, clauses = comparison.decide(item.request)
            if job.base_version and entry.ruleset_version == job.base_version:
                mismatch = replay_mismatch(entry.decision, before)
                if mismatch:
                    result.mismatches += 1
                    if len(result.mismatch_examples) < KEPT_MISMATCHES:
                        result.mismatch_examples.append(f"{item.label}: {mismatch}")
            if details:
                result.changes.append(change_record(entry, before, after, details, clauses))
    finally:
        reader.close()
    return result


def change_record(entry: Entry, before: Side, after: Side, details: list[str], clauses: list[str]) -> dict[str, Any]:
    """One line of the result: which logged decision, what it was, and what differs."""
    return {
        "seq": entry.seq,
        "request_id": entry.request_id,
        "recorded_at": entry.recorded_at,
        "agency": entry.agency,
        "action": entry.action,
        "logged": entry.outcome,
        "base": _outcome(before),
        "head": _outcome(after),
        "clauses": clauses,
        "details": details,
    }


def _outcome(side: Side) -> str:
    return side.decision.outcome.value if side.decision is not None else REJECTED


def replay_mismatch(logged: dict[str, Any], side: Side) -> str | None:
    """What differs between a logged decision and the same request decided again under the same
    rules (outcome, breached and undecided rules, deadlines); None when nothing does."""
    if side.decision is None:
        return f"重新判定时被拒绝({side.rejected})"
    d = side.decision
    pairs = [
        ("结论", logged.get("outcome"), d.outcome.value),
        ("违反的规则", sorted(f.get("rule_id") for f in logged.get("findings") or []), sorted(d.breached_rules)),
        (
            "无法判定的规则",
            sorted(u.get("rule_id") for u in logged.get("undecided") or []),
            sorted(u.rule_id for u in d.undecided),
        ),
        (
            "期限",
            sorted((o.get("id"), o.get("due_on"), o.get("status")) for o in logged.get("obligations") or []),
            sorted((o.id, o.due_on.isoformat() if o.due_on else None, o.status.value) for o in d.obligations),
        ),
    ]
    differ = [name for name, was, now in pairs if was != now]
    return f"与日志所记的决定不同({'、'.join(differ)})" if differ else None


# --- personal facts ---------------------------------------------------------------------


def personal_dependencies(lawbook: Lawbook) -> dict[str, list[str]]:
    """Rules (and deadlines) whose decision could depend on a personal fact's value, with the personal facts
    they reach (directly, or through the derived facts they read): rule id → fact names.

    The log keeps a personal fact only as a keyed hash, which recheck reads as "given"; a rule
    listed here would be decided on that presence alone. The compiler refuses conditions on
    free text, so a personal fact can reach a rule only through a derived fact.
    """
    found: dict[str, set[str]] = {}
    for action, vocab in lawbook.vocabulary.items():
        personal = personal_fields(action)
        if not personal:
            continue
        reach: dict[str, set[str]] = {}
        for rule in lawbook.by_action.get(action, []):
            facts = set().union(*(_reaches(n, vocab, personal, reach) for n in rule.all_reads))
            if facts:
                found.setdefault(rule.id, set()).update(facts)
        for deadline in lawbook.deadlines.get(action, []):
            d = deadline.deadline
            names = [n for n in (d.start, d.end, d.extension, *(d.suspension or ())) if n]
            if deadline.applies_if is not None:
                names += c.facts_read(deadline.applies_if)
            facts = set().union(*(_reaches(n, vocab, personal, reach) for n in names))
            if facts:
                found.setdefault(deadline.engine_id[1:], set()).update(facts)
    return {rule: sorted(facts) for rule, facts in sorted(found.items())}


def _reaches(name: str, vocab: dict[str, FactInfo], personal: frozenset[str], known: dict[str, set[str]]) -> set[str]:
    """The personal facts ``name`` is, or is derived from (transitively)."""
    if name not in known:
        known[name] = set()  # a derivation loop, were there one, ends here
        info = vocab.get(name)
        inputs = info.derived_from if info else ()
        known[name] = ({name} & personal).union(*(_reaches(i, vocab, personal, known) for i in inputs))
    return known[name]
