"""Opening a PDF safely: limits first, then one clear reason for every failure.

pdfminer and PDFium report broken files in their own words (`Unexpected
EOF`, `Data format error`, `PDFPasswordIncorrect`); the user needs one line
naming the file and saying what is wrong, and the batch goes on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import InputError, LimitExceeded


def read_bytes(path: Path, limits: dict[str, Any]) -> bytes:
    """The file's bytes, refusing files over `max_pdf_bytes` before reading them."""
    limit = int(limits["max_pdf_bytes"])
    try:
        size = path.stat().st_size
        if size > limit:
            raise LimitExceeded(str(path), f"PDF is {size} bytes, over the limit of {limit} (limits.max_pdf_bytes)")
        data = path.read_bytes()
    except PermissionError:
        raise InputError(str(path), "permission denied (file is not readable)") from None
    except OSError as e:
        raise InputError(str(path), f"cannot read: {e.strerror or e}") from None
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


def open_pdf(path: Path, data: bytes, limits: dict[str, Any]) -> tuple[Any, Any]:
    """(pdfplumber PDF, pypdfium2 document) for `data`, or an InputError with the reason."""
    import pdfplumber
    import pypdfium2 as pdfium

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
