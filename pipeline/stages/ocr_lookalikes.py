"""OCR look-alike characters put back: `福社` -> `福祉` when only the look-alike makes a word.

Tesseract's fast chi_sim model confidently reads one character as another that
looks almost the same (祉/社, 己/已, 末/未). The look-alike table is a service
(`ctx.services.lookalikes`, built from the Noto Sans CJK SC glyphs: see
`pipeline/services/lookalikes.py`); no font found: the stage does nothing.

The rule runs only on OCR'd text (documents of kind "image", lines with an OCR
confidence) and only after paragraph assembly, so a word cut by a line break is
whole again. A character is replaced when no dictionary word of 2-4 characters
in its context contains it, while a look-alike forms a frequent word
(`min_word_freq`) with its left or right neighbour, and the fluency model scores
the local window clearly better with the look-alike (`min_gain` nats). Each
replacement is counted and flagged ("ocr-correction") for a person to check.
"""

from __future__ import annotations

import numpy as np

from ..context import Context
from ..document import Document
from ..registry import stage
from ..services import Services
from ..services.lookalikes import font_path, lookalikes  # noqa: F401 (public here too)
from ..services.lookalikes import is_cjk as _is_cjk
from ..settings import Number, Settings

NAME = "ocr_lookalikes"


def _in_word(chars: list[str], i: int, freq: dict[str, int], min_freq: int) -> bool:
    """True when a dictionary word of 2-4 characters in `chars` covers position `i`."""
    n = len(chars)
    for size in (2, 3, 4):
        for s in range(max(0, i - size + 1), min(i, n - size) + 1):
            if freq.get("".join(chars[s : s + size]), 0) >= min_freq:
                return True
    return False


def _inside_word(x: str, y: str, sv: Services) -> bool:
    """True when the two characters follow each other inside some dictionary word."""
    if not x or not y:
        return False
    key = np.array([(ord(x) << 21) | ord(y)], dtype=np.uint64)
    return bool(sv.fluency.bigram_cond(key)[0] > 0)


def _cjk_run(text: str, i: int, reach: int) -> tuple[int, int]:
    """Bounds of the CJK characters around `i`, at most `reach` each side."""
    a = i
    while a > 0 and i - a < reach and _is_cjk(text[a - 1]):
        a -= 1
    b = i + 1
    while b < len(text) and b - i <= reach and _is_cjk(text[b]):
        b += 1
    return a, b


def correct_line(
    text: str, table: dict[str, tuple[str, ...]], sv: Services, cfg: dict
) -> list[tuple[int, str]]:
    """(position, replacement) for each look-alike to put back in `text`, left to right."""
    keep_freq, word_freq, gain = cfg["keep_word_freq"], cfg["min_word_freq"], cfg["min_gain"]
    freq = sv.lexicon.freq
    chars = list(text)
    fixes: list[tuple[int, str]] = []
    for i, c in enumerate(chars):
        alts = table.get(c)
        if not alts:
            continue
        a, b = _cjk_run(text, i, 3)
        if b - a < 2:
            continue  # no CJK neighbour: no evidence
        local = chars[a:b]
        if _in_word(local, i - a, freq, keep_freq):
            continue
        prev = chars[i - 1] if i > a else ""
        nxt = chars[i + 1] if i + 1 < b else ""
        if _inside_word(prev, c, sv) or _inside_word(c, nxt, sv):
            continue  # the pair occurs inside some dictionary word: a compound, not a misreading
        # the neighbour the look-alike would pair with must be orphaned too: a genuine misreading
        # breaks a word and leaves both halves without one (`民生|福社`), while a neighbour already
        # in a word of its own (`工作|总|基调`) is no evidence for a misreading next to it
        free_prev = bool(prev) and not _in_word(local, i - a - 1, freq, keep_freq)
        free_next = bool(nxt) and not _in_word(local, i - a + 1, freq, keep_freq)
        best, best_f = "", 0
        rank = sv.lookalikes.rank()
        for alt in alts:
            if rank.get(alt, 1 << 30) < rank.get(c, 1 << 30) + cfg["min_rank_gap"]:
                continue  # OCR misreads a rare character as a common one, not the other way round
            f = max(freq.get(prev + alt, 0) if free_prev else 0, freq.get(alt + nxt, 0) if free_next else 0)
            if f >= word_freq and f > best_f:
                best, best_f = alt, f
        if not best:
            continue
        window = "".join(local)
        fixed = window[: i - a] + best + window[i - a + 1 :]
        if sv.fluency.column_logp(fixed) - sv.fluency.column_logp(window) < gain:
            continue
        chars[i] = best
        fixes.append((i, best))
    return fixes


class OcrLookalikesSettings(Settings):
    """OCR'd text only: look-alike misreadings put back where only the look-alike makes a word."""

    max_chars: int = 7000
    """Characters in the look-alike table (the most frequent jieba characters)."""
    keep_word_freq: int = 1
    """A character forming a dictionary word this frequent with a neighbour is kept."""
    min_word_freq: int = 20
    """The look-alike must form a word at least this frequent."""
    min_gain: Number = 0.5
    """... and make the text at least this much more fluent (garble model)."""
    min_rank_gap: int = 2000
    """Only a rarer look-alike (this many frequency ranks below) is put in."""


# it judges words across the joins paragraphs makes
@stage(NAME, settings=OcrLookalikesSettings, after=("paragraphs",))
def run(doc: Document, ctx: Context) -> Document:
    """Look-alike characters misread by OCR put back where only the look-alike makes a word."""
    cfg = ctx.settings
    image = doc.kind == "image"
    if not image and not any(ln.conf is not None for ln in doc.lines):
        return doc
    table = ctx.services.lookalikes.table(cfg["max_chars"])
    if not table:
        return doc
    for k, ln in enumerate(doc.lines):
        if not (image or ln.conf is not None) or not ln.text:
            continue
        fixes = correct_line(ln.text, table, ctx.services, cfg)
        if not fixes:
            continue
        chars = list(ln.text)
        for i, alt in fixes:
            old = chars[i]
            chars[i] = alt
            ctx.log.change("ocr-lookalike", 1, 0)
            excerpt = ln.text[max(0, i - 8) : i + 9]
            ctx.log.flag(
                "ocr-correction", f"OCR look-alike {old} -> {alt} (only {alt} makes a word here)", excerpt, ln.src
            )
        doc.lines[k] = ln.with_text("".join(chars))
    return doc
