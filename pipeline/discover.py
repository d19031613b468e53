"""Finding a batch's inputs and naming their outputs so that no name can hurt.

Output names are valid UTF-8, cannot climb out of `--out`, fit in a file-name
component (a 255-byte input name, or one whose bytes grow when made valid
UTF-8, is cut and given a hash so it stays distinct), and never collide: two
inputs with the same stem keep their suffixes, names made equal by
sanitising get a number, and a file output never takes a name that another
input's output folder needs (`a.md` beside a folder `a.txt/`). The output
folder is never read back: a folder of it inside an input folder is skipped,
and when `--out` is an input folder, the pairs it wrote (`X.txt` beside
`X.report.json`) are not inputs.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .ingest import INPUT_SUFFIXES

MANIFEST = "manifest.jsonl"
REPORT_SUFFIX = ".report.json"
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\\:*?\"<>|]")
# a component's UTF-8 bytes; 255 is the usual NAME_MAX, the rest is room for
# ".md", ".2" and ".report.json" added after it
MAX_COMPONENT_BYTES = 200


@dataclass
class Task:
    """One input and where its outputs go (relative to the output folder)."""

    path: Path
    rel: Path  # output stem relative to --out, suffix not included

    @property
    def display(self) -> str:
        return str(self.path)


def safe_component(name: str) -> str:
    """A file-name component that is valid UTF-8 and cannot climb out of a folder."""
    name = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    name = _UNSAFE.sub("_", name).strip()
    if name in ("", ".", ".."):
        name = "_"
    return fit_component(name)


def fit_component(name: str, limit: int = MAX_COMPONENT_BYTES) -> str:
    """`name` cut to `limit` UTF-8 bytes on a character boundary, with a short hash of the
    whole name appended when it was cut (two long names sharing a prefix stay distinct)."""
    data = name.encode("utf-8")
    if len(data) <= limit:
        return name
    tag = "~" + hashlib.sha256(data).hexdigest()[:10]
    return data[: limit - len(tag)].decode("utf-8", "ignore") + tag


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
    except (ValueError, OSError, RuntimeError):
        return False


def is_own_output(folder: Path, name: str) -> bool:
    """`name` in `folder` is a file a run wrote there: a report, the manifest, or a text
    beside its report."""
    if name.endswith(REPORT_SUFFIX) or name == MANIFEST:
        return True
    return name.endswith(".txt") and os.path.lexists(folder / (name[:-4] + REPORT_SUFFIX))


@dataclass
class Found:
    """What a walk of the command line's paths found: the tasks, the failures (a missing
    path, an empty folder, a broken link: each (path, reason), made error records in the
    manifest) and the notes (files skipped for their suffix, one line each)."""

    tasks: list[Task]
    failures: list[tuple[str, str]]
    notes: list[str]


def discover(paths: Iterable[str | Path], out: Path) -> Found:
    """Expand files and folders (recursively) into Tasks. A file named on the command line
    is always a task (read by content, else as plain text: see `ingest`); in a folder,
    only files with an input suffix are, and every other visible file is one note."""
    found = Found([], [], [])
    out_resolved = out.resolve()
    for raw in paths:
        p = Path(raw)
        if not p.exists() and not p.is_symlink():
            found.failures.append((str(p), "no such file or directory"))
            continue
        if p.is_dir():
            if _walk(p, out_resolved, found) == 0:
                found.failures.append((str(p), f"folder holds no input files ({', '.join(sorted(s for s in INPUT_SUFFIXES if s))})"))
        else:
            found.tasks.append(Task(p, output_rel(p, None)))
    _distinct_outputs(found.tasks)
    return found


def collect_tasks(paths: Iterable[str | Path], out: Path) -> tuple[list[Task], list[str]]:
    """`discover` as (tasks, one error line each)."""
    found = discover(paths, out)
    return found.tasks, [f"{path}: {reason}" for path, reason in found.failures]


def skip_note(f: Path) -> str:
    """The one line said for a file a folder walk does not take."""
    what = f"suffix {f.suffix}" if f.suffix else "no suffix"
    return f"{f}: skipped ({what} is not an input type; name the file to read it as text)"


def _walk(p: Path, out_resolved: Path, found: Found) -> int:
    """Add the input files under folder `p`; returns how many."""
    n = 0
    seen_dirs: set[tuple[int, int]] = set()
    failures = found.failures
    for dirpath, dirnames, filenames in os.walk(p, followlinks=False, onerror=lambda e: failures.append((str(e.filename), str(e.strerror)))):
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
        dirnames[:] = sorted(n for n in dirnames if not n.startswith(".") and not inside(d / n, out_resolved, True))
        in_out = inside(d, out_resolved, True)  # --out is this input folder (or holds it)
        for name in sorted(filenames):
            f = d / name
            if name.startswith("."):
                continue
            if name.endswith(REPORT_SUFFIX) or name == MANIFEST or (in_out and is_own_output(d, name)):
                continue
            if not f.suffix or f.suffix.lower() not in INPUT_SUFFIXES:
                found.notes.append(skip_note(f))
                continue
            if f.is_symlink() and not f.exists():
                failures.append((str(f), _link_problem(f)))
                continue
            found.tasks.append(Task(f, output_rel(f, p)))
            n += 1
    return n


def _distinct_outputs(tasks: list[Task]) -> None:
    """Give every task an output name no other task's outputs or folders use."""
    # two inputs that would share an output name (a.txt and a.pdf) keep their suffix
    by_rel: dict[Path, list[Task]] = {}
    for t in tasks:
        by_rel.setdefault(t.rel, []).append(t)
    for rel, group in by_rel.items():
        if len(group) > 1:
            for i, t in enumerate(group):
                suffix = safe_component(t.path.suffix.lstrip(".")) or str(i)
                t.rel = rel.with_name(f"{rel.name}.{suffix}" if i or suffix else rel.name)
    # a file output must not take the name of a folder another output needs (a.md beside a.txt/)
    folders = {parent for t in tasks for parent in t.rel.parents}
    for t in tasks:
        if _files(t.rel) & folders:
            suffix = safe_component(t.path.suffix.lstrip(".")) or "_"
            t.rel = t.rel.with_name(f"{t.rel.name}.{suffix}")
    # names made equal by sanitising (`a\nb.txt` and `a_b.txt`) must not share an output
    taken: set[Path] = set()
    for t in tasks:
        base, n = t.rel, 1
        while t.rel in taken or _files(t.rel) & folders:
            n += 1
            t.rel = base.with_name(f"{base.name}.{n}")
        taken.add(t.rel)


def _files(rel: Path) -> set[Path]:
    return {rel.with_name(rel.name + ".txt"), rel.with_name(rel.name + REPORT_SUFFIX)}


def _link_problem(f: Path) -> str:
    try:
        f.stat()
    except OSError as e:
        if e.errno == errno.ELOOP:
            return "symbolic link loop"
    return "broken symbolic link (its target does not exist)"


def output_paths(out: Path, rel: Path, out_resolved: Path | None = None) -> tuple[Path, Path]:
    """DIR/<rel>.txt and DIR/<rel>.report.json; `out_resolved` saves resolving `out` again.
    ValueError when one would land outside `out` (a symbolic link inside it)."""
    txt = out / rel.parent / (rel.name + ".txt")
    rep = out / rel.parent / (rel.name + REPORT_SUFFIX)
    base = out_resolved or out.resolve()
    for p in (txt, rep):
        if not inside(p, base, resolved=True):
            raise ValueError(f"output path {p} escapes {out}")
    return txt, rep
