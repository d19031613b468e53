"""`ocrclean run --html`, rendered by real headless Chromium: DOM assertions and screenshots
whose pixels must show the diff marks and the page picture (colour counts, tolerant of fonts)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pipeline import clean_text
from pipeline.html_align import align, side_text
from tests.conftest import SAMPLES, SHARED

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
OCRCLEAN = Path(sys.executable).parent / "ocrclean"
HOSTILE = ('<script>alert("x")</script>\n经济 增长 7.5% , 好.\n& <b>粗体</b> <img src="http://example.org/x.png">\n'
           "第一行。\n第二行有\ufffd错。\n第三行。\n")
WRAPPED = "这是一个很长的句子被硬换行切\n开了，后面还有一些内容要继\n续写下去。\n\n第二段。\n"
needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make setup installs it)")


def chromium(tmp: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={tmp / 'chromium-profile'}", "--window-size=1400,1000", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def screenshot(tmp: Path, url: str):
    from PIL import Image

    shot = tmp / "shot.png"
    chromium(tmp, f"--screenshot={shot}", url)
    img = Image.open(shot).convert("RGB")
    assert img.size == (1400, 1000)
    return img


def near(img, box, rgb, tol=40) -> int:
    """Pixels in `box` within `tol` of colour `rgb` (each channel)."""
    import numpy as np

    region = np.asarray(img.crop(box), dtype=np.int16)
    return int((np.abs(region - np.array(rgb, dtype=np.int16)) <= tol).all(axis=2).sum())


class Tags(HTMLParser):
    """Every element and its attributes, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.seen.append((tag, attrs))


ALLOWED_TAGS = {"html", "head", "meta", "title", "style", "body", "script", "p", "a", "h1", "h2", "b", "span", "div",
                "del", "ins", "label", "input", "select", "option", "table", "thead", "tbody", "tr", "th", "td",
                "figure", "figcaption", "svg", "image", "rect"}


# the alignment itself: pure functions, no browser


REAL = [*sorted((SAMPLES / "text").glob("*.txt"))[:3], *sorted((SHARED / "seeds").glob("*.txt"))]


@pytest.mark.parametrize("text", [HOSTILE, WRAPPED, *[p.read_text(encoding="utf-8", errors="replace") for p in REAL]])
def test_alignment_spells_both_sides_exactly(text: str) -> None:
    src = text.split("\n")
    out = clean_text(text).text.split("\n")
    rows = align(src, out)
    assert side_text([ln for r in rows for ln in r.src_segs], "src") == "\n".join(src)
    assert side_text([ln for r in rows for ln in r.out_segs], "out") == "\n".join(out)
    assert [r.src for r in rows] == sorted(r.src for r in rows)  # rows run in source order, each line once
    assert sum(r.src[1] - r.src[0] for r in rows) == len(src) and sum(r.out[1] - r.out[0] for r in rows) == len(out)


def test_every_kind_of_difference_is_a_segment() -> None:
    src = WRAPPED.split("\n") + ["经济 增长 7.5% , 好."]
    rows = align(src, clean_text("\n".join(src)).text.split("\n"))
    segs = [s for r in rows for ln in (*r.src_segs, *r.out_segs) for s in ln]
    assert ("del", "\n", "") in segs  # a hard wrap joined
    assert ("del", " ", "") in segs  # a space between CJK deleted
    assert any(op == "sub" and t.strip() == "," and "，" in o for op, t, o in segs)  # punctuation width


# the batch: one run, many checks


@pytest.fixture(scope="module")
def html_out(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("html")
    inp = tmp / "in"
    inp.mkdir()
    src = SHARED / "seeds"
    for f in sorted(src.glob("*.txt")) if src.is_dir() else sorted((SAMPLES / "text").glob("*.txt")):
        shutil.copy(f, inp / f.name)
    (inp / "zz_hostile.txt").write_text(HOSTILE, encoding="utf-8")
    (inp / "zz_broken.pdf").write_bytes(b"%PDF-1.4 nothing")
    shutil.copy(SAMPLES / "pages" / "p6_lowres.png", inp / "p6_lowres.png")
    shutil.copy(SAMPLES / "pdf" / "two_column_report.pdf", inp / "two_column_report.pdf")
    res = subprocess.run([str(OCRCLEAN), "run", str(inp), "--out", str(tmp / "out"), "--html", "-q"],
                         capture_output=True, timeout=600)
    assert res.returncode == 2, res.stderr  # the broken PDF
    return tmp / "out"


def doc_page(html_out: Path, name: str) -> Path:
    index = (html_out / "index.html").read_text(encoding="utf-8")
    return html_out / re.search(rf'<a href="(html/doc-\d+\.html)">[^<]*{re.escape(name)}</a>', index).group(1)


def test_files_are_self_contained(html_out: Path) -> None:
    pages = [html_out / "index.html", *sorted((html_out / "html").glob("*.html"))]
    assert len(pages) >= 4
    for p in pages:
        text = p.read_text(encoding="utf-8")
        assert "Content-Security-Policy" in text and "default-src 'none'" in text
        assert len(re.findall(r"<script\b", text)) == 1, p  # ours, inline; the input's is escaped text
        assert not re.search(r"<(link|img|iframe|object|embed)\b", text, re.I), p
        tags = Tags()
        tags.feed(text)
        assert {t for t, _ in tags.seen} <= ALLOWED_TAGS, p  # the input's tags are text, never elements
        assert not [a for _, attrs in tags.seen for a, _ in attrs if a == "src" or a.startswith("on")], p
        for h in [v for _, attrs in tags.seen for a, v in attrs if a == "href"]:
            assert h.startswith(("html/doc-", "../index.html", "data:image/jpeg;base64,")), (p, h[:80])


@needs_chromium
def test_index_sorts_and_filters(html_out: Path, tmp_path: Path) -> None:
    uri = (html_out / "index.html").as_uri()
    dom = chromium(tmp_path, "--dump-dom", uri).stdout
    rows = re.findall(r"<tr ([^>]*)>(.*?)</tr>", dom.split("<tbody>")[1], re.S)
    n_inputs = len(list((html_out.parent / "in").iterdir()))
    assert len(rows) == n_inputs
    ok_rows = [r for a, r in rows if 'class="num score"' in r]
    assert len(ok_rows) == n_inputs - 1
    for r in ok_rows:
        assert re.search(r'class="num score">\d+(\.\d+)?<', r) and re.search(r'class="grade g-[A-F]">[A-F]', r)
    assert any("zz_broken.pdf" in r and 'class="error"' in r for _, r in rows)

    dom = chromium(tmp_path, "--dump-dom", uri + "#sort=score&dir=asc").stdout
    scores = [float(s) for s in re.findall(r'<tr [^>]*data-score="([\d.]+)"', dom)]
    assert scores == sorted(scores) and len(scores) == n_inputs - 1
    dom = chromium(tmp_path, "--dump-dom", uri + "#grade=error").stdout
    shown = [a for a, _ in re.findall(r"<tr ([^>]*)>(.*?)</tr>", dom.split("<tbody>")[1], re.S) if "hidden" not in a]
    assert len(shown) == 1 and 'data-grade="error"' in shown[0]
    dom = chromium(tmp_path, "--dump-dom", uri + "#flag=replacement-char").stdout
    shown = [r for a, r in re.findall(r"<tr ([^>]*)>(.*?)</tr>", dom.split("<tbody>")[1], re.S) if "hidden" not in a]
    assert len(shown) == 1 and "zz_hostile.txt" in shown[0]


@needs_chromium
def test_document_page_shows_every_difference(html_out: Path, tmp_path: Path) -> None:
    page = doc_page(html_out, "zz_hostile.txt")
    dom = chromium(tmp_path, "--dump-dom", page.as_uri()).stdout
    assert "&lt;script&gt;" in dom and 'alert("x")</script>' not in dom  # the input's tag is text
    assert re.search(r'<del class="d" title="removed: [^"]+">&lt;script', dom)  # removal with its reason
    assert re.search(r'<del class="s" title="changed to [^"]*">[^<]*,', dom)  # half-width comma ...
    assert re.search(r'<ins class="s" title="was [^"]*">，', dom)  # ... and what it became
    assert '<del class="d" title="space removed"><span class="ws">·</span></del>' in dom
    # the U+FFFD flag sits on the row of its own source line, not on the next output line
    flagged = re.findall(r'<div class="row[^"]*flagged"[^>]*>(.*?)</div></div></div>', dom, re.S)
    assert any("第二行有" in r and "replacement-char" in r for r in flagged), flagged
    assert "<table class=\"components\">" in dom and "penalty" in dom

    img = screenshot(tmp_path, page.as_uri())
    left, right = (0, 150, 700, 1000), (700, 150, 1400, 1000)
    assert near(img, left, (255, 200, 200)) > 200  # removed text, struck in red
    assert near(img, left, (255, 224, 138), 25) > 100 and near(img, right, (255, 224, 138), 25) > 100  # substitutions
    assert near(img, right, (191, 240, 191), 25) > 20  # added line breaks


@needs_chromium
def test_image_input_shows_page_with_line_boxes(html_out: Path, tmp_path: Path) -> None:
    page = doc_page(html_out, "p6_lowres.png")
    text = page.read_text(encoding="utf-8")
    assert '<image href="data:image/jpeg;base64,' in text
    boxes = re.findall(r'<rect class="box" data-row="(\d+)"', text)
    assert len(boxes) >= 10
    rows = set(re.findall(r'<div class="row[^"]*" id="r(\d+)" data-boxes=', text))
    assert set(boxes) <= rows  # every box leads to a row of the text

    row = sorted(boxes, key=int)[len(boxes) // 2]  # a row's address lights its boxes (the script ran)
    dom = chromium(tmp_path, "--dump-dom", f"{page.as_uri()}#r{row}").stdout
    assert re.search(rf'<rect class="box on" data-row="{row}"', dom) and re.search(rf'class="row[^"]* on" id="r{row}"', dom)
    assert not re.search(rf'<rect class="box on" data-row="(?!{row}")', dom)  # only that row's

    img = screenshot(tmp_path, page.as_uri())
    pane, text_pane = (20, 200, 540, 1000), (580, 200, 1380, 1000)
    assert near(img, pane, (30, 110, 230), 50) > 500  # the OCR line boxes over the page
    assert len(set(img.crop(pane).convert("L").resize((100, 100)).tobytes())) > 40  # a picture, not a blank pane
    assert near(img, text_pane, (30, 110, 230), 50) < near(img, pane, (30, 110, 230), 50) / 5


@needs_chromium
def test_pdf_input_shows_its_pages(html_out: Path) -> None:
    text = doc_page(html_out, "two_column_report.pdf").read_text(encoding="utf-8")
    assert text.count('<figure class="page"') == 3  # three pages, the third OCR'd
    assert len(re.findall(r'<rect class="box"', text)) >= 15


def test_review_says_when_the_input_changed_since_the_run(html_out: Path) -> None:
    import json

    from pipeline.html_report import document_page

    report = json.loads((html_out / "zz_hostile.report.json").read_text(encoding="utf-8"))
    clean = (html_out / "zz_hostile.txt").read_text(encoding="utf-8")
    assert "has changed since" not in document_page(report, clean, "../index.html")
    report["source"]["sha256"] = "0" * 64
    assert "The input has changed since this run" in document_page(report, clean, "../index.html")
