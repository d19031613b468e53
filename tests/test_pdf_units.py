"""Units of the PDF reader on synthetic chars: layout, validation, running heads."""

from __future__ import annotations

from pipeline.pdf import DEFAULTS
from pipeline.pdf.headers import BandLine, find_running, is_page_number
from pipeline.pdf.layout import page_blocks
from pipeline.pdf.validate import check_layer, check_scan

CFG = dict(DEFAULTS)


def chars(text: str, x: float, y: float, size: float = 10.0) -> list[dict]:
    """pdfplumber-like char dicts: CJK a full em wide, ASCII half."""
    out = []
    for ch in text:
        w = size if ord(ch) > 127 else size / 2
        if ch != " ":
            out.append({"text": ch, "x0": x, "x1": x + w, "top": y, "bottom": y + size, "size": size, "upright": True})
        x += w
    return out


def texts(blocks) -> list[str]:
    return ["|".join(ln.text for ln in b.lines) for b in blocks]


def test_two_aligned_columns_read_column_by_column():
    left = ["第一栏第一行文字内容", "第一栏第二行文字内容", "第一栏第三行文字内容"]
    right = ["第二栏第一行文字内容", "第二栏第二行文字内容", "第二栏第三行文字内容"]
    cs = []
    for k, (a, b) in enumerate(zip(left, right, strict=True)):
        cs += chars(a, 50, 100 + 14 * k) + chars(b, 170, 100 + 14 * k)
    assert texts(page_blocks(cs, CFG)) == ["|".join(left), "|".join(right)]


def test_table_rows_are_not_split_into_columns():
    rows = [("每股收益", "1.07 2.91 4.43 5.77"), ("每股净资产", "7.13 10.43 15.39 21.76"), ("每股股利", "0.11 0.11 0.11 0.11")]
    cs = []
    for k, (label, nums) in enumerate(rows):
        cs += chars(label, 30, 100 + 14 * k)
        for j, n in enumerate(nums.split()):
            cs += chars(n, 130 + 45 * j, 100 + 14 * k)
    (block,) = page_blocks(cs, CFG)
    assert [ln.text for ln in block.lines] == [f"{a} {b}" for a, b in rows]


def test_side_bar_is_not_interleaved_with_body():
    side = ["证券分析师", "倪正洋", "研究助理"]
    body = ["事件：公司拟与县人民政府签署投资协议书，项目一期", "计划建设年产四千万千米金刚线产能，预计总投资额"]
    cs = []
    for k, s in enumerate(side):
        cs += chars(s, 25, 100 + 13 * k)
    for k, b in enumerate(body):
        cs += chars(b, 140, 101 + 13 * k)
    out = texts(page_blocks(cs, CFG))
    assert out == ["|".join(side), "|".join(body)]


def test_stacked_glyphs_and_rotated_chars_are_vertical_blocks():
    cs = chars("正文第一行内容较长的一行", 40, 100) + chars("正文第二行内容较长的一行", 40, 114)
    for k, ch in enumerate("大标题竖排"):
        cs += chars(ch, 300, 80 + 18 * k, 16)
    rot = chars("旋转文字", 400, 100)
    for k, c in enumerate(rot):  # rotated 90 degrees: one glyph under the other, reading downward
        c.update(upright=False, x0=400, x1=410, top=100 + 10 * k, bottom=110 + 10 * k, matrix=(0, -1, 1, 0, 0, 0))
    blocks = page_blocks(cs + rot, CFG)
    vertical = [b.lines[0].text for b in blocks if b.vertical]
    assert sorted(vertical) == sorted(["大标题竖排", "旋转文字"])
    assert "正文第一行内容较长的一行|正文第二行内容较长的一行" in texts(blocks)


def test_check_layer_reasons():
    assert check_layer("", CFG) == ["no text layer"]
    assert check_layer("(cid:14)(cid:23)" * 10 + "政府工作报告" * 5, CFG)[0].startswith("(cid:N) glyphs")
    assert any(r.startswith("mojibake") for r in check_layer("êêêÆÆÆ###(((¯¯¯KKK ´ü Eê y²3ü" * 3, CFG))
    assert any(r.startswith("private-use") for r in check_layer("\ue000\ue001\ue002政府工作报告" * 5, CFG))
    assert check_layer("今年经济社会发展的主要预期目标是：国内生产总值增长百分之五左右。" * 3, CFG) == []
    shuffled = "分右增主经会百以长万之左生要济预产是就点分之城增值期右业新查千调总上标内业今二五镇年率发目百人城左五镇展国社失"
    assert any(r.startswith("fluency") for r in check_layer(shuffled, CFG))
    assert check_scan(0.8, 19, CFG) and not check_scan(0.8, 500, CFG) and not check_scan(0.2, 19, CFG)


def test_running_heads_need_repetition_but_page_numbers_do_not():
    h = 800.0
    lines = [BandLine(p, 10 * p + 1, "某市政府工作报告", 20, 30, h) for p in range(3)]
    lines += [BandLine(p, 10 * p + 2, f"第 {p + 1} 页", 770, 780, h) for p in range(3)]
    lines += [BandLine(p, 10 * p + 3, "正文", 400, 410, h) for p in range(3)]
    lines += [BandLine(0, 4, "只在第一页顶部", 20, 30, h)]
    drop = find_running(lines, 3, 0.08, 0.5)
    assert {drop.get(10 * p + 1) for p in range(3)} == {"running-header"}
    assert {drop.get(10 * p + 2) for p in range(3)} == {"page-number"}
    assert 3 not in drop and 4 not in drop
    assert is_page_number("- 12 -") and is_page_number("3 / 12") and not is_page_number("2025年")


def test_hard_wraps_joined_inside_a_block_labels_and_table_rows_kept():
    from pipeline.pdf.layout import Block, TextLine
    from pipeline.pdf.wraps import join, paragraphs

    def tl(text, x0, x1, gaps=0):
        return TextLine(text, x0, 0, x1, 10, size=10, gaps=gaps)

    body = Block([tl("\uf06c 事件：公司拟与县人民政府签署", 200, 400), tl("协议书，项目一期计划建设年产", 213, 400),
                  tl("四千万千米金刚线产能。", 213, 320), tl("  新段落从这里开始缩进两格", 233, 400)], right=400)
    groups = paragraphs(body, body.lines)
    assert [len(g) for g in groups] == [3, 1]
    assert join(groups[0]).endswith("签署协议书，项目一期计划建设年产四千万千米金刚线产能。")
    labels = Block([tl("所属行业：机械设备", 25, 106), tl("当前价格(元)：82.42", 25, 108)], right=195)
    assert [len(g) for g in paragraphs(labels, labels.lines)] == [1, 1]
    table = Block([tl("总股本(百万股)： 227.92", 25, 195, 1), tl("流通A股(百万股)： 167.01", 25, 195, 1)], right=195)
    assert [len(g) for g in paragraphs(table, table.lines)] == [1, 1]
