"""Hard wraps inside a block, undone with the geometry only the PDF reader has.

A line that reaches the block's right edge runs on into the next line unless
the next one is indented (a new paragraph), numbered after a finished
sentence, or either is a table row (cells set apart by wide gaps). Deciding
this from the text alone (the `paragraphs` stage) needs one wrap width per
document, which a page of side bars, columns and tables does not have.
"""

from __future__ import annotations

import re

from ..text.join import PDF_WRAP, join_all
from .layout import Block, TextLine

_NUMBERED = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[、．.](?!\d))")
_ENDS = tuple("。！？!?")


def _size(ln: TextLine) -> float:
    return ln.size or max(ln.bottom - ln.top, 1.0)


def runs_on(a: TextLine, b: TextLine, left: float, right: float) -> bool:
    """Does line `a` continue into line `b` inside a block spanning [left, right]?"""
    size = _size(a)
    if a.gaps >= 2 or b.gaps >= 2 or (a.gaps and b.gaps):
        return False
    if a.x1 < right - 1.2 * size or b.x0 > left + 0.6 * size:
        return False
    return not (a.text.rstrip().endswith(_ENDS) and _NUMBERED.match(b.text.lstrip()))


def paragraphs(block: Block, lines: list[TextLine]) -> list[list[TextLine]]:
    """`lines` (the block's kept lines, in order) grouped into runs that form one paragraph."""
    if block.vertical or len(lines) < 2:
        return [[ln] for ln in lines]
    rest = block.lines[1:]  # the first line may be indented or carry a hanging bullet
    left = min(ln.x0 for ln in rest)
    right = block.right if block.right is not None else max(ln.x1 for ln in block.lines)
    groups = [[lines[0]]]
    for a, b in zip(lines, lines[1:], strict=False):
        if runs_on(a, b, left, right):
            groups[-1].append(b)
        else:
            groups.append([b])
    return groups


def join(lines: list[TextLine]) -> str:
    """The lines' text as one paragraph: no space between CJK, one between Latin words."""
    return join_all((ln.text for ln in lines), PDF_WRAP)
