"""What a person sees during and after a batch: a progress bar and a summary table.

The table fits the terminal it is printed on, and 80 columns when the output is
not a terminal (a log, a pipe, CI; `COLUMNS` sets another width): a long path is cut in its middle (`in/…/r042.txt`),
where two names differ least, and a long error in the table ends in `…` (the whole
line is on stderr). Rows come in input order (the order of the arguments, each
folder as the run walks it: its files, then its subfolders, by name), not in the
order the workers finished. `run --json` prints the same rows as one JSON object.
"""

from __future__ import annotations

import sys
from typing import Any

from tqdm import tqdm

from .batch import BatchResult
from .report import record_fields
from .text.display import one_line

MAX_ROWS = 60
WIDTH = 80  # the table's width when stdout is not a terminal
MAX_STATUS = 24  # cells of the status column; an error's whole line is on stderr
SEPARATOR = 3  # cells between two columns: padding, the rule, padding


class Progress:
    """A tqdm bar on stderr that stays silent when stderr is not a terminal."""

    def __init__(self, enabled: bool = True, unit: str = "doc"):
        self.enabled = enabled and sys.stderr.isatty()
        self.unit = unit
        self.bar: tqdm | None = None

    def __enter__(self) -> Progress:
        if self.enabled:
            self.bar = tqdm(total=0, unit=self.unit, file=sys.stderr, dynamic_ncols=True, desc="ocrclean")
        return self

    def set_total(self, n: int) -> None:
        if self.bar is not None:
            self.bar.total = n
            self.bar.refresh()

    def update(self, n: int = 1) -> None:
        if self.bar is not None and n:
            self.bar.update(n)

    def __exit__(self, *exc: Any) -> None:
        if self.bar is not None:
            self.bar.close()


def input_order(paths: list[str] | None) -> Any:
    """A sort key putting outcome paths in input order: the index of the argument the path
    came from, then its place in a top-down walk (files of a folder before its subfolders)."""
    args = [str(p).rstrip("/") or "/" for p in (paths or [])]

    def key(path: str) -> tuple[int, list[tuple[int, str]]]:
        for i, a in enumerate(args):
            if path == a:
                return i, []
            if path.startswith(a + "/") or a == "/":
                parts = path[len(a):].strip("/").split("/")
                return i, [(1, d) for d in parts[:-1]] + [(0, parts[-1])]
        return len(args), [(0, path)]

    return key


def summary_rows(res: BatchResult, min_score: float | None = None, inputs: list[str] | None = None) -> list[dict[str, Any]]:
    """One row per outcome, in input order when `inputs` (the run's arguments) is given."""
    from .quality import below_min_score

    rows = []
    for oc in sorted(res.outcomes, key=lambda oc: input_order(inputs)(oc.path)) if inputs else res.outcomes:
        if not oc.ok:
            rows.append({"file": oc.path, "error": oc.error})
            continue
        r = oc.report
        q = r["quality"]
        status = "cached" if oc.extra.get("cached") else "ok"
        if below_min_score(r):
            status = f"below {q.get('min_score', min_score or 0):g}"
        f = record_fields(r)  # the names of docs/report.md
        rows.append(
            {
                "file": r["source"]["path"],
                "score": q["score"],
                "grade": q.get("grade", ""),
                **{k: f[k] for k in ("input_chars", "output_chars", "removed_chars", "flag_count")},
                "status": status,
            }
        )
    rows += [{"file": path, "error": f"{path}: {reason}"} for path, reason in getattr(res, "failures", [])]
    return rows


def summary_json(res: BatchResult, inputs: list[str] | None = None) -> dict[str, Any]:
    """`run --json`: the totals and every row, one JSON object."""
    rows = summary_rows(res, inputs=inputs)
    ok = [r for r in rows if "error" not in r]
    return {
        "exit_code": res.exit_code,
        "processed": len(ok),
        "cached": res.cached,
        "failed": len(res.errors) + bool(res.fatal),
        "interrupted": res.interrupted,
        "mean_score": round(sum(r["score"] for r in ok) / len(ok), 2) if ok else None,
        "removed_chars": sum(r["removed_chars"] for r in ok),
        "below_min_score": list(res.below_min),
        "errors": list(res.errors) + ([res.fatal] if res.fatal else []),
        "files": rows,
    }


def elide_middle(text: str, width: int) -> str:
    """`text` in at most `width` terminal cells (CJK counts double), its middle replaced by
    "…"; the end keeps the file's own name when it fits beside a few cells of the head,
    and two thirds of the room at least."""
    from rich.cells import cell_len

    if cell_len(text) <= width:
        return text
    room = max(width - 1, 0)
    name = "/" + text.rsplit("/", 1)[-1]
    tail_room = max(room * 2 // 3, min(cell_len(name), room - min(4, room // 3)))
    tail, used = "", 0
    for ch in reversed(text):
        if used + cell_len(ch) > tail_room:
            break
        tail, used = ch + tail, used + cell_len(ch)
    head = ""
    for ch in text:
        if used + cell_len(ch) > room:
            break
        head, used = head + ch, used + cell_len(ch)
    return head + "…" + tail


def _elide_end(text: str, width: int) -> str:
    from rich.cells import cell_len, set_cell_size

    return text if cell_len(text) <= width else set_cell_size(text, width - 1) + "…"


COLUMNS = (("file", "left"), ("score", "right"), ("grade", "center"), ("in", "right"), ("out", "right"),
           ("removed", "right"), ("flags", "right"), ("status", "left"))


def _cells(row: dict[str, Any]) -> list[str]:
    if "error" in row:
        return [row["file"], "", "", "", "", "", "", _elide_end(row["error"] or "failed", MAX_STATUS)]
    return [row["file"], f"{row['score']:.1f}", row["grade"], str(row["input_chars"]), str(row["output_chars"]),
            str(row["removed_chars"]), str(row["flag_count"]), _elide_end(row["status"], MAX_STATUS)]


def _width(out: Any) -> int:
    """COLUMNS when set (a CI log that wants wide rows), else the terminal's, else 80."""
    import os

    from rich.console import Console

    cols = os.environ.get("COLUMNS", "")
    if cols.isdigit() and int(cols) >= 40:
        return int(cols)
    return Console(file=out).width if out.isatty() else WIDTH


def print_summary(res: BatchResult, min_score: float | None = None, file: Any = None,
                  inputs: list[str] | None = None, width: int | None = None) -> None:
    """A table of file, score, grade, chars in/out, removed, flags and status (or error) that
    fits `width` (the terminal's, else 80), then one line of totals."""
    from rich import box
    from rich.cells import cell_len
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table


    out = file or sys.stdout
    width = width or _width(out)
    rows = summary_rows(res, min_score, inputs)
    cells = [[one_line(c) for c in _cells(r)] for r in rows[:MAX_ROWS]]
    fixed = [max([cell_len(name), *(cell_len(c[k]) for c in cells)]) for k, (name, _) in enumerate(COLUMNS)][1:]
    file_width = max(12, width - sum(fixed) - SEPARATOR * (len(COLUMNS) - 1))
    console = Console(file=out, width=width, soft_wrap=False, highlight=False)
    table = Table(title="ocrclean summary", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for k, (name, just) in enumerate(COLUMNS):
        table.add_column(name, justify=just, no_wrap=True, overflow="ellipsis",  # type: ignore[arg-type]
                         width=file_width if k == 0 else fixed[k - 1])
    for row, c in zip(rows, cells, strict=False):
        shown = [escape(elide_middle(c[0], file_width)), *map(escape, c[1:])]
        if "error" in row:
            shown[-1] = f"[red]{shown[-1]}[/red]"
        table.add_row(*shown)
    console.print(table)
    ok = [r for r in rows if "error" not in r]
    failed = len(res.errors)
    more = f" ({len(rows) - MAX_ROWS} more rows in manifest.jsonl)" if len(rows) > MAX_ROWS else ""
    mean = sum(r["score"] for r in ok) / len(ok) if ok else 0.0
    console.print(
        f"{len(ok)} processed ({res.cached} unchanged, reused), {failed} failed, "
        f"mean score {mean:.1f}, {sum(r['removed_chars'] for r in ok)} chars removed{more}"
    )
