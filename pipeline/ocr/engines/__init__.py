"""OCR engine plugins: each reads the blocks the layout analysis found.

An engine is a class with a `name` and `read_blocks(image, blocks, cfg, ch)`
returning, per block, its lines in reading order. Engines are found through the
`ocrclean.engines` entry point group (see `pipeline.plugins`), so another package
can add one without editing ours.
"""

from __future__ import annotations

from typing import Any

from ... import plugins
from .base import Engine, OcrLine

ENGINES = plugins.BUILTIN["ocrclean.engines"]


def load_engine(name: str, cfg: dict[str, Any]) -> Engine:
    """Instantiate the engine plugin `name`; ValueError names the known ones."""
    try:
        cls = plugins.load("ocrclean.engines", name)
    except LookupError as e:
        raise ValueError(str(e).replace("unknown engine", "unknown OCR engine")) from None
    return cls(cfg)


__all__ = ["ENGINES", "Engine", "OcrLine", "load_engine"]
