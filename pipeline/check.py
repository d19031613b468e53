"""`ocrclean check`: is a file in clean form, and does it score high enough?

"Clean form" means cleaning the file again yields exactly its bytes (the
pipeline is idempotent, so a cleaned file stays clean). Problems print as
`path:line: kind: message`, the format editors and pre-commit users know.
`--fix` rewrites files in place (the `ocrclean-fix` hook) and, like
`end-of-file-fixer`, fails when it changed something; a symbolic link is
written through (its target changes, the link stays).

Only plain text has a clean form (`.txt`, `.text`, `.tex`, no suffix): any
other file, named or in a folder, is skipped with a one-line note, never
rewritten (a README.md used to be flattened by `--fix`). A missing path and a
folder with nothing to check fail as they do for `run` (exit 2).

A file is read with the same checks as `run` (a regular file, under
`limits.max_text_bytes`), and cleaning plus comparing run under the same
per-document time limit (`worker.run_one`). The comparison is a line
diff of near-linear cost (`linediff`), not difflib's cubic worst case.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .config import Config
from .emit import dump_json, write_atomic
from .ingest import PLAIN_SUFFIXES
from .linediff import opcodes
from .quality import apply_min_score, below_min_score
from .worker import Source, run_one

MAX_PROBLEMS_PER_FILE = 20


@dataclass
class Problem:
    line: int
    kind: str
    message: str


@dataclass
class FileCheck:
    """The verdict on one file."""

    path: str
    clean: bool = True
    score: float | None = None
    grade: str | None = None
    fixed: bool = False
    passed: bool = True  # quality.passed: the score reaches [quality] min_score (--min-score)
    error: str | None = None
    problems: list[Problem] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)
    clean_text: str | None = field(default=None, repr=False)  # the clean form, when the file is not in it

    def lines(self) -> list[str]:
        return [f"{self.path}:{p.line}: {p.kind}: {p.message}" for p in self.problems]

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["removed_count"] = len(d.pop("removed"))  # `removed` is always the spans (docs/report.md)
        del d["clean_text"]
        return d


def select(paths: list[str]) -> tuple[list[Path], list[FileCheck], list[str]]:
    """(files to check, failures, notes). Only plain text has a clean form (`.txt`, `.text`,
    `.tex`, no suffix): any other file, named or found in a folder, is one note and is
    neither rewritten nor failed (a README.md, a page.html, a scan). A missing path and a
    folder with nothing to check fail, as they do for `run`."""
    files: list[Path] = []
    failed: list[FileCheck] = []
    notes: list[str] = []
    for raw in paths:
        p = Path(raw)
        if not p.exists() and not p.is_symlink():
            failed.append(FileCheck(str(p), error=f"{p}: no such file or directory"))
        elif p.is_dir():
            before = len(files)
            for dirpath, dirnames, filenames in os.walk(p):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    f = Path(dirpath) / name
                    if name.startswith("."):
                        continue
                    if f.suffix and f.suffix.lower() in PLAIN_SUFFIXES:
                        files.append(f)
                    else:
                        notes.append(_skip_note(f))
            if len(files) == before:
                kinds = ", ".join(sorted(s for s in PLAIN_SUFFIXES if s))
                failed.append(FileCheck(str(p), error=f"{p}: folder holds no input files ({kinds}: the plain text check compares)"))
        elif p.suffix.lower() in PLAIN_SUFFIXES:
            files.append(p)
        else:
            notes.append(_skip_note(p))
    return files, failed, notes


def _skip_note(f: Path) -> str:
    what = f"a {f.suffix} file" if f.suffix else "a file without a suffix in a folder"
    return f"{f}: skipped ({what}: only plain text has a clean form to check; `ocrclean run` cleans it)"


def expand(paths: list[str]) -> list[Path]:
    """The files `select` checks."""
    return select(paths)[0]


def _short(s: str, n: int = 60) -> str:
    s = s.replace("\r", "\\r")
    return s if len(s) <= n else s[: n - 1] + "…"


def _byte_reason(raw: bytes, clean: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        return "starts with a byte-order mark"
    if b"\r" in raw:
        return "has CR or CRLF line endings"
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return "is not UTF-8"
    if raw.rstrip(b"\n") == clean.rstrip(b"\n"):
        return "does not end with exactly one newline"
    return "differs from its clean form (Unicode normalization or invisible characters)"


def _around(a: str, b: str, width: int = 24) -> str:
    """`'…old…' -> '…new…'` around the first difference of two long lines."""
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    j = 0
    while j < min(len(a), len(b)) - i and a[-1 - j] == b[-1 - j]:
        j += 1
    start = max(0, i - width // 2)

    def cut(s: str) -> str:
        mid = s[start : max(len(s) - j + width // 2, i + 1)]
        return ("…" if start else "") + _short(mid, width * 2)

    return f"{cut(a)!r} -> {cut(b)!r}"


def _key(line: str) -> str:
    """A line's letters and digits only: lines equal by key differ in spacing or punctuation."""
    return "".join(ch for ch in line if ch.isalnum())


def _hunk(old: list[str], new: list[str], i1: int, i2: int, j1: int, j2: int) -> Problem:
    gone = [s for s in old[i1:i2] if s.strip()]
    came = [s for s in new[j1:j2] if s.strip()]
    line = min(i1 + 1, len(old))
    if not gone and not came:
        return Problem(line, "blank-lines", "paragraphs must be separated by exactly one blank line")
    if not came:
        return Problem(line, "removed", f"{i2 - i1} line(s) would be removed: {_short(gone[0])!r}")
    if not gone:
        return Problem(line, "added", f"{_short(came[0])!r}")
    if len(gone) > 1 and len(came) == 1:
        return Problem(line, "joined", f"lines {i1 + 1}-{i2} would be joined into one paragraph")
    return Problem(line, "changed", _around(gone[0], came[0]))


def _byte_problems(raw: bytes) -> tuple[list[Problem], str]:
    """File-level byte problems (BOM, CR line endings, not UTF-8) and the text without them."""
    probs: list[Problem] = []
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("utf-8", "replace")
        probs.append(Problem(1, "bytes", "file is not UTF-8 (cleaning converts it)"))
    if text.startswith("\ufeff"):
        probs.append(Problem(1, "bytes", "file starts with a byte-order mark"))
        text = text[1:]
    if "\r" in text:
        line = text[: text.index("\r")].count("\n") + 1
        probs.append(Problem(line, "bytes", "CR or CRLF line endings (LF only)"))
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return probs, text


def diff_problems(raw: bytes, clean: str) -> list[Problem]:
    """One problem per changed hunk, numbered by the file's own lines.

    Lines are aligned by their letters and digits first, so a line whose only
    change is spacing or punctuation is reported as that line, not as a shift.
    """
    probs, text = _byte_problems(raw)
    if probs and probs[0].message.startswith("file is not UTF-8"):
        return probs  # every line would differ: the encoding is the one problem to report
    old = text.split("\n")
    new = clean.split("\n")
    for tag, i1, i2, j1, j2 in opcodes([_key(s) for s in old], [_key(s) for s in new]):
        blank = not any(s.strip() for s in old[i1:i2] + new[j1:j2])
        if tag == "insert" and blank and i1 == len(old):
            probs.append(Problem(len(old), "bytes", "no newline at end of file"))
        elif tag == "delete" and blank and i2 == len(old):
            probs.append(Problem(i1 + 1, "blank-lines", "blank line(s) at end of file"))
        elif tag != "equal":
            probs.append(_hunk(old, new, i1, i2, j1, j2))
        else:
            for k in range(i2 - i1):
                a, b = old[i1 + k], new[j1 + k]
                if a != b:
                    kind = "spacing" if "".join(a.split()) == "".join(b.split()) else "changed"
                    probs.append(Problem(i1 + k + 1, kind, _around(a, b)))
    if not probs and raw != clean.encode("utf-8"):
        probs.append(Problem(1, "bytes", "file " + _byte_reason(raw, clean.encode("utf-8"))))
    return probs


def _compare(fc: FileCheck, raw: bytes, res: Any) -> None:
    """Fill `fc` from the cleaning result: score, and the problems when `raw` is not clean."""
    fc.score = float(res.report["quality"]["score"])
    fc.grade = res.report["quality"].get("grade")
    fc.removed = res.report["removed"]
    if res.report["source"]["kind"] != "text":
        fc.error = f"{fc.path}: only text files have a clean form (this is {res.report['source']['kind']})"
        return
    if raw != res.text.encode("utf-8"):
        fc.clean = False
        fc.clean_text = res.text
        fc.problems = diff_problems(raw, res.text)
        if len(fc.problems) > MAX_PROBLEMS_PER_FILE:
            more = len(fc.problems) - MAX_PROBLEMS_PER_FILE
            fc.problems = fc.problems[:MAX_PROBLEMS_PER_FILE]
            fc.problems.append(Problem(fc.problems[-1].line, "more", f"{more} more change(s) not shown"))


def _write_through(path: Path, data: bytes) -> None:
    """Replace the file at `path` atomically, keeping its mode; a symbolic link is followed
    (its target is rewritten and the link stays a link)."""
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    mode = target.stat().st_mode & 0o7777
    write_atomic(target, data)
    os.chmod(target, mode)


def check_file(
    path: Path,
    config: Config,
    *,
    min_score: float | None = None,
    fix: bool = False,
    report_dir: Path | None = None,
) -> FileCheck:
    """Clean `path` with the shared Pipeline and compare with its bytes (`worker.run_one`:
    the limits and failures of every command)."""
    config = apply_min_score(config, min_score)
    fc = FileCheck(str(path))
    oc = run_one(Source.file(path), config, finish=lambda res, raw: _compare(fc, raw, res))
    if not oc.ok:
        fc.error = oc.error
        return fc
    if fc.error:
        return fc
    res = oc
    fc.passed = not below_min_score(res.report)
    if fix and not fc.clean:
        try:
            _write_through(path, res.text.encode("utf-8"))
        except OSError as e:
            fc.error = f"{path}: cannot write the fixed file: {e.strerror or e}"
            return fc
        fc.fixed = True
    if not fc.passed:
        q = res.report["quality"]
        comps = q.get("components") or {}
        worst = sorted(comps.items(), key=lambda kv: -float(kv[1].get("penalty", 0)))[:3]
        detail = ", ".join(f"{k} -{v['penalty']:g}" for k, v in worst if v.get("penalty"))
        fc.problems.append(
            Problem(1, "low-score", f"quality score {fc.score:.1f} is below {q['min_score']:g}" + (f" ({detail})" if detail else ""))
        )
    if report_dir is not None and (fc.fixed or not fc.clean):
        report_dir.mkdir(parents=True, exist_ok=True)
        write_atomic(report_dir / f"{path.name}.report.json", dump_json(res.report))
    return fc


def check_one(path: Path, config: Config, fix: bool, report_dir: Path | None) -> FileCheck:
    """`check_file` with positional arguments: what `check` runs in its worker process."""
    return check_file(path, config, fix=fix, report_dir=report_dir)


def removed_lines(fc: FileCheck) -> list[str]:
    """What a fix took out, one line per removed span (reason, stage, source line)."""
    out = []
    for r in fc.removed:
        src = r.get("source_lines") or [1, 1]
        out.append(f"{fc.path}:{src[0]}: removed ({r['reason']}, {r['stage']}): {_short(r['text'], 80)!r}")
    return out


def exit_code(results: list[FileCheck], min_score: float | None = None) -> int:
    """0 all clean (and scores fine), 1 not clean / fixed / below score, 2 a file failed."""
    if any(r.error for r in results):
        return 2
    if any(not r.clean or r.fixed for r in results):
        return 1
    if any(not r.passed or (min_score is not None and r.score is not None and r.score < min_score) for r in results):
        return 1
    return 0

