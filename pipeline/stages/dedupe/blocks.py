"""Duplicate paragraphs (lines, before the paragraphs stage): the same text again."""

from __future__ import annotations


def block_repeats(keys: list[str], units: list[int], long_chars: int) -> dict[int, int]:
    """Short repeated paragraphs (headings) lying inside a verbatim copy of an earlier block.

    `keys` are the normalised texts of `units`; returns {position: position of the
    first copy} for every paragraph removed as a duplicate: long ones anywhere,
    a short one right after itself, and a short one whose neighbours on both
    sides are copies of the paragraphs around its first occurrence, in the same
    order, the first copy's block at most about twice as long (the same heading
    over a different section stays), or with copies on one side only when the
    first copy's block continues there verbatim.
    """
    first: dict[str, int] = {}
    dup: dict[int, int] = {}
    for n, key in enumerate(keys):
        f = first.get(key)
        if f is None:
            first[key] = n
        elif len(key) >= long_chars or (n > 0 and keys[n - 1] == key):
            dup[n] = f
    n = 0
    while n < len(keys):
        if n in dup or first[keys[n]] == n:
            n += 1
            continue
        g = n  # a group of short repeats n..g-1, bracketed by copies n-1 and g
        while g < len(keys) and g not in dup and first[keys[g]] != g:
            g += 1
        p, q = n - 1, g
        fs = [first[keys[i]] for i in range(n, g)]
        block = False
        if p in dup and q in dup and 0 < dup[q] - dup[p] <= 2 * (q - p) + 2:
            edges = [dup[p], *fs, dup[q]]
            block = all(a < b for a, b in zip(edges, edges[1:], strict=False))
        elif p in dup or q in dup:  # one side only: the copy must continue verbatim
            block = all(f == (dup[p] + i - p if p in dup else dup[q] - (q - i)) for i, f in zip(range(n, g), fs, strict=True))
        if block:
            for i, f in zip(range(n, g), fs, strict=True):
                dup[i] = f
        n = g
    return dup
