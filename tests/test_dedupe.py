"""dedupe stage: repeats the extraction made go, legitimate repetition stays."""

from __future__ import annotations

import time

import numpy as np
import pytest

from pipeline.document import Document, Line
from pipeline.registry import get_stage
from pipeline.stages.dedupe import repair_paragraph
from pipeline.stages.dedupe.kgrams import codepoints, repeats, text_repeats
from pipeline.stages.dedupe.lookalikes import lookalike_match, lookalike_table
from pipeline.stages.ocr_lookalikes import font_path

SPEC = get_stage("dedupe")
CFG = SPEC.defaults


def paras(*texts: str) -> Document:
    doc = Document([Line(t, (i, i)) for i, t in enumerate(texts, start=1)])
    doc.paragraphs = True
    return doc


def run(doc: Document) -> Document:
    return SPEC.fn(doc, dict(CFG))


LONG = "坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大精神，统筹发展和安全，推动经济实现质的有效提升和量的合理增长。"


def test_exact_duplicates():
    doc = run(paras("一、工作回顾", LONG, "附件：", "附件："))
    assert [ln.text for ln in doc.lines] == ["一、工作回顾", LONG, "附件："]
    doc = run(paras(LONG, "二、今年的任务", "其他段落内容。", LONG))
    assert [ln.text for ln in doc.lines].count(LONG) == 1
    assert doc.stats["duplicate_chars"] == len(LONG)
    assert [r.reason for r in doc.removed] == ["duplicate-paragraph"]


def test_short_heading_far_apart_stays():
    doc = run(paras("加快项目建设", LONG, "其他段落内容。", "加快项目建设"))
    assert len(doc.lines) == 4 and not doc.removed


def test_repeated_clause():
    t = "深入贯彻党的二十大精神，奋力推进“两个先行”，努力打造“重要窗口”，坚进“两个先行”，努力打造“重要窗口”，坚决落实各项决策部署。"
    new, gone = repair_paragraph(t, CFG)
    assert new == "深入贯彻党的二十大精神，奋力推进“两个先行”，努力打造“重要窗口”，坚决落实各项决策部署。"
    assert gone == [("进“两个先行”，努力打造“重要窗口”，坚", "repeated-clause")]


def test_interleaved_copies():
    t = "深入挖掘弘扬好文化根脉，传承红色基因序火，创成中华诗词之乡，“开化纸”入围国薪火，创成中华诗词之乡，家级非物质文化遗产目录项目。"
    new, gone = repair_paragraph(t, CFG)
    assert new == "深入挖掘弘扬好文化根脉，传承红色基因薪火，创成中华诗词之乡，“开化纸”入围国家级非物质文化遗产目录项目。"
    assert gone[0][1] == "interleaved-copy"


def test_parallel_phrasing_stays():
    for t in (
        "坚持创新驱动，坚持改革开放，坚持绿色发展，坚持共享发展，我们要推动发展，我们要保障民生。",
        "粮食产量可以等于一九四九年的一点五倍，棉花产量可以等于一九四九年的二点一倍。",
        "增长7.8%、居全省第2位。规上工业增加值增长10.8%、居全省第2位。",
        "一项一项补齐短板，一步一步再上台阶，一年接着一年干。",
    ):
        assert repair_paragraph(t, CFG) == (t, []), t


def test_noisy_paragraph_copy_removed():
    """An OCR copy of the neighbouring paragraph, garbled by substitutions, goes; the real one stays."""
    garbled = "坚特以刁近平新旪代中国特色杜会主乂思想为拮导，全靣贯彻觉的二十大粘神"
    doc = run(paras(LONG, garbled, "其他段落内容，推动经济实现质的有效提升。"))
    assert [ln.text for ln in doc.lines] == [LONG, "其他段落内容，推动经济实现质的有效提升。"]
    assert [r.reason for r in doc.removed] == ["noisy-copy"]
    # a fluent paragraph sharing words with its neighbour stays
    fluent = "坚持以习近平新时代中国特色社会主义思想为指导，推动经济实现质的有效提升。"
    assert fluent in [ln.text for ln in run(paras(LONG, fluent)).lines]


def test_repeats_bounded():
    assert text_repeats("甲乙丙丁戊己" * 3, 6, 160) == [(0, 6, 12)]
    assert text_repeats("甲乙丙丁戊己" + "x" * 300 + "甲乙丙丁戊己", 6, 160) == []


def _reference_repeats(text: str, k: int, max_shift: int) -> list[tuple[int, int, int]]:
    """The rule in plain Python, comparing k-grams as text: each k-gram paired with its next
    occurrence when that lies k..max_shift further on; pairs of one shift at successive
    positions are one run (start, shift, length)."""
    last: dict[str, int] = {}
    pairs = set()
    for i in range(len(text) - k + 1):
        g = text[i : i + k]
        if g in last and k <= i - last[g] <= max_shift:
            pairs.add((last[g], i - last[g]))
        last[g] = i
    runs = []
    for p, d in sorted(pairs):
        if (p - 1, d) not in pairs:
            n = 1
            while (p + n, d) in pairs:
                n += 1
            runs.append((p, d, n + k - 1))
    return sorted(runs)


def test_repeats_are_the_exact_k_gram_repeats():
    """The one repeat finder (document prefilter and paragraph repair alike) finds exactly
    the repeats the plain rule finds, on periodic and random text over a small alphabet,
    and never across a paragraph end."""
    import random

    rng = random.Random(7)
    texts = ["甲乙丙丁戊己" * 5, "发展经济，发展经济，发展", "ab" * 40]
    texts += ["".join(rng.choice("甲乙丙丁") for _ in range(rng.randint(0, 300))) for _ in range(40)]
    for k, shift in ((6, 160), (3, 20), (4, 80)):
        for t in texts:
            assert text_repeats(t, k, shift) == _reference_repeats(t, k, shift), (t, k, shift)
        joined = "\x00".join(texts)
        lens = np.array([len(t) for t in texts])
        ends = np.cumsum(lens + 1) - 1
        start, d, length = repeats(codepoints(joined), ends, k, shift)
        got = sorted(zip(start.tolist(), d.tolist(), length.tolist(), strict=True))
        want = sorted(
            (int(off) + s, dd, n) for t, off in zip(texts, ends - lens, strict=True) for s, dd, n in _reference_repeats(t, k, shift)
        )
        assert got == want


def test_national_corpus_practically_unchanged(national_dir):
    """Within-paragraph repairs on the clean corpus: only the genuine repeat it holds."""
    reasons: list[str] = []
    for f in sorted(national_dir.glob("*.txt"))[::3]:
        lines = [ln.strip() for ln in f.read_text(encoding="utf-8").split("\n") if ln.strip()]
        doc = run(paras(*lines))
        reasons += [r.reason for r in doc.removed if r.reason != "duplicate-paragraph"]
    assert len(reasons) <= 2, reasons


def test_cost_linear():
    """A document repeated many times: exact duplicates go, time grows about linearly."""
    base = [LONG, "二、今年的任务", "推动消费稳定增长，出台促进汽车、家居等消费的政策措施，社会消费品零售总额增长7.2%。"]
    timings = []
    for n in (20, 160):
        texts = [f"{t}第{i}项。" for i in range(n) for t in base]
        t0 = time.perf_counter()
        doc = run(paras(*texts))
        timings.append(time.perf_counter() - t0)
        assert len(doc.lines) == len(texts)
    assert timings[1] < 40 * timings[0] + 0.5, timings


LONG2 = "推动消费稳定增长，出台促进汽车、家居等消费的政策措施，社会消费品零售总额增长百分之七点二，服务消费较快恢复。"
LONG3 = "深化重点领域改革，完善产权保护制度，激发各类经营主体活力，营造市场化、法治化、国际化一流营商环境。"


def test_heading_inside_copied_block_removed():
    """A report printed twice: the second copy's short headings go with its bodies."""
    first = ["各位代表：", LONG, "一、工作回顾", LONG2, "二、今年的任务", LONG3]
    doc = run(paras("政府工作报告", *first, *first))
    assert [ln.text for ln in doc.lines] == ["政府工作报告", *first]
    assert {r.reason for r in doc.removed} == {"duplicate-paragraph"}
    # the first copy a line longer (a speaker line the second copy lacks): still one block
    doc = run(paras(*first[:2], "国务委员 某某", *first[2:], *first))
    assert [ln.text for ln in doc.lines] == [*first[:2], "国务委员 某某", *first[2:]]


def test_same_heading_over_different_sections_stays():
    doc = run(paras("一、工作回顾", LONG, "其他段落内容。", LONG2, "一、工作回顾", "完全不同的一段正文，讲的是另一件事情，内容并不重复。", LONG3))
    assert [ln.text for ln in doc.lines].count("一、工作回顾") == 2
    # bracketed by copies, but of paragraphs in the other order: not a copied block
    doc = run(paras(LONG, "小标题", LONG2, "其他段落内容。", LONG2, "小标题", LONG))
    assert [ln.text for ln in doc.lines].count("小标题") == 2


def test_parallel_names_not_a_noisy_copy():
    """1958 report: rare place names before a fluent parallel item are not a garbled copy."""
    t = (
        "淮河流域的梅山水库、响洪甸水库、磨子潭水库、西淝河治理工程和濉河治理工程；沂、沭、汶、泗等河流域的"
        "伊家河治理工程和万福河治理工程；辽河流域的大伙房水库；海河流域的西岗南水库、南运河四女寺减河工程等。"
    )
    assert repair_paragraph(t, CFG) == (t, [])


def test_lightly_noisy_paragraph_copy_removed():
    """A copy only a little less fluent than the passage it copies (relative, not absolute fluency)."""
    from pipeline import garble

    copy = "坚持以习近平新时代中国特色社会主乂思想为拮导，全面贯彻觉的二十大精神"
    assert garble.fluency(copy) > -6.5  # the absolute garble threshold alone would keep it
    doc = run(paras(LONG, copy, LONG2))
    assert [ln.text for ln in doc.lines] == [LONG, LONG2]
    assert [r.reason for r in doc.removed] == ["noisy-copy"]


def test_parallel_list_items_not_copies():
    """1955 plan: list items sharing their wording with the next item stay."""
    items = [
        "机制纸：全部建成后增加的年产能力将为十八万六千吨，五年内增加的年产能力为九万五千吨。",
        "水泥：全部建成后增加的年产能力将为九十一万吨，五年内增加的年产能力为二十八万吨。",
        "黄麻、洋麻：达到七百三十万担，增长百分之十九点七。",
        "烤烟：达到七百八十万担，增长百分之七十六点六。",
    ]
    doc = run(paras(*items))
    assert [ln.text for ln in doc.lines] == items and not doc.removed


def test_noisy_copy_longer_than_its_shift_at_paragraph_start():
    """An OCR copy of the paragraph's first sentence, a character longer than the sentence:
    the source is clamped to the paragraph start and copy lengths vary by a few characters."""
    t = (
        "升级“钱江源英才计划”，做实“开化学子联络站”，推进青年发展型县域建设。"
        "巡址归牵开级钱江源吴才开划，敞矢开化学于联络站\"，推进青年发展型县域建设，"
        "深化以赛引才、飞地用才、揭榜挂帅等机制，打造人才引育留用全链条。"
    )
    new, gone = repair_paragraph(t, CFG)
    assert [r for _, r in gone] == ["noisy-copy"]
    assert "巡址" not in new and new.count("推进青年发展型县域建设") == 1
    assert new.startswith("升级“钱江源英才计划”，做实“开化学子联络站”，推进青年发展型县域建设")


needs_font = pytest.mark.skipif(font_path() is None, reason="the look-alike table needs Noto Sans CJK SC")

# Kaihua 127: an OCR copy of the clause before it, only mildly less fluent, but three of its
# differences are look-alike misreadings (域/城, 全/至, 力/为)
LOOKALIKE_COPY = "况实的现代国家级主城旅游示记长的规则，至为"
LOOKALIKE_PARA = (
    "大力发展以全域旅游为龙头的现代国家级全域旅游示范县创建，全力"
    + LOOKALIKE_COPY
    + "打造省级5A景区城，扎实推进根宫佛国转型升级。"
)


@needs_font
def test_lookalike_copy_removed():
    clean = "大力发展以全域旅游为龙头的现代国家级全域旅游示范县创建，全力打造省级5A景区城，扎实推进根宫佛国转型升级。"
    assert repair_paragraph(LOOKALIKE_PARA, CFG) == (clean, [(LOOKALIKE_COPY, "noisy-copy")])
    # through the stage: the document prefilter finds it too
    doc = run(paras(LONG, LOOKALIKE_PARA))
    assert [ln.text for ln in doc.lines] == [LONG, clean]
    assert [(r.text, r.reason) for r in doc.removed] == [(LOOKALIKE_COPY, "noisy-copy")]
    # fluency alone does not remove it
    assert repair_paragraph(LOOKALIKE_PARA, dict(CFG, lookalike_tiers=[])) == (LOOKALIKE_PARA, [])


@needs_font
def test_parallel_phrasing_without_lookalikes_stays():
    """National corpus: parallel clauses as much less fluent than their neighbour as the Kaihua
    copy; their differences are other words, not look-alikes, so they stay."""
    for t in (
        "对于粮食、棉花、蚕丝、生猪等紧缺的农副产品，既要防止地区之间相互封锁，又要防止地区之间抬价抢购，"
        "尽量通过经济办法建立比较稳定的协作关系。",
        "二是要努力改善出口商品的结构，逐步由主要出口初级产品向主要出口制成品转变，由主要出口粗加工制成品向"
        "主要出口精加工制成品转变，提高轻纺出口产品的质量。",
    ):
        assert repair_paragraph(t, CFG) == (t, []), t
        # what keeps them: without the look-alike requirement the tier would cut them
        assert repair_paragraph(t, dict(CFG, min_lookalikes=0))[1], t


@needs_font
def test_numerals_are_not_lookalike_evidence():
    """三/五 and 十/千 look alike, but parallel figures differ by them in clean text all the time."""
    from pipeline.stages.ocr_lookalikes import lookalikes

    assert "五" in lookalikes()["三"] and "千" in lookalikes()["十"]
    assert lookalike_match("增长百分之三十", "增长百分之五千", lookalike_table(7000))[0] == 0
    assert lookalike_match("全域旅游示范县创建，全力", "主城旅游示记长的规则，至为", lookalike_table(7000))[0] == 3
