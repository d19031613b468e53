"""PDF stream decoding with a bound on the decoded size, whatever the filters.

pdfminer decodes a stream whole (`zlib.decompress` of everything, then the next
filter), and has no hook to bound it: a 1 MiB FlateDecode stream of spaces
becomes 1 GiB in memory, and wrapping it in `/ASCIIHexDecode` or compressing it
with another zlib window hides it from a scan for `stream\\nx`. So:

* `decode_bounded` runs a stream's filter chain with every step bounded
  *while it decodes*: Flate inflates incrementally (`decompressobj` with
  `max_length`), RunLength and LZW stop at the bound, ASCII85 and CCITT are
  sized before decoding, and `StreamTooLarge` is raised as soon as any step
  would pass `limit` bytes;
* `bounded_pdfminer` installs it as pdfminer's `PDFStream.decode` for the
  duration of one document, with a total budget for everything pdfminer keeps
  decoded (it caches every stream of the document it has read);
* `prescan` decodes, and throws away, every stream the cross-reference table
  names (content, forms, fonts, images, object streams) before PDFium, which
  inflates streams whole too, ever sees the file; image XObjects are also
  checked against the pixel limit by their declared size.

Corrupt Flate data keeps what was inflated before the error (pdfminer keeps
nothing unless the error is in the last bytes): more text survives.
"""

from __future__ import annotations

import bisect
import contextlib
import contextvars
import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

_CHUNK = 1 << 16


class StreamTooLarge(Exception):
    """A stream decodes past the per-stream bound, the document past its total, or an image
    declares more pixels than allowed: the message is the one line the user sees."""


def limit_in(exc: BaseException | None) -> StreamTooLarge | None:
    """The StreamTooLarge behind `exc`, if any: pdfplumber wraps what pdfminer raises
    (`PdfminerException(e)`), so look through causes and arguments."""
    for _ in range(8):
        if exc is None or isinstance(exc, StreamTooLarge):
            return exc
        inner = next((a for a in exc.args if isinstance(a, BaseException)), None)
        exc = inner or exc.__cause__ or exc.__context__
    return None


def _over(what: str, limit: int, key: str) -> StreamTooLarge:
    return StreamTooLarge(f"{what} decodes to over {limit / 2**20:g} MiB (a decompression bomb; pdf.{key})")


@dataclass
class Budget:
    per_stream: int
    total: int
    used: int = 0

    def spend(self, n: int) -> None:
        self.used += n
        if self.used > self.total:
            raise _over("the PDF's streams together", self.total, "max_decoded_bytes")


def _too_large(limit: int) -> StreamTooLarge:
    return _over("a PDF stream", limit, "max_stream_bytes")


def inflate(data: bytes | memoryview, limit: int, keep: bool = True) -> bytes:
    """zlib (any window size) inflated in steps, never holding more than `limit` + 64 KiB
    (`keep=False`: only counting, holding 64 KiB)."""
    d = zlib.decompressobj()
    out: list[bytes] = []
    total = 0
    try:
        for pos in range(0, len(data), _CHUNK):
            buf = data[pos:pos + _CHUNK]
            while buf and not d.eof:
                piece = d.decompress(buf, _CHUNK)
                total += len(piece)
                if total > limit:
                    raise _too_large(limit)
                if keep:
                    out.append(piece)
                buf = d.unconsumed_tail
            if d.eof:
                break
    except zlib.error:
        pass  # corrupt or truncated: keep what came out before the damage
    return b"".join(out)


def run_length(data: bytes, limit: int) -> bytes:
    """RunLengthDecode (PDF 1.7, 7.4.5), stopping at the bound; a truncated run ends the data."""
    out = bytearray()
    i, n = 0, len(data)
    while i < n:
        length = data[i]
        if length == 128:
            break
        if length < 128:
            out += data[i + 1:i + 2 + length]
            i += 2 + length
        else:
            if i + 1 >= n:
                break
            out += data[i + 1:i + 2] * (257 - length)
            i += 2
        if len(out) > limit:
            raise _too_large(limit)
    return bytes(out)


def lzw(data: bytes, limit: int) -> bytes:
    from pdfminer.lzw import LZWDecoder

    out: list[bytes] = []
    total = 0
    for piece in LZWDecoder(io.BytesIO(data)).run():
        total += len(piece)
        if total > limit:
            raise _too_large(limit)
        out.append(piece)
    return b"".join(out)


def ascii85(data: bytes, limit: int) -> bytes:
    """ASCII85: at most 4 bytes per 5 digits and 4 per `z`, so the size is known before decoding."""
    from pdfminer.ascii85 import ascii85decode

    z = data.count(b"z")
    if 4 * z + (len(data) - z) * 4 // 5 > limit:
        raise _too_large(limit)
    return ascii85decode(data)


def _int(v: Any, default: int) -> int:
    from pdfminer.pdftypes import resolve1

    v = resolve1(v)
    return int(v) if isinstance(v, (int, float)) and abs(v) < 1 << 31 else default


def ccitt(data: bytes, params: dict[str, Any], limit: int) -> bytes:
    """CCITT fax: a row can be one bit, so bound columns x rows before decoding."""
    from pdfminer.ccitt import ccittfaxdecode

    cols = max(1, _int(params.get("Columns"), 1728))
    rows = _int(params.get("Rows"), 0) or 8 * len(data)
    if (cols + 7) // 8 * rows > limit:
        raise _too_large(limit)
    return ccittfaxdecode(data, params)


def decode_bounded(stream: Any, limit: int) -> bytes:
    """The stream's data decoded through all its filters and predictors, each step bounded by `limit`."""
    from pdfminer import pdftypes as t
    from pdfminer.psparser import LIT

    data = stream.rawdata if stream.rawdata is not None else stream.data or b""
    if stream.decipher:
        data = stream.decipher(stream.objid, stream.genno, data, stream.attrs)
    for f, params in stream.get_filters():
        params = params if isinstance(params, dict) else {}
        if f in t.LITERALS_FLATE_DECODE:
            data = inflate(data, limit)
        elif f in t.LITERALS_LZW_DECODE:
            data = lzw(data, limit)
        elif f in t.LITERALS_ASCII85_DECODE:
            data = ascii85(data, limit)
        elif f in t.LITERALS_ASCIIHEX_DECODE:
            data = t.asciihexdecode(data)  # half the input
        elif f in t.LITERALS_RUNLENGTH_DECODE:
            data = run_length(data, limit)
        elif f in t.LITERALS_CCITTFAX_DECODE:
            data = ccitt(data, params, limit)
        elif f in t.LITERALS_DCT_DECODE or f in t.LITERALS_JBIG2_DECODE or f in t.LITERALS_JPX_DECODE:
            pass  # image codecs: the data stays encoded (as pdfminer leaves it)
        elif f == LIT("Crypt"):
            raise t.PDFNotImplementedError("/Crypt filter is unsupported")
        else:
            raise t.PDFNotImplementedError(f"Unsupported filter: {f!r}")
        pred = _int(params.get("Predictor"), 1)
        if pred == 2 or pred >= 10:
            colors, columns = _int(params.get("Colors"), 1), _int(params.get("Columns"), 1)
            bpc = _int(params.get("BitsPerComponent"), 8)
            if pred == 2:
                data = t.apply_tiff_predictor(colors, columns, bpc, data)
            else:
                data = t.apply_png_predictor(pred, colors, columns, bpc, data)
        if len(data) > limit:
            raise _too_large(limit)
    return data


_BUDGET: contextvars.ContextVar[Budget | None] = contextvars.ContextVar("pdf_stream_budget", default=None)
_original_decode: Any = None


def _decode(self: Any) -> None:
    """pdfminer's `PDFStream.decode`, bounded while a budget is set (unbounded original otherwise)."""
    budget = _BUDGET.get()
    if budget is None:
        return _original_decode(self)
    self.data = decode_bounded(self, budget.per_stream)
    self.rawdata = None
    budget.spend(len(self.data))
    return None


@contextlib.contextmanager
def bounded_pdfminer(per_stream: int, total: int) -> Iterator[Budget]:
    """Within the block, every stream pdfminer decodes is bounded (this thread/context only)."""
    global _original_decode
    from pdfminer.pdftypes import PDFStream

    if _original_decode is None:
        _original_decode = PDFStream.decode
        PDFStream.decode = _decode  # pdfminer has no hook for this; the original runs outside the block
    budget = Budget(per_stream, total)
    token = _BUDGET.set(budget)
    try:
        yield budget
    finally:
        _BUDGET.reset(token)


def _image_pixels(stream: Any) -> int:
    from pdfminer.psparser import LIT

    if stream.get("Subtype") is not LIT("Image"):
        return 0
    return max(0, _int(stream.get("Width"), 0)) * max(0, _int(stream.get("Height"), 0))


def prescan(data: bytes, per_stream: int, max_pixels: int) -> tuple[int, int]:
    """Decode every stream in the file's cross-reference table, bounded, and throw the output away.

    Raises StreamTooLarge (a stream over `per_stream`, an image XObject declaring
    over `max_pixels` pixels), or what pdfminer raises on a file it cannot open
    (pdfplumber would fail the same way, after the same, sometimes long, repair
    attempt). Returns (streams, decoded bytes); a broken object or stream is skipped.
    """
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser

    with bounded_pdfminer(per_stream, 1 << 62):
        doc = PDFDocument(PDFParser(io.BytesIO(data)), password="")
        return _walk(doc, _stream_ids(doc, data), per_stream, max_pixels)


def _stream_ids(doc: Any, data: bytes) -> list[int]:
    """The objects that can be streams, without parsing every object (0.2 ms each: 2 s for
    a 10 000-page file): one outside an object stream with the `stream` keyword between
    its offset and the next object's. An entry we cannot place is kept (parsed)."""
    entries: list[tuple[int, int | None]] = []
    seen: set[int] = set()
    for xref in doc.xrefs:
        for objid in xref.get_objids():
            if objid in seen:
                continue
            seen.add(objid)
            try:
                strmid, pos, _ = xref.get_pos(objid)
            except Exception:  # noqa: BLE001 - odd entry: parse it
                entries.append((objid, None))
                continue
            if strmid is None:  # objects inside an object stream are never streams
                entries.append((objid, int(pos)))
    starts = sorted({p for _, p in entries if p is not None})
    out = []
    for objid, pos in entries:
        if pos is None or not 0 <= pos < len(data):
            out.append(objid)
            continue
        k = bisect.bisect_right(starts, pos)
        end = starts[k] if k < len(starts) else len(data)
        if data.find(b"stream", pos, end) >= 0:
            out.append(objid)
    return out


def _walk(doc: Any, objids: list[int], per_stream: int, max_pixels: int) -> tuple[int, int]:
    from pdfminer.pdftypes import PDFStream

    streams = decoded = 0
    for objid in objids:
        try:
            obj = doc.getobj(objid)
        except StreamTooLarge:
            raise
        except Exception:  # noqa: BLE001 - a broken object: the readers decide
            continue
        if not isinstance(obj, PDFStream):
            continue
        if obj.rawdata is None:  # an object or xref stream pdfminer has decoded (bounded) itself
            streams, decoded = streams + 1, decoded + len(obj.data or b"")
            continue
        pixels = _image_pixels(obj)
        if pixels > max_pixels:
            raise StreamTooLarge(f"an image in the PDF is {pixels} pixels, over the limit of "
                                 f"{max_pixels} (limits.max_image_pixels)")
        try:
            n = len(decode_bounded(obj, per_stream))
        except StreamTooLarge:
            raise
        except Exception:  # noqa: BLE001 - undecodable stream: harmless here
            continue
        streams += 1
        decoded += n
    return streams, decoded


__all__ = ["Budget", "StreamTooLarge", "bounded_pdfminer", "decode_bounded", "inflate", "limit_in", "prescan",
           "run_length"]
