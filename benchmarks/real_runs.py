"""Real material for the quality calibration (issue 17): our pipeline's own output on
real pages, and its CER against the ground truth.

Runs: the 9 page scans of `corpus/real-pages` through `ocrclean` with each OCR engine
(`tesseract`, `rapidocr`), with our layout analysis and without it (`[ocr] layout =
false`: the engine's own layout, which reads across column gutters), plus the two PDFs
of `corpus/pdf` (their text layer, as `[pdf] mode = "auto"` chooses). CER is measured
against `<page>.all.gt.txt` / the PDF's `.reference.md` (markup stripped), after NFKC
with whitespace removed.

OCR is slow, so each run's clean text is cached (default /tmp/quality-cache) under a key
made of the input's bytes, the run's settings and the source of every module that can
change the text (the quality package and the report do not): when the OCR or layout
code improves, the runs are made again; when only the score changes, they are reused.

    python -m benchmarks.real_runs --shared ../shared [--cache /tmp/quality-cache]

Held out (reported apart, never looked at while tuning): the pages in HELD_OUT, all
four runs of each.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from .metrics import cer

ROOT = Path(__file__).resolve().parents[1]
ENGINES = ("tesseract", "rapidocr")
LAYOUTS = (True, False)
# held out from tuning: one book page, one broker report, the slide deck page
HELD_OUT = (
    "docstructbench_dianzishu_zhongwenzaixian-o.O-61520814.pdf_185",
    "eastmoney_62b4149b1612ce28d20f26cd5c5b2e18f80b26fca6e4452e090376a2fe72eae3.pdf_0",
    "yanbaopptmerge_yanbaoPPT_145",
)
DEFAULT_CACHE = Path("/tmp/quality-cache")


@dataclass
class Run:
    name: str  # page stem / PDF stem
    variant: str  # "tesseract", "rapidocr-nolayout", "pdf", ...
    text: str  # the pipeline's clean text
    cer: float
    held_out: bool


# HTML table markup in a reference (`<table><tr><td>...`): markup, not reading text
_HTML_TAG = re.compile(r"</?(?:table|thead|tbody|tr|td|th|br)\b[^>]*>", re.I)


def strip_markdown(md: str) -> str:
    """The reading text of a reference .md: headings, emphasis, table rules and pipes,
    HTML table tags, LaTeX commands, braces and dollar signs taken out."""
    out = []
    for line in _HTML_TAG.sub(" ", md).splitlines():
        if re.fullmatch(r"\s*\|?[\s:|-]+\|?\s*", line) and "-" in line:
            continue  # a table rule | :--- | ---: |
        line = re.sub(r"^\s*(#+|[-*+]\s|>)\s*", "", line)
        line = line.replace("|", " ")
        line = re.sub(r"\\(mathrm|text|mathbf|operatorname)\s*", "", line)
        line = re.sub(r"\\[A-Za-z]+", " ", line)
        line = re.sub(r"[${}]|\*\*|__|\\", "", line)
        line = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", line)
        out.append(line)
    return "\n".join(out)


def _math(m: re.Match[str]) -> str:
    inner = re.sub(r"\\textcircled\{(\d+)\}", r"\1", m.group(1))
    return re.sub(r"\\[A-Za-z]+|[\^{}_\s]", "", inner)


def page_reference(gt: str) -> str:
    """The reading text of a page's `.all.gt.txt`: the annotation writes circled figures,
    footnote marks and units in LaTeX (`$ \\textcircled{1} $`, `$ ^{1} $`, `$ km^{2} $`)
    and keeps tab escapes (`\\t`, `/t`); those are markup (a circled 1 and a superscript
    2 read as 1 and 2 after NFKC)."""
    gt = re.sub(r"\$([^$\n]{1,80})\$", _math, gt)
    return re.sub(r"\\t|(?<![A-Za-z0-9])/t", "", gt)



# what makes the clean text: the readers, the stages and the models, and their settings
# (not the commands, the batch runner, the report or the score)
TEXT_SOURCES = ("stages", "ocr", "pdf", "ingest", "configs", "core.py", "document.py", "garble.py",
                "text", "textops.py", "registry.py", "config.py")


def code_digest() -> str:
    """Digest of the source that makes the clean text (TEXT_SOURCES and configs/)."""
    h = hashlib.sha256()
    files = [p for name in TEXT_SOURCES for p in sorted((ROOT / "pipeline" / name).rglob("*"))] + [
        ROOT / "pipeline" / name for name in TEXT_SOURCES if name.endswith(".py")
    ]
    files += sorted((ROOT / "configs").glob("*.toml"))
    for p in files:
        if p.is_file() and p.suffix in (".py", ".toml", ".json", ".txt", ".tsv"):
            h.update(str(p.relative_to(ROOT)).encode() + b"\0" + p.read_bytes())
    return h.hexdigest()[:16]


def inputs(shared: Path) -> list[tuple[str, Path, str, dict, str]]:
    """(name, input path, variant, config overrides, reference text) of every run."""
    out = []
    pages = shared / "corpus" / "real-pages"
    for img in sorted(pages.glob("*.jpg")):
        name = img.stem
        ref = page_reference((pages / f"{name}.all.gt.txt").read_text(encoding="utf-8"))
        for eng in ENGINES:
            for lay in LAYOUTS:
                variant = eng + ("" if lay else "-nolayout")
                out.append((name, img, variant, {"ocr": {"engine": eng, "layout": lay}}, ref))
    for pdf in sorted((shared / "corpus" / "pdf").glob("*.pdf")):
        ref = strip_markdown(pdf.with_suffix(".reference.md").read_text(encoding="utf-8"))
        out.append((pdf.stem, pdf, "pdf", {}, ref))
    return out


def collect(shared: Path, cache: Path = DEFAULT_CACHE, log=None, make: bool = True) -> list[Run]:
    """Every real run (made, or read back from `cache`; `make=False`: cached ones only)."""
    cache.mkdir(parents=True, exist_ok=True)
    digest = code_digest()
    pipes: dict[str, object] = {}
    runs = []
    for name, path, variant, over, ref in inputs(shared):
        key = hashlib.sha256(path.read_bytes() + json.dumps(over, sort_keys=True).encode() + digest.encode()).hexdigest()[:20]
        f = cache / f"{key}.txt"
        if f.exists():
            text = f.read_text(encoding="utf-8")
        elif not make:
            continue
        else:
            from pipeline import Pipeline

            k = json.dumps(over, sort_keys=True)
            if k not in pipes:
                pipes[k] = Pipeline({"extends": "default", **over})
            if log:
                print(f"  OCR {variant:20s} {name[:60]}", file=log, flush=True)
            res = pipes[k].clean_file(path)  # type: ignore[attr-defined]
            text = res.text
            f.write_text(text, encoding="utf-8")
            meta = {"name": name, "variant": variant, "digest": digest, "run_score": res.score}
            (cache / f"{key}.json").write_text(json.dumps(meta), encoding="utf-8")
        runs.append(Run(name, variant, text, round(cer(text, ref), 4), name in HELD_OUT))
    return runs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    a = ap.parse_args(argv)
    for r in collect(a.shared, a.cache, log=sys.stderr):
        print(f"{r.cer:6.3f}  {r.variant:18s} {'H' if r.held_out else ' '} {r.name[:70]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
