"""Reading order for one PDF page's text layer: columns, side bars, vertical text.

pdfplumber has no column detection: its lines run across the whole page, so a
side bar interleaves with the body line by line (and stacked chart labels chain
distant lines into one). We order chars ourselves with a recursive XY-cut:

* a region is cut at a vertical *gutter* (an x-range no char covers) when both
  sides look like text columns: each at least `min_column_chars` characters
  wide and not a table (a side with two or more full-height gaps of its own is
  a block of table columns, and a table read column by column loses its rows);
* otherwise it is cut at every large horizontal gap (a blank band at least
  `block_gap` character heights tall), and each band is ordered again;
* what is left is a block: chars grouped into rows, rows top to bottom.

Vertical text is taken out first and kept whole: rotated chars
(`upright=False`) and upright glyphs stacked one per row (vertical writing).
"""

from __future__ import annotations

import bisect
import statistics
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Item:
    """A char, or a whole vertical run: the unit the XY-cut moves around."""

    x0: float
    top: float
    x1: float
    bottom: float
    text: str
    size: float
    vertical: bool = False


@dataclass
class TextLine:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    conf: float | None = None  # OCR confidence when the line was read from pixels
    size: float = 0.0  # median glyph size (0: take the line height)
    gaps: int = 0  # gaps wider than a glyph inside the line: table cells


@dataclass
class Block:
    """Lines read in order; `vertical` when it is one run of vertical text."""

    lines: list[TextLine] = field(default_factory=list)
    vertical: bool = False
    right: float | None = None  # right edge of the column the block sits in


def _item(c: dict[str, Any]) -> Item:
    size = float(c.get("size") or (c["bottom"] - c["top"]) or 1.0)
    return Item(float(c["x0"]), float(c["top"]), float(c["x1"]), float(c["bottom"]), c["text"], size)


# -- vertical text ------------------------------------------------------------------
def _runs(items: list[Item], key_x: float = 0.35, max_gap: float = 0.8) -> list[list[Item]]:
    """Chains of items stacked top to bottom on one x-centre."""
    items = sorted(items, key=lambda i: ((i.x0 + i.x1) / 2, i.top))
    runs: list[list[Item]] = []
    for it in sorted(items, key=lambda i: i.top):
        xc = (it.x0 + it.x1) / 2
        for run in runs:
            last = run[-1]
            if abs((last.x0 + last.x1) / 2 - xc) < key_x * it.size and -0.2 * it.size <= it.top - last.bottom <= max_gap * it.size:
                run.append(it)
                break
        else:
            runs.append([it])
    return runs


def _has_row_neighbour(chars: list[Item], mids: list[float], i: int) -> bool:
    c = chars[i]
    lo = bisect.bisect_left(mids, (c.top + c.bottom) / 2 - 0.5 * c.size)
    hi = bisect.bisect_right(mids, (c.top + c.bottom) / 2 + 0.5 * c.size)
    for j in range(lo, hi):
        if j == i:
            continue
        d = chars[j]
        gap = max(d.x0 - c.x1, c.x0 - d.x1)
        if gap <= 0.6 * min(c.size, d.size):
            return True
    return False


def split_vertical(chars: list[dict[str, Any]], min_run: int = 3) -> tuple[list[Item], list[Item]]:
    """(horizontal chars, vertical runs as single Items)."""
    upright = sorted((_item(c) for c in chars if c.get("upright", True)), key=lambda i: (i.top + i.bottom) / 2)
    rotated = [c for c in chars if not c.get("upright", True)]
    mids = [(i.top + i.bottom) / 2 for i in upright]
    lonely = [k for k in range(len(upright)) if upright[k].text.strip() and not _has_row_neighbour(upright, mids, k)]
    runs = [r for r in _runs([upright[k] for k in lonely]) if len(r) >= min_run]
    taken = {id(i) for r in runs for i in r}
    horizontal = [i for i in upright if id(i) not in taken and i.text.strip()]
    vertical = [_merge_run(r) for r in runs]
    vertical += [_merge_run(r, _reads_upward(rotated)) for r in _runs([_rot_item(c) for c in rotated], 0.5, 1.5)]
    return horizontal, vertical


def _rot_item(c: dict[str, Any]) -> Item:
    it = _item(c)
    it.size = max(it.x1 - it.x0, 1.0)  # rotated: the glyph's height lies along x
    return it


def _reads_upward(rotated: list[dict[str, Any]]) -> bool:
    """Rotated text advancing up the page (matrix b > 0) reads bottom to top."""
    ups = sum(1 for c in rotated if c.get("matrix") and c["matrix"][1] > 0)
    return ups > len(rotated) / 2


def _merge_run(run: list[Item], upward: bool = False) -> Item:
    run = sorted(run, key=lambda i: i.top, reverse=upward)
    return Item(
        min(i.x0 for i in run), min(i.top for i in run), max(i.x1 for i in run), max(i.bottom for i in run),
        "".join(i.text for i in run), statistics.median(i.size for i in run), vertical=True,
    )


# -- the XY-cut -----------------------------------------------------------------------
def _gaps(spans: list[tuple[float, float]], min_gap: float) -> list[tuple[float, float]]:
    """Uncovered intervals between the spans (inside their hull) at least `min_gap` wide."""
    out: list[tuple[float, float]] = []
    spans = sorted(spans)
    reach = spans[0][1]
    for a, b in spans[1:]:
        if a - reach >= min_gap:
            out.append((reach, a))
        reach = max(reach, b)
    return out


def _size(items: list[Item]) -> float:
    sizes = [i.size for i in items if not i.vertical] or [i.size for i in items]
    return statistics.median(sizes)


def _weak_gaps(side: list[Item], size: float, min_gap: float) -> int:
    """Inner x-ranges that almost no row covers (spanning headers and footers do not count)."""
    import numpy as np

    x0 = min(i.x0 for i in side)
    width = int(max(i.x1 for i in side) - x0) + 2
    cover = np.zeros(width, dtype=np.int32)
    rows = _rows(side)
    for row in rows:
        hit = np.zeros(width, dtype=bool)
        for i in row:
            hit[int(i.x0 - x0) : int(i.x1 - x0) + 1] = True
        cover += hit
    weak = cover <= max(2, len(rows) // 10)
    edges = np.flatnonzero(np.diff(np.concatenate(([0], weak.astype(np.int8), [0]))))
    runs = [(a, b) for a, b in zip(edges[::2], edges[1::2], strict=True) if a > 0 and b < width]
    return sum(1 for a, b in runs if b - a >= min_gap)


def _aligned(left: list[Item], right: list[Item], size: float) -> float:
    """Share of the rows on the side with fewer rows that have a row at the same height opposite."""
    mids_l = sorted((r[0].top + r[0].bottom) / 2 for r in _rows(left))
    mids_r = sorted((r[0].top + r[0].bottom) / 2 for r in _rows(right))
    few, many = (mids_l, mids_r) if len(mids_l) <= len(mids_r) else (mids_r, mids_l)
    hits = 0
    for m in few:
        k = bisect.bisect_left(many, m - 0.25 * size)
        hits += k < len(many) and many[k] <= m + 0.25 * size
    return hits / max(len(few), 1)


def _valid_cut(left: list[Item], right: list[Item], size: float, cfg: dict[str, Any]) -> bool:
    """A gutter between text columns, not a gap between the columns of one table."""
    for side in (left, right):
        if all(i.vertical for i in side):
            continue
        if max(i.x1 for i in side) - min(i.x0 for i in side) < float(cfg["min_column_chars"]) * size:
            return False
    if all(i.vertical for i in left) or all(i.vertical for i in right):
        return True
    gap = float(cfg["gutter"]) * size
    aligned = _aligned(left, right, size)
    tabular = _weak_gaps(left, size, gap) >= 2 or _weak_gaps(right, size, gap) >= 2
    if tabular and aligned >= 0.6:
        return False  # columns of one table
    # a label | value table: every row continues across the gap, and one side is ragged
    return not (aligned >= 0.8 and min(_fill(left), _fill(right)) < 0.7)


def _fill(side: list[Item]) -> float:
    """Median share of the side's width its rows cover: about 1 for running text."""
    x0, x1 = min(i.x0 for i in side), max(i.x1 for i in side)
    rows = _rows(side)
    return statistics.median((max(i.x1 for i in r) - min(i.x0 for i in r)) / max(x1 - x0, 1e-6) for r in rows)


def _insert(blocks: list[list[Item]], runs: list[list[Item]]) -> list[list[Item]]:
    """Vertical headlines cut off at the side go before the first block not wholly above them."""
    top = min(i.top for r in runs for i in r)
    k = next((n for n, b in enumerate(blocks) if max(i.bottom for i in b) > top), len(blocks))
    return blocks[:k] + runs + blocks[k:]


def _splits(band: list[Item], size: float, cfg: dict[str, Any]) -> bool:
    """Does a valid column gutter run through this band?"""
    for g0, g1 in _gaps([(i.x0, i.x1) for i in band], float(cfg["gutter"]) * size):
        left = [i for i in band if i.x1 <= g0 + 1e-6]
        right = [i for i in band if i.x0 >= g1 - 1e-6]
        if _valid_cut(left, right, size, cfg):
            return True
    return False


def _peel(items: list[Item], size: float, cfg: dict[str, Any], depth: int, edges: dict[int, float],
          edge: float) -> list[list[Item]] | None:
    """A title or header band on top (footer band below), set off by a blank band and not
    itself in columns, is read first (last): it spans the columns below it even when narrower."""
    ygaps = _gaps([(i.top, i.bottom) for i in items], float(cfg["block_gap"]) * size)
    if not ygaps:
        return None
    limit = int(cfg["title_rows"])
    top = [i for i in items if i.bottom <= ygaps[0][0] + 1e-6]
    if len(_rows(top)) <= limit and not _splits(top, size, cfg):
        rest = [i for i in items if i.bottom > ygaps[0][0] + 1e-6]
        return _order(top, cfg, depth + 1, edges, edge) + _order(rest, cfg, depth + 1, edges, edge)
    bottom = [i for i in items if i.top >= ygaps[-1][1] - 1e-6]
    if len(_rows(bottom)) <= limit and not _splits(bottom, size, cfg):
        rest = [i for i in items if i.top < ygaps[-1][1] - 1e-6]
        return _order(rest, cfg, depth + 1, edges, edge) + _order(bottom, cfg, depth + 1, edges, edge)
    return None


def _order(items: list[Item], cfg: dict[str, Any], depth: int, edges: dict[int, float],
           edge: float) -> list[list[Item]]:
    """Leaves in reading order; `edges[id(leaf)]` is the right edge of the column it is in."""
    if len(items) < 2 or depth > 200:
        edges[id(items)] = edge
        return [items]
    size = _size(items)
    peeled = _peel(items, size, cfg, depth, edges, edge)
    if peeled is not None:
        return peeled
    xgaps = _gaps([(i.x0, i.x1) for i in items], float(cfg["gutter"]) * size)
    cuts = []
    for g0, g1 in xgaps:
        left = [i for i in items if i.x1 <= g0 + 1e-6]
        right = [i for i in items if i.x0 >= g1 - 1e-6]
        lone = all(i.vertical for i in left) or all(i.vertical for i in right)
        cuts.append((not lone, g0 - g1, left, right))  # vertical text first, then the widest gutter
    for _, _, left, right in sorted(cuts, key=lambda c: c[:2]):
        if _valid_cut(left, right, size, cfg):
            a = _order(left, cfg, depth + 1, edges, max(i.x1 for i in left))
            b = _order(right, cfg, depth + 1, edges, max(i.x1 for i in right))
            if all(i.vertical for i in right) and not all(i.vertical for i in left):
                return _insert(a, b)
            if all(i.vertical for i in left) and not all(i.vertical for i in right):
                return _insert(b, a)
            return a + b
    ygaps = _gaps([(i.top, i.bottom) for i in items], float(cfg["block_gap"]) * size)
    if not ygaps:
        edges[id(items)] = edge
        return [items]
    bands: list[list[Item]] = [[] for _ in range(len(ygaps) + 1)]
    cuts = [g[0] for g in ygaps]
    for i in items:
        bands[bisect.bisect_left(cuts, i.top + 1e-6)].append(i)
    out: list[list[Item]] = []
    for band in bands:
        if band:
            out.extend(_order(band, cfg, depth + 1, edges, edge))
    return out


# -- blocks to lines --------------------------------------------------------------------
def _rows(items: list[Item]) -> list[list[Item]]:
    rows: list[list[Item]] = []
    ref: list[float] = []
    for it in sorted(items, key=lambda i: (i.bottom, i.x0)):
        mid = (it.top + it.bottom) / 2
        if rows and abs(mid - ref[-1]) <= 0.45 * it.size:
            rows[-1].append(it)
        else:
            rows.append([it])
            ref.append(mid)
    return rows


def _latin(c: str) -> bool:
    return c.isascii() and c.isalnum()


def _join(row: list[Item], space: float, latin_space: float = 0.0, blanks: list[float] = ()) -> str:
    """The row's text with a space where the gap is a word space: the PDF has a space glyph
    there (`blanks`: x-centres of this row's space chars), or the gap is wider than
    `space` (`latin_space` between two Latin letters or digits) times the glyph size."""
    row = sorted(row, key=lambda i: i.x0)
    parts = [row[0].text]
    for prev, cur in zip(row, row[1:], strict=False):
        gap = cur.x0 - prev.x1
        k = latin_space if latin_space and _latin(prev.text[-1:]) and _latin(cur.text[:1]) else space
        if gap > k * min(prev.size, cur.size) or (blanks and _blank_between(blanks, prev, cur)):
            parts.append(" ")
        parts.append(cur.text)
    return "".join(parts)


def _blank_between(blanks: list[float], prev: Item, cur: Item) -> bool:
    lo, hi = (prev.x0 + prev.x1) / 2, (cur.x0 + cur.x1) / 2
    j = bisect.bisect_right(blanks, lo)
    return j < len(blanks) and blanks[j] < hi


def _line(row: list[Item], space: float, latin_space: float = 0.0, blanks: list[Item] = ()) -> TextLine:
    row = sorted(row, key=lambda i: i.x0)
    size = statistics.median(i.size for i in row)
    top, bottom = min(i.top for i in row), max(i.bottom for i in row)
    xs = sorted((b.x0 + b.x1) / 2 for b in blanks if top <= (b.top + b.bottom) / 2 <= bottom)
    gaps = sum(1 for a, b in zip(row, row[1:], strict=False) if b.x0 - a.x1 > 0.8 * size)
    return TextLine(
        _join(row, space, latin_space, xs), row[0].x0, top,
        max(i.x1 for i in row), bottom, size=size, gaps=gaps,
    )


def page_blocks(chars: list[dict[str, Any]], cfg: dict[str, Any]) -> list[Block]:
    """The page's text as blocks in reading order (chars already de-duplicated)."""
    horizontal, vertical = split_vertical(chars, int(cfg["vertical_min_chars"]))
    items = horizontal + vertical
    if not items:
        return []
    blocks: list[Block] = []
    space, latin_space = float(cfg["space_gap"]), float(cfg.get("latin_space_gap", 0.0))
    # space glyphs are not laid out (they would bridge gutters) but say where words end
    blanks = sorted((_item(c) for c in chars if c["text"].isspace() and c.get("upright", True)), key=lambda i: i.top)
    tops = [b.top for b in blanks]
    edges: dict[int, float] = {}
    for leaf in _order(items, cfg, 0, edges, max(i.x1 for i in items)):
        runs = sorted((i for i in leaf if i.vertical), key=lambda i: (-i.x1, i.top))
        for r in runs:
            blocks.append(Block([TextLine(r.text, r.x0, r.top, r.x1, r.bottom)], vertical=True))
        flat = [i for i in leaf if not i.vertical]
        if flat:
            lines = []
            for row in _rows(flat):
                top, size = min(i.top for i in row), max(i.size for i in row)
                near = blanks[bisect.bisect_left(tops, top - size):bisect.bisect_right(tops, top + size)]
                lines.append(_line(row, space, latin_space, near))
            blocks.append(Block(lines, right=edges[id(leaf)]))
    return blocks
