"""Batch runs: inputs found, outputs named safely, work mapped, results written.

`run_batch` is what `ocrclean run` does: expand folders, skip inputs whose
content and config are unchanged since the last run (the report next to the
output is the cache), run the rest through a backend, write every output
atomically (one filesystem sync for the whole run, `output.fsync`), then the
manifest. Output paths never escape the output folder.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import signal
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .config import Config
from .emit import dump_json, sync_folder, write_atomic
from .ingest import INPUT_SUFFIXES
from .worker import Outcome

MANIFEST = "manifest.jsonl"
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\\:*?\"<>|]")


@dataclass
class Task:
    """One input and where its outputs go (relative to the output folder)."""

    path: Path
    rel: Path  # output stem relative to --out, suffix not included

    @property
    def display(self) -> str:
        return str(self.path)


@dataclass
class BatchResult:
    outcomes: list[Outcome] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # one line each: "<path>: <reason>"
    cached: int = 0
    interrupted: bool = False
    below_min: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return 130
        if self.errors:
            return 2
        if self.below_min:
            return 1
        return 0


def safe_component(name: str) -> str:
    """A file-name component that is valid UTF-8 and cannot climb out of a folder."""
    name = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    name = _UNSAFE.sub("_", name).strip()
    if name in ("", ".", ".."):
        name = "_"
    return name


def output_rel(path: Path, root: Path | None) -> Path:
    """The output stem for `path`: its path under `root` (a given folder), else its name."""
    rel = path.relative_to(root) if root is not None else Path(path.name)
    parts = [safe_component(p) for p in rel.parts]
    stem = parts[-1]
    if "." in stem.lstrip("."):
        stem = stem[: stem.rfind(".")]
    parts[-1] = stem or "_"
    return Path(*parts)


def inside(child: Path, parent: Path, resolved: bool = False) -> bool:
    """`child` lies in `parent` once symbolic links are followed (`resolved`: parent already is)."""
    try:
        child.resolve().relative_to(parent if resolved else parent.resolve())
        return True
    except (ValueError, OSError):
        return False


def collect_tasks(paths: Iterable[str | Path], out: Path) -> tuple[list[Task], list[str]]:
    """Expand files and folders (recursively) into Tasks; errors are one line each."""
    tasks: list[Task] = []
    errors: list[str] = []
    out_resolved = out.resolve()
    for raw in paths:
        p = Path(raw)
        if not p.exists() and not p.is_symlink():
            errors.append(f"{p}: no such file or directory")
            continue
        if p.is_dir():
            found = 0
            seen_dirs: set[tuple[int, int]] = set()
            for dirpath, dirnames, filenames in os.walk(p, followlinks=False, onerror=lambda e: errors.append(f"{e.filename}: {e.strerror}")):
                d = Path(dirpath)
                try:
                    st = d.stat()
                    if (st.st_dev, st.st_ino) in seen_dirs:
                        dirnames[:] = []
                        continue
                    seen_dirs.add((st.st_dev, st.st_ino))
                except OSError:
                    pass
                # never read our own output folder back in, never descend into hidden folders
                dirnames[:] = sorted(
                    n for n in dirnames if not n.startswith(".") and not inside(d / n, out_resolved)
                )
                for name in sorted(filenames):
                    f = d / name
                    if name.startswith(".") or f.suffix.lower() not in INPUT_SUFFIXES or not f.suffix:
                        continue
                    if name.endswith(".report.json") or name == MANIFEST:
                        continue
                    if f.is_symlink() and not f.exists():
                        errors.append(f"{f}: {_link_problem(f)}")
                        continue
                    tasks.append(Task(f, output_rel(f, p)))
                    found += 1
            if found == 0:
                errors.append(f"{p}: folder holds no input files ({', '.join(sorted(s for s in INPUT_SUFFIXES if s))})")
        else:
            tasks.append(Task(p, output_rel(p, None)))
    # two inputs that would share an output name (a.txt and a.pdf) keep their suffix
    by_rel: dict[Path, list[Task]] = {}
    for t in tasks:
        by_rel.setdefault(t.rel, []).append(t)
    for rel, group in by_rel.items():
        if len(group) > 1:
            for i, t in enumerate(group):
                suffix = safe_component(t.path.suffix.lstrip(".")) or str(i)
                t.rel = rel.with_name(f"{rel.name}.{suffix}" if i or suffix else rel.name)
    # names made equal by sanitising (`a\nb.txt` and `a_b.txt`) must not share an output
    taken: set[Path] = set()
    for t in tasks:
        base, n = t.rel, 1
        while t.rel in taken:
            n += 1
            t.rel = base.with_name(f"{base.name}.{n}")
        taken.add(t.rel)
    return tasks, errors


def _link_problem(f: Path) -> str:
    try:
        f.stat()
    except OSError as e:
        if e.errno == errno.ELOOP:
            return "symbolic link loop"
    return "broken symbolic link (its target does not exist)"


def output_paths(out: Path, rel: Path, out_resolved: Path | None = None) -> tuple[Path, Path]:
    """DIR/<rel>.txt and DIR/<rel>.report.json; `out_resolved` saves resolving `out` again."""
    txt = out / rel.parent / (rel.name + ".txt")
    rep = out / rel.parent / (rel.name + ".report.json")
    base = out_resolved or out.resolve()
    for p in (txt, rep):
        if not inside(p, base, resolved=True):
            raise ValueError(f"output path {p} escapes {out}")
    return txt, rep


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
    txt, rep = output_paths(out, task.rel)
    if not (txt.is_file() and rep.is_file()):
        return None
    try:
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


def fsync_each_file(config: Config) -> bool:
    """`output.fsync = "file"`: every output fsynced before its rename (else one sync a run)."""
    return config.section("output")["fsync"] == "file"


def write_outcome(out: Path, task: Task, oc: Outcome, write_report: bool = True, durable: bool = True) -> None:
    txt, rep = output_paths(out, task.rel)
    write_pair(oc, str(txt), str(rep) if write_report else None, durable)


def write_pair(oc: Outcome, txt: str, rep: str | None, durable: bool = True) -> None:
    """The clean text and its report, each written atomically (text first), and the
    report's manifest line made here too: in a pool worker that work runs in parallel.
    `durable`: fsync each file (`output.fsync = "file"`); a batch otherwise syncs once."""
    assert oc.text is not None and oc.report is not None
    oc.report["output"]["path"] = txt
    oc.report["output"]["report_path"] = rep
    write_atomic(Path(txt), oc.text, durable)
    if rep is not None:
        write_atomic(Path(rep), dump_json(oc.report), durable)
    oc.extra["manifest_line"] = dump_json(oc.report, indent=None)
    oc.extra["written"] = True


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
    from .backends import get_backend
    from .quality import apply_min_score, below_min_score

    config = apply_min_score(config, min_score)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tasks, errors = collect_tasks(paths, out)
    result = BatchResult(errors=list(errors))
    inputs = {_real(t.path) for t in tasks}
    out_resolved = out.resolve()
    where = {str(t.path): output_paths(out, t.rel, out_resolved) for t in tasks}
    safe: list[Task] = []
    for t in tasks:
        if any(_real(p) in inputs for p in where[str(t.path)]):
            result.errors.append(f"{t.path}: refusing to overwrite an input with its output (choose another --out)")
        else:
            safe.append(t)
    tasks = safe
    by_path = {str(t.path): t for t in tasks}
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
    try:
        mapper = get_backend(backend)
        # where each output goes: the local backend's workers write their own (in parallel)
        dests = {}
        for t in todo:
            txt, rep = where[str(t.path)]
            dests[str(t.path)] = (str(txt), str(rep) if write_report else None)
        for oc in mapper([str(t.path) for t in largest_first(todo)], config, jobs, dests=dests):
            task = by_path[oc.path]
            shield["writing"] = True
            if oc.ok:
                if not oc.extra.get("written"):
                    write_outcome(out, task, oc, write_report, durable)
                if below_min_score(oc.report):
                    result.below_min.append(oc.path)
            else:
                result.errors.append(oc.error or f"{oc.path}: failed")
            result.outcomes.append(oc)
            shield["writing"] = False
            if shield["stopped"]:
                raise _Terminate()
            if progress:
                progress(1)
    except (KeyboardInterrupt, _Terminate):
        result.interrupted = True
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)
    if todo and not durable:  # one flush for every file the run wrote, before the manifest
        sync_folder(out)
    for oc in result.outcomes:
        if oc.extra.get("cached") and below_min_score(oc.report):
            result.below_min.append(oc.path)
    write_manifest(out, tasks, result)
    return result


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
    import threading

    return threading.current_thread() is threading.main_thread()


def write_manifest(out: Path, tasks: list[Task], result: BatchResult) -> None:
    """manifest.jsonl: one report per line, in input order; failures as error records."""
    from . import REPORT_SCHEMA_VERSION

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
                    {"schema_version": REPORT_SCHEMA_VERSION, "source": {"path": str(t.path)}, "errors": [oc.error]},
                    indent=None,
                )
            )
    write_atomic(out / MANIFEST, "".join(line + "\n" for line in lines))


def stderr_is_tty() -> bool:
    return sys.stderr.isatty()
