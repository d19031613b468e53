"""Running headers, footers and page numbers, found across pages.

A line is a running header (footer) when it sits in the top (bottom) band of
its page and the same text, digits aside, sits in that band on enough other
pages; a line in a band that is only a page number (`3`, `- 3 -`, `3 / 12`,
`第3页`, `第 3 页 共 12 页`) is a page number even on a one-page document.

This is the running-head rule for input with page geometry; `stages.running_heads` is the
rule for text, where only the lines say where a page ends. They differ by what the input
tells, so each stays the one rule for its kind:

- where: the top/bottom `header_band` of the page height here; there, a short line that
  stands alone with a page of body text between its copies, or (pages known) the first or
  last non-blank line of a page;
- key: digits and page separators dropped here (`第3页 某市报告` heads group); there, the
  line as the output will write it (spaces out, full-width marks, simplified), digits kept;
- how often: on `header_min_share` of the pages (at least 2), per band, here; there,
  `running_head_min` copies (2 at page edges, or the document's opening line again);
- what is never a head: nothing in a band is exempt here; there, a line ending in a mark,
  a numbered heading, a `——` subtitle or a number.

Either rule on the other's input changes outputs. On the real material they never act on
the same document: the two real PDFs and the sample PDF lose heads only here, the text
sample only there.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_PAGE_NO = re.compile(
    r"^[-—–\s]*(第\s*)?[\dⅰ-ⅿⅠ-ⅯivxlIVXL]{1,5}\s*(页)?\s*([/／]\s*\d{1,5}|共\s*\d{1,5}\s*页)?[-—–\s]*$"
)
_KEY_DROP = re.compile(r"[\d\s/／\-—–第页共.·]+")


@dataclass(frozen=True)
class BandLine:
    """One line near a page edge: where it is and what it says."""

    page: int  # 0-based page index
    ref: int  # the caller's handle for the line
    text: str
    top: float
    bottom: float
    height: float  # page height


def key(text: str) -> str:
    """The text with page-dependent parts (digits, separators) taken out."""
    return _KEY_DROP.sub("", text)


def is_page_number(text: str) -> bool:
    return bool(_PAGE_NO.match(text.strip()))


def find_running(lines: list[BandLine], n_pages: int, band: float, min_share: float) -> dict[int, str]:
    """{ref: reason} for the lines to remove: "running-header", "running-footer", "page-number"."""

    def where(ln: BandLine) -> str | None:
        if ln.bottom <= band * ln.height:
            return "header"
        if ln.top >= (1 - band) * ln.height:
            return "footer"
        return None

    pages_with: Counter[tuple[str, str]] = Counter()
    seen: set[tuple[int, str, str]] = set()
    for ln in lines:
        pos = where(ln)
        k = key(ln.text)
        if pos and k and (ln.page, pos, k) not in seen:
            seen.add((ln.page, pos, k))
            pages_with[(pos, k)] += 1
    need = max(2, round(min_share * n_pages))
    out: dict[int, str] = {}
    for ln in lines:
        pos = where(ln)
        if pos is None or not ln.text.strip():
            continue
        if is_page_number(ln.text):
            out[ln.ref] = "page-number"
        elif n_pages >= 2 and pages_with[(pos, key(ln.text))] >= need:
            out[ln.ref] = f"running-{pos}"
    return out
