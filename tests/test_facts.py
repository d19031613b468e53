"""The dedupe and fragment guards of `pipeline.facts`: each on the damage it still lets the
rules fix and on the real text (public pages, broker reports, slides) it must keep."""

from __future__ import annotations

import pytest

from pipeline import facts
from pipeline.document import Document, Line
from pipeline.registry import get_stage
from pipeline.stages import fragments
from pipeline.stages.dedupe import interleave, noisy, repair_paragraph
from pipeline.stages.dedupe import stage as dedupe_stage

DEDUPE = get_stage("dedupe")
FRAGMENTS = get_stage("fragments")
CFG = dict(DEDUPE.defaults)
LONG = "坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大精神，统筹发展和安全，推动经济实现质的有效提升和量的合理增长。"


def paras(*texts: str) -> Document:
    doc = Document([Line(t, (i, i)) for i, t in enumerate(texts, start=1)])
    doc.paragraphs = True
    return doc


@pytest.fixture
def no_guards(monkeypatch):
    """The rules as they were before the guards: what the guards are for."""
    for mod in (interleave, noisy, dedupe_stage):
        monkeypatch.setattr(mod, "same_facts", lambda *a, **k: True)
    monkeypatch.setattr(dedupe_stage, "protected_line", lambda *a, **k: False)
    monkeypatch.setattr(fragments, "all_words", lambda *a, **k: False)


# -- same_facts ----------------------------------------------------------------------


def test_same_facts_numbers():
    # the parallel clause of issue 15: another number is another fact
    assert not facts.same_facts("灌溉率59.7%，比2005年提高10个百分点", "灌溉率59.7%，比2005年提高20个百分点")
    # a garbled copy repeating the source's numbers is still a copy
    assert facts.same_facts("城镇新增就业970万人，城镇居民人均可支配收人达到10493元", "城镇新增就业970万人，城镇居民人均可支配收入达到10493元")
    # a misread digit reads as another number: the copy stays (the price of never losing a fact)
    assert not facts.same_facts("城镇新增就业97O万人", "城镇新增就业970万人")
    # older reports space their digits; full-width digits count
    assert facts.same_facts("1 9 9 7年国内生产总值", "１９９７年国内生产总值达到")


def test_same_facts_cut_scrap_edges():
    """A scrap cut from running text may start inside a number; a clause inside a paragraph may not."""
    assert facts.same_facts("95年将增长。1956年主纱产量昆", "1995年将增长。1956年主要产量", cut_edges=True)
    assert not facts.same_facts("95年将增长。1956年主纱产量昆", "1995年将增长。1956年主要产量")


def test_same_facts_named_entities():
    """Swapping one dictionary name for another is another fact (jieba: ns, nr, nt, nz)."""
    assert not facts.same_facts("钦州市新建学校十所", "北海市新建学校十所")
    assert facts.same_facts("钦州市新建学狡十所", "钦州市新建学校十所")


# -- within a paragraph: a garbled copy goes only with its source's facts --------------

COPY_PARA = (
    "升级“钱江源英才计划”，做实“开化学子联络站”，新建青年驿站12个。"
    "巡址归牵开级钱江源吴才开划，敞矢开化学于联络站\"，新建青年驿站{n}个，"
    "深化以赛引才、飞地用才、揭榜挂帅等机制，打造人才引育留用全链条。"
)


def test_noisy_copy_with_the_same_number_removed():
    new, gone = repair_paragraph(COPY_PARA.format(n="12"), CFG)
    assert [r for _, r in gone] == ["noisy-copy"] and "巡址" not in new
    assert new.count("新建青年驿站12个") == 1


def test_noisy_copy_never_takes_another_number():
    new, gone = repair_paragraph(COPY_PARA.format(n="15"), CFG)
    assert "15个" in new, "the number only the later clause has stays"
    assert all("15" not in text and not text.endswith("1") for text, _ in gone)


def test_noisy_copy_never_cuts_inside_a_number():
    assert noisy.splits_number("驿站15个", 3)
    assert not noisy.splits_number("驿站15个", 2)


# -- whole paragraphs: titles, table rows, short lines and other facts stay ------------


def test_analyst_lines_of_a_broker_report_stay(no_guards):
    """Broker report (issue 15): two analyst lines alike but for name and number."""
    lines = (
        "平安证券研究所",
        "黄韦涵 投资咨询资格编号 S1060523070003",
        "王维逸 投资咨询资格编号 S1060520090001",
        "请通过合法途径获取本公司研究报告，如经由未经许可的渠道获得研究报告，请慎重使用并注意阅读研究报告尾页的声明内容。",
    )
    before = DEDUPE.fn(paras(*lines), dict(CFG))
    assert [r.reason for r in before.removed] == ["noisy-copy"]  # what the rule did without the guards


def test_analyst_lines_kept_with_guards():
    lines = (
        "平安证券研究所",
        "黄韦涵 投资咨询资格编号 S1060523070003",
        "王维逸 投资咨询资格编号 S1060520090001",
        "请通过合法途径获取本公司研究报告，如经由未经许可的渠道获得研究报告，请慎重使用并注意阅读研究报告尾页的声明内容。",
    )
    doc = DEDUPE.fn(paras(*lines), dict(CFG))
    assert [ln.text for ln in doc.lines] == list(lines) and not doc.removed


@pytest.mark.parametrize(
    "line",
    [
        "暖风熏得游人醉",  # a slide title (a verse line)
        "二、“比较美术学”的中西视域",  # a book heading
        "（广西钦州卢圣供题）",  # a caption
        "总股本（百万股）：227.92",  # a label and its value
        "丘陵沟壑区  高原沟壑区  合计  丘陵沟壑区  高原沟壑区  合计",  # a table header
        "黄韦涵 投资咨询资格编号 S1060523070003",
    ],
)
def test_protected_lines(line):
    assert facts.protected_line(line)


@pytest.mark.parametrize(
    "scrap",
    [
        "、世界经住激光荡等许多难的条件下，经",  # garbled re-read scraps of running text
        "定功，降低开支标矛，缩核了开兵，国刘部门",
        "坚特以刁近平新旪代中国特色杜会主乂思想为拮导，全靣贯彻觉的二十大粘神",
    ],
)
def test_scraps_of_running_text_are_not_protected(scrap):
    assert not facts.protected_line(scrap)


def test_garbled_paragraph_copy_still_removed():
    """The guard leaves the damage it is not about: a garbled copy of the neighbour goes."""
    garbled = "坚特以刁近平新旪代中国特色杜会主乂思想为拮导，全靣贯彻觉的二十大粘神"
    doc = DEDUPE.fn(paras(LONG, garbled, "其他段落内容，推动经济实现质的有效提升。"), dict(CFG))
    assert [r.reason for r in doc.removed] == ["noisy-copy"]


# -- fragments: a table column read one cell a line is not garble ----------------------

RATINGS = "投资评级说明\n\n评级\n\n买入\n\n增持\n\n中性\n\n减持\n\n以报告发布后的6个月内的市场表现为比较标准。"


def test_table_column_of_words_stays(no_guards):
    doc = FRAGMENTS.fn(Document.from_text(RATINGS), dict(FRAGMENTS.defaults))
    assert [r.text for r in doc.removed] == ["评级买入增持中性减持"]  # without the guard


def test_table_column_of_words_kept_with_guard():
    doc = FRAGMENTS.fn(Document.from_text(RATINGS), dict(FRAGMENTS.defaults))
    assert not doc.removed
    assert [ln.text for ln in doc.lines if ln.text.strip()][1:6] == ["评级", "买入", "增持", "中性", "减持"]


def test_all_words():
    assert facts.all_words(["评级", "买入", "增持", "中性"])  # jieba lacks 增持: most, not all
    assert not facts.all_words(["奋", "贯", "党的", "精神的", "局之胜"])  # Kaihua pull-quote scraps
    assert not facts.all_words([])
