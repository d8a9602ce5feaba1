"""gongkai recheck: the decision log decided again under two revisions of the rule packs.

The demonstration, as for ``gongkai diff``: a copy of rules/ and features/ in a fresh git
repository, where a commit tightens QL's answer period from 15 to 10 working days. The log
holds a few hundred decisions made from the scenarios under the first commit
(tests/decisionlogs.py), an applicant's request whose personal facts the log keeps only as
keyed hashes, and a rejected request. Recheck must list exactly what ``gongkai diff --corpus``
lists for the same entries, whether it runs in one process, on a LocalCluster of 1 or 2
workers, or on a scheduler and two workers started as separate processes over TCP.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner

from gongkai.check.checker import CheckRequest
from gongkai.check.runtime import build_checker
from gongkai.cli import cli
from gongkai.journal.decisionlog import open_log
from gongkai.journal.readonly import PostgresReader, SqliteReader
from gongkai.journal.store import Filters
from gongkai.packs.vocabulary import FactInfo, FactType
from gongkai.review.diff import scenario_items
from gongkai.review.recheck import Options, run_recheck
from gongkai.review.recheck_task import Job, PartResult, personal_dependencies, run_partition
from tests.conftest import QL_AGENCY, ROOT
from tests.daskcluster import tcp_cluster
from tests.decisionlogs import tightened_repo, variants, write_log
from tests.examples import answer_request
from tests.postgres import postgres_url

__all__ = ["postgres_url"]  # the fixture

ENTRIES = 300
SIZE = 40  # entries per partition: several partitions, for several workers
APPLICANT = {
    "applicant_name": "张三",
    "applicant_identity": "350423199001011234",
    "applicant_address": "福建省三明市清流县龙津镇",
    "applicant_contact": "13800000000",
}
# Answered on 2025-10-20, the 12th working day after 2025-09-26: in time at 15 days, late at 10.
PERSONAL_REQUEST = answer_request("oa-2025-000777", answered_on="2025-10-20", **APPLICANT)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """rules/ and features/ as committed (HEAD~1), then QL's answer period tightened to 10 (HEAD)."""
    return tightened_repo(tmp_path_factory.mktemp("repo"), ROOT)


@pytest.fixture(scope="module")
def base_rules(repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The rules of HEAD~1 as a directory (what the service decided with)."""
    out = tmp_path_factory.mktemp("base")
    data = subprocess.run(["git", "-C", str(repo), "archive", "HEAD~1", "rules"], check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(out)], input=data.stdout, check=True)
    return out / "rules"


def make_log(directory: Path, base_rules: Path, database_url: str | None = None) -> Path:
    """ENTRIES decisions from the scenarios, the applicant's request and a rejected request."""
    checker = build_checker(base_rules)
    requests = [i.request.model_dump(mode="json") for i in scenario_items(ROOT / "features", checker) if i.request]
    log = open_log(directory, database_url, durability="normal")
    write_log(log, variants(checker, requests, weeks=1), ENTRIES, batch=100)
    request = CheckRequest.model_validate(PERSONAL_REQUEST)
    log.record_decision(request, checker.check(request))
    log.record_rejection(
        {"agency": QL_AGENCY, "action": "no_such_action", "facts": {}}, checker.lawbook.version, "BAD", "action", "?"
    )
    log.close()
    return directory


@pytest.fixture(scope="module")
def data_dir(base_rules: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_log(tmp_path_factory.mktemp("var"), base_rules)


def recheck(repo: Path, data_dir: Path, out: Path, *args: str) -> Any:
    command = ["recheck", "--base", "HEAD~1", "--head", "HEAD", "--repo", str(repo), "--data-dir", str(data_dir)]
    return CliRunner().invoke(cli, [*command, "--out", str(out), "--partition-size", str(SIZE), *args])


def changes(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "changes.jsonl").read_text(encoding="utf-8").splitlines()]


def by_request(lines: list[dict[str, Any]]) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    return {c["request_id"]: (tuple(c["details"]), tuple(c["clauses"])) for c in lines}


@pytest.fixture(scope="module")
def diff_corpus(repo: Path, data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """What ``gongkai diff --corpus`` lists for the log's entries, exported as a corpus."""
    corpus = tmp_path_factory.mktemp("corpus") / "log.jsonl"
    exported = CliRunner().invoke(cli, ["log", "export", "--data-dir", str(data_dir), "-o", str(corpus)])
    assert exported.exit_code == 0, exported.output
    result = CliRunner().invoke(cli, ["diff", "HEAD~1", "HEAD", "--repo", str(repo), "--corpus", str(corpus), "--json"])
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    found: dict[str, tuple[list[str], set[str]]] = {}
    for clause, listed in report["by_clause"].items():
        for change in listed:
            if change["label"].startswith("corpus "):  # the scenarios are diff's own
                request_id = change["label"].split()[-1]
                found.setdefault(request_id, (change["details"], set()))[1].add(clause)
    return {rid: (tuple(details), clauses) for rid, (details, clauses) in found.items()}


def same_as_diff(lines: list[dict[str, Any]], diff_corpus: dict[str, Any]) -> None:
    mine = {rid: (details, set(clauses)) for rid, (details, clauses) in by_request(lines).items()}
    assert mine == diff_corpus
    assert len(mine) > 10  # the change flips a good number of logged decisions


# --- the command ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def in_process(repo: Path, data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    out = tmp_path_factory.mktemp("out")
    return recheck(repo, data_dir, out, "--in-process"), out


def test_the_flipped_decisions_are_listed_under_their_clause(in_process: tuple[Any, Path]) -> None:
    result, out = in_process
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert lines[0] == "gongkai recheck HEAD~1 → HEAD"
    assert f"重新判定日志中的决定 {ENTRIES + 1} 条(被拒绝的请求 1 条没有决定,不重新判定)" in lines[1]
    clause = lines.index(next(line for line in lines if line.startswith("QL-5-10  第十条")))
    assert lines[clause + 1].startswith("  seq ")
    listed = changes(out)
    assert [c["seq"] for c in listed] == sorted(c["seq"] for c in listed)
    applicant = next(c for c in listed if c["request_id"] == "oa-2025-000777")
    assert (applicant["logged"], applicant["base"], applicant["head"]) == ("COMPLIANT", "COMPLIANT", "NON_COMPLIANT")
    assert "+违反 QL-5-10.answer-late" in applicant["details"] and "QL-5-10" in applicant["clauses"]
    assert all(c["action"] == "answer_request" for c in listed)  # only QL's answers can change
    html = (out / "index.html").read_text(encoding="utf-8")
    assert 'id="QL-5-10"' in html and "oa-2025-000777" in html and "合规 → 不合规" in html
    assert (out / "style.css").is_file()


def test_the_result_is_what_diff_lists_for_the_exported_log(in_process: tuple[Any, Path], diff_corpus: dict) -> None:
    _, out = in_process
    same_as_diff(changes(out), diff_corpus)


def test_one_or_two_workers_on_a_local_cluster_give_the_same_changes(
    repo: Path, data_dir: Path, in_process: tuple[Any, Path], tmp_path: Path
) -> None:
    expected = (in_process[1] / "changes.jsonl").read_bytes()
    for workers in (1, 2):
        result = recheck(repo, data_dir, tmp_path / f"w{workers}", "--workers", str(workers))
        assert result.exit_code == 1, result.output
        assert f"Dask LocalCluster,{workers} 个工作进程" in result.output
        assert (tmp_path / f"w{workers}" / "changes.jsonl").read_bytes() == expected


def test_a_scheduler_and_two_worker_processes_over_tcp(
    repo: Path, data_dir: Path, diff_corpus: dict, in_process: tuple[Any, Path], tmp_path: Path
) -> None:
    """The CI test of the deployment's shape: `dask scheduler` and two `dask worker` processes."""
    with tcp_cluster(workers=2, timeout=180) as cluster:
        assert cluster.address.startswith("tcp://127.0.0.1:")
        result = recheck(repo, data_dir, tmp_path / "tcp", "--scheduler", cluster.address)
    assert result.exit_code == 1, result.output
    assert f"Dask 调度器 {cluster.address},2 个工作进程" in result.output
    assert (tmp_path / "tcp" / "changes.jsonl").read_bytes() == (in_process[1] / "changes.jsonl").read_bytes()
    same_as_diff(changes(tmp_path / "tcp"), diff_corpus)
    assert all(p.poll() is not None for p in [cluster.scheduler, *cluster.workers])  # cleaned up


def test_the_filters_narrow_what_is_decided(repo: Path, data_dir: Path, tmp_path: Path) -> None:
    logged = reader_entries(data_dir)
    publish = [e for e in logged if e.action == "publish_information"]
    first_half = [e for e in logged if e.seq <= ENTRIES // 2 and e.decision is not None]
    assert publish
    result = recheck(repo, data_dir, tmp_path / "a", "--in-process", "--action", "publish_information")
    assert result.exit_code == 0, result.output  # QL's answer period does not touch publishing
    assert f"重新判定日志中的决定 {len(publish)} 条:有变化的 0 条" in result.output
    until = next(e.recorded_at for e in logged if e.seq == ENTRIES // 2 + 1)
    result = recheck(repo, data_dir, tmp_path / "b", "--in-process", "--until", until)
    assert f"重新判定日志中的决定 {len(first_half)} 条" in result.output
    assert all(c["seq"] <= ENTRIES // 2 for c in changes(tmp_path / "b"))


def reader_entries(data_dir: Path) -> list[Any]:
    reader = SqliteReader(data_dir / "decisions.sqlite3")
    try:
        return list(reader.all())
    finally:
        reader.close()


def test_the_log_is_only_read(repo: Path, data_dir: Path, tmp_path: Path) -> None:
    """A copy of the log without its key: recheck reads it, creates no key, and its reader cannot write."""
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copy(data_dir / "decisions.sqlite3", copy / "decisions.sqlite3")
    before = (copy / "decisions.sqlite3").read_bytes()
    result = recheck(repo, copy, tmp_path / "out", "--in-process")
    assert result.exit_code == 1, result.output
    assert not (copy / "log.key").exists()
    assert (copy / "decisions.sqlite3").read_bytes() == before
    reader = SqliteReader(copy / "decisions.sqlite3")
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        reader._query("DELETE FROM decisions")
    reader.close()


def test_what_cannot_be_compared_exits_2(repo: Path, data_dir: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["recheck", "--base", "no-such-revision", "--repo", str(repo), "--data-dir", str(data_dir)]
    )
    assert result.exit_code == 2 and "no-such-revision" in result.output
    result = recheck(repo, tmp_path / "nothing-here", tmp_path / "out", "--in-process")
    assert result.exit_code == 2 and "没有决定日志" in result.output


# --- partitions: retried, resumed ---------------------------------------------------------


@dataclass(frozen=True)
class Flaky:
    """A task that fails the first time it meets each partition (a marker file remembers), on
    any worker process."""

    markers: str

    def __call__(self, job: Job, lo: int, hi: int) -> PartResult:
        marker = Path(self.markers) / f"{lo}-{hi}"
        attempts = int(marker.read_text()) if marker.exists() else 0
        marker.write_text(str(attempts + 1))
        if attempts == 0:
            raise OSError(f"partition {lo}-{hi}: the database went away")
        return run_partition(job, lo, hi)


@dataclass(frozen=True)
class BrokenAt:
    lo: int

    def __call__(self, job: Job, lo: int, hi: int) -> PartResult:
        if lo == self.lo:
            raise OSError("the database went away")
        return run_partition(job, lo, hi)


@dataclass
class Counting:
    seen: list[int] = dataclasses.field(default_factory=list)

    def __call__(self, job: Job, lo: int, hi: int) -> PartResult:
        self.seen.append(lo)
        return run_partition(job, lo, hi)


def options(repo: Path, data_dir: Path, out: Path, **kw: Any) -> Options:
    return Options(base="HEAD~1", head="HEAD", repo=repo, data_dir=data_dir, out=out, partition_size=SIZE, **kw)


@pytest.mark.parametrize("on_dask", [False, True], ids=["in process", "LocalCluster"])
def test_a_failed_partition_is_retried(
    repo: Path, data_dir: Path, in_process: tuple[Any, Path], tmp_path: Path, on_dask: bool
) -> None:
    markers = tmp_path / "markers"
    markers.mkdir()
    run = options(repo, data_dir, tmp_path / "out", in_process=not on_dask, workers=2 if on_dask else None)
    summary = run_recheck(run, task=Flaky(str(markers)))
    assert summary.failed == []
    attempts = {m.name: int(m.read_text()) for m in markers.iterdir()}
    assert len(attempts) == summary.partitions and set(attempts.values()) == {2}
    assert (tmp_path / "out" / "changes.jsonl").read_bytes() == (in_process[1] / "changes.jsonl").read_bytes()


def test_a_run_resumes_from_the_partitions_already_done(
    repo: Path, data_dir: Path, in_process: tuple[Any, Path], tmp_path: Path
) -> None:
    broken = 2 * SIZE + 1  # the third partition
    summary = run_recheck(options(repo, data_dir, tmp_path / "out", in_process=True, retries=1), task=BrokenAt(broken))
    assert [f.split(":")[0] for f in summary.failed] == [f"{broken}–{broken + SIZE - 1}"]
    assert not (tmp_path / "out" / "changes.jsonl").exists()  # no result that looks whole
    again = Counting()
    summary = run_recheck(options(repo, data_dir, tmp_path / "out", in_process=True), task=again)
    assert again.seen == [broken] and summary.failed == []
    assert (tmp_path / "out" / "changes.jsonl").read_bytes() == (in_process[1] / "changes.jsonl").read_bytes()


def test_a_state_directory_of_another_run_is_refused(repo: Path, data_dir: Path, tmp_path: Path) -> None:
    first = recheck(repo, data_dir, tmp_path / "out", "--in-process", "--action", "answer_request")
    assert first.exit_code == 1, first.output
    other = recheck(repo, data_dir, tmp_path / "out", "--in-process")
    assert other.exit_code == 2 and "属于另一次重新判定" in other.output
    fresh = recheck(repo, data_dir, tmp_path / "out", "--in-process", "--fresh")
    assert fresh.exit_code == 1, fresh.output


# --- replaying what the log keeps ---------------------------------------------------------


def test_personal_facts_are_hashed_in_the_log_and_the_request_is_decided_again_as_it_was(
    repo: Path, data_dir: Path, base_rules: Path, tmp_path: Path
) -> None:
    """No rule reads a personal fact; a hash stands for "given", and the base decides every
    logged request as the log says it was decided (the replay check found no difference)."""
    entry = next(e for e in reader_entries(data_dir) if e.request_id == "oa-2025-000777")
    assert all(entry.request["facts"][name].startswith("hmac-sha256:") for name in APPLICANT)
    assert personal_dependencies(build_checker(base_rules).lawbook) == {}
    summary = run_recheck(
        Options(base=str(base_rules), head=str(base_rules), data_dir=data_dir, out=tmp_path / "same", in_process=True)
    )
    assert summary.decided == ENTRIES + 1 and summary.changed == 0
    assert summary.mismatches == 0 and summary.problem_count == 0


def test_a_rule_reaching_a_personal_fact_through_a_derived_fact_is_named(base_rules: Path) -> None:
    lawbook = build_checker(base_rules).lawbook
    rule = lawbook.by_action["answer_request"][0]
    vocab = dict(lawbook.vocabulary["answer_request"])
    vocab["applicant_named"] = FactInfo(
        "applicant_named", "已写明姓名", FactType.boolean, derived_from=("applicant_name",)
    )
    doctored = dataclasses.replace(
        lawbook,
        vocabulary={**lawbook.vocabulary, "answer_request": vocab},
        by_action={"answer_request": [dataclasses.replace(rule, all_reads=(*rule.all_reads, "applicant_named"))]},
        deadlines={},
    )
    assert personal_dependencies(doctored) == {rule.id: ["applicant_name"]}


def test_a_logged_decision_the_rules_would_not_give_again_is_reported(
    repo: Path, base_rules: Path, tmp_path: Path
) -> None:
    """The replay check can fail: an entry claiming the base rules for a decision they do not give."""
    base, head = build_checker(base_rules), build_checker(repo / "rules")
    request = CheckRequest.model_validate(PERSONAL_REQUEST)
    forged = head.check(request).model_copy(update={"ruleset_version": base.lawbook.version})
    log = open_log(tmp_path / "var")
    log.record_decision(request, forged)
    log.close()
    summary = run_recheck(options(repo, tmp_path / "var", tmp_path / "out", in_process=True))
    assert summary.mismatches == 1
    assert summary.mismatch_examples[0].startswith("seq 1 oa-2025-000777: 与日志所记的决定不同(结论、违反的规则")


# --- PostgreSQL ----------------------------------------------------------------------------


def test_a_postgres_log_is_read_as_the_sqlite_one(
    repo: Path, base_rules: Path, in_process: tuple[Any, Path], postgres_url: str, tmp_path: Path
) -> None:
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS decisions, log_head")
    make_log(tmp_path / "var", base_rules, postgres_url)
    reader = PostgresReader(postgres_url)
    with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
        reader._query("DELETE FROM decisions")
    assert len(reader.page(Filters(), 0, 1000)) == ENTRIES + 2
    reader.close()
    result = recheck(repo, tmp_path / "nothing", tmp_path / "out", "--in-process", "--database-url", postgres_url)
    assert result.exit_code == 1, result.output
    # the same entries but for the recording time of the two written last (now): the same changes
    assert by_request(changes(tmp_path / "out")) == by_request(changes(in_process[1]))
