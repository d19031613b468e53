"""Evidence about lines: sentence ends, numbering, titles, indents, breaks and wrap widths.

What the join decisions (`joins`) look at, read off the lines themselves and the removals
earlier stages recorded (a page number or continuation marker taken out between two lines
is a break there; a bullet taken from a line's start starts a paragraph).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from ...document import Document, Line
from .width import display_widths

# a paragraph may end here: sentence-final punctuation, possibly inside closing quotes/brackets
_TERMINAL = set("。！？!?…；;：:")
_CLOSERS = set("”’）)」』】》\"'")
# a line starting with one of these continues the previous clause
_CONTINUES = set("，,、；;：:。")
_DASHES = ("——", "－－", "--")  # a subtitle or aside opens with a dash
_INDENT = re.compile(r"^(?:\u3000|\t| {2,})")
_NUMBERED = re.compile(
    r"^(?:[一二三四五六七八九十百零〇]+[、.．]"
    r"|[（(][一二三四五六七八九十百零〇\d]{1,3}[）)]"
    r"|\d{1,2}(?:[、．]|\.(?!\d))"
    r"|第[一二三四五六七八九十百零〇\d]+[章节部分篇条编]"
    r"|第[一二三四五六七八九十]+[，,、])"
)
_ASIDE = re.compile(r"[（(][^（）()]{1,30}[）)]$")
# a sentence end inside a line; a half-width stop counts after Chinese (`进.全`), not in `3.5`
_SENT_INSIDE = re.compile(r"[。！？!?；;]|(?<=[\u4e00-\u9fff%])\.(?!\d)")
_BULLET_REASONS = ("bullet", "decorative-bullet", "list-marker")
_BREAK_REASONS = ("continuation-marker", "running-head", "page-number", "page-header", "page-footer")


def ends_sentence(text: str) -> bool:
    """True when `text` ends with sentence-final punctuation (closers skipped)."""
    t = text.rstrip()
    if not t:
        return False
    if t[-1] in _TERMINAL:  # most lines: no aside or closer to look behind
        return True
    if t[-1] in "）)":
        aside = _ASIDE.search(t)  # `……！（鼓掌）`: a stage direction after the sentence
        if aside and aside.start() > 0:
            t = t[: aside.start()]
    while t and t[-1] in _CLOSERS:
        t = t[:-1]
    if len(t) >= 2 and t[-1] == "." and (t[-2] == "%" or "\u4e00" <= t[-2] <= "\u9fff"):
        return True  # a half-width full stop ending a Chinese sentence (the punctuation stage makes it 。)
    return bool(t) and t[-1] in _TERMINAL


def is_numbered(text: str) -> bool:
    return bool(_NUMBERED.match(text))


def is_title_like(text: str, max_chars: int) -> bool:
    """A short line with no sentence in it and no final punctuation: a heading or title."""
    return 0 < len(text) <= max_chars and not ends_sentence(text) and not _SENT_INSIDE.search(text)


@dataclass
class Item:
    """A non-blank input line with what the decisions need to know about it."""

    line: Line
    text: str
    indented: bool
    gap: int = 0  # blank lines before it
    broken: bool = False  # a page change or removed page/continuation marker before it
    bullet: bool = False  # a decorative bullet was removed from its start
    width: int = 0
    block_width: int | None = None  # wrap width of its own block (see block_wraps), lines after the first


def items_of(doc: Document) -> list[Item]:
    starts_bullet = {r.src for r in doc.removed if any(k in r.reason for k in _BULLET_REASONS)}
    break_after = sorted(r.src[1] for r in doc.removed if any(k in r.reason for k in _BREAK_REASONS))
    items: list[Item] = []
    gap = 0
    prev: Line | None = None
    for ln in doc.lines:
        text = ln.text.strip()
        if not text:
            gap += 1
            continue
        # an indent is leading whitespace: only a line that `strip` cut at its start has one
        indented = ln.text[0] != text[0] and bool(_INDENT.match(ln.text))
        broken = False
        if prev is not None:
            broken = (prev.page is not None and ln.page is not None and ln.page != prev.page) or (
                bool(break_after) and _marker_between(break_after, prev.src[1], ln.src[0])
            )
        it = Item(ln, text, indented, gap, broken, ln.src in starts_bullet or bool(ln.meta.get("bullet")))
        items.append(it)
        gap = 0
        prev = ln
    # widths matter only where lines run on with no blank line between (wrap detection and
    # wrapped joins look at nothing else): one paragraph per line with blank lines between
    # needs none
    near = [
        it for k, it in enumerate(items)
        if (k and it.gap == 0) or (k + 1 < len(items) and items[k + 1].gap == 0)
    ]
    for it, w in zip(near, display_widths([it.text for it in near]), strict=True):
        it.width = w
    return items


def block_wraps(items: list[Item], min_lines: int = 3, min_width: int = 20) -> None:
    """Mark blocks (lines with no blank line between) that are one hard-wrapped paragraph
    each: at least `min_lines` lines, all but the last of one width (each OCR'd paragraph
    or narrow column can have its own), most of them ending mid-sentence. The document-wide
    `wrap_width` misses text whose blocks were wrapped at different widths."""
    start = 0
    for end in range(1, len(items) + 1):
        if end < len(items) and items[end].gap == 0 and not items[end].broken:
            continue
        block = items[start:end]
        start = end
        if len(block) < min_lines:
            continue
        body = block[:-1]
        w = max(it.width for it in body)
        if w < min_width or block[-1].width > w + tol(w):
            continue
        # one width, counted in display columns (print) or in characters (a tool that cut
        # every n characters, digits and all)
        n = max(len(it.text) for it in body)
        if any(abs(it.width - w) > tol(w) for it in body) and any(len(it.text) < n - 1 for it in body):
            continue
        if sum(ends_sentence(it.text) for it in body) * 2 > len(body):
            continue
        for it in block[1:]:
            it.block_width = w


def _marker_between(sorted_ends: list[int], lo: int, hi: int) -> bool:
    """Some s in `sorted_ends` with lo <= s < hi (a bisection, not a scan per line)."""
    i = bisect_left(sorted_ends, lo)
    return i < len(sorted_ends) and sorted_ends[i] < hi


def wrap_width(items: list[Item], min_lines: int, share: float) -> int | None:
    """The wrap width (display columns) of a hard-wrapped document, or None.

    Evidence: among lines followed directly by another line (no blank between),
    at least `share` sit within a small tolerance of one common width, and most
    of those do not end a sentence (a writer's line breaks would).
    """
    cand = [it.width for it, nx in zip(items, items[1:], strict=False) if nx.gap == 0 and it.width >= 12]
    if len(cand) < min_lines:
        return None
    ws = sorted(cand)
    w = ws[int(0.75 * (len(ws) - 1))]
    if w > 200:
        return None
    t = tol(w)
    full = [it for it, nx in zip(items, items[1:], strict=False) if nx.gap == 0 and abs(it.width - w) <= t]
    if len(full) < max(min_lines, share * len(cand)):
        return None
    open_ended = sum(not ends_sentence(it.text) for it in full)
    return w if open_ended >= 0.5 * len(full) else None


def tol(w: int) -> int:
    return max(4, int(0.1 * w))


def heading_kind(text: str, kind: str, max_heading: int, max_title: int) -> str:
    if kind in ("heading", "headline"):
        return kind
    if is_numbered(text) and len(text) <= max_heading and not _SENT_INSIDE.search(text.rstrip("。")):
        return "heading"
    if is_title_like(text, max_title):
        return "heading"
    return "body"


def in_clean_form(items: list[Item]) -> bool:
    """One paragraph per line, exactly one blank line between paragraphs, no indents:
    the form this stage emits (OUTPUT_SPEC section 2)."""
    return bool(items) and items[0].gap == 0 and all(
        it.gap == 1 and not it.indented and not it.broken for it in items[1:]
    ) and not items[0].indented
