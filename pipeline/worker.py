"""One document in, one Outcome out, under one limit policy: the unit every command runs.

`run_one(source, config)` is what `run` (in each backend's workers), `clean`, `check`,
`jsonl` and the adapters call for every document, so all of them share:

- one Pipeline per config digest and process (`pipeline_for`);
- one limit policy (`document_limit`): `limits.max_seconds_per_document` is an alarm
  (SIGALRM, main thread) that stops Python code with `TimeLimitExceeded`; in a
  disposable worker process (the pools of `run` and `jsonl --jobs`) a watchdog in C
  also ends the process `hard_grace` later, when native code never returns to Python,
  and the pool reports that document as over the limit (`stuck_error`). Size, page and
  pixel limits are checked by the readers (`LimitExceeded`);
- one failure policy: every expected failure is `Outcome.error`, one line
  `<name>: <reason>`, with `Outcome.kind` (one of FAILURE_KINDS); only
  KeyboardInterrupt and SystemExit propagate.
"""

from __future__ import annotations

import faulthandler
import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .children import die_with_parent
from .config import Config
from .core import Pipeline, Result
from .emit import write_pair, write_problem
from .errors import ConfigError, InputError, LimitExceeded, OcrcleanError
from .ingest import read_document

# Outcome.kind of a failure: what a caller may act on (retry, skip, fix the input)
FAILURE_KINDS = {
    "input": "the input cannot be read or parsed (unreadable, not a regular file, malformed)",
    "limit": "the input is over a size, page or pixel limit ([limits])",
    "timeout": "cleaning took longer than limits.max_seconds_per_document",
    "memory": "out of memory while processing",
    "crash": "the worker process died (a crash in a native library, the OOM killer)",
    "config": "the configuration is invalid",
    "write": "the output could not be written",
    "internal": "a bug in ocrclean (OCRCLEAN_DEBUG=1 prints the trace)",
}

_PIPELINES: dict[str, Pipeline] = {}


@dataclass(frozen=True)
class Source:
    """One document to clean: a file, bytes (stdin) or a str (a record's field), and
    `name`, which every error line starts with (the path, `<stdin>`, `<line 3>`)."""

    name: str
    path: Path | None = None
    data: bytes | None = None
    text: str | None = None

    @classmethod
    def file(cls, path: str | Path) -> Source:
        return cls(os.fspath(path), path=Path(path))

    @classmethod
    def of_bytes(cls, data: bytes, name: str = "<stdin>") -> Source:
        return cls(name, data=data)

    @classmethod
    def of_text(cls, text: str, name: str = "<text>") -> Source:
        return cls(name, text=text)


@dataclass
class Outcome:
    """What happened to one source: clean text and report, or a one-line error and its kind."""

    path: str  # the source's name (a path for files)
    text: str | None = None
    report: dict[str, Any] | None = None
    error: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    kind: str | None = None  # None when ok, else a key of FAILURE_KINDS

    @property
    def ok(self) -> bool:
        return self.error is None


def failed(name: str, reason: str, kind: str) -> Outcome:
    return Outcome(name, error=f"{name}: {reason}", kind=kind)


def pipeline_for(config: Config) -> Pipeline:
    key = config.digest
    if key not in _PIPELINES:
        _PIPELINES[key] = Pipeline(config)
    return _PIPELINES[key]


# -- the limit policy ----------------------------------------------------------------
class TimeLimitExceeded(LimitExceeded):
    """The document took longer than `limits.max_seconds_per_document`."""


class _Timeout(BaseException):
    """The alarm: a BaseException, so a stage's `except Exception` cannot swallow it."""


def _over_time(what: str, seconds: float) -> TimeLimitExceeded:
    return TimeLimitExceeded(what, f"took longer than {seconds:g} s (limits.max_seconds_per_document)")


@contextmanager
def time_limit(seconds: float, path: str):
    """Raise TimeLimitExceeded when the block runs longer than `seconds` (main thread only)."""
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
        raise _over_time(path, seconds) from None
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
    and the pool reports this one document as over the time limit.
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


def seconds_limit(config: Config) -> float:
    return float(config.section("limits")["max_seconds_per_document"])


@contextmanager
def document_limit(config: Config, what: str):
    """The time limit of one document (see the module docstring); `what` names it."""
    limit = seconds_limit(config)
    try:
        with hard_limit(limit), time_limit(limit, what):
            yield
    except _Timeout:  # the alarm landed just as the block ended
        raise _over_time(what, limit) from None


def stuck_error(name: str, config: Config, elapsed: float) -> Outcome:
    """The outcome of a document whose worker process died: past the time limit, its
    watchdog stopped it; before, it crashed."""
    limit = seconds_limit(config)
    if limit > 0 and elapsed >= limit:
        return failed(name, f"took longer than {limit:g} s (limits.max_seconds_per_document); "
                      "stuck in native code, its worker was stopped", "timeout")
    return failed(name, "the worker process died while processing it (crash or out of memory)", "crash")


# -- one document --------------------------------------------------------------------
def _clean(pipe: Pipeline, source: Source, want_raw: bool) -> tuple[Result, bytes | None]:
    if source.path is not None:
        if not want_raw:
            return pipe.clean_file(source.path), None
        doc, raw = read_document(source.path, pipe.config)
        return pipe.process(doc, raw), raw
    if source.data is not None:
        return pipe.clean_bytes(source.data, source.name), source.data
    return pipe.clean_text(source.text or "", source=source.name), None


def run_one(source: Source, config: Config, finish: Callable[[Result, bytes | None], Any] | None = None) -> Outcome:
    """Clean `source` under the limit policy. `finish(result, raw bytes)` runs inside the
    same limit (`check` compares there); what it raises is handled like the cleaning."""
    name = source.name
    try:
        pipe = pipeline_for(config)
        with document_limit(config, name):
            res, raw = _clean(pipe, source, finish is not None)
            if finish is not None:
                finish(res, raw)
        return Outcome(name, res.text, res.report)
    except TimeLimitExceeded as e:
        return Outcome(name, error=str(e), kind="timeout")
    except InputError as e:  # names its own path (a PDF's, an image's)
        return Outcome(name, error=f"{e.path}: {e.reason}", kind="limit" if isinstance(e, LimitExceeded) else "input")
    except ConfigError as e:
        return failed(name, str(e), "config")
    except OcrcleanError as e:
        return failed(name, str(e), "input")
    except MemoryError:
        return failed(name, "out of memory while processing", "memory")
    except RecursionError:
        return failed(name, "input nests too deeply to process", "input")
    except Exception as e:  # an internal bug: one line for the user, the trace on demand
        if os.environ.get("OCRCLEAN_DEBUG"):
            traceback.print_exc()
        return failed(name, f"internal error ({type(e).__name__}: {e}); set OCRCLEAN_DEBUG=1 for details", "internal")


def process_path(path: str, config: Config) -> Outcome:
    """`run_one` on the file at `path`."""
    return run_one(Source.file(path), config)


def fsync_each_file(config: Config) -> bool:
    """`output.fsync = "file"`: every output fsynced before its rename (else one sync a run)."""
    return config.section("output")["fsync"] == "file"


def write_outcome(oc: Outcome, txt: str, rep: str | None, durable: bool = True) -> None:
    """Write `oc`'s text and report (`emit.write_pair`); a failure becomes this document's
    error (one line, kind "write"); a full disk is also marked fatal (`extra["fatal"]`):
    the batch stops, nothing more can be written."""
    assert oc.text is not None and oc.report is not None
    try:
        oc.extra["manifest_line"] = write_pair(oc.text, oc.report, txt, rep, durable)
        oc.extra["written"] = True
    except OSError as e:
        reason, fatal = write_problem(e)
        oc.error = f"{oc.path}: cannot write its output {e.filename or txt}: {reason}"
        oc.kind = "write"
        oc.text = oc.report = None
        if fatal:
            oc.extra["fatal"] = f"{e.filename or txt}: {reason}; the run stopped"


def process_and_write(path: str, config: Config, dest: tuple[str, str | None] | None = None) -> Outcome:
    """`process_path`, then (when `dest` = (text path, report path or None) is given) write
    the outputs here in the worker, so a pool writes in parallel rather than in its parent."""
    oc = process_path(path, config)
    if dest is not None and oc.ok:
        write_outcome(oc, *dest, durable=fsync_each_file(config))
        oc.text = None  # on disk now (or failed): no need to send it back to the parent
    return oc


def init_worker(parent: int | None = None) -> None:
    """Process-pool initializer: one OCR thread per worker, Ctrl-C handled by the parent,
    and death with the parent (`parent`: its pid), which a `kill -9` of it would
    otherwise leave the worker blocked on its task queue forever."""
    global _IN_POOL_WORKER
    die_with_parent(parent)
    _IN_POOL_WORKER = True
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    signal.signal(signal.SIGINT, signal.SIG_IGN)
