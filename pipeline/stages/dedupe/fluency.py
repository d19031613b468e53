"""The garble model's figures as dedupe reads them: fluency of a text, per-character
log-probabilities in context (NaN off CJK) with prefix sums for O(1) span means, and
the whole document's log-probabilities from one model pass (`DocLogp`)."""

from __future__ import annotations

import numpy as np

from ... import garble


class Fluency:
    """The garble model (it loads jieba's dictionary at its first use)."""

    def __init__(self) -> None:
        self.g = garble

    def __call__(self, text: str) -> float:
        return self.g.fluency(text)

    def in_context(self, text: str) -> np.ndarray:
        """Per-character log-probability of `text` read in context (NaN off CJK)."""
        return self.g.char_logp_by_position(text)


class Lazy:
    """`fn(arg)`, computed at the first call only."""

    def __init__(self, fn, arg):
        self.fn, self.arg, self.value = fn, arg, None

    def __call__(self):
        if self.value is None:
            self.value = self.fn(self.arg)
        return self.value


class Prefix:
    """Per-character log-probabilities (NaN off CJK) as prefix sums: `acnt` (CJK characters
    before each position) and `asum` (their log-probabilities)."""

    def __init__(self, lp: np.ndarray):
        ok = ~np.isnan(lp)
        self.acnt = np.concatenate(([0], np.cumsum(ok)))
        self.asum = np.concatenate(([0.0], np.cumsum(np.where(ok, lp, 0.0))))


def prefix_of(arg: tuple[Fluency, str]) -> Prefix:
    flu, text = arg
    return Prefix(flu.in_context(text))


def fluency_gain(t: str, new: str, lo: int, hi: int, flu: Fluency, pad: int = 12) -> float:
    """Fluency gain of an edit inside [lo, hi) of `t`, judged on a window around it."""
    a = max(0, lo - pad)
    b = min(len(t), hi + pad)
    return flu(new[a : b - (len(t) - len(new))]) - flu(t[a:b])


class DocLogp:
    """Exact per-character log-probabilities of the whole joined document, read in context
    (one model pass; each paragraph is its own context, the separator not being CJK): the
    prefilter's samples and windows, paragraph fluencies and the per-paragraph arrays
    of the expensive checks are all slices of it, the values `char_logp` gives each."""

    def __init__(self, cp: np.ndarray, cjk: np.ndarray, offs: np.ndarray, ends: np.ndarray, flu: Fluency):
        self.pos, self.lp = flu.g.char_logp_cps(cp, cjk)
        self.n, self.offs, self.ends = cp.size, offs, ends
        self.lo, self.hi = np.searchsorted(self.pos, offs), np.searchsorted(self.pos, ends)

    def sampled(self, stride: int) -> tuple[np.ndarray, np.ndarray]:
        """Every `stride`-th CJK character: (positions, log-probabilities)."""
        return self.pos[::stride], self.lp[::stride]

    def prefix(self) -> tuple[np.ndarray, np.ndarray]:
        """(CJK characters, sum of their log-probabilities) before each position of the
        joined document (n + 1 entries): a region's figures are two reads, not a search."""
        count = np.zeros(self.n + 1, dtype=np.int64)
        total = np.zeros(self.n + 1)
        count[self.pos + 1] = 1
        total[self.pos + 1] = self.lp
        return np.cumsum(count, out=count), np.cumsum(total, out=total)

    def paragraph_sums(self) -> tuple[np.ndarray, np.ndarray]:
        """(CJK characters, sum of their log-probabilities) of every paragraph, added up in
        character order as `garble.line_stats` does: the quality scoring reuses them."""
        count = self.hi - self.lo
        owner = np.repeat(np.arange(count.size), count)
        return count, np.bincount(owner, weights=self.lp[self.lo[0] : self.hi[-1]] if count.size else self.lp,
                                  minlength=count.size)

    def paragraph(self, n: int, length: int) -> np.ndarray:
        """Paragraph `n`'s log-probability per character (NaN off CJK), as `Fluency.in_context`."""
        out = np.full(length, np.nan)
        lo, hi = int(self.lo[n]), int(self.hi[n])
        out[self.pos[lo:hi] - int(self.offs[n])] = self.lp[lo:hi]
        return out


def prefix_means(prefix: tuple[np.ndarray, np.ndarray], a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(CJK count, mean log-probability) of each region [a, b) of the joined document."""
    count, total = prefix
    a, b = np.clip(a, 0, count.size - 1), np.clip(b, 0, count.size - 1)
    cnt = count[b] - count[a]
    return cnt, (total[b] - total[a]) / np.maximum(cnt, 1)


def region_means(spos: np.ndarray, csum: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sample count, mean sampled log-probability) of each region [a, b)."""
    i, j = np.searchsorted(spos, a), np.searchsorted(spos, b)
    cnt = j - i
    return cnt, (csum[j] - csum[i]) / np.maximum(cnt, 1)
