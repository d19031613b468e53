"""Hostile PDFs and images for issue 14, written from bytes (no fixtures).

Each generator returns the file's bytes; `build_pdf_hostile(root)` writes the
folder `tests/test_hostile_pdf.py` runs `ocrclean run` over.
"""

from __future__ import annotations

import binascii
import re
import zlib
from pathlib import Path

from hostile import Case, _pdf

LATIN = b"BT /F1 24 Tf 72 %d Td (Government work report 2023 GDP growth) Tj ET"


def content_pdf(content: bytes, *, mediabox: bytes = b"[0 0 595 842]", filters: bytes = b"") -> bytes:
    """One page drawing `content` (already encoded as `filters` says) in Helvetica."""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        b"<< /Length %d %s >>\nstream\n" % (len(content), filters) + content + b"\nendstream",
        b"<< /Type /Page /Parent 2 0 R /MediaBox " + mediabox
        + b" /Contents 3 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return _pdf(objs)


def huge_mediabox(points: int = 5000) -> bytes:
    """A ~620-byte PDF whose one page is `points` pt square: 20834 x 20834 px at 300 dpi."""
    return content_pdf(LATIN % 700, mediabox=b"[0 0 %d %d]" % (points, points))


def deflate(data_size: int, wbits: int = 15) -> bytes:
    """`data_size` bytes of spaces (then an empty text object), zlib with window 2**wbits."""
    c = zlib.compressobj(9, zlib.DEFLATED, wbits)
    chunk = b" " * (1 << 20)
    parts = [c.compress(chunk) for _ in range(data_size >> 20)]
    return b"".join([*parts, c.compress(b"BT ET\n"), c.flush()])


def bomb_window14(size: int = 1 << 30) -> bytes:
    """A FlateDecode bomb whose zlib header says a 16 KiB window: first byte 0x68, not 'x'."""
    return content_pdf(deflate(size, 14), filters=b"/Filter /FlateDecode")


def bomb_hex_flate(size: int = 1 << 30) -> bytes:
    """The bomb behind /ASCIIHexDecode: the raw bytes after `stream` are hex digits."""
    return content_pdf(binascii.hexlify(deflate(size)) + b">", filters=b"/Filter [/ASCIIHexDecode /FlateDecode]")


def bomb_flate_runlength(size: int = 1 << 30) -> bytes:
    """Flate of RunLength runs (2 bytes -> 128): each step alone is modest, the chain is not."""
    runs = (b"\x81 " * (1 << 19))  # 1 MiB of runs -> 64 MiB of spaces
    c = zlib.compressobj(9)
    body = b"".join(c.compress(runs) for _ in range(max(1, size >> 26))) + c.flush()
    return content_pdf(body, filters=b"/Filter [/FlateDecode /RunLengthDecode]")


def latin_text_layer() -> bytes:
    from hostile import pdf_latin

    return pdf_latin("2023 GDP growth was 5.2 percent, and 12.44 million urban jobs were added.")


def cid_layer() -> bytes:
    """A text layer with glyphs that have no Unicode map: pdfminer writes them `(cid:N)`.
    Identity-H font without ToUnicode: every 2-byte code comes out as (cid:N)."""
    font = (b"<< /Type /Font /Subtype /Type0 /BaseFont /NoMap /Encoding /Identity-H "
            b"/DescendantFonts [6 0 R] >>")
    desc = (b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /NoMap "
            b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>")
    content = (b"BT /F1 24 Tf 72 700 Td (Government work report 2023) Tj ET "
               b"BT /F2 24 Tf 72 650 Td <0011002200330044> Tj ET")
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R "
        b"/Resources << /Font << /F1 5 0 R /F2 7 0 R >> >> >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        desc,
        font,
    ]
    return _pdf(objs)


def reshape(data: bytes, mediabox: bytes, prefix: bytes = b"") -> bytes:
    """An uncompressed PDF (fpdf2, compression off) rewritten with another MediaBox,
    `prefix` put before every text content stream (e.g. a `cm` moving it into the box)."""
    objs = {int(m.group(1)): m.group(2) for m in re.finditer(rb"(\d+) 0 obj\n(.*?)\nendobj", data, re.S)}
    root = int(re.search(rb"/Root (\d+) 0 R", data).group(1))
    out = []
    for i in range(1, max(objs) + 1):
        body = re.sub(rb"/MediaBox \[[^\]]*\]", b"/MediaBox " + mediabox, objs[i])
        sm = re.match(rb"(<<.*?>>)\s*stream\n(.*)\nendstream", body, re.S)
        if sm and prefix and b"BT" in sm.group(2)[:2000] and b"/Filter" not in sm.group(1):
            content = prefix + sm.group(2)
            body = re.sub(rb"/Length \d+", b"/Length %d" % len(content), sm.group(1)) + b"stream\n" + content + b"\nendstream"
        out.append(body)
    return _pdf(out, root=root)


def build_pdf_hostile(root: Path) -> list[Case]:
    """The issue-14 PDF cases in `root`: the bombs must be refused with one line, the
    huge page processed (rendered smaller) or refused on time, all under 1 GB."""
    root.mkdir(parents=True, exist_ok=True)
    cases = [
        (Case("huge mediabox.pdf", "tough", r"limit|max_", marker="Government"), huge_mediabox()),
        (Case("bomb zlib window 14.pdf", "bad", r"decompression bomb.*max_stream_bytes"), bomb_window14(512 << 20)),
        (Case("bomb hex flate.pdf", "bad", r"decompression bomb.*max_stream_bytes"), bomb_hex_flate(512 << 20)),
        (Case("bomb flate runlength.pdf", "bad", r"decompression bomb.*max_stream_bytes"), bomb_flate_runlength()),
    ]
    for case, data in cases:
        (root / str(case.name)).write_bytes(data)
    return [c for c, _ in cases]
