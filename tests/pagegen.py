"""Render newspaper-like report pages with ground truth, for OCR tests and benchmarks.

    python tests/pagegen.py OUTDIR [--count 8]

Each page: an optional full-width title, 1-3 body columns of report text, an
optional vertical headline (one or two glyph columns, set right to left),
skew up to 2 degrees, noise and blur. The ground truth (`NAME.gt`) is the
text in reading order: title, headline, then the body paragraphs, one
paragraph per line, separated by blank lines (the output contract's shape).
The report text below was written for this project (government-work-report
style, no third-party text), so the pages can be committed.
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

PARAGRAPHS = [
    "过去一年，我们坚持稳中求进工作总基调，完整准确全面贯彻新发展理念，经济社会发展主要目标任务圆满完成。全年地区生产总值增长5.2%，城镇新增就业十二万人，居民消费价格涨幅保持在合理区间。",
    "着力扩大有效需求，推动经济回升向好。实施促进消费十条措施，社会消费品零售总额增长7.3%。开工建设重点项目一百八十个，完成投资九百六十亿元，民间投资活力进一步增强。",
    "坚持创新驱动发展，产业结构持续优化。高新技术企业数量突破三千家，研发经费投入强度达到2.4%。新建5G基站六千个，数字经济核心产业增加值占比提高到百分之十。",
    "深化重点领域改革，营商环境不断改善。政务服务事项全部实现网上可办，企业开办时间压缩至一个工作日以内。新增减税降费及退税缓税缓费一百二十亿元，惠及市场主体四十余万户。",
    "扎实推进乡村振兴，城乡区域发展更加协调。粮食播种面积稳定在一千二百万亩以上，总产量连续五年保持增长。新改建农村公路八百公里，农村居民人均可支配收入增长7.1%。",
    "加强生态环境保护，绿色发展底色更加鲜明。细颗粒物平均浓度下降到每立方米三十微克，地表水国控断面优良水质比例达到百分之九十二。完成造林绿化面积三十万亩。",
    "持续保障和改善民生，人民群众获得感不断增强。新建改扩建中小学和幼儿园六十所，新增学位四万个。基本医疗保险参保率稳定在百分之九十五以上，城乡居民基础养老金最低标准再次提高。",
    "统筹发展和安全，社会大局保持和谐稳定。安全生产事故起数和死亡人数实现双下降，食品药品安全形势总体平稳。妥善应对汛期强降雨，最大限度减少了灾害损失。",
    "今年经济社会发展的主要预期目标是：地区生产总值增长5%左右，城镇新增就业十一万人以上，城镇调查失业率控制在5.5%以内，居民收入增长和经济增长同步。",
    "实现上述目标，必须坚持以经济建设为中心，坚持高质量发展这个硬道理，更加注重稳预期、强信心，更加注重惠民生、防风险，以自身发展的确定性应对外部环境的不确定性。",
    "大力推进现代化产业体系建设。实施制造业重点产业链高质量发展行动，推动传统产业改造升级，培育壮大新能源汽车、新材料、生物医药等战略性新兴产业，加快建设先进制造业集群。",
    "着力扩大国内需求。促进消费稳定增长，培育文旅体育、养老托育等服务消费新增长点。积极扩大有效投资，用好地方政府专项债券，重点支持交通、水利、能源和城市更新项目。",
    "坚定不移深化改革扩大开放。深化国有企业改革，完善民营企业参与重大项目建设长效机制。稳住外贸外资基本盘，支持企业拓展多元化国际市场，推动跨境电商综合试验区建设。",
    "深入实施科教兴省战略。加强基础研究和关键核心技术攻关，布局建设一批重点实验室和技术创新中心。完善科技成果转化激励机制，让更多创新成果转化为现实生产力。",
    "加快建设宜居宜业和美乡村。严守耕地保护红线，新建高标准农田一百万亩。发展乡村特色产业，深化农村集体产权制度改革，持续巩固拓展脱贫攻坚成果。",
    "推动区域协调发展和新型城镇化。优化城市空间布局，有序推进老旧小区改造二千个，加快补齐县城基础设施短板，提高城市规划、建设、治理水平。",
    "切实增进民生福祉。落实就业优先政策，加强高校毕业生、农民工等重点群体就业帮扶。办好人民满意的教育，推进健康建设，完善多层次社会保障体系。",
    "持续改善生态环境质量。深入打好蓝天、碧水、净土保卫战，推进重点行业超低排放改造。积极稳妥推进碳达峰碳中和，发展绿色低碳产业，倡导简约适度的生活方式。",
    "加强政府自身建设。坚持依法行政，自觉接受人大及其常委会的法律监督和工作监督，接受政协的民主监督。持之以恒正风肃纪，力戒形式主义、官僚主义。",
    "各位代表！新征程上，我们要更加紧密地团结在以习近平同志为核心的党中央周围，坚定信心、真抓实干，奋力谱写现代化建设新篇章。",
    "做好今年政府工作，要把握好以下几点：一是坚持稳中求进，二是坚持以进促稳，三是坚持先立后破。各项政策要协同发力，形成推动高质量发展的合力。",
    "支持民营经济发展壮大。全面落实公平竞争审查制度，依法保护民营企业产权和企业家权益。畅通政企沟通渠道，及时帮助企业解决融资难、用工难等实际问题。",
    "提升基本公共服务水平。扩大普惠性托育服务供给，新增托位八千个。加快发展养老服务，建设社区嵌入式服务设施，让老年人安享幸福晚年。",
    "防范化解重点领域风险。稳妥处置房地产、地方债务和中小金融机构风险，守住不发生系统性风险的底线。健全防灾减灾救灾体系，提升城市安全韧性。",
]
HEADLINES = [
    "坚定信心真抓实干推动高质量发展",
    "奋力谱写现代化建设新篇章",
    "全力稳增长促发展惠民生",
    "以改革开放激发发展活力",
    "守护绿水青山建设美丽家园",
    "办好民生实事增进人民福祉",
    "加快建设现代化产业体系",
    "统筹发展和安全",
]
# vertical headlines with upright digits (a year set in the column, one digit per glyph cell)
YEAR_HEADLINES = ["2011政府工作报告", "2024年民生实事清单"]
TITLES = ["政府工作报告", "二〇二四年政府工作报告摘要", "关于国民经济和社会发展计划的报告", "全面推进乡村振兴"]
NO_LINE_START = set("，。、；：！？）》”％%")
FONT_DIR = Path("/usr/share/fonts/opentype/noto")


@dataclass
class PageSpec:
    name: str
    seed: int
    columns: int = 2
    title: bool = True
    headline: int = 1  # glyph columns of the vertical headline (0: none)
    headline_side: str = "right"
    skew: float = 0.0  # degrees, counter-clockwise
    noise: float = 0.0  # gaussian noise sigma (gray levels)
    blur: float = 0.0  # gaussian blur radius (px)
    scale: float = 1.0  # 1.0 = body text 26 px
    fmt: str = "png"
    year_headline: bool = False  # the headline holds a year (upright digits in the column)


BENCH_PAGES = [
    PageSpec("p1_onecol", 1, columns=1, headline=0),
    PageSpec("p2_twocol_headline", 2, columns=2, headline=1),
    PageSpec("p3_threecol_skew", 3, columns=3, headline=2, skew=1.5, noise=12),
    PageSpec("p4_left_headline", 4, columns=2, headline=1, headline_side="left", skew=-2.0, blur=0.8),
    PageSpec("p5_noisy_jpeg", 5, columns=3, title=False, headline=1, noise=18, blur=0.6, fmt="jpg"),
    PageSpec("p6_lowres", 6, columns=1, headline=1, skew=0.8, scale=0.62),
    PageSpec("p7_threecol_title", 7, columns=3, headline=0, skew=-1.2, noise=10),
    PageSpec("p8_full_mess", 8, columns=2, headline=2, skew=2.0, noise=15, blur=0.7),
    PageSpec("p9_year_headline", 9, columns=2, headline=1, year_headline=True),
]


def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    for index in range(10):
        font = ImageFont.truetype(str(FONT_DIR / path), size, index=index)
        if font.getname()[0].endswith(" SC"):
            return font
    raise RuntimeError(f"no SC face in {path}")


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: float, size: int) -> list[str]:
    """Break a paragraph into lines of at most `width` px (first line indented two characters)."""
    lines, cur, x = [], "", 2 * size
    for ch in text:
        adv = size if ord(ch) > 0x2000 else font.getlength(ch)
        if x + adv > width and cur and ch not in NO_LINE_START:
            lines.append(cur)
            cur, x = "", 0
        cur += ch
        x += adv
    lines.append(cur)
    return lines


def _draw_line(draw: ImageDraw.ImageDraw, x: float, y: float, text: str, font, size: int) -> None:
    for ch in text:
        draw.text((x, y), ch, font=font, fill=0)
        x += size if ord(ch) > 0x2000 else font.getlength(ch)


def render(spec: PageSpec) -> tuple[Image.Image, str]:
    """The page image (8-bit gray) and its ground truth text."""
    rng = random.Random(spec.seed)
    s = spec.scale
    W, H, margin = int(1240 * s), int(1600 * s), int(60 * s)
    body = int(26 * s)
    lead = int(body * 1.5)
    img = Image.new("L", (W, H), 255)
    draw = ImageDraw.Draw(img)
    gt: list[str] = []
    top = margin
    if spec.title:
        title = rng.choice(TITLES)
        tsize = int(44 * s)
        tfont = _font("NotoSerifCJK-Bold.ttc", tsize)
        _draw_line(draw, (W - tsize * len(title)) / 2, top, title, tfont, tsize)
        gt.append(title)
        top += int(tsize * 1.3) + 2 * body
    left, right = margin, W - margin
    if spec.headline:
        head = rng.choice(YEAR_HEADLINES if spec.year_headline else HEADLINES)
        hsize = int(40 * s)
        hfont = _font("NotoSerifCJK-Bold.ttc", hsize)
        per_col = -(-len(head) // spec.headline)
        width = spec.headline * hsize + (spec.headline - 1) * int(hsize * 0.35)
        hx = right - width if spec.headline_side == "right" else left
        for c in range(spec.headline):  # glyph columns right to left
            x = hx + width - (c + 1) * hsize - c * int(hsize * 0.35)
            for k, ch in enumerate(head[c * per_col:(c + 1) * per_col]):
                dx = (hsize - hfont.getlength(ch)) / 2 if ch.isascii() else 0  # upright digit, centred
                draw.text((x + dx, top + k * int(hsize * 1.08)), ch, font=hfont, fill=0)
        gt.append(head)
        if spec.headline_side == "right":
            right = hx - 2 * body
        else:
            left = hx + width + 2 * body
    font = _font("NotoSansCJK-Regular.ttc", body)
    gutter = 2 * body
    colw = (right - left - (spec.columns - 1) * gutter) / spec.columns
    rows = (H - margin - top) // lead
    slots = [(left + c * (colw + gutter), top + r * lead) for c in range(spec.columns) for r in range(rows)]
    paras = rng.sample(PARAGRAPHS, len(PARAGRAPHS))
    i = 0
    for p in paras:
        lines = _wrap(p, font, colw, body)
        if i + len(lines) > len(slots):
            lines = lines[: len(slots) - i]
            if not lines:
                break
            p = "".join(lines)
        for k, line in enumerate(lines):
            x, y = slots[i]
            _draw_line(draw, x + (2 * body if k == 0 else 0), y, line, font, body)
            i += 1
        gt.append(p)
        if i >= len(slots):
            break
    img = _degrade(img, spec, rng)
    return img, "\n\n".join(gt) + "\n"


def _degrade(img: Image.Image, spec: PageSpec, rng: random.Random) -> Image.Image:
    if spec.skew:
        img = img.rotate(spec.skew, resample=Image.BICUBIC, fillcolor=255)
    if spec.blur:
        img = img.filter(ImageFilter.GaussianBlur(spec.blur))
    if spec.noise:
        nrng = np.random.default_rng(spec.seed)
        a = np.asarray(img, dtype=np.float32)
        a += nrng.normal(0, spec.noise, a.shape)
        specks = nrng.random(a.shape) < 0.0008
        a[specks] = 0
        img = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
    return img


def write(spec: PageSpec, outdir: Path) -> Path:
    img, gt = render(spec)
    path = outdir / f"{spec.name}.{spec.fmt}"
    if spec.fmt == "jpg":
        img.save(path, quality=80)
    else:
        img.save(path, optimize=True)
    (outdir / f"{spec.name}.gt").write_text(gt, encoding="utf-8")
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--count", type=int, default=len(BENCH_PAGES))
    args = ap.parse_args()
    args.outdir.mkdir(parents=True, exist_ok=True)
    for spec in BENCH_PAGES[: args.count]:
        print(write(spec, args.outdir))


if __name__ == "__main__":
    main()
