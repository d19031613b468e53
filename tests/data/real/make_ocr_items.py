"""Build the ocr/ items of the real-text set: real report text, set as a page, OCR'd.

    .venv/bin/python -m tests.data.real.make_ocr_items

The text is the reference of a web item (a public-domain government work report,
SOURCES.md); `tests/pagegen.py` sets it as a page (its fonts and layout, the report's
own paragraphs instead of the generator's), the pipeline's OCR reads the page, and the
OCR lines before any cleaning stage become `NAME.raw.txt`; the text actually on the
page (paragraphs cut where the page ends) becomes `NAME.ref.txt`. The page images are
not kept: the raw text is the item, and OCR output differs between engine versions.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from pipeline import load_config
from pipeline.ingest import read_document
from tests import pagegen

HERE = Path(__file__).resolve().parent

ITEMS = [
    # name, source reference, page spec (columns, noise, blur, skew)
    ("rt_govcn_2006_onecol", "web/rt_govcn_2006_report.ref.txt", dict(columns=1, skew=0.5)),
    ("rt_helinge_2011_twocol_noisy", "web/rt_helinge_2011.ref.txt", dict(columns=2, noise=12, blur=0.5, skew=-1.0)),
]


def body_paragraphs(ref: Path) -> tuple[str, list[str]]:
    """(title, body paragraphs) of a reference: the first line is the title."""
    paras = [p.strip() for p in ref.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    return paras[0], paras[1:]


def build(name: str, source: str, spec: dict, out: Path = HERE / "ocr") -> None:
    title, paras = body_paragraphs(HERE / source)
    pagegen.PARAGRAPHS, pagegen.TITLES = paras, [title]
    # the generator sets the paragraphs in a seeded random order; the reference follows the page
    img, gt = pagegen.render(pagegen.PageSpec(name, seed=1, headline=0, **spec))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{name}.png"
        img.save(path)
        doc, _ = read_document(path, load_config("default"))
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.raw.txt").write_text("\n".join(ln.text for ln in doc.lines) + "\n", encoding="utf-8")
    (out / f"{name}.ref.txt").write_text(gt, encoding="utf-8")


def main() -> None:
    for name, source, spec in ITEMS:
        build(name, source, spec)
        print("wrote", name)


if __name__ == "__main__":
    main()
