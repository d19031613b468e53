"""One document in, one outcome out: the unit every backend runs.

Local process pools and Ray both call `process_path`, so a batch produces the
same bytes whichever backend runs it. Each process builds its Pipeline once per
config digest.
"""

from __future__ import annotations

import faulthandler
import os
import signal
import sys
import threading
import traceback
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from .config import Config
from .core import Pipeline
from .errors import InputError, LimitExceeded, OcrcleanError

_PIPELINES: dict[str, Pipeline] = {}


@dataclass
class Outcome:
    """What happened to one input: clean text and report, or a one-line error."""

    path: str
    text: str | None = None
    report: dict[str, Any] | None = None
    error: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error is None


def pipeline_for(config: Config) -> Pipeline:
    key = config.digest
    if key not in _PIPELINES:
        _PIPELINES[key] = Pipeline(config)
    return _PIPELINES[key]


class _Timeout(BaseException):
    """The alarm: a BaseException, so a stage's `except Exception` cannot swallow it."""


@contextmanager
def time_limit(seconds: float, path: str):
    """Raise LimitExceeded when the block runs longer than `seconds` (main thread only)."""
    usable = seconds and seconds > 0 and threading.current_thread() is threading.main_thread()
    if not usable or not hasattr(signal, "SIGALRM"):
        yield
        return

    def on_alarm(signum, frame):  # noqa: ARG001
        raise _Timeout()

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _Timeout:
        raise LimitExceeded(path, f"took longer than {seconds:g} s (limits.max_seconds_per_document)") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


_IN_POOL_WORKER = False  # set by init_worker: this process may be killed by its own watchdog


def hard_grace(seconds: float) -> float:
    """How long after the soft limit the watchdog kills a pool worker."""
    return 2.0 + 0.1 * seconds


@contextmanager
def hard_limit(seconds: float):
    """In a pool worker, kill the process `hard_grace` after the soft limit.

    SIGALRM only interrupts Python bytecode and signal-aware C code; a native call
    that never checks signals (a quadratic rapidfuzz comparison, PDFium or OpenCV on
    a huge page, an ONNX run) holds the main thread far past the limit. faulthandler's
    watchdog is a C thread that needs no GIL: it `_exit`s the worker, the pool breaks,
    and the backend reports this one document as over the time limit.
    """
    if not (_IN_POOL_WORKER and seconds and seconds > 0):
        yield
        return
    sink = sys.stderr if os.environ.get("OCRCLEAN_DEBUG") else open(os.devnull, "w")  # noqa: SIM115
    faulthandler.dump_traceback_later(seconds + hard_grace(seconds), exit=True, file=sink)
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()
        if sink is not sys.stderr:
            sink.close()


@contextmanager
def document_limit(config: Config, what: str):
    """The one time-limit policy of every command (run, check, clean, jsonl): the block
    raises LimitExceeded naming `what` after `limits.max_seconds_per_document`, and in a
    pool worker the watchdog ends a native call that never returns to Python."""
    limit = float(config.section("limits")["max_seconds_per_document"])
    try:
        with hard_limit(limit), time_limit(limit, what):
            yield
    except _Timeout:  # the alarm landed just as the block ended
        raise LimitExceeded(what, f"took longer than {limit:g} s (limits.max_seconds_per_document)") from None


def process_path(path: str, config: Config) -> Outcome:
    """Clean the file at `path`; every expected failure becomes `Outcome.error`."""
    try:
        pipe = pipeline_for(config)
        with document_limit(config, path):
            res = pipe.clean_file(path)
        return Outcome(path, res.text, res.report)
    except InputError as e:
        return Outcome(path, error=f"{e.path}: {e.reason}")
    except OcrcleanError as e:
        return Outcome(path, error=f"{path}: {e}")
    except MemoryError:
        return Outcome(path, error=f"{path}: out of memory while processing")
    except RecursionError:
        return Outcome(path, error=f"{path}: input nests too deeply to process")
    except Exception as e:  # an internal bug: one line for the user, the trace on demand
        if os.environ.get("OCRCLEAN_DEBUG"):
            traceback.print_exc()
        return Outcome(path, error=f"{path}: internal error ({type(e).__name__}: {e}); set OCRCLEAN_DEBUG=1 for details")


def process_and_write(path: str, config: Config, dest: tuple[str, str | None] | None = None) -> Outcome:
    """`process_path`, then (when `dest` = (text path, report path or None) is given) write
    the outputs here in the worker, so a pool writes in parallel rather than in its parent."""
    oc = process_path(path, config)
    if dest is not None and oc.ok:
        from .batch import fsync_each_file, write_pair_or_fail

        write_pair_or_fail(oc, *dest, durable=fsync_each_file(config))
        oc.text = None  # on disk now (or failed): no need to send it back to the parent
    return oc


def init_worker(parent: int | None = None) -> None:
    """Process-pool initializer: one OCR thread per worker, Ctrl-C handled by the parent,
    and death with the parent (`parent`: its pid), which a `kill -9` of it would
    otherwise leave the worker blocked on its task queue forever."""
    global _IN_POOL_WORKER
    from .children import die_with_parent

    die_with_parent(parent)
    _IN_POOL_WORKER = True
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    signal.signal(signal.SIGINT, signal.SIG_IGN)
