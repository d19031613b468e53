"""Readers: turn an input file into a `Document` (text, PDF or image)."""

from __future__ import annotations

import stat
from pathlib import Path

from ..config import Config
from ..document import Document
from ..errors import InputError
from ..readlimit import read_limited  # noqa: F401  (re-exported: the readers' one way to read a file)

TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown", ".html", ".htm", ".csv", ".tex", ""}
PDF_SUFFIXES = {".pdf"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp"}
INPUT_SUFFIXES = TEXT_SUFFIXES | PDF_SUFFIXES | IMAGE_SUFFIXES

_PDF_MAGIC = b"%PDF-"
_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"BM", b"RIFF")


def sniff_kind(path: Path, head: bytes) -> str:
    """'pdf', 'image' or 'text', from the bytes first and the suffix second."""
    if head.startswith(_PDF_MAGIC):
        return "pdf"
    if head.startswith(_IMAGE_MAGIC) and not (head.startswith(b"RIFF") and head[8:12] != b"WEBP"):
        return "image"
    suffix = path.suffix.lower()
    if suffix in PDF_SUFFIXES:
        return "pdf"
    if suffix in IMAGE_SUFFIXES:
        return "image"
    return "text"


def read_document(path: Path, config: Config) -> tuple[Document, bytes]:
    """Read `path` into a Document; returns it with the raw bytes (for hashing)."""
    try:
        if path.is_dir():
            raise InputError(str(path), "is a directory")
        if not stat.S_ISREG(path.stat().st_mode):  # opening a FIFO would block forever
            raise InputError(str(path), "not a regular file (a FIFO, socket or device)")
        with open(path, "rb") as fh:
            head = fh.read(16)
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
    from .text import read_text

    return read_text(path, config)
