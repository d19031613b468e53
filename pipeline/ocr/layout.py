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

import cv2
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
    if len(glyph_rows) < 3:
        return False
    # stacked glyphs are about as tall as a glyph column is wide; a table's number column
    # (rows of `7,655`, `16.3`) is many times wider than its rows are tall
    col_w = float(np.median([b - a for a, b in glyph_columns(mask, ch, 0)]))
    return float(np.median([b - a for a, b in glyph_rows])) >= 0.5 * col_w


def _trim(mask: np.ndarray, x0: int, y0: int, x1: int, y1: int, tol: int) -> tuple[int, int, int, int] | None:
    sub = mask[y0:y1, x0:x1]
    rows = np.flatnonzero(_profile(sub, 1, tol))
    cols = np.flatnonzero(_profile(sub, 0, tol))
    if not rows.size or not cols.size:
        return None
    return x0 + int(cols[0]), y0 + int(rows[0]), x0 + int(cols[-1]) + 1, y0 + int(rows[-1]) + 1


def _cut_gaps(filled: np.ndarray, min_gap: float, ch: float) -> list[tuple[int, int]]:
    """Gaps that separate blocks, not lines: evenly spaced lines are one block.

    With three or more gaps between lines, only those clearly wider than the
    typical one (the leading, the median of all gaps) cut: a paragraph space or
    an article break, not every line of widely spaced text.
    """
    every = _gaps(filled, 1)
    if len(every) < 3:
        return _gaps(filled, min_gap)
    typical = float(np.median([b - a for a, b in every]))
    return _gaps(filled, max(min_gap, typical + 0.5 * ch))


def _widest(gaps: list[tuple[int, int]]) -> int:
    return max((b - a for a, b in gaps), default=0)


def _table(sub: np.ndarray, cols: list[tuple[int, int]], ch: float, cfg: dict) -> bool:
    """Columns of a table, not of text: one of them narrow (numbers, labels) and their rows aligned.

    Text columns are wide (a newspaper's are a dozen characters or more); a
    table's cells sit on common rows, so it is read across, row by row.
    """
    if len(cols) < 2 or min(b - a for a, b in cols) > cfg["table_cell_chars"] * ch:
        return False
    if any(is_vertical(_crop(sub[:, a:b]), ch, cfg) for a, b in cols):
        return False  # a vertical headline beside text columns
    rows = [_runs(_profile(sub[:, a:b], 1, 0)) for a, b in cols]
    # one column may hold a single cell spanning several rows (`高度/cm` beside 第一组..第三组)
    rows = [r for r in rows if len(r) >= 2]
    if len(rows) < max(2, len(cols) - 1):
        return False
    for left, right in zip(rows, rows[1:], strict=False):
        mids = [(a + b) / 2 for a, b in right]
        aligned = sum(any(a <= m < b for a, b in left) for m in mids)
        if aligned < 0.7 * len(mids):
            return False
    return True


def _crop(sub: np.ndarray) -> np.ndarray:
    t = _trim(sub, 0, 0, sub.shape[1], sub.shape[0], 0)
    return sub if t is None else sub[t[1]:t[3], t[0]:t[2]]


def _gutters(sub: np.ndarray, a: int, b: int, ch: float, cfg: dict) -> list[tuple[int, int]]:
    band = sub[a:b]
    if b - a <= 2.5 * ch:
        return []
    cols = np.flatnonzero(_profile(band, 0, 1))
    if not cols.size:
        return []
    return [g for g in _gaps(_profile(band, 0, 1), cfg["column_gap"] * ch) if cols[0] < g[0] and g[1] <= cols[-1]]


def _merge_bands(sub: np.ndarray, bands: list[tuple[int, int]], ch: float, cfg: dict) -> list[tuple[int, int]]:
    """Bands cut where the lines of two columns happened to leave a gap at the same height
    are one band again: the gutter runs on through the gap (a narrow gap, no title between)."""
    out = [bands[0]]
    for a, b in bands[1:]:
        pa, pb = out[-1]
        if a - pb < cfg["band_merge_gap"] * ch and any(
                min(g[1], h[1]) - max(g[0], h[0]) > 0
                for g in _gutters(sub, pa, pb, ch, cfg) for h in _gutters(sub, a, b, ch, cfg)):
            out[-1] = (pa, b)
        else:
            out.append((a, b))
    return out


def _tall(mask: np.ndarray, box: tuple[int, int, int, int], min_h: float) -> bool:
    t = _trim(mask, *box, 1)
    return t is not None and t[3] - t[1] >= min_h


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
        hgaps = _cut_gaps(_profile(sub, 1, tol), cfg["block_gap"] * ch, ch)
        vgaps = _gaps(_profile(sub, 0, tol), cfg["column_gap"] * ch) if y1 - y0 > 2.5 * ch else []
        # the widest gap is cut first: a gutter running the full height beats the lines'
        # leading (columns whose lines align across the gutter are not read line by line),
        # a wide band gap (a title, an article break) beats a narrow gutter
        # ... when it makes columns: parts that each run most of the height (a headline or a
        # margin note beside a title is cut off after the title's band, not before)
        if vgaps and cfg["column_bias"] * _widest(vgaps) >= _widest(hgaps):
            cols = _split([], vgaps, 0, x1 - x0)
            if _table(sub, cols, ch, cfg):
                return [Block(x0, y0, x1, y1)]  # cells read row by row (the engine keeps them apart)
            if not hgaps or all(_tall(mask, (x0 + a, y0, x0 + b, y1), 0.5 * (y1 - y0)) for a, b in cols):
                parts = [_xycut(mask, (x0 + a, y0, x0 + b, y1), ch, cfg, depth + 1) for a, b in cols]
                return _order_columns(parts)
        if hgaps:
            out: list[Block] = []
            for a, b in _merge_bands(sub, _split([], hgaps, 0, y1 - y0), ch, cfg):
                out += _xycut(mask, (x0, y0 + a, x1, y0 + b), ch, cfg, depth + 1)
            return out
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


def rules(mask: np.ndarray, ch: float) -> np.ndarray:
    """Ruling lines (article frames, table rules, underlines): ink runs far longer than a glyph.

    A morphological opening with a long thin kernel keeps only straight lines;
    the layout cuts on the text without them (a frame around an article or a
    rule across columns would otherwise bridge every gap).
    """
    k = max(8, int(6 * ch))
    horiz = cv2.morphologyEx(mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (k, 1)))
    vert = cv2.morphologyEx(mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, k)))
    return cv2.dilate(cv2.bitwise_or(horiz, vert), np.ones((3, 3), np.uint8))


def figures(mask: np.ndarray, ch: float) -> list[tuple[int, int, int, int]]:
    """Pictures and charts: ink shapes far larger than any glyph (a pie, a plot frame, a photo's blotch).

    Their boxes are kept out of the text flow: labels inside are not read
    into the neighbouring column (a pie chart's `陕西，23.9%`).
    """
    n, _, st, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    return [(int(x), int(y), int(x + w), int(y + h)) for x, y, w, h, _ in st[1:]
            if max(w, h) >= 10 * ch and min(w, h) >= 5 * ch]


def text_mask(mask: np.ndarray, ch: float) -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """The layout's mask: solids reversed, rules and figures taken out; and the figures' boxes."""
    text = reverse_solids(mask, ch)
    text = cv2.subtract(text, rules(text, ch))
    figs = figures(text, ch)
    for x0, y0, x1, y1 in figs:
        text[y0:y1, x0:x1] = 0
    return text, figs


def reverse_solids(mask: np.ndarray, ch: float) -> np.ndarray:
    """Solid areas (a shaded table, a coloured side bar) read as ink; their holes are the text.

    Inside a large component that fills most of its box, ink and paper swap, so
    reversed (light on dark) text has ink shapes like any other text.
    """
    n, labels, st, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out = mask.copy()
    for i in range(1, n):
        x, y, w, h, area = (int(v) for v in st[i])
        if w >= 3 * ch and h >= 1.2 * ch and area >= 0.6 * w * h:
            region = labels[y:y + h, x:x + w] == i
            holes = cv2.morphologyEx(region.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8)) > 0
            out[y:y + h, x:x + w] = np.where(holes, np.where(region, 0, 255), out[y:y + h, x:x + w]).astype(np.uint8)
    return out


def vertical_blocks(mask: np.ndarray, ch: float, cfg: dict) -> list[Block]:
    """Vertical headlines found by their glyphs: large, about square ink shapes stacked in a column.

    Body glyphs merge into line-shaped blobs when the page is smeared by half a
    character; headline glyphs (at least `vertical_glyph_ratio` body heights)
    stay apart. A stack of at least four such glyphs, one above the other,
    seeds a column; narrower shapes inside its x-range (upright digits and
    Latin, `2011`) join it. Neighbouring columns form one block, read right to left.
    """
    k = max(1, int(cfg["vertical_smear"] * ch))
    smeared = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    n, _, st, _ = cv2.connectedComponentsWithStats(smeared, connectivity=8)
    lo, hi = cfg["vertical_glyph_ratio"] * ch, 8 * ch
    boxes = [(int(x), int(y), int(x + w), int(y + h)) for x, y, w, h, _ in st[1:]]
    big = [b for b in boxes if lo <= b[3] - b[1] <= hi and lo <= b[2] - b[0] <= hi
           and 0.6 <= (b[2] - b[0]) / (b[3] - b[1]) <= 1.6]
    used: set[int] = set()
    columns: list[tuple[int, int, int, int]] = []
    for i in sorted(range(len(big)), key=lambda i: big[i][1]):
        if i in used:
            continue
        col = [big[i]]
        used.add(i)
        for j in sorted(range(len(big)), key=lambda j: big[j][1]):
            if j in used:
                continue
            a, b = col[-1], big[j]
            size = a[3] - a[1]
            if b[1] >= a[3] - 0.2 * size and b[1] - a[3] <= 1.2 * size and abs((a[0] + a[2]) - (b[0] + b[2])) / 2 <= 0.3 * size:
                col.append(b)
                used.add(j)
        col = _trim_ends(col)
        if len(col) >= 4 and _regular(col):
            x0, x1 = min(b[0] for b in col), max(b[2] for b in col)
            y0, y1 = min(b[1] for b in col), max(b[3] for b in col)
            # narrower shapes inside the column (digits, Latin), half a glyph from it at most, extend it
            size = float(np.median([b[3] - b[1] for b in col]))
            grown = True
            while grown:
                grown = False
                for b in boxes:
                    # inside the column's x-range (a masthead above it is wider and sticks out)
                    inside = b[0] >= x0 - 0.15 * size and b[2] <= x1 + 0.15 * size
                    if inside and b[3] - b[1] >= 0.3 * size and (
                            y0 - 0.5 * size <= b[3] <= y0 and b[1] < y0 or y1 <= b[1] <= y1 + 0.5 * size):
                        y0, y1, grown = min(y0, b[1]), max(y1, b[3]), True
            columns.append((x0, y0, x1, y1))
    blocks: list[Block] = []
    for c in sorted(columns, key=lambda c: -c[2]):
        size = c[2] - c[0]
        if blocks and blocks[-1].x0 - c[2] <= 0.8 * size and min(blocks[-1].y1, c[3]) - max(blocks[-1].y0, c[1]) > 0:
            b = blocks[-1]
            blocks[-1] = Block(c[0], min(b.y0, c[1]), b.x1, max(b.y1, c[3]), True, b.columns + ((c[0], c[2]),))
        else:
            blocks.append(Block(c[0], c[1], c[2], c[3], True, ((c[0], c[2]),)))
    return blocks


def _trim_ends(col: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """Drop an end shape set apart from the stack by an irregular step (a masthead glyph above a headline)."""
    while len(col) >= 5:
        step = np.diff([b[1] for b in col]).astype(float)
        med = float(np.median(step))
        if abs(step[0] - med) > 0.25 * med:
            col = col[1:]
        elif abs(step[-1] - med) > 0.25 * med:
            col = col[:-1]
        else:
            break
    return col


def _regular(col: list[tuple[int, int, int, int]]) -> bool:
    """Type, not a picture: glyph widths and the steps between glyphs nearly constant."""
    w = np.array([b[2] - b[0] for b in col], float)
    step = np.diff([b[1] for b in col]).astype(float)
    return w.std() <= 0.2 * w.mean() and step.std() <= 0.25 * step.mean()


def _insert_vertical(blocks: list[Block], heads: list[Block], ch: float) -> list[Block]:
    """Each headline goes before the article it heads: the nearest block beside it that shares most
    of its height (else before the first block that starts beside or below its top)."""
    out = list(blocks)
    for h in sorted(heads, key=lambda b: -b.x1):
        beside = [k for k, b in enumerate(out) if not b.vertical
                  and min(b.y1, h.y1) - max(b.y0, h.y0) >= 0.5 * min(h.height, b.height)
                  and max(b.x0 - h.x1, h.x0 - b.x1) < 3 * ch]
        if beside:
            at = min(beside, key=lambda k: (max(out[k].x0 - h.x1, h.x0 - out[k].x1), k))
        else:
            at = next((k for k, b in enumerate(out) if not b.vertical and b.y0 >= h.y0 - ch and b.y0 < h.y1), len(out))
        out.insert(at, h)
    return out


def furniture_last(blocks: list[Block], height: int, ch: float, margin: float = 0.08) -> list[Block]:
    """Footers after the body: one-line blocks wholly in the bottom `margin` of the page, set off
    from the text above them by a gap (folios, a footer line, each page's of a two-page spread).

    The XY-cut reads a spread's left page with its footer before the right page, so the
    footer would cut a paragraph running on across the fold. Heads at the top are left in
    place: at the top of a page a short line is as often the title as a running head.
    """
    def footer(b: Block) -> bool:
        if b.vertical or b.y0 < (1 - margin) * height or b.height > 2.5 * ch:
            return False
        over = [o for o in blocks if o is not b and min(o.x1, b.x1) - max(o.x0, b.x0) > 0]
        if any(o.y1 > b.y1 for o in over):
            return False  # text below it: a subhead at the foot of a column
        return all(b.y0 - o.y1 >= ch for o in over)

    feet = [b for b in blocks if footer(b)]
    return [b for b in blocks if b not in feet] + feet


def analyse(mask: np.ndarray, ch: float, cfg: dict) -> list[Block]:
    """Text blocks of a page in reading order (the whole page when layout is off)."""
    h, w = mask.shape[:2]
    if not cfg["layout"] or ch <= 0:
        box = _trim(mask, 0, 0, w, h, 1)
        return [Block(*box)] if box and ch > 0 else []
    text, _ = text_mask(mask, ch)
    heads = vertical_blocks(text, ch, cfg)
    for b in heads:
        text[b.y0:b.y1, b.x0:b.x1] = 0
    blocks = _insert_vertical(_xycut(text, (0, 0, w, h), ch, cfg, 0), heads, ch)
    return furniture_last(blocks, h, ch, cfg["furniture_margin"]) if cfg["furniture_margin"] else blocks
