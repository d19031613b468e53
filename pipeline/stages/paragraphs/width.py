"""Display width: the columns a line occupies, the unit hard-wrap evidence is measured in."""

from __future__ import annotations

import unicodedata
from functools import lru_cache


def display_width(text: str) -> int:
    """Columns a line occupies: wide and ambiguous (CJK, “”, —) characters count two."""
    if text.isascii():
        return len(text)
    return display_widths([text])[0]


@lru_cache(maxsize=1)
def _width_table():
    """Display width per BMP code point (0 at index 0x10000: astral, looked up one by one)."""
    import numpy as np

    table = np.zeros(0x10001, dtype=np.uint8)
    table[:0x10000] = [2 if unicodedata.east_asian_width(chr(cp)) in "WFA" else 1 for cp in range(0x10000)]
    return table


def display_widths(texts: list[str], chunk: int = 1 << 20) -> list[int]:
    """`display_width` of each text, from one table lookup over their joined code points
    (about `chunk` characters at a time, so memory stays small on huge input)."""
    out: list[int] = []
    i = 0
    while i < len(texts):
        j, size = i, 0
        while j < len(texts) and (j == i or size + len(texts[j]) <= chunk):
            size += len(texts[j])
            j += 1
        out += _widths(texts[i:j])
        i = j
    return out


def _widths(texts: list[str]) -> list[int]:
    import numpy as np

    cp = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    w = _width_table()[np.minimum(cp, 0x10000)]
    for i in np.flatnonzero(cp >= 0x10000).tolist():
        w[i] = 2 if unicodedata.east_asian_width(chr(int(cp[i]))) in "WFA" else 1
    cs = np.zeros(cp.size + 1, dtype=np.int64)
    np.cumsum(w, out=cs[1:])
    ends = np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)))
    return np.diff(cs[ends], prepend=0).tolist()
