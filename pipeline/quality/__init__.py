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

from ..settings.sections import QualitySettings

# every setting, its type and what it does: pipeline/settings/sections.py QualitySettings (the one source)
DEFAULTS: dict[str, Any] = QualitySettings().model_dump()


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
