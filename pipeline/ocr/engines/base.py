"""What every engine plugin returns, and the CJK-aware word joining they share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ...text.join import OCR_WORDS, join_all
from ..layout import Block


@dataclass
class OcrLine:
    """One recognised line: text, confidence 0-100, bbox [x0, y0, x1, y1] in page px."""

    text: str
    conf: float
    bbox: list[int]


def join_words(words: list[str]) -> str:
    """Join engine words: a space only between two Latin/digit words.

    Tesseract splits CJK into one "word" per character and puts spaces between
    them (even with preserve_interword_spaces); those spaces are not text.
    """
    return join_all(words, OCR_WORDS)


def cells(words: list[str], boxes: list[list[int]], ch: float) -> str:
    """Join a row's pieces left to right; a gap over two characters wide is a cell border (tab)."""
    parts: list[list[str]] = [[]]
    for k, w in enumerate(words):
        if k and ch > 0 and boxes[k][0] - boxes[k - 1][2] > 2 * ch:
            parts.append([])
        parts[-1].append(w)
    return "\t".join(t for t in (join_words(p) for p in parts) if t)


class Engine:
    """Base class: `read_blocks` gets the page image and its blocks in reading order."""

    name = "base"

    def __init__(self, cfg: dict[str, Any]):
        self.cfg = cfg

    def read_blocks(self, image: np.ndarray, blocks: list[Block], cfg: dict[str, Any], ch: float) -> list[list[OcrLine]]:
        raise NotImplementedError
