"""OCR fallback: render one PDF page with PDFium and read it with our OCR engine.

The render is bounded by `limits.max_image_pixels` (like an image input) and
`pdf.max_render_pixels` (what OCR preprocessing can afford in memory): a page
whose size at `dpi` would pass it (a 613-byte PDF with a 5000 pt MediaBox is
20834 x 20834 pixels at 300 dpi, 1.7 GB as BGRA) is rendered at the resolution
that fits instead, and the page's report says so; a page that would need less
than `MIN_DPI` to fit is not rendered at all (its text layer is kept, flagged).
"""

from __future__ import annotations

import math
from typing import Any

from .layout import Block, TextLine

MIN_DPI = 36.0  # below this no body text is legible: refuse rather than OCR a smear


def fit_dpi(width_pt: float, height_pt: float, dpi: float, max_pixels: int) -> float:
    """`dpi`, or the largest resolution at which the page fits in `max_pixels` pixels."""
    if not (math.isfinite(width_pt) and math.isfinite(height_pt)) or width_pt <= 0 or height_pt <= 0:
        raise ValueError(f"page size {width_pt:g} x {height_pt:g} pt cannot be rendered")
    px = (width_pt * dpi / 72.0 + 1) * (height_pt * dpi / 72.0 + 1)
    if px <= max_pixels:
        return dpi
    fitted = 72.0 * math.sqrt(max_pixels / (width_pt * height_pt)) * 0.995  # +1 px rounding on each side
    if fitted < MIN_DPI:
        raise ValueError(f"page is {width_pt:.0f} x {height_pt:.0f} pt: it fits in {max_pixels} pixels "
                         f"(pdf.max_render_pixels, limits.max_image_pixels) only at {fitted:.1f} dpi, "
                         "too coarse to read; not rendered")
    return fitted


def render(raster_doc: Any, index: int, dpi: float, max_pixels: int | None = None,
           gray: bool = False) -> tuple[Any, float]:
    """(the page as a numpy image, the dpi used): `dpi`, or less to fit `max_pixels`.
    BGR/BGRA as PDFium renders, or (`gray`) converted to gray straight from PDFium's
    buffer: a quarter of the memory, and the same pixels the OCR would make of it."""
    page = raster_doc[index]
    bitmap = None
    try:
        if max_pixels is not None:
            dpi = fit_dpi(*page.get_size(), dpi, max_pixels)
        bitmap = page.render(scale=dpi / 72.0)
        view = bitmap.to_numpy()
        if gray and view.ndim == 3:
            from ..ocr.preprocess import to_gray

            return to_gray(view), dpi
        return view.copy(), dpi
    finally:
        if bitmap is not None:
            bitmap.close()
        page.close()


def ocr_blocks(raster_doc: Any, index: int, dpi: int, ocr_cfg: dict[str, Any],
               max_pixels: int | None = None) -> tuple[list[Block], Any, float]:
    """(blocks in reading order with boxes in PDF points, the OcrPage, the dpi rendered at) for page `index`."""
    from ..ocr import ocr_page

    image, used = render(raster_doc, index, dpi, max_pixels, gray=bool(ocr_cfg.get("grayscale", True)))
    result = ocr_page(image, ocr_cfg, index + 1)
    del image
    k = 72.0 / used
    blocks: list[Block] = []
    current: Block | None = None
    for ln in result.lines:
        if not ln.text.strip():
            current = None
            continue
        if current is None:
            current = Block(vertical=ln.kind == "headline")
            blocks.append(current)
        x0, y0, x1, y1 = (v * k for v in ln.meta.get("bbox", (0, 0, 0, 0)))
        current.lines.append(TextLine(ln.text, x0, y0, x1, y1, ln.conf))
    return blocks, result, used
