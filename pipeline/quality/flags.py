"""Flags for the problems a person should look at: kind, output line, excerpt.

One flag per issue kind per paragraph (not per match), with an excerpt
around the first occurrence, so a report stays readable on a bad document.
A flag a stage already raised for the same kind and line is not repeated.
"""

from __future__ import annotations

import re
from typing import Any

from ..document import Document, Flag
from ..linemap import LineResolver, output_line_map
from .measure import DROPPED, HALF_PUNCT, RUN_ON, SPACING, Measures

STAGE = "quality"
EXCERPT = 40

MESSAGES = {
    "garbled": "paragraph reads as scrambled text (low fluency)",
    "spacing": "space left between Chinese characters",
    "half-width-punctuation": "half-width punctuation in Chinese context",
    "unbalanced-quote": "quotation marks do not pair up in this paragraph",
    "unbalanced-bracket": "brackets do not pair up in this paragraph",
    "dropped-characters": "characters look lost here (a date without 年/月, an ordinal without its number, fused figures)",
    "run-on": "a long stretch without punctuation: sentences may have run together",
    "unterminated-paragraph": "paragraph stops mid-sentence",
    "fragment": "a one-or-two-character fragment line",
    "residue": "extraction residue: (cid:N) codes, private-use glyphs, U+FFFD or mojibake",
    "debris": "a lone character or figure on its own line (page number, table cell, stray glyph)",
    "broken-order": "paragraph breaks off mid-clause: its sentence resumes elsewhere or was lost",
    "table-debris": "table cells glued across rows or tables, or a chart axis read as text",
    "stray-marks": "OCR junk inside Chinese text (a bar, @, or one or two Latin letters between characters)",
    "truncated": "the document ends mid-sentence: it may be truncated",
    "low-ocr-confidence": "OCR confidence is low",
    "below-min-score": "quality score below the configured minimum",
}
_PATTERNS: dict[str, re.Pattern[str]] = {
    "spacing": SPACING,
    "half-width-punctuation": HALF_PUNCT,
    "dropped-characters": DROPPED,
    "run-on": RUN_ON,
}
_OPEN = {"“": "”", "‘": "’", "（": "）", "(": ")", "《": "》", "【": "】", "〔": "〕"}
_CLOSE = {v: k for k, v in _OPEN.items()}


def _around(p: str, pos: int) -> str:
    a = max(0, pos - EXCERPT // 2)
    return p[a : a + EXCERPT]


def unpaired_position(p: str, kind: str) -> int:
    """Index of the first quote or bracket in `p` that has no partner (-1 if none)."""
    want = set("“”‘’\"") if kind == "unbalanced-quote" else set("（）()《》【】〔〕")
    stack: list[tuple[str, int]] = []
    straight = -1
    for i, ch in ((i, ch) for i, ch in enumerate(p) if ch in want):
        if ch == '"':
            straight = i if straight < 0 else -1
        elif ch in _OPEN:
            stack.append((ch, i))
        elif stack and stack[-1][0] == _CLOSE[ch]:
            stack.pop()
        else:
            return i
    if stack:
        return stack[0][1]
    return straight


def excerpt(p: str, kind: str) -> str:
    """The part of paragraph `p` that shows the problem of `kind`."""
    if kind in _PATTERNS:
        m = _PATTERNS[kind].search(p)
        if m:
            return _around(p, m.start())
    if kind in ("unbalanced-quote", "unbalanced-bracket"):
        return _around(p, max(unpaired_position(p, kind), 0))
    if kind in ("unterminated-paragraph", "truncated"):
        return p[-EXCERPT:]
    return p[:EXCERPT]


def quality_flags(
    doc: Document, m: Measures, issues: list[list[str]], doc_issues: list[tuple[str, int | None, str]]
) -> list[Flag]:
    """Flags for paragraph issues and document issues ((kind, line or None, detail))."""
    mapping = output_line_map(doc)
    by_line = {out: src for src, out in mapping}
    seen: set[tuple[str, int | None]] = set()
    if doc.flags:
        resolve = LineResolver(mapping)
        seen = {(f.kind, f.line if f.line is not None else resolve(f.src)) for f in doc.flags}
    out: list[Flag] = []
    for i in [i for i, iss in enumerate(issues) if iss]:
        line, p, iss = int(m.lines[i]), m.paras[i], issues[i]
        src = by_line.get(line, (0, 0))
        for kind in iss:
            if (kind, line) not in seen:
                out.append(Flag(kind, MESSAGES[kind], excerpt(p, kind), src, STAGE, line))
    last = m.paras[-1] if m.paras else ""
    for kind, line, detail in doc_issues:
        text = excerpt(last, kind) if kind == "truncated" else detail
        src = by_line.get(line, (0, 0)) if line is not None else (0, 0)
        if (kind, line) not in seen:
            out.append(Flag(kind, MESSAGES[kind] + (f" ({detail})" if detail and kind != "truncated" else ""), text, src, STAGE, line))
    return out


def summary(flags: list[Flag]) -> dict[str, Any]:
    """Count of quality flags by kind, sorted: a quick view for the report."""
    counts: dict[str, int] = {}
    for f in flags:
        counts[f.kind] = counts.get(f.kind, 0) + 1
    return dict(sorted(counts.items()))
