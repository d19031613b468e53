"""The character error rate every real-material benchmark reports, defined once.

CER = edit distance / reference length, both sides NFKC-normalised with all whitespace removed
(line and paragraph breaks are layout, not text). bench_ocr and bench_pdf keep their own, older
folds (quote forms unified; whitespace removed before NFKC), so their published figures stay
comparable with earlier runs.
"""

from __future__ import annotations

import unicodedata

from rapidfuzz.distance import Levenshtein


def norm(text: str) -> str:
    """NFKC, whitespace removed: the text a reader compares."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def cer(hyp: str, ref: str) -> float:
    """Edits from `hyp` to `ref` per reference character, on `norm`ed text."""
    r = norm(ref)
    return Levenshtein.distance(norm(hyp), r) / max(1, len(r))
