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

The modules, one job each: `width` (display columns), `evidence` (what a line says
about itself: sentence ends, numbering, indents, breaks, wrap widths), `joins` (the join
decisions and the joiner), `settle` (what a second run would still join or take out: the
rules of earlier stages again through `ctx.reapply*`), `assemble` (groups to Lines).
"""

from __future__ import annotations

from ...context import Context
from ...document import Document
from ...registry import stage
from .assemble import merge, split_long
from .evidence import (
    Item,
    block_wraps,
    ends_sentence,
    in_clean_form,
    is_numbered,
    is_title_like,
    items_of,
    wrap_width,
)
from .joins import Decider, join_text, link_split_pair, word_spans_break
from .settle import link_joins, reapply_joined, recheck, settle
from .width import display_width, display_widths

__all__ = [
    "display_width",
    "display_widths",
    "ends_sentence",
    "is_numbered",
    "is_title_like",
    "join_text",
    "link_split_pair",
    "run",
    "word_spans_break",
]

STAGE = "paragraphs"


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
    # it re-applies the line rules of these stages to the lines it joins (ctx.reapply): tiny
    # lines and headline rows must be settled first
    after=("unicode_hygiene", "markup", "boilerplate", "vertical_headline", "fragments",
           "interleaved_copies", "column_spaces"),
)
def run(doc: Document, ctx: Context) -> Document:
    """Join wraps and broken paragraphs; one Line per paragraph from here on."""
    cfg = ctx.settings
    if doc.paragraphs:
        return doc
    items = items_of(doc)
    clean_form = in_clean_form(items)
    width = None
    if cfg["join_wraps"] and not clean_form:
        width = wrap_width(items, int(cfg["min_wrap_lines"]), float(cfg["wrap_share"]))
        if width is None:
            block_wraps(items)
    decide = Decider(items, cfg, width, ctx.services.lexicon)
    if clean_form:
        # our own output, or text already in that form: a break is joined only on evidence
        # in the two lines themselves (a word spans it, clause punctuation follows), never on
        # document statistics that the first run's joins and removals have since changed;
        # that is what makes cleaning a clean output change nothing
        decide.breaks_rare = False
    groups: list[list[Item]] = []
    para: list[str] = []  # each group's text so far: what a second run would see as one line
    wraps = breaks = 0
    for it in items:
        if groups:
            a = groups[-1][-1]
            if it.gap == 0 and (width is not None or it.block_width) and decide.wrapped_join(a, it, it.block_width):
                groups[-1].append(it)
                para[-1] = join_text(para[-1], it.text)
                wraps += 1
                continue
            # tried for adjacent lines of wrapped text too, and on the paragraph so far rather
            # than its last line: a second run sees this output in clean form and judges every
            # pair of paragraphs by break_join, so the first run must decide the same way
            whole = a if len(groups[-1]) == 1 else Item(a.line, para[-1], a.indented, a.gap, a.broken, a.bullet)
            if decide.break_join(whole, it):
                groups[-1].append(it)
                para[-1] = join_text(para[-1], it.text)
                breaks += 1
                continue
        groups.append([it])
        para.append(it.text)
    # what a second run would still join or take out (`settle`)
    groups, para = reapply_joined(ctx, groups, para)
    if cfg["join_breaks"]:
        groups, para, breaks = settle(groups, para, cfg, breaks, ctx)
    groups, para, breaks = link_joins(ctx, groups, para, cfg, breaks)
    groups, para, breaks = recheck(ctx, groups, para, cfg, breaks)
    doc.lines = [merge(g, cfg, t) for g, t in zip(groups, para, strict=True)]
    limit = int(cfg["max_paragraph_chars"])
    if limit and any(len(ln.text) > limit for ln in doc.lines):
        doc.lines = split_long(ctx.log, doc.lines, limit)
    doc.paragraphs = True
    truncated = False
    body = [ln for ln in doc.lines if ln.kind == "body"]
    if cfg["flag_truncated"] and body and doc.lines[-1] is body[-1]:
        last = body[-1]
        if len(last.text) >= int(cfg["min_break_chars"]) and not ends_sentence(last.text):
            truncated = True
            ctx.log.flag("truncated", "the document ends mid-sentence (text after it is missing)",
                         last.text[-40:], last.src)
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
        ctx.log.change("wrap-join", wraps)
        ctx.log.change("break-join", breaks)
    return doc
