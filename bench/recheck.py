"""``gongkai recheck`` over a large decision log: decisions/s in one process, on Dask with 1 and
2 workers, and on a cluster of separately started scheduler and worker processes over TCP.

Run: python bench/recheck.py [--decisions 1000000] [--log DIR] [--configs in-process local-1 local-2 tcp-2]
                              [--profile N]
1. A log of --decisions decisions (SQLite, in DIR when --log is given and kept there for the
   next run, else in a temporary directory) from the scenario corpus (``corpus.py``): each
   scenario moved by 0–3 weeks and given another agency of the same packs, decided once for
   real; entries cycle through these with recording times spread over 2025 (tests/decisionlogs.py).
2. The change re-checked: QL's answer period tightened from 15 to 10 working days (BASE the
   rules as they are, HEAD a copy with the change), which changes a few per cent of decisions.
3. Each configuration is one ``gongkai recheck`` process, run from scratch (``--fresh``):
   in one process (no Dask), a LocalCluster of 1 and of 2 workers, and `dask scheduler` +
   2 `dask worker` processes on 127.0.0.1 started before the run (as a deployment keeps
   them). Measured: wall time of the whole command (start-up, compiling, the work, the
   outputs), decisions/s, and per worker process its peak RSS and CPU seconds (sampled
   every 0.5 s with psutil): CPU seconds / wall seconds below 1 means the worker waited (for
   the CPU, on a shared machine, or for the log). Each run's changes.jsonl must be identical.
4. With --profile N: the first N entries re-checked in this process under cProfile, and where
   a decision's time goes (reading the log, the two checks and their engine calls, comparing).
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from corpus import ROOT, add_source_options, corpus, machine, table

sys.path.insert(0, str(ROOT))  # for tests.decisionlogs and tests.daskcluster

from gongkai.check.runtime import build_checker
from gongkai.journal.decisionlog import open_log
from gongkai.journal.readonly import open_reader
from gongkai.journal.store import Filters
from gongkai.review.recheck_task import Job, LogSource, RuleBundle, comparison_for, install, run_partition
from tests.daskcluster import tcp_cluster
from tests.decisionlogs import tighten_answer_period, variants, write_log

CONFIGS = ("in-process", "local-1", "local-2", "tcp-2")
GONGKAI = str(Path(sys.executable).parent / "gongkai")


@dataclass
class Usage:
    """Peak RSS (MiB) and CPU seconds per process, sampled."""

    rss: dict[int, float] = field(default_factory=dict)
    cpu: dict[int, float] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)


def sample(roots: list[int], usage: Usage, stop: threading.Event) -> None:
    while not stop.is_set():
        for root in roots:
            try:
                processes = [psutil.Process(root), *psutil.Process(root).children(recursive=True)]
            except psutil.NoSuchProcess:
                continue
            for p in processes:
                try:
                    with p.oneshot():
                        rss = p.memory_info().rss / 2**20
                        times = p.cpu_times()
                        usage.names.setdefault(p.pid, " ".join(p.cmdline())[:160])
                except psutil.NoSuchProcess:
                    continue
                usage.rss[p.pid] = max(usage.rss.get(p.pid, 0.0), rss)
                usage.cpu[p.pid] = times.user + times.system
        stop.wait(0.5)


def is_worker(command: str, config: str) -> bool:
    """The processes that decide: the command itself in one process, else Dask's worker processes."""
    if config == "in-process":
        return "gongkai recheck" in command or command.endswith("recheck")
    return "multiprocessing.spawn" in command or "spawn_main" in command


def run(config: str, log: Path, base: Path, head: Path, out: Path, address: str | None, extra: list[int]) -> dict:
    command = [GONGKAI, "recheck", "--base", str(base), "--head", str(head), "--data-dir", str(log)]
    command += ["--out", str(out), "--fresh", "--no-progress", "--expected"]
    if config == "in-process":
        command.append("--in-process")
    elif config.startswith("local-"):
        command += ["--workers", config.split("-")[1]]
    else:
        command += ["--scheduler", str(address)]
    usage, stop = Usage(), threading.Event()
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = threading.Thread(target=sample, args=([process.pid, *extra], usage, stop), daemon=True)
    sampler.start()
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - started
    stop.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"{config}: gongkai recheck exited {process.returncode}: {stderr[-2000:]}")
    workers = [pid for pid, name in usage.names.items() if is_worker(name, config)]
    if not workers:  # in one process, the command itself
        workers = [process.pid] if process.pid in usage.rss else []
    digest = hashlib.sha256((out / "changes.jsonl").read_bytes()).hexdigest()[:16]
    return {
        "config": config,
        "seconds": seconds,
        "workers": len(workers) if config != "in-process" else 1,
        "rss": max((usage.rss[p] for p in workers), default=float("nan")),
        "cpu": [usage.cpu.get(p, 0.0) for p in workers],
        "summary": stdout.strip().splitlines()[1] if stdout else "",
        "digest": digest,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decisions", type=int, default=1_000_000)
    parser.add_argument("--log", type=Path, default=None, help="keep the generated log here and reuse it")
    parser.add_argument("--configs", nargs="*", choices=CONFIGS, default=list(CONFIGS))
    parser.add_argument("--weeks", type=int, default=4, help="date variants per scenario")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="profile the first N entries in process")
    add_source_options(parser)
    args = parser.parse_args()
    print(machine())
    print(f"load average at start: {os.getloadavg()[0]:.2f}")

    with tempfile.TemporaryDirectory(prefix="gongkai-bench-recheck-") as tmp_name:
        tmp = Path(tmp_name)
        log = args.log or tmp / "log"
        if not (log / "decisions.sqlite3").is_file() or _entries(log) != args.decisions:
            checker = build_checker(args.rules_dir)
            requests = [c.request for c in corpus(checker, args.features)]
            started = time.perf_counter()
            decided = variants(checker, requests, args.weeks)
            seconds = time.perf_counter() - started
            print(f"{len(requests)} scenario requests → {len(decided)} variants decided ({seconds:.0f} s)")
            if log.exists():
                for name in ("decisions.sqlite3", "decisions.sqlite3-wal", "decisions.sqlite3-shm"):
                    (log / name).unlink(missing_ok=True)
            decision_log = open_log(log, durability="normal")
            started = time.perf_counter()
            write_log(decision_log, decided, args.decisions, batch=5000)
            decision_log.close()
            seconds = time.perf_counter() - started
            print(f"log of {args.decisions:,} decisions written in {seconds:.0f} s ({args.decisions / seconds:,.0f}/s)")
        size = (log / "decisions.sqlite3").stat().st_size / 2**30
        print(f"log: {log} ({_entries(log):,} entries, {size:.2f} GiB)")
        head = tmp / "head"
        shutil.copytree(args.rules_dir, head, ignore=shutil.ignore_patterns("__pycache__"))
        tighten_answer_period(head)

        if args.profile:
            profile(log, args.rules_dir, head, args.profile)
        results = []
        for config in args.configs:
            print(f"… {config} (load average {os.getloadavg()[0]:.2f})", flush=True)
            out = tmp / f"out-{config}"
            if config.startswith("tcp-"):
                with tcp_cluster(int(config.split("-")[1]), timeout=300) as cluster:
                    pids = [cluster.scheduler.pid, *(w.pid for w in cluster.workers)]
                    results.append(run(config, log, args.rules_dir, head, out, cluster.address, pids))
            else:
                results.append(run(config, log, args.rules_dir, head, out, None, []))
            r = results[-1]
            print(
                f"  {r['seconds']:.0f} s, {args.decisions / r['seconds']:,.0f} decisions/s; {r['summary']}", flush=True
            )

    if not results:
        return
    by = {r["config"]: r for r in results}
    one = by.get("local-1")
    rows = []
    for r in results:
        rate = args.decisions / r["seconds"]
        cpu = ", ".join(f"{c:.0f}" for c in r["cpu"])
        busy = sum(r["cpu"]) / (r["seconds"] * max(1, r["workers"]))
        ratio = f"{rate / (args.decisions / one['seconds']):.2f}×" if one else ""
        rows.append(
            [r["config"], r["workers"], f"{r['seconds']:.0f}", f"{rate:,.0f}", ratio, r["rss"], cpu, f"{busy:.0%}"]
        )
    print(
        table(
            [
                "run",
                "workers",
                "seconds",
                "decisions/s",
                "vs local-1",
                "peak RSS/worker MiB",
                "CPU s per worker",
                "CPU/wall per worker",
            ],
            rows,
        )
    )
    if "local-1" in by and "local-2" in by:
        print(f"scaling 1 → 2 workers (LocalCluster): {by['local-1']['seconds'] / by['local-2']['seconds']:.2f}×")
    if "local-1" in by and "tcp-2" in by:
        ratio = by["local-1"]["seconds"] / by["tcp-2"]["seconds"]
        print(f"scaling 1 → 2 workers (TCP cluster vs LocalCluster of 1): {ratio:.2f}×")
    digests = {r["digest"] for r in results}
    print(f"changes.jsonl identical in every run: {'yes' if len(digests) == 1 else 'NO: ' + str(digests)}")
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")


# (label, file suffix, function name) of the functions whose cumulative time is shown
PROFILED = [
    ("reading the log (SQL, JSON, Entry)", "journal/store.py", "page"),
    ("the two checks", "check/checker.py", "check"),
    ("  of which the engine (durable-rules)", "engine/durable.py", "fire"),
    ("  of which derived facts", "periods/derive.py", "apply_derivations"),
    ("  of which deadlines", "check/checker.py", "_deadlines"),
    ("  of which findings (clause text, facts shown)", "check/checker.py", "_finding"),
    ("comparing the two decisions", "review/diff.py", "compare"),
    ("the request from the entry", "review/diff.py", "logged_item"),
]


def profile(log: Path, base: Path, head: Path, entries: int) -> None:
    bundles = RuleBundle.of_directory("base", base), RuleBundle.of_directory("head", head)
    for bundle in bundles:
        install(bundle)
    comparison = comparison_for(bundles[0].digest, bundles[1].digest)
    job = Job(bundles[0].digest, bundles[1].digest, LogSource(str(log)), Filters(), comparison.base.lawbook.version)
    run_partition(job, 1, min(entries, 500))  # warm
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    result = run_partition(job, 1, entries)
    profiler.disable()
    wall = time.perf_counter() - started
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    total = sum(tt for (_, _, _), (_, _, tt, _, _) in stats.items())
    rows = []
    for label, suffix, name in PROFILED:
        cumulative = sum(
            ct for (file, _, fn), (_, _, _, ct, _) in stats.items() if file.endswith(suffix) and fn == name
        )
        rows.append([label, cumulative / result.decided * 1e6, f"{cumulative / total:.0%}"])
    per = wall / result.decided * 1e6
    print(f"profile: {result.decided:,} decisions in one process under cProfile, {per:.0f} µs each (the profiler")
    print("adds its own overhead to every call: read the shares, not the absolute times)")
    print(table(["where", "µs per decision (cProfile)", "share"], rows))


def _entries(log: Path) -> int:
    reader = open_reader(log)
    try:
        return reader.head()[0]
    finally:
        reader.close()


if __name__ == "__main__":
    main()
