"""OCR of the sample pages end to end, replaying recorded engine output (tests/ocr_cache/).

The cache holds the real output of Tesseract and RapidOCR for the exact
images and blocks the current preprocessing and layout produce. A change
there misses the cache, and the test fails naming the missing key and the
command that records it (`make record-ocr`); it never goes live silently and
never writes into the checkout. The live-engine tests at the end are marked
`live_engine` and have their own, wider tolerances.
"""

from __future__ import annotations

import re
import struct
import unicodedata
import zlib
from pathlib import Path

import cv2
import pytest
from PIL import Image
from rapidfuzz.distance import Levenshtein

from pipeline import Pipeline
from pipeline.config import load_config
from pipeline.errors import ConfigError, InputError, LimitExceeded
from pipeline.ingest import read_document
from pipeline.ocr import ocr_page, ocr_pages
from tests.conftest import ocr_cache_settings

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "samples" / "pages"
CACHE = ocr_cache_settings(strict=True)
SAMPLES = sorted(p.name for p in PAGES.iterdir() if not p.name.endswith(".gt"))
HEADLINES = {"p2_twocol_headline", "p3_threecol_skew", "p6_lowres", "p8_full_mess", "p9_year_headline"}


def fold(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).translate({0x201C: 34, 0x201D: 34, 0x3007: 79}))


def cer(hyp: str, ref: str) -> float:
    return Levenshtein.distance(fold(hyp), fold(ref)) / len(fold(ref))


def gt(name: str) -> str:
    return (PAGES / (Path(name).stem + ".gt")).read_text(encoding="utf-8")


def cfg(engine: str = "tesseract", **kw) -> dict:
    return {"engine": engine, **CACHE, "progress": False, **kw}


def config(**ocr) -> object:
    return load_config({"extends": "default", "ocr": {**CACHE, "progress": False, **ocr}})


@pytest.mark.parametrize("engine, limit", [("tesseract", 0.01), ("rapidocr", 0.005)])
@pytest.mark.parametrize("name", SAMPLES)
def test_sample_page_text_in_reading_order(name, engine, limit):
    page = ocr_page(cv2.imread(str(PAGES / name), cv2.IMREAD_UNCHANGED), cfg(engine), page=3)
    text = "\n".join(ln.text for ln in page.lines)
    if engine == "tesseract" and name.startswith("p8"):
        # skewed, noisy, with a vertical headline: Tesseract's fast model misreads 〇, 人 and 祉 there
        # (1.08% with OpenCV 5.1 as locked, 0.9% with 4.x); the other pages stay under 1%
        limit = 0.015
    assert cer(text, gt(name)) <= limit
    heads = [ln for ln in page.lines if ln.kind == "headline"]
    if Path(name).stem in HEADLINES:
        head = gt(name).split("\n\n")[0 if "title" not in name and name.startswith("p5") else 1]
        # Tesseract's fast chi_sim_vert model misreads a rare glyph or two (福祉 -> 福社); PP-OCR does not
        assert len(heads) == 1 and cer(heads[0].text, head) <= (0.2 if engine == "tesseract" else 0.0)
    body = [ln for ln in page.lines if ln.text]
    assert all(ln.page == 3 and 0 <= ln.conf <= 100 and len(ln.meta["bbox"]) == 4 for ln in body)
    assert page.stats["engine"] == engine and page.mean_conf > 80


def test_clean_file_runs_ocr_lines_through_the_text_stages():
    res = Pipeline(config()).clean_file(PAGES / "p8_full_mess.jpg")
    doc = res.document
    assert doc.kind == "image" and doc.stats["pages"][0]["vertical_blocks"] == 1
    assert 80 < doc.stats["ocr_confidence"] <= 100
    assert cer(res.text, gt("p8_full_mess.jpg")) <= 0.02
    assert "\n\n" in res.text and not re.search(r"[\u4e00-\u9fff] [\u4e00-\u9fff]", res.text)


def test_formats_tiff_multipage_bmp_webp(tmp_path):
    a, b = Image.open(PAGES / "p2_twocol_headline.png"), Image.open(PAGES / "p6_lowres.png")
    a.save(tmp_path / "two.tif", save_all=True, append_images=[b], compression="tiff_lzw")
    a.save(tmp_path / "a.bmp")
    a.save(tmp_path / "a.webp", lossless=True)
    doc, raw = read_document(tmp_path / "two.tif", config())
    assert doc.metadata["pages"] == 2 and [p["page"] for p in doc.stats["pages"]] == [1, 2]
    assert {ln.page for ln in doc.lines if ln.text} == {1, 2} and raw[:4] == b"II*\x00"
    assert [ln.src[0] for ln in doc.lines] == list(range(1, len(doc.lines) + 1))
    ref = "".join(ln.text for ln in doc.lines if ln.page == 1)
    for name in ("a.bmp", "a.webp"):
        d, _ = read_document(tmp_path / name, config())
        assert "".join(ln.text for ln in d.lines) == ref


def test_jobs_two_gives_the_same_pages_in_order():
    imgs = [cv2.imread(str(PAGES / n), cv2.IMREAD_UNCHANGED) for n in ("p2_twocol_headline.png", "p6_lowres.png")]
    one = ocr_pages(imgs, cfg(), jobs=1)
    two = ocr_pages(imgs, cfg(), jobs=2)
    assert [[ln.text for ln in p.lines] for p in one] == [[ln.text for ln in p.lines] for p in two]
    assert [p.stats["page"] for p in two] == [1, 2]


def test_zero_byte_and_truncated_images_are_input_errors(tmp_path):
    (tmp_path / "empty.png").write_bytes(b"")
    data = (PAGES / "p2_twocol_headline.png").read_bytes()
    (tmp_path / "cut.png").write_bytes(data[: len(data) // 3])
    (tmp_path / "junk.jpg").write_bytes(b"\xff\xd8\xff" + b"not a jpeg at all" * 10)
    for name, why in (("empty.png", "empty"), ("cut.png", "damaged"), ("junk.jpg", "image")):
        with pytest.raises(InputError, match=why):
            read_document(tmp_path / name, config())


def _png_header(w: int, h: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)) + chunk(b"IEND", b"")


def test_decompression_bomb_refused_before_decoding(tmp_path):
    (tmp_path / "bomb.png").write_bytes(_png_header(50_000, 50_000))  # 2.5 G pixels in 45 bytes
    with pytest.raises(LimitExceeded, match="max_image_pixels"):
        read_document(tmp_path / "bomb.png", config())
    small = load_config({"extends": "default", "limits": {"max_image_pixels": 1000}})
    with pytest.raises(LimitExceeded, match="1000"):
        read_document(PAGES / "p6_lowres.png", small)


def test_image_without_text_is_empty_with_a_flag(tmp_path):
    Image.new("L", (600, 400), 250).save(tmp_path / "blank.png")
    res = Pipeline(config()).clean_file(tmp_path / "blank.png")
    assert res.text == "" and "no-text" in [f["kind"] for f in res.report["flags"]]
    assert res.document.stats["ocr_confidence"] == 0.0


def test_unknown_engine_is_a_config_error():
    with pytest.raises(ConfigError, match="known: rapidocr, tesseract"):
        read_document(PAGES / "p6_lowres.png", config(engine="nope"))


# -- live engines (no cache): small crops, a few seconds each -------------------------------------------

def _crop(name: str, box: tuple[int, int, int, int]):
    x0, y0, x1, y1 = box
    return cv2.imread(str(PAGES / name), cv2.IMREAD_GRAYSCALE)[y0:y1, x0:x1]


@pytest.mark.live_engine
def test_live_tesseract_reads_a_vertical_headline_and_a_column():
    img = _crop("p2_twocol_headline.png", (520, 160, 1240, 760))  # right column top and the headline
    page = ocr_page(img, {"engine": "tesseract"})
    head = [ln.text for ln in page.lines if ln.kind == "headline"]
    assert head and cer(head[0], gt("p2_twocol_headline.png").split("\n\n")[1]) <= 0.1
    assert sum(len(ln.text) for ln in page.lines if ln.kind == "body") > 60


@pytest.mark.live_engine
def test_live_rapidocr_reads_a_column():
    page = ocr_page(_crop("p6_lowres.png", (30, 90, 700, 300)), {"engine": "rapidocr"})
    text = "".join(ln.text for ln in page.lines)
    assert len(text) > 60 and fold(text)[:20] in fold(gt("p6_lowres.png"))
