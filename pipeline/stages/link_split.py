"""Link-split lines: inline links that an HTML-to-text extractor put on lines of their own.

Wikisource, Baidu Baike and many government sites link the names in a sentence; an
extractor that writes every element on its own line (`get_text("\\n")`) cuts the
sentence at each link:

    根据《
    建议
    》精神，国务院制定了《
    国民经济和社会发展第十一个五年规划纲要（草案）
    》，已提请大会审议。

Three lines A / B / C are one sentence again when B is a short name (no sentence end in
it, at most `link_max_chars` characters, not a bare number) and either

- A ends with an opening bracket or quote (`《“「『（`; A may be only that) and C opens
  with its closer (`》”」』）`) -- the bracket pair spans the three lines; or
- A ends mid-sentence and C opens with a closer or clause punctuation (`、，；：。`):
  `本作品是中华人民共和国的` / `法律` / `、` / `法规` / `，国家机关…`; or
- A opens a bracket or quote a few characters before its end and C closes it before
  any sentence end (`成果找市场“双向` / `揭榜` / `挂帅”的简称`);

and the joined sentence reads as Chinese: the garble model's fluency of the text around
both junctions is at least `link_min_fluency`. Without a bracket around it, B must be a
bare word of at most 10 characters, shorter than A: a line of hard-wrapped text (all
lines of one width) is never taken for a link, the paragraphs stage joins those. A
joined sentence that ends in another opener continues with the next pair (`《` / name /
`》、《` / name / `》等22部`).

Blank lines are no evidence either way (the paragraphs stage puts one between every two
paragraphs, so a second run must decide as the first did): successive non-blank lines
are compared. Joins only take out line breaks, so nothing is removed; each is counted
(`link-split-join`). The boilerplate stage joins before it looks for running heads, so
a link name is never one (see `boilerplate.running_heads` for the guard that holds
even without the join).
"""

from __future__ import annotations

import re

from .. import garble
from ..document import Document, Line
from ..settings import Number, Settings
from ..text.cjk import HAN_SPAN
from ..text.join import WRAP, join
from ..text.simplified import to_simplified

OPENERS = "《“「『（(〈‘【"
CLOSERS = "》”」』）)〉’】"
_PAIR = dict(zip(OPENERS, CLOSERS, strict=True))
_CLAUSE = "、，,；;：:。！？!?…"
_SENT_INSIDE = re.compile(r"[。！？!?；;]")
_SENT_END = set("。！？!?；;：:…")
_WEAK_MAX = 10  # a link name with no bracket around it (`法律`, `中国大陆`) is this short
_PUNCT = re.compile(r"[^\w\s]")
_NAME_OK = re.compile(f"[A-Za-z{HAN_SPAN}]")  # a name has a letter or an ideograph in it


_FOLD = str.maketrans("()", "（）")  # the punctuation stage makes these full-width later


def closer_of(ch: str) -> str:
    """`ch` as the punctuation stage will write it (`)` is `）` in Chinese context):
    decisions here must not change when a second run sees the converted marks."""
    return ch.translate(_FOLD)


def unclosed(text: str) -> str | None:
    """The closer of the last bracket or quote `text` opens and does not close, if any
    (ASCII parentheses read as the full-width ones the output will have)."""
    depth: list[str] = []
    for ch in text.translate(_FOLD) if "(" in text or ")" in text else text:
        if ch in _PAIR:
            depth.append(_PAIR[ch])
        elif depth and ch == depth[-1]:
            depth.pop()
    return depth[-1] if depth else None


def _is_name(b: str, max_chars: int) -> bool:
    return (
        0 < len(b) <= max_chars
        and not _SENT_INSIDE.search(b)
        and b[0] not in CLOSERS + _CLAUSE
        and _NAME_OK.search(b) is not None
    )


def _fluent(parts: list[str], min_fluency: float) -> bool:
    """The text around the junctions reads as Chinese (the garble model; too few CJK
    characters to judge counts as fluent, as everywhere in the pipeline). Judged in
    simplified characters, as the output will have them (the t2s stage runs later, and a
    second run must decide the same way)."""
    window = to_simplified(parts[0][-12:] + "".join(parts[1:-1]) + parts[-1][:12])
    return garble.fluency(window) >= min_fluency


def _inside_pair(a: str, b: str, c: str, max_chars: int) -> bool:
    """A leaves a bracket or quote open a few characters before its end, B is a bare
    word, and C closes the pair soon, before any sentence end: the three are one name."""
    closer = unclosed(a)
    if closer is None or _PUNCT.search(b) or len(b) > _WEAK_MAX:
        return False
    opened = a.translate(_FOLD).rfind({v: k for k, v in _PAIR.items()}[closer])
    if len(a) - opened > max_chars:
        return False
    end = c.translate(_FOLD).find(closer)
    return 0 < end <= max_chars and not _SENT_INSIDE.search(c[:end])


def link_triple(a: str, b: str, c: str, max_chars: int, min_fluency: float) -> bool:
    """Whether A / B / C (stripped, non-blank) are one sentence cut at a link B."""
    if not a or not c or not _is_name(b, max_chars):
        return False
    if a[-1] in _SENT_END:
        return False
    if c[0] not in CLOSERS + _CLAUSE:
        # inside a pair that A opens and C closes (`“双向` / `揭榜` / `挂帅”的简称`)
        return _inside_pair(a, b, c, max_chars) and _fluent([a, b, c], min_fluency)
    if c[0] in CLOSERS and unclosed(a + b) != closer_of(c[0]):
        return False  # the closer must close what A (or B) opened: `制定了《` / name / `》`
    if a[-1] not in _PAIR and (len(b) > _WEAK_MAX or len(b) >= len(a) or _PUNCT.search(b)):
        # no bracket around it: only a short bare word shorter than the line before, never a
        # line of hard-wrapped text (all of one width), which the paragraphs stage joins
        return False
    return _fluent([a, b, c], min_fluency)


class LinkSplitSettings(Settings):
    """The link-split settings of the stage that joins them (boilerplate's `link_*` keys)."""

    link_joins: bool = True
    """Lines cut at inline links joined first (a link name on a line of its own)."""
    link_max_chars: int = 40
    """A link name on a line of its own is at most this long."""
    link_min_fluency: Number = -7.0
    """The joined text around the junctions reads at least this well (garble model)."""


def link_runs(texts: list[str], cfg: dict) -> tuple[dict[int, tuple[int, str]], int]:
    """The link-split runs in `texts` (non-blank lines or paragraphs, stripped):
    {first index: (last index, joined text)} and the number of joins. The paragraphs
    stage asks again once its own joins made new neighbours, as a second run would."""
    max_chars = cfg["link_max_chars"]
    min_fluency = cfg["link_min_fluency"]
    merged: dict[int, tuple[int, str]] = {}
    # a cheap test first: a link name is a short line between two others
    if len(texts) < 3 or not any(len(t) <= max_chars for t in texts[1:-1]):
        return merged, 0
    joins = 0
    k = 0
    while k < len(texts):
        cur, j = texts[k], k
        while j + 2 < len(texts) and link_triple(cur, texts[j + 1], texts[j + 2], max_chars, min_fluency):
            cur = join(join(cur, texts[j + 1], WRAP), texts[j + 2], WRAP)
            j += 2
            joins += 1
        if j > k:
            merged[k] = (j, cur)
        k = j + 1
    return merged, joins


def join_link_splits(doc: Document, lines: list[Line], cfg: dict, stage: str) -> list[Line]:
    """`lines` with every link-split run joined into its first line (blank lines between
    the pieces dropped); the count goes to `doc.changes[stage]["link-split-join"]`."""
    live = [i for i, ln in enumerate(lines) if ln.text.strip()]
    merged, joins = link_runs([lines[i].text.strip() for i in live], cfg)
    if not merged:
        return lines
    out: list[Line] = []
    skip_to = -1
    pos = {i: k for k, i in enumerate(live)}
    for i, ln in enumerate(lines):
        if i <= skip_to:
            continue
        k = pos.get(i)
        if k is not None and k in merged:
            last, text = merged[k]
            end = live[last]
            first = lines[i]
            meta = dict(first.meta)
            meta["link_split"] = last - k + 1
            out.append(
                Line(text, (first.src[0], lines[end].src[1]), first.page, first.conf, first.kind, meta)
            )
            skip_to = end
        else:
            out.append(ln)
    doc.record_change(stage, "link-split-join", joins)
    return out
