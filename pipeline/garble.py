"""The garble model: how fluent is a piece of Chinese text?

Layout damage (vertical headlines read row by row, pull-quote fragments, OCR
copies of a neighbouring line) leaves strings of real characters in an order
no writer would produce. We score that with a character Markov model derived
from jieba's word dictionary (shipped with jieba; no download), read as a
word model: after a character the writer either continues the current word
or ends it and starts a new word, so

    P(c | p) = c(p c) / c(p)  +  end(p) / c(p) * start(c) / N

with c(p c) the within-word bigram count, c(p) the count of p, end(p) how
often p ends a word, start(c) how often c begins one, all weighted by the
dictionary frequencies, and N the total word count. The first CJK character
of a run is scored by start(c) / N alone. The statistics are built once,
deterministically, and cached under ~/.cache/ocrclean as compact numpy arrays;
scoring is vectorised (no per-character Python loop), so a whole document is
scored in a few tens of milliseconds.

Threads may share the model: its lazily built tables are built under one lock
and published only when complete. A cache file that does not hold the arrays
the model needs, with matching shapes and types (truncated, garbage, another
version), is rebuilt rather than trusted.

`fluency(text)` is the mean natural-log probability per CJK character. The
national corpus scores -4.8 per paragraph (min -5.84 over 3512 paragraphs of
20+ characters); the same paragraphs with their characters shuffled -7.25
(1% above -6.0), read across 3 columns row by row -7.2; see tests/test_garble.py and the README
for the measured separation and `GARBLE_THRESHOLD`. Text with fewer than
`MIN_CJK` CJK characters carries too little evidence either way: it gets
`NEUTRAL` (a typical fluent value), so short strings are never called garbled
by accident; callers that must judge short strings (the headline search)
use `transition_logp`/`column_logp` directly.
"""

from __future__ import annotations

import hashlib
import math
import os
import threading
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from .text.cjk import is_han_array as is_cjk_array  # the model's characters

GARBLE_THRESHOLD = -6.0  # mean log-prob per CJK char below this: garbled
NEUTRAL = -5.0  # returned for text with fewer than MIN_CJK CJK characters
MIN_CJK = 4
_FLOOR = 1e-9  # probability floor for characters jieba never saw
_SHIFT = np.uint64(21)  # code points fit in 21 bits: key = prev << 21 | cur
_CACHE_VERSION = "1"
_DENSE_N = 2048  # characters in the dense bigram matrix (float32, (N+1)^2 entries)


_LOCK = threading.RLock()  # builds the lazy tables (and the model) once, whatever the threads


class _Model:
    """Dense per-character tables (indexed by code point) and sparse bigrams."""

    def __init__(self, arrays: dict[str, np.ndarray]):
        self.cps = arrays["cps"]  # sorted code points the dictionary knows
        self.log_start = arrays["log_start"]  # log(start(c)/N), per entry of cps
        self.end_ratio = arrays["end_ratio"]  # end(p)/c(p), per entry of cps
        self.keys = arrays["keys"]  # sorted bigram keys p << 21 | c
        self.cond = arrays["cond"]  # c(p c)/c(p), per key
        self.log_floor = math.log(_FLOOR)
        # a dense code point -> table index map for the BMP: one gather instead of a binary search
        bmp = self.cps < 0x10000
        self.dense = np.full(0x10000, -1, dtype=np.int32)
        self.dense[self.cps[bmp]] = np.flatnonzero(bmp).astype(np.int32)

    def _build_hash(self) -> None:
        """An open-addressing hash of the bigram keys: a few gathers beat a binary search."""
        size = 1 << max(4, int(len(self.keys) * 2 - 1).bit_length())  # load factor 1/4 to 1/2
        self._mask = np.uint64(size - 1)
        table = np.zeros(size, dtype=np.uint64)  # 0 = empty (no key is 0: code point 0 is never CJK)
        slot_val = np.zeros(size, dtype=np.float32)
        h = self._hash(self.keys)
        todo = np.arange(len(self.keys))
        while todo.size:
            hs = h[todo]
            # claim empty slots; among keys racing for one slot the first (by order) wins
            free = table[hs] == 0
            cand, idx = todo[free], hs[free]
            _, first = np.unique(idx, return_index=True)
            win = cand[first]
            table[h[win]] = self.keys[win]
            slot_val[h[win]] = self.cond[win]
            placed = np.zeros(len(self.keys), dtype=bool)
            placed[win] = True
            todo = todo[~placed[todo]]
            h[todo] = (h[todo] + np.uint64(1)) & self._mask
        self._table = table
        self._slot_val = slot_val  # last: its presence says the hash is complete

    def _hash(self, key: np.ndarray) -> np.ndarray:
        return ((key * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(40)) & self._mask

    def _ensure(self, attr: str, build) -> None:
        """Run `build` once, under the lock, unless `attr` is already there."""
        if not hasattr(self, attr):
            with _LOCK:
                if not hasattr(self, attr):
                    build()

    def bigram_cond(self, key: np.ndarray) -> np.ndarray:
        """c(p c)/c(p) for each key (`prev << 21 | char`), 0 where the bigram is unknown."""
        return self._bigram_cond(key)

    def _bigram_cond(self, key: np.ndarray) -> np.ndarray:
        """c(p c)/c(p) for each key, 0 where the bigram is unknown."""
        self._ensure("_slot_val", self._build_hash)
        out = np.zeros(key.shape, dtype=np.float32)
        h = self._hash(key)
        todo = np.arange(key.size)
        while todo.size:
            slot = h[todo]
            found = self._table[slot]
            hit = found == key[todo]
            out[todo[hit]] = self._slot_val[slot[hit]]
            go_on = ~hit & (found != 0)
            todo = todo[go_on]
            h[todo] = (h[todo] + np.uint64(1)) & self._mask
        return out

    def _build_dense(self) -> None:
        """A dense bigram matrix over the `_DENSE_N` characters in most dictionary bigrams
        (95% of a report's lookups; 16 MB) and per-code-point start/end tables for the
        BMP: one gather each instead of a hash probe loop. Same float32 values."""
        n = _DENSE_N
        p = (self.keys >> _SHIFT).astype(np.int64)
        c = (self.keys & np.uint64((1 << 21) - 1)).astype(np.int64)
        top = np.argsort(-np.bincount(np.concatenate((p, c))), kind="stable")[:n]
        top = top[top < 0x10000]
        rank = np.full(0x10000, n, dtype=np.int32)  # n: not in the matrix
        rank[top] = np.arange(top.size, dtype=np.int32)
        rp = rank[np.minimum(p, 0xFFFF)]
        rc = rank[np.minimum(c, 0xFFFF)]
        inside = (p < 0x10000) & (c < 0x10000) & (rp < n) & (rc < n)
        mat = np.zeros((n + 1) * (n + 1), dtype=np.float32)
        mat[rp[inside] * (n + 1) + rc[inside]] = self.cond[inside]
        i, known = self._index(np.arange(0x10000, dtype=np.uint32))
        self._dense_start = np.where(known, np.exp(self.log_start[i]), 0.0)
        self._dense_end = np.where(known, self.end_ratio[i], 1.0)
        self._rank, self._mat = rank, mat

    def _build_log_dense(self) -> None:
        """`logp` itself tabulated for the dense characters: log(cond + end*start) is a
        function of the pair alone, so one gather replaces two table reads, a bigram
        gather and a log per character (float32, the precision of the tables; 16 MB).
        Row N holds a run's first character (log start), row N+1 and column N are NaN:
        a predecessor or character outside the matrix, computed the long way."""
        self._build_dense()
        n = _DENSE_N
        top = np.full(n, -1, dtype=np.int64)
        live = np.flatnonzero(self._rank < n)
        top[self._rank[live]] = live
        have = top >= 0
        start = np.where(have, self._dense_start[np.maximum(top, 0)], 0.0)
        end = np.where(have, self._dense_end[np.maximum(top, 0)], 1.0)
        lmat = np.full((n + 2, n + 1), np.nan, dtype=np.float32)
        p = self._mat.reshape(n + 1, n + 1)[:n, :n] + end[:, None] * start[None, :]
        del self._mat  # only this table reads it (16 MB less in every process)
        lmat[:n, :n] = np.log(np.maximum(p, _FLOOR))
        lmat[n, :n] = np.log(np.maximum(start, _FLOOR))
        self._lstart = np.log(np.maximum(self._dense_start, _FLOOR))
        self._row = np.where(self._rank < n, self._rank, n + 1).astype(np.int32) * np.int32(n + 1)
        self._lmat = lmat.ravel()  # last: its presence says every dense table is complete

    def _logp_bmp(self, prev: np.ndarray, cur: np.ndarray, first: np.ndarray) -> np.ndarray:
        """`logp` for BMP code points from the dense tables (bigrams only where needed)."""
        self._ensure("_lmat", self._build_log_dense)
        row = np.where(first, np.int32(_DENSE_N * (_DENSE_N + 1)), self._row[prev])
        return self._logp_gather(prev, cur, first, row, self._rank[cur])

    def logp_run(self, cur: np.ndarray, first: np.ndarray) -> np.ndarray:
        """`logp` where each character's predecessor is the one before it in `cur`
        (CJK runs, `first` marking where one starts): each table is read once a character."""
        prev = np.empty_like(cur)
        prev[:1] = 0
        prev[1:] = cur[:-1]
        if not cur.size or int(cur.max()) >= 0x10000:
            return self.logp(prev, cur, first)
        self._ensure("_lmat", self._build_log_dense)
        row = self._row[prev]
        row[first] = _DENSE_N * (_DENSE_N + 1)
        return self._logp_gather(prev, cur, first, row, self._rank[cur])

    def _logp_gather(self, prev, cur, first, row, col) -> np.ndarray:
        """One gather from the log matrix; the few NaNs (characters outside it) the long way."""
        row += col
        out = self._lmat[row].astype(np.float64)
        miss = np.flatnonzero(np.isnan(out))
        if miss.size:
            pm, cm, fm = prev[miss], cur[miss], first[miss]
            cond = self._bigram_cond((pm.astype(np.uint64) << _SHIFT) | cm.astype(np.uint64))
            p = np.where(fm, 0.0, cond) + np.where(fm, 1.0, self._dense_end[pm]) * self._dense_start[cm]
            out[miss] = np.log(np.maximum(p, _FLOOR))
        return out

    def _index(self, cp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if cp.size and int(cp.max()) < 0x10000:
            i = self.dense[cp]
            known = i >= 0
            return np.where(known, i, 0), known
        i = np.searchsorted(self.cps, cp)
        i = np.minimum(i, len(self.cps) - 1)
        return i, self.cps[i] == cp

    def logp(self, prev: np.ndarray, cur: np.ndarray, first: np.ndarray) -> np.ndarray:
        """log P(cur | prev) per position; `first` marks run starts (no prev)."""
        if cur.size and int(cur.max()) < 0x10000 and int(prev.max()) < 0x10000:
            return self._logp_bmp(prev, cur, first)
        ci, cknown = self._index(cur)
        start = np.where(cknown, np.exp(self.log_start[ci]), 0.0)
        pi, pknown = self._index(prev)
        end = np.where(pknown & ~first, self.end_ratio[pi], 1.0)
        key = (prev.astype(np.uint64) << _SHIFT) | cur.astype(np.uint64)
        cond = np.where(~first, self._bigram_cond(key), 0.0)
        p = cond + end * start
        return np.log(np.maximum(p, _FLOOR))


def warm() -> _Model:
    """The model with every lazily built table built (the dense log matrix and the
    bigram hash): a process pool forks after this, so no worker builds them again."""
    m = model()
    m._ensure("_lmat", m._build_log_dense)
    m._ensure("_slot_val", m._build_hash)
    return m


def _dict_path() -> Path:
    import jieba

    return Path(jieba.__file__).with_name("dict.txt")


def _build(dict_path: Path) -> dict[str, np.ndarray]:
    """Count characters, word starts/ends and within-word bigrams in dict.txt."""
    from collections import Counter

    count: Counter[int] = Counter()
    start: Counter[int] = Counter()
    end: Counter[int] = Counter()
    big: Counter[int] = Counter()
    total = 0
    with open(dict_path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) < 2 or not parts[1].isdigit():
                continue
            word, freq = parts[0], int(parts[1])
            if not word or freq <= 0:
                continue
            cps = [ord(ch) for ch in word]
            total += freq
            start[cps[0]] += freq
            end[cps[-1]] += freq
            for c in cps:
                count[c] += freq
            for a, b in zip(cps, cps[1:], strict=False):
                big[(a << 21) | b] += freq
    cps = np.array(sorted(count), dtype=np.uint32)
    cnt = np.array([count[c] for c in cps.tolist()], dtype=np.float64)
    st = np.array([start[c] for c in cps.tolist()], dtype=np.float64)
    en = np.array([end[c] for c in cps.tolist()], dtype=np.float64)
    keys = np.array(sorted(big), dtype=np.uint64)
    prev_cnt = {c: n for c, n in zip(cps.tolist(), cnt.tolist(), strict=True)}
    cond = np.array([big[k] / prev_cnt[k >> 21] for k in keys.tolist()], dtype=np.float32)
    with np.errstate(divide="ignore"):
        log_start = np.where(st > 0, np.log(st / total), math.log(_FLOOR)).astype(np.float32)
    return {
        "cps": cps,
        "log_start": log_start,
        "end_ratio": (en / cnt).astype(np.float32),
        "keys": keys,
        "cond": cond,
    }


def _cache_file(dict_path: Path) -> Path:
    h = hashlib.sha256(dict_path.read_bytes()).hexdigest()[:16]
    base = Path(os.environ.get("OCRCLEAN_CACHE", Path.home() / ".cache" / "ocrclean"))
    return base / f"garble-v{_CACHE_VERSION}-{h}.npz"


_ARRAYS = {"cps": np.uint32, "log_start": np.float32, "end_ratio": np.float32, "keys": np.uint64, "cond": np.float32}


def _load_cache(cf: Path) -> dict[str, np.ndarray] | None:
    """The arrays in cache file `cf`, or None when it is missing or not what `_build` wrote."""
    try:
        with np.load(cf, allow_pickle=False) as z:
            arrays = {k: z[k] for k in _ARRAYS}
    except Exception:  # noqa: BLE001  (zip, EOF, value, key errors: any of them means rebuild)
        return None
    ok = all(a.ndim == 1 and a.dtype == _ARRAYS[k] for k, a in arrays.items())
    ok = ok and arrays["cps"].size > 0 and arrays["keys"].size > 0
    ok = ok and arrays["log_start"].size == arrays["end_ratio"].size == arrays["cps"].size
    ok = ok and arrays["cond"].size == arrays["keys"].size and int(arrays["cps"].max()) < 0x110000
    return arrays if ok else None


@lru_cache(maxsize=1)
def model() -> _Model:
    """The model, built from jieba's dictionary at first use and cached on disk."""
    with _LOCK:
        return _load_model()


def _load_model() -> _Model:
    dp = _dict_path()
    cf = _cache_file(dp)
    arrays = _load_cache(cf)
    if arrays is not None:
        return _Model(arrays)
    arrays = _build(dp)
    try:
        cf.parent.mkdir(parents=True, exist_ok=True)
        tmp = cf.with_suffix(f".{os.getpid()}.tmp.npz")
        np.savez(tmp, **arrays)
        os.replace(tmp, cf)
    except OSError:
        pass  # read-only home: keep it in memory only
    return _Model(arrays)


def _codepoints(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


def char_logp(text: str) -> tuple[np.ndarray, np.ndarray]:
    """(positions of CJK characters in `text`, their log-probabilities).

    A run of CJK characters is broken by anything else (punctuation, digits,
    spaces, line breaks): its first character is scored as a word start.
    """
    return char_logp_cps(_codepoints(text))


def char_logp_cps(cp: np.ndarray, cjk: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """`char_logp` of text already decoded to code points (uint32): no second decode
    (`cjk`: `is_cjk_array(cp)` when the caller has it)."""
    if cp.size == 0:
        return np.zeros(0, np.int64), np.zeros(0)
    pos = np.flatnonzero(is_cjk_array(cp) if cjk is None else cjk)
    if pos.size == 0:
        return pos, np.zeros(0)
    first = np.ones(pos.size, dtype=bool)
    first[1:] = pos[1:] != pos[:-1] + 1
    return pos, model().logp_run(cp[pos], first)


def char_logp_by_position(text: str) -> np.ndarray:
    """`char_logp` as one value per character of `text` (NaN off CJK): slices of it line
    up with slices of the text."""
    out = np.full(len(text), np.nan)
    pos, lp = char_logp(text)
    out[pos] = lp
    return out


def fluency(text: str) -> float:
    """Mean log-probability per CJK character (NEUTRAL below MIN_CJK characters)."""
    _, lp = char_logp(text)
    if lp.size < MIN_CJK:
        return NEUTRAL
    return float(lp.mean())


def fluency_many(texts: Sequence[str] | Iterable[str]) -> list[float]:
    """`fluency` of each text, scored in one vectorised pass (`line_stats`)."""
    texts = list(texts)
    if not texts:
        return []
    n, s = line_stats(texts)
    return np.where(n >= MIN_CJK, s / np.maximum(n, 1), NEUTRAL).tolist()


def line_stats(lines: Sequence[str], known: dict[str, tuple[int, float]] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(CJK characters, sum of their log-probabilities) of each line, each read on its own.

    `known` maps a line's text to those two figures where an earlier pass over the
    document already scored it (the dedupe stage scores every paragraph): only the
    other lines are scored here. A line's sum is always added up in character order,
    so a figure is the same whichever pass computed it.
    """
    n = np.zeros(len(lines), dtype=np.int64)
    s = np.zeros(len(lines))
    hit: list[int] = []
    todo: list[int] = []
    for i, t in enumerate(lines):
        (hit if known and t in known else todo).append(i)
    if hit:
        figures = [known[lines[i]] for i in hit]  # type: ignore[index]
        n[hit] = [f[0] for f in figures]
        s[hit] = [f[1] for f in figures]
    if todo:
        texts = [lines[i] for i in todo]
        pos, lp = char_logp("\n".join(texts))
        ends = np.cumsum(np.fromiter((len(t) + 1 for t in texts), dtype=np.int64, count=len(texts)))
        which = np.searchsorted(ends, pos, side="right")
        n[todo] = np.bincount(which, minlength=len(todo))
        s[todo] = np.bincount(which, weights=lp, minlength=len(todo))
    return n, s


def is_garbled(text: str, threshold: float = GARBLE_THRESHOLD) -> bool:
    """True when `text` has enough CJK characters and reads as scrambled."""
    return fluency(text) < threshold


def transition_logp(prev: str, cur: str) -> float:
    """log P(cur | prev) for single characters; `prev` "" means a word start."""
    p = np.array([ord(prev) if prev else 0], dtype=np.uint32)
    c = np.array([ord(cur)], dtype=np.uint32)
    return float(model().logp(p, c, np.array([not prev]))[0])


def column_logp(chars: str) -> float:
    """Total log-probability of a string read as one unbroken run (short strings)."""
    if not chars:
        return 0.0
    cp = _codepoints(chars)
    prev = np.concatenate(([0], cp[:-1])).astype(np.uint32)
    first = np.zeros(cp.size, dtype=bool)
    first[0] = True
    return float(model().logp(prev, cp, first).sum())
