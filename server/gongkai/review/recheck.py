"""``gongkai recheck --base REV --head REV``: which logged decisions a change to the rule packs changes.

``gongkai diff`` decides the scenarios and a corpus again in one process; a province's
decision log holds millions of decisions. ``recheck`` reads the log (SQLite or PostgreSQL,
the settings of ``serve``; read only, the live log is never written), optionally narrowed
by time, agency, action kind or outcome, and decides every logged decision again under the
rule packs at BASE and at HEAD (git revisions, or pack directories). Decisions whose
outcome, findings, undecided rules or obligations differ are listed under the clauses they
concern, in the terms of ``gongkai diff`` (the same comparison, ``diff.Comparison``).

The log is cut into partitions of sequence numbers, run as Dask tasks (``recheck_dask``; a
LocalCluster by default, ``--scheduler`` for a running cluster) or in this process
(``--in-process``); each task reads its own range (``recheck_task``). Finished partitions
are kept in a state directory, so a run that stops (a partition that failed after its
retries, an interrupted driver) resumes where it was. The result does not depend on how
many workers ran it: partitions are merged in sequence order.

Output: ``changes.jsonl`` (one changed decision a line), ``index.html`` (by clause, in the
report's style), a summary on stdout. Exit status as ``diff``: 0 nothing changed (or
``--expected``), 1 some decision changed, 2 could not compare.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
from tqdm import tqdm

from gongkai.check.decision import Outcome
from gongkai.config import Settings
from gongkai.journal.readonly import SQLITE_NAME, redact
from gongkai.journal.store import Filters, LogError
from gongkai.review import report
from gongkai.review.diff import (
    EXIT_CANNOT,
    EXIT_CHANGED,
    NO_CLAUSE,
    Change,
    DiffError,
    clause_key,
    clause_lines,
    export_tree,
    git,
)
from gongkai.review.recheck_task import (
    Job,
    LogSource,
    PartResult,
    RuleBundle,
    comparison_for,
    install,
    personal_dependencies,
    run_partition,
)

Task = Callable[[Job, int, int], PartResult]
SHOWN = 10  # changes printed per clause; every change is in changes.jsonl
HTML_SHOWN = 200  # changes listed per clause in index.html
KEPT_PROBLEMS = 100  # entries that could not be decided, listed (all are counted)
MAX_PARTITION = 5000  # entries per partition by default: a few seconds of work per task
MIN_PARTITION = 100
MANIFEST = "run.json"

OUTCOME_WORDS = {o.value: o.term for o in Outcome}  # COMPLIANT → 合规 …


class RecheckError(RuntimeError):
    """Something that stops the comparison: the message is for the person who ran it."""


# --- the run's inputs ----------------------------------------------------------------


def rule_bundle(spec: str, repo: Path, rules_path: str) -> RuleBundle:
    """The rule packs named by ``spec``: a directory, or a git revision of ``repo``'s ``rules_path``."""
    if Path(spec).is_dir():
        return RuleBundle.of_directory(spec, Path(spec))
    with tempfile.TemporaryDirectory(prefix="gongkai-recheck-") as tmp:
        try:
            top = Path(git(repo, "rev-parse", "--show-toplevel").decode().strip())
            return RuleBundle.of_directory(spec, export_tree(top, spec, rules_path, Path(tmp)))
        except DiffError as exc:
            raise RecheckError(f"{spec!r} 既不是规则包目录,也不是可读取的 git 版本:{exc}") from exc


@dataclass
class Options:
    base: str
    head: str | None = None  # None: the work tree's rules directory
    repo: Path = Path(".")
    rules_path: str = "rules"
    data_dir: Path = Path("var")
    database_url: str | None = None
    filters: Filters = field(default_factory=Filters)
    out: Path = Path("build/recheck")
    state: Path | None = None  # default: out/state
    fresh: bool = False  # forget finished partitions of an earlier run
    scheduler: str | None = None  # a running Dask scheduler, e.g. tcp://10.0.0.5:8786
    workers: int | None = None  # LocalCluster workers (default: one per core)
    in_process: bool = False  # no Dask: every partition in this process
    partition_size: int | None = None
    retries: int = 2
    progress: bool | None = None  # None: a bar when stderr is a terminal


# --- finished partitions, kept for a resume --------------------------------------------


class StateDir:
    """A directory of finished partitions (``part-LO-HI.json``) and the run they belong to
    (``run.json``): rules, log, filters and the partitioning, so a resume reads the same
    entries in the same partitions, even when the log has grown since."""

    def __init__(self, path: Path, manifest: dict[str, Any], fresh: bool, size_given: bool) -> None:
        self.path = path
        known = path / MANIFEST
        if fresh and path.exists():
            shutil.rmtree(path)
        if known.is_file():
            earlier = json.loads(known.read_text(encoding="utf-8"))
            same = all(earlier.get(k) == manifest[k] for k in ("base", "head", "log", "filters"))
            if same and (not size_given or earlier.get("size") == manifest["size"]):
                manifest = earlier  # resume: the earlier run's end of log and partition size
            else:
                raise RecheckError(
                    f"状态目录 {path} 属于另一次重新判定(规则、日志、筛选条件或分区大小不同):"
                    "换一个 --state 目录,或加 --fresh 从头开始"
                )
        path.mkdir(parents=True, exist_ok=True)
        _write_atomically(known, json.dumps(manifest, ensure_ascii=False, indent=1))
        self.manifest = manifest

    def partitions(self) -> list[tuple[int, int]]:
        top, size = int(self.manifest["top"]), int(self.manifest["size"])
        return [(lo, min(lo + size - 1, top)) for lo in range(1, top + 1, size)]

    def _file(self, lo: int, hi: int) -> Path:
        return self.path / f"part-{lo:012d}-{hi:012d}.json"

    def done(self, lo: int, hi: int) -> bool:
        return self._file(lo, hi).is_file()

    def save(self, result: PartResult) -> None:
        _write_atomically(self._file(result.lo, result.hi), json.dumps(result.to_json(), ensure_ascii=False))

    def load(self, lo: int, hi: int) -> PartResult:
        return PartResult.from_json(json.loads(self._file(lo, hi).read_text(encoding="utf-8")))


def _write_atomically(path: Path, text: str) -> None:
    """A file is there whole or not at all: a driver stopped mid-write leaves no half partition."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def default_partition_size(top: int) -> int:
    """A few dozen partitions for a small log (so every worker has some), MAX_PARTITION for a large one."""
    return max(MIN_PARTITION, min(MAX_PARTITION, math.ceil(top / 64)))


# --- the result -----------------------------------------------------------------------


@dataclass
class ClauseSummary:
    clause: str
    text: str
    count: int = 0
    outcome_changes: Counter[str] = field(default_factory=Counter)
    examples: list[dict[str, Any]] = field(default_factory=list)

    @property
    def transitions(self) -> list[tuple[str, int]]:
        return self.outcome_changes.most_common()


@dataclass
class Summary:
    base: str
    head: str
    base_version: str
    head_version: str
    where: str  # the log and the filters, in words
    partitions: int = 0
    runner: str = ""
    decided: int = 0
    skipped: int = 0
    changed: int = 0
    problem_count: int = 0
    problems: list[str] = field(default_factory=list)
    mismatches: int = 0
    mismatch_examples: list[str] = field(default_factory=list)
    by_clause: dict[str, ClauseSummary] = field(default_factory=dict)
    rules_added: list[str] = field(default_factory=list)
    rules_removed: list[str] = field(default_factory=list)
    personal: dict[str, list[str]] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)  # partitions that failed after their retries
    seconds: float = 0.0
    changes_file: Path | None = None
    html_file: Path | None = None

    @property
    def clauses(self) -> list[ClauseSummary]:
        return [self.by_clause[k] for k in sorted(self.by_clause, key=clause_key)]

    def add(self, result: PartResult, clause_text: dict[str, str]) -> None:
        self.decided += result.decided
        self.skipped += result.skipped
        self.problem_count += len(result.problems)
        self.problems += result.problems[: max(0, KEPT_PROBLEMS - len(self.problems))]
        self.mismatches += result.mismatches
        self.mismatch_examples += result.mismatch_examples[: max(0, KEPT_PROBLEMS - len(self.mismatch_examples))]
        for change in result.changes:
            self.changed += 1
            words = OUTCOME_WORDS
            moved = (
                f"{words.get(change['base'], change['base'])} → {words.get(change['head'], change['head'])}"
                if change["base"] != change["head"]
                else "结论不变"
            )
            for clause in change["clauses"] or [NO_CLAUSE]:
                section = self.by_clause.setdefault(clause, ClauseSummary(clause, clause_text.get(clause, "")))
                section.count += 1
                section.outcome_changes[moved] += 1
                if len(section.examples) < HTML_SHOWN:
                    section.examples.append(change)

    def lines(self) -> Iterator[str]:
        yield f"gongkai recheck {self.base} → {self.head}"
        skipped = f"(被拒绝的请求 {self.skipped} 条没有决定,不重新判定)" if self.skipped else ""
        yield f"重新判定日志中的决定 {self.decided} 条{skipped}:有变化的 {self.changed} 条"
        if self.rules_added:
            yield f"新增规则:{', '.join(self.rules_added)}"
        if self.rules_removed:
            yield f"删除规则:{', '.join(self.rules_removed)}"
        for section in self.clauses:
            changes = [
                Change(f"seq {c['seq']} {c['request_id']}", c["clauses"], c["details"])
                for c in section.examples[:SHOWN]
            ]
            yield from clause_lines(
                section.clause, {section.clause: section.text}, changes, section.count - len(changes)
            )
        if self.personal:
            reads = "; ".join(f"{rule}({'、'.join(facts)})" for rule, facts in self.personal.items())
            yield f"注意:以下规则经由派生事实读到个人信息,日志中只有其哈希,重新判定只体现“是否提供”:{reads}"
        if self.mismatches:
            yield f"以记录时的规则集重新判定,与日志所记的决定不同的 {self.mismatches} 条,例如:"
            yield from (f"  {m}" for m in self.mismatch_examples[:SHOWN])
        if self.problem_count:
            yield f"无法重新判定的记录 {self.problem_count} 条,例如:"
            yield from (f"  {p}" for p in self.problems[:SHOWN])


# --- running it -----------------------------------------------------------------------


def run_recheck(options: Options, task: Task = run_partition) -> Summary:
    """Decide the selected logged decisions again under both rule sets; write the outputs."""
    started = time.monotonic()
    head_spec = options.head or str(options.repo / options.rules_path)
    base, head = (
        rule_bundle(options.base, options.repo, options.rules_path),
        rule_bundle(head_spec, options.repo, options.rules_path),
    )
    install(base)
    install(head)
    try:
        comparison = comparison_for(base.digest, head.digest)  # compiled here too: a bad pack fails before any work
    except DiffError as exc:
        raise RecheckError(f"无法加载规则:{exc}") from exc
    source = LogSource(str(options.data_dir), options.database_url)
    log_name = redact(options.database_url) if options.database_url else str((options.data_dir / SQLITE_NAME).resolve())
    try:
        reader = source.open()
        try:
            top = reader.head().seq
        finally:
            reader.close()
    except LogError as exc:
        raise RecheckError(str(exc)) from exc
    size = options.partition_size or default_partition_size(top)
    filters = options.filters.model_dump(exclude_none=True)
    manifest = {"base": base.digest, "head": head.digest, "log": log_name, "filters": filters, "top": top, "size": size}
    state = StateDir(
        options.state or options.out / "state", manifest, options.fresh, options.partition_size is not None
    )
    parts = state.partitions()
    todo = [p for p in parts if not state.done(*p)]
    job = Job(base.digest, head.digest, source, options.filters, comparison.base.lawbook.version)

    summary = Summary(
        options.base,
        options.head or "work tree",
        comparison.base.lawbook.version,
        comparison.head.lawbook.version,
        _where(log_name, filters),
        partitions=len(parts),
        rules_added=comparison.rules_added,
        rules_removed=comparison.rules_removed,
    )
    summary.personal = personal_dependencies(comparison.base.lawbook) | personal_dependencies(comparison.head.lawbook)
    with contextlib.ExitStack() as stack:
        if options.in_process or not todo:
            summary.runner = "本进程"
            results = _in_process(job, todo, task, options.retries)
        else:
            from gongkai.review import recheck_dask  # Dask's import costs every gongkai command ~0.3 s: only here

            try:
                dask = stack.enter_context(recheck_dask.client(options.scheduler, options.workers))
                dask.wait_for_workers(1, timeout=recheck_dask.CONNECT_SECONDS)
            except (OSError, TimeoutError, ValueError) as exc:
                where = f"调度器 {options.scheduler}" if options.scheduler else "本机 Dask 集群"
                raise RecheckError(f"无法连接{where}或其没有工作进程:{' '.join(str(exc).split())}") from exc
            count = recheck_dask.workers_of(dask)
            summary.runner = (
                f"Dask 调度器 {options.scheduler},{count} 个工作进程"
                if options.scheduler
                else f"Dask LocalCluster,{count} 个工作进程"
            )
            results = recheck_dask.run(dask, job, (base, head), todo, task, options.retries)
        bar = _progress(parts, todo, options.progress)
        for (lo, hi), result in results:
            if isinstance(result, BaseException):
                summary.failed.append(f"{lo}–{hi}: {type(result).__name__}: {' '.join(str(result).split())[:200]}")
            else:
                state.save(result)
            bar.update(hi - lo + 1)
        bar.close()
    if summary.failed:
        summary.seconds = time.monotonic() - started
        return summary
    write_outputs(summary, state, parts, comparison.clause_text, options.out)
    summary.seconds = time.monotonic() - started
    return summary


def _in_process(
    job: Job, parts: list[tuple[int, int]], task: Task, retries: int
) -> Iterator[tuple[tuple[int, int], Any]]:
    for lo, hi in parts:
        for attempt in range(retries + 1):
            try:
                yield (lo, hi), task(job, lo, hi)
                break
            except Exception as exc:  # as Dask does with retries=: try again, then report the last error
                if attempt == retries:
                    yield (lo, hi), exc


def _progress(parts: list[tuple[int, int]], todo: list[tuple[int, int]], show: bool | None) -> tqdm:
    total = parts[-1][1] if parts else 0
    initial = total - sum(hi - lo + 1 for lo, hi in todo)
    return tqdm(
        total=total,
        initial=initial,
        desc="重新判定",
        unit="条",
        unit_scale=True,
        disable=None if show is None else not show,
    )


def _where(log_name: str, filters: dict[str, Any]) -> str:
    words = {"agency": "机关", "action": "行为", "outcome": "结论", "since": "记录时间自", "until": "记录时间至(不含)"}
    narrowed = "、".join(f"{words[k]} {v}" for k, v in filters.items())
    return f"日志 {log_name}" + (f",仅{narrowed}" if narrowed else "")


def write_outputs(
    summary: Summary, state: StateDir, parts: list[tuple[int, int]], clause_text: dict[str, str], out: Path
) -> None:
    """changes.jsonl (every change, in sequence order) and index.html, from the finished partitions."""
    out.mkdir(parents=True, exist_ok=True)
    summary.changes_file = out / "changes.jsonl"
    tmp = summary.changes_file.with_name("changes.jsonl.tmp")
    with tmp.open("w", encoding="utf-8") as lines:
        for lo, hi in parts:
            result = state.load(lo, hi)
            for change in result.changes:
                lines.write(json.dumps(change, ensure_ascii=False) + "\n")
            summary.add(result, clause_text)
    os.replace(tmp, summary.changes_file)
    env = report.environment()
    entries = [{"k": "条款", "t": x.clause, "s": x.text, "u": f"index.html#{x.clause}"} for x in summary.clauses]
    report.write_assets(out, entries)
    html = env.get_template("recheck.html").render(
        root="",
        s=summary,
        outcomes=OUTCOME_WORDS,
        generated=report.generated(),
        ruleset_version=f"{summary.base_version} → {summary.head_version}",
    )
    summary.html_file = out / "index.html"
    summary.html_file.write_text(html, encoding="utf-8")


# --- the command ----------------------------------------------------------------------


@click.command("recheck")
@click.option("--base", required=True, help="规则包的基准版本:git 版本(如 main、HEAD~1)或规则包目录")
@click.option("--head", default=None, help="修改后的版本:git 版本或规则包目录(默认:工作区的规则目录)")
@click.option("--repo", type=click.Path(path_type=Path, file_okay=False), default=Path("."), show_default=True)
@click.option("--rules-path", default="rules", show_default=True, help="仓库中规则包所在的目录")
@click.option(
    "--data-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="决定日志所在目录(同 serve;环境变量 GONGKAI_DATA_DIR)",
)
@click.option("--database-url", default=None, help="PostgreSQL 中的决定日志(同 serve;环境变量 GONGKAI_DATABASE_URL)")
@click.option("--since", help="只重新判定此时刻及以后记录的决定(ISO 时间,UTC)")
@click.option("--until", help="只重新判定此时刻以前记录的决定(ISO 时间,UTC)")
@click.option("--agency", help="只重新判定该机关的决定(机关名称)")
@click.option("--action", help="只重新判定该类行为的决定,如 answer_request")
@click.option("--outcome", help="只重新判定记录结论为此的决定,如 COMPLIANT")
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("build/recheck"),
    show_default=True,
    help="changes.jsonl 与 index.html 写入此目录",
)
@click.option(
    "--state",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="已完成分区的记录,用于续跑(默认:OUT/state)",
)
@click.option("--fresh", is_flag=True, help="不续跑:丢弃状态目录中已完成的分区")
@click.option(
    "--scheduler", default=None, help="已运行的 Dask 调度器地址,如 tcp://10.0.0.5:8786(默认:在本机启动 LocalCluster)"
)
@click.option(
    "--workers", type=click.IntRange(1, 512), default=None, help="LocalCluster 的工作进程数(默认:每个 CPU 核一个)"
)
@click.option("--in-process", is_flag=True, help="不用 Dask,在本进程内逐个分区运行")
@click.option(
    "--partition-size",
    type=click.IntRange(1, 10_000_000),
    default=None,
    help="每个分区的日志序号个数(默认按日志大小,最多 5000)",
)
@click.option("--retries", type=click.IntRange(0, 100), default=2, show_default=True, help="失败的分区重试的次数")
@click.option("--expected", is_flag=True, help="这些变化是预期的:列出变化,退出状态 0")
@click.option("--progress/--no-progress", default=None, help="进度条(默认:终端上显示)")
def recheck_command(
    base: str,
    head: str | None,
    repo: Path,
    rules_path: str,
    data_dir: Path | None,
    database_url: str | None,
    out: Path,
    state: Path | None,
    fresh: bool,
    scheduler: str | None,
    workers: int | None,
    in_process: bool,
    partition_size: int | None,
    retries: int,
    expected: bool,
    progress: bool | None,
    **filters: str | None,
) -> None:
    """Decide the decision log again under the rule packs at BASE and at HEAD; list what changes.

    Exit status: 0 nothing changed (or --expected), 1 some decision changed, 2 could not compare.
    """
    if scheduler and (workers or in_process):
        raise click.UsageError("--scheduler 与 --workers、--in-process 不能同时使用")
    settings = Settings.from_env(data_dir=data_dir, database_url=database_url)
    options = Options(
        base=base,
        head=head,
        repo=repo,
        rules_path=rules_path,
        data_dir=settings.data_dir,
        database_url=settings.database_url,
        filters=Filters(**filters),
        out=out,
        state=state,
        fresh=fresh,
        scheduler=scheduler,
        workers=workers,
        in_process=in_process,
        partition_size=partition_size,
        retries=retries,
        progress=progress,
    )
    try:
        summary = run_recheck(options)
    except RecheckError as exc:
        click.echo(f"gongkai recheck: {' '.join(str(exc).split())}", err=True)
        sys.exit(EXIT_CANNOT)
    if summary.failed:
        for failure in summary.failed[:SHOWN]:
            click.echo(f"分区 {failure}", err=True)
        click.echo(
            f"gongkai recheck: {len(summary.failed)} 个分区重试 {retries} 次后仍失败;"
            f"其余分区的结果已保存,再次运行同一命令即从中断处继续",
            err=True,
        )
        sys.exit(EXIT_CANNOT)
    click.echo("\n".join(summary.lines()))
    click.echo(f"结果:{summary.changes_file} · {summary.html_file}({summary.seconds:.1f} 秒,{summary.runner})")
    if summary.changed and not expected:
        sys.exit(EXIT_CHANGED)
