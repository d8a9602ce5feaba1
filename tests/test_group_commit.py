"""The decision log commits entries in groups: many callers, one transaction, a chain intact."""

from __future__ import annotations

import dataclasses
import multiprocessing
import threading
from pathlib import Path

import pytest

from gongkai.check.checker import Checker, CheckRequest
from gongkai.journal.decisionlog import DecisionLog, Filters, LogError, open_log
from tests.examples import LATE, ON_TIME


@pytest.fixture
def log(tmp_path: Path) -> DecisionLog:
    return open_log(tmp_path, durability="normal")


def test_concurrent_callers_each_get_their_own_committed_entry_and_the_chain_holds(
    log: DecisionLog, checker: Checker
) -> None:
    late = CheckRequest.model_validate(LATE)
    decision = checker.check(late)
    seqs: list[int] = []
    lock = threading.Lock()

    def caller(n: int) -> None:
        for i in range(20):
            entry = log.record_decision(late, decision.model_copy(update={"request_id": f"{n}-{i}"}))
            with lock:
                seqs.append(entry.seq)
            assert log.get(f"{n}-{i}") is not None  # committed before the caller goes on

    threads = [threading.Thread(target=caller, args=(n,)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(seqs) == list(range(1, 16 * 20 + 1))
    assert log.verify() == []


def test_a_batch_is_recorded_in_order_in_one_call(log: DecisionLog, checker: Checker) -> None:
    requests = [CheckRequest.model_validate({**data, "request_id": f"b-{i}"}) for i, data in enumerate([LATE, ON_TIME])]
    records = [log.decision_record(r, checker.check(r)) for r in requests]
    records.append(log.rejection_record({"request_id": "b-2"}, "v", "INVALID_ARGUMENT", "action", "unknown"))
    entries = log.record_many(records)
    assert [(e.seq, e.request_id) for e in entries] == [(1, "b-0"), (2, "b-1"), (3, "b-2")]
    assert log.verify() == []


def test_a_group_that_cannot_be_recorded_fails_whole_and_the_log_goes_on(log: DecisionLog, checker: Checker) -> None:
    request = CheckRequest.model_validate({**LATE, "request_id": "ok-1"})
    good = log.decision_record(request, checker.check(request))
    with pytest.raises(LogError):
        log.record_many([good, dataclasses.replace(good, request_id=None)])  # the second cannot become an entry
    assert log.get("ok-1") is None  # nothing of the failed group was committed
    assert log.record_many([good])[0].seq == 1
    assert log.verify() == []


def _record_rejections(directory: str, worker: int, count: int) -> None:
    log = open_log(Path(directory), durability="normal")  # opened in the child, as a worker does
    for i in range(count):
        log.record_rejection({"request_id": f"w{worker}-{i}"}, "v", "INVALID_ARGUMENT", "action", "unknown")
    log.close()


def test_worker_processes_share_one_chain(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_record_rejections, args=(str(tmp_path), w, 150)) for w in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert [w.exitcode for w in workers] == [0, 0, 0]
    log = open_log(tmp_path, durability="normal")
    entries = list(log.page(Filters(), limit=1000))
    assert [e.seq for e in entries] == list(range(1, 451))
    assert {e.request_id for e in entries} == {f"w{w}-{i}" for w in range(3) for i in range(150)}
    assert log.verify() == []
