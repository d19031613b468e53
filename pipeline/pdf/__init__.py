"""PDF input: use the text layer when it is right, OCR the page when it lies.

Per page: pdfplumber chars with fake bold de-duplicated (`dedupe_chars`), put
in reading order by our own layout analysis (`layout`: columns, side bars,
vertical text), checked (`validate`: `(cid:N)`, mojibake, private-use glyphs,
CJK share, fluency); a page whose layer fails is rendered with PDFium and
OCR'd (`raster`). Then running headers, footers and page numbers are found
across pages (`headers`), removed and recorded. `mode` forces one path:
"text" never OCRs, "ocr" always does.

Every stream is decoded with a bound (`streams`); a page is rendered at most
at `limits.max_image_pixels` pixels (`raster`); `(cid:N)` glyphs left in a kept
text layer are removed and recorded; page coordinates are taken relative to
the page's box, wherever its MediaBox puts the origin.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..document import Document, Line
from ..errors import ConfigError, InputError, LimitExceeded
from ..settings.sections import PdfSettings
from .headers import BandLine, find_running
from .layout import Block, TextLine, page_blocks
from .validate import check_layer, check_scan, image_share
from .wraps import join, paragraphs

# every setting, its type and what it does: pipeline/settings/sections.py PdfSettings (the one source)
DEFAULTS: dict[str, Any] = PdfSettings().model_dump()
MODES = ("auto", "text", "ocr")
# pdfminer warns about every odd font on stderr (no handler: Python's last resort prints it),
# which breaks the one-line-per-problem contract; what matters reaches the report instead
logging.getLogger("pdfminer").setLevel(logging.ERROR)


def _page_text(blocks: list[Block]) -> str:
    return "\n".join(ln.text for b in blocks for ln in b.lines)


_CID = re.compile(r"\(cid:\d+\)")


def _text_layer(page: Any, cfg: dict[str, Any]) -> list[Block]:
    """Blocks in page coordinates: (0, 0) is the top left of the page's box, even when
    its MediaBox starts elsewhere ([0 -842 595 0]) and pdfplumber's coordinates with it."""
    chars = page.dedupe_chars(tolerance=float(cfg["dedupe_tolerance"])).chars
    blocks = page_blocks(chars, cfg)
    dx, dy = float(page.bbox[0]), float(page.bbox[1])
    if dx or dy:
        for b in blocks:
            b.lines = [replace(ln, x0=ln.x0 - dx, x1=ln.x1 - dx, top=ln.top - dy, bottom=ln.bottom - dy) for ln in b.lines]
            b.right = None if b.right is None else b.right - dx
    return blocks


def _page_images(page: Any) -> list[dict[str, Any]]:
    dx, dy = float(page.bbox[0]), float(page.bbox[1])
    return [{**im, "x0": im["x0"] - dx, "x1": im["x1"] - dx, "top": im["top"] - dy, "bottom": im["bottom"] - dy}
            for im in page.images]


def _ocr(raster: Any, i: int, cfg: dict[str, Any], ocr_cfg: dict[str, Any],
         max_pixels: int) -> tuple[list[Block], float | None, float]:
    from .raster import ocr_blocks

    blocks, result, dpi = ocr_blocks(raster, i, int(cfg["dpi"]), ocr_cfg, max_pixels)
    return blocks, result.mean_conf, dpi


def _read_pages(path: Path, plumber: Any, raster: Any, cfg: dict[str, Any], ocr_cfg: dict[str, Any],
                limits: dict[str, Any]) -> tuple[list[list[Block]], list[dict[str, Any]]]:
    from .streams import limit_in

    max_seconds = float(limits["max_seconds_per_document"])
    max_pixels = min(int(limits["max_image_pixels"]), int(cfg["max_render_pixels"]))
    mode = cfg["mode"]
    start = time.monotonic()
    pages: list[list[Block]] = []
    stats: list[dict[str, Any]] = []
    for i, page in enumerate(plumber.pages):
        if time.monotonic() - start > max_seconds:
            raise LimitExceeded(str(path), f"time limit of {max_seconds:g} s reached at page {i + 1} "
                                           "(limits.max_seconds_per_document)")
        t0 = time.perf_counter()
        try:
            blocks = _text_layer(page, cfg)
        except Exception as e:  # pdfminer on a broken content stream
            if limit_in(e):
                raise LimitExceeded(str(path), f"page {i + 1}: {limit_in(e)}") from None
            raise InputError(str(path), f"malformed PDF: page {i + 1} cannot be read ({type(e).__name__})") from None
        text = _page_text(blocks)
        glyphs = len("".join(text.split()))
        reasons = check_layer(text, cfg)
        if not reasons:
            reasons = check_scan(image_share((0, 0, float(page.width), float(page.height)), _page_images(page)),
                                 glyphs, cfg)
        st: dict[str, Any] = {"page": i + 1, "mode": "text", "reason": "; ".join(reasons) or "text layer ok"}
        few = glyphs < int(cfg["min_glyphs"])
        want = mode == "ocr" or (mode == "auto" and bool(reasons) and (bool(page.images) or not few))
        if want:
            st["reason"] = "mode ocr" if mode == "ocr" else st["reason"]
            try:
                ocr_blocks, conf, dpi = _ocr(raster, i, cfg, ocr_cfg, max_pixels)
                blocks = ocr_blocks
                st.update(mode="ocr", ocr_confidence=conf)
                if dpi < int(cfg["dpi"]):
                    st["rendered_dpi"] = round(dpi, 1)  # scaled down to fit the pixel limits
            except Exception as e:  # no engine installed, engine crash: keep the layer, say so
                st["ocr_error"] = f"{type(e).__name__}: {e}"[:200]
        st["chars"] = sum(len(ln.text) for b in blocks for ln in b.lines)
        st["seconds"] = round(time.perf_counter() - t0, 3)
        pages.append(blocks)
        stats.append(st)
    return pages, stats


def _assemble(doc: Document, pages: list[list[Block]], heights: list[float], cfg: dict[str, Any]) -> None:
    """Number every line, drop running heads (recorded), undo hard wraps inside blocks,
    and put a blank Line between blocks and pages."""
    band = [
        BandLine(p, hash((p, b, k)), ln.text, ln.top, ln.bottom, heights[p])
        for p, blocks in enumerate(pages)
        for b, block in enumerate(blocks)
        for k, ln in enumerate(block.lines)
    ]
    drop = find_running(band, len(pages), float(cfg["header_band"]), float(cfg["header_min_share"]))
    n = 0
    cid_lines: list[tuple[int, int, str]] = []
    for p, blocks in enumerate(pages):
        for b, block in enumerate(blocks):
            kept: list[tuple[int, TextLine]] = []
            for k, ln in enumerate(block.lines):
                n += 1
                reason = drop.get(hash((p, b, k)))
                if reason:
                    doc.record_removal("pdf", reason, ln.text, (n, n))
                    continue
                cids = _CID.findall(ln.text)
                if cids:  # glyphs without a Unicode map: nothing to read, so out, and recorded
                    doc.record_removal("pdf", "cid-glyph", "".join(cids), (n, n))
                    cid_lines.append((n, len(cids), ln.text))
                    ln = replace(ln, text=_CID.sub("", ln.text))
                if ln.text.strip():
                    kept.append((n, ln))
            if not kept:
                continue
            if doc.lines and doc.lines[-1].text:
                doc.lines.append(Line("", (kept[0][0], kept[0][0]), p + 1))
            number = {id(ln): i for i, ln in kept}
            groups = paragraphs(block, [ln for _, ln in kept]) if cfg["join_wraps"] else [[ln] for _, ln in kept]
            for group in groups:
                first, last = group[0], group[-1]
                bbox = [min(g.x0 for g in group), first.top, max(g.x1 for g in group), last.bottom]
                meta: dict[str, Any] = {"bbox": [round(v, 1) for v in bbox], "block": b + 1}
                if len(group) > 1:
                    meta["joined_lines"] = len(group)
                if block.vertical:
                    meta["vertical"] = True
                confs = [g.conf for g in group if g.conf is not None]
                doc.lines.append(Line(
                    join(group), (number[id(first)], number[id(last)]), p + 1,
                    round(sum(confs) / len(confs), 1) if confs else None,
                    "headline" if block.vertical else "body", meta,
                ))
    if cid_lines:
        first, count = cid_lines[0][0], sum(c for _, c, _ in cid_lines)
        doc.flag("pdf-cid", f"{count} (cid:N) glyphs (no Unicode map in the font) removed from "
                            f"{len(cid_lines)} line{'s' if len(cid_lines) != 1 else ''} of the text layer", cid_lines[0][2], (first, first), "pdf")


def extract_pdf(path: Path, config: Any) -> tuple[Document, bytes]:
    """A Document (kind "pdf") from the PDF at `path`, plus the file's bytes."""
    from .source import open_pdf, read_bytes
    from .streams import bounded_pdfminer

    cfg = config.section("pdf")
    if cfg["mode"] not in MODES:
        raise ConfigError(f"[pdf] mode must be one of {', '.join(MODES)}, not {cfg['mode']!r}")
    limits = config.section("limits")
    data = read_bytes(path, limits)
    with bounded_pdfminer(int(cfg["max_stream_bytes"]), int(cfg["max_decoded_bytes"])):
        plumber, raster = open_pdf(path, data, limits, cfg)
        try:
            pages, stats = _read_pages(path, plumber, raster, cfg, config.section("ocr"), limits)
            heights = [float(p.height) for p in plumber.pages]
            meta = {k: v for k, v in (plumber.metadata or {}).items()
                    if k in ("Title", "Author") and isinstance(v, str) and v}
        finally:
            plumber.close()
            raster.close()
    doc = Document(lines=[], source=str(path), kind="pdf")
    _assemble(doc, pages, heights, cfg)
    doc.metadata["pages"] = len(pages)
    for k, v in meta.items():
        doc.metadata[f"pdf_{k.lower()}"] = v
    doc.stats["pages"] = stats
    confs = [s["ocr_confidence"] for s in stats if s["mode"] == "ocr" and s.get("ocr_confidence") is not None]
    if any(s["mode"] == "ocr" for s in stats):
        doc.stats["ocr_confidence"] = round(sum(confs) / len(confs), 1) if confs else None
    for s in stats:
        if s["mode"] == "ocr" or s.get("ocr_error"):
            what = "page OCR'd" if s["mode"] == "ocr" else f"OCR failed ({s['ocr_error']}), text layer kept"
            if s.get("rendered_dpi"):
                what += (f" (rendered at {s['rendered_dpi']:g} dpi to fit pdf.max_render_pixels "
                         "and limits.max_image_pixels)")
            doc.flag("pdf-page", f"page {s['page']}: {s['reason']}; {what}", s["reason"], (1, 1), "pdf")
    if not any(ln.text.strip() for ln in doc.lines):
        doc.flag("pdf-empty", "no text found on any page", "", (1, 1), "pdf")
    return doc, data


__all__ = ["DEFAULTS", "MODES", "extract_pdf"]
