"""Real pages: ocrclean against the bare engines on `../shared/corpus/real-pages` (issue 16).

    python -m benchmarks.bench_real_pages [--pages DIR] [--engines tesseract,rapidocr] [--only SUBSTR]
                                          [--no-write] [--cache DIR]

For every page and engine, in the same run: ocrclean (layout + engine + text
stages) and the bare engine (`tesseract -l chi_sim --psm 3`, RapidOCR on the
whole image). Prints per page CER (edits / reference length after NFKC and
whitespace removal, against `NAME.all.gt.txt`), digits kept (multiset share of
the reference's digits found in the output; the table pages are the headline
figure), paragraphs out against the reference's block count (one block a
line), and wall seconds per page. Writes the table to `benchmarks/REAL_PAGES.md`
unless `--no-write`. `--cache DIR` replays recorded engine output (for
iterating on layout; wall times are then meaningless and not written).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import time
from collections import Counter
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from .metrics import norm
from .real_runs import HELD_OUT

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PAGES = ROOT.parent / "shared" / "corpus" / "real-pages"
# pages whose reference holds an annotated table (digits kept is measured on these)
TABLE_PAGES = ("61520814.pdf_185", "61522235.pdf_170", "eastmoney_")
SHORT = {"newspaper": "newspaper", "60599898": "book spread", "61520814": "book+table 185",
         "61522235": "book+table 170", "61569294": "book 128", "eastmoney": "broker report",
         "jiaocai": "textbook", "yanbaopptmerge_0c79": "broker disclaimer", "yanbaoPPT_145": "slide"}


def digits_kept(hyp: str, ref: str) -> tuple[int, int]:
    """(reference digits found in the output, reference digits), as multisets."""
    h = Counter(c for c in norm(hyp) if c.isdigit())
    r = Counter(c for c in norm(ref) if c.isdigit())
    return sum(min(n, h[c]) for c, n in r.items()), sum(r.values())


def paragraphs(text: str) -> int:
    return len([p for p in re.split(r"\n\s*\n", text) if p.strip()])


def short(name: str) -> str:
    return next((v for k, v in SHORT.items() if k in name), name[:20])


def bare_tesseract(path: Path) -> str:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    return subprocess.run(["tesseract", str(path), "stdout", "-l", "chi_sim", "--psm", "3"],
                          capture_output=True, text=True, env=env, check=True).stdout


def run(pages: list[Path], engines: list[str], cache: str | None) -> list[dict]:
    import cv2

    from pipeline import Pipeline
    from pipeline.ingest import read_document

    rows = []
    for engine in engines:
        ocr = {"engine": engine, "progress": False}
        if cache:
            ocr["cache_dir"] = cache
        pipe = Pipeline({"extends": "default", "ocr": ocr})
        bare_rapid = None
        if engine == "rapidocr":
            from pipeline.ocr.engines.rapid import RapidEngine

            bare_rapid = RapidEngine({})
            bare_rapid.recognise(cv2.imread(str(pages[0])))  # model loading is not per-page cost
        pipe.clean_file(pages[-1])
        for path in pages:
            ref = path.with_name(path.stem + ".all.gt.txt").read_text(encoding="utf-8")
            t0 = time.perf_counter()
            doc, raw = read_document(path, pipe.config)
            ours = pipe.process(doc, raw).text
            t1 = time.perf_counter()
            if bare_rapid is None:
                bare = bare_tesseract(path)
            else:
                bare = "\n".join(ol.text for ol in bare_rapid.recognise(cv2.imread(str(path))))
            t2 = time.perf_counter()
            n = len(norm(ref))
            row = {"engine": engine, "page": path.stem, "chars": n,
                   "err": Levenshtein.distance(norm(ours), norm(ref)),
                   "bare_err": Levenshtein.distance(norm(bare), norm(ref)),
                   "digits": digits_kept(ours, ref), "bare_digits": digits_kept(bare, ref),
                   "paras": paragraphs(ours), "blocks": len([x for x in ref.splitlines() if x.strip()]),
                   "wall": t1 - t0, "bare_wall": t2 - t1, "text": ours}
            rows.append(row)
            print(f"  {engine:9s} {short(path.stem):18s} CER {row['err'] / n:6.1%} bare {row['bare_err'] / n:6.1%}  "
                  f"digits {_pct(row['digits'])} bare {_pct(row['bare_digits'])}  paras {row['paras']}/{row['blocks']}  "
                  f"wall {row['wall']:.1f}s bare {row['bare_wall']:.1f}s", flush=True)
    return rows


def _pct(pair: tuple[int, int]) -> str:
    return f"{pair[0] / pair[1]:6.1%}" if pair[1] else "     -"


def _total(engine: str, label: str, rs: list[dict], walls: bool) -> str:
    n = sum(r["chars"] for r in rs)
    tab = [r for r in rs if any(t in r["page"] for t in TABLE_PAGES)]
    d = (sum(r["digits"][0] for r in tab), sum(r["digits"][1] for r in tab))
    bd = (sum(r["bare_digits"][0] for r in tab), sum(r["bare_digits"][1] for r in tab))
    w = (sum(r["wall"] for r in rs), sum(r["bare_wall"] for r in rs))
    return (f"| {engine} | **{label}** | **{sum(r['err'] for r in rs) / n:.1%}** | "
            f"**{sum(r['bare_err'] for r in rs) / n:.1%}** | tables {_pct(d).strip()} / {_pct(bd).strip()} | "
            f"{sum(r['paras'] for r in rs)} / {sum(r['blocks'] for r in rs)} "
            + (f"| {w[0]:.1f} / {w[1]:.1f} ({w[0] / max(w[1], 1e-9):.2f}x) " if walls else "") + "|")


def table(rows: list[dict], walls: bool) -> str:
    out = ["| engine | page | CER ocrclean | CER bare | digits kept (ours / bare) | paragraphs / ref blocks "
           + ("| wall s (ours / bare) " if walls else "") + "|",
           "|---|---|---:|---:|---:|---:|" + ("---:|" if walls else "")]
    for engine in dict.fromkeys(r["engine"] for r in rows):
        rs = [r for r in rows if r["engine"] == engine]
        for r in rs:
            out.append(f"| {engine} | {short(r['page'])}{' (held out)' if r['page'] in HELD_OUT else ''} | {r['err'] / r['chars']:.1%} | {r['bare_err'] / r['chars']:.1%} | "
                       f"{_pct(r['digits']).strip()} / {_pct(r['bare_digits']).strip()} | {r['paras']} / {r['blocks']} "
                       + (f"| {r['wall']:.1f} / {r['bare_wall']:.1f} " if walls else "") + "|")
        out.append(_total(engine, f"all {len(rs)} pages", rs, walls))
        held = [r for r in rs if r["page"] in HELD_OUT]
        if held and len(held) < len(rs):
            out.append(_total(engine, f"{len(rs) - len(held)} tuning pages", [r for r in rs if r not in held], walls))
            out.append(_total(engine, f"{len(held)} held-out pages", held, walls))
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=Path, default=DEFAULT_PAGES)
    ap.add_argument("--engines", default="tesseract,rapidocr")
    ap.add_argument("--only", default="", help="only pages whose name contains this")
    ap.add_argument("--cache", default=None, help="replay/record engine output here (wall times not written)")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--dump", type=Path, help="write each page's ocrclean output into this folder")
    ap.add_argument("--shared", help="ignored (make bench passes it to every benchmark)")
    args = ap.parse_args()
    if not args.pages.is_dir():
        print(f"no real pages at {args.pages}; skipped")
        return
    pages = sorted(p for p in args.pages.glob("*.jpg") if args.only in p.name)
    rows = run(pages, args.engines.split(","), args.cache)
    if args.dump:
        args.dump.mkdir(parents=True, exist_ok=True)
        for r in rows:
            (args.dump / f"{r['engine']}-{short(r['page']).replace(' ', '_')}.txt").write_text(r["text"], encoding="utf-8")
    md = table(rows, walls=not args.cache)
    print()
    print(md)
    if not args.no_write and not args.cache and not args.only:
        (ROOT / "benchmarks" / "REAL_PAGES.md").write_text(
            f"# Real pages (issue 16), {time.strftime('%Y-%m-%d')}\n\n"
            f"`python -m benchmarks.bench_real_pages` on the nine pages of `../shared/corpus/real-pages` "
            f"({os.cpu_count()} CPUs, shared machine). CER = edits / reference length (NFKC, whitespace removed) "
            f"against `.all.gt.txt`; bare = `tesseract -l chi_sim --psm 3` / RapidOCR on the whole image; "
            f"digits kept on the table pages ({', '.join(TABLE_PAGES)}); paragraphs against the reference's "
            f"block count. Held out from tuning (benchmarks/real_runs.py HELD_OUT): the pages marked so, "
            f"totalled apart.\n\n{md}\n", encoding="utf-8")


if __name__ == "__main__":
    main()
