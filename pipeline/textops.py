"""Character classes and small helpers the text stages share."""

from __future__ import annotations

import re

from .document import Document, nonws_len

CJK_RANGE = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_PUNCT = "，。、；：？！“”‘’（）《》〈〉【】「」『』—…·〔〕"

# -- character classes shared by the text stages ---------------------------
# CJK ideographs for regex classes, including 〇 (U+3007) used as a numeral zero.
CJK_CLASS = CJK_RANGE + "\u3007\U00020000-\U0003134f"
# Full-width punctuation that counts as "Chinese context" (OUTPUT_SPEC section 4).
CJK_PUNCT_CLASS = (
    "\u3001\u3002\u300a-\u300f\u3010\u3011\u3014-\u301f"  # 、。《》「」『』【】〔〕〖〗…
    "\u2014\u2026\u2018\u2019\u201c\u201d"  # —…‘’“”
    "\uff01\uff08\uff09\uff0c\uff1a\uff1b\uff1f\uff5e"  # ！（），：；？～
)
_CJK_RE = re.compile(f"[{CJK_CLASS}]")


def has_cjk(text: str) -> bool:
    """True when `text` holds at least one CJK ideograph."""
    return _CJK_RE.search(text) is not None


def count_changes(doc: Document, stage: str, rule: str, old: str, new: str, n: int = 1) -> None:
    """Record one substitution of `old` by `new` (`n` counted), with its accounting delta."""
    if old != new:
        doc.record_change(stage, rule, n, nonws_len(old) - nonws_len(new))
