"""HTML input: the main text through trafilatura, the chrome left out, bad pages handled."""

from __future__ import annotations

import html as H
from pathlib import Path

import pytest

from pipeline.errors import InputError
from pipeline.ingest.html import html_document, visible_text
from tests.conftest import shared_path

NAV = "<header><nav><a href='/'>首页</a> | <a href='/zw'>政务公开</a> | <a href='/hd'>互动交流</a></nav></header>"
FOOT = ("<footer><p>主办单位：某某省人民政府办公厅 版权所有</p><p>网站标识码 3300000001 浙ICP备12345678号</p>"
        "<p>联系我们 | 网站地图 | 隐私声明</p></footer>")


def page(title: str, paras: list[str], charset: str = "utf-8") -> str:
    body = "".join(f"<p>{H.escape(x)}</p>" for x in paras)
    return (f"<!DOCTYPE html><html><head><meta charset='{charset}'><title>{H.escape(title)}</title>"
            f"<script>var x = '不该出现';</script><style>p {{ margin: 0 }}</style></head><body>{NAV}"
            f"<div class='main'><article><h1>{H.escape(title)}</h1>{body}</article></div>"
            f"<aside><ul><li>相关链接：国务院</li><li>热点专题</li></ul></aside>{FOOT}</body></html>")


@pytest.mark.parametrize("name", ["1954政府工作报告_周恩来.txt", "1991政府工作报告_李鹏.txt", "2005政府工作报告_温家宝.txt"])
def test_real_report_in_a_page_keeps_its_text_and_drops_the_chrome(name, pipeline_default):
    """Real report text (the national corpus) in a government-site page: every paragraph
    survives and no chrome does. On all 37 reports plus the Shaoxing seed, 13 characters of
    742,090 differ from cleaning the .txt (paragraph joins), none of them chrome."""
    path = shared_path("corpus", "national-clean", name)
    raw = path.read_text(encoding="utf-8")
    paras = [ln for ln in raw.split("\n") if ln.strip()]
    res = pipeline_default.clean_bytes(page(paras[0], paras[1:]).encode(), path.stem + ".html")
    plain = pipeline_default.clean_bytes(raw.encode(), path.name)
    assert res.report["metadata"]["html_extractor"] == "trafilatura"
    got = "".join(res.text.split())
    for para in plain.text.split("\n"):
        assert "".join(para.split()) in got or len(para) < 40, para[:40]
    for chrome in ("互动交流", "版权所有", "ICP备", "网站地图", "热点专题", "不该出现", "margin"):
        assert chrome not in res.text
    assert res.report["metadata"]["html_text_chars"] > res.report["metadata"]["html_kept_chars"]


def test_provincial_page_text_through_the_html_reader(pipeline_default):
    """A scraped provincial report (its own chrome lines included) as a page: the report's
    body paragraphs all survive."""
    import csv

    csv.field_size_limit(1 << 30)
    path = shared_path("corpus", "provincial-2026-raw", "2026_浙江省_政府工作报告.csv")
    with open(path, encoding="utf-8-sig", newline="") as fh:
        row = next(csv.DictReader(fh))
    paras = [ln for ln in row["full_text"].split("\n") if ln.strip()]
    res = pipeline_default.clean_bytes(page(row["title"], paras).encode(), "zj.html")
    long_paras = [p for p in paras if len(p) > 80]
    got = "".join(res.text.split())
    kept = sum(len(p) for p in long_paras if "".join(p.split())[:40] in got)
    assert kept == sum(len(p) for p in long_paras)


def test_gbk_page_decodes_like_a_gbk_text_file():
    text = "各位代表：现在，我代表省人民政府，向大会报告工作，请予审议。过去一年，全省经济增长百分之五点五。"
    doc = html_document(page("政府工作报告", [text] * 3, "gbk").encode("gbk"), "gbk.html", 1 << 20)
    assert doc.metadata["encoding"] == "gb18030"
    assert text in doc.text


def test_bad_html_keeps_its_text():
    """Unclosed tags, stray closers, a never-closed <head>, entities: the text is kept."""
    bad = ("<html><head><title>标题<body><div><p>未闭合的段落<b>粗体<i>斜体</div></span></p>"
           "<p>经济增长 5.2% &amp; 就业 &lt;稳定&gt;<p>第三段<table><tr><td>指标<td>数值</table>")
    doc = html_document(bad.encode(), "bad.html", 1 << 20)
    for piece in ("未闭合的段落", "粗体", "斜体", "经济增长 5.2% & 就业 <稳定>", "第三段", "指标", "数值"):
        assert piece in doc.text


def test_short_fragment_falls_back_to_its_visible_text():
    doc = html_document("<p>经济增长7.5%，好。</p>".encode(), "frag.html", 1 << 20)
    assert doc.metadata["html_extractor"] == "visible-text"
    assert doc.text.strip() == "经济增长7.5%，好。"


def test_deep_nesting_still_gives_the_text():
    """libxml2 stops at depth 2048 (lxml and trafilatura then see nothing): the streaming
    tokenizer of the fallback still reads the text."""
    deep = "<div>" * 10_000 + "深化改革开放" + "</div>" * 10_000
    assert visible_text(deep) == "深化改革开放"
    assert "深化改革开放" in html_document(deep.encode(), "deep.html", 1 << 26).text


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"<html><body><script>var a = 1;</script><style>p{}</style></body></html>", "no text in the HTML page"),
        (b"", "empty file"),
        (bytes(range(256)) * 20, "binary"),
    ],
)
def test_pages_without_text_fail_with_a_reason(data, reason):
    with pytest.raises(InputError, match=reason):
        html_document(data, "x.html", 1 << 20)


def test_run_reads_an_html_file_by_suffix(tmp_path: Path, pipeline_default):
    text = "各位代表：现在，我代表市人民政府，向大会报告工作，请予审议。" * 4
    f = tmp_path / "report.htm"
    f.write_text(page("政府工作报告", [text, text + "再一段。"]), encoding="utf-8")
    res = pipeline_default.clean_file(f)
    assert res.report["metadata"]["format"] == "html"
    assert "<p>" not in res.text and "首页" not in res.text and "各位代表" in res.text
