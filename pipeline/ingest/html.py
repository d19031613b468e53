"""HTML pages: the main text through trafilatura, the page's chrome left out.

Why trafilatura: measured against pages with a reference text (characters of
the reference missing from the output = real text lost; characters of the
output not in the reference = boilerplate kept). scrapinghub's
article-extraction-benchmark, 120 pages (dev): trafilatura lost 1.8% and kept
2.9%; jusText lost 29.4% and kept 9.4%; selectolax's whole body (script,
style, nav, header, footer, aside, form dropped) lost 1.1% and kept 48.3%. The
61 held-out pages: trafilatura 2.8% / 6.3%, jusText 16.4% / 17.3%, selectolax
0.0% / 46.8%. Chinese pages (mozilla/readability test pages gmw, qq, youth,
pixnet; the reference is their expected output): trafilatura lost 1.1% and kept
0.1%; jusText lost 73% (it has no Chinese stop-word list); selectolax kept 137%.
`benchmarks/html_extract.py` reproduces these figures.

The bytes are decoded like a text file (BOM, UTF-8, GB18030 or Big5 by
fluency), so a GBK page decodes the same way a GBK .txt does. A page too
short for trafilatura's main-text search (a fragment, a one-line page) falls
back to all of its visible text (the standard library's HTML tokenizer), so no text is silently dropped; the
report's `source.metadata` says which way was taken and how many characters
of page text the extractor left out (`html_text_chars`, `html_kept_chars`).
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from ..document import Document, nonws_len
from ..errors import InputError

_SKIP_TAGS = frozenset(("script", "style", "noscript", "template", "head", "title"))
_BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 "
    "header hr li main nav ol p pre section table td th tr ul".split()
)


def _settings(max_bytes: int) -> Any:
    """trafilatura's settings for a local file: no time limit of its own (it would use
    SIGALRM; `worker.document_limit` bounds the whole document), no size floor."""
    from trafilatura.settings import use_config

    cfg = use_config()
    cfg.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")
    cfg.set("DEFAULT", "MIN_FILE_SIZE", "1")
    cfg.set("DEFAULT", "MAX_FILE_SIZE", str(max_bytes))
    return cfg


class _Visible(HTMLParser):
    """Text outside script/style/head, a line break at every block element's edge."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "body":  # a <head> never closed ends here
            self.hidden = 0
        elif tag in _SKIP_TAGS:
            self.hidden += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """Every piece of text a browser would show, a line break at each block element (the
    fallback, and the measure of what the extractor left out). The standard library's
    streaming tokenizer, not a tree: a page nested 10,000 deep (past libxml2's depth
    limit, where lxml and trafilatura find nothing) still gives its text."""
    parser = _Visible()
    parser.feed(html)
    parser.close()
    lines = (" ".join(s.split()) for s in "".join(parser.parts).split("\n"))
    return "\n".join(s for s in lines if s)


def html_text(html: str, max_bytes: int) -> tuple[str, str]:
    """(text, how): the page's main text by trafilatura, else all its visible text."""
    import trafilatura

    main = trafilatura.extract(
        html, include_comments=False, include_tables=True, deduplicate=False, config=_settings(max_bytes)
    )
    if main and main.strip():
        return main, "trafilatura"
    return visible_text(html), "visible-text"


def html_document(data: bytes, name: str, max_bytes: int) -> Document:
    """A Document from the bytes of an HTML page."""
    from .text import decode_bytes

    html, enc = decode_bytes(data, name)
    html = html.lstrip("\ufeff")
    text, how = html_text(html, max_bytes)
    if not text.strip():
        raise InputError(name, "no text in the HTML page (nothing a browser would show)")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    doc = Document.from_text(text, source=name, kind="text")
    doc.metadata["encoding"] = enc
    doc.metadata["format"] = "html"
    doc.metadata["html_extractor"] = how
    doc.metadata["html_text_chars"] = nonws_len(visible_text(html)) if how == "trafilatura" else nonws_len(text)
    doc.metadata["html_kept_chars"] = nonws_len(text)
    return doc
