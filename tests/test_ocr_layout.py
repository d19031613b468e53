"""Layout analysis: XY-cut blocks, vertical blocks, reading order (synthetic masks and the samples)."""

from __future__ import annotations

import cv2
import numpy as np

from pipeline.ocr import DEFAULTS
from pipeline.ocr.layout import analyse
from pipeline.ocr.preprocess import preprocess

CH = 20


def _lines(mask, x0, y0, width, rows):
    """Horizontal text: rows of glyph boxes, 1.5 line spacing, aligned like newspaper columns."""
    for r in range(rows):
        for x in range(x0, x0 + width - CH, CH + 2):
            cv2.rectangle(mask, (x, y0 + r * 30), (x + CH - 2, y0 + r * 30 + CH), 255, -1)


def _vertical(mask, x0, y0, n, cols=1):
    for c in range(cols):
        for k in range(n):
            x = x0 + c * (CH + 10)
            cv2.rectangle(mask, (x, y0 + k * (CH + 6)), (x + CH, y0 + k * (CH + 6) + CH), 255, -1)


def test_title_headline_then_columns_left_to_right():
    mask = np.zeros((800, 900), np.uint8)
    _lines(mask, 200, 20, 400, 1)  # title
    _lines(mask, 40, 100, 300, 20)  # column 1
    _lines(mask, 380, 100, 300, 20)  # column 2 (lines aligned with column 1)
    _vertical(mask, 760, 100, 10, cols=2)  # two-column vertical headline at the right
    blocks = analyse(mask, CH, DEFAULTS)
    assert [b.vertical for b in blocks] == [False, True, False, False]
    title, head, col1, col2 = blocks
    assert title.y1 < 60 and head.x0 >= 750
    assert head.columns and len(head.columns) == 2 and head.columns[0][0] > head.columns[1][0]  # right to left
    assert col1.x1 < col2.x0 and col1.height > 500


def test_vertical_headlines_come_first_right_to_left():
    mask = np.zeros((700, 900), np.uint8)
    _vertical(mask, 20, 40, 12)
    _lines(mask, 100, 40, 300, 18)
    _vertical(mask, 860, 40, 8)
    _lines(mask, 450, 40, 300, 18)
    blocks = analyse(mask, CH, DEFAULTS)
    assert [b.vertical for b in blocks] == [True, True, False, False]
    assert blocks[0].x0 > blocks[1].x0  # rightmost headline first
    assert blocks[2].x0 < blocks[3].x0


def test_a_narrow_tall_body_column_is_not_vertical():
    mask = np.zeros((900, 400), np.uint8)
    _lines(mask, 20, 20, 200, 28)  # 9 characters wide, 28 lines tall
    (block,) = analyse(mask, CH, DEFAULTS)
    assert not block.vertical


def test_specks_do_not_make_blocks_and_empty_page_has_none():
    mask = np.zeros((300, 300), np.uint8)
    assert analyse(mask, CH, DEFAULTS) == []
    mask[100, 100] = mask[200, 50] = 255
    assert analyse(mask, CH, DEFAULTS) == []


def test_layout_off_is_one_block():
    mask = np.zeros((400, 700), np.uint8)
    _lines(mask, 20, 20, 300, 10)
    _lines(mask, 380, 20, 300, 10)
    assert len(analyse(mask, CH, {**DEFAULTS, "layout": False})) == 1
    assert len(analyse(mask, CH, DEFAULTS)) == 2


def test_sample_page_layout(samples_dir):
    img = cv2.imread(str(samples_dir / "pages" / "p8_full_mess.jpg"), cv2.IMREAD_GRAYSCALE)
    prep = preprocess(img, DEFAULTS)
    blocks = analyse(prep.mask, prep.char_height, DEFAULTS)
    assert abs(prep.angle + 2.0) < 0.2  # rendered with 2 degrees of skew
    assert [b.vertical for b in blocks] == [False, True, False, False]  # title, headline, 2 columns
    assert len(blocks[1].columns) == 2
