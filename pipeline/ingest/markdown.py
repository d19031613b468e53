"""Markdown files through a real parser (markdown-it-py, CommonMark plus tables).

The parser, not regular expressions, decides what is markup: `*` in `3*4`,
`#` inside a sentence, `_` in a file name and `|` outside a table stay text,
escapes (`\\*`) become their character, and a code block is kept verbatim.
What a reader sees stays: headings, paragraphs and list items become plain
lines (one block each, a blank line between blocks; an ordered item keeps its
number, `1.` as the reader sees it, a bullet item loses its bullet;
a paragraph's soft line breaks become spaces, as CommonMark renders them),
link text stays and its address goes, an image becomes its alt text, raw HTML
its visible text, a table one line per row, `| cell | cell |` as trafilatura
writes an HTML table (a tab or spaces between cells would be dropped between
Chinese characters by the spacing rules, merging the cells). Each line keeps
the number of the source line it came from, so the report's removals point
into the .md file. The `markup` stage still handles Markdown left
inside a .txt file.
"""

from __future__ import annotations

from ..document import Document, Line
from ..errors import InputError


def _parser():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def _inline(token) -> list[str]:
    """An inline token's text as lines: a soft break is a space (CommonMark renders it
    so; the spacing rules drop it between Chinese characters), a hard break ends a line."""
    lines = [""]
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            lines[-1] += child.content
        elif child.type == "softbreak":
            lines[-1] += " "
        elif child.type == "hardbreak" or (child.type == "html_inline" and child.content.lower().startswith("<br")):
            lines.append("")
        elif child.type == "image":
            lines[-1] += child.content  # the alt text
    return lines


def _indent(src_lines: list[str], lineno: int) -> str:
    """The ideographic-space indent (U+3000) a source line opens with: the parser strips it as
    whitespace, a browser shows it, and it marks a Chinese paragraph's start for the paragraphs stage."""
    line = src_lines[lineno - 1].lstrip(" \t") if 0 < lineno <= len(src_lines) else ""
    return line[: len(line) - len(line.lstrip("\u3000"))]


def markdown_lines(src: str) -> list[tuple[str, tuple[int, int]]]:
    """The text a reader sees, as (line, source line span); "" between blocks."""
    from .html import visible_text

    out: list[tuple[str, tuple[int, int]]] = []
    row: list[str] = []
    row_span: tuple[int, int] | None = None
    number = ""  # an ordered list item's number, put before its first line

    def block(lines: list[str], span: tuple[int, int]) -> None:
        if out and out[-1][0] != "":  # numbered as the source's own blank line would be
            gap = min(out[-1][1][1] + 1, span[0])
            out.append(("", (gap, gap)))
        if len(lines) == 1:
            out.append((lines[0], span))
        else:
            out.extend((t, (span[0] + i, span[0] + i)) for i, t in enumerate(lines))

    src_lines = src.split("\n")
    for tok in _parser().parse(src):
        if tok.map:
            span = (tok.map[0] + 1, max(tok.map[0] + 1, tok.map[1]))
        else:
            span = (out[-1][1][1],) * 2 if out else (1, 1)
        if tok.type == "inline" and row_span:  # a table cell
            row.append(" ".join(" ".join(_inline(tok)).split()))
        elif tok.type == "inline":
            lines = _inline(tok)
            lines[0] = _indent(src_lines, span[0]) + lines[0]
            if number:  # an ordered list shows its numbers: "1." stays, as a reader sees it
                lines[0], number = number + lines[0], ""
            block(lines, span)
        elif tok.type == "list_item_open" and tok.info:
            number = f"{tok.info}{tok.markup} "
        elif tok.type in ("fence", "code_block"):
            skip = 1 if tok.type == "fence" else 0
            block(tok.content.rstrip("\n").split("\n"), (span[0] + skip, span[0] + skip))
        elif tok.type == "html_block":
            block(visible_text(tok.content).split("\n"), span)
        elif tok.type == "tr_open":
            row, row_span = [], span
        elif tok.type == "tr_close" and row_span:
            block(["| " + " | ".join(row) + " |"], row_span)
            row, row_span = [], None
    while out and not out[-1][0].strip():
        out.pop()
    return out


def markdown_document(data: bytes, name: str) -> Document:
    """A Document from the bytes of a Markdown file."""
    from .text import decode_bytes

    src, enc = decode_bytes(data, name)
    src = src.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = markdown_lines(src)
    if not any(t.strip() for t, _ in lines):
        raise InputError(name, "no text in the Markdown file (only markup)")
    doc = Document(lines=[Line(t, span) for t, span in lines], source=name, kind="text")
    doc.metadata["encoding"] = enc
    doc.metadata["format"] = "markdown"
    return doc
