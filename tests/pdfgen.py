"""PDFs the project makes itself, for tests and samples (fpdf2 + Noto Sans CJK).

fpdf2 embeds Noto Sans CJK (a CFF font in a .ttc collection) in a way pdfminer
cannot read back (pdfplumber sees no chars at all), so we subset the SC face to
the characters we draw and convert its outlines to TrueType first (fontTools,
about a second). Each generator returns the text a perfect reader would give,
in reading order, without running headers and page numbers.

    python -m tests.pdfgen OUTDIR   # writes the sample PDFs
"""

from __future__ import annotations

import sys
from pathlib import Path

NOTO = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
NOTO_SC = 2  # face index of "Noto Sans CJK SC" in the collection

HEADER = "某市人民政府工作报告（测试样本）"
TITLE = "二〇二五年政府工作报告"
HEADLINE = "坚定信心稳中求进"  # drawn as vertical text beside the body
SIDEBAR = ["本期要目", "经济运行总体平稳", "民生保障持续加强", "改革开放纵深推进", "责任编辑：王明"]
BODY = [
    "过去一年，面对复杂严峻的外部环境和艰巨繁重的改革发展稳定任务，全市上下坚持稳中求进工作总基调，"
    "完整准确全面贯彻新发展理念，经济社会发展主要目标任务圆满完成。",
    "全市地区生产总值增长百分之五点八，一般公共预算收入增长百分之六点二，城乡居民人均可支配收入分别增长"
    "百分之五点一和百分之七点三，居民消费价格涨幅控制在百分之二以内。",
    "一、着力扩大有效需求，经济运行稳中向好。实施重大项目攻坚行动，新开工亿元以上项目一百二十个，"
    "完成固定资产投资增长百分之八点五。出台促进消费十条措施，社会消费品零售总额增长百分之七。",
    "二、着力推动创新驱动，产业结构持续优化。新增高新技术企业二百一十家，规模以上工业增加值增长百分之九，"
    "数字经济核心产业营业收入突破千亿元，战略性新兴产业占比提高到百分之四十二。",
    "三、着力深化改革开放，发展活力不断增强。营商环境评价进入全省前列，新设市场主体增长百分之十五，"
    "外贸进出口总额增长百分之十一，实际使用外资创历史新高。",
    "四、着力保障改善民生，人民生活更加美好。民生支出占财政支出比重保持在百分之七十五以上，"
    "新增城镇就业三万六千人，新建改扩建中小学和幼儿园二十四所，基本医疗保险参保率稳定在百分之九十九。",
    "五、着力加强生态保护，城乡面貌焕然一新。空气质量优良天数比例达到百分之九十二，"
    "地表水国控断面水质优良率百分之百，新增城市绿道一百公里。",
    "六、着力推进政府自身建设，治理效能持续提升。坚持依法行政，自觉接受人大法律监督和政协民主监督，"
    "办理人大代表建议和政协提案四百六十件，办结率百分之百。",
]
SCAN = ["今年政府工作的总体要求是：坚持稳中求进，", "统筹发展和安全，推动经济实现质的有效提升。"]


def font_file(cache: Path) -> Path:
    """A TrueType subset of Noto Sans CJK SC with every character our PDFs draw."""
    out = cache / "noto-sc-subset.ttf"
    if out.exists():
        return out
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTCollection, newTable

    font = TTCollection(str(NOTO)).fonts[NOTO_SC]
    text = "".join([HEADER, TITLE, HEADLINE, *SIDEBAR, *BODY, *SCAN]) + "".join(chr(c) for c in range(32, 127)) + "－—·第页"
    opts = subset.Options()
    opts.layout_features = []
    opts.notdef_outline = True
    sub = subset.Subsetter(opts)
    sub.populate(text=text)
    sub.subset(font)
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = font.getGlyphOrder()
    glyf.glyphs = {}
    for name in glyf.glyphOrder:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions", "maxComponentElements", "maxComponentDepth"):
        setattr(maxp, attr, 1 if attr == "maxZones" else 0)
    font["head"].indexToLocFormat = 0
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0
    font.sfntVersion = "\x00\x01\x00\x00"
    cache.mkdir(parents=True, exist_ok=True)
    font.save(str(out))
    return out


def _pdf(cache: Path):
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("cjk", "", str(font_file(cache)))
    return pdf


def _bold(pdf, x: float, y: float, text: str, times: int = 3) -> None:
    """Fake bold: the same glyphs drawn again with tiny offsets (what pdfplumber sees tripled)."""
    for k in range(times):
        pdf.text(x + 0.3 * k, y + 0.15 * k, text)


def _column(pdf, x: float, y: float, width: float, size: float, paras: list[str], bold_first: bool = False) -> float:
    """Paragraphs wrapped character by character into a column; returns the y after them."""
    per_line = int(width // size)
    pitch = size * 1.5
    for n, para in enumerate(paras):
        for k in range(0, len(para), per_line):
            chunk = para[k : k + per_line]
            if bold_first and n == 0:
                _bold(pdf, x, y, chunk)
            else:
                pdf.text(x, y, chunk)
            y += pitch
        y += size  # paragraph spacing
    return y


def _page_furniture(pdf, page_no: int, size: float = 9) -> None:
    pdf.set_font("cjk", size=size)
    pdf.text(pdf.w / 2 - len(HEADER) * size / 2, 40, HEADER)
    pdf.text(pdf.w / 2 - 12, pdf.h - 30, f"- {page_no} -")


def two_column(path: Path, cache: Path, scan_page: bool = True) -> str:
    """Two pages of side bar + two columns + vertical headline + fake bold title,
    then (optionally) a page holding only an image of text. Returns the expected text
    of the text pages in reading order."""
    pdf = _pdf(cache)
    size = 10.5
    # page 1: title, side bar, vertical headline, two columns
    pdf.add_page()
    _page_furniture(pdf, 1)
    pdf.set_font("cjk", size=20)
    _bold(pdf, pdf.w / 2 - len(TITLE) * 10, 90, TITLE)
    pdf.set_font("cjk", size=size)
    _column(pdf, 40, 140, 100, size, SIDEBAR)
    for k, ch in enumerate(HEADLINE):
        pdf.set_font("cjk", size=16)
        pdf.text(540, 150 + 22 * k, ch)
    pdf.set_font("cjk", size=size)
    _column(pdf, 160, 140, 168, size, BODY[:2])
    _column(pdf, 350, 140, 168, size, BODY[2:4], bold_first=False)
    # page 2: two columns, a fake-bold heading at the top of the first
    pdf.add_page()
    _page_furniture(pdf, 2)
    pdf.set_font("cjk", size=size)
    _column(pdf, 60, 90, 220, size, BODY[4:6], bold_first=True)
    _column(pdf, 315, 90, 220, size, BODY[6:8])
    expected = [TITLE, HEADLINE, *SIDEBAR, *BODY]
    if scan_page:
        pdf.add_page()
        img = cache / "scan.png"
        _text_image(img, SCAN, page=True)
        pdf.image(str(img), x=0, y=0, w=pdf.w, h=pdf.h)
        _page_furniture(pdf, 3)
    pdf.output(str(path))
    return "".join(expected)


def _text_image(path: Path, lines: list[str], page: bool = False) -> None:
    """Black text on white, as a scanner gives it: a strip of text (300 dpi for 475 pt),
    or a whole A4 page at 150 dpi with the text near the top."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(NOTO), 44, index=NOTO_SC)
    size = (1240, 1754) if page else (1980, 90 * len(lines) + 60)
    img = Image.new("L", size, 255)
    draw = ImageDraw.Draw(img)
    x, y = (120, 220) if page else (30, 30)
    for k, line in enumerate(lines):
        draw.text((x, y + 90 * k), line, font=font, fill=0)
    img.save(path)


def garbage_layer(path: Path, cache: Path) -> str:
    """One page whose text layer is (cid:N)-style garbage over correct printed text:
    an image of the text with invisible junk text on top. Returns the printed text."""
    pdf = _pdf(cache)
    pdf.add_page()
    img = cache / "garbage.png"
    _text_image(img, SCAN)
    pdf.image(str(img), x=60, y=100, w=475)
    pdf.set_font("helvetica", size=10)
    pdf.set_text_color(255, 255, 255)
    for k in range(6):
        pdf.text(60, 120 + 14 * k, "êÆ#(¯K ÌÊÏ ´ü Eê y²3ü ¦ ÉgnÆ ºZ þ°Æekt øK" * 2)
    pdf.output(str(path))
    return "".join(SCAN)


def encrypted(path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica")
    pdf.text(20, 20, "secret")
    pdf.set_encryption(owner_password="owner", user_password="user")
    pdf.output(str(path))


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "samples/pdf")
    out.mkdir(parents=True, exist_ok=True)
    cache = Path("/tmp/ocrclean-pdfgen")
    two_column(out / "two_column_report.pdf", cache)
    print("wrote", out / "two_column_report.pdf")
