"""``gongkai recheck`` on Dask: the partitions run as ``dask.distributed`` tasks.

A ``LocalCluster`` sized to the machine (one single-threaded worker process per core: the
engine never releases the GIL, so threads add nothing) unless a running scheduler is named.
The two rule sets reach every worker, including one that joins later, through a worker
plugin; each task gets only the partition's sequence range and the job's small description,
and reads its entries from the log itself. A partition that fails is retried (``retries``);
one that still fails is reported, and the others' results are kept by the driver.
"""

from __future__ import annotations

import contextlib
import logging
import os
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from distributed import Client, LocalCluster, WorkerPlugin, as_completed

from gongkai.review.recheck_task import Job, PartResult, RuleBundle, install

Task = Callable[[Job, int, int], PartResult]
CONNECT_SECONDS = 30


def default_workers() -> int:
    """One worker per core this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class RuleSets(WorkerPlugin):
    """Installs the run's rule bundles on each worker (they are compiled by the first task that needs them)."""

    def __init__(self, bundles: tuple[RuleBundle, ...]) -> None:
        self.bundles = bundles
        self.name = "gongkai-recheck-" + "-".join(b.digest[:12] for b in bundles)

    def setup(self, worker: Any) -> None:
        for bundle in self.bundles:
            install(bundle)


@contextlib.contextmanager
def client(scheduler: str | None, workers: int | None) -> Iterator[Client]:
    """A client of the scheduler at ``scheduler``, or of a LocalCluster of ``workers`` processes."""
    if scheduler:
        with Client(scheduler, timeout=CONNECT_SECONDS) as connected:
            yield connected
        return
    with (
        LocalCluster(
            n_workers=workers or default_workers(),
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as connected,
    ):
        yield connected


def run(
    dask: Client,
    job: Job,
    bundles: tuple[RuleBundle, ...],
    parts: list[tuple[int, int]],
    task: Task,
    retries: int,
) -> Iterator[tuple[tuple[int, int], PartResult | BaseException]]:
    """Each partition's result (or its last error) as it finishes, in no particular order."""
    plugin = RuleSets(bundles)
    dask.register_plugin(plugin)
    run_id = uuid.uuid4().hex[:8]
    futures = {
        dask.submit(task, job, lo, hi, key=f"gongkai-recheck-{run_id}-{lo}-{hi}", retries=retries, pure=False): (
            lo,
            hi,
        )
        for lo, hi in parts
    }
    try:
        for future in as_completed(futures):
            part = futures.pop(future)
            try:
                yield part, future.result()
            except Exception as exc:  # the task's own error, after its retries
                yield part, exc
            future.release()  # its result is saved by the caller: the cluster need not keep it
    finally:
        for future in futures:
            future.cancel()
        with contextlib.suppress(Exception):
            dask.unregister_worker_plugin(plugin.name)


def workers_of(dask: Client) -> int:
    return len(dask.scheduler_info().get("workers", {}))
