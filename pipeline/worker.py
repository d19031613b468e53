"""One document in, one outcome out: the unit every backend runs.

Local process pools and Ray both call `process_path`, so a batch produces the
same bytes whichever backend runs it. Each process builds its Pipeline once per
config digest.
"""

from __future__ import annotations

import os
import signal
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


@contextmanager
def time_limit(seconds: float, path: str):
    """Raise LimitExceeded when the block runs longer than `seconds` (main thread only)."""
    usable = seconds and seconds > 0 and threading.current_thread() is threading.main_thread()
    if not usable or not hasattr(signal, "SIGALRM"):
        yield
        return

    def on_alarm(signum, frame):  # noqa: ARG001
        raise LimitExceeded(path, f"took longer than {seconds:g} s (limits.max_seconds_per_document)")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def process_path(path: str, config: Config) -> Outcome:
    """Clean the file at `path`; every expected failure becomes `Outcome.error`."""
    try:
        pipe = pipeline_for(config)
        limit = float(config.section("limits")["max_seconds_per_document"])
        with time_limit(limit, path):
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


def init_worker() -> None:
    """Process-pool initializer: one OCR thread per worker, Ctrl-C handled by the parent."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    signal.signal(signal.SIGINT, signal.SIG_IGN)
