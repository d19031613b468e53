"""Proof that a refactor changed no output: every clean text and report, before and after.

Cleans the project's `samples/`, and from `../shared` the seeds, the national corpus, the
real PDFs and the nine real page scans (with both OCR engines), and records a digest of
each clean text and of each report (minus the fields that name the build: version,
config digest, timings). Engine output is cached in `--ocr-cache` so that a second run
reads the same OCR input and only our own code is compared.

    python -m benchmarks.identical --shared ../shared --write /tmp/before.json
    ... refactor ...
    python -m benchmarks.identical --shared ../shared --against /tmp/before.json

`--against` prints each document whose text or report differs, with the first differing
line, and exits 1 if any does.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VOLATILE = {("pipeline", "version"), ("pipeline", "config_digest"), ("timings",)}
TEXT_SUFFIXES = {".txt", ".md"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}


def inputs(shared: Path | None) -> list[tuple[str, Path, str]]:
    """(set name, path, engine) for every document compared; engine "" for text and PDF."""
    out: list[tuple[str, Path, str]] = []
    for p in sorted((ROOT / "samples").rglob("*")):
        if p.suffix in TEXT_SUFFIXES | {".pdf"}:
            out.append(("samples", p, ""))
        elif p.suffix in IMAGE_SUFFIXES:
            out += [("samples", p, e) for e in ("tesseract", "rapidocr")]
    if shared and shared.is_dir():
        for sub in ("seeds", "corpus/national-clean"):
            out += [(sub, p, "") for p in sorted((shared / sub).glob("*.txt"))]
        out += [("corpus/pdf", p, "") for p in sorted((shared / "corpus/pdf").glob("*.pdf"))]
        for p in sorted((shared / "corpus/real-pages").iterdir()):
            if p.suffix.lower() in IMAGE_SUFFIXES:
                out += [("corpus/real-pages", p, e) for e in ("tesseract", "rapidocr")]
    return out


def _strip(report: dict[str, Any]) -> dict[str, Any]:
    rep = json.loads(json.dumps(report))
    for path in VOLATILE:
        node = rep
        for key in path[:-1]:
            node = node.get(key, {})
        node.pop(path[-1], None)
    rep.get("source", {}).pop("path", None)
    for page in rep.get("pages", []):  # wall time per page
        if isinstance(page, dict):
            page.pop("seconds", None)
    return rep


def digest_all(shared: Path | None, ocr_cache: Path) -> dict[str, dict[str, str]]:
    from pipeline.config import load_config
    from pipeline.core import Pipeline

    pipes: dict[str, Any] = {}
    result: dict[str, dict[str, str]] = {}
    for group, path, engine in inputs(shared):
        if engine not in pipes:
            over = {"ocr": {"engine": engine or "tesseract", "cache_dir": str(ocr_cache)}}
            pipes[engine] = Pipeline(load_config({"extends": "default", **over}))
        key = f"{group}/{path.name}" + (f"@{engine}" if engine else "")
        try:
            res = pipes[engine].clean_file(path)
            text, report = res.text, json.dumps(_strip(res.report), ensure_ascii=False, sort_keys=True)
        except Exception as e:  # a failure is an outcome too, and must stay the same
            text, report = "", f"error: {type(e).__name__}: {e}"
        result[key] = {
            "text": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            "report": hashlib.sha256(report.encode("utf-8")).hexdigest(),
            "_text": text,
            "_report": report,
        }
        print(f"  {key}", file=sys.stderr)
    return result


def _restrip(report: str) -> str:
    try:
        return json.dumps(_strip(json.loads(report)), ensure_ascii=False, sort_keys=True)
    except ValueError:  # "error: ..."
        return report


def _redigest(report: str) -> str:
    return hashlib.sha256(_restrip(report).encode("utf-8")).hexdigest()


def _first_diff(a: str, b: str) -> str:
    for i, (x, y) in enumerate(zip(a.splitlines(), b.splitlines(), strict=False), 1):
        if x != y:
            return f"line {i}: {x[:80]!r} -> {y[:80]!r}"
    return f"length {len(a)} -> {len(b)}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--ocr-cache", type=Path, default=Path("/tmp/ocrclean-identical-ocr"))
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--write", type=Path, help="record the digests (and texts) into this JSON file")
    g.add_argument("--against", type=Path, help="compare with a file --write made; exit 1 on any change")
    args = ap.parse_args(argv)
    now = digest_all(args.shared, args.ocr_cache)
    if args.write:
        args.write.write_text(json.dumps(now, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"{len(now)} documents recorded in {args.write}")
        return 0
    before = json.loads(args.against.read_text(encoding="utf-8"))
    changed = 0
    for key in sorted(set(before) | set(now)):
        b, a = before.get(key), now.get(key)
        if b is None or a is None:
            changed += 1
            print(f"{key}: {'new' if b is None else 'gone'}")
            continue
        for part in ("text", "report"):
            if part == "report":  # older baselines kept volatile fields: compare stripped
                b = {**b, "report": _redigest(b["_report"]), "_report": _restrip(b["_report"])}
            if b[part] != a[part]:
                changed += 1
                print(f"{key}: {part} differs, {_first_diff(b['_' + part], a['_' + part])}")
    print(f"{len(now)} documents, {changed} differences")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
