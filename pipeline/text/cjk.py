"""Which characters count as Chinese: every character class of the pipeline, defined once.

The pipeline asked "is this CJK" in several slightly different ways. Each variant decides
something real text depends on and outputs must stay byte-identical, so the variants are
kept, each named for exactly what it covers (code points inclusive):

| name | covers | used by |
|---|---|---|
| `HAN_BMP`, `is_han_bmp` | U+3400-4DBF (Ext A), U+4E00-9FFF (unified), U+F900-FAFF (compatibility) | text stages' regexes, PDF validation |
| `HAN` | `HAN_BMP` + 〇 U+3007 + U+20000-3134F (Ext B-H) | punctuation and markup: Chinese context |
| `is_han_array` | `HAN_BMP` + U+20000-3134F (no 〇): the garble model's characters | garble, dedupe, quality |
| `HAN_SPAN`, `count_han_span` | U+3400-9FFF in one span (Ext A to the end of the unified block, the Yijing hexagram symbols U+4DC0-4DFF included) | dedupe, facts, link names, text signs |
| `HAN_COMPAT` | U+F900-FAFF | text signs (with `HAN_SPAN`) |
| `is_unified_han` | U+3400-4DBF, U+4E00-9FFF (no compatibility ideographs) | the look-alike table |
| `URO`, `is_uro` | U+4E00-9FFF only | charset sniffing, paragraphs, captions, benchmarks |
| `CJK_PUNCT` | the full-width marks of Chinese prose, as a string | column spaces, quality |
| `CJK_PUNCT_CLASS` | full-width punctuation that makes "Chinese context" (OUTPUT_SPEC 4) | punctuation, markup |

The upper-case names are regex class bodies (`f"[{HAN_BMP}]"`).
"""

from __future__ import annotations

import re

import numpy as np

URO = r"\u4e00-\u9fff"
HAN_BMP = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# a numeral zero (〇) and the supplementary planes too
HAN = HAN_BMP + "\u3007\U00020000-\U0003134f"
HAN_SPAN = r"\u3400-\u9fff"
HAN_COMPAT = r"\uf900-\ufaff"

CJK_PUNCT = "，。、；：？！“”‘’（）《》〈〉【】「」『』—…·〔〕"
CJK_PUNCT_CLASS = (
    "\u3001\u3002\u300a-\u300f\u3010\u3011\u3014-\u301f"  # 、。《》「」『』【】〔〕〖〗…
    "\u2014\u2026\u2018\u2019\u201c\u201d"  # —…‘’“”
    "\uff01\uff08\uff09\uff0c\uff1a\uff1b\uff1f\uff5e"  # ！（），：；？～
)

_SPAN_RE = re.compile(f"[{HAN_SPAN}]")


def count_han_span(text: str) -> int:
    """Characters of `text` in `HAN_SPAN` (U+3400-9FFF)."""
    return len(_SPAN_RE.findall(text))


def is_han_bmp(ch: str) -> bool:
    """`ch` is in `HAN_BMP`."""
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\uf900" <= ch <= "\ufaff"


def is_unified_han(ch: str) -> bool:
    """`ch` is a unified ideograph of the BMP (U+4E00-9FFF or Ext A), not a compatibility one."""
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def is_uro(ch: str) -> bool:
    """`ch` is in the unified block U+4E00-9FFF."""
    return "\u4e00" <= ch <= "\u9fff"


def is_han_array(cp: np.ndarray) -> np.ndarray:
    """Which code points are ideographs as the garble model counts them (`HAN_BMP` and
    U+20000-3134F)."""
    return (
        ((cp >= 0x4E00) & (cp <= 0x9FFF))
        | ((cp >= 0x3400) & (cp <= 0x4DBF))
        | ((cp >= 0xF900) & (cp <= 0xFAFF))
        | ((cp >= 0x20000) & (cp <= 0x3134F))
    )
