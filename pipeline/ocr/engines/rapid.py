"""RapidOCR (PP-OCR ONNX models shipped in the `rapidocr` wheel).

RapidOCR detects and reads text lines, vertical ones included, but orders
them by y then x, interleaving columns. So the page is read once, whole, and
each detected line is assigned to the layout block holding its centre; the
block order is ours, and inside a block lines go top to bottom (horizontal)
or right to left (vertical).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..layout import Block
from .base import Engine, OcrLine, join_words


class RapidEngine(Engine):
    name = "rapidocr"

    def __init__(self, cfg: dict[str, Any]):
        super().__init__(cfg)
        try:
            from rapidocr import RapidOCR
        except ImportError:
            raise RuntimeError("RapidOCR is not installed (pip install 'ocrclean[rapidocr]')") from None
        self.ocr = RapidOCR(params={
            "Global.log_level": "error",
            "EngineConfig.onnxruntime.intra_op_num_threads": 1,  # parallelism comes from pages
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        })

    def recognise(self, image: np.ndarray) -> list[OcrLine]:
        """RapidOCR's own output for an image: its lines in its order."""
        res = self.ocr(image)
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
        for ol in self.recognise(image):
            if ol.text:
                out[_block_of(ol.bbox, blocks)].append(ol)
        return [_order(lines, b.vertical) for lines, b in zip(out, blocks, strict=True)]


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


def _order(lines: list[OcrLine], vertical: bool) -> list[OcrLine]:
    """Vertical: columns right to left. Horizontal: rows top to bottom, pieces of a row joined left to right."""
    if vertical:
        return sorted(lines, key=lambda ol: -ol.bbox[2])
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
            join_words([ol.text for ol in row]),
            sum(ol.conf * len(ol.text) for ol in row) / n,
            [min(o.bbox[0] for o in row), min(o.bbox[1] for o in row),
             max(o.bbox[2] for o in row), max(o.bbox[3] for o in row)],
        ))
    return merged
