"""Engine output cache: replay recorded real engine results (as OCRmyPDF's test suite does).

The key is the exact image the engine would read, the blocks, the engine's
settings and its version, so a changed preprocessing step, layout, setting or
engine build misses the cache and runs the real engine (recording the result
when `cache_record` is on). Tests replay the sample pages this way; a batch
re-run with the same settings skips OCR the same way.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np

from ..layout import Block
from .base import Engine, OcrLine

_KEYS = ("lang", "vertical_lang", "psm", "vertical_psm", "vertical_glyph_px", "tesseract_config")


def engine_version(name: str) -> str:
    if name == "tesseract":
        import pytesseract

        return str(pytesseract.get_tesseract_version())
    if name == "rapidocr":
        from importlib.metadata import version

        return version("rapidocr")
    return "?"


class CachedEngine(Engine):
    """Wraps a real engine; looks results up in `cache_dir` before running it."""

    def __init__(self, inner: Engine, cache_dir: str | Path, record: bool = True):
        super().__init__(inner.cfg)
        self.inner, self.name, self.record = inner, inner.name, record
        self.dir = Path(cache_dir)
        self.version = engine_version(inner.name)
        self.hits = self.misses = 0

    def key(self, image: np.ndarray, blocks: list[Block], cfg: dict[str, Any]) -> str:
        h = hashlib.sha256()
        h.update(repr((image.shape, str(image.dtype))).encode())
        h.update(np.ascontiguousarray(image).tobytes())
        meta = {"engine": self.name, "version": self.version, "blocks": [list(b.__dict__.values()) for b in blocks],
                "settings": {k: cfg.get(k) for k in _KEYS}}
        h.update(json.dumps(meta, sort_keys=True, default=list).encode())
        return h.hexdigest()[:24]

    def read_blocks(self, image: np.ndarray, blocks: list[Block], cfg: dict[str, Any], ch: float) -> list[list[OcrLine]]:
        path = self.dir / f"{self.name}-{self.key(image, blocks, cfg)}.json"
        if path.is_file():
            self.hits += 1
            data = json.loads(path.read_text(encoding="utf-8"))
            return [[OcrLine(t, c, b) for t, c, b in blk] for blk in data["blocks"]]
        self.misses += 1
        result = self.inner.read_blocks(image, blocks, cfg, ch)
        if self.record:
            self.dir.mkdir(parents=True, exist_ok=True)
            data = {"engine": self.name, "version": self.version,
                    "blocks": [[[ol.text, round(ol.conf, 2), [int(v) for v in ol.bbox]] for ol in blk] for blk in result]}
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            tmp.replace(path)
        return result
