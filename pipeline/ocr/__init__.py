"""OCR: page images to `Line`s, with our own layout analysis in front of the engine.

Engines read text; they do not know newspaper layout (Tesseract mixes columns
and garbles vertical headlines, RapidOCR interleaves columns line by line). So
every page goes through the same steps, one function each (as in OCRmyPDF):

    preprocess (grayscale, upscale, deskew, denoise, binarise)
      -> layout (XY-cut blocks, vertical blocks, reading order)
      -> engine (reads the blocks)  -> Lines with page, bbox and confidence

`ocr_page` is the page-level API (the PDF reader calls it on rasterised pages);
`ocr_pages` runs several pages in parallel.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..document import Line

# one Tesseract thread per worker: parallelism comes from pages, not from OpenMP
os.environ["OMP_THREAD_LIMIT"] = "1"

DEFAULTS: dict[str, Any] = {
    "engine": "tesseract",  # tesseract | rapidocr
    "lang": "chi_sim",  # Tesseract language for horizontal blocks
    "vertical_lang": "chi_sim_vert",  # ... and for vertical blocks
    "psm": 6,  # page segmentation mode for a horizontal block (layout is ours)
    "vertical_psm": 5,  # a uniform block of vertical text
    "vertical_glyph_px": 24,  # vertical glyphs are scaled to this width for Tesseract (measured on
    # the bench headlines: 24 px read 5/6, 28 px 4/6, 32-36 px 3/6; 40+ px glyphs read nothing)
    "tesseract_config": "-c preserve_interword_spaces=1",
    "jobs": 1,  # pages OCR'd in parallel
    "rapid_max_side": 2000,  # RapidOCR shrinks larger images to this side (so we never upscale past it)
    "threads": 0,  # cores the engine may use (0 = all); RapidOCR's ONNX threads are threads / jobs
    "progress": "auto",  # progress bar per page: auto (when a terminal) | true | false
    "dpi": 300,  # rasterisation resolution for scanned PDF pages
    # preprocessing, each step switchable
    "grayscale": True,
    "upscale": True,  # enlarge low-resolution input ...
    "min_char_height": 24,  # ... until characters are about this tall (px)
    "max_upscale": 3.0,
    "upscale_check": True,  # ... and keep the upscaled reading only when the engine is surer of more text
    "deskew": True,
    "max_skew": 5.0,  # degrees; a larger measured angle is not trusted
    "denoise": "auto",  # median filter against speckle for the engine: auto (noisy pages only) | true | false
    "binarize": False,  # feed the engine an adaptive-threshold image (layout always uses one)
    "binarize_block": 31,  # adaptive threshold window (px, odd)
    "binarize_c": 15,  # adaptive threshold offset
    "erase_rules": "auto",  # paint ruling lines white before the engine reads: auto (Tesseract only) | true | false
    "min_line_conf": 30,  # engine lines below this confidence (0-100) are pictures read as text: dropped
    "drop_figures": True,  # lines inside pictures and charts (shapes of 10+ x 5+ char heights) are dropped
    "join_wraps": True,  # lines of one paragraph (by their geometry in the block) joined into one
    # layout analysis
    "layout": True,  # False: whole page is one block (the engine's own layout)
    "vertical_glyph_ratio": 1.5,  # a vertical headline's glyphs are at least this many body heights
    "vertical_smear": 0.2,  # ... found after closing gaps this many body heights wide (glyph parts merge)
    "vertical_aspect": 2.0,  # a block at least this many times taller than wide ...
    "vertical_max_chars": 5.0,  # ... and at most this many characters wide is vertical text
    "column_gap": 1.2,  # a vertical gap this many char heights wide separates columns
    "block_gap": 1.0,  # a horizontal gap this many char heights tall separates blocks
    "column_bias": 2.0,  # a full-height gutter is cut before a horizontal gap up to this many times wider
    "band_merge_gap": 1.5,  # bands this close (char heights) whose gutters line up are one band
    "table_cell_chars": 8,
    "furniture_margin": 0.08,  # one-line footers wholly in this bottom share of the page come after the body (0 = off)  # columns this narrow (char heights) whose rows align are a table's cells
    # engine output cache (replays recorded results for identical engine input; "" = off)
    "cache_dir": "",
    "cache_record": True,  # record misses (into cache_record_dir, else cache_dir)
    "cache_record_dir": "",  # where misses are recorded ("" = cache_dir); tests record into a temp folder
    "cache_miss": "live",  # on a miss: live (run the engine) | error (MissingRecording naming the key)
}


@dataclass
class OcrPage:
    """One page's OCR result: Lines (blank Line between blocks), mean confidence, facts."""

    lines: list[Line]
    mean_conf: float | None
    stats: dict[str, Any] = field(default_factory=dict)


def get_engine(name: str, cfg: dict[str, Any]):
    """The engine plugin called `name` (one instance per thread: engines hold state)."""
    key = (name, cfg.get("cache_dir"), cfg.get("cache_record"), cfg.get("cache_record_dir"), cfg.get("cache_miss"))
    cache = _local.__dict__.setdefault("engines", {})
    if key not in cache:
        from .engines import load_engine

        engine = load_engine(name, cfg)
        if cfg.get("cache_dir"):
            from .engines.cached import CachedEngine

            engine = CachedEngine(engine, cfg["cache_dir"], bool(cfg.get("cache_record", True)),
                                  record_dir=cfg.get("cache_record_dir") or None,
                                  on_miss=cfg.get("cache_miss") or "live")
        cache[key] = engine
    return cache[key]


_local = threading.local()


def _prepare(image: np.ndarray, cfg: dict[str, Any]) -> tuple[Any, list[Any], list[tuple[int, int, int, int]]]:
    """Preprocess and layout: the prepared page, its blocks and its figures' boxes."""
    from .layout import analyse, text_mask
    from .preprocess import preprocess

    prep = preprocess(image, cfg)
    blocks = analyse(prep.mask, prep.char_height, cfg)
    figs = text_mask(prep.mask, prep.char_height)[1] if cfg["drop_figures"] and prep.char_height > 0 else []
    return prep, blocks, figs


def _engine_read(prep: Any, blocks: list[Any], figs: list[tuple[int, int, int, int]], cfg: dict[str, Any],
                 engine: Any) -> list[list[Any]]:
    """The engine reads the blocks (rules and figures painted out for Tesseract); lines inside figures dropped."""
    from .layout import rules

    img = prep.image
    if cfg["erase_rules"] is True or (cfg["erase_rules"] == "auto" and engine.name == "tesseract"):
        img = img.copy()
        img[rules(prep.mask, prep.char_height) > 0] = 255  # table rules and frames read as glyphs
        for x0, y0, x1, y1 in figs:
            img[y0:y1, x0:x1] = 255
    results = engine.read_blocks(img, blocks, cfg, prep.char_height)
    if figs:  # a label inside a chart is not text of the page's flow
        results = [[ol for ol in blk if not any(x0 <= (ol.bbox[0] + ol.bbox[2]) / 2 < x1 and y0 <= (ol.bbox[1] + ol.bbox[3]) / 2 < y1
                                                for x0, y0, x1, y1 in figs)] for blk in results]
    return results


def _sureness(results: list[list[Any]]) -> float:
    """Characters the engine is sure of: confidence-weighted character count."""
    return sum(ol.conf / 100 * len(ol.text) for blk in results for ol in blk)


def ocr_page(image: np.ndarray, cfg: dict[str, Any] | None = None, page: int = 1) -> OcrPage:
    """OCR one page image (BGR, BGRA or gray ndarray) into Lines in reading order."""
    cfg = {**DEFAULTS, **(cfg or {})}
    t0 = time.perf_counter()
    engine = get_engine(str(cfg["engine"]), cfg)
    cfg["max_side"] = getattr(engine, "max_side", 0)
    prep, blocks, figs = _prepare(image, cfg)
    results = _engine_read(prep, blocks, figs, cfg, engine)
    if prep.scale > 1 and cfg["upscale_check"]:
        # upscaling can also change a reading (`比2005年` -> `比206年` at x3): the page is read
        # at its own size too, and the upscaled reading kept only when the engine is surer of more
        # text (for RapidOCR the upscale stops at the size it would shrink the page to: most real
        # pages are not upscaled, and pay no second read)
        plain = _prepare(image, {**cfg, "upscale": False})
        low = _engine_read(*plain, cfg, engine)
        if _sureness(low) >= _sureness(results):
            (prep, blocks, figs), results = plain, low
    lines: list[Line] = []
    confs: list[float] = []
    dropped = 0
    for k, (block, block_lines) in enumerate(zip(blocks, results, strict=True), start=1):
        # a picture read as text (photo texture, a chart's strokes) comes back at a confidence
        # no printed line has: kept out of the text flow, counted in the page stats
        kept = [ol for ol in block_lines if ol.conf >= cfg["min_line_conf"]]
        dropped += sum(len(ol.text) for ol in block_lines) - sum(len(ol.text) for ol in kept)
        block_lines = kept
        if not block_lines:
            continue
        if lines:
            lines.append(Line("", (0, 0), page))
        confs.extend(ol.conf for ol in block_lines)
        groups = paragraphs(block_lines, block, prep.char_height) if cfg["join_wraps"] and not block.vertical \
            else [[ol] for ol in block_lines]
        for g, group in enumerate(groups):
            if g:
                lines.append(Line("", (0, 0), page))
            ol = join_lines(group)
            bbox = [round(v / prep.scale) for v in ol.bbox]
            meta = {"bbox": bbox, "block": k}
            if len(group) > 1:
                meta["ocr_lines"] = len(group)
            lines.append(Line(ol.text, (0, 0), page, round(ol.conf, 1), "headline" if block.vertical else "body", meta))
    mean = round(sum(confs) / len(confs), 1) if confs else None
    stats = {
        "page": page,
        "engine": engine.name,
        "blocks": len(blocks),
        "vertical_blocks": sum(b.vertical for b in blocks),
        "lines": len(confs),
        "low_conf_chars_dropped": dropped,
        "mean_conf": mean,
        "skew": round(prep.angle, 2),
        "scale": round(prep.scale, 2),
        "seconds": round(time.perf_counter() - t0, 3),
    }
    return OcrPage(lines, mean, stats)


def paragraphs(lines: list[Any], block: Any, ch: float) -> list[list[Any]]:
    """A block's lines grouped into paragraphs by geometry, the evidence print gives.

    A line runs on into the next when it reaches the block's right edge (within
    1.5 characters) and the next line is not indented (a first-line indent of a
    character or more starts a paragraph) and follows at the usual line pitch.
    A row of table cells (tab-separated) stays a line of its own.
    """
    if len(lines) < 2 or ch <= 0:
        return [[ol] for ol in lines]
    # the margins most lines keep (a picture label or a short line in the block moves neither)
    right = float(np.percentile([ol.bbox[2] for ol in lines], 75))
    left = float(np.percentile([ol.bbox[0] for ol in lines], 25))
    pitches = sorted(b.bbox[1] - a.bbox[1] for a, b in zip(lines, lines[1:], strict=False))
    pitch = pitches[len(pitches) // 2]
    groups = [[lines[0]]]
    for a, b in zip(lines, lines[1:], strict=False):
        runs_on = (a.bbox[2] >= right - 1.5 * ch and b.bbox[0] < left + 0.8 * ch
                   and b.bbox[1] - a.bbox[1] <= 1.3 * pitch and "\t" not in a.text + b.text)
        if runs_on:
            groups[-1].append(b)
        else:
            groups.append([b])
    return groups


def join_lines(group: list[Any]) -> Any:
    """One OcrLine from a paragraph's lines (a space only between Latin words; confidence per character)."""
    from .engines.base import OcrLine, join_words

    if len(group) == 1:
        return group[0]
    n = sum(len(ol.text) for ol in group) or 1
    return OcrLine(join_words([ol.text for ol in group]), sum(ol.conf * len(ol.text) for ol in group) / n,
                   [min(o.bbox[0] for o in group), min(o.bbox[1] for o in group),
                    max(o.bbox[2] for o in group), max(o.bbox[3] for o in group)])


def _progress(total: int, cfg: dict[str, Any], desc: str) -> Any:
    setting = cfg.get("progress", "auto")
    if setting is False or setting == "false" or total < 2:
        return None
    import sys

    if setting == "auto" and not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="page", leave=False)


def ocr_pages(
    images: Iterable[np.ndarray] | Sequence[np.ndarray],
    cfg: dict[str, Any] | None = None,
    jobs: int | None = None,
    first_page: int = 1,
    deadline: float | None = None,
    on_page: Callable[[OcrPage], None] | None = None,
) -> list[OcrPage]:
    """OCR pages in parallel (threads: the engines release the GIL or run as subprocesses).

    `deadline` is a `time.monotonic()` value; pages not started by then raise TimeoutError.
    Results come back in page order.
    """
    cfg = {**DEFAULTS, **(cfg or {})}
    images = list(images)
    jobs = max(1, int(jobs or cfg.get("jobs") or 1))
    bar = _progress(len(images), cfg, "OCR")

    def work(i: int) -> OcrPage:
        if deadline is not None and time.monotonic() > deadline:
            raise TimeoutError(f"page {first_page + i}: time limit reached before OCR started")
        res = ocr_page(images[i], cfg, first_page + i)
        if bar is not None:
            bar.update(1)
        if on_page is not None:
            on_page(res)
        return res

    try:
        if jobs == 1 or len(images) < 2:
            return [work(i) for i in range(len(images))]
        with ThreadPoolExecutor(max_workers=min(jobs, len(images))) as pool:
            return list(pool.map(work, range(len(images))))
    finally:
        if bar is not None:
            bar.close()


def number_lines(pages: Sequence[OcrPage], start: int = 1) -> list[Line]:
    """All pages' lines with running source line numbers (a blank Line between pages)."""
    out: list[Line] = []
    n = start
    for pg in pages:
        if out and pg.lines:
            out.append(Line("", (n, n), pg.lines[0].page))
            n += 1
        for ln in pg.lines:
            ln.src = (n, n)
            out.append(ln)
            n += 1
    return out


__all__ = ["DEFAULTS", "OcrPage", "ocr_page", "ocr_pages", "number_lines", "get_engine"]
