"""Real-text benchmark: what the default pipeline does to text nobody here wrote.

Every item of the regression set `tests/data/real/<kind>/NAME.raw.txt` (a web
extraction, an OCR output or a PDF text layer, as the tool gave it) is cleaned
with the default pipeline and compared with its hand-made reference
`NAME.ref.txt`:

- CER raw->ref and CER out->ref (NFKC, whitespace removed, Levenshtein);
- **lost**: reference letters and digits the raw text had (aligned) that the
  output lacks, i.e. real text the pipeline removed; **lost marks**: the same
  for punctuation and symbols (markup such as `^{` or `*` in a ground truth).
  Each lost run is traced to the first stage whose output lacks it, and named
  by that stage's removal record (`stage:reason`) that holds it (or overlaps
  it most), else `stage:edit` (a substitution or join, no removal record).

Lost must be 0: a cleaner that removes real text is worse than none.

With ../shared beside the project it also runs the real-page ground truths
(`corpus/real-pages/*.body.gt.txt`, clean input: nothing may be lost) and the
two PDFs of `corpus/pdf` (their text layer against the reference .md: body
text lost to dedupe or boilerplate).

    python -m benchmarks.bench_real_text [--no-shared] [--verbose]
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from pipeline import Document, Pipeline

from .metrics import norm

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "tests" / "data" / "real"
SHARED = ROOT.parent / "shared"


def _kept(ref: str, hyp: str) -> list[bool]:
    """For each character of `ref`: does `hyp` still have it (equal or substituted)?"""
    keep = [True] * len(ref)
    for op in Levenshtein.editops(ref, hyp):
        if op.tag == "delete":
            keep[op.src_pos] = False
    return keep


def _runs(mask: list[bool]) -> list[tuple[int, int]]:
    out, start = [], None
    for i, m in enumerate([*mask, False]):
        if m and start is None:
            start = i
        elif not m and start is not None:
            out.append((start, i))
            start = None
    return out


def _is_text(ch: str) -> bool:
    """A letter or a digit: real text, as opposed to punctuation, symbols and markup."""
    return unicodedata.category(ch)[0] in "LN"


def _reason(piece: str, stage: str, removals: list[tuple[str, str, str]], ref: str) -> str:
    """The reason of the stage's removal record holding `piece`; else of one whose whole
    text is reference text (alignment may pin a lost run on a neighbouring copy:
    `政府工作报告` removed, `2011年` reported); else of the one sharing most of it; else `edit`."""
    own = [(rs, t) for st, rs, t in removals if st == stage]
    hit = next((rs for rs, t in own if piece in t), None) or next((rs for rs, t in own if t and t in ref), None)
    if hit:
        return hit
    best = max(own, key=lambda x: fuzz.partial_ratio(piece, x[1]), default=None)
    return best[0] if best and fuzz.partial_ratio(piece, best[1]) >= 50 else "edit"


@dataclass
class Row:
    name: str
    ref_chars: int
    cer_raw: float
    cer_out: float
    lost: int
    marks: int = 0
    rules: Counter = field(default_factory=Counter)  # characters lost, by stage:rule
    text_rules: Counter = field(default_factory=Counter)  # letters and digits lost, by stage:rule
    lost_text: list[str] = field(default_factory=list)


def _stage_texts(pipe: Pipeline, doc: Document) -> tuple[list[tuple[str, str]], Document]:
    """Run the stages one by one: (stage name, normalised text after it), and the final doc."""
    snaps = []
    out = doc
    for spec, out in pipe.run_stages(doc):
        snaps.append((spec.name, norm("\n".join(ln.text for ln in out.lines))))
    return snaps, out


def measure(name: str, raw_doc: Document, ref: str, pipe: Pipeline) -> Row:
    """Clean `raw_doc` stage by stage; CERs and the reference characters lost, by rule."""
    raw = norm("\n".join(ln.text for ln in raw_doc.lines))
    r = norm(ref)
    snaps, doc = _stage_texts(pipe, raw_doc)
    out = snaps[-1][1] if snaps else raw
    in_raw = _kept(r, raw)
    in_out = _kept(r, out)
    lost_mask = [a and not b for a, b in zip(in_raw, in_out, strict=True)]
    letters = sum(1 for ch, m in zip(r, lost_mask, strict=True) if m and _is_text(ch))
    row = Row(name, len(r), Levenshtein.distance(raw, r) / max(1, len(r)),
              Levenshtein.distance(out, r) / max(1, len(r)), letters, sum(lost_mask) - letters)
    if not any(lost_mask):
        return row
    stage_kept = [(st, _kept(r, txt)) for st, txt in snaps]
    removals = [(rm.stage, rm.reason, norm(rm.text)) for rm in doc.removed]
    for a, b in _runs(lost_mask):
        piece = r[a:b]
        stage = next((st for st, k in stage_kept if not any(k[a:b])), None)
        stage = stage or next((st for st, k in stage_kept if not all(k[a:b])), "?")
        rule = f"{stage}:{_reason(piece, stage, removals, r)}"
        row.rules[rule] += b - a
        row.text_rules[rule] += sum(map(_is_text, piece))
        row.lost_text.append(piece)
    return row


def text_doc(text: str, source: str) -> Document:
    return Document.from_text(text.replace("\r\n", "\n"), source=source, kind="text")


def real_items(root: Path = REAL) -> list[tuple[str, Path, Path]]:
    """(kind/[heldout/]NAME, raw path, ref path) for every pair in the regression set."""
    out = []
    for raw in sorted(root.rglob("*.raw.txt")):
        ref = raw.with_name(raw.name[: -len(".raw.txt")] + ".ref.txt")
        if ref.exists():
            out.append((str(raw.relative_to(root))[: -len(".raw.txt")], raw, ref))
    return out


def run_real(pipe: Pipeline, root: Path = REAL) -> list[Row]:
    return [
        measure(name, text_doc(raw.read_text(encoding="utf-8"), str(raw)), ref.read_text(encoding="utf-8"), pipe)
        for name, raw, ref in real_items(root)
    ]


def run_gt_pages(pipe: Pipeline, shared: Path = SHARED) -> list[Row]:
    """Ground truth of the real pages as clean input: the pipeline may lose nothing."""
    rows = []
    for gt in sorted((shared / "corpus" / "real-pages").glob("*.body.gt.txt")):
        text = gt.read_text(encoding="utf-8")
        rows.append(measure("gt/" + gt.name[:40], text_doc(text, str(gt)), text, pipe))
    return rows


def run_pdfs(pipe: Pipeline, shared: Path = SHARED) -> list[Row]:
    """The PDFs' text layers against their references (markdown marks are never in the raw)."""
    from pipeline.ingest import read_document

    rows = []
    for pdf in sorted((shared / "corpus" / "pdf").glob("*.pdf")):
        ref = pdf.with_name(pdf.stem + ".reference.md")
        if not ref.exists():
            continue
        doc, _ = read_document(pdf, pipe.config)
        rows.append(measure("pdf/" + pdf.stem[:36], doc, ref.read_text(encoding="utf-8"), pipe))
    return rows


def table(title: str, rows: list[Row], verbose: bool = False) -> str:
    lines = [
        f"## {title}",
        "",
        "| item | ref chars | CER raw | CER out | lost | lost marks | lost by rule |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    n = sum(r.ref_chars for r in rows) or 1
    for r in rows:
        rules = ", ".join(f"{k} {v}" for k, v in r.rules.most_common())
        lines.append(
            f"| {r.name} | {r.ref_chars} | {100 * r.cer_raw:.2f}% | {100 * r.cer_out:.2f}% | {r.lost} | {r.marks} | {rules} |"
        )
        if verbose:
            lines.extend(f"|   lost: `{t[:60]}` | | | | | | |" for t in r.lost_text)
    raw_e = sum(r.cer_raw * r.ref_chars for r in rows) / n
    out_e = sum(r.cer_out * r.ref_chars for r in rows) / n
    tot = Counter()
    for r in rows:
        tot.update(r.rules)
    rules = ", ".join(f"{k} {v}" for k, v in tot.most_common())
    lines.append(
        f"| **total** ({len(rows)}) | {n} | {100 * raw_e:.2f}% | {100 * out_e:.2f}% "
        f"| {sum(r.lost for r in rows)} | {sum(r.marks for r in rows)} | {rules} |"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=SHARED, help="the shared data folder")
    ap.add_argument("--no-shared", action="store_true", help="only the regression set in tests/data/real")
    ap.add_argument("--verbose", "-v", action="store_true", help="print every lost run")
    a = ap.parse_args(argv)
    pipe = Pipeline("default")
    print(table("regression set (tests/data/real)", run_real(pipe), a.verbose))
    if a.no_shared:
        return 0
    if not (a.shared / "corpus").is_dir():
        print(f"\n(../shared not found at {a.shared}: real-page ground truth and PDFs skipped)")
        return 0
    print()
    print(table("real-page ground truth as clean input (corpus/real-pages)", run_gt_pages(pipe, a.shared), a.verbose))
    print()
    print(table("PDF text layers (corpus/pdf)", run_pdfs(pipe, a.shared), a.verbose))
    return 0


if __name__ == "__main__":
    sys.exit(main())
