"""Context-aware punctuation and spacing (OUTPUT_SPEC sections 3 and 4).

A half-width mark is in Chinese context when the nearest non-space character
on either side is a CJK ideograph or full-width CJK punctuation; there it
becomes full-width. Numbers, codes, URLs, e-mail addresses and Latin phrases
keep their ASCII: `1,000` `3.14` `11:35:15` `PM2.5` `688556.SH` have no CJK
neighbour, URLs and e-mails are masked before anything else looks at the line.

- `,:;!?` -> `，：；！？` in Chinese context;
- `"`/`'` paired within the paragraph (existing `“”` included) -> `“”`/`‘’`;
  an unpaired quote is kept and flagged `unbalanced-quote`;
- `(…)` -> `（…）` when around or beside CJK; an unmatched one by context;
- `.` ending a Chinese sentence -> `。` (never `1. 总体要求`, `3.14`, `Co.`);
- `...` `。。。` `…` -> `……`; `--` `――` -> `——` (a single `—` stays: `2021—2025年`);
- spaces touching CJK or CJK punctuation are removed (`增长 7.5%` -> `增长7.5%`),
  spaces inside Latin text are kept;
- a space inside a number in Chinese context goes (`14. 70万条` -> `14.70万条`, `22. 0%`,
  `3 000万`); list numbers (`1. 加快…`, at a line start or after a sentence end) and
  numbers in Latin text (`in 2019 2020`) keep theirs.

Lines without any ASCII punctuation or inner space are skipped by one regex;
the per-mark work touches only the marks, never every character.
"""

from __future__ import annotations

import re

from ..document import Document, Line
from ..registry import stage
from ..settings import Settings
from ..text.cjk import CJK_PUNCT_CLASS, HAN

NAME = "punctuation"

_TRIGGER = re.compile(r"[,.:;!?()\"'\-…―]|。。。|\S[ \t]+\S")
# _TRIGGER in three cheap parts: a character class the engine skips to, a literal, and
# the inner-space pattern only where there is a space (the alternation tries every position)
_TRIGGER_CHARS = re.compile(r"[,.:;!?()\"'\-…―]")
_INNER_SPACE = re.compile(r"\S[ \t]+\S")


def _triggered(t: str) -> bool:
    """`_TRIGGER.search(t)`, 7x faster on lines without any."""
    return (
        _TRIGGER_CHARS.search(t) is not None
        or "。。。" in t
        or (("\t" in t or " " in t) and _INNER_SPACE.search(t) is not None)
    )
_MARKS = re.compile(r"\.{3,}|。{3,}|-{2,}|―{2,}|…+|[,.:;!?()\"'“”‘’（）]")
_PROTECT = re.compile(
    r"(?:https?|ftp)://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+"
    r"|www\.[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+[A-Za-z0-9\-._~:/?#@!$&'*+,;=%]*"
    # an address starts where a run of its characters starts: without the lookbehind every
    # position of a long run without `@` (a base64 blob) rescans the run, O(n^2)
    r"|(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
)
_CTX = re.compile(f"[{HAN}{CJK_PUNCT_CLASS}]")
_IDEO = re.compile(f"[{HAN}]")
# a space touching CJK or CJK punctuation goes, unless Latin punctuation precedes it (`1. 总体要求`)
_SPACES = re.compile(
    f"(?<=[{HAN}{CJK_PUNCT_CLASS}])[ \\t]+(?=\\S)|(?<=[^\\s.,:;!?)\\]}}])[ \\t]+(?=[{HAN}{CJK_PUNCT_CLASS}])"
    # never a space before Chinese punctuation (`1. ，` -> `1.，`, `1. （` -> `1.（`)
    "|(?<=\\S)[ \\t]+(?=[，。、；：？！（）《》「」『』【】〔〕“”‘’…])"
)

# a space inside a number in Chinese text (an extractor's or OCR's): `14. 70万条`, `22. 0%`,
# `3 000万`. Only with a Chinese character (or `，、（“`) right before the number and Chinese
# or `%‰` right after it: a list number starts a line or follows a sentence end (`1. 加快`,
# `。1. 70%` stays), and Latin text (`in 2019 2020`, `pages 1 000`) has neither neighbour.
_NUM_LEFT = f"(?<=[{HAN}，、（“])"
_NUM_RIGHT = f"(?=[%‰{HAN}{CJK_PUNCT_CLASS}])"
_NUMBER_SPACE = re.compile(
    rf"{_NUM_LEFT}(\d{{1,9}})\.[ \t]+(\d{{1,6}}){_NUM_RIGHT}"
    rf"|{_NUM_LEFT}(\d{{1,3}}(?:[ \t]\d{{3}})+){_NUM_RIGHT}"
)


def join_number_spaces(text: str) -> tuple[str, int]:
    """`text` with the spaces inside numbers (`14. 70`, `3 000`) taken out, and how many."""
    if " " not in text and "\t" not in text:
        return text, 0
    return _NUMBER_SPACE.subn(lambda m: "".join(m.group(0).split()), text)


_FULL = {",": "，", ":": "：", ";": "；", "!": "！", "?": "？"}
_RULE = {",": "comma", ":": "colon", ";": "semicolon", "!": "exclamation", "?": "question"}
_CLOSING_CJK = set("”’）》」』】〕")
_OPENING_CJK = set("“‘（《「『【〔")
_AFTER_CLOSER = set(",.;:!?，。；：！？、）)」』》 ")


def _ctx(ch: str) -> bool:
    return bool(ch) and _CTX.match(ch) is not None


def _ideo(ch: str) -> bool:
    return bool(ch) and _IDEO.match(ch) is not None


class _Line:
    """A line as a buffer of replaceable slots with protected (URL/e-mail) positions."""

    def __init__(self, text: str):
        self.buf = list(text)
        self.n = len(text)
        self.prot = bytearray(self.n)
        for m in _PROTECT.finditer(text):
            end = m.end()
            while end > m.start() and text[end - 1] in ".,;:!?)'":
                end -= 1
            self.prot[m.start() : end] = b"\x01" * (end - m.start())

    def left(self, i: int) -> str:
        j = i - 1
        while j >= 0 and (not self.buf[j] or self.buf[j].isspace()):
            j -= 1
        if j < 0:
            return ""
        return "a" if self.prot[j] else self.buf[j][-1]

    def right(self, i: int) -> str:
        j = i
        while j < self.n and (not self.buf[j] or self.buf[j].isspace()):
            j += 1
        if j >= self.n:
            return ""
        return "a" if self.prot[j] else self.buf[j][0]

    def put(self, start: int, end: int, new: str) -> None:
        self.buf[start] = new
        for k in range(start + 1, end):
            self.buf[k] = ""

    def text(self) -> str:
        return "".join(self.buf)


def _pair(marks: list[tuple[int, str]], line: _Line, op: str, cl: str, ascii_q: str):
    """Pair quotes in order; returns (pairs, unpaired positions)."""
    pairs: list[tuple[int, int]] = []
    unpaired: list[int] = []
    open_at: int | None = None
    for pos, ch in marks:
        if ch == op:
            if open_at is not None:
                unpaired.append(open_at)
            open_at = pos
        elif ch == cl:
            if open_at is None:
                unpaired.append(pos)
            else:
                pairs.append((open_at, pos))
                open_at = None
        elif open_at is None:
            # an ASCII quote that can only be a closer (content before, punctuation
            # or the end after) while no quote is open: its opener was lost
            lch = line.buf[pos - 1] if pos else ""
            rch = line.buf[pos + 1] if pos + 1 < line.n else ""
            if lch and not lch.isspace() and lch not in _OPENING_CJK and (not rch or rch in _AFTER_CLOSER):
                unpaired.append(pos)
            else:
                open_at = pos
        else:
            pairs.append((open_at, pos))
            open_at = None
    if open_at is not None:
        unpaired.append(open_at)
    return pairs, unpaired


def _quotes(flags: list, line: _Line, text: str, found, counts) -> None:
    for ascii_q, op, cl, rule in (('"', "“", "”", "quote-double"), ("'", "‘", "’", "quote-single")):
        marks = [(m.start(), m.group()) for m in found if m.group() in (ascii_q, op, cl)]
        if not marks:
            continue
        if ascii_q == "'":
            # apostrophes inside Latin (China's) are not quotes
            marks = [
                (p, c)
                for p, c in marks
                if c != "'"
                or (
                    not (p and text[p - 1].isascii() and text[p - 1].isalnum())
                    or not (p + 1 < len(text) and text[p + 1].isascii() and text[p + 1].isalnum())
                )
                and (_ctx(line.left(p)) or _ctx(line.right(p + 1)))
            ]
        if not any(c == ascii_q for _, c in marks):
            if rule == "quote-double" and sum(c == op for _, c in marks) != sum(c == cl for _, c in marks):
                flags.append(("quotation marks do not pair up in this paragraph", text))
            continue
        pairs, unpaired = _pair(marks, line, op, cl, ascii_q)
        for a, b in pairs:
            if text[a] != ascii_q and text[b] != ascii_q:
                continue
            chinese = (
                text[a] == op
                or text[b] == cl
                or _ctx(line.left(a))
                or _ctx(line.right(a + 1))
                or _ctx(line.left(b))
                or _ctx(line.right(b + 1))
                or _IDEO.search(text, a, b) is not None
            )
            if chinese:
                for pos, new in ((a, op), (b, cl)):
                    if text[pos] == ascii_q:
                        line.put(pos, pos + 1, new)
                        counts[rule] = counts.get(rule, 0) + 1
        if unpaired and rule == "quote-double":
            p = unpaired[0]
            flags.append(
                (
                    "an unpaired quotation mark (kept as is): a quote was lost or is extra",
                    text[max(0, p - 20) : p + 20],
                )
            )


def _parens(line: _Line, text: str, found, counts) -> list[tuple[int, int]]:
    """Brackets converted on their own evidence (a full-width half, Chinese inside); the
    rest, pairs (a, b) and loose ones (p, p), come back for `_context_sweep`."""
    stack: list[int] = []
    pairs: list[tuple[int, int]] = []
    loose: list[int] = []
    for m in found:
        c = m.group()
        if c in "(（":
            stack.append(m.start())
        elif c in ")）":
            if stack:
                pairs.append((stack.pop(), m.start()))
            else:
                loose.append(m.start())
    loose.extend(stack)
    rest = [(p, p) for p in loose if text[p] in "()"]
    for a, b in pairs:
        if text[a] == "（" and text[b] == "）":
            continue
        if text[a] == "（" or text[b] == "）" or _IDEO.search(text, a, b) is not None:
            _put_parens(line, text, a, b, counts)
        else:
            rest.append((a, b))
    return rest


def _put_parens(line: _Line, text: str, a: int, b: int, counts) -> None:
    for pos in (a, b):
        if text[pos] in "()":
            line.put(pos, pos + 1, "（" if text[pos] == "(" else "）")
            counts["paren"] = counts.get("paren", 0) + 1


def _context_sweep(
    line: _Line, text: str, found, brackets: list[tuple[int, int]], counts: dict[str, int], delta: list[int]
) -> None:
    """Marks converted by their context, brackets (`_parens`) included. A converted mark is
    context for its neighbours, so a run of marks (`,,,,,现在`, `(),(),()政府`) converts from
    whichever end touches Chinese: one sweep left to right carries context rightwards, one
    back carries it leftwards (a bracket pair looks out at both its ends; a mark already
    converted no longer matches its token and is skipped). Repeating whole passes
    instead would take one pass per mark of the run, and a second run of the stage would
    find what the last pass left."""
    units = [(m.start(), m.end() - 1, m) for m in found if m.group() not in "“”‘’（）\"'()"]
    units += [(a, b, None) for a, b in brackets]
    units.sort(key=lambda u: u[0])
    back = sorted(units, key=lambda u: -u[1])
    for a, b, m in [*units, *back]:
        if m is None:
            if line.buf[a] in "()" and (_ctx(line.left(a)) or _ctx(line.right(b + 1))):
                _put_parens(line, text, a, b, counts)
        else:
            _single(line, text, m, counts, delta)


def _single(line: _Line, text: str, m, counts: dict[str, int], delta: list[int]) -> None:
    tok = m.group()
    a, b = m.start(), m.end()
    if line.buf[a] != tok[0]:
        return
    if tok in _FULL:
        if _ctx(line.left(a)) or _ctx(line.right(b)):
            line.put(a, b, _FULL[tok])
            counts[_RULE[tok]] = counts.get(_RULE[tok], 0) + 1
    elif tok == ".":
        lch, rch = line.left(a), line.right(b)
        ends = rch == ""
        if (_ideo(lch) or lch in _CLOSING_CJK or (ends and lch in "%‰" and _IDEO.search(text))) and (
            ends or _ideo(rch) or rch in _OPENING_CJK
        ):
            line.put(a, b, "。")
            counts["period"] = counts.get("period", 0) + 1
    elif tok[0] in ".。…":
        if tok == "……" or (tok[0] == "…" and len(tok) > 2):
            return
        if tok[0] == "。" or _ctx(line.left(a)) or _ctx(line.right(b)):
            line.put(a, b, "……")
            counts["ellipsis"] = counts.get("ellipsis", 0) + 1
            delta[0] += len(tok) - 2
    elif tok[0] in "-―":
        # `――` (U+2015, the GB2312 dash as some codecs map it) is a Chinese dash anywhere
        if tok[0] == "―" or _ctx(line.left(a)) or _ctx(line.right(b)):
            line.put(a, b, "——")
            counts["dash"] = counts.get("dash", 0) + 1
            delta[0] += len(tok) - 2


def _fix_once(text: str, cfg: dict, counts: dict[str, int], delta: list[int], flags: list) -> str:
    line = _Line(text)
    found = [m for m in _MARKS.finditer(text) if not line.prot[m.start()]]
    before = sum(counts.values())
    if found:
        if cfg["quotes"]:
            _quotes(flags, line, text, found, counts)
        _context_sweep(line, text, found, _parens(line, text, found, counts), counts, delta)
    return line.text() if sum(counts.values()) != before else text


def converted_positions(text: str) -> list[int]:
    """Where one pass of this stage puts a full-width mark into `text` (every position of a
    converted token): the column-space stage, which runs first, judges a space beside such
    a mark as beside the Chinese punctuation it will be, so that cleaning the output
    again judges it the same way."""
    line = _Line(text)
    found = [m for m in _MARKS.finditer(text) if not line.prot[m.start()]]
    if not found:
        return []
    counts: dict[str, int] = {}
    _quotes([], line, text, found, counts)
    _context_sweep(line, text, found, _parens(line, text, found, counts), counts, [0])
    if not counts:
        return []
    return [i for i, (a, b) in enumerate(zip(text, line.buf, strict=True)) if a != b]


def fix_line(doc: Document, ln: Line, cfg: dict) -> str:
    """All punctuation and spacing rules on one line (paragraph); returns the new text.

    A mark's context can depend on a neighbouring mark converted in the same
    pass (`...(` : the `(` sees `……` only afterwards), so passes repeat until
    the line is stable (at most a few; most lines need one).
    """
    counts: dict[str, int] = {}
    delta = [0]
    text = ln.text
    for _ in range(4):
        flags: list = []
        new = _fix_once(text, cfg, counts, delta, flags)
        if new == text:
            break
        text = new
    for message, excerpt in flags:
        doc.flag("unbalanced-quote", message, excerpt, ln.src, NAME)
    new = text
    if cfg["spaces"] and (" " in new or "\t" in new):
        new, n = join_number_spaces(new)
        if n:
            counts["number-space"] = n
        new, n = _SPACES.subn("", new)
        if n:
            counts["space"] = n
    for rule, n in counts.items():
        doc.record_change(NAME, rule, n)
    if delta[0]:
        doc.record_change(NAME, "ellipsis-dash-width", 0, delta[0])
    return new


class PunctuationSettings(Settings):
    """Full-width punctuation in Chinese context; ASCII kept for numbers, codes and Latin."""

    quotes: bool = True
    """Pair straight quotes per paragraph as “ ” (unpaired ones kept and flagged)."""
    spaces: bool = True
    """Remove spaces touching CJK characters."""


# quotes are paired per paragraph: after paragraphs has joined the lines
@stage(NAME, settings=PunctuationSettings, after=("paragraphs",))
def run(doc: Document, cfg: dict) -> Document:
    """Full-width punctuation in Chinese context; ASCII kept for numbers, codes, Latin."""
    for i, ln in enumerate(doc.lines):
        t = ln.text
        if not t or not _triggered(t):
            if t and ("“" in t or "”" in t) and t.count("“") != t.count("”"):
                doc.flag(
                    "unbalanced-quote", "quotation marks do not pair up in this paragraph", t, ln.src, NAME
                )
            continue
        new = fix_line(doc, ln, cfg)
        if new != t:
            doc.lines[i] = ln.with_text(new)
    return doc
