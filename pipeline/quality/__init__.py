"""Quality scoring: a 0-100 score per document and paragraph that tracks real damage.

`score_document(doc, text, cfg)` measures the clean text (garble-model
fluency, CJK share, leftover spacing/punctuation, unbalanced pairs, signs of
lost characters, run-on sentences, truncation) and the document's change log
(duplicates, removed share, layout and punctuation repairs, stage flags, OCR confidence), turns each into points
off with the ramps below, and raises a flag for every problem a person should
look at. Every threshold is here and can be overridden in `[quality]`.
"""

from __future__ import annotations

from typing import Any

DEFAULTS: dict[str, Any] = {
    "min_score": 0,  # documents below it are marked (report: quality.passed, flag below-min-score)
    "garble_threshold": -6.6,  # paragraph fluency below it: garbled
    "layout_stages": ["vertical_headline", "fragments", "column_spaces", "paragraphs"],
    "repair_stages": ["punctuation"],
    # stage flag kinds a component already scores (not counted again as review flags);
    # an ocr-correction is a repair of an OCR misreading, which ocr_confidence already covers
    "scored_flags": ["unbalanced-quote", "unbalanced-bracket", "truncated", "ocr-correction"],
    "paragraph_fluency": [-6.0, -7.0],  # paragraph fluency: no points off at -6.0, the full "garbled" points at -7.0
    # maximum points each component can take off the document score
    "weights": {
        "fluency": 25,
        "garbled": 20,
        "cjk_share": 10,
        "fragments": 10,
        "duplicates": 6,
        "spacing": 8,
        "punctuation": 8,
        "unbalanced": 10,
        "dropped_chars": 10,
        "run_on": 10,
        "unterminated": 8,
        "truncation": 8,
        "removed": 10,
        "layout": 10,
        "repairs": 6,
        "review_flags": 10,
        "ocr_confidence": 15,
    },
    # [ok, bad] per component: no penalty at ok, the full weight at bad (linear between)
    "ranges": {
        "fluency": [-5.7, -6.7],  # mean log-prob per CJK char
        "garbled": [0.0, 0.05],  # share of input: garbled paragraphs left + garble removed
        "cjk_share": [0.6, 0.3],  # CJK / non-space chars
        "fragments": [0.0, 0.2],  # fragment lines per paragraph
        "duplicates": [0.0, 0.08],  # share of input found duplicated
        "spacing": [0.5, 10.0],  # per 1,000 CJK chars
        "punctuation": [0.5, 10.0],  # per 1,000 CJK chars
        "unbalanced": [0.01, 0.15],  # share of paragraphs
        "dropped_chars": [0.0, 5.0],  # per 10,000 CJK chars
        "run_on": [2.0, 10.0],  # per 10,000 CJK chars
        "unterminated": [0.05, 0.3],  # share of paragraphs
        "truncation": [0.0, 1.0],  # 1 when the document ends mid-sentence
        "removed": [0.02, 0.3],  # share of input chars removed (not as duplicates)
        "layout": [1.0, 40.0],  # layout repairs per 1,000 CJK chars
        "repairs": [2.0, 100.0],  # punctuation repairs per 1,000 CJK chars
        "review_flags": [0.01, 0.1],  # stage flags per paragraph
        "ocr_confidence": [90.0, 50.0],  # mean OCR confidence 0-100
    },
    "grades": {"A": 90, "B": 80, "C": 70, "D": 60},
    # points off a paragraph per occurrence (at most three count)
    "paragraph": {
        "garbled": 50,
        "anomaly": 4,
        "unbalanced": 15,
        "dropped": 10,
        "run_on": 10,
        "unterminated": 10,
        "fragment": 40,
    },
}


def score_document(doc: Any, text: str, cfg: dict[str, Any]) -> dict[str, Any]:
    """The report's `quality` section (see `score.score_text_document`)."""
    from .score import effective, score_text_document

    return score_text_document(doc, text, effective(cfg, DEFAULTS))
