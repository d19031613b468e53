"""Page pictures for the HTML review: each page of an image or PDF input, downscaled,
embedded as a data URI in an SVG whose viewBox is the page's own coordinate system,
so the OCR and text-layer line boxes (`Line.meta["bbox"]`: image pixels for images,
PDF points for PDFs, OCR'd PDF pages included) are drawn as they are, without
conversion. Embedded, so a review page stays one file that opens from disk.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Any

MAX_WIDTH = 900  # pixels of the embedded picture; the boxes scale with it
MAX_PAGES = 60  # pages pictured per document; the text rows go on beyond
JPEG_QUALITY = 70


def _jpeg_uri(img: Any) -> str:
    """`img` (a PIL image) downscaled to MAX_WIDTH and encoded as a JPEG data URI."""
    img = img.convert("RGB")
    if img.width > MAX_WIDTH:
        img = img.resize((MAX_WIDTH, max(1, round(img.height * MAX_WIDTH / img.width))))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def page_pictures(path: str | Path, kind: str, max_pixels: int) -> list[tuple[float, float, str]]:
    """(width, height, data URI) per page in the bbox coordinate system; [] when unreadable."""
    try:
        if kind == "image":
            return _image_pages(Path(path), max_pixels)
        if kind == "pdf":
            return _pdf_pages(Path(path))
    except Exception:  # the review is a view: a page it cannot draw is left out, the text stays
        return []
    return []


def _image_pages(path: Path, max_pixels: int) -> list[tuple[float, float, str]]:
    from PIL import Image, ImageSequence

    Image.MAX_IMAGE_PIXELS = max(int(max_pixels), 1)  # the reader's limit: it already read this file
    out = []
    with Image.open(path) as im:
        for k, frame in enumerate(ImageSequence.Iterator(im)):
            if k >= MAX_PAGES:
                break
            out.append((float(frame.width), float(frame.height), _jpeg_uri(frame)))
    return out


def _pdf_pages(path: Path) -> list[tuple[float, float, str]]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        out = []
        for k in range(min(len(pdf), MAX_PAGES)):
            page = pdf[k]
            w, h = page.get_size()  # points: the text layer's and raster.py's bbox unit
            scale = min(MAX_WIDTH / max(w, 1.0), 4.0)
            out.append((float(w), float(h), _jpeg_uri(page.render(scale=scale).to_pil())))
            page.close()
        return out
    finally:
        pdf.close()


def svg_page(n: int, width: float, height: float, uri: str, boxes: list[tuple[int, list[float], str]]) -> str:
    """One page: the picture and a rect per (row index, bbox, label) linking to that review row."""
    rects = "".join(
        f'<rect class="box" data-row="{r}" x="{b[0]:.1f}" y="{b[1]:.1f}" '
        f'width="{max(b[2] - b[0], 1):.1f}" height="{max(b[3] - b[1], 1):.1f}"><title>{label}</title></rect>'
        for r, b, label in boxes
    )
    return (f'<figure class="page" id="page{n}"><figcaption>page {n}</figcaption>'
            f'<svg viewBox="0 0 {width:.1f} {height:.1f}" preserveAspectRatio="xMidYMin meet">'
            f'<image href="{uri}" x="0" y="0" width="{width:.1f}" height="{height:.1f}"/>{rects}</svg></figure>')
