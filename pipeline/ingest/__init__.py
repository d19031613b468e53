"""Readers: turn an input into a `Document`, the reader chosen by content, then suffix.

Content first: PDF and image bytes are recognised by their magic numbers
(the `filetype` library), whatever the name says, so `cat x.pdf | ocrclean
clean -` and a scan saved as `page.txt` reach the right reader. Then the
suffix: `.html`/`.htm`/`.xhtml` through trafilatura (`ingest.html`), `.md`/
`.markdown` through markdown-it-py (`ingest.markdown`), `.csv`/`.tsv` one
column of every row (`ingest.table`, column `[input] field`), `.txt`, `.text`,
`.tex` and no suffix as plain text. A name with no useful suffix (stdin) whose
bytes begin with `<!DOCTYPE html` or `<html` is read as HTML. BMP's magic is
only two letters ("BM"), which begin ordinary text too, so it is trusted only
when the suffix is not a text one. A folder walk takes only the suffixes
below (`INPUT_SUFFIXES`); a file named explicitly with another suffix is read
by content, else as plain text (binary bytes fail with their reason).
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path
from typing import Any

from ..config import Config
from ..document import Document
from ..errors import InputError
from ..readlimit import read_limited  # noqa: F401  (re-exported: the readers' one way to read a file)
from ..settings.sections import InputSettings

PLAIN_SUFFIXES = {".txt", ".text", ".tex", ""}  # plain text: the files with a clean form (`check`)
MARKDOWN_SUFFIXES = {".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
TABLE_SUFFIXES = {".csv", ".tsv"}
TEXT_SUFFIXES = PLAIN_SUFFIXES | MARKDOWN_SUFFIXES | HTML_SUFFIXES | TABLE_SUFFIXES
PDF_SUFFIXES = {".pdf"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp"}
INPUT_SUFFIXES = TEXT_SUFFIXES | PDF_SUFFIXES | IMAGE_SUFFIXES

# the [input] config section: `field` is the CSV/TSV column holding the text ("" = choose)
DEFAULTS: dict[str, Any] = InputSettings().model_dump()  # [input]: pipeline/settings/sections.py

_IMAGE_MIMES = {"image/png", "image/jpeg", "image/tiff", "image/bmp", "image/webp"}
_HTML_STARTS = (b"<!doctype html", b"<html")
SNIFF_BYTES = 262  # what `filetype` reads


def _suffix(name: str | Path) -> str:
    return Path(str(name)).suffix.lower()


def sniff_kind(path: str | Path, head: bytes) -> str:
    """'pdf', 'image', 'html', 'markdown', 'table' or 'text': the bytes first, the suffix second."""
    import filetype

    suffix = _suffix(path)
    guess = filetype.guess(head[:SNIFF_BYTES]) if head else None
    if guess is not None and guess.mime == "application/pdf":
        return "pdf"
    if guess is not None and guess.mime in _IMAGE_MIMES and (guess.mime != "image/bmp" or suffix not in TEXT_SUFFIXES):
        return "image"
    if suffix in PDF_SUFFIXES:
        return "pdf"
    if suffix in IMAGE_SUFFIXES:
        return "image"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    if suffix in TABLE_SUFFIXES:
        return "table"
    if (suffix == "" or suffix not in INPUT_SUFFIXES) and head.lstrip(b"\xef\xbb\xbf \t\r\n")[:14].lower().startswith(_HTML_STARTS):
        return "html"
    return "text"


def text_kind_document(kind: str, data: bytes, name: str, config: Config) -> Document:
    """A Document from the bytes of a text-like input of `kind` (html, markdown, table, text)."""
    if kind == "html":
        from .html import html_document

        return html_document(data, name, int(config.section("limits")["max_text_bytes"]))
    if kind == "markdown":
        from .markdown import markdown_document

        return markdown_document(data, name)
    if kind == "table":
        from .table import table_document

        return table_document(data, name, _suffix(name), str(config.section("input")["field"]))
    from .text import text_document

    return text_document(data, name)


def bytes_document(data: bytes, name: str, config: Config) -> Document:
    """A Document from bytes already in memory (stdin): the reader chosen as for a file.
    PDF and image readers work on files, so their bytes go through a temporary one."""
    kind = sniff_kind(name, data[:SNIFF_BYTES])
    if kind not in ("pdf", "image"):
        return text_kind_document(kind, data, name, config)
    fd, tmp = tempfile.mkstemp(suffix=".pdf" if kind == "pdf" else ".img", prefix="ocrclean-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        doc, _ = read_document(Path(tmp), config)
    except InputError as e:
        raise type(e)(name, e.reason) from None
    finally:
        os.unlink(tmp)
    doc.source = name
    return doc


def read_document(path: Path, config: Config) -> tuple[Document, bytes]:
    """Read `path` into a Document; returns it with the raw bytes (for hashing)."""
    try:
        if path.is_dir():
            raise InputError(str(path), "is a directory")
        if not stat.S_ISREG(path.stat().st_mode):  # opening a FIFO would block forever
            raise InputError(str(path), "not a regular file (a FIFO, socket or device)")
        with open(path, "rb") as fh:
            head = fh.read(SNIFF_BYTES)
    except FileNotFoundError:
        raise InputError(str(path), "no such file") from None
    except PermissionError:
        raise InputError(str(path), "permission denied (file is not readable)") from None
    except OSError as e:
        raise InputError(str(path), f"cannot read: {e.strerror or e}") from None
    kind = sniff_kind(path, head)
    if kind == "pdf":
        from .pdf import read_pdf

        return read_pdf(path, config)
    if kind == "image":
        from .image import read_image

        return read_image(path, config)
    data = read_limited(path, int(config.section("limits")["max_text_bytes"]), "text file", "max_text_bytes")
    return text_kind_document(kind, data, str(path), config), data
