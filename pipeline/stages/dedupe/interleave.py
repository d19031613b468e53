"""Interleaved copies inside a paragraph: `X' Y X Z` -> `X Y Z`."""

from __future__ import annotations

from rapidfuzz import fuzz

from ...facts import same_facts
from ..paragraphs import word_spans_break
from .fluency import Fluency, fluency_gain


def interleaved(t: str, start: int, d: int, length: int, cfg: dict, flu: Fluency) -> list:
    """X' Y X Z -> X Y Z: two copies of a span with the text Y of one column between them.

    Identical copies with text between are parallel phrasing, not damage; the
    evidence is that the copies differ (OCR noise) and Y runs on into Z (a word
    spans the seam, as `入围国` + `家级` does).
    """
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
            out.append((fluency_gain(t, new, s1, start + d + length, flu), new, drop, "interleaved-copy"))
    return out


def seam_cut(t: str, lo: int, start: int, d: int, length: int) -> bool:
    """Whether `interleaved` can find a word across a seam of the repeat (start, d, length)
    of `t` (paragraph starting at `lo`): its `word_spans_break` test, on the text around
    the seams only."""
    for a in range(1, 3):
        s2 = start + d - a
        if start - a < lo:
            break
        y, z = t[max(start + length, s2 - 4) : s2], t[start + d + length : start + d + length + 4]
        if word_spans_break(y, z):
            return True
    return False
