"""OCR engine plugins: each reads the blocks the layout analysis found.

An engine is a class with a `name` and `read_blocks(image, blocks, cfg, ch)`
returning, per block, its lines in reading order. Add one by naming its module
and class here.
"""

from __future__ import annotations

import importlib
from typing import Any

from .base import Engine, OcrLine

ENGINES = {
    "tesseract": "pipeline.ocr.engines.tesseract:TesseractEngine",
    "rapidocr": "pipeline.ocr.engines.rapid:RapidEngine",
}


def load_engine(name: str, cfg: dict[str, Any]) -> Engine:
    """Instantiate the engine plugin `name`; ValueError names the known ones."""
    try:
        mod, cls = ENGINES[name].split(":")
    except KeyError:
        raise ValueError(f"unknown OCR engine {name!r} (known: {', '.join(sorted(ENGINES))})") from None
    return getattr(importlib.import_module(mod), cls)(cfg)


__all__ = ["ENGINES", "Engine", "OcrLine", "load_engine"]
