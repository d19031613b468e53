"""Document-level quality components: one function per component, each a function
of the output text alone (its `Measures`), so the same text gets the same score
from `run`, `clean`, `check` and `jsonl` (issue 17). What the stages repaired is
reported apart (`repairs.py`) and costs no points.

Each returns the measured value in its natural unit (a share, a rate per
1,000 or 10,000 CJK characters, a mean log-probability) or None when it does
not apply. `penalty` maps a value to points off the score with a linear ramp
between the config's `ok` value (no penalty) and `bad` value (the full
weight), so every threshold lives in `[quality.ranges]`.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from .measure import Measures, last_paragraph_truncated


def ramp(value: float | None, ok: float, bad: float) -> float:
    """0 at `ok`, 1 at `bad` and beyond, linear between (either direction)."""
    if value is None or ok == bad:
        return 0.0
    return float(min(1.0, max(0.0, (value - ok) / (bad - ok))))


RATE_FLOOR = 500  # rates per 1,000 CJK chars are taken over at least this many: a
# three-line snippet with one repaired comma is not "300 repairs per 1,000"
CLAUSE_FLOOR = 100  # likewise clauses: one `放！` on a short page is not 2 per 100 clauses


def _per(n: float, base: float, unit: float) -> float:
    return float(n) / float(base) * unit if base > 0 else 0.0


def _rate(n: float, cjk: np.ndarray, unit: float) -> float:
    return _per(n, max(int(cjk.sum()), RATE_FLOOR), unit)


def _prose(m: Measures) -> np.ndarray:
    """Paragraphs whose fluency means something: not verse (or a title beside it)."""
    return m.counts["verse"] == 0


def fluency(m: Measures) -> float | None:
    """Mean log-probability per CJK character under the garble model (CJK-weighted,
    prose only: verse is judged by its structure, not by a model of modern prose)."""
    w = m.cjk * _prose(m)
    return float((m.fluency * w).sum() / w.sum()) if w.sum() else None


def garbled(m: Measures, threshold: float) -> float:
    """Share of the text's CJK characters in prose paragraphs that read as scrambled."""
    bad = (m.fluency < threshold) & _prose(m)
    return _per(int(m.cjk[bad].sum()), max(int(m.cjk.sum()), 1), 1.0)


def cjk_share(m: Measures) -> float | None:
    """CJK characters over all non-space characters: low when the text is symbol soup."""
    n = m.nonws.sum()
    return float(m.cjk.sum() / n) if n else None


def misreads(m: Measures) -> float:
    """Improbable characters (`measure.dip_positions`) per 100 CJK characters of prose:
    misread glyphs and out-of-order seams. A list item (`table_signs.is_list_item`: a
    word list, a heading) is no sentence: its characters need not follow one another."""
    prose = _prose(m) & (m.counts["list_item"] == 0)
    return _per(int(m.counts["dips"][prose].sum()), max(int(m.cjk[prose].sum()), RATE_FLOOR // 5), 100.0)


def residue(m: Measures) -> float:
    """(cid:N) codes, private-use glyphs, U+FFFD and mojibake, per non-space character."""
    return _per(int(m.counts["residue"].sum()), max(int(m.nonws.sum()), 1), 1.0)


def fragments(m: Measures) -> float:
    """Fragment lines (one or two characters, no marks) and debris lines (a lone
    character, a bare figure, a row of figures: page numbers and table cells), per
    paragraph; verse titles are no fragments."""
    frag = (m.counts["fragment"] > 0) & _prose(m)
    n = int((frag | (m.counts["debris"] > 0)).sum())
    return _per(n, max(len(m), 1), 1.0)


def broken_order(m: Measures) -> float:
    """Body paragraphs that stop mid-clause, per 1,000 CJK chars: the sentence resumes on
    a later line (a column read across its gutter) or its rest is lost. Per character,
    not per paragraph: a page read into a few long paragraphs has as many seams as one
    read line by line."""
    return _rate(int((m.counts["broken_end"] > 0).sum()), m.cjk, 1000)


def short_clauses(m: Measures) -> float:
    """One-character clauses between marks, per 100 clauses counted over at least
    CLAUSE_FLOOR (`，的，`: cut columns, misread glyphs)."""
    return _per(int(m.counts["short_clause"].sum()), max(int(m.counts["clauses"].sum()), CLAUSE_FLOOR), 100.0)


def spacing(m: Measures) -> float:
    """Spaces left between CJK characters (or CJK and digits/Latin), per 1,000 CJK chars."""
    return _rate(m.counts["spacing"].sum(), m.cjk, 1000)


def punctuation(m: Measures) -> float:
    """Half-width punctuation left in Chinese context, per 1,000 CJK chars."""
    return _rate(m.counts["half_punct"].sum(), m.cjk, 1000)


def unbalanced(m: Measures) -> float:
    """Paragraphs whose quotes or brackets (“” 《》 （） ...) do not pair up, per 1,000 CJK
    characters: a misread or lost mark is one character, wherever it falls, so a long
    paragraph with one such mark is not half the text of a page gone bad."""
    bad = (m.counts["quote"] > 0) | (m.counts["bracket"] > 0)
    return _rate(bad.sum(), m.cjk, 1000)


def table_debris(m: Measures) -> float:
    """Share of the non-space characters in table debris (`table_signs`): rows of figures
    and cells glued across rows, whose figures no reader can match to their labels."""
    return _per(int(m.counts["table"].sum()), max(int(m.nonws.sum()), 1), 1.0)


def stray_marks(m: Measures) -> float:
    """OCR junk inside Chinese text (`table_signs`: `|` `@` next to a character, one or two
    Latin letters wedged between characters), per 1,000 CJK chars."""
    return _rate(m.counts["stray"].sum(), m.cjk, 1000)


def dropped_chars(m: Measures) -> float:
    """Dates missing 年/月, ordinals missing their number, fused figures, per 10,000 CJK."""
    return _rate(m.counts["dropped"].sum(), m.cjk, 10000)


def run_on(m: Measures) -> float:
    """Stretches of 45+ characters without any punctuation, per 10,000 CJK chars."""
    return _rate(m.counts["run_on"].sum(), m.cjk, 10000)


def unterminated(m: Measures) -> float:
    """Body paragraphs that stop mid-sentence (lost punctuation or a bad join), per
    1,000 CJK chars."""
    return _rate(m.counts["unterminated"].sum(), m.cjk, 1000)


def truncation(m: Measures) -> float:
    """1 when the text ends mid-sentence (its last paragraph has no closing mark)."""
    return 1.0 if last_paragraph_truncated(m.paras) else 0.0


def missing_start(m: Measures) -> float:
    """1 when the text starts mid-sentence (a comma or closing mark first); 0.5 when it
    has no title: its first paragraph is already body text (40+ characters, inner
    marks), as on a slide or page whose heading was removed."""
    if not m.paras:
        return 0.0
    first = m.paras[0]
    if first[:1] in "，、；：。！？）》”’」』】,;:)":
        return 1.0
    return 0.5 if len(first) >= 40 and re.search(r"[，；、]", first) else 0.0


def measure_all(m: Measures, cfg: dict[str, Any]) -> dict[str, float | None]:
    """Every component's value, in a fixed order."""
    return {
        "fluency": fluency(m),
        "garbled": garbled(m, cfg["garble_threshold"]),
        "cjk_share": cjk_share(m),
        "misreads": misreads(m),
        "residue": residue(m),
        "fragments": fragments(m),
        "broken_order": broken_order(m),
        "short_clauses": short_clauses(m),
        "spacing": spacing(m),
        "punctuation": punctuation(m),
        "unbalanced": unbalanced(m),
        "table_debris": table_debris(m),
        "stray_marks": stray_marks(m),
        "dropped_chars": dropped_chars(m),
        "run_on": run_on(m),
        "unterminated": unterminated(m),
        "truncation": truncation(m),
        "missing_start": missing_start(m),
    }
