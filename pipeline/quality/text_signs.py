"""Signs of damage that only the output text shows, per paragraph (issue 17).

- residue: characters no reader can use: `(cid:N)` glyph codes, private-use code
  points, U+FFFD, and UTF-8-read-as-Latin-1 mojibake (two or more such characters
  in a row: one `é` in a name is not mojibake);
- debris: a line that is only a figure or a lone character (a page number, a table
  cell, a stray glyph), a line of figures and symbols with no words (table
  debris), a short line with no Chinese (`AN`, `-ee`), or a line where six or more
  Latin letters are glued to Chinese (an image read as text); a bare section
  numeral (`一`, `IV`) is a heading, not debris;
- verse: a paragraph of short clauses of equal length (a classical poem, a
  couplet): its fluency under a model of modern prose is no sign of damage, so the
  score reads it as structure, not as garble; a short title beside verse too;
- broken order: a body paragraph that stops mid-clause (on a Chinese character, no
  closing mark) and that the next paragraph does not continue: the sentence resumes
  somewhere later (a column read across its gutter, a line pair in the wrong order)
  or its rest was lost (before a heading, at the end);
- short clauses: one-character clauses between marks, which column cuts and
  misread glyphs leave behind (`，的，` `。得。`).
"""

from __future__ import annotations

import re

import numpy as np

from ..text.cjk import HAN_COMPAT, HAN_SPAN

CID = re.compile(r"[(（]cid:\d+[)）]")  # the punctuation stage widens its brackets
# Latin-1 / cp1252 lead and continuation bytes read as characters, in runs of two or more
MOJIBAKE = re.compile(
    "[\u00c0-\u00ff\u0080-\u009f\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2020\u2021\u2026\u2030\u2039\u203a\u20ac\u2122"
    "\u00a1-\u00bf]{2,}"
)
PRIVATE = re.compile("[\ue000-\uf8ff\ufffd\U000f0000-\U0010ffff]")
_CJK = re.compile(f"[{HAN_SPAN}{HAN_COMPAT}]")
_LETTER = re.compile(f"[A-Za-z{HAN_SPAN}{HAN_COMPAT}]")
_SECTION_NUMERAL = re.compile(r"^[一二三四五六七八九十百零〇IVXivx]+[、.．]?$")  # a section number: a heading
# a run of six or more Latin letters glued to a Chinese character: an image or rule read
# as letters (`RSEEssaosdsmsssm站`), not a word (`GDP增长` has three)
_JUNK_LATIN = re.compile(f"(?<=[{HAN_SPAN}])[A-Za-z|]{{6}}|[A-Za-z|]{{6}}(?=[{HAN_SPAN}])")  # fixed width: linear
_CLAUSE_SPLIT = re.compile(r"[，。！？；、,.!?;：:]+")
_FIGURE = re.compile(r"^[\d\s.,%％:：/\-–—()（）+×·|*#]+$")
_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、]|第[一二三四五六七八九十百\d]+[章节部分条篇])")


def residue_chars(p: str) -> int:
    """Characters of `p` that are extraction residue (see the module docstring)."""
    n = sum(len(m.group()) for m in CID.finditer(p))
    rest = CID.sub("", p)
    n += sum(len(m.group()) for m in MOJIBAKE.finditer(rest))
    return n + len(PRIVATE.findall(rest))


def is_debris(p: str) -> bool:
    """A lone character, a bare figure, or a row of figures and symbols (a table cell)."""
    s = p.strip()
    if not s or _SECTION_NUMERAL.match(s):
        return False
    if len(s) == 1 or _JUNK_LATIN.search(s):
        return True
    if len(s) <= 6 and not _CJK.search(s) and not s.isdigit():
        return True  # `AN`, `-ee`, `|`: no word of a Chinese text
    return bool(_FIGURE.match(s)) and not _LETTER.search(s)


def clauses(p: str) -> list[str]:
    return [c for c in _CLAUSE_SPLIT.split(p) if c]


def is_verse(p: str) -> bool:
    """Two or more clauses, all of the same length (4 to 7 CJK characters), only CJK
    between the marks: a line of classical verse or a couplet."""
    cs = clauses(p)
    if len(cs) < 2:
        return False
    n = len(cs[0])
    return 4 <= n <= 7 and all(len(c) == n and len(_CJK.findall(c)) == n for c in cs)


def verse_mask(paras: list[str]) -> np.ndarray:
    """True for verse paragraphs and for short titles (at most 8 characters, no marks)
    next to verse."""
    v = np.array([is_verse(p) for p in paras], dtype=bool)
    if not v.any():
        return v
    out = v.copy()
    for i, p in enumerate(paras):
        if not v[i] and len(p) <= 8 and not _CLAUSE_SPLIT.search(p):
            near = (i + 1 < len(paras) and v[i + 1]) or (i > 0 and v[i - 1])
            out[i] = bool(near)
    return out


JUNCTION_LOGP = -9.0  # a break whose next paragraph starts this improbably does not continue it


def broken_end(p: str) -> bool:
    """A body paragraph (it has inner marks, it is no numbered heading) that stops on a
    Chinese character: the sentence breaks off mid-clause."""
    if len(p) < 12 or not _CJK.match(p[-1]) or _HEADING.match(p):
        return False
    return bool(re.search(r"[，。；！？]", p[:-1]))


def broken_order(paras: list[str]) -> np.ndarray:
    """1 for a paragraph that breaks off mid-clause (`broken_end`) and is not continued
    by the next one: the last one, a heading next, or a next paragraph that does not
    start with a Chinese character which follows on (bigram log-probability at least
    JUNCTION_LOGP). A wrap split into two paragraphs reads on and costs a reader
    little; a sentence whose rest comes lines later (a column read across its gutter)
    or never (lost text) is damage."""
    from ..garble import transition_logp

    out = np.zeros(len(paras), dtype=np.int64)
    for i, p in enumerate(paras):
        if not broken_end(p):
            continue
        nxt = paras[i + 1] if i + 1 < len(paras) else ""
        if not nxt or not _CJK.match(nxt[0]) or _HEADING.match(nxt):
            out[i] = 1
        elif transition_logp(p[-1], nxt[0]) < JUNCTION_LOGP:
            out[i] = 1
    return out


_SENTENCE_SPLIT = re.compile(r"[，。！？；,!?;：:]+")  # not 、: 农、林、牧 is a list, not damage


def short_clauses(p: str) -> tuple[int, int]:
    """(one-character clauses between two marks, all clauses) in `p`: `，的，` `。得。`."""
    cs = _SENTENCE_SPLIT.split(p)
    bad = sum(1 for c in cs[1:-1] if len(c) == 1 and _CJK.match(c))
    return bad, max(len(cs) - 1, 0)


def sign_counts(text: str, paras: list[str]) -> dict[str, np.ndarray]:
    """Per paragraph: residue characters, debris line, verse, broken end, one-character
    clauses and clauses (the whole-text searches first: most texts have no residue)."""
    n = len(paras)
    residue = np.zeros(n, dtype=np.int64)
    if CID.search(text) or MOJIBAKE.search(text) or PRIVATE.search(text):
        residue[:] = [residue_chars(p) for p in paras]
    sc = [short_clauses(p) for p in paras]
    return {
        "residue": residue,
        "debris": np.array([is_debris(p) for p in paras], dtype=np.int64),
        "verse": verse_mask(paras).astype(np.int64),
        "broken_end": broken_order(paras),
        "short_clause": np.array([a for a, _ in sc], dtype=np.int64),
        "clauses": np.array([b for _, b in sc], dtype=np.int64),
    }
