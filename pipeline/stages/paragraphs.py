"""Paragraph assembly: one paragraph per line (OUTPUT_SPEC section 2).

Two kinds of input reach this stage and must be told apart from evidence,
never assumed:

* hard-wrapped text (PDF text layers, OCR output): many consecutive lines of
  nearly the same display width. There a full-width line continues into the
  next one; a short line ends its paragraph; an indented or numbered line
  after a finished sentence starts a new one.
* one paragraph per line (web extractions, the national corpus): every line
  is already a paragraph and stays one. The only joins there repair a
  paragraph cut by a page or column break: the text before the break ends no
  sentence, the text after is not a heading, bullet or indented start, and
  something says it continues (a word spans the break, the next line starts
  with clause punctuation, a page/continuation marker was removed there, or
  unfinished paragraphs are rare enough in this document to be breaks).

Whitespace is outside the accounting, so joins and indent stripping need no
record; the numbers go to `doc.stats["paragraphs"]`.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

from ..document import Document, Line
from ..registry import stage
from .link_split import CLOSERS, OPENERS, closer_of, link_runs, unclosed

STAGE = "paragraphs"

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
_LATIN_END = re.compile(r"[A-Za-z,;:!?)\]]$|[0-9]$")
_LATIN_START = re.compile(r"^[A-Za-z0-9(\[]")
_BULLET_REASONS = ("bullet", "decorative-bullet", "list-marker")
_BREAK_REASONS = ("continuation-marker", "running-head", "page-number", "page-header", "page-footer")


def display_width(text: str) -> int:
    """Columns a line occupies: wide and ambiguous (CJK, “”, —) characters count two."""
    if text.isascii():
        return len(text)
    return display_widths([text])[0]


@lru_cache(maxsize=1)
def _width_table():
    """Display width per BMP code point (0 at index 0x10000: astral, looked up one by one)."""
    import numpy as np

    table = np.zeros(0x10001, dtype=np.uint8)
    table[:0x10000] = [2 if unicodedata.east_asian_width(chr(cp)) in "WFA" else 1 for cp in range(0x10000)]
    return table


def display_widths(texts: list[str], chunk: int = 1 << 20) -> list[int]:
    """`display_width` of each text, from one table lookup over their joined code points
    (about `chunk` characters at a time, so memory stays small on huge input)."""
    out: list[int] = []
    i = 0
    while i < len(texts):
        j, size = i, 0
        while j < len(texts) and (j == i or size + len(texts[j]) <= chunk):
            size += len(texts[j])
            j += 1
        out += _widths(texts[i:j])
        i = j
    return out


def _widths(texts: list[str]) -> list[int]:
    import numpy as np

    cp = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    w = _width_table()[np.minimum(cp, 0x10000)]
    for i in np.flatnonzero(cp >= 0x10000).tolist():
        w[i] = 2 if unicodedata.east_asian_width(chr(int(cp[i]))) in "WFA" else 1
    cs = np.zeros(cp.size + 1, dtype=np.int64)
    np.cumsum(w, out=cs[1:])
    ends = np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)))
    return np.diff(cs[ends], prepend=0).tolist()


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
class _Item:
    """A non-blank input line with what the decisions need to know about it."""

    line: Line
    text: str
    indented: bool
    gap: int = 0  # blank lines before it
    broken: bool = False  # a page change or removed page/continuation marker before it
    bullet: bool = False  # a decorative bullet was removed from its start
    width: int = 0
    block_width: int | None = None  # wrap width of its own block (see block_wraps), lines after the first


@lru_cache(maxsize=1)
def _word_freq() -> dict[str, int]:
    import jieba

    jieba.setLogLevel(60)
    jieba.dt.check_initialized()
    return jieba.dt.FREQ


def word_spans_break(a: str, b: str, span: int = 4) -> bool:
    """True when the best segmentation of the text around the break uses a word across it
    (`新模` | `式` -> `模式`; `指示` | `精神` -> `指示精神`): the break cut a word."""
    import jieba

    tail = re.findall(r"[\u3400-\u9fff]+$", a[-span:])
    head = re.findall(r"^[\u3400-\u9fff]+", b[:span])
    if not tail or not head:
        return False
    left, right = tail[0][-span:], head[0][:span]
    freq = _word_freq()
    pos = 0
    cut = len(left)
    for w in jieba.lcut(left + right, HMM=False):
        if pos < cut < pos + len(w) and freq.get(w, 0) >= 2:
            return True
        pos += len(w)
    return False


def _items(doc: Document) -> list[_Item]:
    starts_bullet = {r.src for r in doc.removed if any(k in r.reason for k in _BULLET_REASONS)}
    break_after = sorted(r.src[1] for r in doc.removed if any(k in r.reason for k in _BREAK_REASONS))
    items: list[_Item] = []
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
        it = _Item(ln, text, indented, gap, broken, ln.src in starts_bullet or bool(ln.meta.get("bullet")))
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


def block_wraps(items: list[_Item], min_lines: int = 3, min_width: int = 20) -> None:
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
        if w < min_width or block[-1].width > w + _tol(w):
            continue
        # one width, counted in display columns (print) or in characters (a tool that cut
        # every n characters, digits and all)
        n = max(len(it.text) for it in body)
        if any(abs(it.width - w) > _tol(w) for it in body) and any(len(it.text) < n - 1 for it in body):
            continue
        if sum(ends_sentence(it.text) for it in body) * 2 > len(body):
            continue
        for it in block[1:]:
            it.block_width = w


def _marker_between(sorted_ends: list[int], lo: int, hi: int) -> bool:
    """Some s in `sorted_ends` with lo <= s < hi (a bisection, not a scan per line)."""
    i = bisect_left(sorted_ends, lo)
    return i < len(sorted_ends) and sorted_ends[i] < hi


def wrap_width(items: list[_Item], min_lines: int, share: float) -> int | None:
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
    tol = _tol(w)
    full = [it for it, nx in zip(items, items[1:], strict=False) if nx.gap == 0 and abs(it.width - w) <= tol]
    if len(full) < max(min_lines, share * len(cand)):
        return None
    open_ended = sum(not ends_sentence(it.text) for it in full)
    return w if open_ended >= 0.5 * len(full) else None


def _tol(w: int) -> int:
    return max(4, int(0.1 * w))


class _Decider:
    """Decides, for two successive non-blank lines, whether the second continues the first."""

    def __init__(self, items: list[_Item], cfg: dict, width: int | None):
        self.cfg = cfg
        self.width = width
        self.max_title = int(cfg["max_title_chars"])
        body = [it for it in items if not is_title_like(it.text, self.max_title)]
        # indents mark paragraph starts: a convention once a few percent of lines carry one
        self.indent_doc = sum(it.indented for it in items) >= max(2, 0.05 * len(items))
        # blank lines between multi-line blocks separate paragraphs: inside a block, lines run on
        blocks = sum(it.gap > 0 for it in items) + 1
        self.blank_doc = width is not None and blocks >= 2 and len(items) >= 2 * blocks
        prose = [it for it in body if len(it.text) >= 20]
        unfinished = sum(not ends_sentence(it.text) for it in prose[:-1])
        self.breaks_rare = unfinished <= max(2, int(cfg["rare_break_share"] * len(prose)))

    def starts_new(self, b: _Item) -> bool:
        return b.text.startswith(_DASHES) or b.bullet or (self.indent_doc and b.indented) or b.line.kind in ("heading", "headline")

    def wrapped_join(self, a: _Item, b: _Item, width: int | None = None) -> bool:
        """Inside a hard-wrapped block: a full line runs on unless the next visibly starts anew."""
        width = width or self.width
        assert width is not None
        if a.width < width - _tol(width) or self.starts_new(b):
            return False
        if ends_sentence(a.text) and (is_numbered(b.text) or not (self.indent_doc or self.blank_doc)):
            return False  # with no indents or blank lines to go by, a full line ending a sentence may end it
        return a.line.kind not in ("heading", "headline")

    def break_join(self, a: _Item, b: _Item) -> bool:
        """Across a blank line, page break or marker: join only an unfinished paragraph."""
        if not self.cfg["join_breaks"] or ends_sentence(a.text) or self.starts_new(b):
            return False
        if link_split_pair(a.text, b.text):
            return True
        if _heading_kind(a.text, a.line.kind, int(self.cfg["max_heading_chars"]), self.max_title) != "body":
            return False
        if len(a.text) < int(self.cfg["min_break_chars"]) or is_numbered(b.text):
            return False
        if is_title_like(b.text, self.max_title) and b.text[0] not in _CONTINUES:
            return False
        if b.text[0] in _CONTINUES or a.broken or b.broken or word_spans_break(a.text, b.text):
            return True
        return self.breaks_rare


def link_split_pair(a: str, b: str) -> bool:
    """`a` ends with an opening bracket or quote (`根据《`), or `b` opens with the closer of
    the one `a` left open (`…根据《建议` / `》精神`): one sentence cut at a link. The
    boilerplate stage joins such lines first (`link_split`); this catches the ones a later
    join made (a wrapped line that ends in `《`), as a second run would."""
    return a[-1] in OPENERS or (b[0] in CLOSERS and unclosed(a) == closer_of(b[0]))


def _join_text(a: str, b: str) -> str:
    """Join a wrapped line: a space only between Latin words (`Made in` | `China`),
    never inside a number (`68,` | `215` -> `68,215`) or next to Chinese."""
    if _LATIN_END.search(a) and _LATIN_START.match(b):
        if a[-1].isdigit() and b[0].isdigit():
            return a + b
        if a[-1] in ",;:" and (a[-2:-1].isdigit() and b[0].isdigit()):
            return a + b
        return a + " " + b
    return a + b


join_text = _join_text  # the one joiner: the link-split joins (boilerplate) use it too


def _heading_kind(text: str, kind: str, max_heading: int, max_title: int) -> str:
    if kind in ("heading", "headline"):
        return kind
    if is_numbered(text) and len(text) <= max_heading and not _SENT_INSIDE.search(text.rstrip("。")):
        return "heading"
    if is_title_like(text, max_title):
        return "heading"
    return "body"


def _merge(group: list[_Item], cfg: dict, text: str) -> Line:
    first, last = group[0].line, group[-1].line
    kind = _heading_kind(text, first.kind, int(cfg["max_heading_chars"]), int(cfg["max_title_chars"]))
    if len(group) == 1 and first.conf is None:  # most paragraphs: one line, not OCR'd
        return Line(text, (first.src[0], last.src[1]), first.page, None, kind, dict(first.meta))
    confs = [(it.line.conf, len(it.text)) for it in group if it.line.conf is not None]
    conf = sum(c * n for c, n in confs) / max(1, sum(n for _, n in confs)) if confs else None
    meta: dict = {}
    for it in group:
        meta.update(it.line.meta)
    if len(group) > 1:
        meta["joined_lines"] = len(group)
    return Line(text, (first.src[0], last.src[1]), first.page, conf, kind, meta)


_SENTENCE_END = re.compile(r"[。！？!?][”’）)」』】》]*")


def split_long(doc: Document, lines: list[Line], limit: int) -> list[Line]:
    """Split paragraphs over `limit` characters at sentence ends (a whole file on one
    line is no paragraph); every later stage then works on bounded pieces. Flagged."""
    out: list[Line] = []
    for ln in lines:
        if len(ln.text) <= limit:
            out.append(ln)
            continue
        text, start, pieces = ln.text, 0, 0
        while len(text) - start > limit:
            cut = None
            for m in _SENTENCE_END.finditer(text, start + limit // 2, start + limit):
                cut = m.end()
            if cut is None:  # no sentence end in reach: cut at the limit
                cut = start + limit
            out.append(Line(text[start:cut], ln.src, ln.page, ln.conf, ln.kind, dict(ln.meta)))
            start, pieces = cut, pieces + 1
        out.append(Line(text[start:], ln.src, ln.page, ln.conf, ln.kind, dict(ln.meta)))
        doc.flag("long-paragraph", f"a {len(text)}-character paragraph was split into {pieces + 1} at sentence ends",
                 text[:40], ln.src, STAGE)
    return out


def in_clean_form(items: list[_Item]) -> bool:
    """One paragraph per line, exactly one blank line between paragraphs, no indents:
    the form this stage emits (OUTPUT_SPEC section 2)."""
    return bool(items) and items[0].gap == 0 and all(
        it.gap == 1 and not it.indented and not it.broken for it in items[1:]
    ) and not items[0].indented


class Seams:
    """Rules of earlier stages that a join can newly satisfy, run again on joined lines.

    The unicode, markup, boilerplate and column-space stages judged each line alone, but
    a token or pair cut by a line break (`Ã` / `©`, `&am` / `p;`, `$` / `_{…}$`, `(上接` /
    `5版)`, a `(` that pairs with a `）` on the next line and so becomes `（`) is whole only
    in the joined paragraph (joined here, or by the fragments stage), where a second run
    would find it. Each of those stages leaves word in
    `doc.stats` that it ran; what is found is booked under this stage."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.unicode = doc.stats.get("unicode_hygiene", {}).get("cfg")
        self.markup = bool(doc.stats.get("markup", {}).get("seams"))
        self.markers = bool(doc.stats.get("boilerplate", {}).get("cfg", {}).get("continuation_markers"))
        self.spaces = "column_spaces" in doc.stats
        self._chinese: bool | None = None

    def chinese(self) -> bool:
        if self._chinese is None:
            from .markup import is_chinese

            self._chinese = is_chinese(self.doc)
        return self._chinese

    def clean(self, text: str, src: tuple[int, int]) -> str:
        while True:
            before = text
            if self.unicode:
                from .unicode_hygiene import clean_joined as clean_unicode

                text = clean_unicode(self.doc, text, src, STAGE, self.unicode).strip()
            if self.markup:
                from .markup import _TRIGGER, clean_joined

                if _TRIGGER.search(text):
                    text = clean_joined(self.doc, text, src, STAGE, self.chinese()).strip()
            if self.markers:
                from .boilerplate import strip_markers

                text = strip_markers(self.doc, text, src, STAGE).strip()
            if self.spaces and (" " in text or "\t" in text):
                from .column_spaces import squeeze

                text, n = squeeze(text)
                self.doc.record_change(STAGE, "column-space", n)
            if text == before:
                return text

    def clean_all(self, groups: list[list[_Item]], para: list[str]) -> tuple[list[list[_Item]], list[str]]:
        """Every joined paragraph cleaned; one the rules empty entirely is dropped."""
        if not (self.unicode or self.markup or self.markers or self.spaces):
            return groups, para
        out_g, out_p = [], []
        for g, t in zip(groups, para, strict=True):
            if len(g) > 1 or "joined_fragments" in g[0].line.meta:  # joined here or by fragments
                t = self.clean(t, (g[0].line.src[0], g[-1].line.src[1]))
            if t:
                out_g.append(g)
                out_p.append(t)
        return out_g, out_p


def settle(
    groups: list[list[_Item]], para: list[str], cfg: dict, breaks: int, seams: Seams | None = None
) -> tuple[list[list[_Item]], list[str], int]:
    """Join the paragraphs a second run would join, until none is left.

    A second run sees the output in clean form, whole paragraphs on both sides of
    every break and none of this run's evidence (line kinds, markers, wrap widths,
    document statistics): `break_join` there decides on the two texts alone. The
    first run decided on the next *line*, which may have grown into a longer
    paragraph since (a title-like `度降至26微克/立方米，空气质` became a sentence), so
    the pairs are judged again that way. Joining only makes both sides longer, which
    can only allow more joins, so the sweeps stop; after the last one no pair would
    be joined, and cleaning the output again joins nothing."""
    clean = _Decider([], cfg, None)
    clean.breaks_rare = False

    def plain(text: str) -> _Item:
        return _Item(Line(text, (0, 0)), text, False)

    def joins(a: str, b: str) -> bool:
        # most paragraphs end a sentence, most of those with `。`: `break_join`'s first test
        return a[-1] not in _TERMINAL and not ends_sentence(a) and clean.break_join(plain(a), plain(b))

    while len(groups) > 1:
        # a sweep only when some pair joins as it stands (a pair joins more easily once the
        # paragraph before it has grown, and it grows only by a join)
        if not any(joins(a, b) for a, b in zip(para, para[1:], strict=False)):
            break
        out_g, out_p = [groups[0]], [para[0]]
        for g, t in zip(groups[1:], para[1:], strict=True):
            a = out_p[-1]
            if joins(a, t):
                out_g[-1] = out_g[-1] + g
                out_p[-1] = _join_text(a, t)
                if seams is not None:
                    src = (out_g[-1][0].line.src[0], g[-1].line.src[1])
                    out_p[-1] = seams.clean(out_p[-1], src) or out_p[-1]
                breaks += 1
            else:
                out_g.append(g)
                out_p.append(t)
        if len(out_g) == len(groups):
            break
        groups, para = out_g, out_p
    return groups, para, breaks


def link_joins(
    doc: Document, groups: list[list[_Item]], para: list[str], cfg: dict, breaks: int, seams: Seams | None = None
) -> tuple[list[list[_Item]], list[str], int]:
    """The boilerplate stage's link-split joins (`link_split`) once more, on the paragraphs
    as a second run sees them: a join here or a removal can make new neighbours
    (`…《建议…》精神，` grown from wrapped lines, then `发展` / `”`). Settled again after."""
    bcfg = (doc.stats.get("boilerplate") or {}).get("cfg")
    if not bcfg or not bcfg.get("link_joins"):
        return groups, para, breaks
    while True:
        merged, n = link_runs(para, bcfg)
        if not merged:
            return groups, para, breaks
        out_g: list[list[_Item]] = []
        out_p: list[str] = []
        k = 0
        while k < len(para):
            last, text = merged.get(k, (k, para[k]))
            g = [it for grp in groups[k : last + 1] for it in grp]
            if last > k and seams is not None:
                text = seams.clean(text, (g[0].line.src[0], g[-1].line.src[1])) or text
            out_g.append(g)
            out_p.append(text)
            k = last + 1
        groups, para = out_g, out_p
        doc.record_change(STAGE, "link-split-join", n)
        if cfg["join_breaks"]:
            groups, para, breaks = settle(groups, para, cfg, breaks, seams)


def recheck_boilerplate(
    doc: Document,
    groups: list[list[_Item]],
    para: list[str],
    cfg: dict,
    breaks: int,
    seams: Seams | None = None,
) -> tuple[list[list[_Item]], list[str], int]:
    """The boilerplate stage's rules once more, on the paragraphs as a second run sees them
    (one blank line between each two), when that stage ran and the lines have changed
    since (it leaves its settings and its non-blank lines in `doc.stats`).

    It saw the lines before fragments, headline columns and wrapped lines were joined:
    `综合新` / `闻` is a third `综合新闻` only now, `下` / `载` is chrome, a metadata line
    moves into the first lines of the document when the wrapped ones above it become a
    few paragraphs. A second run would remove what the rules find, so it goes here
    (booked under this stage, with the same reasons), and the paragraphs around it are
    settled again."""
    said = doc.stats.get("boilerplate")
    if not said or "lines" not in said:
        return groups, para, breaks
    saved = [t for s in said.pop("lines") if (t := s.strip())]  # (popped: held no longer than needed)
    if para == saved:
        return groups, para, breaks
    from .boilerplate import clean_lines, maybe_boilerplate, running_heads
    from .booking import Booked

    bcfg = said["cfg"]
    # Every rule again only when some paragraph could be taken: one the stage never saw
    # (joined, or changed since), one now in the first or last lines where metadata is
    # looked for, a bare number (its neighbours may have changed), a related-links line
    # (its share of the document may have); else only the running heads, which any
    # join may complete.
    seen = set(saved)
    win = int(bcfg["metadata_window"])
    n = len(para)
    edge = set(range(min(win, n))) | set(range(max(0, n - max(1, win // 3)), n))
    if not any(
        maybe_boilerplate(t)
        for k, t in enumerate(para)
        if t not in seen or k in edge or (len(t) <= 4 and t.isdigit()) or t.startswith(("相关", "延伸", "推荐"))
    ):
        if not bcfg["running_heads"]:
            return groups, para, breaks
        while True:
            drop = set(running_heads(para, int(bcfg["running_head_min"]), int(bcfg["running_head_max_chars"])))
            if not drop:
                return groups, para, breaks
            for k in sorted(drop):
                g = groups[k]
                doc.record_removal(STAGE, "running-head", para[k], (g[0].line.src[0], g[-1].line.src[1]))
            groups = [g for k, g in enumerate(groups) if k not in drop]
            para = [t for k, t in enumerate(para) if k not in drop]
            if cfg["join_breaks"]:
                groups, para, breaks = settle(groups, para, cfg, breaks, seams)
            groups, para, breaks = link_joins(doc, groups, para, cfg, breaks, seams)

    booked = Booked(doc, STAGE)
    while para:
        out: list[Line] = []
        for g, t in zip(groups, para, strict=True):
            if out:
                out.append(Line("", g[0].line.src))
            out.append(Line(t, (g[0].line.src[0], g[-1].line.src[1])))
        clean_lines(booked, out, said["cfg"])  # type: ignore[arg-type]
        new = [ln.text.strip() for ln in out[::2]]
        if new == para:
            break
        groups = [g for g, t in zip(groups, new, strict=True) if t]
        para = [t for t in new if t]
        if cfg["join_breaks"]:
            groups, para, breaks = settle(groups, para, cfg, breaks, seams)
        groups, para, breaks = link_joins(doc, groups, para, cfg, breaks, seams)
    return groups, para, breaks


@stage(
    STAGE,
    defaults={
        "join_wraps": True,  # join hard-wrapped lines when the document is wrapped
        "join_breaks": True,  # join paragraphs cut by page/column breaks
        "min_wrap_lines": 4,  # lines needed before a document counts as wrapped
        "wrap_share": 0.5,  # share of lines at the common width for "wrapped"
        "max_title_chars": 25,  # a line this short without a sentence is a title
        "max_heading_chars": 40,  # numbered lines up to this long are headings
        "min_break_chars": 8,  # shorter unfinished lines are never continued
        "rare_break_share": 0.05,  # unfinished paragraphs this rare are page breaks
        "flag_truncated": True,  # flag a document ending mid-sentence
        "max_paragraph_chars": 20000,  # longer "paragraphs" (a file on one line) split at sentence ends
    },
)
def run(doc: Document, cfg: dict) -> Document:
    """Join wraps and broken paragraphs; one Line per paragraph from here on."""
    if doc.paragraphs:
        return doc
    items = _items(doc)
    clean_form = in_clean_form(items)
    width = None
    if cfg["join_wraps"] and not clean_form:
        width = wrap_width(items, int(cfg["min_wrap_lines"]), float(cfg["wrap_share"]))
        if width is None:
            block_wraps(items)
    decide = _Decider(items, cfg, width)
    if clean_form:
        # our own output, or text already in that form: a break is joined only on evidence
        # in the two lines themselves (a word spans it, clause punctuation follows), never on
        # document statistics that the first run's joins and removals have since changed;
        # that is what makes cleaning a clean output change nothing
        decide.breaks_rare = False
    groups: list[list[_Item]] = []
    para: list[str] = []  # each group's text so far: what a second run would see as one line
    wraps = breaks = 0
    for it in items:
        if groups:
            a = groups[-1][-1]
            if it.gap == 0 and (width is not None or it.block_width) and decide.wrapped_join(a, it, it.block_width):
                groups[-1].append(it)
                para[-1] = _join_text(para[-1], it.text)
                wraps += 1
                continue
            # tried for adjacent lines of wrapped text too, and on the paragraph so far rather
            # than its last line: a second run sees this output in clean form and judges every
            # pair of paragraphs by break_join, so the first run must decide the same way
            whole = a if len(groups[-1]) == 1 else _Item(a.line, para[-1], a.indented, a.gap, a.broken, a.bullet)
            if decide.break_join(whole, it):
                groups[-1].append(it)
                para[-1] = _join_text(para[-1], it.text)
                breaks += 1
                continue
        groups.append([it])
        para.append(it.text)
    seams = Seams(doc)
    groups, para = seams.clean_all(groups, para)
    if cfg["join_breaks"]:
        groups, para, breaks = settle(groups, para, cfg, breaks, seams)
    groups, para, breaks = link_joins(doc, groups, para, cfg, breaks, seams)
    groups, para, breaks = recheck_boilerplate(doc, groups, para, cfg, breaks, seams)
    doc.lines = [_merge(g, cfg, t) for g, t in zip(groups, para, strict=True)]
    limit = int(cfg["max_paragraph_chars"])
    if limit and any(len(ln.text) > limit for ln in doc.lines):
        doc.lines = split_long(doc, doc.lines, limit)
    doc.paragraphs = True
    truncated = False
    body = [ln for ln in doc.lines if ln.kind == "body"]
    if cfg["flag_truncated"] and body and doc.lines[-1] is body[-1]:
        last = body[-1]
        if len(last.text) >= int(cfg["min_break_chars"]) and not ends_sentence(last.text):
            truncated = True
            doc.flag("truncated", "the document ends mid-sentence (text after it is missing)",
                     last.text[-40:], last.src, STAGE)
    doc.stats[STAGE] = {
        "input_lines": len(items),
        "paragraphs": len(doc.lines),
        "headings": sum(ln.kind == "heading" for ln in doc.lines),
        "wrap_width": width,
        "wrap_joins": wraps,
        "break_joins": breaks,
        "truncated": truncated,
    }
    if wraps or breaks:
        doc.record_change(STAGE, "wrap-join", wraps)
        doc.record_change(STAGE, "break-join", breaks)
    return doc
