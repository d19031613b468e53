"""OCR look-alike characters put back: `福社` -> `福祉` when only the look-alike makes a word.

Tesseract's fast chi_sim model confidently reads one character as another that
looks almost the same (祉/社, 己/已, 末/未). The look-alike table is not written
by hand: the `max_chars` most frequent CJK characters of jieba's dictionary are
rendered with the Noto Sans CJK SC face the setup installs, blurred and reduced
to 16x16 binary bitmaps, and every character is paired with its few nearest
characters by pixel difference (packed bits, XOR, popcount). The table is built
once, deterministically, and cached under ~/.cache/ocrclean with the font hash
and version in the name. No font found: the stage does nothing.

The rule runs only on OCR'd text (documents of kind "image", lines with an OCR
confidence) and only after paragraph assembly, so a word cut by a line break is
whole again. A character is replaced when no dictionary word of 2-4 characters
in its context contains it, while a look-alike forms a frequent word
(`min_word_freq`) with its left or right neighbour, and the garble model scores
the local window clearly better with the look-alike (`min_gain` nats). Each
replacement is counted and flagged ("ocr-correction") for a person to check.
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
from ..document import Document
from ..registry import stage
from ..settings import Number, Settings

NAME = "ocr_lookalikes"
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


def _is_cjk(ch: str) -> bool:
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
                if _is_cjk(ch):
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


def _in_word(chars: list[str], i: int, freq: dict[str, int], min_freq: int) -> bool:
    """True when a dictionary word of 2-4 characters in `chars` covers position `i`."""
    n = len(chars)
    for size in (2, 3, 4):
        for s in range(max(0, i - size + 1), min(i, n - size) + 1):
            if freq.get("".join(chars[s : s + size]), 0) >= min_freq:
                return True
    return False


@lru_cache(maxsize=1)
def _char_rank() -> dict[str, int]:
    return {c: i for i, c in enumerate(_ranked_chars(20000))}


def _inside_word(x: str, y: str) -> bool:
    """True when the two characters follow each other inside some dictionary word."""
    if not x or not y:
        return False
    key = np.array([(ord(x) << 21) | ord(y)], dtype=np.uint64)
    return bool(garble.model()._bigram_cond(key)[0] > 0)


def _cjk_run(text: str, i: int, reach: int) -> tuple[int, int]:
    """Bounds of the CJK characters around `i`, at most `reach` each side."""
    a = i
    while a > 0 and i - a < reach and _is_cjk(text[a - 1]):
        a -= 1
    b = i + 1
    while b < len(text) and b - i <= reach and _is_cjk(text[b]):
        b += 1
    return a, b


def correct_line(
    text: str, table: dict[str, tuple[str, ...]], freq: dict[str, int], cfg: dict
) -> list[tuple[int, str]]:
    """(position, replacement) for each look-alike to put back in `text`, left to right."""
    keep_freq, word_freq, gain = cfg["keep_word_freq"], cfg["min_word_freq"], cfg["min_gain"]
    chars = list(text)
    fixes: list[tuple[int, str]] = []
    for i, c in enumerate(chars):
        alts = table.get(c)
        if not alts:
            continue
        a, b = _cjk_run(text, i, 3)
        if b - a < 2:
            continue  # no CJK neighbour: no evidence
        local = chars[a:b]
        if _in_word(local, i - a, freq, keep_freq):
            continue
        prev = chars[i - 1] if i > a else ""
        nxt = chars[i + 1] if i + 1 < b else ""
        if _inside_word(prev, c) or _inside_word(c, nxt):
            continue  # the pair occurs inside some dictionary word: a compound, not a misreading
        # the neighbour the look-alike would pair with must be orphaned too: a genuine misreading
        # breaks a word and leaves both halves without one (`民生|福社`), while a neighbour already
        # in a word of its own (`工作|总|基调`) is no evidence for a misreading next to it
        free_prev = bool(prev) and not _in_word(local, i - a - 1, freq, keep_freq)
        free_next = bool(nxt) and not _in_word(local, i - a + 1, freq, keep_freq)
        best, best_f = "", 0
        rank = _char_rank()
        for alt in alts:
            if rank.get(alt, 1 << 30) < rank.get(c, 1 << 30) + cfg["min_rank_gap"]:
                continue  # OCR misreads a rare character as a common one, not the other way round
            f = max(freq.get(prev + alt, 0) if free_prev else 0, freq.get(alt + nxt, 0) if free_next else 0)
            if f >= word_freq and f > best_f:
                best, best_f = alt, f
        if not best:
            continue
        window = "".join(local)
        fixed = window[: i - a] + best + window[i - a + 1 :]
        if garble.column_logp(fixed) - garble.column_logp(window) < gain:
            continue
        chars[i] = best
        fixes.append((i, best))
    return fixes


class OcrLookalikesSettings(Settings):
    """OCR'd text only: look-alike misreadings put back where only the look-alike makes a word."""

    max_chars: int = 7000
    """Characters in the look-alike table (the most frequent jieba characters)."""
    keep_word_freq: int = 1
    """A character forming a dictionary word this frequent with a neighbour is kept."""
    min_word_freq: int = 20
    """The look-alike must form a word at least this frequent."""
    min_gain: Number = 0.5
    """... and make the text at least this much more fluent (garble model)."""
    min_rank_gap: int = 2000
    """Only a rarer look-alike (this many frequency ranks below) is put in."""


# it judges words across the joins paragraphs makes
@stage(NAME, settings=OcrLookalikesSettings, after=("paragraphs",))
def run(doc: Document, cfg: dict) -> Document:
    """Look-alike characters misread by OCR put back where only the look-alike makes a word."""
    image = doc.kind == "image"
    if not image and not any(ln.conf is not None for ln in doc.lines):
        return doc
    table = lookalikes(cfg["max_chars"])
    if not table:
        return doc
    from .paragraphs import _word_freq

    freq = _word_freq()
    for k, ln in enumerate(doc.lines):
        if not (image or ln.conf is not None) or not ln.text:
            continue
        fixes = correct_line(ln.text, table, freq, cfg)
        if not fixes:
            continue
        chars = list(ln.text)
        for i, alt in fixes:
            old = chars[i]
            chars[i] = alt
            doc.record_change(NAME, "ocr-lookalike", 1, 0)
            excerpt = ln.text[max(0, i - 8) : i + 9]
            doc.flag(
                "ocr-correction",
                f"OCR look-alike {old} -> {alt} (only {alt} makes a word here)",
                excerpt,
                ln.src,
                NAME,
            )
        doc.lines[k] = ln.with_text("".join(chars))
    return doc
