"""PDF benchmark: reading order and garbage-layer detection (issue 6).

    python -m benchmarks.bench_pdf [--shared ../shared]

* research report (../shared/corpus/pdf): paragraph integrity, the share of
  the reference transcription's paragraphs that appear contiguously in the
  output, for plain `page.extract_text()`, for our PDF reader alone, and for
  the whole clean pipeline;
* textbook (../shared/corpus/pdf): the garbage text layer is detected, the
  page OCR'd, the title `数学新星问题征解` is there and no `(cid:`;
* generated two-column PDF (tests/pdfgen.py): CER of the reading order
  against the source text.

Paragraph integrity: the reference's markup is stripped (HTML tags and
Markdown table pipes become separators, `$...$` math keeps its content,
heading and list marks go), each remaining line of at least 20 characters
(whitespace removed) is a paragraph, and it is intact when rapidfuzz
`partial_ratio` against the output is >= 90; both sides without whitespace
and NFKC-folded, so that the transcription's half-width punctuation does not
count against a layout that is right.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))


def strip_markup(md: str) -> str:
    t = re.sub(r"<[^>]+>", "\n", md)
    t = re.sub(r"\$([^$]*)\$", lambda m: re.sub(r"\\math\w+\{([^}]*)\}", r"\1", m.group(1)), t)
    t = t.replace("\\%", "%")
    t = re.sub(r"^\s*#+\s*", "", t, flags=re.M)
    t = re.sub(r"^\s*[-*]\s+", "", t, flags=re.M)
    t = re.sub(r"^\|?\s*:?-{3,}.*$", "", t, flags=re.M)
    return t.replace("|", " ")


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", re.sub(r"\s+", "", text))


def reference_paragraphs(md: str, min_chars: int = 20) -> list[str]:
    paras = (fold(p) for p in strip_markup(md).split("\n"))
    return [p for p in paras if len(p) >= min_chars]


def integrity(paras: list[str], output: str) -> int:
    out = fold(output)
    return sum(fuzz.partial_ratio(p, out) >= 90 for p in paras)


def cer(expected: str, got: str) -> float:
    a, b = fold(expected), fold(got)
    return Levenshtein.distance(a, b) / max(len(a), 1)


def _config(mode: str = "auto"):
    from pipeline.config import load_config

    return load_config({"extends": "default", "pdf": {"mode": mode}})


def research(pdf: Path) -> list[tuple[str, str, str]]:
    import pdfplumber

    from pipeline import Pipeline
    from pipeline.ingest import read_document

    paras = reference_paragraphs(pdf.with_suffix(".reference.md").read_text(encoding="utf-8"))
    n = len(paras)
    t0 = time.perf_counter()
    with pdfplumber.open(pdf) as doc:
        plain = "\n".join(p.extract_text() or "" for p in doc.pages)
    t_plain = time.perf_counter() - t0
    t0 = time.perf_counter()
    doc, _ = read_document(pdf, _config())
    t_ours = time.perf_counter() - t0
    clean = Pipeline(_config()).clean_file(pdf).text
    return [
        ("research report: paragraph integrity, plain extract_text()", f"{integrity(paras, plain)}/{n}", f"{t_plain:.2f}"),
        ("research report: paragraph integrity, ocrclean PDF reader", f"{integrity(paras, doc.text)}/{n}", f"{t_ours:.2f}"),
        ("research report: paragraph integrity, ocrclean clean output", f"{integrity(paras, clean)}/{n}", ""),
    ]


def textbook(pdf: Path) -> list[tuple[str, str, str]]:
    from pipeline import Pipeline

    t0 = time.perf_counter()
    res = Pipeline(_config()).clean_file(pdf)
    secs = time.perf_counter() - t0
    pages = res.report.get("pages", [])
    ocrd = [p["page"] for p in pages if p.get("mode") == "ocr"]
    why = "; ".join(p["reason"] for p in pages if p.get("mode") == "ocr")
    ok = "数学新星问题征解" in res.text and "(cid:" not in res.text
    return [
        (f"textbook: garbage layer -> OCR pages {ocrd} ({why})", "yes" if ocrd else "NO", f"{secs:.2f}"),
        ("textbook: output has 数学新星问题征解 and no (cid:", "yes" if ok else "NO", ""),
    ]


def generated() -> list[tuple[str, str, str]]:
    import pdfgen

    from pipeline.ingest import read_document

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "two_column.pdf"
        expected = pdfgen.two_column(path, Path(tmp), scan_page=False)
        t0 = time.perf_counter()
        doc, _ = read_document(path, _config("text"))
        secs = time.perf_counter() - t0
        got = "".join(ln.text for ln in doc.lines)
    return [("generated two-column PDF: reading-order CER", f"{100 * cer(expected, got):.3f}%", f"{secs:.2f}")]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    args = ap.parse_args()
    rows = generated()
    corpus = Path(args.shared) / "corpus" / "pdf"
    reports = sorted(corpus.glob("research_report_*.pdf")) if corpus.is_dir() else []
    books = sorted(corpus.glob("ordinary_textbook_*.pdf")) if corpus.is_dir() else []
    if reports:
        rows = research(reports[0]) + rows
    if books:
        rows += textbook(books[0])
    if not reports and not books:
        print(f"({corpus} not found: shared-corpus rows skipped)")
    print("| check | result | seconds |")
    print("|---|---|---|")
    for name, result, secs in rows:
        print(f"| {name} | {result} | {secs} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
