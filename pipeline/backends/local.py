"""The local backend: in-process for one document, a process pool for several.

A worker that dies (a crash inside a native library, the OOM killer) costs only
the document it was working on: the pool is rebuilt and the batch goes on.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from ..config import Config
from ..worker import Outcome, init_worker, pipeline_for, process_and_write


def map_paths(
    paths: list[str], config: Config, jobs: int, dests: dict[str, tuple[str, str | None]] | None = None
) -> Iterator[Outcome]:
    """Outcomes as documents finish. Several documents always go through worker
    processes, even with one job: a worker stuck in native code past the time limit,
    or killed by a crash, is replaced and the batch goes on."""
    jobs = max(1, jobs)
    if len(paths) <= 1:
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")
        for p in paths:
            yield process_and_write(p, config, (dests or {}).get(p))
        return
    _warm(config)
    queue = list(reversed(paths))
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=init_worker, initargs=(os.getpid(),))
    pending: dict[Future, str] = {}
    suspects: list[str] = []
    clean_exit = False
    try:
        while queue or pending:
            # keep the queue short so an interrupt stops quickly and memory stays flat
            while queue and len(pending) < jobs * 2:
                p = queue.pop()
                pending[pool.submit(process_and_write, p, config, (dests or {}).get(p))] = p
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            broken = False
            for fut in done:
                path = pending.pop(fut)
                try:
                    yield fut.result()
                except BrokenProcessPool:
                    broken = True
                    suspects.append(path)
            if broken:
                # every document in flight was lost with the pool; retry each alone below
                suspects.extend(pending.values())
                pending.clear()
                pool.shutdown(wait=False, cancel_futures=True)
                pool = ProcessPoolExecutor(max_workers=jobs, initializer=init_worker, initargs=(os.getpid(),))
        for path in suspects:
            yield _run_alone(path, config, (dests or {}).get(path))
        clean_exit = True
    finally:
        if not clean_exit:  # interrupted or stopped: the documents in flight are abandoned
            _stop_workers(pool)
        pool.shutdown(wait=clean_exit, cancel_futures=True)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's workers (and so their engines): `shutdown` alone lets each finish
    its document, and the interpreter's exit would wait for them."""
    for proc in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            proc.kill()
        except (OSError, AttributeError):
            pass


def _warm(config: Config) -> None:
    """Load the pipeline's models (jieba, OpenCC, garble tables) here, before the pool
    forks, so every worker starts hot instead of spending a second loading them."""
    try:
        pipeline_for(config).warm()
        # keep the garbage collector of each forked worker away from what the parent loaded:
        # its traversals would write to every shared object and copy the pages (copy-on-write)
        gc.collect()
        gc.freeze()
    except Exception:  # a broken config or model shows up per document, with its path
        pass


def _run_alone(path: str, config: Config, dest: tuple[str, str | None] | None = None) -> Outcome:
    """Retry one document in its own worker, so a crash is pinned on the right file."""
    limit = float(config.section("limits")["max_seconds_per_document"])
    t0 = time.monotonic()
    with ProcessPoolExecutor(max_workers=1, initializer=init_worker, initargs=(os.getpid(),)) as solo:
        try:
            return solo.submit(process_and_write, path, config, dest).result()
        except BrokenProcessPool:
            if limit > 0 and time.monotonic() - t0 >= limit:  # the worker's watchdog stopped it
                return Outcome(path, error=f"{path}: took longer than {limit:g} s (limits.max_seconds_per_document); "
                               "stuck in native code, its worker was stopped")
            return Outcome(path, error=f"{path}: the worker process died while processing it (crash or out of memory)")
