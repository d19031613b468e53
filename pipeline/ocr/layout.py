"""Layout analysis: recursive XY-cut into blocks, vertical blocks, reading order.

A page is cut recursively at whitespace: vertical gaps wider than a column
gutter (`column_gap` char heights) split columns, horizontal gaps taller than
`block_gap` char heights split blocks. Line spacing is smaller than both, so a
column is never cut into lines, and aligned lines in neighbouring columns are
never read across the gutter (RapidOCR's and bare Tesseract's failure).

Reading order: bands from a horizontal cut stay in place, top to bottom (a
full-width title stays first); inside a band split into columns, vertical
text blocks (headlines) come first, right to left, then the other blocks left
to right, each read top to bottom.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Block:
    """A text block in page pixel coordinates (end-exclusive)."""

    x0: int
    y0: int
    x1: int
    y1: int
    vertical: bool = False
    columns: tuple[tuple[int, int], ...] = ()  # vertical text: glyph columns' x ranges, right to left

    @property
    def width(self) -> int:
        return self.x1 - self.x0

    @property
    def height(self) -> int:
        return self.y1 - self.y0


def _runs(filled: np.ndarray) -> list[tuple[int, int]]:
    """Start/end (exclusive) of each run of True values."""
    if not filled.size:
        return []
    d = np.diff(np.concatenate(([0], filled.astype(np.int8), [0])))
    return list(zip(np.flatnonzero(d == 1).tolist(), np.flatnonzero(d == -1).tolist(), strict=True))


def _profile(mask: np.ndarray, axis: int, tol: int) -> np.ndarray:
    """Rows (axis=1) or columns (axis=0) holding more than `tol` ink pixels."""
    return (mask > 0).sum(axis=axis) > tol


def _gaps(filled: np.ndarray, min_gap: float) -> list[tuple[int, int]]:
    """Interior runs of empty positions at least `min_gap` long."""
    runs = _runs(filled)
    return [(a[1], b[0]) for a, b in zip(runs, runs[1:], strict=False) if b[0] - a[1] >= min_gap]


def _split(spans: list[tuple[int, int]], gaps: list[tuple[int, int]], lo: int, hi: int) -> list[tuple[int, int]]:
    cuts = [lo] + [x for g in gaps for x in g] + [hi]
    return [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts), 2)]


def is_vertical(mask: np.ndarray, ch: float, cfg: dict) -> bool:
    """Vertical text: tall and narrow (a few characters wide), stacked glyphs.

    A narrow body column is tall too, but many characters wide; a vertical
    headline is one to a few glyph columns, each glyph separated from the next
    by a horizontal gap (the row profile is broken every character).
    """
    h, w = mask.shape
    if h < cfg["vertical_aspect"] * w or w > cfg["vertical_max_chars"] * ch or h < 3 * ch:
        return False
    glyph_rows = _runs(_profile(mask, 1, 0))
    return len(glyph_rows) >= 3


def _trim(mask: np.ndarray, x0: int, y0: int, x1: int, y1: int, tol: int) -> tuple[int, int, int, int] | None:
    sub = mask[y0:y1, x0:x1]
    rows = np.flatnonzero(_profile(sub, 1, tol))
    cols = np.flatnonzero(_profile(sub, 0, tol))
    if not rows.size or not cols.size:
        return None
    return x0 + int(cols[0]), y0 + int(rows[0]), x0 + int(cols[-1]) + 1, y0 + int(rows[-1]) + 1


def _xycut(mask: np.ndarray, box: tuple[int, int, int, int], ch: float, cfg: dict, depth: int) -> list[Block]:
    tol = 1  # a pixel or two of leftover speckle does not fill a gap
    trimmed = _trim(mask, *box, tol)
    if trimmed is None:
        return []
    x0, y0, x1, y1 = trimmed
    sub = mask[y0:y1, x0:x1]
    if (sub > 0).sum() < 0.15 * ch * ch or (x1 - x0 < 0.4 * ch and y1 - y0 < 0.4 * ch):
        return []  # a speck, not text
    if depth < 40:
        # full-width gaps first: bands (a title, an article) keep their place on the page
        hgaps = _gaps(_profile(sub, 1, tol), cfg["block_gap"] * ch)
        if hgaps:
            out: list[Block] = []
            for a, b in _split([], hgaps, 0, y1 - y0):
                out += _xycut(mask, (x0, y0 + a, x1, y0 + b), ch, cfg, depth + 1)
            return out
        if y1 - y0 > 2.5 * ch:  # a single line is never split into columns
            vgaps = _gaps(_profile(sub, 0, tol), cfg["column_gap"] * ch)
            if vgaps:
                parts = [_xycut(mask, (x0 + a, y0, x0 + b, y1), ch, cfg, depth + 1)
                         for a, b in _split([], vgaps, 0, x1 - x0)]
                return _order_columns(parts)
    if is_vertical(sub, ch, cfg):
        return [Block(x0, y0, x1, y1, True, glyph_columns(sub, ch, x0))]
    return [Block(x0, y0, x1, y1)]


def glyph_columns(sub: np.ndarray, ch: float, x0: int) -> tuple[tuple[int, int], ...]:
    """The glyph columns of a vertical block, right to left (Tesseract's psm 5 reads only one)."""
    runs = _runs(_profile(sub, 0, 0))
    merged: list[list[int]] = []
    for a, b in runs:
        if merged and a - merged[-1][1] < 0.25 * ch:
            merged[-1][1] = b
        else:
            merged.append([a, b])
    return tuple((x0 + a, x0 + b) for a, b in reversed(merged))


def _order_columns(parts: list[list[Block]]) -> list[Block]:
    """Columns left to right, but vertical headline blocks first, right to left."""
    flat = [b for p in parts for b in p]
    vertical = sorted((b for b in flat if b.vertical), key=lambda b: -b.x1)
    return vertical + [b for b in flat if not b.vertical]


def analyse(mask: np.ndarray, ch: float, cfg: dict) -> list[Block]:
    """Text blocks of a page in reading order (the whole page when layout is off)."""
    h, w = mask.shape[:2]
    if not cfg["layout"] or ch <= 0:
        box = _trim(mask, 0, 0, w, h, 1)
        return [Block(*box)] if box and ch > 0 else []
    return _xycut(mask, (0, 0, w, h), ch, cfg, 0)
