"""Opening a PDF safely: limits first, then one clear reason for every failure.

pdfminer and PDFium report broken files in their own words (`Unexpected
EOF`, `Data format error`, `PDFPasswordIncorrect`); the user needs one line
naming the file and saying what is wrong, and the batch goes on.
"""

from __future__ import annotations

import re
import zlib
from pathlib import Path
from typing import Any

from ..errors import InputError, LimitExceeded


def read_bytes(path: Path, limits: dict[str, Any]) -> bytes:
    """The file's bytes, refusing files over `max_pdf_bytes` before reading them."""
    from ..ingest import read_limited

    data = read_limited(path, int(limits["max_pdf_bytes"]), "PDF", "max_pdf_bytes")
    if not data.strip():
        raise InputError(str(path), "empty file")
    if not data.lstrip()[:5] == b"%PDF-":
        raise InputError(str(path), "malformed PDF: no %PDF- header")
    return data


def _reason(exc: BaseException, data: bytes) -> str:
    text = f"{type(exc).__name__} {exc} {exc.args!r}".lower()
    if "password" in text or "encrypt" in text:
        return "encrypted PDF (password-protected): cannot read it without the password"
    if b"%%EOF" not in data[-2048:]:
        return "truncated PDF (no %%EOF at the end): the file is incomplete"
    return f"malformed PDF ({type(exc).__name__}: {str(exc)[:80] or 'unreadable structure'})"


MAX_INFLATED_STREAM = 128 * 1024 * 1024
_STREAM_START = re.compile(rb"stream\r?\nx")  # a zlib stream starts with 0x78 ('x')


def check_inflation(path: Path, data: bytes, limit: int = MAX_INFLATED_STREAM) -> None:
    """Refuse a PDF bomb: a small FlateDecode stream that inflates past `limit`.

    pdfminer and PDFium both inflate a content stream whole before parsing it
    (a 1 MiB stream of 1 GiB of spaces costs them 2-3 GB); inflating here in
    bounded steps and throwing the output away costs little and no memory.
    """
    for m in _STREAM_START.finditer(data):
        d = zlib.decompressobj()
        total, pos = 0, m.end() - 1
        try:
            while not d.eof and pos < len(data):
                out = d.decompress(data[pos:pos + 65536], 1 << 20)
                total += len(out)
                while d.unconsumed_tail and not d.eof and total <= limit:
                    total += len(d.decompress(d.unconsumed_tail, 1 << 20))
                if total > limit:
                    raise LimitExceeded(str(path), f"PDF stream inflates to over {limit >> 20} MiB "
                                                   "(a decompression bomb), refused before parsing")
                pos += 65536
        except zlib.error:
            continue


def open_pdf(path: Path, data: bytes, limits: dict[str, Any]) -> tuple[Any, Any]:
    """(pdfplumber PDF, pypdfium2 document) for `data`, or an InputError with the reason."""
    import pdfplumber
    import pypdfium2 as pdfium

    check_inflation(path, data)

    try:
        raster = pdfium.PdfDocument(data)
    except Exception as e:  # PdfiumError says little; classify it ourselves
        raise InputError(str(path), _reason(e, data)) from None
    try:
        import io

        plumber = pdfplumber.open(io.BytesIO(data))
        n = len(plumber.pages)
    except Exception as e:
        raster.close()
        raise InputError(str(path), _reason(e, data)) from None
    limit = int(limits["max_pdf_pages"])
    if n > limit:
        plumber.close()
        raster.close()
        raise LimitExceeded(str(path), f"PDF has {n} pages, over the limit of {limit} (limits.max_pdf_pages)")
    if n == 0:
        plumber.close()
        raster.close()
        raise InputError(str(path), "malformed PDF: it has no pages")
    return plumber, raster
