"""Small helpers the text stages share. The character classes live in `text.cjk`; the old
names stay here for the modules that still import them (markup)."""

from __future__ import annotations

from .document import Document, nonws_len
from .text.cjk import CJK_PUNCT, CJK_PUNCT_CLASS, HAN, HAN_BMP

CJK_RANGE = HAN_BMP  # old name of `text.cjk.HAN_BMP`
CJK_CLASS = HAN  # old name of `text.cjk.HAN`

__all__ = ["CJK_CLASS", "CJK_PUNCT", "CJK_PUNCT_CLASS", "CJK_RANGE", "count_changes"]


def count_changes(doc: Document, stage: str, rule: str, old: str, new: str, n: int = 1) -> None:
    """Record one substitution of `old` by `new` (`n` counted), with its accounting delta."""
    if old != new:
        doc.record_change(stage, rule, n, nonws_len(old) - nonws_len(new))
