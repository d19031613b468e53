"""Running heads: short lines a page layout repeats, told from text that only looks like one.

A running head is a short line that recurs at page-like intervals and carries no sentence
context on either side. The boilerplate stage removes what `running_heads` finds; the
paragraphs stage applies the same rule again once lines are joined (a second run would).
Real text that looks like a head and is not: a link name on a line of its own inside a
`《…》` pair (`根据《` / `建议` / `》精神`), a table cell (`23`, or any line whose copies
have only other short lines between them), a line that the next one continues.
"""

from __future__ import annotations

import re
from collections import defaultdict

from ..text.cjk import HAN_BMP
from ..text.simplified import to_simplified
from .link_split import unclosed

_HEADING_LIKE = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+[.、．]|第.{1,4}[章节条部分])"
)
_END_PUNCT = "。！？：；，!?:;,、"

_CLAUSE_START = frozenset("，,、；;：:。.）)》”」』’〉】")
_OPENS = frozenset("《“「『‘〈【（(")  # a line ending with these is continued by the next
_FRAGMENT = re.compile(f"[{HAN_BMP}]{{1,3}}")  # the fragments stage's tiny lines


def stands_alone(texts: list[str], k: int) -> bool:
    """Whether non-blank line `k` reads as a line of its own rather than a piece of the
    text around it: it does not open with clause punctuation, the next line does not
    continue it, and it is not one of a run of tiny lines the fragments stage joins.

    Blank lines are no evidence here: the paragraphs stage puts one between every two
    paragraphs, so a decision that looked at them would change when the output is
    cleaned again (`政府` / `政府政府` / `政府` becomes three blank-separated lines)."""
    t = texts[k]
    if t[0] in _CLAUSE_START or (k + 1 < len(texts) and texts[k + 1][0] in _CLAUSE_START):
        return False
    if k > 0 and texts[k - 1][-1] in _OPENS:  # `根据《` / `建议`: a link name, not a head
        return False
    if in_pair_context(texts, k):
        return False
    if _FRAGMENT.fullmatch(t):
        return not any(0 <= j < len(texts) and _FRAGMENT.fullmatch(texts[j]) for j in (k - 1, k + 1))
    return True


_PAIR_CLOSERS = {"》": "《", "”": "“", "」": "「", "』": "『"}  # closer -> its opener


def in_pair_context(texts: list[str], k: int) -> bool:
    """Line `k` stands inside a `《…》`/`“…”` pair that the lines around it open and close
    (`…制定了《国民经济` / `纲要` / `》…`): part of a name or a quotation, never a head."""
    if k == 0 or k + 1 >= len(texts):
        return False
    closer = unclosed(texts[k - 1])
    if closer is None or closer not in _PAIR_CLOSERS:
        return False
    after = texts[k + 1]
    end, again = after.find(closer), after.find(_PAIR_CLOSERS[closer])
    return end >= 0 and (again < 0 or end < again)


_NUMERIC = re.compile(r"^[\d\s.,:;%+\-/()（）．，：％]+$")


def _page_apart(texts: list[str], ks: list[int], max_chars: int) -> bool:
    """Copies recur at page-like intervals: between every two of them stands at least one
    line of body text (longer than a head, or ending a sentence), not only other short
    lines (the cells of a table row, a list of names)."""
    for a, b in zip(ks, ks[1:], strict=False):
        if not any(len(t) > max_chars or t[-1] in _END_PUNCT for t in texts[a + 1 : b]):
            return False
    return True


# the marks the punctuation stage makes full-width in a short Chinese line
_FOLD_MARKS = str.maketrans({",": "，", ":": "：", ";": "；", "!": "！", "?": "？", "(": "（", ")": "）"})
_HALF_MARKS = re.compile(r"[,:;!?()]")


def _head_keys(texts: list[str], max_chars: int) -> dict[int, str]:
    """Each line short enough to be a head (by index) as the output will write it, as far
    as telling repeats apart goes: no spaces (the column-space and punctuation stages take
    those out of Chinese), full-width marks, simplified characters. `綜合新闻` and
    `综合 新闻` are the same head as `综合新闻`: a second run sees them so."""
    keys: dict[int, str] = {}
    lim = 4 * max_chars
    for k in [k for k, t in enumerate(texts) if len(t) <= lim]:
        key = "".join(texts[k].split())
        if 2 <= len(key) <= max_chars:
            keys[k] = key.translate(_FOLD_MARKS) if _HALF_MARKS.search(key) else key
    if keys:
        keys = dict(zip(keys, to_simplified("\n".join(keys.values())).split("\n"), strict=True))
    return keys


def running_heads(texts: list[str], min_count: int, max_chars: int, edge: set[int] | None = None) -> list[int]:
    """Which of `texts` (the non-blank lines, stripped, in order) are running heads.

    A short line that is no sentence end, heading, dash subtitle or bare number, repeated,
    every copy standing alone (`stands_alone`: no sentence or `《…》` context on either
    side) and the copies a page apart (`_page_apart`), at least `min_count` times, or twice when it repeats
    the line the document opens with (that first copy is its title and stays); or, when
    pages are known, a line every copy of which sits at a page edge (`edge`: indices).
    The paragraphs stage applies the same rule again once fragments, headline columns
    and wrapped lines are joined: what a second run of the pipeline would remove, the
    first must remove too."""
    keys = _head_keys(texts, max_chars)
    if len(keys) < min(2, min_count):
        return []
    where: defaultdict[str, list[int]] = defaultdict(list)
    for k, key in keys.items():
        where[key].append(k)
    first = keys.get(0)
    drop: list[int] = []
    for key, ks in where.items():
        n = len(ks)
        if n < min(2, min_count) or key[-1] in _END_PUNCT or _HEADING_LIKE.match(key) or "——" in key:
            continue
        if _NUMERIC.match(key):
            continue  # a number is a table cell or a page number (`page_numbers`), never a head
        alone = all(stands_alone(texts, k) for k in ks) and _page_apart(texts, ks, max_chars)
        # a page head repeats the title the document opens with: twice is enough then
        title_again = alone and n >= 2 and key == first
        at_edges = edge is not None and n >= 2 and all(k in edge for k in ks)
        if (alone and n >= min_count) or at_edges or title_again:
            drop += ks[1:] if key == first else ks
    return drop
