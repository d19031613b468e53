"""Batch runs: inputs found, outputs named safely, work mapped, results written.

`run_batch` is what `ocrclean run` does: expand folders, skip inputs whose
content and config are unchanged since the last run (the report next to the
output is the cache), run the rest through a backend, write every output
atomically (one filesystem sync for the whole run, `output.fsync`), then the
manifest. Output paths never escape the output folder.
"""

from __future__ import annotations

import hashlib
import json
import signal
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .backends import get_backend
from .config import Config
from .discover import (  # noqa: F401  (re-exported: the naming rules live in discover)
    MANIFEST,
    Task,
    collect_tasks,
    discover,
    inside,
    output_paths,
    output_rel,
    safe_component,
)
from .emit import dump_json, sync_folder, write_atomic, write_problem
from .errors import OcrcleanError
from .quality import apply_min_score, below_min_score
from .report import REPORT_SCHEMA_VERSION
from .version import __version__
from .worker import Outcome, fsync_each_file, write_outcome


@dataclass
class BatchResult:
    outcomes: list[Outcome] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # one line each: "<path>: <reason>"
    cached: int = 0
    interrupted: bool = False
    below_min: list[str] = field(default_factory=list)
    fatal: str | None = None  # why the whole run stopped (disk full): one line
    notes: list[str] = field(default_factory=list)  # files a folder walk skipped, one line each
    failures: list[tuple[str, str]] = field(default_factory=list)  # (path, reason) found before any work

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return 130
        if self.errors or self.fatal:
            return 2
        if self.below_min:
            return 1
        return 0


def file_sha256(path: Path) -> str | None:
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()


def cached_report(task: Task, out: Path, config: Config) -> dict[str, Any] | None:
    """The previous report when the input bytes, config and version are unchanged."""
    try:
        txt, rep = output_paths(out, task.rel)
        if not (txt.is_file() and rep.is_file()):
            return None
        report = json.loads(rep.read_text(encoding="utf-8"))
        same = (
            report["pipeline"]["config_digest"] == config.digest
            and report["pipeline"]["version"] == __version__
            and report["source"]["sha256"] == file_sha256(task.path)
            # the text on disk is the one the report describes (a power cut can
            # leave a renamed file whose data never reached the disk)
            and report["output"]["sha256"] == file_sha256(txt)
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return report if same else None


class _Terminate(BaseException):
    """SIGTERM as an interrupt: a BaseException, so a worker's `except Exception` cannot swallow it."""


def run_batch(
    paths: Iterable[str | Path],
    out: str | Path,
    config: Config,
    *,
    jobs: int = 1,
    backend: str = "local",
    force: bool = False,
    min_score: float | None = None,
    progress: Callable[[int], Any] | None = None,
    on_total: Callable[[int], Any] | None = None,
) -> BatchResult:
    """Clean every input into `out`; see the module docstring."""
    config = apply_min_score(config, min_score)
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OcrcleanError(f"{out}: cannot create the output folder: {write_problem(e)[0]}") from None
    found = discover(paths, out)
    tasks = found.tasks
    result = BatchResult(errors=[f"{p}: {r}" for p, r in found.failures], notes=found.notes, failures=found.failures)
    tasks, where = _placed(tasks, out, result)
    todo: list[Task] = []
    for t in tasks:
        rep = None if force else cached_report(t, out, config)
        if rep is not None:
            result.outcomes.append(Outcome(str(t.path), None, rep, extra={"cached": True}))
            result.cached += 1
        else:
            todo.append(t)
    if on_total:
        on_total(len(tasks))
    if progress:
        progress(result.cached)
    write_report = bool(config.section("output").get("write_report", True))
    durable = fsync_each_file(config)

    # Ctrl-C and SIGTERM stop the run, but never between a text and its report:
    # a signal that arrives while a pair is written takes effect right after it
    shield = {"writing": False, "stopped": False}

    def on_stop(signum, frame):  # noqa: ARG001
        if shield["writing"]:
            shield["stopped"] = True
            return
        raise _Terminate()

    old = {sig: signal.signal(sig, on_stop) for sig in (signal.SIGTERM, signal.SIGINT)} if _main_thread() else {}
    stream = None
    try:
        mapper = get_backend(backend)
        # where each output goes: the local backend's workers write their own (in parallel)
        dests = {}
        for t in todo:
            txt, rep = where[str(t.path)]
            dests[str(t.path)] = (str(txt), str(rep) if write_report else None)
        stream = mapper([str(t.path) for t in largest_first(todo)], config, jobs, dests=dests)
        for oc in stream:
            shield["writing"] = True
            if oc.ok and not oc.extra.get("written"):
                txt, rep = where[oc.path]
                write_outcome(oc, str(txt), str(rep) if write_report else None, durable)
            if oc.ok:
                if below_min_score(oc.report):
                    result.below_min.append(oc.path)
            elif oc.extra.get("fatal"):  # disk full: stop, one line says it all
                result.fatal = oc.extra["fatal"]
            else:
                result.errors.append(oc.error or f"{oc.path}: failed")
            result.outcomes.append(oc)
            shield["writing"] = False
            if shield["stopped"]:
                raise _Terminate()
            if result.fatal:
                break
            if progress:
                progress(1)
    except (KeyboardInterrupt, _Terminate):
        result.interrupted = True
    finally:
        if hasattr(stream, "close"):
            stream.close()  # stops the backend's workers now, not at garbage collection
        for sig, handler in old.items():
            signal.signal(sig, handler)
    if todo and not durable and not result.fatal:  # one flush for every file the run wrote
        sync_folder(out)
    for oc in result.outcomes:
        if oc.extra.get("cached") and below_min_score(oc.report):
            result.below_min.append(oc.path)
    try:
        write_manifest(out, tasks, result)
    except OSError as e:
        reason, fatal = write_problem(e)
        line = f"{out / MANIFEST}: cannot write the manifest: {reason}"
        if fatal and not result.fatal:
            result.fatal = line
        elif not fatal:
            result.errors.append(line)
    return result


def _placed(tasks: list[Task], out: Path, result: BatchResult) -> tuple[list[Task], dict[str, tuple[Path, Path]]]:
    """The tasks whose outputs can be written, with their output paths; the others become
    one error line each (an output that would overwrite an input, or leave `out` through a
    symbolic link inside it)."""
    inputs = {_real(t.path) for t in tasks}
    out_resolved = out.resolve()
    where: dict[str, tuple[Path, Path]] = {}
    safe: list[Task] = []
    for t in tasks:
        try:
            where[str(t.path)] = pair = output_paths(out, t.rel, out_resolved)
        except ValueError:
            result.errors.append(f"{t.path}: its output would leave {out} through a symbolic link inside it; not processed")
            continue
        if any(_real(p) in inputs for p in pair):
            result.errors.append(f"{t.path}: refusing to overwrite an input with its output (choose another --out)")
        else:
            safe.append(t)
    return safe, where


def largest_first(tasks: list[Task]) -> list[Task]:
    """Biggest inputs first (a stable sort by size): with several workers the run does
    not end waiting on one large document started last (longest-processing-time order)."""

    def size(t: Task) -> int:
        try:
            return t.path.stat().st_size
        except OSError:
            return 0  # reported when it is processed

    return sorted(tasks, key=size, reverse=True)


def _real(p: Path) -> str:
    try:
        return str(p.resolve())
    except OSError:
        return str(p.absolute())


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def write_manifest(out: Path, tasks: list[Task], result: BatchResult) -> None:
    """manifest.jsonl: one report per line, in input order; failures as error records
    (with the failure's kind, `worker.FAILURE_KINDS`), then one error record for each
    path that failed before any work (missing, an empty folder, a broken link)."""
    by_path = {oc.path: oc for oc in result.outcomes}
    lines = []
    for t in tasks:
        oc = by_path.get(str(t.path))
        if oc is None:
            continue
        if oc.ok:
            lines.append(oc.extra.get("manifest_line") or dump_json(oc.report, indent=None))
        else:
            lines.append(
                dump_json(
                    {"schema_version": REPORT_SCHEMA_VERSION, "source": {"path": str(t.path)}, "errors": [oc.error],
                     "error_kind": oc.kind},
                    indent=None,
                )
            )
    for path, reason in result.failures:
        record = {"schema_version": REPORT_SCHEMA_VERSION, "source": {"path": path}, "errors": [f"{path}: {reason}"]}
        lines.append(dump_json(record, indent=None))
    write_atomic(out / MANIFEST, "".join(line + "\n" for line in lines))


def stderr_is_tty() -> bool:
    return sys.stderr.isatty()
