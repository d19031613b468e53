"""Issue 14, PDF and image items: pixel cap on page renders, bounded stream decoding
whatever the filters, EXIF orientation and transparency, Latin word spaces, (cid:N),
negative MediaBox. Each test failed before its fix.

The folder run (`ocrclean run` as a subprocess) holds the must-holds of the hostile
run for these cases: exit 2, one line per bad file, no traceback, the process tree
under 1 GB, no process left behind.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path

import psutil
import pytest
from hostile_pdf import (
    bomb_hex_flate,
    bomb_window14,
    build_pdf_hostile,
    cid_layer,
    content_pdf,
    deflate,
    huge_mediabox,
    latin_text_layer,
    reshape,
)
from PIL import Image, ImageDraw, ImageFont

from pipeline.config import load_config
from pipeline.errors import LimitExceeded
from pipeline.ingest import read_document
from pipeline.ingest.image import to_array
from pipeline.pdf import streams
from pipeline.pdf.raster import fit_dpi, render
from tests.conftest import shared_path

OCRCLEAN = [sys.executable, "-m", "pipeline.cli"]
MEMORY_LIMIT = 1 << 30
NOTO = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


def cfg(**sections):
    return load_config({"extends": "default", **sections})


# -- 1. page renders are bounded by the pixel limits -----------------------------------
def test_fit_dpi_scales_down_to_the_pixel_limit():
    assert fit_dpi(595, 842, 300, 120_000_000) == 300  # A4: untouched
    dpi = fit_dpi(5000, 5000, 300, 16_000_000)
    assert 50 < dpi < 300 and (5000 * dpi / 72 + 1) ** 2 <= 16_000_000
    with pytest.raises(ValueError, match="too coarse"):
        fit_dpi(14400, 14400, 300, 1_000_000)
    for bad in [(0, 842), (595, float("inf")), (-1, 5)]:
        with pytest.raises(ValueError):
            fit_dpi(*bad, 300, 10**8)


def test_huge_mediabox_renders_within_the_limit():
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(huge_mediabox())
    try:
        image, dpi = render(doc, 0, 300, 16_000_000, gray=True)
    finally:
        doc.close()
    assert image.ndim == 2 and image.size <= 16_000_000 and dpi < 300


def test_huge_mediabox_page_is_flagged_with_its_dpi(tmp_path: Path):
    """A page that cannot be rendered in the limit keeps its text layer, with the reason in the report."""
    path = tmp_path / "huge.pdf"
    path.write_bytes(huge_mediabox())
    doc, _ = read_document(path, cfg(limits={"max_image_pixels": 1_000_000}))  # 5000 pt: 14 dpi
    assert "Government" in doc.text
    (st,) = doc.stats["pages"]
    assert st["mode"] == "text" and "too coarse" in st["ocr_error"] and "max_image_pixels" in st["ocr_error"]


# -- 2. every stream's decoded size is bounded, whatever its filters --------------------
@pytest.mark.parametrize("make", [bomb_window14, bomb_hex_flate], ids=["zlib-window-14", "hex-flate"])
def test_disguised_bombs_are_refused_with_little_memory(tmp_path: Path, make):
    import resource

    path = tmp_path / "bomb.pdf"
    path.write_bytes(make(256 << 20))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(LimitExceeded, match="decompression bomb.*max_stream_bytes"):
        read_document(path, cfg(pdf={"max_stream_bytes": 16 << 20}))
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 120 * 1024  # KiB


def test_first_zlib_byte_is_not_always_x():
    assert deflate(1 << 20, 14)[:1] == b"\x68" and deflate(1 << 20, 15)[:1] == b"\x78"


def test_each_filter_is_bounded_while_decoding():
    limit = 1 << 20
    with pytest.raises(streams.StreamTooLarge):
        streams.inflate(zlib.compress(b" " * (8 << 20)), limit)
    with pytest.raises(streams.StreamTooLarge):
        streams.run_length(b"\x81 " * 20_000, limit)  # 2.5 MB from 40 KB
    with pytest.raises(streams.StreamTooLarge):
        streams.ascii85(b"z" * 300_000, limit)  # 1.2 MB from 300 KB
    assert streams.inflate(zlib.compress(b"abc" * 1000), limit) == b"abc" * 1000
    assert streams.run_length(b"\x02abc\xfdx\x80junk", limit) == b"abcxxxx"
    assert streams.run_length(b"\x05ab", limit) == b"ab"  # truncated: pdfminer raised RuntimeError
    text = b" ".join(b"%d" % i for i in range(20_000))
    assert streams.inflate(zlib.compress(text)[:-30], limit).startswith(text[:1000])  # corrupt: keeps the start


def test_total_decoded_budget_across_streams(tmp_path: Path):
    """Streams each under the bound, together over the budget pdfminer keeps decoded."""
    page = b"BT /F1 12 Tf 72 700 Td (x) Tj ET\n" + b" " * (300 << 10)
    pdf = content_pdf(zlib.compress(page), filters=b"/Filter /FlateDecode")
    path = tmp_path / "total.pdf"
    path.write_bytes(pdf)
    read_document(path, cfg(pdf={"mode": "text"}))  # fine by default
    with pytest.raises(LimitExceeded, match="max_decoded_bytes"):
        read_document(path, cfg(pdf={"mode": "text", "max_decoded_bytes": 200 << 10}))


def test_bounded_decode_matches_pdfminer_on_real_pdfs():
    """The bounded decoder gives pdfminer's bytes on every stream of the real PDFs."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import PDFStream

    pdfs = sorted(shared_path("corpus/pdf").glob("*.pdf"))
    n = 0
    for p in pdfs:
        doc = PDFDocument(PDFParser(io.BytesIO(p.read_bytes())))
        for xref in doc.xrefs:
            for objid in xref.get_objids():
                try:
                    obj = doc.getobj(objid)
                except Exception:  # noqa: BLE001
                    continue
                if isinstance(obj, PDFStream) and obj.rawdata is not None:
                    mine = streams.decode_bounded(obj, 1 << 30)
                    assert mine == obj.get_data(), (p.name, objid)
                    n += 1
    assert n > 10


# -- 8. images: EXIF orientation, transparency -----------------------------------------
def _text_image(mode: str = "RGB") -> Image.Image:
    font = ImageFont.truetype(str(NOTO), 48, index=2)
    bg = (0, 0, 0, 0) if mode == "RGBA" else "white"
    img = Image.new(mode, (1200, 200), bg)
    ImageDraw.Draw(img).text((30, 60), "政府工作报告：国内生产总值增长", font=font, fill=(0, 0, 0, 255) if mode == "RGBA" else "black")
    return img


def test_transparent_png_is_put_on_white():
    rgba = _text_image("RGBA")
    for im in (rgba, rgba.convert("LA")):
        a = to_array(im)
        assert a.mean() > 200 and a.min() < 50  # white paper, black ink (was all black)


def test_exif_orientation_is_applied():
    upright = _text_image()
    buf = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # stored turned left: view by turning right
    upright.rotate(90, expand=True).save(buf, "JPEG", exif=exif, quality=95)
    a = to_array(Image.open(io.BytesIO(buf.getvalue())))
    assert a.shape[:2] == (200, 1200)


@pytest.mark.slow
def test_transparent_and_rotated_images_are_read(tmp_path: Path):
    rgba = tmp_path / "alpha.png"
    _text_image("RGBA").save(rgba)
    rot = tmp_path / "exif.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6
    _text_image().rotate(90, expand=True).save(rot, exif=exif, quality=95)
    for p in (rgba, rot):
        doc, _ = read_document(p, cfg())
        assert "政府工作报告" in "".join(doc.text.split()), (p.name, doc.text)


# -- 9. text layers: Latin word spaces, (cid:N), negative MediaBox ---------------------
def test_latin_word_spaces_survive(tmp_path: Path):
    path = tmp_path / "latin.pdf"
    path.write_bytes(latin_text_layer())
    doc, _ = read_document(path, cfg(pdf={"mode": "text"}))
    assert "2023 GDP growth was 5.2 percent, and 12.44 million urban jobs were added." in doc.text


def test_cid_glyphs_are_removed_and_recorded(tmp_path: Path):
    path = tmp_path / "cid.pdf"
    path.write_bytes(cid_layer())
    doc, _ = read_document(path, cfg(pdf={"mode": "text"}))
    assert "(cid:" not in doc.text and "Government work report 2023" in doc.text
    assert [r.reason for r in doc.removed] == ["cid-glyph"] and doc.removed[0].text.count("(cid:") == 4
    assert [f.kind for f in doc.flags] == ["pdf-cid"]


def test_negative_mediabox_keeps_the_text_layer(tmp_path: Path):
    from tests import pdfgen

    pdf = pdfgen._pdf(tmp_path)
    pdf.set_compression(False)
    for p in range(3):
        pdf.add_page()
        pdf.set_font("cjk", size=12)
        for k in range(10):
            pdf.text(60, 100 + 20 * k, pdfgen.BODY[(k + p) % 8][:30])
    plain = bytes(pdf.output())
    moved = reshape(plain, b"[0 -841.89 595.28 0]", b"1 0 0 1 0 -841.89 cm\n")
    texts = []
    for name, data in [("plain.pdf", plain), ("negative.pdf", moved)]:
        (tmp_path / name).write_bytes(data)
        doc, _ = read_document(tmp_path / name, cfg())
        assert not doc.removed, [r.reason for r in doc.removed]  # was: every line a "running-footer"
        texts.append(doc.text)
    assert texts[0] == texts[1] and len(texts[0]) > 500


# -- the folder run: the must-holds -----------------------------------------------------
def _tree_peak(proc: subprocess.Popen, done: threading.Event, peak: list[int], seen: dict[int, psutil.Process]) -> None:
    ps = psutil.Process(proc.pid)
    while not done.is_set():
        try:
            total = 0
            kids = ps.children(recursive=True)
            seen.update((k.pid, k) for k in kids)
            for p in [ps, *kids]:
                try:
                    total += p.memory_full_info().pss
                except (psutil.AccessDenied, AttributeError):
                    total += p.memory_info().rss
            peak[0] = max(peak[0], total)
        except psutil.Error:
            pass
        done.wait(0.05)


@pytest.mark.slow
def test_pdf_hostile_folder_run(tmp_path: Path):
    src = tmp_path / "in"
    cases = build_pdf_hostile(src)
    conf = tmp_path / "hostile.toml"
    conf.write_text('extends = "default"\n[limits]\nmax_seconds_per_document = 60\n', encoding="utf-8")
    env = {**os.environ, "PYTHONUTF8": "1", "COLUMNS": "200"}
    env.pop("OCRCLEAN_DEBUG", None)
    t0 = time.monotonic()
    proc = subprocess.Popen([*OCRCLEAN, "run", str(src), "--out", str(tmp_path / "out"), "-c", str(conf), "-q"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    done, peak, seen = threading.Event(), [0], {}
    watcher = threading.Thread(target=_tree_peak, args=(proc, done, peak, seen), daemon=True)
    watcher.start()
    out, err = proc.communicate(timeout=300)
    done.set()
    watcher.join()
    stderr = err.decode("utf-8", "replace")
    print(f"pdf hostile run: rc={proc.returncode} {time.monotonic() - t0:.1f} s, peak tree {peak[0] / 2**20:.0f} MiB",
          file=sys.stderr)
    assert proc.returncode == 2, stderr
    assert "Traceback" not in stderr and "Traceback" not in out.decode("utf-8", "replace")
    lines = stderr.splitlines()
    assert all(ln.startswith("ocrclean: error: ") for ln in lines), lines
    for case in cases:
        mine = [ln for ln in lines if ln.startswith(f"ocrclean: error: {src / str(case.name)}: ")]
        if case.kind == "bad":
            assert len(mine) == 1 and re.search(case.reason, mine[0]), (case.name, lines)
        else:
            assert len(mine) <= 1 and (not mine or re.search(case.reason, mine[0])), (case.name, lines)
            if not mine:
                text = (tmp_path / "out" / Path(str(case.name)).with_suffix(".txt")).read_text(encoding="utf-8")
                assert case.marker in text
    assert peak[0] < MEMORY_LIMIT, f"{peak[0] / 2**20:.0f} MiB"
    time.sleep(0.5)
    left = [p for p in seen.values() if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert not left, [(p.pid, p.name()) for p in left]  # no engine or worker outlives the run
