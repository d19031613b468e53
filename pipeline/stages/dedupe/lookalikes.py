"""OCR look-alike misreadings between a copy and its source (`全域` -> `主城`): the
`ocr_lookalikes` table as vectorised pair lookups, and the counts the prefilter and
the noisy-copy rule read from it."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from ..ocr_lookalikes import lookalikes

_NUMERALS = frozenset("零〇一二三四五六七八九十百千万亿两")


class Lookalikes:
    """The OCR look-alike pairs of `ocr_lookalikes`, numerals left out: parallel figures
    (`三`/`五`, `十`/`千`) differ by look-alikes in clean text all the time. Empty when no
    Noto CJK font is installed. Lookups are vectorised: a bitset of hashed pairs answers
    most of them (uint32 arithmetic), a binary search over the sorted pair keys confirms
    the hits."""

    _BITS = 18

    def __init__(self, max_chars: int):
        keys = [
            (ord(a) << 21) | ord(b)
            for a, alts in lookalikes(max_chars).items()
            if a not in _NUMERALS
            for b in alts
            if b not in _NUMERALS
        ]
        self.keys = np.unique(np.array(keys, dtype=np.uint64))
        self.bits = np.zeros(1 << self._BITS, dtype=bool)
        a = (self.keys >> np.uint64(21)).astype(np.uint32)
        b = (self.keys & np.uint64((1 << 21) - 1)).astype(np.uint32)
        self.bits[self._hash(a, b)] = True

    def _hash(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return ((a * np.uint32(0x9E3779B1)) ^ (b * np.uint32(0x85EBCA77))) >> np.uint32(32 - self._BITS)

    def __bool__(self) -> bool:
        return bool(self.keys.size)

    def pairs(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Which code point pairs (a[i], b[i]) (uint32) are look-alikes."""
        out = self.bits[self._hash(a, b)]
        idx = np.flatnonzero(out)
        if idx.size:
            k = (a[idx].astype(np.uint64) << np.uint64(21)) | b[idx].astype(np.uint64)
            out[idx] = self.keys[np.minimum(np.searchsorted(self.keys, k), self.keys.size - 1)] == k
        return out


@lru_cache(maxsize=2)
def lookalike_table(max_chars: int) -> Lookalikes:
    return Lookalikes(max_chars)


def lookalike_match(src: str, cp: str, table: Lookalikes) -> tuple[int, float]:
    """(look-alike substitutions, rapidfuzz ratio with them counted as matches) of `cp` against `src`.

    An OCR copy misreads characters as ones that look the same (`全域` -> `主城`,
    `全力` -> `至为`); clean parallel phrasing differs by other words."""
    subs = [(i, j) for op, i, j in Levenshtein.editops(src, cp) if op == "replace"]
    if not subs or not table:
        return 0, fuzz.ratio(src, cp)
    a = np.array([ord(src[i]) for i, _ in subs], dtype=np.uint32)
    b = np.array([ord(cp[j]) for _, j in subs], dtype=np.uint32)
    hit = table.pairs(a, b)
    if not hit.any():
        return 0, fuzz.ratio(src, cp)
    chars = list(cp)
    for (i, j), h in zip(subs, hit.tolist(), strict=True):
        if h:
            chars[j] = src[i]
    return int(hit.sum()), fuzz.ratio(src, "".join(chars))


def spans(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(owner, position) of every position in the spans [lo, hi): one flat index for all."""
    w = np.maximum(hi - lo, 0)
    owner = np.repeat(np.arange(w.size), w)
    return owner, np.arange(owner.size) - np.repeat(np.cumsum(w) - w, w) + lo[owner]


def lookalike_counts(cp: np.ndarray, lo, hi, d, pend, cfg: dict) -> np.ndarray:
    """For each stretch [lo, hi) of sources, how many look-alike pairs face each other across
    the shift `d` to the copy, give or take one (OCR drops or adds a character here and
    there): about the look-alikes `noisy_copies`'s alignments there can find."""
    table = lookalike_table(int(cfg["lookalike_chars"]))
    if not table:
        return np.zeros(d.size, dtype=np.int64)
    w = np.maximum(hi - lo, 0)
    run, k = spans(np.zeros_like(w), 3 * w)  # each source position once per shift
    wr = w[run]
    i = lo[run] + k % wr
    j = i + d[run] + k // wr - 1
    ok = j < pend[run]
    hit = table.pairs(cp[i[ok]], cp[j[ok]])
    return np.bincount(run[ok][hit], minlength=d.size)
