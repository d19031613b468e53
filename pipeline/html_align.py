"""Source <-> clean alignment for the HTML review, grouped into rows by source line.

The review must show every difference between what the reader produced and the
clean text: removals, substitutions (punctuation width, t2s, look-alikes),
deleted spaces and joined lines (a deleted line break). A character diff shows
them all without trusting any stage's own log. rapidfuzz does the diff (its
C++ Indel opcodes, the most characters kept): first over whole lines, so unchanged lines
anchor the alignment and a long document stays fast, then character by
character inside each changed block. Rows pair a run of source lines with the
output lines they became, so one scroll moves both sides together.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from rapidfuzz.distance import Indel

# a segment: (op, text, other) with op in eq | del | ins | sub; `other` is the text on
# the other side of a substitution ("" otherwise). "\n" as text is a deleted/inserted break.
Segment = tuple[str, str, str]


@dataclass
class Row:
    """Source lines [src[0], src[1]) shown beside output lines [out[0], out[1]) (0-based)."""

    src: tuple[int, int]
    out: tuple[int, int]
    src_segs: list[list[Segment]] = field(default_factory=list)  # one list per source line
    out_segs: list[list[Segment]] = field(default_factory=list)  # one list per output line

    @property
    def changed(self) -> bool:
        return any(op != "eq" for segs in (*self.src_segs, *self.out_segs) for op, _, _ in segs)


def _spread(segs: list[list[Segment]], line: int, piece: str, op: str, other: str = "") -> int:
    """Append `piece` to the per-line segment lists from `line` on; return the line it ends in."""
    parts = piece.split("\n")
    for k, part in enumerate(parts):
        if part:
            segs[line].append((op, part, other))
        if k < len(parts) - 1:
            if op != "eq":
                segs[line].append((op, "\n", other))
            line += 1
    return line


def _char_ops(a: str, b: str) -> list[tuple[str, int, int, int, int]]:
    """Indel opcodes (most characters kept, so a kept character is never shown as changed),
    a deletion beside an insertion merged into one substitution."""
    ops: list[tuple[str, int, int, int, int]] = []
    for tag, a1, a2, b1, b2 in Indel.opcodes(a, b):
        if ops and tag != "equal" and ops[-1][0] != "equal":
            _, p1, _, q1, _ = ops.pop()
            ops.append(("replace", p1, a2, q1, b2))
        else:
            ops.append((tag, a1, a2, b1, b2))
    return ops


def _block_rows(src: list[str], out: list[str], i0: int, j0: int) -> list[Row]:
    """Character diff of one changed block, cut into rows at the output line each source line feeds."""
    a, b = "\n".join(src), "\n".join(out)
    a_segs: list[list[Segment]] = [[] for _ in src]
    b_segs: list[list[Segment]] = [[] for _ in out]
    b_starts = [0]
    for s in out[:-1]:
        b_starts.append(b_starts[-1] + len(s) + 1)
    first_out: list[int | None] = [None] * len(src)
    la = lb = 0
    for tag, a1, a2, b1, b2 in _char_ops(a, b):
        pa, pb = a[a1:a2], b[b1:b2]
        if tag in ("equal", "replace") and pa:
            line = la
            for k, ch in enumerate(pa):  # the output line of each source line's first aligned char
                if first_out[line] is None and ch != "\n":
                    first_out[line] = bisect_right(b_starts, b1 + min(k, max(len(pb) - 1, 0))) - 1
                if ch == "\n":
                    line += 1
        if tag == "equal":
            la = _spread(a_segs, la, pa, "eq")
            lb = _spread(b_segs, lb, pb, "eq")
        elif tag == "delete":
            la = _spread(a_segs, la, pa, "del")
        elif tag == "insert":
            lb = _spread(b_segs, lb, pb, "ins")
        else:
            la = _spread(a_segs, la, pa, "sub", pb)
            lb = _spread(b_segs, lb, pb, "sub", pa)
    if not src or not out:
        return [Row((i0, i0 + len(src)), (j0, j0 + len(out)), a_segs, b_segs)]
    keys, prev = [], -1
    for k in first_out:  # monotone: a source line never maps before the one above it
        prev = max(prev, k if k is not None else prev)
        keys.append(prev)
    rows: list[Row] = []
    start = 0
    for i in range(1, len(src) + 1):
        if i == len(src) or keys[i] != keys[start]:
            rows.append(Row((i0 + start, i0 + i), (0, 0), a_segs[start:i], []))
            start = i
    bounds = [max(keys[r.src[0] - i0], 0) for r in rows]
    bounds[0] = 0
    for n, r in enumerate(rows):
        lo, hi = bounds[n], bounds[n + 1] if n + 1 < len(rows) else len(out)
        hi = max(hi, lo)
        r.out = (j0 + lo, j0 + hi)
        r.out_segs = b_segs[lo:hi]
    return rows


def _blocks(src_keys: list, out_keys: list) -> list[list[int]]:
    """Indel opcodes over line keys as [equal?, i1, i2, j1, j2], neighbouring changes merged."""
    blocks: list[list[int]] = []
    for tag, i1, i2, j1, j2 in Indel.opcodes(src_keys, out_keys):
        if tag != "equal" and blocks and blocks[-1][0] == 0:  # a delete next to an insert: one block
            blocks[-1][2], blocks[-1][4] = i2, j2
        else:
            blocks.append([int(tag == "equal"), i1, i2, j1, j2])
    return blocks


def _letters(s: str) -> str | None:
    """A line's letters and digits: equal for lines that differ only in spaces and punctuation."""
    core = "".join(ch for ch in s if ch.isalnum())
    return core or None


def align(src_lines: list[str], out_lines: list[str]) -> list[Row]:
    """Rows covering every source and output line in order; each unchanged line is its own row.

    Lines equal as they are anchor first; inside what is left, lines equal in their letters
    and digits (only punctuation or spaces changed) anchor too, so the character diff runs on
    small blocks and a long document whose every line changed a comma stays fast."""
    # blank lines never anchor (they would pair a paragraph with the wrong one); they go to the char diff
    src_keys = [s if s.strip() else ("blank-src", i) for i, s in enumerate(src_lines)]
    out_keys = [s if s.strip() else ("blank-out", j) for j, s in enumerate(out_lines)]
    rows: list[Row] = []
    for eq, i1, i2, j1, j2 in _blocks(src_keys, out_keys):
        if eq:
            for k in range(i2 - i1):
                s = src_lines[i1 + k]
                rows.append(Row((i1 + k, i1 + k + 1), (j1 + k, j1 + k + 1), [[("eq", s, "")]], [[("eq", s, "")]]))
            continue
        loose_src = [_letters(s) or ("src", i) for i, s in enumerate(src_lines[i1:i2])]
        loose_out = [_letters(s) or ("out", j) for j, s in enumerate(out_lines[j1:j2])]
        for leq, a1, a2, b1, b2 in _blocks(loose_src, loose_out):
            pairs = [(a1 + k, a1 + k + 1, b1 + k, b1 + k + 1) for k in range(a2 - a1)] if leq else [(a1, a2, b1, b2)]
            for p1, p2, q1, q2 in pairs:
                rows.extend(_block_rows(src_lines[i1 + p1:i1 + p2], out_lines[j1 + q1:j1 + q2], i1 + p1, j1 + q1))
    merged: list[Row] = []
    for r in rows:  # an inserted blank separator joins the row above instead of standing alone
        if merged and r.src[0] == r.src[1] and all(not "".join(t for _, t, _ in seg).strip() for seg in r.out_segs):
            m = merged[-1]
            m.out, m.out_segs = (m.out[0], r.out[1]), m.out_segs + r.out_segs
        else:
            merged.append(r)
    return merged


def side_text(segs: list[list[Segment]], side: str) -> str:
    """The text one side's segments spell (`side` "src" or "out"); the tests' round trip."""
    keep = {"src": ("eq", "del", "sub"), "out": ("eq", "ins", "sub")}[side]
    lines = []
    for line in segs:
        lines.append("".join(t for op, t, _ in line if op in keep and t != "\n"))
    return "\n".join(lines)
