"""OCR fallback: render one PDF page with PDFium and read it with our OCR engine."""

from __future__ import annotations

from typing import Any

from .layout import Block, TextLine


def render(raster_doc: Any, index: int, dpi: int) -> Any:
    """The page as a numpy image (BGR/BGRA, as PDFium renders) at `dpi`."""
    page = raster_doc[index]
    try:
        bitmap = page.render(scale=dpi / 72.0)
        return bitmap.to_numpy().copy()
    finally:
        page.close()


def ocr_blocks(raster_doc: Any, index: int, dpi: int, ocr_cfg: dict[str, Any]) -> tuple[list[Block], Any]:
    """(blocks in reading order with boxes in PDF points, the OcrPage) for page `index`."""
    from ..ocr import ocr_page

    image = render(raster_doc, index, dpi)
    result = ocr_page(image, ocr_cfg, index + 1)
    k = 72.0 / dpi
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
    return blocks, result
