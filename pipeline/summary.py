"""What a person sees during and after a batch: a progress bar and a summary table."""

from __future__ import annotations

import sys
from typing import Any

from tqdm import tqdm

from .batch import BatchResult
from .report import record_fields

MAX_ROWS = 60


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


def summary_rows(res: BatchResult, min_score: float | None = None) -> list[dict[str, Any]]:
    from .quality import below_min_score

    rows = []
    for oc in res.outcomes:
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
    return rows


def print_summary(res: BatchResult, min_score: float | None = None, file: Any = None) -> None:
    """A rich table: file, score, chars in/out, removed, flags, status or error."""
    from rich.console import Console
    from rich.table import Table

    out = file or sys.stdout
    # on a terminal, its width; in a log or a pipe, wide enough that paths stay on one line
    width = Console().width if out.isatty() else 160
    console = Console(file=out, width=max(100, width), soft_wrap=False)
    table = Table(title="ocrclean summary", show_lines=False)
    for col, just in (("file", "left"), ("score", "right"), ("grade", "center"), ("chars in", "right"),
                      ("chars out", "right"), ("removed", "right"), ("flags", "right"), ("status / error", "left")):
        table.add_column(col, justify=just, overflow="fold", ratio=4 if col == "file" else None)
    from rich.markup import escape

    from .cli import one_line  # file names may hold escape sequences: never raw to a terminal

    rows = [{k: escape(one_line(v)) if isinstance(v, str) else v for k, v in r.items()} for r in summary_rows(res, min_score)]
    for row in rows[:MAX_ROWS]:
        if "error" in row:
            table.add_row(row["file"], "", "", "", "", "", "", f"[red]{row['error']}[/red]")
        else:
            table.add_row(row["file"], f"{row['score']:.1f}", row["grade"], str(row["input_chars"]),
                          str(row["output_chars"]), str(row["removed_chars"]), str(row["flag_count"]), row["status"])
    console.print(table)
    ok = [r for r in rows if "error" not in r]
    failed = len(res.errors)
    more = f" ({len(rows) - MAX_ROWS} more rows in manifest.jsonl)" if len(rows) > MAX_ROWS else ""
    mean = sum(r["score"] for r in ok) / len(ok) if ok else 0.0
    console.print(
        f"{len(ok)} processed ({res.cached} unchanged, reused), {failed} failed, "
        f"mean score {mean:.1f}, {sum(r['removed_chars'] for r in ok)} chars removed{more}"
    )
