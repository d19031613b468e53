"""Per-paragraph measurements of the clean text, vectorised over the whole text.

Every paragraph is one non-empty output line. Counts come from numpy passes
over the text's code points (or regexes with a literal anchor), bucketed to
lines with `bincount`/`searchsorted`: no per-character Python loop, so scoring
keeps pace with the text stages on multi-megabyte input. The regexes below
define each anomaly (they find the excerpts for flags); the numpy counters
implement the same definitions fast, and the tests check that they agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from ..garble import is_cjk_array
from ..textops import CJK_PUNCT, CJK_RANGE

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


def _alnum(cp: np.ndarray) -> np.ndarray:
    return ((cp >= 48) & (cp <= 57)) | ((cp >= 65) & (cp <= 90)) | ((cp >= 97) & (cp <= 122))


def _at(mask: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """mask[idx], False where idx is out of range."""
    ok = (idx >= 0) & (idx < mask.size)
    out = np.zeros(idx.size, dtype=bool)
    out[ok] = mask[idx[ok]]
    return out


def spacing_positions(cp: np.ndarray, cjk: np.ndarray, cjkp: np.ndarray, sp: np.ndarray) -> np.ndarray:
    """Start of every space run that SPACING matches."""
    prev_sp = np.concatenate(([False], sp[:-1]))
    next_sp = np.concatenate((sp[1:], [False]))
    starts = np.flatnonzero(sp & ~prev_sp)
    ends = np.flatnonzero(sp & ~next_sp) + 1
    before, after = starts - 1, ends
    an = _alnum(cp)
    wide = cjk | cjkp
    a = _at(wide, before) & (_at(wide, after) | _at(an, after))
    b = (_at(cjkp, before) | _at(an, before) | _at(cp == 37, before)) & _at(cjk, after)
    return starts[a | b]


def half_punct_positions(
    cp: np.ndarray, cjk: np.ndarray, cjkp: np.ndarray, sp: np.ndarray, half: np.ndarray | None = None
) -> np.ndarray:
    """Every half-width mark that HALF_PUNCT matches (`half`: `np.isin(cp, _HALF_CPS)`)."""
    n = cp.size
    wide = cjk | cjkp
    cand = np.flatnonzero(np.isin(cp, _HALF_CPS) if half is None else half)
    # nearest non-space before / after each mark (-1 / n: none), by bisection in the
    # non-space positions: only the few marks are looked up, no pass per character
    ns = np.flatnonzero(~sp)
    k = np.searchsorted(ns, cand - 1, side="right") - 1
    lft = np.where(k >= 0, ns[np.maximum(k, 0)] if ns.size else -1, -1)
    k = np.searchsorted(ns, cand + 1, side="left")
    rgt = np.where(k < ns.size, ns[np.minimum(k, ns.size - 1)] if ns.size else n, n)
    bad = _at(wide, lft) | _at(wide, rgt)
    dots = np.flatnonzero(cp == 46)
    nxt = dots + 1
    dot_bad = _at(cjk, dots - 1) & ~_at(_alnum(cp) | (cp == 46), nxt)
    return np.sort(np.concatenate((cand[bad], dots[dot_bad])))


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


# One table lookup per code point instead of an `np.isin` per class: bit flags for
# the classes, and a small code for every quote/bracket character (0: none).
_SP, _CJKP, _CJK, _BREAK, _HALF_BIT = 1, 2, 4, 8, 16
_PAIR_CHARS = ['"'] + [ch for pairs in PAIRS.values() for pair in pairs for ch in pair]


def _tables() -> tuple[np.ndarray, np.ndarray]:
    flags = np.zeros(0x10001, dtype=np.uint8)  # index 0x10000: any astral character
    for bit, cps in ((_SP, _SP_CPS), (_CJKP, _CJKP_CPS), (_BREAK, _BREAK_CPS), (_HALF_BIT, _HALF_CPS)):
        flags[cps] |= bit
    flags[:0x10000][is_cjk_array(np.arange(0x10000, dtype=np.uint32))] |= _CJK
    pair = np.zeros(0x10001, dtype=np.uint8)
    for code, ch in enumerate(_PAIR_CHARS, start=1):
        pair[ord(ch)] = code
    return flags, pair


_FLAGS, _PAIR_CODE = _tables()


def _per_line_mask(mask: np.ndarray, nl: np.ndarray, n: int) -> np.ndarray:
    """Count of True per line (a line's own newline excluded; `mask` is False there)."""
    cs = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(mask, out=cs[1:])
    ends = np.append(nl, n)
    starts = np.concatenate(([0], nl + 1))
    return cs[ends] - cs[starts]


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
    is_nl = cp == 10
    nl = np.flatnonzero(is_nl)
    n_lines = nl.size + 1
    # line k holds positions [edges[k], edges[k+1]) (a newline belongs to the line it ends):
    # positions are bucketed by bisection at the line edges, no per-character line index
    edges = np.concatenate(([0], nl + 1, [cp.size + 1]))

    def per_line(pos: np.ndarray) -> np.ndarray:
        """Count of sorted positions `pos` on each line."""
        return np.diff(np.searchsorted(pos, edges))

    idx = np.minimum(cp, 0x10000)
    f = _FLAGS[idx]
    sp = (f & _SP).astype(bool)
    cjk = (f & _CJK).astype(bool)
    cjkp = (f & _CJKP).astype(bool)
    nonws = _per_line_mask(~(sp | is_nl | (cp == 13)), nl, cp.size)
    n_cjk = _per_line_mask(cjk, nl, cp.size)
    lines = text.split("\n")
    n_lp, s_lp = line_stats(lines, known)
    flu = np.where(n_lp >= MIN_CJK, s_lp / np.maximum(n_lp, 1), NEUTRAL)

    counts = {
        "spacing": per_line(spacing_positions(cp, cjk, cjkp, sp)),
        "half_punct": per_line(half_punct_positions(cp, cjk, cjkp, sp, (f & _HALF_BIT).astype(bool))),
        "dropped": per_line(regex_positions(DROPPED_PARTS, text)),
        "run_on": per_line(run_on_positions(cp, (f & _BREAK).astype(bool))),
    }
    code = _PAIR_CODE[idx]
    at = np.flatnonzero(code)
    line_at = np.searchsorted(nl, at)  # newlines before each position: its line
    by_code = np.bincount(line_at * 32 + code[at], minlength=n_lines * 32).reshape(n_lines, 32)
    for name, pairs in PAIRS.items():
        bad = np.zeros(n_lines, dtype=bool)
        for o, c in pairs:
            bad |= by_code[:, _PAIR_CHARS.index(o) + 1] != by_code[:, _PAIR_CHARS.index(c) + 1]
        if name == "quote":
            bad |= (by_code[:, 1] % 2) == 1
        counts[name] = bad.astype(np.int64)

    keep = np.flatnonzero(nonws > 0)
    paras = [lines[i].strip() for i in keep.tolist()]
    counts = {k: v[keep] for k, v in counts.items()}
    counts["unterminated"] = np.array([unterminated(p) for p in paras], dtype=np.int64)
    counts["fragment"] = np.array([fragment(p) for p in paras], dtype=np.int64)
    return Measures(paras, keep + 1, nonws[keep], n_cjk[keep], np.round(flu[keep], 4), counts)


def unterminated(p: str) -> int:
    """1 for a body paragraph (long, with inner punctuation) that stops mid-sentence."""
    if len(p) < 30 or p[-1] in TERMINAL or HEADING.match(p):
        return 0
    return 1 if _INNER_PUNCT.search(p) else 0


def fragment(p: str) -> int:
    """1 for a line of one to three characters with no punctuation: a layout fragment."""
    if len(p) > 3 or _INNER_PUNCT.search(p) or p.endswith(("：", ":")) or _NUMERAL.match(p):
        return 0
    return 1


def last_paragraph_truncated(paras: list[str]) -> bool:
    """The document ends mid-sentence: its last paragraph has no closing mark."""
    if not paras:
        return False
    last = paras[-1]
    return last[-1] not in TERMINAL and (len(last) >= 20 or bool(_INNER_PUNCT.search(last)))
