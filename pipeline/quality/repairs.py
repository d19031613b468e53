"""The repair record: what the stages had to do to the input (issue 17).

Reported as `quality.repairs`, for information: it costs the score nothing, because
the score describes the text a reader gets, and the same text must score the same
whether it was just cleaned from a damaged input (`run`) or checked as it stands
(`check`). A heavily repaired input is worth knowing about (the source was bad, a
repair may have gone wrong), so the figures are here, beside the score.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..document import Document, nonws_len


def _events(doc: Document, stages: list[str] | tuple[str, ...]) -> int:
    """Substitutions plus removals the given stages recorded."""
    return sum(int(c) for s in stages for c in doc.changes.get(s, {}).values())


def _is_count(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def input_chars(doc: Document, text: str) -> int:
    """Non-space characters of the input: output plus removed plus substituted away."""
    return nonws_len(text) + doc.removed_nonws() + int(sum(doc.delta.values()))


def ocr_confidence(doc: Document) -> float | None:
    """Mean OCR confidence (0-100) when the text came from OCR, else None."""
    v = doc.stats.get("ocr_confidence")
    if v is None:
        confs = [ln.conf for ln in doc.lines if ln.conf is not None]
        return round(float(np.mean(confs)), 2) if confs else None
    return round(float(v), 2)


def repair_record(doc: Document, text: str, cfg: dict[str, Any]) -> dict[str, Any]:
    """Shares of the input removed (as duplicates, as garble, for other reasons), layout
    and punctuation repairs, stage flags, and the mean OCR confidence."""
    n_in = max(input_chars(doc, text), 1)
    dup = sum(nonws_len(r.text) for r in doc.removed if "dup" in r.reason)
    by_stats = doc.stats.get("duplicate_chars", 0)
    dup = max(dup, by_stats if _is_count(by_stats) else 0)
    garble = sum(nonws_len(r.text) for r in doc.removed if "garbl" in r.reason)
    other = sum(nonws_len(r.text) for r in doc.removed if "dup" not in r.reason and "garbl" not in r.reason)
    layout = _events(doc, cfg["layout_stages"])
    if doc.kind in ("pdf", "image"):  # joining a page's physical lines is reading, not repair
        layout -= int(doc.changes.get("paragraphs", {}).get("wrap-join", 0))
    return {
        "input_chars": n_in,
        "duplicate_share": round(dup / n_in, 4),
        "garble_removed_share": round(garble / n_in, 4),
        "removed_share": round(other / n_in, 4),
        "layout_repairs": max(layout, 0),
        "punctuation_repairs": _events(doc, cfg["repair_stages"]),
        "stage_flags": len(doc.flags),
        "ocr_confidence": ocr_confidence(doc),
    }
