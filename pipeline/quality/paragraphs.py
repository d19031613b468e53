"""Per-paragraph scores and the issues behind them.

A paragraph starts at 100 and loses points for each problem found in it
(`[quality.paragraph]` gives the points per occurrence; at most three
occurrences count). The issue names are the flag kinds, so a reader can go
from a low paragraph score straight to the flags on that line.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..garble import MIN_CJK
from .measure import Measures

# issue name -> (count array key, config key)
COUNTED = (
    ("spacing", "spacing", "anomaly"),
    ("half-width-punctuation", "half_punct", "anomaly"),
    ("unbalanced-quote", "quote", "unbalanced"),
    ("unbalanced-bracket", "bracket", "unbalanced"),
    ("dropped-characters", "dropped", "dropped"),
    ("run-on", "run_on", "run_on"),
    ("unterminated-paragraph", "unterminated", "unterminated"),
    ("fragment", "fragment", "fragment"),
    ("residue", "residue", "residue"),
    ("debris", "debris", "fragment"),
    ("broken-order", "broken_end", "broken"),
    ("table-debris", "table", "fragment"),
    ("stray-marks", "stray", "anomaly"),
)


def low_fluency(m: Measures, cfg: dict[str, Any]) -> np.ndarray:
    """0..1 per paragraph: how far below the fluent range it reads."""
    ok, bad = cfg["paragraph_fluency"]
    x = (m.fluency - ok) / (bad - ok)
    return np.where((m.cjk >= MIN_CJK) & (m.counts["verse"] == 0), np.clip(x, 0.0, 1.0), 0.0)


def paragraph_scores(m: Measures, cfg: dict[str, Any]) -> tuple[np.ndarray, list[list[str]]]:
    """(score per paragraph rounded to 0.1, issue names per paragraph)."""
    pts = cfg["paragraph"]
    pen = np.zeros(len(m))
    issues: list[list[str]] = [[] for _ in range(len(m))]
    lf = low_fluency(m, cfg)
    pen += lf * pts["garbled"]
    for i in np.flatnonzero(m.fluency < cfg["garble_threshold"]).tolist():
        if m.cjk[i] >= MIN_CJK and not m.counts["verse"][i]:
            issues[i].append("garbled")
    for name, key, weight in COUNTED:
        c = m.counts[key]
        if key == "fragment":
            c = c * (m.counts["verse"] == 0) * (m.counts["debris"] == 0)  # a verse title; debris counted once
        elif key == "table":
            c = (c > 0).astype(np.int64)  # characters counted: one issue per paragraph
        pen += np.minimum(c, 3) * pts[weight]
        for i in np.flatnonzero(c).tolist():
            issues[i].append(name)
    scores = np.round(np.clip(100.0 - pen, 0.0, 100.0), 1)
    return scores, issues


def paragraph_entries(m: Measures, scores: np.ndarray, issues: list[list[str]]) -> list[dict[str, Any]]:
    """The report's `quality.paragraphs`: every paragraph's line and score, issues when any."""
    out = []
    for line, s, iss in zip(m.lines.tolist(), scores.tolist(), issues, strict=True):
        out.append({"line": int(line), "score": float(s), "issues": list(iss)})
    return out
