"""Images (PNG, JPEG, TIFF incl. multi-page, BMP, WebP) to a Document via OCR.

The pixel limit is checked on the header before any pixel is decoded, so a
decompression bomb costs nothing; Pillow's own bomb guard is set to the same
limit, and OpenCV never decodes the file (it only sees arrays). Each frame is
turned upright by its EXIF orientation and transparency is put on white paper
(`to_array`), as a person looking at the file would see it.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from ..config import Config
from ..document import Document
from ..errors import ConfigError, InputError, LimitExceeded

# OpenCV's own decoder limit, for any code path that hands it a file
os.environ.setdefault("OPENCV_IO_MAX_IMAGE_PIXELS", str(120_000_000))


def upright(frame: Image.Image) -> Image.Image:
    """The frame turned as the camera's EXIF Orientation tag says (a phone photo of a page
    is stored on its side with a tag saying so; OCR of the raw pixels reads nothing)."""
    try:
        return ImageOps.exif_transpose(frame) or frame
    except (ValueError, TypeError, OSError, SyntaxError, KeyError):  # a damaged EXIF block: keep the pixels as stored
        return frame


def on_white(frame: Image.Image) -> Image.Image:
    """A frame with transparency composited onto white paper. Dropping the alpha channel
    leaves the colour under it, black in most files: black text on a transparent PNG
    becomes black on black, and OCR finds nothing."""
    has_alpha = frame.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in frame.info
    if not has_alpha:
        return frame
    rgba = frame.convert("RGBA")
    paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    paper.alpha_composite(rgba)
    return paper.convert("L" if frame.mode in ("LA", "La") or (frame.mode == "L") else "RGB")


def to_array(frame: Image.Image) -> np.ndarray:
    """A Pillow frame as a gray or BGR uint8 array (the layout OpenCV expects),
    turned upright (EXIF) and with any transparency on white."""
    frame = on_white(upright(frame))
    if frame.mode in ("L", "1", "I;16", "I", "F"):
        return np.asarray(frame.convert("L"))
    rgb = np.asarray(frame.convert("RGB"))
    return np.ascontiguousarray(rgb[:, :, ::-1])


def decode_frames(path: Path, max_pixels: int, max_frames: int) -> list[np.ndarray]:
    """Decode every frame, refusing oversized or damaged files with a one-line reason."""
    name = str(path)
    if path.stat().st_size == 0:
        raise InputError(name, "empty file (0 bytes), not an image")
    Image.MAX_IMAGE_PIXELS = max_pixels  # Pillow warns above this and refuses above 2x
    try:
        with Image.open(path) as im:
            w, h = im.size
            if w * h > max_pixels:
                raise LimitExceeded(name, f"image is {w}x{h} = {w * h} pixels, over the limit of {max_pixels} "
                                          "(limits.max_image_pixels); refused before decoding")
            frames = []
            for k, frame in enumerate(ImageSequence.Iterator(im)):
                if k >= max_frames:
                    raise LimitExceeded(name, f"more than {max_frames} frames (limits.max_pdf_pages)")
                if frame.size[0] * frame.size[1] > max_pixels:
                    raise LimitExceeded(name, f"frame {k + 1} is over {max_pixels} pixels")
                frame.load()
                frames.append(to_array(frame))
    except (UnidentifiedImageError, Image.DecompressionBombError) as e:
        if isinstance(e, Image.DecompressionBombError):
            raise LimitExceeded(name, f"image over the limit of {max_pixels} pixels (limits.max_image_pixels), "
                                      f"refused before decoding: {e}") from None
        raise InputError(name, "not a readable image (unknown or corrupt format)") from None
    except (OSError, SyntaxError, ValueError) as e:
        raise InputError(name, f"damaged image: {e}") from None
    return frames


def read_image(path: Path, config: Config) -> tuple[Document, bytes]:
    """OCR every frame of the image at `path`; returns the Document and the raw bytes."""
    from ..ocr import DEFAULTS, number_lines, ocr_pages

    limits = config.section("limits")
    cfg = {**DEFAULTS, **config.section("ocr")}
    raw = path.read_bytes()
    frames = decode_frames(path, int(limits["max_image_pixels"]), int(limits["max_pdf_pages"]))
    deadline = time.monotonic() + float(limits["max_seconds_per_document"])
    try:
        pages = ocr_pages(frames, cfg, int(cfg["jobs"]), deadline=deadline)
    except TimeoutError as e:
        raise LimitExceeded(str(path), f"OCR over limits.max_seconds_per_document: {e}") from None
    except ValueError as e:
        raise ConfigError(f"[ocr] {e}") from None
    except RuntimeError as e:
        raise InputError(str(path), f"OCR engine unavailable: {e}") from None
    doc = Document(lines=number_lines(pages), source=str(path), kind="image")
    doc.metadata["pages"] = len(pages)
    doc.metadata["ocr_engine"] = cfg["engine"]
    doc.stats["pages"] = [p.stats for p in pages]
    confs = [ln.conf for ln in doc.lines if ln.conf is not None]
    doc.stats["ocr_confidence"] = round(sum(confs) / len(confs), 1) if confs else 0.0
    if not confs:
        doc.lines = []
        doc.flag("no-text", "OCR found no text on the image", path.name, (0, 0), "ocr")
    return doc, raw
