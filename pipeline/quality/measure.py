"""Per-paragraph measurements of the clean text, vectorised over the whole text.

Every paragraph is one non-empty output line. Counts come from numpy passes
over the text's code points (or regexes with a literal anchor), bucketed to
lines with `bincount`/`searchsorted`/`reduceat`: no per-character Python loop, so scoring
keeps pace with the text stages on multi-megabyte input. The regexes below
define each anomaly (they find the excerpts for flags); the numpy counters
implement the same definitions fast, and the tests check that they agree.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..text.cjk import CJK_PUNCT
from ..text.cjk import HAN_BMP as CJK_RANGE
from ..text.cjk import is_han_array as is_cjk_array
from .table_signs import table_counts
from .text_signs import sign_counts

CJK = CJK_RANGE
CJKP = re.escape(CJK_PUNCT)
_SP = r"[ \t\u3000\u00a0]"
_HALF = ',;:!?()"'

# a space between CJK and CJK / CJK punctuation / digits / Latin (OUTPUT_SPEC 3)
SPACING = re.compile(
    rf"(?<=[{CJK}{CJKP}]){_SP}+(?=[{CJK}{CJKP}0-9A-Za-z])|(?<=[{CJKP}0-9A-Za-z%]){_SP}+(?=[{CJK}])"
)
# a half-width mark whose nearest non-space neighbour is CJK (OUTPUT_SPEC 4)
HALF_PUNCT = re.compile(
    rf"(?<=[{CJK}{CJKP}]){_SP}*[,;:!?()\"]|[,;:!?()\"]{_SP}*(?=[{CJK}{CJKP}])|(?<=[{CJK}])\.(?![0-9A-Za-z.])"
)
# signs of characters lost in extraction: 2023+3+8日 with 年/月 gone, 第次 with the
# number gone, two figures fused (4.1%8.7%) with the 、/和 between them gone
# (each starts with a literal so the regex engine skips ahead instead of trying every
# position: `(?:19|20)(?<![\d.]..)` is `(?<![\d.])(?:19|20)`, `%(?<=\d%)` is `(?<=\d)%`)
DROPPED_PARTS = (
    re.compile(r"(?:19|20)(?<![\d.]..)\d{3,4}[月日]"),
    re.compile(r"第[次届个批条项期轮号]"),
    re.compile(r"%(?<=\d%)\d"),
)
DROPPED = re.compile("|".join(p.pattern for p in DROPPED_PARTS))
# for counting, the date pattern is found from its last character (`月`/`日` are rarer
# than the digits 1 and 2 it starts with, and a literal lets the engine skip ahead): a
# date ends its run of digits, so each match has its own last character, on its line
_DATE_AT = r"(?:(?<=(?<![\d.])(?:19|20)\d\d\d{c})|(?<=(?<![\d.])(?:19|20)\d\d\d\d{c}))"
DROPPED_COUNTERS = (
    re.compile("月" + _DATE_AT.format(c="月")),
    re.compile("日" + _DATE_AT.format(c="日")),
    *DROPPED_PARTS[1:],
)
# a long stretch with no punctuation or space at all: sentences run together
_BREAKS = "\n，。、；：？！…—“”‘’（）《》〈〉【】「」『』,.;:?!()\"' \t\u3000\u00a0"
RUN_ON_MIN = 45
RUN_ON = re.compile(rf"[^{re.escape(_BREAKS)}]{{{RUN_ON_MIN},}}")

TERMINAL = frozenset("。！？…”’）)》】」』!?.；;：:")
# a numbered heading (一、 （一） 1. 第一章): allowed to end without punctuation
HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、]|第[一二三四五六七八九十]+[章节部分条])")
_NUMERAL = re.compile(r"^[一二三四五六七八九十百零〇\dIVXivx]+[、.．]?$")  # a bare section number
_INNER_PUNCT = re.compile(r"[，。、；！？,;!?]")

PAIRS = {"quote": ("“”", "‘’"), "bracket": ("（）", "()", "《》", "【】", "〔〕")}


@dataclass
class Measures:
    """Per-paragraph arrays (one entry per non-empty output line) plus the paragraphs."""

    paras: list[str]
    lines: np.ndarray  # 1-based output line of each paragraph
    nonws: np.ndarray
    cjk: np.ndarray
    fluency: np.ndarray
    counts: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.paras)


def _cps(chars: str) -> np.ndarray:
    return np.array(sorted(ord(c) for c in set(chars)), dtype=np.uint32)


_CJKP_CPS = _cps(CJK_PUNCT)
_SP_CPS = _cps(" \t\u3000\u00a0")
_BREAK_CPS = _cps(_BREAKS)
_HALF_CPS = _cps(_HALF)
_PAIR_CHARS = ['"'] + [ch for pairs in PAIRS.values() for pair in pairs for ch in pair]

# One table lookup per code point gives every class as a bit (index 0x10000: any astral
# character, in none of them). The counters then work on the positions of the few
# characters that matter (spaces, half-width marks, quotes and brackets), looking up
# their neighbours' bits: no further pass over the whole text per class.
_SP, _CJKP, _CJK, _BREAK, _HALF_BIT, _BLANK, _PAIR, _ALNUM = 1, 2, 4, 8, 16, 32, 64, 128
_WIDE = _CJK | _CJKP


def _tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(class bits per code point; for each quote/bracket code point, the slot of its pair
    and +1 opening / -1 closing; the straight quote `"` has its own slot)."""
    flags = np.zeros(0x10001, dtype=np.uint8)
    blank = _cps(" \t\u3000\u00a0\r\n")  # not counted as text (`nonws`)
    alnum = _cps("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    for bit, cps in (
        (_SP, _SP_CPS), (_CJKP, _CJKP_CPS), (_BREAK, _BREAK_CPS), (_HALF_BIT, _HALF_CPS),
        (_BLANK, blank), (_PAIR, _cps("".join(_PAIR_CHARS))), (_ALNUM, alnum),
    ):
        flags[cps] |= bit
    flags[:0x10000][is_cjk_array(np.arange(0x10000, dtype=np.uint32))] |= _CJK
    slot = np.zeros(0x10000, dtype=np.int64)
    sign = np.zeros(0x10000)
    pairs = [pair for group in PAIRS.values() for pair in group]
    for k, (o, c) in enumerate(pairs):
        slot[ord(o)], sign[ord(o)] = k, 1.0
        slot[ord(c)], sign[ord(c)] = k, -1.0
    slot[ord('"')], sign[ord('"')] = len(pairs), 1.0
    return flags, slot, sign


_FLAGS, _PAIR_SLOT, _PAIR_SIGN = _tables()
_N_SLOTS = len(PAIRS["quote"]) + len(PAIRS["bracket"]) + 1
_QUOTE_SLOTS = list(range(len(PAIRS["quote"])))
_BRACKET_SLOTS = list(range(len(PAIRS["quote"]), _N_SLOTS - 1))


def _at(a: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """a[idx], 0 where idx is out of range (before the start, past the end)."""
    ok = (idx >= 0) & (idx < a.size)
    out = np.zeros(idx.size, dtype=a.dtype)
    out[ok] = a[idx[ok]]
    return out


def _space_runs(f: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(start, end) of every run of spaces (end exclusive)."""
    sp = np.flatnonzero(f & _SP)
    if not sp.size:
        return sp, sp
    new = np.ones(sp.size, dtype=bool)
    new[1:] = sp[1:] != sp[:-1] + 1
    last = np.ones(sp.size, dtype=bool)
    last[:-1] = new[1:]
    return sp[new], sp[last] + 1


def spacing_positions(cp: np.ndarray, f: np.ndarray, runs: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Start of every space run that SPACING matches (`f`: class bits, `runs`: `_space_runs`)."""
    starts, ends = runs
    if not starts.size:
        return starts
    fb, fa = _at(f, starts - 1), _at(f, ends)
    a = (fb & _WIDE).astype(bool) & (fa & (_WIDE | _ALNUM)).astype(bool)
    b = ((fb & (_CJKP | _ALNUM)).astype(bool) | (_at(cp, starts - 1) == 37)) & (fa & _CJK).astype(bool)
    return starts[a | b]


def half_punct_positions(cp: np.ndarray, f: np.ndarray, runs: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Every half-width mark that HALF_PUNCT matches (`f`: class bits, `runs`: `_space_runs`)."""
    cand = np.flatnonzero(f & _HALF_BIT)
    # nearest non-space before / after each mark (-1 / n: none): its neighbour, or past
    # the space run the neighbour is in (a run is maximal, so the character past it is none)
    starts, ends = runs
    lft, rgt = cand - 1, cand + 1
    if starts.size:
        in_run = (_at(f, lft) & _SP).astype(bool)
        lft[in_run] = starts[np.searchsorted(starts, lft[in_run], side="right") - 1] - 1
        in_run = (_at(f, rgt) & _SP).astype(bool)
        rgt[in_run] = ends[np.searchsorted(ends, rgt[in_run], side="right")]
    bad = ((_at(f, lft) | _at(f, rgt)) & _WIDE).astype(bool)
    dots = np.flatnonzero(cp == 46)
    nxt = dots + 1
    nxt_ok = (_at(f, nxt) & _ALNUM).astype(bool) | (_at(cp, nxt) == 46)
    dot_bad = (_at(f, dots - 1) & _CJK).astype(bool) & ~nxt_ok
    return np.sort(np.concatenate((cand[bad], dots[dot_bad])))


DIP_LOGP = -9.0  # a character this improbable after its neighbour, and its successor after it


def dip_positions(cp: np.ndarray, f: np.ndarray) -> np.ndarray:
    """Every CJK character that is improbable both after the one before it and before
    the one after it (both bigram log-probabilities below DIP_LOGP, inside one run of
    CJK): a misread glyph, or the seam of text read out of order. Clean prose of any
    genre has few; the mean fluency, by contrast, moves with the genre."""
    from ..garble import char_logp_cps

    pos, lp = char_logp_cps(cp, (f & _CJK).astype(bool))
    if pos.size < 2:
        return np.zeros(0, dtype=np.int64)
    inside = np.zeros(pos.size, dtype=bool)  # not the first character of its run
    inside[1:] = pos[1:] == pos[:-1] + 1
    low = (lp < DIP_LOGP) & inside
    dip = np.zeros(pos.size, dtype=bool)
    dip[:-1] = low[:-1] & low[1:] & inside[1:]
    return pos[dip]


def run_on_positions(cp: np.ndarray, breaks: np.ndarray | None = None) -> np.ndarray:
    """Start of every run of RUN_ON_MIN+ characters with no break (RUN_ON);
    `breaks` is `np.isin(cp, _BREAK_CPS)` when the caller has it."""
    if breaks is None:
        breaks = np.isin(cp, _BREAK_CPS)
    b = np.concatenate(([-1], np.flatnonzero(breaks), [cp.size]))
    length = np.diff(b) - 1
    return b[:-1][length >= RUN_ON_MIN] + 1


def regex_positions(patterns: tuple[re.Pattern[str], ...], text: str) -> np.ndarray:
    return np.array(sorted(m.start() for p in patterns for m in p.finditer(text)), dtype=np.int64)


def _per_line_bits(f: np.ndarray, bits: int, starts: np.ndarray, n_lines: int, invert: bool = False) -> np.ndarray:
    """Characters per line with (`invert`: without) any of `bits`, one `reduceat` over the
    lines (`starts`: each line's first position; a line's newline, counted with it, has
    neither CJK nor text bits)."""
    has = (f & bits) == 0 if invert else (f & bits).astype(bool)
    out = np.zeros(n_lines, dtype=np.int64)
    inside = starts[starts < f.size]  # a last, empty line (the text ends with a newline) has none
    if inside.size:
        out[: inside.size] = np.add.reduceat(has, inside, dtype=np.int64)
    return out


def measure(text: str, chunk: int = 1 << 20, known: dict[str, tuple[int, float]] | None = None) -> Measures:
    """All per-paragraph measurements of `text` (the final clean text).

    Every measure stays inside its line, so a long text is measured in pieces of about
    `chunk` characters cut at line ends and the pieces joined: same values, and the
    per-character arrays (tens of bytes a character) never span a 50 MB input.
    `known`: lines the dedupe stage already scored with the garble model (`garble.line_stats`).
    """
    if len(text) <= chunk:
        return _measure(text, known)
    parts: list[Measures] = []
    offsets: list[int] = []
    start = line0 = 0
    while start < len(text):
        cut = text.find("\n", start + chunk)
        end = len(text) if cut < 0 else cut
        piece = text[start:end]
        parts.append(_measure(piece, known))
        offsets.append(line0)
        line0 += piece.count("\n") + 1
        start = end + 1
        if cut >= 0 and start == len(text):  # the text ends with a newline: one empty last line
            break
    return Measures(
        [p for m in parts for p in m.paras],
        np.concatenate([m.lines + off for m, off in zip(parts, offsets, strict=True)]),
        np.concatenate([m.nonws for m in parts]),
        np.concatenate([m.cjk for m in parts]),
        np.concatenate([m.fluency for m in parts]),
        {k: np.concatenate([m.counts[k] for m in parts]) for k in parts[0].counts},
    )


def _measure(text: str, known: dict[str, tuple[int, float]] | None = None) -> Measures:
    from ..garble import MIN_CJK, NEUTRAL, line_stats

    cp = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    nl = np.flatnonzero(cp == 10)
    n_lines = nl.size + 1
    # line k holds positions [edges[k], edges[k+1]) (a newline belongs to the line it ends):
    # positions are bucketed by bisection at the line edges, no per-character line index
    edges = np.concatenate(([0], nl + 1, [cp.size]))

    def per_line(pos: np.ndarray) -> np.ndarray:
        """Count of sorted positions `pos` on each line."""
        return np.diff(np.searchsorted(pos, edges))

    f = np.take(_FLAGS, np.minimum(cp, 0x10000))
    nonws = _per_line_bits(f, _BLANK, edges[:-1], n_lines, invert=True)
    keep = np.flatnonzero(nonws > 0)
    lines = text.split("\n")
    kept = [lines[i] for i in keep.tolist()]
    # the garble figures of the paragraphs only: a blank line has none
    n_lp, s_lp = line_stats(kept, known)
    flu = np.where(n_lp >= MIN_CJK, s_lp / np.maximum(n_lp, 1), NEUTRAL)

    runs = _space_runs(f)
    counts = {
        "dips": per_line(dip_positions(cp, f)),
        "spacing": per_line(spacing_positions(cp, f, runs)),
        "half_punct": per_line(half_punct_positions(cp, f, runs)),
        "dropped": per_line(regex_positions(DROPPED_COUNTERS, text)),
        "run_on": per_line(run_on_positions(cp, (f & _BREAK).astype(bool))),
    }
    # quotes and brackets: per line and pair, openings minus closings (any not 0: unpaired),
    # and the count of straight quotes `"` (odd: unpaired)
    at = np.flatnonzero(f & _PAIR)
    pc = cp[at]
    by_slot = np.bincount(
        np.searchsorted(nl, at) * _N_SLOTS + _PAIR_SLOT[pc], weights=_PAIR_SIGN[pc], minlength=n_lines * _N_SLOTS
    ).reshape(n_lines, _N_SLOTS)
    counts["quote"] = ((by_slot[:, _QUOTE_SLOTS] != 0).any(axis=1) | (by_slot[:, -1] % 2 == 1)).astype(np.int64)
    counts["bracket"] = (by_slot[:, _BRACKET_SLOTS] != 0).any(axis=1).astype(np.int64)

    paras = [t.strip() for t in kept]
    counts = {k: v[keep] for k, v in counts.items()}
    # most paragraphs are long and end a sentence, and only short ones can be fragments:
    # the checks run on the few that could be either
    open_ended = [i for i, p in enumerate(paras) if len(p) >= 30 and p[-1] not in TERMINAL]
    counts["unterminated"] = _flag_some(paras, open_ended, unterminated)
    counts["fragment"] = _flag_some(paras, [i for i, p in enumerate(paras) if len(p) <= 2], fragment)
    counts.update(sign_counts(text, paras))
    counts.update(table_counts(text, paras))
    n_cjk = _per_line_bits(f, _CJK, edges[:-1], n_lines)
    return Measures(paras, keep + 1, nonws[keep], n_cjk[keep], np.round(flu, 4), counts)


def _flag_some(paras: list[str], idx: list[int], test: Callable[[str], int]) -> np.ndarray:
    """`test(p)` (0 or 1) for the paragraphs at `idx`, 0 for the rest."""
    out = np.zeros(len(paras), dtype=np.int64)
    for i in idx:
        out[i] = test(paras[i])
    return out


def unterminated(p: str) -> int:
    """1 for a body paragraph (long, with inner punctuation) that stops mid-sentence."""
    if len(p) < 30 or p[-1] in TERMINAL or HEADING.match(p):
        return 0
    return 1 if _INNER_PUNCT.search(p) else 0


def fragment(p: str) -> int:
    """1 for a line of one or two characters with no punctuation: a layout fragment (a
    three-character line is most often a name or a term on its own: 倪正洋, 美人蕉)."""
    if len(p) > 2 or _INNER_PUNCT.search(p) or p.endswith(("：", ":")) or _NUMERAL.match(p):
        return 0
    return 1


def last_paragraph_truncated(paras: list[str]) -> bool:
    """The document ends mid-sentence: its last paragraph has no closing mark."""
    if not paras:
        return False
    last = paras[-1]
    return last[-1] not in TERMINAL and (len(last) >= 20 or bool(_INNER_PUNCT.search(last)))
