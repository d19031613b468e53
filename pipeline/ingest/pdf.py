"""PDF reader: the work is in `pipeline.pdf`; this is the ingest entry point."""

from __future__ import annotations

from pathlib import Path

from ..config import Config
from ..document import Document


def read_pdf(path: Path, config: Config) -> tuple[Document, bytes]:
    """Read the PDF at `path` (text layer, or OCR for pages whose layer lies)."""
    from ..pdf import extract_pdf

    return extract_pdf(path, config)
