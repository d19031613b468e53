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
from ..settings.sections import OcrSettings

# one Tesseract thread per worker: parallelism comes from pages, not from OpenMP
os.environ["OMP_THREAD_LIMIT"] = "1"

# every setting, its type and what it does: pipeline/settings/sections.py OcrSettings (the one source)
DEFAULTS: dict[str, Any] = OcrSettings().model_dump()


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
