"""What makes two similar passages different text, not a copy: their facts and their kind.

Dedupe and fragment removal judge a passage by how it reads (the garble model)
and how close it is to a neighbour (rapidfuzz). Real documents are full of
passages that read a little oddly and look like their neighbours but say
something else: parallel clauses (`灌溉率59.7%，比2005年提高20个百分点` /
`…提高10个百分点`), analyst lines of a broker report (`黄韦涵 投资咨询资格编号…`
/ `张三 投资咨询资格编号…`), slide titles and verse (`暖风熏得游人醉`), table
columns read one cell a line (`评级` / `买入` / `增持` / `中性`). An OCR copy
of a passage repeats its facts; these do not, or are too short to tell.

* `same_facts(copy, source)`: a noisy copy introduces no number the source
  lacks, and does not swap one named entity (jieba's dictionary names:
  person, place, organisation, other proper noun) for another.
* `protected_line(text)`: a title, a table row or a short line, which the
  noisy-copy and fragment rules never remove (an exact repeat still goes).
* `all_words(parts)`: every piece two or more characters and most of them
  dictionary words, as table cells and list items are and scattered scraps
  are not.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache

from .text.cjk import count_han_span

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_DIGIT_GAP = re.compile(r"(?<=\d)\s+(?=\d)")
_ENTITY_TAGS = frozenset({"nr", "ns", "nt", "nz"})
_PROSE_PUNCT = re.compile(r"[。！？；，!?;,]")  # what a title, a caption or a cell lacks
_CELL_GAP = re.compile(r"\S(?:\s{2,}|\t|\s*\|\s*)\S")


def numbers(text: str) -> Counter:
    """The numbers of `text` as a multiset: NFKC (full-width digits count), spaces between
    digits closed first (`1 9 9 7年` is 1997, as older reports print it)."""
    t = _DIGIT_GAP.sub("", unicodedata.normalize("NFKC", text))
    return Counter(_NUMBER.findall(t))


@lru_cache(maxsize=1)
def _entity_words() -> frozenset[str]:
    """Words jieba's dictionary tags as names (person, place, organisation, other proper
    noun), read from the dictionary file itself: `jieba.posseg` would load its HMM tables
    (seconds) for tags the file already has."""
    import jieba

    jieba.setLogLevel(60)
    with jieba.dt.get_dict_file() as fh:
        rows = (line.decode("utf-8").split() for line in fh)
        return frozenset(r[0] for r in rows if len(r) == 3 and r[2] in _ENTITY_TAGS and len(r[0]) >= 2)


@lru_cache(maxsize=4096)
def entities(text: str) -> frozenset[str]:
    """Named entities of two or more characters that jieba's dictionary knows (no HMM
    guessing: garbled OCR would otherwise make up names)."""
    import jieba

    names = _entity_words()
    return frozenset(w for w in jieba.lcut(text, HMM=False) if w in names)


def same_facts(copy: str, source: str, cut_edges: bool = False) -> bool:
    """True when `copy` may be a copy of `source`: it brings no number `source` lacks,
    and it does not put one named entity where `source` has another.

    `cut_edges`: `copy` is a whole scrap cut from running text, which may start or end
    inside a number (`95年将增长` from `1995年将增长`): a number at either edge need
    only occur inside one of `source`'s numbers."""
    t = _DIGIT_GAP.sub("", unicodedata.normalize("NFKC", copy)).strip()
    have = numbers(source)
    extra = Counter()
    for m in _NUMBER.finditer(t):
        n = m.group()
        edge = cut_edges and (m.start() == 0 or m.end() == len(t))
        if edge and any(n in s for s in have):
            continue
        extra[n] += 1
    if extra - have:
        return False
    ec, es = entities(copy), entities(source)
    return not (ec - es and es - ec)


def protected_line(text: str, min_chars: int = 8, max_title: int = 30) -> bool:
    """A line the noisy-copy rule leaves alone whatever it reads like:

    * short: fewer than `min_chars` CJK characters (too little to tell a copy from
      anything);
    * a title, caption, verse line or label: at most `max_title` characters and no
      sentence or comma punctuation (`暖风熏得游人醉`, `二、“比较美术学”的中西视域`,
      `（广西钦州卢圣供题）`, `总股本（百万股）：227.92`);
    * a table row: cells separated by two or more spaces, a tab or `|`.

    A garbled re-read scrap is cut from running text, so it carries the commas and
    stops of the prose it was cut from (`、世界经住激光荡等许多难的条件下，经`).
    """
    s = text.strip()
    if count_han_span(s) < min_chars:
        return True
    if len("".join(s.split())) <= max_title and not _PROSE_PUNCT.search(s):
        return True
    return len(_CELL_GAP.findall(s)) >= 2


@lru_cache(maxsize=1)
def _freq() -> dict[str, int]:
    import jieba

    jieba.setLogLevel(60)
    jieba.dt.check_initialized()
    return jieba.dt.FREQ


def all_words(parts: list[str], min_share: float = 0.75, min_freq: int = 2) -> bool:
    """Every piece at least two characters long and most of them (`min_share`) dictionary
    words (`评级` `买入` `增持` `中性`; jieba lacks `增持`): a table column or a list
    read one cell a line, not scraps from across a column (`奋` `贯` `党的` `精神的`)."""
    if not parts or any(len(p) < 2 for p in parts):
        return False
    freq = _freq()
    return sum(freq.get(p, 0) >= min_freq for p in parts) >= min_share * len(parts)
