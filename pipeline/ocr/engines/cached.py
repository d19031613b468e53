"""Engine output cache: replay recorded real engine results (as OCRmyPDF's test suite does).

The key is the exact image the engine would read, the blocks, the engine's
settings and its version, so a changed preprocessing step, layout, setting or
engine build misses the cache and runs the real engine (recording the result
when `cache_record` is on). Tests replay the sample pages this way; a batch
re-run with the same settings skips OCR the same way.

A test suite must not write into its checkout nor silently go live: it reads
`cache_dir`, records misses into `cache_record_dir` (a temporary folder), and
with `cache_miss = "error"` a miss raises MissingRecording naming the key and
the command that records it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import ConfigError
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


RECORD_HINT = "make record-ocr"


class MissingRecording(LookupError):
    """No recorded engine output for this input, and the cache was told not to go live."""

    def __init__(self, path: Path, hint: str = RECORD_HINT):
        super().__init__(f"no recorded engine output {path.name} in {path.parent}/; "
                         f"the engine input changed (preprocessing, layout, settings or engine version): "
                         f"record it with `{hint}`")
        self.key = path.stem


class CachedEngine(Engine):
    """Wraps a real engine; looks results up in `cache_dir` before running it."""

    def __init__(self, inner: Engine, cache_dir: str | Path, record: bool = True,
                 record_dir: str | Path | None = None, on_miss: str = "live"):
        super().__init__(inner.cfg)
        if on_miss not in ("live", "error"):
            raise ConfigError(f"ocr.cache_miss: expected 'live' or 'error', got {on_miss!r}")
        self.inner, self.name, self.record, self.on_miss = inner, inner.name, record, on_miss
        self.max_side = getattr(inner, "max_side", 0)
        self.dir = Path(cache_dir)
        self.record_dir = Path(record_dir) if record_dir else self.dir
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
        name = f"{self.name}-{self.key(image, blocks, cfg)}.json"
        for folder in dict.fromkeys((self.dir, self.record_dir)):
            if (folder / name).is_file():
                self.hits += 1
                data = json.loads((folder / name).read_text(encoding="utf-8"))
                return [[OcrLine(t, c, b) for t, c, b in blk] for blk in data["blocks"]]
        self.misses += 1
        if self.on_miss == "error":
            raise MissingRecording(self.dir / name)
        result = self.inner.read_blocks(image, blocks, cfg, ch)
        path = self.record_dir / name
        if self.record:
            self.record_dir.mkdir(parents=True, exist_ok=True)
            data = {"engine": self.name, "version": self.version,
                    "blocks": [[[ol.text, round(ol.conf, 2), [int(v) for v in ol.bbox]] for ol in blk] for blk in result]}
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            tmp.replace(path)
        return result
