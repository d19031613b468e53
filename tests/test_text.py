"""pipeline.text: the character classes and the one joiner.

The joiner replaced three copies (paragraphs, PDF wraps, OCR words) with one function and
a declared `Joint`; each joint is checked against the copy it replaced, on random pieces
built from the characters that decide a join."""

from __future__ import annotations

import random
import re

import numpy as np

from pipeline.text.cjk import (
    HAN,
    HAN_BMP,
    count_han_span,
    is_han_array,
    is_han_bmp,
    is_unified_han,
    is_uro,
)
from pipeline.text.join import OCR_WORDS, PDF_WRAP, WRAP, join, join_all


def _old_wrap(a: str, b: str) -> str:  # paragraphs._join_text before the merge
    if re.search(r"[A-Za-z,;:!?)\]]$|[0-9]$", a) and re.match(r"^[A-Za-z0-9(\[]", b):
        if a[-1].isdigit() and b[0].isdigit():
            return a + b
        if a[-1] in ",;:" and (a[-2:-1].isdigit() and b[0].isdigit()):
            return a + b
        return a + " " + b
    return a + b


def _old_pdf(texts: list[str]) -> str:  # pdf.wraps.join before the merge
    out = texts[0].strip()
    for t in texts[1:]:
        t = t.strip()
        out += (" " if re.search(r"[A-Za-z0-9,.;:%)]$", out) and t[:1].isascii() and t[:1].isalnum() else "") + t
    return out


def _old_ocr(words: list[str]) -> str:  # ocr.engines.base.join_words before the merge
    out = ""
    for w in words:
        w = w.strip()
        if not w:
            continue
        if out and re.search(r"[0-9A-Za-z%.,:;)\]'\"]$", out) and re.match(r"^[0-9A-Za-z(\['\"]", w):
            out += " "
        out += w
    return out


def _pieces(rng: random.Random, n: int) -> list[str]:
    alphabet = "政府aZ09１,.;:!?%()[]'\"、。 "
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 4))) for _ in range(n)]


def test_joints_match_the_copies_they_replaced():
    rng = random.Random(19)
    for _ in range(3000):
        ps = _pieces(rng, rng.randint(1, 5))
        a, b = ps[0].strip() or "x", (ps[-1].strip() or "y")
        assert join(a, b, WRAP) == _old_wrap(a, b), (a, b)
        assert join_all(ps, PDF_WRAP) == _old_pdf(ps), ps
        assert join_all(ps, OCR_WORDS) == _old_ocr(ps), ps


def test_wrap_joins():
    assert join("Made in", "China") == "Made in China"
    assert join("收入68,", "215元") == "收入68,215元"  # a number split by a wrap
    assert join("20", "25年") == "2025年"
    assert join("政府", "工作") == "政府工作"
    assert join_all(["第 1", "2 页"], OCR_WORDS) == "第 1 2 页"  # an engine's word gap stays
    assert join_all(["GDP", "增长"], PDF_WRAP) == "GDP增长"


def test_classes():
    assert is_han_bmp("政") and is_han_bmp("\uf900") and not is_han_bmp("\u3007")
    assert is_unified_han("\u3400") and not is_unified_han("\uf900")
    assert is_uro("政") and not is_uro("\u3400")
    assert count_han_span("政府\u4dc0 GDP，") == 3  # the span holds the Yijing hexagram symbols
    assert re.fullmatch(f"[{HAN}]+", "〇\U00020000政") and not re.fullmatch(f"[{HAN_BMP}]+", "〇")
    cps = np.array([ord(c) for c in "政〇\U00020000a\uf900"], dtype=np.uint32)
    assert is_han_array(cps).tolist() == [True, False, True, False, True]
