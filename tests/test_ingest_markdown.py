"""Markdown input through markdown-it-py: markup goes, what a reader sees stays."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import InputError
from pipeline.ingest.markdown import markdown_document, markdown_lines
from tests.conftest import shared_path

TABLE_MD = """# 2024年主要指标

| 指标 | 2023年 | 增长 |
|---|---:|---|
| 地区生产总值 | 8.2万亿元 | 5.2% |
| 城镇新增就业 | 1244万人 | **超额** |

各位代表：现在，我代表市人民政府，
向大会报告工作，请予审议。
"""


def lines(src: str) -> list[str]:
    return [t for t, _ in markdown_lines(src)]


def test_a_table_keeps_every_cell_apart(pipeline_default):
    assert lines(TABLE_MD)[2:5] == [
        "| 指标 | 2023年 | 增长 |", "", "| 地区生产总值 | 8.2万亿元 | 5.2% |",
    ]
    res = pipeline_default.clean_bytes(TABLE_MD.encode(), "table.md")
    out = res.text
    assert "2024年主要指标\n" in out and "#" not in out and "**" not in out and "---" not in out
    assert "指标|2023年|增长" in out.replace(" ", "")  # cells never merge into one word
    assert "城镇新增就业|1244万人|超额" in out.replace(" ", "")
    assert "各位代表：现在，我代表市人民政府，向大会报告工作，请予审议。" in out  # a soft break joins


def test_the_parser_decides_what_is_markup():
    src = (
        "计算 3*4=12，文件 a_b_c.txt，比例 5 * 6。\\*不是强调\\*。\n\n"
        "**一、总体要求**与 *重点*，见[附件](http://example.org/a.pdf)。![图1 增长率](fig.png)\n\n"
        "1. 稳定增长\n2. 扩大内需\n\n- 甲项\n- 乙项\n\n> 引用的话\n\n```\n  代码 *原样*\n```\n\n<div>块<b>级</b></div>\n"
    )
    assert lines(src) == [
        "计算 3*4=12，文件 a_b_c.txt，比例 5 * 6。*不是强调*。", "",
        "一、总体要求与 重点，见附件。图1 增长率", "",
        "1. 稳定增长", "", "2. 扩大内需", "",
        "甲项", "", "乙项", "",
        "引用的话", "",
        "  代码 *原样*", "",
        "块级",
    ]


def test_lines_keep_their_source_line_numbers():
    src = "# 标题\n\n第一段\n接着第一段\n\n第二段\n"
    assert markdown_lines(src) == [("标题", (1, 1)), ("", (2, 2)), ("第一段 接着第一段", (3, 4)), ("", (5, 5)), ("第二段", (6, 6))]


def test_ideographic_indent_is_kept():
    """markdown-it strips U+3000 as whitespace; a browser shows it, and it marks a paragraph's
    start for the paragraphs stage (without it, 3 national reports joined paragraphs)."""
    assert lines("\u3000\u3000第一段\n\n\u3000\u3000第二段\n") == ["\u3000\u3000第一段", "", "\u3000\u3000第二段"]


@pytest.mark.parametrize("name", ["1954政府工作报告_周恩来.txt", "1991政府工作报告_李鹏.txt"])
def test_real_report_as_markdown_cleans_like_the_text(name, pipeline_default):
    """A real report written as Markdown (a blank line between paragraphs) cleans to exactly
    what the same text gives as .txt: measured on all 37 national reports and the Shaoxing seed."""
    raw = shared_path("corpus", "national-clean", name).read_text(encoding="utf-8")
    md = "\n\n".join(ln for ln in raw.split("\n") if ln.strip()) + "\n"
    assert pipeline_default.clean_bytes(md.encode(), "r.md").text == pipeline_default.clean_bytes(md.encode(), "r.txt").text


def test_encodings_and_failures():
    doc = markdown_document("# 标题\n\n正文。\n".encode("gb18030"), "gbk.md")
    assert doc.metadata["encoding"] == "gb18030" and doc.text == "标题\n\n正文。"
    with pytest.raises(InputError, match="only markup"):
        markdown_document(b"---\n\n***\n", "rules.md")
    with pytest.raises(InputError, match="binary"):
        markdown_document(bytes(range(256)) * 20, "bin.md")


def test_unbalanced_markup_is_text(pipeline_default, tmp_path: Path):
    f = tmp_path / "odd.md"
    f.write_text("**" * 500 + "扩大内需" + "__" * 301 + "\n\n" + "<b><i>" * 200 + "稳就业\n", encoding="utf-8")
    res = pipeline_default.clean_file(f)
    assert "扩大内需" in res.text and "稳就业" in res.text
