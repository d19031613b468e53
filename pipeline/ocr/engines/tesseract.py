"""Tesseract via pytesseract: `chi_sim` for horizontal blocks, `chi_sim_vert --psm 5` for vertical ones.

Every Tesseract call is a process that loads its model (~0.3 s), so all the
horizontal blocks of a page are stacked onto one canvas, in reading order,
and read in a single call; the canvas position of each line says which block
it came from. Vertical blocks are few (headlines) and read one call each.

The program runs through `children.run_child` (its own process group, killed
with the document on the time limit, an interrupt or any error, and by the
kernel when its worker dies); pytesseract builds nothing here but parses the
TSV it prints.
"""

from __future__ import annotations

import os
import shlex
import shutil
import tempfile
from typing import Any

import cv2
import numpy as np
import pytesseract

from ...children import run_child
from ..layout import Block
from .base import Engine, OcrLine, cells, join_words

os.environ["OMP_THREAD_LIMIT"] = "1"  # one thread per worker; pages run in parallel


def _data(img: np.ndarray, lang: str, config: str) -> dict[str, list]:
    """Tesseract's TSV as a dict; the image goes over as an uncompressed BMP (pytesseract's PNG
    encoding of a page costs a tenth of a second of CPU for nothing)."""
    fd, path = tempfile.mkstemp(suffix=".bmp", prefix="ocrclean-")
    os.close(fd)
    try:
        cv2.imwrite(path, img)
        cmd = [pytesseract.pytesseract.tesseract_cmd, path, "stdout", "-l", lang,
               "-c", "tessedit_create_tsv=1", *shlex.split(config)]
        rc, out, err = run_child(cmd)
        if rc:
            raise pytesseract.TesseractError(rc, " ".join(err.decode("utf-8", "replace").split()))
        return pytesseract.pytesseract.file_to_dict(out.decode("utf-8", "replace"), "\t", -1)
    finally:
        os.unlink(path)


def _lines(d: dict[str, list]) -> list[tuple[list[str], list[float], list[int], list[list[int]]]]:
    """Group Tesseract's words into its lines: (words, confidences, bbox, word boxes) in its order."""
    groups: dict[tuple[int, int, int], tuple[list[str], list[float], list[int], list[list[int]]]] = {}
    for i, word in enumerate(d["text"]):
        conf = float(d["conf"][i])
        if conf < 0 or not word.strip():
            continue
        key = (d["block_num"][i], d["par_num"][i], d["line_num"][i])
        x, y, w, h = d["left"][i], d["top"][i], d["width"][i], d["height"][i]
        if key not in groups:
            groups[key] = ([], [], [x, y, x + w, y + h], [])
        words, confs, box, wboxes = groups[key]
        words.append(word)
        wboxes.append([x, y, x + w, y + h])
        confs.extend([conf] * len(word.strip()))
        box[:] = [min(box[0], x), min(box[1], y), max(box[2], x + w), max(box[3], y + h)]
    return list(groups.values())


class TesseractEngine(Engine):
    name = "tesseract"

    def __init__(self, cfg: dict[str, Any]):
        super().__init__(cfg)
        if shutil.which(pytesseract.pytesseract.tesseract_cmd) is None:
            raise RuntimeError("tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-chi-sim)")

    def read_blocks(self, image: np.ndarray, blocks: list[Block], cfg: dict[str, Any], ch: float) -> list[list[OcrLine]]:
        out: list[list[OcrLine]] = [[] for _ in blocks]
        pad = max(10, int(round(2 * ch)))
        extra = str(cfg["tesseract_config"])
        horizontal = [i for i, b in enumerate(blocks) if not b.vertical]
        if horizontal:
            self._read_stacked(image, blocks, horizontal, pad, f"--psm {cfg['psm']} {extra}", cfg["lang"], out, ch)
        vertical = [i for i, b in enumerate(blocks) if b.vertical]
        if vertical:
            self._read_vertical(image, blocks, vertical, cfg, f"--psm {cfg['vertical_psm']} {extra}", out)
        return out

    def _read_vertical(self, image, blocks, idx, cfg, config, out) -> None:
        """Read all glyph columns of the vertical blocks `idx` as one long column, in one call.

        Each character is mapped back to its glyph column by its position, and
        each vertical block becomes one line (its columns right to left).
        """
        crops = []
        for i in idx:
            blk = blocks[i]
            for a, b in blk.columns or ((blk.x0, blk.x1),):
                crop = image[blk.y0:blk.y1, a:b]
                f = cfg["vertical_glyph_px"] / max(1, b - a)  # chi_sim_vert reads nothing on large glyphs
                crop = cv2.resize(crop, None, fx=f, fy=f, interpolation=cv2.INTER_AREA if f < 1 else cv2.INTER_CUBIC)
                crops.append((i, crop))
        pad = max(10, int(cfg["vertical_glyph_px"]))
        width = max(c.shape[1] for _, c in crops) + 2 * pad
        height = sum(c.shape[0] + pad for _, c in crops) + pad
        shape = (height, width) if image.ndim == 2 else (height, width, image.shape[2])
        canvas = np.full(shape, 255, dtype=np.uint8)
        slots = []
        y = pad
        for i, crop in crops:
            canvas[y:y + crop.shape[0], pad:pad + crop.shape[1]] = crop
            slots.append((i, y, y + crop.shape[0]))
            y += crop.shape[0] + pad
        d = _data(canvas, cfg["vertical_lang"], config)
        words: dict[int, list[str]] = {i: [] for i in idx}
        confs: dict[int, list[float]] = {i: [] for i in idx}
        for k, word in enumerate(d["text"]):
            conf = float(d["conf"][k])
            if conf < 0 or not word.strip():
                continue
            mid = d["top"][k] + d["height"][k] / 2
            i = _slot(slots, mid)[0]
            words[i].append(word)
            confs[i].extend([conf] * len(word.strip()))
        for i in idx:
            if words[i]:
                b = blocks[i]
                out[i].append(OcrLine(join_words(words[i]), sum(confs[i]) / len(confs[i]), [b.x0, b.y0, b.x1, b.y1]))

    def _read_stacked(self, image, blocks, idx, pad, config, lang, out, ch=0.0) -> None:
        """Read the horizontal blocks `idx` in one call, stacked top to bottom."""
        width = max(blocks[i].width for i in idx) + 2 * pad
        height = sum(blocks[i].height + pad for i in idx) + pad
        shape = (height, width) if image.ndim == 2 else (height, width, image.shape[2])
        canvas = np.full(shape, 255, dtype=np.uint8)
        slots: list[tuple[int, int, int]] = []  # (block index, canvas top, canvas bottom)
        y = pad
        for i in idx:
            b = blocks[i]
            canvas[y:y + b.height, pad:pad + b.width] = image[b.y0:b.y1, b.x0:b.x1]
            slots.append((i, y, y + b.height))
            y += b.height + pad
        for words, confs, box, wboxes in _lines(_data(canvas, lang, config)):
            mid = (box[1] + box[3]) / 2
            i, top, _ = _slot(slots, mid)
            b = blocks[i]
            bbox = [box[0] - pad + b.x0, box[1] - top + b.y0, box[2] - pad + b.x0, box[3] - top + b.y0]
            out[i].append(OcrLine(cells(words, wboxes, ch), sum(confs) / len(confs), bbox))


def _slot(slots: list[tuple[int, int, int]], mid: float) -> tuple[int, int, int]:
    """The canvas slot (block, top, bottom) holding the vertical position `mid` (or the nearest)."""
    return min(slots, key=lambda s: 0 if s[1] <= mid < s[2] else min(abs(mid - s[1]), abs(mid - s[2])))
