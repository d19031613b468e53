"""boilerplate: web chrome, markers, metadata, page numbers, running heads out; real text stays."""

from __future__ import annotations

import csv

import pytest

from pipeline import Pipeline
from tests.conftest import shared_path


@pytest.fixture(scope="module")
def bp():
    return Pipeline({"pipeline": {"stages": ["unicode_hygiene", "boilerplate"]}})


def run(p, text):
    res = p.clean_text(text)
    assert res.report["accounting"]["unaccounted_chars"] == 0
    return res


WEB = """下载
打印
全屏
收藏
【字号：
加大
还原
减小
】
2026年某省政府工作报告
——2026年1月27日在某省第十四届人民代表大会第四次会议上
来源：某某日报
时间：2026-02-09
省长 张三
省长张三作政府工作报告。本报记者 李四 摄
各位代表：
现在，我代表省人民政府，向大会报告工作，请予审议。
一、2025年工作回顾
过去一年，经济运行稳中有进。
相关报道："""


def test_web_page_chrome_and_metadata(bp):
    res = run(bp, WEB)
    lines = res.text.split("\n")
    assert lines[0] == "2026年某省政府工作报告"
    for gone in ("下载", "收藏", "【字号：", "加大", "来源：某某日报", "相关报道：", "本报记者"):
        assert not any(gone in ln for ln in lines), gone
    fields = res.report["metadata"]["fields"]
    assert fields["来源"] == "某某日报" and fields["时间"] == "2026-02-09"
    assert "过去一年，经济运行稳中有进。" in lines and "各位代表：" in lines
    reasons = {r["reason"] for r in res.report["removed"]}
    assert {"web-chrome", "metadata", "photo-caption"} <= reasons


def test_inline_chrome_and_breadcrumb(bp):
    res = run(
        bp,
        "当前位置：首页 > 政务信息 > 要闻\n下载 打印 全屏 收藏 【字号：加大 还原 减小】\n正文。\n【打印】【关闭】",
    )
    assert res.text.split() == ["正文。"]


def test_split_breadcrumb_and_label_value_metadata(bp):
    text = "您的位置:\n首页\n>\n云南要闻\n云南要闻\n标题\n发表时间：\n2026-02-09 09:45:30\n来源：\n某日报客户端\n阅读量：\n【字体：\n小\n中\n大\n】\n正文。"
    res = run(bp, text)
    assert res.text.split() == ["标题", "正文。"]  # removed lines leave blank lines
    assert res.report["metadata"]["fields"] == {
        "发表时间": "2026-02-09 09:45:30",
        "来源": "某日报客户端",
        "阅读量": "",
    }


def test_jinyun_metadata_line(bp):
    text = "2023年政府工作报告\n索引号: 331122000000/2023-91159\u00a0\u00a0\u00a0 发布机构: 缙云县人民政府办公室     发布时间:2023-03-14 11:35:15\n\n文号:\n\n \n\n各位代表:"
    res = run(bp, text)
    assert res.text == "2023年政府工作报告\n\n各位代表:\n"
    f = res.report["metadata"]["fields"]
    assert f["索引号"] == "331122000000/2023-91159" and f["发布机构"] == "缙云县人民政府办公室"
    assert f["发布时间"] == "2023-03-14 11:35:15" and f["文号"] == ""


@pytest.mark.parametrize(
    ("src", "out", "marker"),
    [
        ("(上接5版)\n\n正文。", "正文。", "(上接5版)"),
        ("（紧接第二版）\n严格落实。", "严格落实。", "（紧接第二版）"),
        ("指南。（下转第四版）（紧接第一版） 我们坚持。", "指南。 我们坚持。", "（下转第四版）"),
    ],
)
def test_continuation_markers(bp, src, out, marker):
    res = run(bp, src)
    assert res.text == out + "\n"
    assert marker in [m["marker"] for m in res.report["metadata"]["continuation_markers"]]


def test_truncation_at_continuation_marker_flagged(bp):
    res = run(bp, "建成3家(下转第四版)")
    assert res.text == "建成3家\n"
    assert "truncated" in [f["kind"] for f in res.report["flags"]]


def test_page_numbers(bp):
    res = run(bp, "正文一。\n\n- 12 -\n\n正文二。\n\n第3页 共10页\n\n7\n\n正文三。\n\n8\n\n正文四。")
    assert res.text == "正文一。\n\n正文二。\n\n正文三。\n\n正文四。\n"


def test_running_head_kept_once_as_title(bp):
    parts = ["政府工作报告", "第一段。", "政府工作报告", "第二段。", "政府工作报告", "第三段。"]
    res = run(bp, "\n\n".join(parts))
    assert res.text == "政府工作报告\n\n第一段。\n\n第二段。\n\n第三段。\n"


def test_running_head_not_at_top_removed(bp):
    parts = ["标题", "第一段。", "开化新闻", "第二段。", "开化新闻", "第三段。", "开化新闻"]
    res = run(bp, "\n\n".join(parts))
    assert "开化新闻" not in res.text and res.text.startswith("标题")


@pytest.mark.parametrize(
    "text",
    [
        # a vertical title one character per line: weak chrome tokens (大, 中) stay
        "委十\n\n五\n\n大\n\n中\n\n次全体(扩大)会议召",
        # repeated real lines: addresses, table-of-contents headings, fragments inside text
        "各位代表！\n\n正文。\n\n各位代表！\n\n正文。\n\n各位代表！",
        "一、国家在过渡时期的总任务\n二、第一个五年计划概要\n一、国家在过渡时期的总任务\n正文。\n二、第一个五年计划概要",
        "带技术\n揭榜\n；成果找市场\n揭榜\n。再\n揭榜\n。",
        "政府工作报告\n\n(一)聚焦发展新质生产力\n\n1. 加快建设创新新昌。",
        "2023年3月8日\n\n各位代表：\n\n时间紧、任务重。",
    ],
)
def test_real_text_stays(bp, text):
    res = run(bp, text)
    assert not res.report["removed"], res.report["removed"]


def test_whitespace_only_lines_blank(bp):
    assert run(bp, "甲。\n   \n\u00a0\n乙。").text == "甲。\n\n乙。\n"


def _csv_text(name: str) -> str:
    path = shared_path("corpus", "provincial-2026-raw", name)
    csv.field_size_limit(1 << 30)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return next(csv.DictReader(fh))["full_text"]


@pytest.mark.parametrize(
    "name",
    ["2026_四川省_政府工作报告.csv", "2026_宁夏回族自治区_政府工作报告.csv", "2026_上海市_政府工作报告.csv"],
)
def test_real_provincial_pages(bp, name):
    res = run(bp, _csv_text(name))
    lines = [ln for ln in res.text.split("\n") if ln]
    assert "政府工作报告" in lines[0]
    assert "各位代表：" in lines[:6]
    chrome = (
        "下载",
        "打印",
        "收藏",
        "【字",
        "相关报道",
        "相关附件>>",
        "打印本页",
        "关闭窗口",
        "首页",
        ">",
        "分享：",
    )
    assert not [ln for ln in lines if ln in chrome or ln.startswith("【")]
    assert lines[-1].startswith(("各位代表", "20.", "10.", "（"))  # the report's own last paragraph
    assert res.report["metadata"]["fields"]["来源"]


def test_title_repeated_alone_later_is_a_running_head():
    from pipeline import clean_text

    body = "全年研发经费投入强度达到3.2%，新引进亿元以上项目24个。"
    res = clean_text(f"政府工作报告\n\n{body}\n\n政府工作报告\n\n{body[:-1]}，推动产业协同发展。")
    assert res.text.count("政府工作报告") == 1 and res.text.startswith("政府工作报告\n")
    assert any(r["reason"] == "running-head" for r in res.report["removed"])
    # the same words inside a sentence, or a title that never repeats alone, stay
    kept = clean_text(f"政府工作报告\n\n{body}\n\n这份政府工作报告提出了目标。")
    assert kept.text.count("政府工作报告") == 2


def test_running_heads_judged_without_blank_lines():
    """Blank lines are no evidence: the paragraphs stage puts one between every two
    paragraphs. A short line is a head when each copy stands alone: not opened by clause
    punctuation, not continued by the next line, not one of a run of fragments."""
    from pipeline.stages.boilerplate import running_heads, stands_alone

    texts = ["政府", "政府政府。", "政府"]
    assert running_heads(texts, 3, 20) == [2]  # the title again, a page of text later
    # copies with only short lines between are no page apart (issue 15: table cells, lists)
    assert running_heads(["政府", "政府政府", "政府"], 3, 20) == []
    texts = ["带技术", "揭榜", "；成果找市场", "揭榜", "。再", "揭榜", "。"]
    assert not stands_alone(texts, 1) and running_heads(texts, 3, 20) == []
    # copies compared as the output writes them: spaces out, full-width marks, simplified
    texts = ["标题", "第一段。", "綜合 新闻", "第二段。", "综合新闻", "第三段。", "综合新闻"]
    assert running_heads(texts, 3, 20) == [2, 4, 6]


def test_page_numbers_stand_alone_apart():
    from pipeline.stages.boilerplate import page_numbers

    assert page_numbers(["正文一。", "7", "正文二。", "8", "正文三。", "- 9 -"]) == [1, 3, 5]
    assert page_numbers(["2019", "2020", "2021"]) == []  # a column of numbers
    assert page_numbers(["产总值41", "2", ".6亿元，增长5.", "3", "%；城乡居民"]) == []  # `2` runs on


def test_whole_rule_set_runs_again_on_joined_paragraphs():
    """Chrome, metadata, page numbers and running heads made whole by a later join (a
    fragment run, wrapped lines) go in the first run, as a second run would take them."""
    from pipeline import clean_text

    res = clean_text("正文第一段。\n\n下\n载\n\n正文第二段。")
    assert res.text == "正文第一段。\n\n正文第二段。\n"
    assert [(r["stage"], r["reason"]) for r in res.report["removed"]] == [("paragraphs", "web-chrome")]
    res = clean_text("综合新\n闻\n\n第一段。\n\n综合新闻\n\n第二段。\n\n综合新闻")
    assert res.text == "综合新闻\n\n第一段。\n\n第二段。\n"
