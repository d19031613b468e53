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


def _prep_spec(spec):
    from tests.pagegen import render

    img, gt = render(spec)
    prep = preprocess(np.asarray(img), DEFAULTS)
    return prep, analyse(prep.mask, prep.char_height, DEFAULTS), gt


def test_vertical_headline_with_a_year_is_one_block_digits_included():
    from tests.pagegen import BENCH_PAGES

    spec = next(s for s in BENCH_PAGES if s.year_headline)
    prep, blocks, gt = _prep_spec(spec)
    heads = [b for b in blocks if b.vertical]
    assert len(heads) == 1
    head = gt.split("\n\n")[1]
    assert head[0].isdigit()
    # the block runs from the first digit to the last glyph: about one glyph cell per character
    cell = heads[0].columns[0][1] - heads[0].columns[0][0]
    assert heads[0].height >= 0.9 * len(head) * cell
    assert [b.vertical for b in blocks][:2] == [False, True]  # title, then the headline, then columns


def test_columns_with_lines_aligned_across_the_gutter_are_not_cut_into_lines():
    mask = np.zeros((900, 1000), np.uint8)
    for r in range(20):  # two columns, 1.3 line spacing: every line aligned across a wide gutter
        for x0 in (40, 560):
            for x in range(x0, x0 + 400 - CH, CH + 2):
                cv2.rectangle(mask, (x, 40 + r * 40), (x + CH - 2, 40 + r * 40 + CH), 255, -1)
    blocks = analyse(mask, CH, DEFAULTS)
    assert len(blocks) == 2 and blocks[0].x1 < blocks[1].x0


def test_ruling_lines_do_not_bridge_columns():
    mask = np.zeros((700, 900), np.uint8)
    _lines(mask, 40, 60, 380, 18)
    _lines(mask, 480, 60, 380, 18)
    cv2.rectangle(mask, (20, 30), (880, 32), 255, -1)  # a rule across both columns
    cv2.rectangle(mask, (20, 30), (22, 650), 255, -1)  # and a frame side
    blocks = analyse(mask, CH, DEFAULTS)
    assert len(blocks) == 2 and blocks[0].x1 < blocks[1].x0


def test_wrapped_lines_join_by_geometry_indents_and_short_lines_end_paragraphs():
    from pipeline.ocr import join_lines, paragraphs
    from pipeline.ocr.engines.base import OcrLine, cells
    from pipeline.ocr.layout import Block

    def ln(text, x0, y, x1):
        return OcrLine(text, 90.0, [x0, y, x1, y + 20])

    block = Block(0, 0, 500, 400)
    lines = [ln("　　第一段第一行", 40, 0, 500), ln("第一段第二行", 0, 30, 500), ln("第一段末。", 0, 60, 200),
             ln("第二段首行", 40, 90, 500), ln("第二段末。", 0, 120, 300)]
    groups = paragraphs(lines, block, 20.0)
    assert [len(g) for g in groups] == [3, 2]
    assert join_lines(groups[1]).text == "第二段首行第二段末。"
    # a table row's cells stay apart (tab) and the row is never joined to its neighbours
    row = cells(["营业收入", "7,655", "8,809"], [[0, 0, 80, 20], [200, 0, 260, 20], [320, 0, 380, 20]], 20.0)
    assert row == "营业收入\t7,655\t8,809"
    rows = [ln(row, 0, 0, 500), ln("YOY\t16.3\t15.1", 0, 30, 500)]
    assert [len(g) for g in paragraphs(rows, block, 20.0)] == [1, 1]


def test_a_gap_shared_by_both_columns_does_not_cut_them_into_bands():
    mask = np.zeros((1100, 900), np.uint8)
    _lines(mask, 40, 20, 820, 1)  # a full-width title: no gutter runs the page's height
    for x0 in (40, 480):  # two columns, a paragraph space at the same height in both
        _lines(mask, x0, 100, 380, 14)
        _lines(mask, x0, 100 + 14 * 30 + 15, 380, 14)
    for gap, reading in ((1.5, [40, 40, 480, 480]), (0, [40, 480, 40, 480])):
        blocks = analyse(mask, CH, {**DEFAULTS, "band_merge_gap": gap})
        assert [b.x0 for b in blocks[1:]] == reading  # merged: column by column; not: band by band


def test_narrow_columns_with_aligned_rows_are_a_table_read_row_by_row():
    mask = np.zeros((400, 900), np.uint8)
    for r in range(6):  # a label column and three number columns, rows aligned
        for x0, n in ((40, 5), (300, 3), (500, 3), (700, 3)):
            for k in range(n):
                x = x0 + k * (CH + 2)
                cv2.rectangle(mask, (x, 40 + r * 50), (x + CH - 2, 40 + r * 50 + CH), 255, -1)
    blocks = analyse(mask, CH, DEFAULTS)
    assert len(blocks) == 1 and blocks[0].width > 700


def test_a_chart_is_kept_out_of_the_text_flow():
    from pipeline.ocr.layout import figures, text_mask

    mask = np.zeros((900, 1200), np.uint8)
    cv2.circle(mask, (250, 400), 220, 255, 3)  # a pie chart's outline and a wedge border
    cv2.line(mask, (250, 400), (450, 300), 255, 3)
    cv2.rectangle(mask, (230, 380), (250, 400), 255, -1)  # a label inside it
    _lines(mask, 560, 60, 600, 25)  # the text column beside it
    assert len(figures(mask, CH)) == 1
    text, _ = text_mask(mask, CH)
    assert text[380:400, 230:250].max() == 0
    blocks = analyse(mask, CH, DEFAULTS)
    assert len(blocks) == 1 and blocks[0].x0 >= 550


def test_rapidocr_threads_divide_the_cores_among_jobs():
    from pipeline.ocr.engines.rapid import threads

    assert threads({"threads": 8, "jobs": 2}) == 4
    assert threads({"threads": 2, "jobs": 4}) == 1
    assert threads({"jobs": 1}) >= 1


def test_a_left_pages_footer_comes_after_the_right_page():
    """A two-page spread: the left page's footer does not cut the paragraph running on across the fold."""
    mask = np.zeros((1000, 1400), np.uint8)
    _lines(mask, 40, 100, 600, 25)  # left page
    _lines(mask, 760, 100, 600, 25)  # right page
    _lines(mask, 40, 960, 200, 1)  # left footer (folio and running title)
    _lines(mask, 1160, 960, 200, 1)  # right footer
    blocks = analyse(mask, CH, DEFAULTS)
    assert [(b.x0, b.y0) for b in blocks] == [(40, 100), (760, 100), (40, 960), (1160, 960)]
    assert [(b.x0, b.y0) for b in analyse(mask, CH, {**DEFAULTS, "furniture_margin": 0})][:2] == [(40, 100), (40, 960)]


def test_a_last_line_close_to_the_text_above_stays_in_place():
    mask = np.zeros((1000, 1400), np.uint8)
    _lines(mask, 40, 100, 600, 29)  # left column down to the bottom margin, no gap
    _lines(mask, 760, 100, 600, 25)
    assert [b.x0 for b in analyse(mask, CH, DEFAULTS)] == [40, 760]


def test_a_vertical_headline_goes_before_the_article_beside_it_and_not_into_a_masthead_above():
    mask = np.zeros((900, 900), np.uint8)
    _lines(mask, 40, 10, 400, 1)  # a dateline at the top, far from the headline
    cv2.rectangle(mask, (700, 60), (880, 110), 255, -1)  # masthead above the headline, wider than it
    _lines(mask, 40, 200, 300, 20)  # article on the left
    _lines(mask, 440, 200, 300, 20)  # article beside the headline
    big = 2 * CH
    for k in range(6):  # headline glyphs, twice the body height
        cv2.rectangle(mask, (760, 130 + k * (big + 8)), (760 + big, 130 + k * (big + 8) + big), 255, -1)
    blocks = analyse(mask, CH, {**DEFAULTS, "furniture_margin": 0})
    k = next(i for i, b in enumerate(blocks) if b.vertical)
    head = blocks[k]
    assert head.y0 >= 125  # the masthead is not taken in
    assert blocks[k + 1].x0 >= 430 and blocks[k - 1].x0 == 40  # the article beside it follows
