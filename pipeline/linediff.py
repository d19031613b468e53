"""A line diff whose cost stays near linear in the number of lines.

`difflib.SequenceMatcher(autojunk=False)` is cubic in the worst case: `check`
on 2000 paragraphs took minutes while cleaning them took a second. Here a
common prefix and suffix are matched first; what is left is compared cell by
cell with rapidfuzz (bit-parallel Levenshtein, in C) when it is small enough
(`MAX_CELLS`), and otherwise cut at lines that occur exactly once on each side
(the patience-diff anchors: their longest increasing run, found in
O(n log n)), a few levels deep. A region that is still too large and has no
anchors is reported as one replaced block rather than compared slowly.
Opcodes are difflib's: (tag, i1, i2, j1, j2), with consecutive changes merged
into one hunk.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Hashable, Sequence

from rapidfuzz.distance import Levenshtein

MAX_CELLS = 4_000_000  # lines x lines compared directly: a few ms, a few hundred KB
MAX_DEPTH = 4  # anchor levels before a large region is given up as one block

Op = tuple[str, int, int, int, int]


def opcodes(a: Sequence[Hashable], b: Sequence[Hashable]) -> list[Op]:
    """difflib-style opcodes turning `a` into `b`."""
    ops: list[Op] = []
    _diff(a, b, 0, len(a), 0, len(b), ops, 0)
    return _merge(ops)


def _diff(a, b, i1: int, i2: int, j1: int, j2: int, ops: list[Op], depth: int) -> None:
    s1, s2 = i1, j1
    while i1 < i2 and j1 < j2 and a[i1] == b[j1]:
        i1, j1 = i1 + 1, j1 + 1
    if i1 > s1:
        ops.append(("equal", s1, i1, s2, j1))
    e1, e2 = i2, j2
    while i2 > i1 and j2 > j1 and a[i2 - 1] == b[j2 - 1]:
        i2, j2 = i2 - 1, j2 - 1
    tail = ("equal", i2, e1, j2, e2) if i2 < e1 else None
    if i1 == i2 or j1 == j2:
        if i1 < i2 or j1 < j2:
            ops.append(("replace", i1, i2, j1, j2))
    elif (i2 - i1) * (j2 - j1) <= MAX_CELLS:
        for op in Levenshtein.opcodes(a[i1:i2], b[j1:j2]):
            ops.append((op.tag, op.src_start + i1, op.src_end + i1, op.dest_start + j1, op.dest_end + j1))
    else:
        anchors = _anchors(a, b, i1, i2, j1, j2) if depth < MAX_DEPTH else []
        if not anchors:
            ops.append(("replace", i1, i2, j1, j2))
        else:
            pi, pj = i1, j1
            for ai, bj in anchors:
                _diff(a, b, pi, ai, pj, bj, ops, depth + 1)
                ops.append(("equal", ai, ai + 1, bj, bj + 1))
                pi, pj = ai + 1, bj + 1
            _diff(a, b, pi, i2, pj, j2, ops, depth + 1)
    if tail:
        ops.append(tail)


def _anchors(a, b, i1: int, i2: int, j1: int, j2: int) -> list[tuple[int, int]]:
    """Lines unique on both sides, in the longest run that keeps their order on both."""
    ca = Counter(a[i1:i2])
    cb = Counter(b[j1:j2])
    where = {b[j]: j for j in range(j1, j2) if cb[b[j]] == 1 and ca.get(b[j]) == 1}
    pairs = [(i, where[a[i]]) for i in range(i1, i2) if a[i] in where]
    # longest increasing subsequence of the b positions (patience sorting)
    tops: list[int] = []  # b position ending the best run of each length
    top_idx: list[int] = []
    back = [-1] * len(pairs)
    for k, (_, j) in enumerate(pairs):
        n = bisect_left(tops, j)
        if n == len(tops):
            tops.append(j)
            top_idx.append(k)
        else:
            tops[n], top_idx[n] = j, k
        back[k] = top_idx[n - 1] if n else -1
    run: list[tuple[int, int]] = []
    k = top_idx[-1] if top_idx else -1
    while k >= 0:
        run.append(pairs[k])
        k = back[k]
    return run[::-1]


def _merge(ops: list[Op]) -> list[Op]:
    """Adjacent opcodes of the same kind (equal, or any change) joined into one."""
    out: list[Op] = []
    for tag, i1, i2, j1, j2 in ops:
        if i1 == i2 and j1 == j2:
            continue
        change = tag != "equal"
        if out and (out[-1][0] != "equal") == change:
            _, pi1, _, pj1, _ = out[-1]
            i1, j1 = pi1, pj1
            out.pop()
        if change:
            tag = "replace" if i1 < i2 and j1 < j2 else ("delete" if i1 < i2 else "insert")
        out.append((tag, i1, i2, j1, j2))
    return out
