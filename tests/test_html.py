"""`ocrclean run --html`, rendered by real headless Chromium: DOM assertions and a screenshot."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SAMPLES, SHARED

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
OCRCLEAN = Path(sys.executable).parent / "ocrclean"
HOSTILE = '<script>alert("x")</script>\n经济 增长 7.5% , 好.\n& <b>粗体</b> <img src="http://example.org/x.png">\n'

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make setup installs it)"),
]


def chromium(tmp: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={tmp / 'chromium-profile'}", "--window-size=1400,1000", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


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
    res = subprocess.run([str(OCRCLEAN), "run", str(inp), "--out", str(tmp / "out"), "--html", "-q"],
                         capture_output=True, timeout=300)
    assert res.returncode == 2, res.stderr  # the broken PDF
    return tmp / "out"


def test_files_are_self_contained(html_out: Path) -> None:
    pages = [html_out / "index.html", *sorted((html_out / "html").glob("*.html"))]
    assert len(pages) >= 3
    for p in pages:
        text = p.read_text(encoding="utf-8")
        assert not re.search(r"<(script|link|img|iframe|object)\b", text, re.I), p
        assert not re.search(r"<[a-z][^>]*\ssrc=", text, re.I)
        assert all(h.startswith(("html/doc-", "../index.html")) for h in re.findall(r'\shref="([^"]*)"', text)), p


def test_index_renders_one_row_per_document(html_out: Path, tmp_path: Path) -> None:
    res = chromium(tmp_path, "--dump-dom", (html_out / "index.html").as_uri())
    dom = res.stdout
    assert "<table" in dom, res.stderr[-500:]
    rows = re.findall(r"<tr>(.*?)</tr>", dom.split("<tbody>")[1], re.S)
    n_inputs = len(list((html_out.parent / "in").iterdir()))
    assert len(rows) == n_inputs
    ok_rows = [r for r in rows if 'class="num score"' in r]
    assert len(ok_rows) == n_inputs - 1
    for r in ok_rows:
        assert re.search(r'class="num score">\d+(\.\d+)?<', r) and re.search(r'class="grade g-[A-F]">[A-F]', r)
    assert any("zz_broken.pdf" in r and 'class="error"' in r for r in rows)


def test_document_page_side_by_side(html_out: Path, tmp_path: Path) -> None:
    index = (html_out / "index.html").read_text(encoding="utf-8")
    href = re.search(r'<a href="(html/doc-\d+\.html)">[^<]*zz_hostile\.txt</a>', index).group(1)
    page = html_out / href
    dom = chromium(tmp_path, "--dump-dom", page.as_uri()).stdout
    assert "<script" not in dom.replace("&lt;script", "")  # the input's tag is text, not an element
    assert "&lt;script&gt;" in dom
    assert re.search(r'<del class="rm" title="removed: [^"]+">', dom)  # removed spans highlighted
    assert 'class="side"' in dom and dom.count('class="col"') == 2
    assert "<table class=\"components\">" in dom and "penalty" in dom
    shot = tmp_path / "page.png"
    chromium(tmp_path, f"--screenshot={shot}", page.as_uri())
    from PIL import Image

    img = Image.open(shot).convert("L")
    assert img.size == (1400, 1000)
    lo, hi = img.getextrema()
    assert hi - lo > 100  # something was drawn, not a blank page
    colors = len(set(img.resize((140, 100)).tobytes()))
    assert colors > 20
