"""Vertical headlines read row by row: rebuild the columns, or remove the block.

A newspaper headline set in several vertical columns comes out of extraction
as one line of short space-separated tokens, each token one row across the
columns (Kaihua line 1: `忠奋 面实力 习行造 贯 中 彻 …`). The characters are
real but their order is not: the joined line is not fluent, or far less fluent
than the columns the search finds (a column-wrap line reads best as it is). We rebuild the
columns with a small beam search: each token's characters go, in order, to
distinct columns (a row is read left to right), and the assignment that makes
the column strings most fluent under the garble model wins. A confident
rebuild is emitted, one column per line, as `kind="headline"` and flagged;
otherwise the block is removed and recorded ("garbled-headline"). The
scrambled row text is never emitted.
"""

from __future__ import annotations

import re
from itertools import combinations

import numpy as np

from .. import garble
from ..document import Document, Line
from ..registry import stage
from ..settings import Number, Settings
from ..text.cjk import HAN_BMP

NAME = "vertical_headline"
_TOKEN = re.compile(rf"^[{HAN_BMP}]+$")


def looks_like_rows(
    text: str, min_tokens: int, max_token: int, max_mean: float, max_tokens: int = 80
) -> list[str] | None:
    """The row tokens when `text` is many short all-CJK space-separated tokens."""
    tokens = text.split()
    if len(tokens) < min_tokens or len(tokens) > max_tokens:  # a headline has tens of rows, not thousands
        return None
    if not all(len(t) <= max_token and _TOKEN.match(t) for t in tokens):
        return None
    if sum(map(len, tokens)) / len(tokens) > max_mean:
        return None
    return tokens


def rebuild_columns(
    tokens: list[str], ncols: int, beam: int = 64, gap_penalty: float = 4.0, start_penalty: float = 3.0
) -> tuple[list[str], float]:
    """Best column strings for `ncols` columns and their mean log-prob per char.

    Beam search over rows. A state is (score, column strings, last row each
    column got a character); its score is the sum of the garble model's
    transition log-probabilities, minus `gap_penalty` each time a column
    resumes after skipping a row (a printed column is contiguous; only a lost
    character makes a gap) and `start_penalty` per column opened (else the
    search splits one column into many to restart at word starts). The
    returned fluency is the penalty-free mean log-prob of the columns. Extending all states costs one vectorised model
    call per row.
    """
    m = garble.model()
    State = tuple[float, tuple[str, ...], tuple[int, ...]]
    states: list[State] = [(0.0, ("",) * ncols, (-1,) * ncols)]
    for r, tok in enumerate(tokens):
        subsets = list(combinations(range(ncols), len(tok)))
        prev, cur, first, owner = [], [], [], []
        cands: list[tuple[int, tuple[int, ...], float]] = []
        for si, (_, cols, lastrow) in enumerate(states):
            for sub in subsets:
                ci = len(cands)
                gaps = sum(1 for c in sub if 0 <= lastrow[c] < r - 1)
                opened = sum(1 for c in sub if lastrow[c] < 0)
                cands.append((si, sub, gaps * gap_penalty + opened * start_penalty))
                for ch, c in zip(tok, sub, strict=True):
                    last = cols[c][-1:]
                    prev.append(ord(last) if last else 0)
                    cur.append(ord(ch))
                    first.append(not last)
                    owner.append(ci)
        lp = m.logp(np.array(prev, np.uint32), np.array(cur, np.uint32), np.array(first))
        gain = np.bincount(np.array(owner), weights=lp, minlength=len(cands))
        scored: list[State] = []
        for ci, (si, sub, pen) in enumerate(cands):
            score, cols, lastrow = states[si]
            new, rows = list(cols), list(lastrow)
            for ch, c in zip(tok, sub, strict=True):
                new[c] += ch
                rows[c] = r
            scored.append((score + gain[ci] - pen, tuple(new), tuple(rows)))
        scored.sort(key=lambda s: -s[0])
        seen: set[tuple[str, ...]] = set()
        states = []
        for s in scored:
            if s[1] not in seen:
                seen.add(s[1])
                states.append(s)
                if len(states) >= beam:
                    break
    cols = [c for c in states[0][1] if c]
    n = sum(map(len, tokens))
    return cols, sum(map(garble.column_logp, cols)) / max(n, 1)


def best_rebuild(
    tokens: list[str], max_cols: int, beam: int = 64, gap_penalty: float = 4.0, start_penalty: float = 3.0
) -> tuple[list[str], float]:
    """Try every column count from the widest row up to `max_cols`; keep the most fluent."""
    widest = max(map(len, tokens))
    best: tuple[list[str], float] = ([], float("-inf"))
    for k in range(max(widest, 2), max(max_cols, widest) + 1):
        cols, score = rebuild_columns(tokens, k, beam, gap_penalty, start_penalty)
        if score > best[1]:
            best = (cols, score)
    return best


class VerticalHeadlineSettings(Settings):
    """A headline set in vertical columns and read row by row: rebuilt or removed."""

    enabled: bool = True
    """Run the stage."""
    min_tokens: int = 6
    """Fewer row tokens: too little to tell."""
    max_tokens: int = 80
    """More rows than any headline: spaced-out body text, left to other stages."""
    max_token: int = 4
    """A row has at most this many characters (columns)."""
    max_mean_token: Number = 3.6
    """Column-wrap lines have longer tokens."""
    garbled_below: Number = garble.GARBLE_THRESHOLD
    """Joined row text this unfluent (garble model): a headline."""
    columns_margin: Number = 0.5
    """... or columns this much more fluent than the joined rows."""
    max_columns: int = 5
    """Most columns the beam search tries."""
    beam: int = 64
    """Beam width of the column search."""
    gap_penalty: Number = 4.0
    """A column resuming after a skipped row (lost character)."""
    start_penalty: Number = 3.0
    """Per column opened."""
    accept_fluency: Number = -5.5
    """Rebuilt columns at least this fluent: emitted (else the line is removed)."""


@stage(NAME, settings=VerticalHeadlineSettings)
def run(doc: Document, cfg: dict) -> Document:
    """Rebuild (flagged) or remove lines that are vertical headlines read row by row."""
    if not cfg["enabled"] or doc.paragraphs:
        return doc
    out: list[Line] = []
    for ln in doc.lines:
        tokens = looks_like_rows(
            ln.text, cfg["min_tokens"], cfg["max_token"], cfg["max_mean_token"], cfg["max_tokens"]
        )
        if tokens is None:
            out.append(ln)
            continue
        joined = garble.fluency("".join(tokens))
        cols, score = best_rebuild(
            tokens, cfg["max_columns"], cfg["beam"], cfg["gap_penalty"], cfg["start_penalty"]
        )
        # a headline when the rows do not read as text, or read far worse than the columns
        if joined >= cfg["garbled_below"] and score < joined + cfg["columns_margin"]:
            out.append(ln)
            continue
        if score >= cfg["accept_fluency"]:
            doc.flag(
                "rebuilt-headline",
                f"vertical headline rebuilt from {len(tokens)} rows into {len(cols)} columns "
                f"(fluency {score:.2f}); check it",
                " / ".join(cols),
                ln.src,
                NAME,
            )
            doc.record_change(NAME, "headline-rebuilt", 1, 0)
            for i, col in enumerate(cols):
                if i:
                    out.append(Line("", ln.src, ln.page, ln.conf))
                out.append(Line(col, ln.src, ln.page, ln.conf, "headline", {"rebuilt_from_rows": True}))
        else:
            doc.record_removal(NAME, "garbled-headline", ln.text, ln.src)
            doc.flag(
                "garbled-headline",
                f"vertical headline read row by row could not be rebuilt (best fluency {score:.2f}); removed",
                ln.text,
                ln.src,
                NAME,
            )
            out.append(Line("", ln.src, ln.page, ln.conf))
    doc.lines = out
    return doc
