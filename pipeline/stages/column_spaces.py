"""Spaces left inside Chinese by narrow-column wraps (OUTPUT_SPEC section 3).

A newspaper column a few characters wide, flattened to text, leaves a space at
every wrap: `2023 年 是全面贯彻 党的二十大 精神的开局 之年`. Chinese is written
without spaces, and official style puts none between CJK and digits or Latin
(`增长7.5%`, `5G基站`), so a run of spaces is dropped when either neighbour is a
CJK character or CJK punctuation and the other is CJK, CJK punctuation, a digit,
a Latin letter, or ASCII punctuation in Chinese context (`之乡, "开化纸"`: the
comma follows a CJK character and will become `，`). Spaces between Latin words
or numbers (`Made in China 2025`, and `1 000`, which may be digit grouping)
stay. Leading indentation is left to the
paragraph stage; only spaces inside a line are touched.

Half-width punctuation right after Chinese (`政府,.`), and every mark the
punctuation stage will make full-width (`1. --报告`, the `)` of a bracket with
Chinese inside), is read as Chinese punctuation, so a space beside it is judged
the same before and after that stage (cleaning is idempotent).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate

from ..context import Context, Rules
from ..document import Document
from ..registry import stage
from ..settings import Settings
from ..text.cjk import CJK_PUNCT, HAN_BMP
from .punctuation import converted_positions

NAME = "column_spaces"
_C = rf"[{HAN_BMP}{re.escape(CJK_PUNCT)}\uff01-\uff0f\uff1a-\uff20\u3001-\u3003\ue000]"  # CJK char or punctuation
_ASCII_P = r"""[,.;:!?()"'\[\]%]"""
_OTHER = rf"(?:{_C}|[0-9A-Za-z]|{_ASCII_P})"
# ASCII punctuation directly after Chinese (or after such punctuation) stands for its
# full-width form: the spaces are judged on a shadow copy where it reads as _P_CJK.
_P_CJK = "\ue000"
_IN_CJK = re.compile(rf"(?<={_C}){_ASCII_P}+")
# a run of half-width marks beside a space: only there can a conversion matter (`([ `: the
# `[` reads as Chinese punctuation after a `(` that becomes `（`)
_HALF_MARK = re.compile(r"""[,.:;!?()"'\[\]%\-…―][ \t\u3000\u00a0]|[ \t\u3000\u00a0][,.:;!?()"'\[\]%\-…―]""")
_SP = r"[ \t\u3000\u00a0]+"
# a space run with CJK on one side and CJK/digit/Latin/ASCII punctuation on the other,
# or between ASCII punctuation that directly follows CJK and what comes next.
_SPACE = re.compile(
    rf"(?<={_C}){_SP}(?={_OTHER})"
    rf"|(?<={_OTHER}){_SP}(?={_C})"
    rf"|(?<={_P_CJK}){_SP}(?=\S)"
)


_ANY_SPACE = re.compile(_SP)


def squeeze(text: str) -> tuple[str, int]:
    """`text` without wrap spaces inside Chinese, and how many runs went."""
    head = len(text) - len(text.lstrip())
    body, total = text[head:], 0
    # the marks the punctuation stage will make full-width read as Chinese punctuation
    # (`93 .)` inside `(…)` with Chinese in it is `93 .）` in the output)
    marks = converted_positions(body) if _HALF_MARK.search(body) else []
    for _ in range(4):  # a removed space can put punctuation next to Chinese: look again
        shadow = body
        if marks:
            chars = list(body)
            for i in marks:
                chars[i] = _P_CJK
            shadow = "".join(chars)
        shadow = _IN_CJK.sub(lambda m: _P_CJK * len(m.group()), shadow)  # `--.` is `——.` there
        spans = [m.span() for m in _SPACE.finditer(shadow)]
        if not spans:
            break
        out, pos = [], 0
        for a, b in spans:
            out.append(body[pos:a])
            pos = b
        out.append(body[pos:])
        body, total = "".join(out), total + len(spans)
        if marks:  # spaces only went: each mark moves left by the spaces removed before it
            starts = [a for a, _ in spans]
            cut = list(accumulate(b - a for a, b in spans))
            marks = [i - (cut[k - 1] if (k := bisect_right(starts, i)) else 0) for i in marks]
    return text[:head] + body, total


class ColumnSpacesSettings(Settings):
    """Spaces left by narrow-column wraps inside Chinese."""

    enabled: bool = True
    """Run the stage."""


def _reapply(ctx: Context, text: str, src: tuple[int, int]) -> str:
    """The squeeze again on text a later stage joined (`综合` / `新闻` wrapped mid-run)."""
    if not ctx.settings["enabled"] or (" " not in text and "\t" not in text):
        return text
    text, n = squeeze(text)
    ctx.log.change("column-space", n)
    return text


# the spaces it deletes are the evidence of vertical headlines and interleaved copies
@stage(NAME, settings=ColumnSpacesSettings, rules=Rules(line=_reapply), after=("vertical_headline", "interleaved_copies"))
def run(doc: Document, ctx: Context) -> Document:
    """Remove spaces between CJK characters, and between CJK and digits/Latin."""
    if not ctx.settings["enabled"]:
        return doc
    total = 0
    for i, ln in enumerate(doc.lines):
        if ln.kind == "headline" or not _ANY_SPACE.search(ln.text.lstrip()):
            continue
        new, n = squeeze(ln.text)
        if n:
            doc.lines[i] = ln.with_text(new)
            total += n
    ctx.log.change("column-space", total, 0)
    return doc
