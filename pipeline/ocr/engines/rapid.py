"""RapidOCR (PP-OCR ONNX models shipped in the `rapidocr` wheel).

RapidOCR detects and reads text lines, vertical ones included, but orders
them by y then x, interleaving columns. So the page is read once, whole, and
each detected line is assigned to the layout block holding its centre; the
block order is ours, and inside a block lines go top to bottom (horizontal)
or right to left (vertical).
"""

from __future__ import annotations

import os
from typing import Any

import cv2
import numpy as np

from ..layout import Block
from .base import Engine, OcrLine, cells


class RapidEngine(Engine):
    name = "rapidocr"

    def __init__(self, cfg: dict[str, Any]):
        super().__init__(cfg)
        self.max_side = int(cfg.get("rapid_max_side") or 2000)
        try:
            from rapidocr import RapidOCR
        except ImportError:
            raise RuntimeError("RapidOCR is not installed (pip install 'ocrclean[rapidocr]')") from None
        self.ocr = RapidOCR(params={
            "Global.log_level": "error",
            "Global.max_side_len": self.max_side,
            "EngineConfig.onnxruntime.intra_op_num_threads": threads(cfg),
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        })

    def recognise(self, image: np.ndarray) -> list[OcrLine]:
        """RapidOCR's own output for an image: its lines in its order."""
        res = self.ocr(_bgr(image), use_det=True, use_cls=True, use_rec=True)  # flags persist between calls
        if res.boxes is None or res.txts is None:
            return []
        out = []
        for box, txt, score in zip(res.boxes, res.txts, res.scores, strict=True):
            pts = np.asarray(box)
            bbox = [int(pts[:, 0].min()), int(pts[:, 1].min()), int(pts[:, 0].max()), int(pts[:, 1].max())]
            out.append(OcrLine(txt.strip(), float(score) * 100, bbox))
        return out

    def read_blocks(self, image: np.ndarray, blocks: list[Block], cfg: dict[str, Any], ch: float) -> list[list[OcrLine]]:
        out: list[list[OcrLine]] = [[] for _ in blocks]
        if not blocks:
            return out
        image = _bgr(image)
        horizontal = [i for i, b in enumerate(blocks) if not b.vertical]
        if horizontal:
            vboxes = [b for b in blocks if b.vertical]
            for ol in self.recognise(image):
                if ol.text and not any(_inside(ol.bbox, b) for b in vboxes):
                    i = _block_of(ol.bbox, blocks)
                    if not blocks[i].vertical:
                        out[i].append(ol)
        for i, b in enumerate(blocks):
            if b.vertical:
                out[i] = [self._read_vertical(image, b)]
        return [_order(lines, b.vertical, ch) for lines, b in zip(out, blocks, strict=True)]

    def _read_vertical(self, image: np.ndarray, b: Block) -> OcrLine:
        """Each glyph column recognised alone, turned as PP-OCR expects (its detector can merge
        neighbouring headline columns into one box and then read nothing)."""
        texts, scores = [], []
        for x0, x1 in b.columns or ((b.x0, b.x1),):
            crop = cv2.copyMakeBorder(image[b.y0:b.y1, x0:x1], 6, 6, 6, 6, cv2.BORDER_CONSTANT, value=(255, 255, 255))
            res = self.ocr(np.ascontiguousarray(np.rot90(crop)), use_det=False, use_cls=False, use_rec=True)
            for txt, score in zip(res.txts or (), res.scores or (), strict=False):
                texts.append(txt.strip())
                scores.append(float(score) * 100)
        n = sum(len(t) for t in texts) or 1
        conf = sum(sc * len(t) for t, sc in zip(texts, scores, strict=True)) / n
        return OcrLine("".join(texts), conf, [b.x0, b.y0, b.x1, b.y1])


def threads(cfg: dict[str, Any]) -> int:
    """ONNX threads per engine: the cores given (`threads`, 0 = all) divided among the `jobs` workers."""
    cores = int(cfg.get("threads") or 0) or os.cpu_count() or 1
    return max(1, cores // max(1, int(cfg.get("jobs") or 1)))


def _bgr(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR) if image.ndim == 2 else image


def _inside(bbox: list[int], b: Block) -> bool:
    """Most of the line lies in block `b` (a vertical headline, read on its own)."""
    w = min(bbox[2], b.x1) - max(bbox[0], b.x0)
    h = min(bbox[3], b.y1) - max(bbox[1], b.y0)
    return w > 0 and h > 0 and w * h >= 0.5 * (bbox[2] - bbox[0]) * (bbox[3] - bbox[1])


def _block_of(bbox: list[int], blocks: list[Block]) -> int:
    """The block with the largest overlap with `bbox` (the nearest one if none overlaps)."""
    def score(b: Block) -> float:
        w = min(bbox[2], b.x1) - max(bbox[0], b.x0)
        h = min(bbox[3], b.y1) - max(bbox[1], b.y0)
        if w > 0 and h > 0:
            return w * h
        cx, cy = (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2
        dx = max(b.x0 - cx, 0, cx - b.x1)
        dy = max(b.y0 - cy, 0, cy - b.y1)
        return -(dx + dy)

    return max(range(len(blocks)), key=lambda i: score(blocks[i]))


def _order(lines: list[OcrLine], vertical: bool, ch: float = 0.0) -> list[OcrLine]:
    """Vertical: columns right to left. Horizontal: rows top to bottom, pieces of a row joined left to right
    (a tab between pieces more than two characters apart: table cells stay apart)."""
    if vertical:
        return [ol for ol in lines if ol.text]
    rows: list[list[OcrLine]] = []
    for ol in sorted(lines, key=lambda ol: (ol.bbox[1] + ol.bbox[3]) / 2):
        mid = (ol.bbox[1] + ol.bbox[3]) / 2
        if rows and rows[-1][0].bbox[1] <= mid <= rows[-1][0].bbox[3]:
            rows[-1].append(ol)
        else:
            rows.append([ol])
    merged = []
    for row in rows:
        row.sort(key=lambda ol: ol.bbox[0])
        n = sum(len(ol.text) for ol in row) or 1
        merged.append(OcrLine(
            cells([ol.text for ol in row], [ol.bbox for ol in row], ch),
            sum(ol.conf * len(ol.text) for ol in row) / n,
            [min(o.bbox[0] for o in row), min(o.bbox[1] for o in row),
             max(o.bbox[2] for o in row), max(o.bbox[3] for o in row)],
        ))
    return merged
