"""The one exact-repeat finder: repeats of a k-gram a short shift apart, as maximal runs.

Used twice: over the whole document at once (the prefilter, `suspects`) and over one
paragraph while it is repaired (`repair`). One k-gram hash, one sort; pairs come from
consecutive occurrences of the same hash, so (like any hash) two different k-grams whose
hashes agree count as a repeat: the hash keeps 64 bits less the bits of a position.
"""

from __future__ import annotations

import numpy as np

_B = np.uint64(1_000_003)
_GOLD = np.uint64(0x9E3779B97F4A7C15)


def codepoints(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


def repeats(cp: np.ndarray, ends: np.ndarray, k: int, max_shift: int) -> tuple[np.ndarray, ...]:
    """Exact repeats inside paragraphs, over the whole document at once: (start, shift, length).

    One k-gram hash, one sort of (hash, position) packed into a uint64 (a plain
    sort, no argsort), consecutive occurrences paired, pairs grouped into runs
    by a second packed sort on (shift, position). `ends` are the paragraph ends
    (exclusive offsets in `cp`); a run never crosses one.
    """
    n = cp.size
    empty = np.zeros(0, np.int64)
    if n < k + 1:
        return empty, empty, empty
    m = n - k + 1
    c = cp.astype(np.uint64)
    h = c[:m].copy()
    with np.errstate(over="ignore"):
        for j in range(1, k):  # in place: no new multi-MB array (and its page faults) per step
            h *= _B
            h += c[j : j + m]
        h *= _GOLD
    bits = np.uint64(max(1, int(m).bit_length()))
    low = (np.uint64(1) << bits) - np.uint64(1)
    h &= ~low
    h |= np.arange(m, dtype=np.uint64)
    packed = h
    packed.sort()
    hi = packed & ~low
    same = hi[1:] == hi[:-1]
    p1 = (packed[:-1][same] & low).astype(np.int64)
    p2 = (packed[1:][same] & low).astype(np.int64)
    d = p2 - p1
    keep = (d >= k) & (d <= max_shift)
    p1, d = p1[keep], d[keep]
    if p1.size == 0:
        return empty, empty, empty
    # both occurrences inside one paragraph
    inside = np.searchsorted(ends, p1, side="right") == np.searchsorted(ends, p1 + d + k - 1, side="right")
    p1, d = p1[inside], d[inside]
    if p1.size == 0:
        return empty, empty, empty
    key = np.sort((d.astype(np.uint64) << bits) | p1.astype(np.uint64))
    ds, ps = (key >> bits).astype(np.int64), (key & low).astype(np.int64)
    new = np.ones(ds.size, dtype=bool)
    new[1:] = (ds[1:] != ds[:-1]) | (ps[1:] != ps[:-1] + 1)
    first = np.flatnonzero(new)
    count = np.diff(np.append(first, ds.size))
    return ps[first], ds[first], count + k - 1


def text_repeats(text: str, k: int, max_shift: int) -> list[tuple[int, int, int]]:
    """`repeats` inside one text, (start, shift, length) in order of start."""
    start, d, length = repeats(codepoints(text), np.array([len(text)], dtype=np.int64), k, max_shift)
    return sorted(zip(start.tolist(), d.tolist(), length.tolist(), strict=True))
