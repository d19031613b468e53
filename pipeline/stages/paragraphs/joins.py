"""Join decisions: whether the next line continues a paragraph, and how to join it.

Inside a hard-wrapped block a full line runs on unless the next visibly starts anew
(`Decider.wrapped_join`); across a blank line, page break or marker only an unfinished
paragraph is continued, on evidence (`Decider.break_join`): a word spans the break (the
lexicon service), clause punctuation follows, a marker was removed there, a link split
the sentence, or unfinished paragraphs are rare enough in this document to be breaks.
"""

from __future__ import annotations

import re

from ...services import services
from ...services.lexicon import Lexicon
from ..link_split import CLOSERS, OPENERS, closer_of, unclosed
from .evidence import (
    _CONTINUES,
    _DASHES,
    Item,
    ends_sentence,
    heading_kind,
    is_numbered,
    is_title_like,
    tol,
)

_LATIN_END = re.compile(r"[A-Za-z,;:!?)\]]$|[0-9]$")
_LATIN_START = re.compile(r"^[A-Za-z0-9(\[]")


def word_spans_break(a: str, b: str, span: int = 4, lexicon: Lexicon | None = None) -> bool:
    """True when the best segmentation of the text around the break uses a word across it
    (`新模` | `式` -> `模式`; `指示` | `精神` -> `指示精神`): the break cut a word."""
    tail = re.findall(r"[\u3400-\u9fff]+$", a[-span:])
    head = re.findall(r"^[\u3400-\u9fff]+", b[:span])
    if not tail or not head:
        return False
    left, right = tail[0][-span:], head[0][:span]
    lex = lexicon or services().lexicon
    freq = lex.freq
    pos = 0
    cut = len(left)
    for w in lex.cut(left + right):
        if pos < cut < pos + len(w) and freq.get(w, 0) >= 2:
            return True
        pos += len(w)
    return False


class Decider:
    """Decides, for two successive non-blank lines, whether the second continues the first."""

    def __init__(self, items: list[Item], cfg: dict, width: int | None, lexicon: Lexicon | None = None):
        self.cfg = cfg
        self.lexicon = lexicon
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

    def starts_new(self, b: Item) -> bool:
        return b.text.startswith(_DASHES) or b.bullet or (self.indent_doc and b.indented) or b.line.kind in ("heading", "headline")

    def wrapped_join(self, a: Item, b: Item, width: int | None = None) -> bool:
        """Inside a hard-wrapped block: a full line runs on unless the next visibly starts anew."""
        width = width or self.width
        assert width is not None
        if a.width < width - tol(width) or self.starts_new(b):
            return False
        if ends_sentence(a.text) and (is_numbered(b.text) or not (self.indent_doc or self.blank_doc)):
            return False  # with no indents or blank lines to go by, a full line ending a sentence may end it
        return a.line.kind not in ("heading", "headline")

    def break_join(self, a: Item, b: Item) -> bool:
        """Across a blank line, page break or marker: join only an unfinished paragraph."""
        if not self.cfg["join_breaks"] or ends_sentence(a.text) or self.starts_new(b):
            return False
        if link_split_pair(a.text, b.text):
            return True
        if heading_kind(a.text, a.line.kind, int(self.cfg["max_heading_chars"]), self.max_title) != "body":
            return False
        if len(a.text) < int(self.cfg["min_break_chars"]) or is_numbered(b.text):
            return False
        if is_title_like(b.text, self.max_title) and b.text[0] not in _CONTINUES:
            return False
        if b.text[0] in _CONTINUES or a.broken or b.broken or word_spans_break(a.text, b.text, lexicon=self.lexicon):
            return True
        return self.breaks_rare


def link_split_pair(a: str, b: str) -> bool:
    """`a` ends with an opening bracket or quote (`根据《`), or `b` opens with the closer of
    the one `a` left open (`…根据《建议` / `》精神`): one sentence cut at a link. The
    boilerplate stage joins such lines first (`link_split`); this catches the ones a later
    join made (a wrapped line that ends in `《`), as a second run would."""
    return a[-1] in OPENERS or (b[0] in CLOSERS and unclosed(a) == closer_of(b[0]))


def join_text(a: str, b: str) -> str:
    """Join a wrapped line: a space only between Latin words (`Made in` | `China`),
    never inside a number (`68,` | `215` -> `68,215`) or next to Chinese."""
    if _LATIN_END.search(a) and _LATIN_START.match(b):
        if a[-1].isdigit() and b[0].isdigit():
            return a + b
        if a[-1] in ",;:" and (a[-2:-1].isdigit() and b[0].isdigit()):
            return a + b
        return a + " " + b
    return a + b


