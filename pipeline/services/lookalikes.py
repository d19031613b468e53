"""The look-alike table: for each common CJK character, the few that look almost the same.

Not written by hand: the `max_chars` most frequent CJK characters of jieba's dictionary
are rendered with the Noto Sans CJK SC face the setup installs, blurred and reduced to
16x16 binary bitmaps, and every character is paired with its few nearest characters by
pixel difference (packed bits, XOR, popcount). The table is built once, deterministically,
and cached under ~/.cache/ocrclean with the font hash and version in the name. No font
found: the table is empty. Stages reach it as `ctx.services.lookalikes`.
"""

from __future__ import annotations

import glob
import hashlib
import os
import subprocess
from functools import lru_cache
from pathlib import Path

import numpy as np

from .. import garble

_VERSION = "1"
_RENDER = 64  # glyphs are drawn at this size, blurred, then reduced to _GRID x _GRID
_GRID = 16
_BLUR = 2.0
_INK = 80  # grey level (0-255) above which a reduced pixel counts as ink
_NEAREST = 3  # each character keeps its few nearest look-alikes
_MAX_DIST = 40  # and only those differing in at most this many of the 256 pixels
_FONT_GLOBS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/**/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/**/NotoSansCJKsc-Regular.otf",
)


def is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


@lru_cache(maxsize=1)
def font_path() -> tuple[str, int] | None:
    """(font file, face index) of Noto Sans CJK SC, or None when it is not installed."""
    cands: list[str] = []
    try:
        out = subprocess.run(
            ["fc-match", "Noto Sans CJK SC", "--format=%{file}"], capture_output=True, text=True, timeout=10
        ).stdout.strip()
        if "NotoSansCJK" in out:
            cands.append(out)
    except (OSError, subprocess.SubprocessError):
        pass
    for pat in _FONT_GLOBS:
        cands.extend(sorted(glob.glob(pat, recursive=True)))
    from PIL import ImageFont

    for path in cands:
        for index in range(8):
            try:
                f = ImageFont.truetype(path, 16, index=index)
            except OSError:
                break
            if f.getname()[0] == "Noto Sans CJK SC":
                return path, index
    return None


def _ranked_chars(max_chars: int) -> list[str]:
    """CJK characters by their total word frequency in jieba's dictionary (ties by code point)."""
    from collections import Counter

    count: Counter[str] = Counter()
    with open(garble._dict_path(), encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) < 2 or not parts[1].isdigit():
                continue
            for ch in parts[0]:
                if is_cjk(ch):
                    count[ch] += int(parts[1])
    return [c for c, _ in sorted(count.items(), key=lambda kv: (-kv[1], kv[0]))[:max_chars]]


def _bitmaps(chars: list[str], path: str, index: int) -> np.ndarray:
    """Packed 16x16 binary bitmaps, one row of 32 bytes per character."""
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    font = ImageFont.truetype(path, int(_RENDER * 0.92), index=index)
    rows = []
    for ch in chars:
        im = Image.new("L", (_RENDER, _RENDER), 0)
        ImageDraw.Draw(im).text((_RENDER / 2, _RENDER / 2), ch, font=font, fill=255, anchor="mm")
        im = im.filter(ImageFilter.GaussianBlur(_BLUR)).resize((_GRID, _GRID), Image.BOX)
        rows.append(np.asarray(im).ravel() > _INK)
    return np.packbits(np.array(rows, dtype=bool), axis=1)


def build_table(chars: list[str], path: str, index: int) -> dict[str, tuple[str, ...]]:
    """Each character's look-alikes: its `_NEAREST` nearest within `_MAX_DIST` pixels, made symmetric."""
    packed = _bitmaps(chars, path, index)
    words = packed.view(np.uint64)  # 32 bytes = 4 words per bitmap
    n = len(chars)
    pairs: set[tuple[int, int]] = set()
    block = 512
    for lo in range(0, n, block):
        d = np.bitwise_count(words[lo : lo + block, None, :] ^ words[None, :, :]).sum(-1, dtype=np.int32)
        d[np.arange(d.shape[0]), np.arange(lo, lo + d.shape[0])] = 1 << 20
        near = np.argsort(d, axis=1, kind="stable")[:, :_NEAREST]
        for r, row in enumerate(near):
            for j in row.tolist():
                if d[r, j] <= _MAX_DIST:
                    i = lo + r
                    pairs.add((min(i, j), max(i, j)))
    table: dict[str, list[str]] = {}
    for i, j in sorted(pairs):
        table.setdefault(chars[i], []).append(chars[j])
        table.setdefault(chars[j], []).append(chars[i])
    return {c: tuple(v) for c, v in table.items()}


def _cache_file(path: str, max_chars: int) -> Path:
    h = hashlib.sha256()
    h.update(Path(path).read_bytes())
    h.update(garble._dict_path().read_bytes())
    base = Path(os.environ.get("OCRCLEAN_CACHE", Path.home() / ".cache" / "ocrclean"))
    return base / f"lookalikes-v{_VERSION}-{max_chars}-{h.hexdigest()[:16]}.tsv"


@lru_cache(maxsize=4)
def lookalikes(max_chars: int = 7000) -> dict[str, tuple[str, ...]]:
    """The look-alike table (empty when no Noto CJK font is installed)."""
    fp = font_path()
    if fp is None:
        return {}
    cf = _cache_file(fp[0], max_chars)
    if cf.exists():
        try:
            table = {}
            for line in cf.read_text(encoding="utf-8").splitlines():
                c, rest = line.split("\t")
                table[c] = tuple(rest)
            return table
        except (OSError, ValueError):
            pass  # a corrupt cache is rebuilt
    table = build_table(_ranked_chars(max_chars), *fp)
    try:
        cf.parent.mkdir(parents=True, exist_ok=True)
        tmp = cf.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text("".join(f"{c}\t{''.join(v)}\n" for c, v in sorted(table.items())), encoding="utf-8")
        os.replace(tmp, cf)
    except OSError:
        pass  # read-only home: keep it in memory only
    return table



@lru_cache(maxsize=1)
def _char_rank() -> dict[str, int]:
    return {c: i for i, c in enumerate(_ranked_chars(20000))}


class Lookalikes:
    """The look-alike table and the character ranks it is built from (a service)."""

    def table(self, max_chars: int = 7000) -> dict[str, tuple[str, ...]]:
        """Each character's look-alikes among the `max_chars` most frequent ones."""
        return lookalikes(max_chars)

    def rank(self) -> dict[str, int]:
        """Each common character's frequency rank (0 = most frequent)."""
        return _char_rank()
