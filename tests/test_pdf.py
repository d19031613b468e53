"""PDF input on PDFs we generate: reading order, fake bold, vertical text, running heads,
OCR fallback for image-only and garbage-layer pages, modes, errors and limits."""

from __future__ import annotations

from pathlib import Path

import pytest
from rapidfuzz import fuzz

from pipeline.config import load_config
from pipeline.errors import ConfigError, InputError, LimitExceeded
from pipeline.ingest import read_document
from tests import pdfgen
from tests.conftest import shared_path


def cfg(**sections):
    return load_config({"extends": "default", **sections})


def fold(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(scope="session")
def gen(tmp_path_factory) -> dict:
    d = tmp_path_factory.mktemp("pdfgen")
    out = {"dir": d}
    out["two_expected"] = pdfgen.two_column(d / "two.pdf", d)
    out["garbage_expected"] = pdfgen.garbage_layer(d / "garbage.pdf", d)
    pdfgen.encrypted(d / "enc.pdf")
    return out


@pytest.fixture(scope="session")
def two_auto(gen):
    """The two-column PDF read in auto mode (its third page is OCR'd): read once."""
    return read_document(gen["dir"] / "two.pdf", cfg())[0]


# -- reading order -------------------------------------------------------------------
def test_two_columns_side_bar_and_headline_in_exact_order(gen, two_auto):
    from benchmarks.bench_pdf import cer

    got = "".join(ln.text for ln in two_auto.lines if ln.page in (1, 2))
    assert cer(gen["two_expected"], got) < 0.001


def test_fake_bold_is_deduplicated(two_auto):
    assert pdfgen.TITLE in fold(two_auto.text)
    assert pdfgen.TITLE[0] * 2 not in two_auto.text


def test_vertical_headline_is_its_own_block(two_auto):
    heads = [ln for ln in two_auto.lines if ln.kind == "headline"]
    assert [h.text for h in heads] == [pdfgen.HEADLINE]
    assert heads[0].meta["vertical"] is True
    i = two_auto.lines.index(heads[0])
    assert two_auto.lines[i - 1].text == "" and two_auto.lines[i + 1].text == ""


def test_running_header_and_page_numbers_removed_and_recorded(two_auto):
    assert pdfgen.HEADER not in two_auto.text
    reasons = [(r.reason, r.text) for r in two_auto.removed]
    assert ("running-header", pdfgen.HEADER) in reasons
    assert sum(r == "page-number" for r, _ in reasons) >= 2
    assert all(r.stage == "pdf" and r.src[0] >= 1 for r in two_auto.removed)


# -- OCR fallback ----------------------------------------------------------------------
def test_image_only_page_is_ocrd(two_auto):
    pages = two_auto.stats["pages"]
    assert [p["mode"] for p in pages] == ["text", "text", "ocr"]
    assert pages[2]["reason"].startswith("image covers")
    assert two_auto.stats["ocr_confidence"] > 50
    ocr_text = fold("".join(ln.text for ln in two_auto.lines if ln.page == 3))
    assert fuzz.partial_ratio("".join(pdfgen.SCAN), ocr_text) > 85
    assert any(f.kind == "pdf-page" and "page 3" in f.message for f in two_auto.flags)


def test_garbage_layer_detected_and_page_ocrd(gen):
    doc, raw = read_document(gen["dir"] / "garbage.pdf", cfg())
    (page,) = doc.stats["pages"]
    assert page["mode"] == "ocr" and "mojibake" in page["reason"]
    assert "ê" not in doc.text
    assert fuzz.partial_ratio(gen["garbage_expected"], fold(doc.text)) > 85
    assert raw.startswith(b"%PDF-")


def test_mode_text_never_ocrs(gen):
    doc, _ = read_document(gen["dir"] / "garbage.pdf", cfg(pdf={"mode": "text"}))
    assert doc.stats["pages"][0]["mode"] == "text"
    assert "mojibake" in doc.stats["pages"][0]["reason"]  # still reported
    assert "ocr_confidence" not in doc.stats


def test_mode_ocr_always_ocrs(gen):
    doc, _ = read_document(gen["dir"] / "garbage.pdf", cfg(pdf={"mode": "ocr"}))
    assert doc.stats["pages"][0] | {"mode": "ocr", "reason": "mode ocr"} == doc.stats["pages"][0]


# -- errors and limits ------------------------------------------------------------------
def test_encrypted_pdf_is_one_clear_line(gen):
    with pytest.raises(InputError) as e:
        read_document(gen["dir"] / "enc.pdf", cfg())
    assert "encrypted" in str(e.value) and "enc.pdf" in str(e.value) and "\n" not in str(e.value)


def test_truncated_and_malformed(gen, tmp_path):
    data = (gen["dir"] / "two.pdf").read_bytes()
    (tmp_path / "cut.pdf").write_bytes(data[: len(data) // 3])
    (tmp_path / "junk.pdf").write_bytes(b"%PDF-1.7\n" + b"\x00junk" * 200)
    with pytest.raises(InputError, match="truncated"):
        read_document(tmp_path / "cut.pdf", cfg())
    with pytest.raises(InputError, match="truncated|malformed"):
        read_document(tmp_path / "junk.pdf", cfg())


def test_page_and_size_limits(gen):
    with pytest.raises(LimitExceeded, match="max_pdf_pages"):
        read_document(gen["dir"] / "two.pdf", cfg(limits={"max_pdf_pages": 2}))
    with pytest.raises(LimitExceeded, match="max_pdf_bytes"):
        read_document(gen["dir"] / "two.pdf", cfg(limits={"max_pdf_bytes": 1000}))


def test_unknown_mode_and_key_rejected(gen):
    with pytest.raises(ConfigError):
        read_document(gen["dir"] / "two.pdf", cfg(pdf={"mode": "fast"}))
    with pytest.raises(ConfigError):
        cfg(pdf={"dpj": 200})


# -- the whole pipeline ------------------------------------------------------------------
def test_pipeline_report_lists_pages_and_removals(gen, pipeline_default):
    res = pipeline_default.clean_file(gen["dir"] / "garbage.pdf")
    rep = res.report
    assert rep["source"]["kind"] == "pdf"
    assert rep["pages"][0]["mode"] == "ocr"
    assert "(cid:" not in res.text


# -- the shared corpus (skipped without ../shared) ------------------------------------------
def test_textbook_garbage_layer_is_ocrd(pipeline_default):
    (pdf,) = shared_path("corpus", "pdf").glob("ordinary_textbook_*.pdf")
    res = pipeline_default.clean_file(pdf)
    assert res.report["pages"][0]["mode"] == "ocr"
    assert "数学新星问题征解" in res.text and "(cid:" not in res.text


def test_research_report_side_column_does_not_interleave():
    import pdfplumber

    from benchmarks.bench_pdf import integrity, reference_paragraphs

    (pdf,) = shared_path("corpus", "pdf").glob("research_report_*.pdf")
    paras = reference_paragraphs(pdf.with_suffix(".reference.md").read_text(encoding="utf-8"))
    doc, _ = read_document(pdf, cfg())
    with pdfplumber.open(pdf) as p:
        plain = "\n".join(pg.extract_text() for pg in p.pages)
    ours, base = integrity(paras, doc.text), integrity(paras, plain)
    assert ours >= 0.9 * len(paras) and ours > base
    assert [p["mode"] for p in doc.stats["pages"]] == ["text"] * 4
    assert "请务必阅读正文之后的信息披露和法律声明" not in doc.text


def test_samples_pdf_present():
    assert list((Path(__file__).resolve().parents[1] / "samples" / "pdf").glob("*.pdf"))
