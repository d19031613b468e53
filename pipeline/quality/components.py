"""Document-level quality components: one function per component.

Each returns the measured value in its natural unit (a share, a rate per
1,000 or 10,000 CJK characters, a mean log-probability) or None when it does
not apply. `penalty` maps a value to points off the score with a linear ramp
between the config's `ok` value (no penalty) and `bad` value (the full
weight), so every threshold lives in `[quality.ranges]`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..document import Document, nonws_len
from .measure import Measures, last_paragraph_truncated


def ramp(value: float | None, ok: float, bad: float) -> float:
    """0 at `ok`, 1 at `bad` and beyond, linear between (either direction)."""
    if value is None or ok == bad:
        return 0.0
    return float(min(1.0, max(0.0, (value - ok) / (bad - ok))))


RATE_FLOOR = 500  # rates per 1,000 CJK chars are taken over at least this many: a
# three-line snippet with one repaired comma is not "300 repairs per 1,000"


def _per(n: float, base: float, unit: float) -> float:
    return float(n) / float(base) * unit if base > 0 else 0.0


def _rate(n: float, cjk: np.ndarray, unit: float) -> float:
    return _per(n, max(int(cjk.sum()), RATE_FLOOR), unit)


def fluency(m: Measures) -> float | None:
    """Mean log-probability per CJK character under the garble model (CJK-weighted)."""
    w = m.cjk.sum()
    return float((m.fluency * m.cjk).sum() / w) if w else None


def garbled(m: Measures, doc: Document, threshold: float, input_chars: int) -> float:
    """Share of the input that was garble: paragraphs left that read as scrambled,
    plus text the stages removed as garble (a row-read headline, pull-quote scraps)."""
    left = int(m.cjk[m.fluency < threshold].sum())
    gone = sum(nonws_len(r.text) for r in doc.removed if "garbl" in r.reason)
    return _per(left + gone, input_chars, 1.0)


def cjk_share(m: Measures) -> float | None:
    """CJK characters over all non-space characters: low when the text is symbol soup."""
    n = m.nonws.sum()
    return float(m.cjk.sum() / n) if n else None


def fragments(m: Measures, doc: Document) -> float:
    """Fragment lines left in the output, plus runs the fragments stage joined or
    removed, per paragraph."""
    found = _events(doc, ("fragments",))
    return _per(int(m.counts["fragment"].sum()) + found, max(len(m), 1), 1.0)


def _events(doc: Document, stages: tuple[str, ...] | list[str]) -> int:
    """Substitutions plus removals the given stages recorded."""
    return sum(int(c) for s in stages for c in doc.changes.get(s, {}).values())


def layout(m: Measures, doc: Document, stages: list[str]) -> float:
    """Layout repairs (headlines, fragments, column spaces, joins) per 1,000 CJK chars:
    a page that needed many is a page where some repair may have gone wrong. Lines of
    a PDF or OCR'd page are physical lines: joining their wraps is reading, not repair."""
    n = _events(doc, stages)
    if doc.kind in ("pdf", "image"):
        n -= int(doc.changes.get("paragraphs", {}).get("wrap-join", 0))
    return _rate(n, m.cjk, 1000)


def repairs(m: Measures, doc: Document, stages: list[str]) -> float:
    """Punctuation the stages had to fix, per 1,000 CJK chars: careless input."""
    return _rate(_events(doc, stages), m.cjk, 1000)


def review_flags(m: Measures, doc: Document, counted: list[str]) -> float:
    """Flags the stages raised for a person to look at (other than kinds scored
    elsewhere), per paragraph."""
    n = sum(1 for f in doc.flags if f.kind not in counted)
    return _per(n, max(len(m), 1), 1.0)


def duplicates(doc: Document, input_chars: int) -> float:
    """Share of the input that was duplicate text (found before and removed by dedupe)."""
    by_stats = doc.stats.get("duplicate_chars", 0)
    by_reason = sum(nonws_len(r.text) for r in doc.removed if "dup" in r.reason)
    n = max(by_stats if _is_count(by_stats) else 0, by_reason)
    return _per(n, input_chars, 1.0)


def spacing(m: Measures) -> float:
    """Spaces left between CJK characters (or CJK and digits/Latin), per 1,000 CJK chars."""
    return _rate(m.counts["spacing"].sum(), m.cjk, 1000)


def punctuation(m: Measures) -> float:
    """Half-width punctuation left in Chinese context, per 1,000 CJK chars."""
    return _rate(m.counts["half_punct"].sum(), m.cjk, 1000)


def unbalanced(m: Measures) -> float:
    """Share of paragraphs whose quotes or brackets do not pair up."""
    bad = (m.counts["quote"] > 0) | (m.counts["bracket"] > 0)
    return _per(bad.sum(), max(len(m), 1), 1.0)


def dropped_chars(m: Measures) -> float:
    """Dates missing 年/月, ordinals missing their number, fused figures, per 10,000 CJK."""
    return _rate(m.counts["dropped"].sum(), m.cjk, 10000)


def run_on(m: Measures) -> float:
    """Stretches of 45+ characters without any punctuation, per 10,000 CJK chars."""
    return _rate(m.counts["run_on"].sum(), m.cjk, 10000)


def unterminated(m: Measures) -> float:
    """Share of body paragraphs that stop mid-sentence (lost punctuation or a bad join)."""
    return _per(m.counts["unterminated"].sum(), max(len(m), 1), 1.0)


def truncation(m: Measures, doc: Document) -> float:
    """1 when the document ends mid-sentence: its last paragraph has no closing mark,
    or a stage flagged truncation on that last paragraph (a page break mid-text is
    not the document's end)."""
    if last_paragraph_truncated(m.paras):
        return 1.0
    if not len(m) or not any(f.kind == "truncated" for f in doc.flags):
        return 0.0
    from ..report import LineResolver, output_line_map

    resolve = LineResolver(output_line_map(doc))
    last = int(m.lines[-1])
    staged = (f.line if f.line is not None else resolve(f.src) for f in doc.flags if f.kind == "truncated")
    return 1.0 if last in staged else 0.0


def removed(doc: Document, input_chars: int) -> float:
    """Share of the input's non-space characters taken out of the clean text for any
    reason but duplication (scored by `duplicates`, so not counted twice)."""
    n = sum(nonws_len(r.text) for r in doc.removed if "dup" not in r.reason)
    return _per(n, input_chars, 1.0)


def ocr_confidence(doc: Document) -> float | None:
    """Mean OCR confidence (0-100) when the text came from OCR, else None."""
    v = doc.stats.get("ocr_confidence")
    if v is None:
        confs = [ln.conf for ln in doc.lines if ln.conf is not None]
        return float(np.mean(confs)) if confs else None
    return float(v)


def input_chars(doc: Document, text: str) -> int:
    """Non-space characters of the input: output plus removed plus substituted away."""
    return nonws_len(text) + doc.removed_nonws() + int(sum(doc.delta.values()))


def _is_count(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def measure_all(doc: Document, text: str, m: Measures, cfg: dict[str, Any]) -> dict[str, float | None]:
    """Every component's value, in a fixed order."""
    n_in = input_chars(doc, text)
    return {
        "fluency": fluency(m),
        "garbled": garbled(m, doc, cfg["garble_threshold"], n_in),
        "cjk_share": cjk_share(m),
        "fragments": fragments(m, doc),
        "duplicates": duplicates(doc, n_in),
        "spacing": spacing(m),
        "punctuation": punctuation(m),
        "unbalanced": unbalanced(m),
        "dropped_chars": dropped_chars(m),
        "run_on": run_on(m),
        "unterminated": unterminated(m),
        "truncation": truncation(m, doc),
        "removed": removed(doc, n_in),
        "layout": layout(m, doc, cfg["layout_stages"]),
        "repairs": repairs(m, doc, cfg["repair_stages"]),
        "review_flags": review_flags(m, doc, cfg["scored_flags"]),
        "ocr_confidence": ocr_confidence(doc),
    }
