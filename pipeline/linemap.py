"""Where each source line lands in the output: the map flags and reports resolve lines with.

Below both the quality score and the report (it needs only the Document), so the score's
flags and the report's flags resolve their output lines the same way.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from .document import Document


def output_line_map(doc: Document) -> list[tuple[tuple[int, int], int]]:
    """(source range, output line) for every emitted line, in output order."""
    out: list[tuple[tuple[int, int], int]] = []
    line_no = 1
    if doc.paragraphs:
        for ln in doc.lines:
            if ln.text.strip():
                out.append((ln.src, line_no))
                line_no += 2
        return out
    prev_blank = True
    started = False
    for ln in doc.lines:
        if ln.text.strip():
            if started and prev_blank:
                line_no += 1  # the single blank separator
            out.append((ln.src, line_no))
            line_no += 1
            started = True
            prev_blank = False
        else:
            prev_blank = True
    return out


def resolve_line(mapping: list[tuple[tuple[int, int], int]], src: tuple[int, int]) -> int | None:
    """The output line holding source range `src` (or the nearest one after it)."""
    best = None
    for (a, b), out in mapping:
        if a <= src[1] and src[0] <= b:
            return out
        if a > src[1] and best is None:
            best = out
    return best if best is not None else (mapping[-1][1] if mapping else None)


class LineResolver:
    """`resolve_line(mapping, src)` for many flags: by bisection when the source ranges
    run in output order (the usual case), so a report with many flags stays linear."""

    def __init__(self, mapping: list[tuple[tuple[int, int], int]]):
        self.mapping = mapping
        self.starts = [a for (a, _), _ in mapping]
        self.ends = [b for (_, b), _ in mapping]
        self.ordered = all(x <= y for x, y in zip(self.starts, self.starts[1:], strict=False)) and all(
            x <= y for x, y in zip(self.ends, self.ends[1:], strict=False)
        )

    def __call__(self, src: tuple[int, int]) -> int | None:
        m = self.mapping
        if not self.ordered:
            return resolve_line(m, src)
        hi = bisect_right(self.starts, src[1])  # entries [0, hi) start at or before src ends
        lo = bisect_left(self.ends, src[0])  # entries [lo, n) end at or after src starts
        if lo < hi:
            return m[lo][1]  # the first overlapping one
        if hi < len(m):
            return m[hi][1]  # the first one after it
        return m[-1][1] if m else None
