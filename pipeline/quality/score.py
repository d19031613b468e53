"""Combine the components into the document score, grade, paragraphs and flags.

The score is a function of the output text alone (`score_text`); the repair
record rides beside it in the report without changing it.

score = 100 - sum over components of weight * ramp(value, ok, bad), clipped
to 0..100 and rounded to 0.1. Values are rounded before they are used, so the
score does not depend on float noise across machines.
"""

from __future__ import annotations

from typing import Any

from ..document import Document
from ..errors import ConfigError
from . import components
from .flags import quality_flags, summary
from .measure import Measures, measure
from .paragraphs import paragraph_entries, paragraph_scores
from .repairs import repair_record

NESTED = ("weights", "ranges", "grades", "paragraph")


def effective(cfg: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    """`cfg` with its nested tables merged key by key over the defaults (unknown keys refused)."""
    out = {**defaults, **cfg}
    for key in NESTED:
        given = cfg.get(key, {}) or {}
        bad = set(given) - set(defaults[key])
        if bad:
            raise ConfigError(f"unknown key(s) in [quality.{key}]: {', '.join(sorted(bad))}")
        out[key] = {**defaults[key], **given}
    return out


def grade(score: float, cutoffs: dict[str, float]) -> str:
    """The first grade whose cut-off the score reaches (A best), else F."""
    for g, cut in sorted(cutoffs.items(), key=lambda kv: -kv[1]):
        if score >= cut:
            return g
    return "F"


def score_text(text: str, cfg: dict[str, Any], known: dict[str, tuple[int, float]] | None = None) -> tuple[dict[str, Any], Measures, list[list[str]], list[tuple[str, int | None, str]]]:
    """(the score part of the `quality` section, measures, paragraph issues, document
    issues) of `text` alone: nothing but the text goes in, so the same text always gets
    the same score (`known`: line fluency figures already computed, same values)."""
    m = measure(text, known=known)
    values = {k: (None if v is None else round(float(v), 4)) for k, v in components.measure_all(m, cfg).items()}
    comps: dict[str, dict[str, Any]] = {}
    total = 0.0
    for name, value in values.items():
        ok, bad = cfg["ranges"][name]
        pen = round(cfg["weights"][name] * components.ramp(value, ok, bad), 2)
        total += pen
        comps[name] = {"value": value, "penalty": pen}
    score = round(min(100.0, max(0.0, 100.0 - total)), 1)
    p_scores, issues = paragraph_scores(m, cfg)
    doc_issues: list[tuple[str, int | None, str]] = []
    if values["truncation"]:
        doc_issues.append(("truncated", int(m.lines[-1]), ""))
    min_score = float(cfg["min_score"])
    if score < min_score:
        doc_issues.append(("below-min-score", None, f"{score} < {min_score:g}"))
    q = {
        "score": score,
        "grade": grade(score, cfg["grades"]),
        "min_score": min_score,
        "passed": score >= min_score,
        "components": comps,
        "paragraphs": paragraph_entries(m, p_scores, issues),
    }
    return q, m, issues, doc_issues


def score_text_document(doc: Document, text: str, cfg: dict[str, Any]) -> dict[str, Any]:
    """The `quality` section of the report for `doc` whose clean text is `text`: the
    score of the text (`score_text`) and, apart, the repair record."""
    q, m, issues, doc_issues = score_text(text, cfg, known=doc.stats.get("line_fluency"))
    rec = repair_record(doc, text, cfg)
    conf = rec["ocr_confidence"]
    if conf is not None and conf < float(cfg["low_ocr_confidence"]):
        doc_issues.append(("low-ocr-confidence", None, f"mean {conf:.1f}"))
    flags = quality_flags(doc, m, issues, doc_issues)
    q["repairs"] = rec
    q["flag_counts"] = summary(flags)
    q["extra_flags"] = flags
    return q
