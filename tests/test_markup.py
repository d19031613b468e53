"""markup: Markdown, HTML, LaTeX and bullets removed with their text kept; legit text untouched."""

from __future__ import annotations

import pytest

from pipeline import Pipeline


@pytest.fixture(scope="module")
def mk():
    return Pipeline({"pipeline": {"stages": ["markup"]}})


def run(p, text):
    res = p.clean_text(text)
    assert res.report["accounting"]["unaccounted_chars"] == 0
    return res


@pytest.mark.parametrize(
    ("src", "out"),
    [
        ("#### 2023年工作的总体要求", "2023年工作的总体要求"),
        ("### ■加快提升产业层次", "加快提升产业层次"),
        ("## ●●千方百计招引项目", "千方百计招引项目"),
        ("#### /四、突出融入融通，推动对外开放全面突破", "四、突出融入融通，推动对外开放全面突破"),
        ("●聚焦数字赋能，深入实施", "聚焦数字赋能，深入实施"),
        ("○ 推进改革 ☆", "推进改革 ☆"),
        ("**依法行政纵深推进。**严格执行重大事项", "依法行政纵深推进。严格执行重大事项"),
        ("__重点__工作与*重要*事项", "重点工作与重要事项"),
        ("- 列表项", "列表项"),
        ("> 引用的话", "引用的话"),
        ("<p>政府<b>工作</b>报告</p>", "政府工作报告"),
        ("增长&gt;5%&amp;稳定&nbsp;好", "增长>5%&稳定 好"),
        ("PM_{2.5}浓度下降", "PM2.5浓度下降"),
        ("$PM_{2.5}$浓度", "PM2.5浓度"),
        ("M_2 增长，面积 m^{2} 与 km^2", "M2 增长，面积 m2 与 km2"),
        ("CO_2排放", "CO2排放"),
        ("详见[附件](https://www.gov.cn/a.html)", "详见附件"),
    ],
)
def test_markup_removed_text_kept(mk, src, out):
    assert run(mk, src).text == out + "\n"


@pytest.mark.parametrize(
    ("src", "out", "number"),
    [
        ("## 2 加速推进平台建设", "加速推进平台建设", "2"),
        ("# 51 加大雁阵式企业培育", "加大雁阵式企业培育", "51"),
    ],
)
def test_stray_number_before_heading_removed_and_flagged(mk, src, out, number):
    res = run(mk, src)
    assert res.text == out + "\n"
    flags = [f for f in res.report["flags"] if f["kind"] == "stray-number"]
    assert len(flags) == 1 and number in flags[0]["message"]
    assert res.document.lines[0].kind == "heading"


@pytest.mark.parametrize(
    "text",
    [
        "增长2.5%，C++ 与 a*b 以及 #1 priority",
        "1. 总体要求",
        "2020-2035年远景目标",
        "- 12 -",
        "a * b * c = d",
        "file_name 与 snake_case",
        "10^8 元",
        "AT&T 与 R&D 投入",
        "x < y > z",
        "（一）聚焦发展新质生产力",
        "一九五○年的两倍",
        "《中华人民共和国宪法》",
        "各位代表：",
    ],
)
def test_legit_text_untouched(mk, text):
    res = run(mk, text)
    assert res.text == text + "\n"
    assert not res.report["removed"]


def test_markdown_rule_and_fence_lines_removed(mk):
    res = run(mk, "正文\n\n---\n\n```\n代码\n```")
    assert res.text == "正文\n\n代码\n"


def test_kaihua_seed_headings(mk, seeds_dir):
    text = (seeds_dir / "003_510c41525519e6bf.txt").read_text(encoding="utf-8")
    res = run(mk, text)
    lines = res.text.split("\n")
    assert "加速推进平台建设" in lines and "加大雁阵式企业培育" in lines
    assert not any(ln.startswith(("#", "●", "■")) for ln in lines)
    assert "**" not in res.text
