"""Noisy copies inside a paragraph: `S R` -> `S`, R a garbled OCR copy of the passage S
right before it."""

from __future__ import annotations

import numpy as np
from rapidfuzz import fuzz

from ...facts import same_facts
from ...text.cjk import count_han_span
from .fluency import Fluency, fluency_gain
from .lookalikes import lookalike_match, lookalike_table


def plain_clause(text: str, min_cjk: int) -> bool:
    """At least `min_cjk` CJK characters, no digits and no sentence end inside: what a
    mildly garbled copy must be. Parallel list items (`…支出３，１８９…元，占预算数的８２．８２％；`)
    differ from their neighbours in numbers and names, about as much as a light OCR copy."""
    return count_han_span(text) >= min_cjk and not any(c.isdigit() or c in "。！？" for c in text.strip("。！？，；"))


def splits_number(t: str, i: int) -> bool:
    """A cut at `i` would split a number (`驿站1` | `5个`)."""
    return 0 < i < len(t) and t[i - 1].isdigit() and t[i].isdigit()


def noisy_ok(f_src: float, f_cp: float, ratio: float, cfg: dict, plain: bool = True) -> bool:
    """A copy garbled enough, relative to the passage it copies, under one of `noisy_tiers`
    (min ratio, min fluency gap to the source, copy fluency below); a tier above
    `garbled_below` (a mildly garbled copy) only for a plain clause (`plain_clause`)."""
    limit = float(cfg["garbled_below"])
    return any(
        ratio >= r and f_src - f_cp >= g and f_cp < b and (plain or b <= limit) for r, g, b in cfg["noisy_tiers"]
    )


def tier_mask(m_src: np.ndarray, m_cp: np.ndarray, tiers) -> np.ndarray:
    """Where a copy (mean log-probability `m_cp`) is less fluent than its source under a tier."""
    ok = np.zeros(np.broadcast_shapes(m_src.shape, m_cp.shape), dtype=bool)
    for _, g, b in tiers:
        ok |= (m_cp < float(b)) & (m_src - m_cp >= float(g))
    return ok


def noisy_copies(t: str, start: int, d: int, length: int, cfg: dict, flu: Fluency, lp, lookalike: bool = True) -> list:
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
    (`lookalike_match`): fluency alone cannot tell it from parallel phrasing.
    Returns the removals whose fluency gain clears their tier's minimum.
    """
    out: list = []
    if count_han_span(t[start : start + length]) < 5:
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
    ok = tier_mask(m_src, m_cp, cfg["noisy_tiers"]) & inside
    ok_la = tier_mask(m_src, m_cp, cfg["lookalike_tiers"]) & inside & ~ok if lookalike else np.zeros_like(ok)
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
            if splits_number(t, sc) or splits_number(t, sc + n) or not same_facts(cp, src):
                continue  # a cut inside a number, or another number or name: not a copy
            f_src, f_cp = float(m_src[i, 0]), float(m_cp[i, j])
            if ok[i, j]:
                ratio = fuzz.ratio(src, cp)
                if ratio < min_ratio:
                    continue
                plain = plain_clause(cp, int(cfg["mild_min_cjk"]))
                if noisy_ok(f_src, f_cp, ratio, cfg, plain) and (best is None or ratio > best[0]):
                    best = (ratio, n)
            elif plain_clause(cp, int(cfg["mild_min_cjk"])):
                la, ratio = lookalike_match(src, cp, lookalike_table(int(cfg["lookalike_chars"])))
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
        gain = fluency_gain(t, new, ss, sc + n, flu)
        if gain > min_gain:
            out.append((gain, new, t[sc : sc + n], "noisy-copy"))
    return out
