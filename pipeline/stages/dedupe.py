"""Dedupe inside one document: text the extraction printed twice (OUTPUT_SPEC 7).

Four kinds, cheapest first, each removal recorded with its reason:

* `duplicate-paragraph`: the same paragraph again (hashing). A long paragraph
  is a duplicate anywhere; a short one (`附件：`, a heading) only right after
  itself, because the same short heading in two sections is legitimate.
* `repeated-clause`: a span followed at once by itself (`X X` -> `X`).
* `interleaved-copy`: two copies of a span with a little real text between
  them (`X' Y X Z` -> `X Y Z`), the more fluent copy kept in first place.
* `noisy-copy`: a garbled OCR copy of the neighbouring passage, found from a
  shared k-gram and aligned with rapidfuzz; removed when it is far less
  fluent than the passage it copies, or only a little less fluent but with
  OCR look-alike misreadings among its differences (`全域` -> `主城`, the
  `ocr_lookalikes` table), which parallel phrasing never has. A garbled
  paragraph that copies a neighbouring paragraph goes the same way.

A copy repeats its source's facts: a clause or paragraph that brings a number
its source lacks, or names another place or person, is a parallel clause and
stays (`facts.same_facts`: `…提高20个百分点` / `…提高10个百分点`). A whole
paragraph is never a noisy copy when it is a title, a table row or a short
line (`facts.protected_line`: a slide title `暖风熏得游人醉`, a caption): too
little text to tell a copy from real text that reads oddly.

Cost stays linear: candidate repeats come from one vectorised k-gram hash
over the whole document (numpy sort), bounded by `max_shift`; only the rare
candidates are scored with the garble model and rapidfuzz.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from ..document import Document, Line, nonws_len
from ..facts import entities, protected_line, same_facts
from ..garble import MIN_CJK, NEUTRAL, is_cjk_array
from ..registry import stage

STAGE = "dedupe"
_B = np.uint64(1_000_003)
_SEP = "\x00"


def _cjk_count(text: str) -> int:
    return sum("\u3400" <= c <= "\u9fff" for c in text)


_NUMERALS = frozenset("零〇一二三四五六七八九十百千万亿两")


class _Lookalikes:
    """The OCR look-alike pairs of `ocr_lookalikes`, numerals left out: parallel figures
    (`三`/`五`, `十`/`千`) differ by look-alikes in clean text all the time. Empty when no
    Noto CJK font is installed. Lookups are vectorised: a bitset of hashed pairs answers
    most of them (uint32 arithmetic), a binary search over the sorted pair keys confirms
    the hits."""

    _BITS = 18

    def __init__(self, max_chars: int):
        from .ocr_lookalikes import lookalikes

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
def _lookalike_table(max_chars: int) -> _Lookalikes:
    return _Lookalikes(max_chars)


def _lookalike_match(src: str, cp: str, table: _Lookalikes) -> tuple[int, float]:
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


def kgram_pairs(text: str, k: int, max_shift: int) -> tuple[np.ndarray, np.ndarray]:
    """(p1, p2): positions of consecutive occurrences of the same k-gram, p2 - p1 <= max_shift."""
    n = len(text)
    if n < k + 1:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    cp = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    m = n - k + 1
    h = np.zeros(m, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            h = h * _B + cp[j : j + m]
    order = np.argsort(h, kind="stable")
    hs = h[order]
    same = hs[1:] == hs[:-1]
    p1, p2 = order[:-1][same], order[1:][same]
    d = p2 - p1
    keep = (d >= k) & (d <= max_shift)
    return p1[keep], p2[keep]


def _runs(p1: np.ndarray, p2: np.ndarray, k: int) -> list[tuple[int, int, int]]:
    """Maximal exact repeats as (start, shift, length) from k-gram pairs."""
    if p1.size == 0:
        return []
    d = p2 - p1
    order = np.lexsort((p1, d))
    out: list[tuple[int, int, int]] = []
    s = prev = int(p1[order[0]])
    dd = int(d[order[0]])
    for i in order[1:].tolist():
        pi, di = int(p1[i]), int(d[i])
        if di == dd and pi == prev + 1:
            prev = pi
            continue
        out.append((s, dd, prev - s + k))
        s = prev = pi
        dd = di
    out.append((s, dd, prev - s + k))
    return sorted(out)


class _Fluency:
    """The garble model, imported lazily (it loads jieba's dictionary once)."""

    def __init__(self) -> None:
        from .. import garble

        self.g = garble

    def __call__(self, text: str) -> float:
        return self.g.fluency(text)

    def in_context(self, text: str) -> np.ndarray:
        """Per-character log-probability of `text` read in context (NaN off CJK)."""
        return self.g.char_logp_by_position(text)


class _Lazy:
    """`fn(arg)`, computed at the first call only."""

    def __init__(self, fn, arg):
        self.fn, self.arg, self.value = fn, arg, None

    def __call__(self):
        if self.value is None:
            self.value = self.fn(self.arg)
        return self.value


class _Prefix:
    """Per-character log-probabilities (NaN off CJK) with prefix sums: O(1) span means."""

    def __init__(self, lp: np.ndarray):
        ok = ~np.isnan(lp)
        self.acnt = np.concatenate(([0], np.cumsum(ok)))
        self.asum = np.concatenate(([0.0], np.cumsum(np.where(ok, lp, 0.0))))
        self.cnt, self.sum = self.acnt.tolist(), self.asum.tolist()

    def count(self, a: int, b: int) -> int:
        a, b = max(0, a), max(0, min(b, len(self.cnt) - 1))
        return self.cnt[b] - self.cnt[a] if b > a else 0

    def mean(self, a: int, b: int) -> float:
        a, b = max(0, a), max(0, min(b, len(self.cnt) - 1))
        n = self.cnt[b] - self.cnt[a] if b > a else 0
        return (self.sum[b] - self.sum[a]) / n if n >= 4 else 0.0


def _span_fluency(lp: _Prefix, a: int, b: int) -> float:
    return lp.mean(a, b)


def _gain(t: str, new: str, lo: int, hi: int, flu: _Fluency, pad: int = 12) -> float:
    """Fluency gain of an edit inside [lo, hi) of `t`, judged on a window around it."""
    a = max(0, lo - pad)
    b = min(len(t), hi + pad)
    return flu(new[a : b - (len(t) - len(new))]) - flu(t[a:b])


def _interleaved(t: str, start: int, d: int, length: int, cfg: dict, flu: _Fluency) -> list:
    """X' Y X Z -> X Y Z: two copies of a span with the text Y of one column between them.

    Identical copies with text between are parallel phrasing, not damage; the
    evidence is that the copies differ (OCR noise) and Y runs on into Z (a word
    spans the seam, as `入围国` + `家级` does).
    """
    from .paragraphs import word_spans_break

    out = []
    for a in range(1, 3):  # a = 0: the exact run itself, identical copies
        s1, s2 = start - a, start + d - a
        if s1 < 0:
            break
        x1, x2 = t[s1 : start + length], t[s2 : start + d + length]
        y, z = t[start + length : s2], t[start + d + length :]
        if x1 == x2 or fuzz.ratio(x1, x2) < float(cfg["min_copy_ratio"]) or not word_spans_break(y, z):
            continue
        if not same_facts(x2, x1) or not same_facts(x1, x2):  # a different number or name: two facts
            continue
        for keep, drop in ((x1, x2), (x2, x1)):
            new = t[:s1] + keep + y + z
            out.append((_gain(t, new, s1, start + d + length, flu), new, drop, "interleaved-copy"))
    return out


def _seam_cut(t: str, lo: int, start: int, d: int, length: int) -> bool:
    """Whether `_interleaved` can find a word across a seam of the repeat (start, d, length)
    of `t` (paragraph starting at `lo`): its `word_spans_break` test, on the text around
    the seams only."""
    from .paragraphs import word_spans_break

    for a in range(1, 3):
        s2 = start + d - a
        if start - a < lo:
            break
        y, z = t[max(start + length, s2 - 4) : s2], t[start + d + length : start + d + length + 4]
        if word_spans_break(y, z):
            return True
    return False


def _plain_clause(text: str, min_cjk: int) -> bool:
    """At least `min_cjk` CJK characters, no digits and no sentence end inside: what a
    mildly garbled copy must be. Parallel list items (`…支出３，１８９…元，占预算数的８２．８２％；`)
    differ from their neighbours in numbers and names, about as much as a light OCR copy."""
    return _cjk_count(text) >= min_cjk and not any(c.isdigit() or c in "。！？" for c in text.strip("。！？，；"))


def _splits_number(t: str, i: int) -> bool:
    """A cut at `i` would split a number (`驿站1` | `5个`)."""
    return 0 < i < len(t) and t[i - 1].isdigit() and t[i].isdigit()


def _noisy_ok(f_src: float, f_cp: float, ratio: float, cfg: dict, plain: bool = True) -> bool:
    """A copy garbled enough, relative to the passage it copies, under one of `noisy_tiers`
    (min ratio, min fluency gap to the source, copy fluency below); a tier above
    `garbled_below` (a mildly garbled copy) only for a plain clause (`_plain_clause`)."""
    limit = float(cfg["garbled_below"])
    return any(
        ratio >= r and f_src - f_cp >= g and f_cp < b and (plain or b <= limit) for r, g, b in cfg["noisy_tiers"]
    )


def _tier_mask(m_src: np.ndarray, m_cp: np.ndarray, tiers) -> np.ndarray:
    """Where a copy (mean log-probability `m_cp`) is less fluent than its source under a tier."""
    ok = np.zeros(np.broadcast_shapes(m_src.shape, m_cp.shape), dtype=bool)
    for _, g, b in tiers:
        ok |= (m_cp < float(b)) & (m_src - m_cp >= float(g))
    return ok


def _noisy(t: str, start: int, d: int, length: int, cfg: dict, flu: _Fluency, lp, lookalike: bool = True) -> list:
    """S R -> S: R a garbled OCR copy of the passage S right before it.

    Only the later copy is taken for the garbled one: a line read again comes
    after itself, and a garbled passage before a fluent near-repeat is far more
    often parallel phrasing with rare names (`西淝河治理工程和濉河治理工程；…
    伊家河治理工程和万福河治理工程`) than damage.

    OCR drops and inserts characters, so the copy may be a few characters
    longer or shorter than the shift between the two copies (`copy_slack`),
    and the source is clamped to the paragraph start.

    Garble is judged in context (per-character log-probabilities of the whole
    paragraph), so a copy cut mid-word does not look garbled by its cut alone.
    A copy only mildly less fluent than its source (`lookalike_tiers`) goes when
    at least `min_lookalikes` of its differences are look-alike misreadings
    (`_lookalike_match`): fluency alone cannot tell it from parallel phrasing.
    Returns the removals whose fluency gain clears their tier's minimum.
    """
    out: list = []
    if _cjk_count(t[start : start + length]) < 5:
        return out
    slack = int(cfg["copy_slack"])
    p = lp()
    # every alignment at once: copy start s_cp (the copy's k-gram `a` chars in), copy
    # length d + j, source [s_src, s_cp) clamped to the paragraph start
    av = np.arange(0, d - length + 1)
    s_cp = start + d - av
    s_src = np.maximum(0, s_cp - d)
    nv = np.arange(d - slack, d + slack + 1)
    e = s_cp[:, None] + nv[None, :]
    inside = (e <= len(t)) & (s_cp - s_src >= length)[:, None]
    e = np.minimum(e, len(t))
    c_cp = p.acnt[e] - p.acnt[s_cp][:, None]
    m_cp = (p.asum[e] - p.asum[s_cp][:, None]) / np.maximum(c_cp, 1)
    c_src = p.acnt[s_cp] - p.acnt[s_src]
    m_src = np.where(c_src >= 4, (p.asum[s_cp] - p.asum[s_src]) / np.maximum(c_src, 1), 0.0)[:, None]
    inside &= c_cp >= 8
    ok = _tier_mask(m_src, m_cp, cfg["noisy_tiers"]) & inside
    ok_la = _tier_mask(m_src, m_cp, cfg["lookalike_tiers"]) & inside & ~ok if lookalike else np.zeros_like(ok)
    min_ratio = min(float(r) for r, _, _ in cfg["noisy_tiers"])
    plain_best: list[tuple[int, int, int]] = []  # (source start, copy start, copy length)
    la_best: list[tuple[int, int, int, int]] = []  # (look-alikes, source start, copy start, copy length)
    for i in np.flatnonzero((ok | ok_la).any(axis=1)).tolist():
        sc, ss = int(s_cp[i]), int(s_src[i])
        src = t[ss:sc]
        best, best_la = None, None
        for j in np.flatnonzero(ok[i] | ok_la[i]).tolist():
            n = int(nv[j])
            cp = t[sc : sc + n]
            if _splits_number(t, sc) or _splits_number(t, sc + n) or not same_facts(cp, src):
                continue  # a cut inside a number, or another number or name: not a copy
            f_src, f_cp = float(m_src[i, 0]), float(m_cp[i, j])
            if ok[i, j]:
                ratio = fuzz.ratio(src, cp)
                if ratio < min_ratio:
                    continue
                plain = _plain_clause(cp, int(cfg["mild_min_cjk"]))
                if _noisy_ok(f_src, f_cp, ratio, cfg, plain) and (best is None or ratio > best[0]):
                    best = (ratio, n)
            elif _plain_clause(cp, int(cfg["mild_min_cjk"])):
                la, ratio = _lookalike_match(src, cp, _lookalike_table(int(cfg["lookalike_chars"])))
                tier = any(ratio >= r and f_src - f_cp >= g and f_cp < b for r, g, b in cfg["lookalike_tiers"])
                if tier and la >= int(cfg["min_lookalikes"]) and (best_la is None or (la, ratio) > best_la[:2]):
                    best_la = (la, ratio, n)
        if best is not None:
            plain_best.append((ss, sc, best[1]))
        if best_la is not None:
            la_best.append((best_la[0], ss, sc, best_la[2]))
    # look-alike copies: the alignments explaining the most misreadings, the most fluent result first
    most = max((c[0] for c in la_best), default=0)
    cands = [(ss, sc, n, float(cfg["min_noisy_gain"])) for ss, sc, n in plain_best]
    cands += [(ss, sc, n, float(cfg["min_lookalike_gain"])) for la, ss, sc, n in la_best if la == most]
    for ss, sc, n, min_gain in cands:
        new = t[:sc] + t[sc + n :]
        gain = _gain(t, new, ss, sc + n, flu)
        if gain > min_gain:
            out.append((gain, new, t[sc : sc + n], "noisy-copy"))
    return out


def _edits(t: str, start: int, d: int, length: int, cfg: dict, flu: _Fluency, lp, noisy: bool = True, lookalike: bool = True):
    """Candidate repairs for one repeat, best first: (gain, new text, removed text, reason)."""
    if length >= d >= int(cfg["min_repeat_chars"]) and _cjk_count(t[start : start + d]) >= 4:
        # X X: an exact tandem repeat of a whole clause
        new = t[: start + d] + t[start + 2 * d :]
        return [(1.0, new, t[start + d : start + 2 * d], "repeated-clause")]
    out = []
    if length >= int(cfg["min_repeat_chars"]) and 0 < d - length <= int(cfg["max_interleave_gap"]):
        out += _interleaved(t, start, d, length, cfg, flu)
    if noisy and d <= int(cfg["max_noisy_shift"]):
        out += _noisy(t, start, d, length, cfg, flu, lp, lookalike)
    # `_noisy` keeps only removals above its own minimum gains
    out = [e for e in out if e[3] != "interleaved-copy" or e[0] > float(cfg["min_fluency_gain"])]
    out.sort(key=lambda e: -e[0])
    return out


def _prefix_of(arg: tuple[_Fluency, str]) -> _Prefix:
    flu, text = arg
    return _Prefix(flu.in_context(text))


def repair_paragraph(
    text: str,
    cfg: dict,
    flu: _Fluency | None = None,
    lp0: np.ndarray | None = None,
    noisy: bool = True,
    lookalike: bool = True,
) -> tuple[str, list[tuple[str, str]]]:
    """`text` with repeated clauses and copies inside it removed; and what was removed, why.

    `noisy=False`: the document prefilter found no possible noisy copy here (`_noisy_suspects`),
    so only tandem repeats and interleaved copies are looked for; `lookalike=False`: none
    under a look-alike tier either (it costs an alignment per candidate)."""
    work = text
    removed: list[tuple[str, str]] = []
    k, max_shift = int(cfg["kgram"]), int(cfg["max_shift"])
    for _ in range(int(cfg["max_repairs_per_paragraph"])):
        p1, p2 = kgram_pairs(work, k, max_shift)
        runs = _runs(p1, p2, k)
        if not runs:
            break
        flu = flu or _Fluency()
        lp = _Lazy(_prefix_of, (flu, work))  # per-character log-probs, on demand
        if lp0 is not None and not removed:
            lp.value = _Prefix(lp0)
        done = False
        for start, d, length in runs:
            edits = _edits(work, start, d, length, cfg, flu, lp, noisy, lookalike and noisy)
            if edits:
                _, work, gone, reason = edits[0]
                removed.append((gone, reason))
                done = True
                break
        if not done:
            break
    return work, removed


_GOLD = np.uint64(0x9E3779B97F4A7C15)


def _codepoints(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


def _doc_runs(cp: np.ndarray, ends: np.ndarray, k: int, max_shift: int) -> tuple[np.ndarray, ...]:
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


def _is_cjk_char(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff"


class _DocLogp:
    """Exact per-character log-probabilities of the whole joined document, read in context
    (one model pass; each paragraph is its own context, `_SEP` not being CJK): the
    prefilter's samples and windows, paragraph fluencies and the per-paragraph arrays
    of the expensive checks are all slices of it, the values `char_logp` gives each."""

    def __init__(self, cp: np.ndarray, cjk: np.ndarray, offs: np.ndarray, ends: np.ndarray, flu: _Fluency):
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
        """Paragraph `n`'s log-probability per character (NaN off CJK), as `_Fluency.in_context`."""
        out = np.full(length, np.nan)
        lo, hi = int(self.lo[n]), int(self.hi[n])
        out[self.pos[lo:hi] - int(self.offs[n])] = self.lp[lo:hi]
        return out


def _block_repeats(keys: list[str], units: list[int], long_chars: int) -> dict[int, int]:
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


def _prefix_means(prefix: tuple[np.ndarray, np.ndarray], a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(CJK count, mean log-probability) of each region [a, b) of the joined document."""
    count, total = prefix
    a, b = np.clip(a, 0, count.size - 1), np.clip(b, 0, count.size - 1)
    cnt = count[b] - count[a]
    return cnt, (total[b] - total[a]) / np.maximum(cnt, 1)


def _region_means(spos: np.ndarray, csum: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sample count, mean sampled log-probability) of each region [a, b)."""
    i, j = np.searchsorted(spos, a), np.searchsorted(spos, b)
    cnt = j - i
    return cnt, (csum[j] - csum[i]) / np.maximum(cnt, 1)


def _spans(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(owner, position) of every position in the spans [lo, hi): one flat index for all."""
    w = np.maximum(hi - lo, 0)
    owner = np.repeat(np.arange(w.size), w)
    return owner, np.arange(owner.size) - np.repeat(np.cumsum(w) - w, w) + lo[owner]


def _lookalike_counts(cp: np.ndarray, lo, hi, d, pend, cfg: dict) -> np.ndarray:
    """For each stretch [lo, hi) of sources, how many look-alike pairs face each other across
    the shift `d` to the copy, give or take one (OCR drops or adds a character here and
    there): about the look-alikes `_noisy`'s alignments there can find."""
    table = _lookalike_table(int(cfg["lookalike_chars"]))
    if not table:
        return np.zeros(d.size, dtype=np.int64)
    w = np.maximum(hi - lo, 0)
    run, k = _spans(np.zeros_like(w), 3 * w)  # each source position once per shift
    wr = w[run]
    i = lo[run] + k % wr
    j = i + d[run] + k // wr - 1
    ok = j < pend[run]
    hit = table.pairs(cp[i[ok]], cp[j[ok]])
    return np.bincount(run[ok][hit], minlength=d.size)


def _noisy_suspects(start, d, length, pid, pstart, pend, prefix, cp, cfg: dict) -> tuple[np.ndarray, np.ndarray]:
    """Which repeats pair a garbled copy with a fluent source in some alignment `_noisy`
    tries, judged at once for all of them from exact prefix sums (`prefix`: `_DocLogp.prefix`;
    `pstart`, `pend`: each repeat's paragraph bounds in the code points `cp`); a
    necessary condition of `_noisy`, with a margin for its
    copy lengths. A repeat only under a look-alike tier also needs the look-alikes.
    Returns the paragraphs (`pid`) with a possible noisy copy, and those of them where a
    copy under a look-alike tier is possible."""
    reps = np.maximum(d - length + 1, 0)  # a periodic run longer than its shift has no alignment
    run = np.repeat(np.arange(d.size), reps)
    a = np.arange(run.size) - np.repeat(np.cumsum(reps) - reps, reps)
    dd = d[run]
    s_cp = start[run] + dd - a
    s_src = np.maximum(s_cp - dd, pstart[run])
    c_src, m_src = _prefix_means(prefix, s_src, s_cp)
    c_cp, m_cp = _prefix_means(prefix, s_cp, s_cp + dd)
    slack = float(cfg["suspect_slack"])
    m_src = np.where(c_src >= 4, m_src, 0.0)
    # the copy read `slack` more fluent than measured: under a tier's bound by `slack`, and
    # within `slack` of its gap to the source
    low = _tier_mask(m_src, m_cp - slack, cfg["noisy_tiers"]) & (c_cp >= 5)
    hit = np.unique(pid[run[low]])
    # the look-alike tier: a copy long enough for a plain clause (`_plain_clause`, a few
    # characters' margin for the copy length), and look-alikes across the sources of the
    # alignments under the tier (alignments already under a tier above need no more)
    cs = int(cfg["copy_slack"])
    la = _tier_mask(m_src, m_cp - slack, cfg["lookalike_tiers"])
    la &= (c_cp >= int(cfg["mild_min_cjk"]) - cs) & ~low
    rows = np.flatnonzero(la)
    if not rows.size:
        return hit, hit[:0]
    # rows come by repeat, alignment `a` rising: a repeat's first row has the latest copy
    # start, its last row the earliest source start
    r = run[rows]
    first = np.flatnonzero(np.diff(r, prepend=-1))
    last = np.append(first[1:], rows.size) - 1
    maybe = r[first]
    n = _lookalike_counts(cp, s_src[rows[last]], s_cp[rows[first]], d[maybe], pend[maybe], cfg)
    la_pid = np.unique(pid[maybe[n >= int(cfg["min_lookalikes"])]])
    return (np.union1d(hit, la_pid) if la_pid.size else hit), la_pid


def _suspect_logp(texts: list[str], cfg: dict, flu: _Fluency) -> dict:
    """Which paragraphs need the expensive checks, and their exact log-probabilities.

    * "repair": paragraphs holding a tandem repeat, an interleave candidate whose
      seam falls between two CJK characters, or a repeat near enough to be a
      noisy copy whose sampled fluencies may pair a garbled copy with a fluent one;
    * "garbled": paragraphs whose exact fluency is under `garbled_below` among
      those whose sampled fluency is low (or too short to sample);
    * "noisy": those of them where a noisy copy is possible;
    * "lookalike": those where a copy under a look-alike tier is possible;
    * "lp": exact per-character log-probabilities of the "noisy" paragraphs.
    Clean text costs one k-gram sort and one model pass (`_DocLogp`).
    """
    k, max_shift = int(cfg["kgram"]), int(cfg["max_shift"])
    min_rep, gap = int(cfg["min_repeat_chars"]), int(cfg["max_interleave_gap"])
    min_s = int(cfg["min_samples"])
    joined = _SEP.join(texts)
    cp = _codepoints(joined)
    lens = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    ends = np.cumsum(lens + 1) - 1
    offs = ends - lens
    cjk = is_cjk_array(cp)
    doc_lp = _DocLogp(cp, cjk, offs, ends, flu)
    spos, slp = doc_lp.sampled(int(cfg["sample_stride"]))
    csum = np.concatenate(([0.0], np.cumsum(slp)))
    repair: set[int] = set()
    noisy_hit: set[int] = set()
    lookalike: set[int] = set()
    exact: dict[int, np.ndarray] = {}
    start, d, length = _doc_runs(cp, ends, k, max_shift)
    if start.size:
        pid = np.searchsorted(ends, start, side="right")
        tandem = (length >= d) & (d >= min_rep)
        repair.update(pid[tandem].tolist())
        inter = (length >= min_rep) & (d - length > 0) & (d - length <= gap) & ~tandem
        inter &= start + d + length < ends[pid]
        if inter.any():
            # `word_spans_break(y, z)` needs a dictionary word across the seam, so the
            # seam's two characters must be a within-word bigram of the dictionary
            s0, d0, l0 = start[inter], d[inter], length[inter]
            z0 = cp[s0 + d0 + l0].astype(np.uint64)
            seam = np.zeros(s0.size, dtype=bool)
            for a in range(1, 3):  # a = 0 aligns the exact run itself: identical copies, never repaired
                ye = s0 + d0 - a - 1
                y0 = cp[ye].astype(np.uint64)
                key = (y0 << np.uint64(21)) | z0
                seam |= (ye >= s0 + l0) & (flu.g.model()._bigram_cond(key) > 0)
            pi = pid[inter]
            # then the segmentation itself, as `_interleaved` tries it: most seams fail here
            for c in np.flatnonzero(seam).tolist():
                if _seam_cut(joined, int(offs[pi[c]]), int(s0[c]), int(d0[c]), int(l0[c])):
                    repair.add(int(pi[c]))
        noisy = (d <= int(cfg["max_noisy_shift"])) & ~tandem
        if noisy.any():
            s0, d0, pn = start[noisy], d[noisy], pid[noisy]
            hit, la = _noisy_suspects(s0, d0, length[noisy], pn, offs[pn], ends[pn], doc_lp.prefix(), cp, cfg)
            repair.update(hit.tolist())
            noisy_hit.update(hit.tolist())
            lookalike.update(la.tolist())
    sums = doc_lp.paragraph_sums()
    out: dict = {"repair": repair, "noisy": noisy_hit, "lookalike": lookalike, "garbled": {}, "lp": {}, "sums": sums}
    if cfg["noisy_paragraphs"]:
        cnt, mean = _region_means(spos, csum, offs, ends)
        low = (cnt < min_s) | (mean < float(cfg["garbled_prefilter"]))
        # a copy a little less fluent than its source is only looked for in short paragraphs
        low |= (mean < float(cfg["copy_prefilter"])) & (lens <= int(cfg["max_copy_chars"]))
        cand = np.flatnonzero((lens >= 6) & low)
        if cand.size:
            n, tot = sums[0][cand], sums[1][cand]  # `garble.fluency` of each candidate
            f = np.where(n >= MIN_CJK, tot / np.maximum(n, 1), NEUTRAL)
            below = max(float(t[2]) for t in cfg["copy_tiers"])
            low = f < below
            out["garbled"] = dict(zip(cand[low].tolist(), f[low].tolist(), strict=True))
    todo = sorted(noisy_hit - exact.keys())
    if todo:
        exact.update((n, doc_lp.paragraph(n, len(texts[n]))) for n in todo)
    out["lp"] = exact
    return out


def _copy_alignments(texts: list[str], garbled: dict[int, float], cfg: dict) -> list[tuple]:
    """(n, j, ratio, aligned source text) for each low-fluency paragraph n and neighbour j
    whose best alignment (rapidfuzz `partial_ratio_alignment`) is close enough for a tier.

    A garbled paragraph (under `garbled_below`) is compared with `window`
    neighbours each side, a merely less fluent one with `copy_window` (its
    adjacent paragraphs, where a re-read passage lands): that keeps the cost
    on clean text, where many short paragraphs are a little below average.
    """
    out = []
    wide, near, limit = int(cfg["window"]), int(cfg["copy_window"]), float(cfg["garbled_below"])
    for n, f_par in sorted(garbled.items()):
        window = wide if f_par < limit else near
        par = texts[n]
        tiers = [t for t in cfg["copy_tiers"] if f_par < float(t[2])]
        if not tiers or _cjk_count(par) < 6:
            continue
        cutoff = min(float(t[0]) for t in tiers)
        for j in range(max(0, n - window), min(len(texts), n + window + 1)):
            nb = texts[j]
            if j == n or len(nb) < 0.8 * len(par):
                continue
            al = fuzz.partial_ratio_alignment(par, nb, score_cutoff=cutoff)
            if al is not None:
                out.append((n, j, al.score, nb[al.dest_start : al.dest_end]))
    return out


def _is_copy(f_par: float, ratio: float, f_src: float, cfg: dict) -> bool:
    """A paragraph that is a noisy OCR copy of the aligned passage of a neighbour.

    Judged relative to the passage it copies, not by an absolute threshold:
    under one of the `copy_tiers` (min ratio, min fluency gap, copy fluency
    below) the copy is close enough and the source more fluent by a margin; a
    loose copy must be far less fluent than its source, a close one a little.
    """
    return any(f_par < float(b) and ratio >= float(r) and f_src - f_par >= float(g) for r, g, b in cfg["copy_tiers"])


def _warm(cfg: dict) -> None:
    """The look-alike table (a quarter of a second to load) and the dictionary's names
    (`facts.entities`, half a second) before a pool forks."""
    if cfg["within_paragraph"]:
        _lookalike_table(int(cfg["lookalike_chars"]))
    if cfg["within_paragraph"] or cfg["noisy_paragraphs"]:
        entities("北京")


@stage(
    STAGE,
    defaults={
        "exact": True,  # drop repeated paragraphs
        "long_paragraph_chars": 30,  # a repeat this long is a duplicate anywhere
        "within_paragraph": True,  # repeated clauses, interleaved and noisy copies
        "noisy_paragraphs": True,  # garbled paragraphs copying a neighbour
        "window": 3,  # neighbours a garbled paragraph is compared with (each side)
        "copy_window": 1,  # and a merely less fluent one
        "kgram": 6,  # shared k-gram that makes a repeat candidate
        "max_shift": 160,  # farthest second copy inside a paragraph (chars)
        "min_repeat_chars": 8,  # shortest clause counted as repeated
        "max_interleave_gap": 20,  # most real text between interleaved copies
        "min_copy_ratio": 80,  # rapidfuzz ratio of two interleaved copies
        "max_noisy_shift": 80,  # longest noisy copy considered (chars)
        # a copy of the passage right before it, inside a paragraph: (min rapidfuzz ratio,
        # min fluency gap to the source, copy fluency below), in context
        "noisy_tiers": [[50, 1.5, -6.5], [60, 1.2, -6.5]],
        "mild_min_cjk": 14,  # a copy under the mild tier: at least this many CJK chars, no digits
        "copy_slack": 3,  # a copy up to this many characters longer or shorter than its shift
        "garbled_below": -6.5,  # fluency (in context) under which a copy counts as garbled
        "suspect_slack": 0.25,  # prefilter margin for copies a few characters longer or shorter
        "min_fluency_gain": 0.15,  # an interleave repair must make the text this much more fluent
        "min_noisy_gain": 0.3,  # and removing a noisy copy this much
        # a copy only mildly less fluent than its source, with at least `min_lookalikes`
        # look-alike misreadings among its differences (`全域` -> `主城`): (min ratio with
        # look-alikes counted as matches, min fluency gap, copy fluency below), in context
        "lookalike_tiers": [[55, 0.6, -5.6]],
        "min_lookalikes": 2,
        "min_lookalike_gain": 0.1,
        "lookalike_chars": 7000,  # characters in the look-alike table (`ocr_lookalikes`)
        "max_repairs_per_paragraph": 5,
        "sample_stride": 3,  # prefilter: every n-th CJK character scored by the garble model
        "min_samples": 6,  # a region with fewer samples is always checked exactly
        "garbled_prefilter": -5.6,  # sampled paragraph fluency under which it is checked exactly
        "copy_prefilter": -4.9,  # the same for paragraphs of at most max_copy_chars
        "max_copy_chars": 120,
        # a paragraph copying a neighbour: (min partial ratio, min fluency gap to the
        # aligned source, copy fluency below); measured on damage and the national corpus
        "copy_tiers": [[45, 1.8, -6.5], [55, 1.0, -5.5], [75, 0.5, -5.0]],
        # a paragraph is never a noisy copy when it is short (fewer CJK characters than
        # this), a title (at most copy_max_title characters, no commas or stops) or a
        # table row: `facts.protected_line`
        "copy_min_cjk": 8,
        "copy_max_title": 30,
        "max_passes": 4,  # passes until nothing changes (a removal can reveal another repeat)
    },
    warm=_warm,
)
def run(doc: Document, cfg: dict) -> Document:
    """Remove repeated paragraphs, clauses and noisy copies, keeping the best copy.

    Repeated until a pass changes nothing (at most `max_passes`): removing a
    garbled line makes its neighbours adjacent, and repairing a clause can
    leave two paragraphs equal; a second run of the pipeline would otherwise
    find what the first left behind. Clean text takes one pass.
    """
    for _ in range(int(cfg["max_passes"])):
        before = [ln.text for ln in doc.lines]
        doc = _one_pass(doc, cfg)
        if [ln.text for ln in doc.lines] == before:
            break
    return doc


def _one_pass(doc: Document, cfg: dict) -> Document:
    """One pass of every dedupe rule over the document's current lines."""
    units = [i for i, ln in enumerate(doc.lines) if ln.text.strip()]
    reason_par = "duplicate-paragraph" if doc.paragraphs else "duplicate-line"
    drop: set[int] = set()
    dup_chars = 0
    if cfg["exact"]:
        keys = ["".join(doc.lines[i].text.split()) for i in units]
        drop = {units[n] for n in _block_repeats(keys, units, int(cfg["long_paragraph_chars"]))}
    live = [i for i in units if i not in drop]
    texts = [doc.lines[i].text for i in live]
    flu = _Fluency()
    if live and (cfg["within_paragraph"] or cfg["noisy_paragraphs"]):
        exact_lp = _suspect_logp(texts, cfg, flu)
    else:
        exact_lp = {}
    if "sums" in exact_lp:  # the garble figures of every paragraph, for the quality scoring
        cnt, tot = exact_lp["sums"]
        doc.stats["line_fluency"] = {
            t.strip(): (c, s) for t, c, s in zip(texts, cnt.tolist(), tot.tolist(), strict=True)
        }
    if cfg["within_paragraph"]:
        for n in sorted(exact_lp.get("repair", ())):
            i = live[n]
            ln = doc.lines[i]
            new, gone = repair_paragraph(
                ln.text, cfg, flu, exact_lp["lp"].get(n), n in exact_lp["noisy"], n in exact_lp["lookalike"]
            )
            if gone:
                for text, reason in gone:
                    doc.record_removal(STAGE, reason, text, ln.src)
                    dup_chars += nonws_len(text)
                doc.lines[i] = ln.with_text(new)
                texts[n] = new
    if cfg["noisy_paragraphs"]:
        garbled = exact_lp.get("garbled", {})
        pairs = _copy_alignments(texts, garbled, cfg)
        f_src = flu.g.fluency_many([p[3] for p in pairs]) if pairs else []
        for (n, j, ratio, src_text), fs in zip(pairs, f_src, strict=True):
            i = live[n]
            if i in drop or live[j] in drop or not _is_copy(garbled[n], ratio, fs, cfg):
                continue
            if protected_line(texts[n], int(cfg["copy_min_cjk"]), int(cfg["copy_max_title"])):
                continue  # a title, a table row, a caption or a verse line: too short to call a copy
            if not same_facts(texts[n], src_text, cut_edges=True):
                continue  # another number or name than the passage it resembles: another fact
            drop.add(i)
            doc.record_removal(STAGE, "noisy-copy", doc.lines[i].text, doc.lines[i].src)
            dup_chars += nonws_len(doc.lines[i].text)
    kept: list[Line] = []
    recorded = {(r.src, r.text) for r in doc.removed if r.stage == STAGE}
    for i, ln in enumerate(doc.lines):
        if i in drop:
            if (ln.src, ln.text) not in recorded:
                doc.record_removal(STAGE, reason_par, ln.text, ln.src)
                dup_chars += nonws_len(ln.text)
            continue
        kept.append(ln)
    doc.lines = kept
    doc.stats["duplicate_chars"] = doc.stats.get("duplicate_chars", 0) + dup_chars
    return doc
