"""Quality scoring: a 0-100 score per document and paragraph that tracks real damage.

`score_document(doc, text, cfg)` scores the clean text alone (`score.score_text`:
garble-model fluency of prose (verse is judged by its structure, word lists are
not read as sentences), symbol soup, extraction residue, table debris (glued
cells, chart axes), stray OCR marks, fragment and debris lines, paragraphs that
break off mid-clause, one-character clauses, leftover spacing/punctuation,
unbalanced pairs, signs of lost characters, run-on sentences, truncation), turns each into
points off with the ramps below, and raises a flag for every problem a person
should look at. What the stages repaired (duplicates and garble removed, layout
and punctuation repairs, stage flags, OCR confidence) is reported apart as
`quality.repairs` and costs no points: the same text scores the same from `run`,
`clean`, `check` and `jsonl`. Every threshold is here and can be overridden in
`[quality]`.
"""

from __future__ import annotations

from typing import Any

DEFAULTS: dict[str, Any] = {
    # documents below it fail: report quality.passed = false and a below-min-score flag,
    # the HTML status, exit code 1 of run, check and jsonl (CLI --min-score sets it)
    "min_score": 0,
    "garble_threshold": -6.6,  # prose paragraph fluency below it: garbled
    "low_ocr_confidence": 90.0,  # mean OCR confidence below it: flag low-ocr-confidence (no points off)
    # the repair record (quality.repairs, information only): which stages' changes count as what
    "layout_stages": ["vertical_headline", "fragments", "column_spaces", "paragraphs"],
    "repair_stages": ["punctuation"],
    "paragraph_fluency": [-6.0, -7.0],  # paragraph fluency: no points off at -6.0, the full "garbled" points at -7.0
    # maximum points each component can take off the document score, in tiers: 2-8 for
    # signs that move with the genre or the page cut (fluency, truncation), 12-20 for signs
    # of a few damaged characters, 30-40 for damage a reader cannot read past (junk marks,
    # symbol soup, run-together sentences, fragment lines); text no reader can use (residue,
    # table debris) costs one point per 1 % of the text, up to 60. Chosen by a search over
    # the tiers on the real runs' tuning part and generated damage (docs/quality-score.md,
    # "Calibration"); `make calibrate` checks them.
    "weights": {
        "fluency": 8,
        "garbled": 4,
        "cjk_share": 40,
        "misreads": 12,
        "residue": 60,
        "fragments": 40,
        "broken_order": 15,
        "short_clauses": 30,
        "spacing": 8,
        "punctuation": 8,
        "unbalanced": 20,
        "table_debris": 60,
        "stray_marks": 30,
        "dropped_chars": 8,
        "run_on": 40,
        "unterminated": 8,
        "truncation": 2,
        "missing_start": 4,
    },
    # [ok, bad] per component: no penalty at ok, the full weight at bad (linear between)
    "ranges": {
        "fluency": [-5.9, -7.0],  # mean log-prob per CJK char (prose paragraphs)
        "garbled": [0.0, 0.2],  # share of CJK chars in garbled prose paragraphs
        "cjk_share": [0.4, 0.1],  # CJK / non-space chars: symbol soup only (a table-heavy report has 0.5)
        "misreads": [0.2, 1.5],  # improbable characters per 100 CJK chars (prose, not list items)
        "residue": [0.0, 0.6],  # (cid:N), private-use, U+FFFD, mojibake per non-space char: 1 point per 1 %
        "fragments": [0.05, 0.25],  # fragment and debris lines per paragraph
        "broken_order": [0.0, 6.0],  # paragraphs breaking off mid-clause, not continued next, per 1,000 CJK chars
        "short_clauses": [0.5, 5.0],  # one-character clauses per 100 clauses
        "spacing": [0.5, 10.0],  # per 1,000 CJK chars
        "punctuation": [0.5, 10.0],  # per 1,000 CJK chars
        "unbalanced": [0.1, 2.0],  # paragraphs with unpaired quotes or brackets per 1,000 CJK chars
        "table_debris": [0.0, 0.6],  # share of non-space chars in glued table cells and chart axes: 1 point per 1 %
        "stray_marks": [0.0, 10.0],  # OCR junk marks (| @ and 1-2 Latin letters wedged in Chinese) per 1,000 CJK chars
        "dropped_chars": [0.0, 5.0],  # per 10,000 CJK chars
        "run_on": [2.0, 10.0],  # per 10,000 CJK chars
        "unterminated": [0.5, 10.0],  # body paragraphs without a closing mark per 1,000 CJK chars
        "truncation": [0.0, 1.0],  # 1 when the text ends mid-sentence
        "missing_start": [0.0, 1.0],  # 1: the text starts mid-sentence; 0.5: no title (body text first)
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
        "residue": 30,
        "broken": 10,
    },
}


def score_document(doc: Any, text: str, cfg: dict[str, Any]) -> dict[str, Any]:
    """The report's `quality` section (see `score.score_text_document`)."""
    from .score import effective, score_text_document

    return score_text_document(doc, text, effective(cfg, DEFAULTS))


def score_text(text: str, cfg: dict[str, Any] | None = None) -> dict[str, Any]:
    """The score part of the `quality` section for `text` as it stands (no document,
    no repair record): what `run`, `clean`, `check` and `jsonl` report for that text.

    >>> score_text("2023年，全县地区生产总值增长7.5%。")["grade"]
    'A'
    """
    from .score import effective
    from .score import score_text as _score

    return _score(text, effective(cfg or {}, DEFAULTS))[0]


def apply_min_score(config: Any, value: float | None) -> Any:
    """`config` (a `Config`) with `[quality] min_score = value`; unchanged when `value`
    is None. The one place `--min-score` (run, check, jsonl) and the Python APIs'
    `min_score=` become the config setting the report's `quality.passed` follows."""
    if value is None:
        return config
    import copy

    from ..config import load_config

    raw = copy.deepcopy(config.raw)
    raw.setdefault("quality", {})["min_score"] = float(value)
    return load_config(raw)


def below_min_score(report: dict[str, Any]) -> bool:
    """The one test of the min-score setting, for `run`, `check`, `jsonl`, the summary
    and the HTML: the report's `quality.passed` (set from `[quality] min_score`, which
    `--min-score` overrides)."""
    return not report.get("quality", {}).get("passed", True)
