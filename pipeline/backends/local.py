"""The local backend: in-process for one document, a process pool for several.

A worker that dies (a crash inside a native library, the OOM killer, its own
time-limit watchdog) costs only the document it was working on: the pool is
rebuilt and the batch goes on. `map_ordered` is the same pool for a stream
(`ocrclean jsonl --jobs N`): results in input order, a bounded window in flight.
"""

from __future__ import annotations

import gc
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import closing
from typing import Any, TypeVar

from ..config import Config
from ..worker import Outcome, init_worker, pipeline_for, process_and_write, stuck_error

R = TypeVar("R")


def map_paths(
    paths: list[str], config: Config, jobs: int, dests: dict[str, tuple[str, str | None]] | None = None
) -> Iterator[Outcome]:
    """Outcomes as documents finish. Documents always go through worker processes, even
    one document with one job (the limit policy of `worker`): a worker stuck in native
    code past the time limit, or killed by a crash, is replaced and the batch goes on."""
    jobs = max(1, jobs)
    if not paths:
        return
    if len(paths) > 1:  # one document: the worker loads only what it needs
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
    t0 = time.monotonic()
    with ProcessPoolExecutor(max_workers=1, initializer=init_worker, initargs=(os.getpid(),)) as solo:
        try:
            return solo.submit(process_and_write, path, config, dest).result()
        except BrokenProcessPool:
            return stuck_error(path, config, time.monotonic() - t0)


def map_ordered(
    fn: Callable[..., R],
    items: Iterable[tuple[Any, ...]],
    config: Config,
    jobs: int,
    *,
    on_lost: Callable[[tuple[Any, ...], float], R],
    initializer: Callable[..., None] = init_worker,
    initargs: tuple[Any, ...] = (),
    window: int | None = None,
) -> Iterator[R]:
    """`fn(*item)` for every item, by `jobs` worker processes, yielded in input order.

    At most `window` items (default 4 per job) are in flight or waiting to be yielded,
    so memory stays bounded however long the stream. Several workers are forked hot
    (the pipeline is warmed first); all ignore Ctrl-C and die with this process; `initializer`
    must call `init_worker(parent)` (`initargs` start with this process's pid, added
    here). An item whose worker died is retried alone; if that worker dies too,
    `on_lost(item, seconds)` is its result. Closing the iterator kills the workers.
    """
    jobs = max(1, jobs)
    window = window or 4 * jobs
    if jobs > 1:  # one worker loads the models once anyway, and only those it needs
        _warm(config)
    args = (os.getpid(), *initargs)
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=initializer, initargs=args)
    flight: deque[tuple[Future, tuple[Any, ...]]] = deque()
    source = iter(items)
    clean_exit = False
    try:
        while True:
            for item in source:
                flight.append((pool.submit(fn, *item), item))
                if len(flight) >= window:
                    break
            if not flight:
                break
            fut, item = flight.popleft()
            try:
                yield fut.result()
            except BrokenProcessPool:
                # every item in flight went down with the pool: each is retried alone, in order
                lost = [(fut, item), *flight]
                flight.clear()
                pool.shutdown(wait=False, cancel_futures=True)
                for f, it in lost:
                    done = f.done() and not f.cancelled() and f.exception() is None
                    yield f.result() if done else _alone(fn, it, on_lost, initializer, args)
                pool = ProcessPoolExecutor(max_workers=jobs, initializer=initializer, initargs=args)
        clean_exit = True
    finally:
        if not clean_exit:  # interrupted, or the consumer stopped: abandon the work in flight
            _stop_workers(pool)
        pool.shutdown(wait=clean_exit, cancel_futures=True)


def run_isolated(fn: Callable[..., R], item: tuple[Any, ...], config: Config,
                 on_lost: Callable[[tuple[Any, ...], float], R]) -> R:
    """`fn(*item)` in one disposable worker process (`map_ordered` with one job): the
    alarm and the watchdog of the limit policy, and a crash costs only this call."""
    with closing(map_ordered(fn, [item], config, 1, on_lost=on_lost)) as results:
        return next(results)


def _alone(fn: Callable[..., R], item: tuple[Any, ...], on_lost: Callable[[tuple[Any, ...], float], R],
           initializer: Callable[..., None], initargs: tuple[Any, ...]) -> R:
    t0 = time.monotonic()
    solo = ProcessPoolExecutor(max_workers=1, initializer=initializer, initargs=initargs)
    try:
        return solo.submit(fn, *item).result()
    except BrokenProcessPool:
        return on_lost(item, time.monotonic() - t0)
    finally:
        _stop_workers(solo)
        solo.shutdown(wait=True)
