"""Atheris fuzz target for the PDF reader: structure-aware PDFs in, a Document or one InputError out.

    .venv/bin/python tests/fuzz_pdf.py -max_total_time=60      # make fuzz (with fuzz_text.py)
    .venv/bin/python tests/fuzz_pdf.py CRASH_FILE              # replay one find

The input bytes drive a PDF *builder* (atheris' FuzzedDataProvider), not the raw
file, so mutations land where the hostile cases live: MediaBox sizes (huge,
negative, inverted, zero, absurd numbers), content-stream filter chains
(Flate with zlib windows 9-15 and raw deflate, ASCIIHex, ASCII85, RunLength,
LZW, unknown and image filters, predictors), payloads that inflate past the
limits, object streams behind an xref stream, truncation, and a few flipped
bytes. Each file goes through `extract_pdf` (text mode: no OCR engine) and,
for some, the bounded page render of the OCR path.

Checked on every input: nothing raises but `InputError` (one line), and the
process stays under libFuzzer's `-rss_limit_mb` (1024 by default here). A crash
writes `crash-<sha1>` under `-artifact_prefix` (default `tests/fuzz_corpus/pdf-`);
turn each into a test in tests/test_hostile_pdf.py.
"""

from __future__ import annotations

import base64
import binascii
import io
import os
import sys
import tempfile
import zlib
from pathlib import Path

import atheris

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from hostile import _pdf  # noqa: E402  (the hostile cases' PDF writer; tests/ is the script's folder)

with atheris.instrument_imports(include=["pipeline.pdf", "pdfminer", "pdfplumber"]):
    # imported here so that they are instrumented (later lazy imports would not be)
    import pdfminer.ccitt  # noqa: F401
    import pdfminer.lzw  # noqa: F401
    import pdfminer.pdfdocument  # noqa: F401
    import pdfminer.pdfinterp  # noqa: F401
    import pdfminer.pdfpage  # noqa: F401
    import pdfplumber  # noqa: F401
    import pypdfium2 as pdfium

    import pipeline.pdf.layout
    import pipeline.pdf.source
    import pipeline.pdf.streams  # noqa: F401
    from pipeline.config import load_config
    from pipeline.errors import InputError
    from pipeline.pdf import extract_pdf
    from pipeline.pdf.raster import render
    from pipeline.pdf.source import open_pdf
    from pipeline.pdf.streams import bounded_pdfminer

CONFIG = load_config({
    "extends": "default",
    "limits": {"max_pdf_pages": 20, "max_image_pixels": 4_000_000, "max_seconds_per_document": 20},
    "pdf": {"mode": "text", "max_stream_bytes": 2 << 20, "max_decoded_bytes": 6 << 20},
})
WORK = Path(tempfile.mkdtemp(prefix="ocrclean-fuzz-pdf-"))
NUMBERS = [b"0", b"595", b"842", b"-842", b"-595", b"5000", b"14400", b"20000", b"1e6", b"-1e9", b"0.001",
           b"99999999999999999999", b"-0", b"1e400", b"NaN", b"/Foo", b"[]", b"(x)"]
FILTERS = [b"FlateDecode", b"ASCIIHexDecode", b"ASCII85Decode", b"RunLengthDecode", b"LZWDecode", b"Fl",
           b"AHx", b"DCTDecode", b"CCITTFaxDecode", b"Crypt", b"Nonsense"]
TEXTS = [b"(Government work report 2023 GDP growth) Tj", b"<0011002200330044> Tj", b"[(2023)-250(GDP)] TJ",
         b"(\\344\\275\\240) Tj", b"() Tj", b"(unbalanced Tj"]


def rl_encode(data: bytes) -> bytes:
    out = bytearray()
    for i in range(0, len(data), 128):
        chunk = data[i:i + 128]
        out += bytes([len(chunk) - 1]) + chunk
    return bytes(out + b"\x80")


def encode(fdp: atheris.FuzzedDataProvider, name: bytes, data: bytes) -> bytes:
    """`data` encoded as filter `name` would decode it (or junk for filters we cannot write)."""
    if name in (b"FlateDecode", b"Fl"):
        wbits = fdp.ConsumeIntInRange(-15, 15)
        if -9 < wbits < 9:
            wbits = 15
        c = zlib.compressobj(fdp.ConsumeIntInRange(0, 9), zlib.DEFLATED, wbits)
        return c.compress(data) + c.flush()
    if name in (b"ASCIIHexDecode", b"AHx"):
        return binascii.hexlify(data) + b">"
    if name == b"ASCII85Decode":
        step = 1 << 20  # in pieces: a85encode of 16 MiB at once takes 800 MB (the harness, not the reader)
        return b"".join(base64.a85encode(data[i:i + step]) for i in range(0, len(data), step)) + b"~>"
    if name == b"RunLengthDecode":
        return rl_encode(data)
    return fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 64))


def content(fdp: atheris.FuzzedDataProvider) -> bytes:
    ops = [b"BT /F1 %d Tf %d %d Td " % (fdp.ConsumeIntInRange(-5, 80), fdp.ConsumeIntInRange(-900, 6000),
                                          fdp.ConsumeIntInRange(-900, 6000)) + fdp.PickValueInList(TEXTS) + b" ET"
           for _ in range(fdp.ConsumeIntInRange(0, 4))]
    return b"\n".join(ops)


def stream_obj(fdp: atheris.FuzzedDataProvider, data: bytes) -> bytes:
    chain = [fdp.PickValueInList(FILTERS) for _ in range(fdp.ConsumeIntInRange(0, 3))]
    if fdp.ConsumeBool():  # a payload of spaces: up to twice the stream bound when compressed
        data += b" " * (1 << fdp.ConsumeIntInRange(8, 22 if chain else 14))
    for f in reversed(chain):
        data = encode(fdp, f, data)
    extra = b""
    if chain:
        extra = b"/Filter [" + b" ".join(b"/" + f for f in chain) + b"]"
        if fdp.ConsumeIntInRange(0, 4) == 0:
            extra += b" /DecodeParms << /Predictor %d /Columns %d /Colors %d >>" % (
                fdp.PickValueInList([1, 2, 10, 12, 15, 99]), fdp.ConsumeIntInRange(-1, 5000), fdp.ConsumeIntInRange(-1, 5))
    length = len(data) + (fdp.ConsumeIntInRange(-8, 8) if fdp.ConsumeIntInRange(0, 5) == 0 else 0)
    return b"<< /Length %d %s >>\nstream\n" % (length, extra) + data + b"\nendstream"


def build(fdp: atheris.FuzzedDataProvider) -> bytes:
    n = fdp.ConsumeIntInRange(1, 3)
    box = b"[" + b" ".join(fdp.PickValueInList(NUMBERS) if fdp.ConsumeBool() else NUMBERS[k]
                           for k in (0, 0, 1, 2)) + b"]"
    kids = b" ".join(b"%d 0 R" % (4 + 2 * i) for i in range(n))
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % n,
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    for i in range(n):
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox " + box + b" /Contents %d 0 R "
                    b"/Resources << /Font << /F1 3 0 R >> >> >>" % (5 + 2 * i))
        objs.append(stream_obj(fdp, content(fdp)))
    data = write(objs, fdp.ConsumeBool(), fdp)
    if fdp.ConsumeIntInRange(0, 6) == 0:  # truncated
        data = data[:fdp.ConsumeIntInRange(0, len(data))]
    for _ in range(fdp.ConsumeIntInRange(0, 3) if fdp.ConsumeIntInRange(0, 3) == 0 else 0):  # flipped bytes
        if data:
            k = fdp.ConsumeIntInRange(0, len(data) - 1)
            data = data[:k] + bytes([fdp.ConsumeIntInRange(0, 255)]) + data[k + 1:]
    return data


def write(objs: list[bytes], objstm: bool, fdp: atheris.FuzzedDataProvider) -> bytes:
    """A PDF file: a classic xref table, or (objstm) the non-stream objects in an object
    stream behind a cross-reference stream."""
    if not objstm:
        return _pdf(objs, version=b"1.5")
    out = io.BytesIO()
    out.write(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    packed = [i for i, b in enumerate(objs, start=1) if b"stream" not in b]
    stm_id, xref_id = len(objs) + 1, len(objs) + 2
    heads, body = [], b""
    for i in packed:
        heads.append(b"%d %d" % (i, len(body)))
        body += objs[i - 1] + b"\n"
    head = b" ".join(heads) + b"\n"
    offs: dict[int, int] = {}
    for i, b in enumerate(objs, start=1):
        if i not in packed:
            offs[i] = out.tell()
            out.write(b"%d 0 obj\n" % i + b + b"\nendobj\n")
    stm = zlib.compress(head + body)
    offs[stm_id] = out.tell()
    out.write(b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Length %d /Filter /FlateDecode >>\nstream\n"
              % (stm_id, len(packed), len(head), len(stm)) + stm + b"\nendstream\nendobj\n")
    offs[xref_id] = out.tell()
    rows = [b"\x00\x00\x00\x00\x00\xff\xff"]
    for i in range(1, xref_id + 1):
        if i in packed:
            rows.append(b"\x02" + stm_id.to_bytes(4, "big") + packed.index(i).to_bytes(2, "big"))
        else:
            rows.append(b"\x01" + offs[i].to_bytes(4, "big") + b"\x00\x00")
    xs = zlib.compress(b"".join(rows), fdp.ConsumeIntInRange(0, 9))
    out.write(b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d /Filter /FlateDecode >>\nstream\n"
              % (xref_id, xref_id + 1, len(xs)) + xs + b"\nendstream\nendobj\n")
    out.write(b"startxref\n%d\n%%%%EOF\n" % offs[xref_id])
    return out.getvalue()


def check_error(e: InputError) -> None:
    if "\n" in str(e) or not e.reason.strip():
        raise AssertionError(f"not one clear line: {e!r}") from None


def TestOneInput(raw: bytes) -> None:  # noqa: N802 - the name atheris expects
    fdp = atheris.FuzzedDataProvider(raw)
    data = build(fdp)
    do_render = fdp.ConsumeIntInRange(0, 3) == 0
    path = WORK / "fuzz.pdf"
    path.write_bytes(data)
    try:
        extract_pdf(path, CONFIG)
    except InputError as e:
        check_error(e)
        return
    if do_render:  # the OCR path's render, bounded, without an OCR engine
        pdf_cfg, limits = CONFIG.section("pdf"), CONFIG.section("limits")
        with bounded_pdfminer(int(pdf_cfg["max_stream_bytes"]), int(pdf_cfg["max_decoded_bytes"])):
            plumber, raster = open_pdf(path, data, limits, pdf_cfg)
            try:
                image, dpi = render(raster, 0, 300, int(limits["max_image_pixels"]), gray=True)
                assert image.size <= int(limits["max_image_pixels"]), (image.shape, dpi)
            except ValueError as e:  # page size that cannot be rendered: the reader flags it
                assert "pt" in str(e), e
            except pdfium.PdfiumError:  # a page PDFium cannot load: the reader keeps the text layer, flagged
                pass
            finally:
                plumber.close()
                raster.close()


def main(argv: list[str]) -> None:
    args = list(argv)
    defaults = {"-artifact_prefix=": f"-artifact_prefix={HERE / 'fuzz_corpus'}/pdf-", "-max_len=": "-max_len=2048",
                "-rss_limit_mb=": "-rss_limit_mb=1024", "-timeout=": "-timeout=60"}
    for flag, value in defaults.items():
        if not any(a.startswith(flag) for a in args):
            args.append(value)
    if not any(not a.startswith("-") for a in args[1:]):
        scratch = Path(os.environ.get("TMPDIR", "/tmp")) / "ocrclean-fuzz-pdf-corpus"
        scratch.mkdir(exist_ok=True)
        args.append(str(scratch))
    atheris.Setup(args, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
