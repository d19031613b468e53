"""Two copies of a span interleaved, the second starting at an inline space (issue 3).

OCR of a newspaper column sometimes reads a line twice: a noisy copy of a
span, a little of the real text, then the span again from its start, and the
second reading begins where the OCR left a space (SEED_DEFECTS, Kaihua 191):

    传承红色基因 序火,创成中华诗词之乡, "开化纸"入围国 薪火, 创成中华诗词之乡, 家级…
                 X'                    Y                 X                  Z

must become `…基因薪火,创成中华诗词之乡,"开化纸"入围国家级…` (`X Y Z`). Chinese is
written without spaces, so that space is the only place a copy can start that
is cheap to find; the `column_spaces` stage deletes it, which is why this
stage runs right before it (dedupe, later, finds only copies sharing an exact
run of 8+ characters).

At each inline space with a CJK character after it (and neither a digit nor
a Latin letter before it: `1 000`, `PM2.5 年均`), the text after the space is
aligned with the text shortly before it (a local alignment anchored at the
space, spaces ignored): X' is the stretch of the earlier text that the start
of the later text copies. A repair is considered only for a clear copy (at
least `min_match` equal characters, `min_ratio` of the longer copy) with a
little text Y between the copies (`min_gap`..`max_gap`), and never when

* the copies go on to the left together: the characters right before them
  are the same, or the ones before those (one character differs:
  `(校地合作)研究院、农科院(院 地合作)研究院`), or the 8-12 characters
  before each are 60% alike: the space sits inside a longer repeated phrase;
* a dictionary word spans the space (a column wrap inside a word, `行政 长官`);
* numbers differ between the copies, or a number follows each (parallel
  figures, `增长百分之九。在连续两年 增长百分之十三`);
* Y starts over after the second copy (`X Y X Y`: a tandem repeat, dedupe's);
* the phrase is said a third time in the line (rhetoric, `给了我们这种有利条件`);
* the second copy runs to the end of the lookahead (`ahead`): a re-read of a
  whole passage, dedupe's noisy copy (Kaihua 105).

The evidence that it is damage and not parallel phrasing is then scored
(`_score`: a logistic regression fitted on generated damage against every
inline space of the national corpus set in narrow columns). For: a
dictionary word across the new junction Y|Z (`入围国|家级`), a copy cut
mid-word where the damage cut it (H|X', X'|Y), the log-probability the
characters that stay gain when the copies are merged (garble model), a
garbled substitution in one copy (OCR noise, not another word), the copy's
length. Against: identical copies, a larger share of differences, a first
character that differs, a longer Y. A space with no other inline space within
`window` characters (a lone space in otherwise unspaced text, as OCR leaves
at such a seam) needs `lone_score`; one among the many spaces of a
column-wrapped line needs `min_score`. On the national corpus set in 3-7-
character columns (275,274 inline spaces; `benchmarks/interleave_ceiling.py
--seam`), `min_score` passes 6 spaces (0.002%), `lone_score` 166 (0.06%);
on the generated class (20 seeds) the stage takes out ~70% of the CER.

The repair keeps the more fluent copy in the first copy's place, followed by
Y and Z (`X Y Z`), and records the other copy as removed
(`interleaved-copy`). Lines without an inline space (nearly all clean text)
cost one `in` test.
"""

from __future__ import annotations

import re

import numpy as np
from rapidfuzz.distance import Indel, Levenshtein

from ..document import Document
from ..registry import stage
from ..settings import Number, Settings
from ..text.cjk import HAN_BMP

NAME = "interleaved_copies"
_SPACE = " \t\u3000\u00a0"
# an inline space run with a CJK character after it, and neither a space, a digit
# nor a Latin letter before it
_SEAM = re.compile(rf"(?<=[^\s0-9A-Za-z])[{_SPACE}]+(?=[{HAN_BMP}])")
_WS = re.compile(r"\s+")
_EDGE = re.compile(rf"^[^{HAN_BMP}0-9A-Za-z]+|[^{HAN_BMP}0-9A-Za-z]+$")
_INLINE = re.compile(rf"(?<=\S)[{_SPACE}]+(?=\S)")
_GARBLED = 6.0  # log-probability drop that marks a misread character (`_garbled`)
_LEFT_SIM = 0.6  # the 8-12 characters before each copy this similar: one longer repeat
_NUMERIC = frozenset("0123456789０１２３４５６７８９零〇○一二三四五六七八九十百千万亿两％%.．")


def _align(b: str, t: str, gap: float, miss: float = 1.0) -> tuple[float, int, int, int, int]:
    """The best local alignment of a prefix of `t` (anchored at t[0]) with a stretch of `b`.

    Match +1, mismatch -`miss`, a gap -`gap`; returns (score, s, e, k, matches): t[:k]
    aligned with b[s:e], the highest score, the longest prefix among equals."""
    nb = len(b)
    prev = [0.0] * (nb + 1)  # t[:0] aligns with the empty stretch anywhere: free start
    pst = list(range(nb + 1))
    pm = [0] * (nb + 1)
    best = (0.0, 0, 0, 0, 0)
    for j in range(1, len(t) + 1):
        tj = t[j - 1]
        cur = [prev[0] - gap] + [0.0] * nb
        cst = [0] * (nb + 1)
        cm = [0] * (nb + 1)
        for i in range(1, nb + 1):
            eq = b[i - 1] == tj
            v, st, m = prev[i - 1] + (1.0 if eq else -miss), pst[i - 1], pm[i - 1] + eq
            w = prev[i] - gap
            if w > v:
                v, st, m = w, pst[i], pm[i]
            w = cur[i - 1] - gap
            if w > v:
                v, st, m = w, cst[i - 1], cm[i - 1]
            cur[i], cst[i], cm[i] = v, st, m
        i = max(range(nb + 1), key=cur.__getitem__)
        if cur[i] >= best[0]:
            best = (cur[i], cst[i], i, j, cm[i])
        prev, pst, pm = cur, cst, cm
    return best


def _logp(text: str) -> np.ndarray:
    """Per-character log-probability in context (NaN off CJK)."""
    from ..garble import char_logp_by_position

    return char_logp_by_position(text)


def _mean(lp: np.ndarray) -> float:
    ok = ~np.isnan(lp)
    return float(lp[ok].mean()) if ok.any() else -99.0


def _retained_gain(comp: str, s: int, e: int, i: int, k: int, keep_second: bool) -> float:
    """How much more probable (garble model, summed log-probability) the characters that
    stay become when the copies X' = comp[s:e] and X = comp[i:i+k] are merged into one in
    X''s place: only the characters at the junctions change."""
    lo, hi = max(0, s - 2), min(len(comp), i + k + 2)
    old = comp[lo:hi]
    x1, y, x2 = comp[s:e], comp[e:i], comp[i : i + k]
    keep = x2 if keep_second else x1
    new = comp[lo:s] + keep + y + comp[i + k : hi]
    gone = np.zeros(len(old), dtype=bool)
    if keep_second:
        gone[s - lo : e - lo] = True
    else:
        gone[i - lo : i + k - lo] = True
    return float(np.nansum(_logp(new)) - np.nansum(_logp(old)[~gone]))


def _garbled(comp: str, s: int, e: int, i: int, k: int) -> tuple[float, bool]:
    """(how garbled one copy reads against the other, the first copy is the garbled one).

    An OCR misreading puts a character that fits neither neighbour where parallel
    phrasing puts another word: for each substitution between the copies, the
    log-probability (garble model, in context) of the character and of the one
    after it, in one copy minus in the other; the largest drop either way."""
    x1, x2 = comp[s:e], comp[i : i + k]
    subs = [(a, b) for op, a, b in Levenshtein.editops(x1, x2) if op == "replace"]
    if not subs:
        return 0.0, False
    o = max(0, s - 4)
    lp = _logp(comp[o : i + k + 4])
    d = []
    for a, b in subs:
        a, b = s - o + a, i - o + b
        d.append(np.nansum(lp[a : a + 2]) - np.nansum(lp[b : b + 2]))
    lo, hi = min(d), max(d)
    return (float(-lo), True) if -lo >= hi else (float(hi), False)


def _core(x: str) -> str:
    """`x` without the punctuation at its ends."""
    return _EDGE.sub("", x)


def _figures_differ(x1: str, x2: str) -> bool:
    """The copies differ in a number: a figure read for another (`八十` / `五十`), or a
    digit more or less inside a number (`31` / `321`), as parallel figures do."""
    for op, a, b in Levenshtein.editops(x1, x2):
        if op == "replace":
            if x1[a] in _NUMERIC and x2[b] in _NUMERIC:
                return True
        else:
            j, x = (a, x1) if op == "delete" else (b, x2)
            if x[j] in _NUMERIC and any(c in _NUMERIC for c in x[max(0, j - 1) : j] + x[j + 1 : j + 2]):
                return True
    return False


def _word_across(a: str, b: str) -> bool:
    from .paragraphs import word_spans_break

    return word_spans_break(a, b)


def _score(f: dict) -> float:
    """The evidence that an aligned pair of copies is interleave damage (see the module
    docstring): a logistic regression's weights, fitted on generated damage against every
    inline space of clean text set in narrow columns, rounded."""
    return (
        2.45 * f["word_new"]
        + 1.8 * f["cut_mid"]
        + 1.9 * f["cut_start"]
        + 0.35 * min(max(f["gain"], -4.0), 8.0)
        + 2.9 * (f["garbled"] >= _GARBLED)
        - 1.9 * f["identical"]
        + 0.3 * min(f["matches"], 16)
        - 0.055 * f["gap"]
        - 15.4 * f["differ"]
        - 2.1 * f["first_differs"]
        - 1.05
    )


def judge(comp: str, i: int, cfg: dict) -> dict | None:
    """The copy the text after the seam at `comp[i]` starts, and its evidence; None
    when there is no clear copy or a rule says it is not damage."""
    window, min_gap = cfg["window"], cfg["min_gap"]
    lo = max(0, i - window)
    b = comp[lo : i - min_gap]
    t = comp[i : i + cfg["ahead"]]
    if len(b) < 4 or not any(t[j : j + 3] in b for j in range(min(6, len(t) - 3))):
        return None
    score, s, e, k, mt = _align(b, t, cfg["gap_cost"], cfg["miss_cost"])
    s, e = lo + s, lo + e
    x1, x2 = comp[s:e], comp[i : i + k]
    y, z = comp[e:i], comp[i + k :]
    if mt < cfg["min_match"] or mt < cfg["min_ratio"] * max(len(x1), len(x2)):
        return None
    if len(y) > cfg["max_gap"]:
        return None
    if k >= len(t) == cfg["ahead"]:  # a longer re-read: dedupe's noisy copy
        return None
    # the copies go on to the left together (give or take a misread character): the
    # space sits inside a longer repeat
    if (
        (s and comp[s - 1] == y[-1:])
        or (s > 1 and comp[s - 2] == y[-2:-1])
        or any(Indel.normalized_similarity(comp[max(0, s - m) : s], y[-m:]) >= _LEFT_SIM for m in (8, 10, 12))
    ):
        return None
    if z.startswith(y[:6]):  # X Y X Y: a tandem repeat
        return None
    c1, c2 = _core(x1), _core(x2)
    if c2 and comp.count(c2) + (comp.count(c1) if c1 != c2 else 0) >= 3:
        return None  # said a third time: rhetoric (`给了我们这种有利条件` x 3), a re-read leaves two
    if _figures_differ(x1, x2) or (y[:1] in _NUMERIC and z[:1] in _NUMERIC):
        return None  # parallel figures: different numbers, or each copy followed by one
    if _word_across(y, x2):  # the space cuts a word: a column wrap
        return None
    garbled, first_garbled = _garbled(comp, s, e, i, k)
    if garbled >= _GARBLED:
        keep_second = first_garbled
    else:  # the copy reading more fluently in context
        o = max(0, s - 8)
        lp = _logp(comp[o : i + k + 8])
        keep_second = not _mean(lp[s - o : e - o]) > _mean(lp[i - o : i + k - o])
    f = {
        "s": s,
        "e": e,
        "i": i,
        "k": k,
        "matches": mt,
        "keep_second": keep_second,
        "word_new": _word_across(y, z),
        "cut_mid": _word_across(x1, y),
        "cut_start": _word_across(comp[max(0, s - 4) : s], x1),
        "gain": _retained_gain(comp, s, e, i, k, keep_second),
        "garbled": garbled,
        "identical": x1 == x2,
        "gap": len(y),
        "differ": Levenshtein.distance(x1, x2) / max(len(x1), len(x2)),
        "first_differs": x1[:1] != x2[:1],
    }
    f["score"] = _score(f)
    return f


def _lone(text: str, end: int, window: int) -> bool:
    """The seam ending at `end` is the only inline space within about `window` characters."""
    return len(_INLINE.findall(text, max(0, end - window), end + window)) <= 1


def repair_line(text: str, cfg: dict) -> tuple[str, list[str]]:
    """`text` with interleaved copies merged, and the copies removed (first copy kept in
    place when it is the more fluent, the second moved there otherwise)."""
    gone: list[str] = []
    head = len(text) - len(text.lstrip())
    window = cfg["window"]
    for _ in range(cfg["max_repairs"]):
        seams = [m.end() for m in _SEAM.finditer(text, head)]
        if not seams:
            break
        comp = _WS.sub("", text)
        best = None
        for end in seams:
            i = end - sum(map(len, _WS.findall(text, 0, end)))  # the seam in `comp`
            f = judge(comp, i, cfg)
            if f is None:
                continue
            need = cfg["lone_score"] if _lone(text, end, window) else cfg["min_score"]
            if f["score"] >= need and (best is None or f["score"] > best["score"]):
                best = f
        if best is None:
            break
        pos = [n for n, c in enumerate(text) if not c.isspace()]
        s, e, i, k = best["s"], best["e"], best["i"], best["k"]
        a, b = pos[s], pos[e - 1] + 1  # the first copy, in `text`
        c, d = pos[i], pos[i + k - 1] + 1  # the second copy
        x1, y, x2 = text[a:b], text[b : pos[i - 1] + 1], text[c:d]
        keep, drop = (x2, x1) if best["keep_second"] else (x1, x2)
        text = text[:a] + keep + y + text[d:]
        gone.append(drop)
    return text, gone


class InterleavedCopiesSettings(Settings):
    """A span read twice, the second copy starting at an inline space: one copy kept."""

    enabled: bool = True
    """Run the stage."""
    window: int = 44
    """How far before the space the first copy may start (characters)."""
    ahead: int = 30
    """A second copy this long is a longer re-read, left to dedupe (characters)."""
    min_match: int = 4
    """Equal characters in the two copies."""
    min_ratio: Number = 0.7
    """... and at least this share of the longer copy."""
    min_gap: int = 2
    """Fewest characters of text between the copies."""
    max_gap: int = 20
    """Most characters of text between the copies."""
    gap_cost: Number = 1.2
    """Alignment cost of a gap."""
    miss_cost: Number = 1.0
    """Alignment cost of a mismatch (an OCR drop costs a little more than a misreading)."""
    min_score: Number = 2.3
    """Evidence needed at a space among others (column-wrapped text)."""
    lone_score: Number = -1.2
    """Evidence needed at a lone space inside unspaced text."""
    max_repairs: int = 3
    """Most repairs per line."""


@stage(NAME, settings=InterleavedCopiesSettings)
def run(doc: Document, cfg: dict) -> Document:
    """Merge two interleaved copies of a span whose second copy starts at an inline space."""
    if not cfg["enabled"]:
        return doc
    for n, ln in enumerate(doc.lines):
        t = ln.text
        if " " not in t.strip() or ln.kind == "headline":
            continue
        new, gone = repair_line(t, cfg)
        if gone:
            for g in gone:
                doc.record_removal(NAME, "interleaved-copy", g, ln.src)
            doc.lines[n] = ln.with_text(new)
    return doc
