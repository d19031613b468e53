"""OCR look-alike post-correction (pipeline/stages/ocr_lookalikes.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.document import Document, Line
from pipeline.registry import get_stage
from pipeline.stages import ocr_lookalikes as m
from tests.conftest import SHARED

pytestmark = pytest.mark.skipif(m.font_path() is None, reason="Noto Sans CJK SC not installed")
SPEC = get_stage("ocr_lookalikes")


def _run(doc: Document) -> Document:
    return SPEC.fn(doc, dict(SPEC.defaults))


def test_table_pairs_known_lookalikes():
    t = m.lookalikes()
    assert "社" in t["祉"] and "祉" in t["社"]
    assert "已" in t["己"] and "巳" in t["己"] and "巳" in t["已"]
    assert "未" in t["末"] and "末" in t["未"]
    assert "戍" in t["戌"]
    assert "戊" not in t  # what the 16x16 bitmaps really give: 戊 is not within the distance cap of 戌


def test_fixes_fushe_in_ocr_text():
    doc = Document.from_text("切实增进民生福社。\n增进民生福社", kind="image")
    _run(doc)
    assert doc.text == "切实增进民生福祉。\n增进民生福祉"
    assert doc.changes["ocr_lookalikes"]["ocr-lookalike"] == 2
    assert [f.kind for f in doc.flags] == ["ocr-correction"] * 2


def test_ocr_lines_with_conf_in_pdf():
    doc = Document([Line("增进民生福社", (1, 1), 1, 91.0), Line("增进民生福社", (2, 2))], kind="pdf")
    _run(doc)
    assert [ln.text for ln in doc.lines] == ["增进民生福祉", "增进民生福社"]


def test_text_documents_untouched():
    doc = Document.from_text("切实增进民生福社。")
    _run(doc)
    assert doc.text == "切实增进民生福社。" and not doc.changes and not doc.flags


def _clean_files() -> list[Path]:
    files = sorted((SHARED / "corpus" / "national-clean").glob("*.txt")) + sorted(
        (SHARED / "seeds").glob("*.txt")
    )
    return files + sorted((Path(__file__).resolve().parents[1] / "samples" / "text").glob("*.txt"))


def test_clean_text_treated_as_ocr_unchanged():
    files = _clean_files()
    if not any("national-clean" in str(p) for p in files):
        pytest.skip("../shared is not beside the project")
    fired = []
    for p in files:
        try:
            text = p.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        doc = _run(Document.from_text(text, kind="image"))
        fired += [(p.name, f.excerpt) for f in doc.flags]
        assert doc.text == text or fired
    assert not fired, fired[:10]
