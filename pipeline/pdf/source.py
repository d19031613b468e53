"""Opening a PDF safely: limits first, then one clear reason for every failure.

pdfminer and PDFium report broken files in their own words (`Unexpected
EOF`, `Data format error`, `PDFPasswordIncorrect`); the user needs one line
naming the file and saying what is wrong, and the batch goes on.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..errors import InputError, LimitExceeded
from ..readlimit import read_limited


def read_bytes(path: Path, limits: dict[str, Any]) -> bytes:
    """The file's bytes, refusing files over `max_pdf_bytes` before reading them."""
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


_ZLIB_START = re.compile(rb"stream\r?\n([\x08-\x78][\x00-\xff])")  # CMF: deflate, any window


def check_inflation(path: Path, data: bytes, limit: int) -> None:
    """Cheap first net: every zlib stream in the raw bytes (any window size, any
    position a `stream` keyword starts) inflated in bounded steps and thrown away.
    `streams.prescan` then decodes what the cross-reference table names through
    all its filters; this catches streams only a repairing reader would find."""
    from .streams import StreamTooLarge, inflate

    for m in _ZLIB_START.finditer(data):
        cmf, flg = m.group(1)
        if cmf & 0x0F != 8 or (cmf * 256 + flg) % 31:
            continue
        try:
            inflate(memoryview(data)[m.start(1):], limit, keep=False)
        except StreamTooLarge as e:
            raise LimitExceeded(str(path), f"{e}, refused before parsing") from None


def open_pdf(path: Path, data: bytes, limits: dict[str, Any], pdf_cfg: dict[str, Any]) -> tuple[Any, Any]:
    """(pdfplumber PDF, pypdfium2 document) for `data`, or an InputError with the reason.
    Call it inside `streams.bounded_pdfminer`: pdfplumber reads the page tree here."""
    import pdfplumber
    import pypdfium2 as pdfium

    from .streams import StreamTooLarge, limit_in, prescan

    per_stream = int(pdf_cfg["max_stream_bytes"])
    check_inflation(path, data, per_stream)
    try:
        prescan(data, per_stream, int(limits["max_image_pixels"]))
    except StreamTooLarge as e:
        raise LimitExceeded(str(path), f"{e}, refused before parsing") from None
    except Exception as e:  # pdfminer cannot open it: neither could pdfplumber, so say why now
        raise InputError(str(path), _reason(e, data)) from None

    try:
        raster = pdfium.PdfDocument(data)
    except Exception as e:  # PdfiumError says little; classify it ourselves
        raise InputError(str(path), _reason(e, data)) from None
    limit = int(limits["max_pdf_pages"])
    counted = len(raster)
    if counted > limit:  # PDFium counts in milliseconds what pdfplumber takes seconds for
        raster.close()
        raise LimitExceeded(str(path), f"PDF has {counted} pages, over the limit of {limit} (limits.max_pdf_pages)")
    try:
        import io

        plumber = pdfplumber.open(io.BytesIO(data))
        n = len(plumber.pages)
    except Exception as e:
        raster.close()
        if limit_in(e):
            raise LimitExceeded(str(path), str(limit_in(e))) from None
        raise InputError(str(path), _reason(e, data)) from None
    if n > limit:
        plumber.close()
        raster.close()
        raise LimitExceeded(str(path), f"PDF has {n} pages, over the limit of {limit} (limits.max_pdf_pages)")
    if n == 0:
        plumber.close()
        raster.close()
        raise InputError(str(path), "malformed PDF: it has no pages")
    return plumber, raster
