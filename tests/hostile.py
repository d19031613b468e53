"""Build the hostile input folder: every kind of bad file a real batch meets.

`build_hostile(root)` writes the files into `root` and returns a `Hostile`
listing what each case is and what the pipeline must do with it:

- ``bad``: must fail with one clear line naming the file, matching `reason`;
- ``good``: must be processed, its clean text equal to cleaning `reference`;
- ``tough``: valid but nasty (huge, deeply nested): processed with `marker`
  in the output, or refused with a clear limit/timeout line, never a crash;
- ``either``: a clear refusal matching `reason` or a correct decode of
  `reference` are both acceptable (a lying byte-order mark).

Everything is generated here, from bytes, so the suite needs no fixtures.
"""

from __future__ import annotations

import io
import os
import random
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path

REPORT = (
    "政府工作报告\n\n各位代表：\n\n"
    "2023年，国内生产总值增长5.2%，城镇新增就业1244万人。\n\n"
    "一、过去一年工作回顾\n\n"
    "我们坚持稳中求进工作总基调，推动经济实现回升向好。\n"
)
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@dataclass
class Case:
    name: str | bytes  # file name inside the hostile folder (bytes: not valid UTF-8)
    kind: str  # bad | good | tough | either
    reason: str = ""  # regex (case-insensitive) the error line must match
    reference: str | None = None  # good/either: the text the file really holds
    marker: str | None = None  # tough: text that must survive in the output
    note: str = ""

    @property
    def fsname(self) -> bytes:
        return self.name if isinstance(self.name, bytes) else os.fsencode(self.name)


@dataclass
class Hostile:
    root: Path
    cases: list[Case] = field(default_factory=list)
    out: Path | None = None  # the output folder placed inside the input folder
    notes: list[str] = field(default_factory=list)

    def path(self, case: Case) -> Path:
        return Path(os.fsdecode(os.path.join(os.fsencode(self.root), case.fsname)))


def _report(tag: str) -> str:
    """A short report, distinct per file so a mixed-up output is noticed."""
    return REPORT.replace("各位代表", f"各位代表（{tag}）")


# -- PDF bytes written by hand, so every structure is exactly what we want ----
def _pdf(objects: list[bytes], root: int = 1, trailer_extra: bytes = b"", version: bytes = b"1.4") -> bytes:
    """A PDF file of `objects` (object i+1 = objects[i]) with a classic xref table."""
    out = io.BytesIO()
    out.write(b"%PDF-" + version + b"\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root %d 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, trailer_extra, xref))
    return out.getvalue()


def pdf_many_blank_pages(n: int) -> bytes:
    """n blank A4 pages sharing one empty content stream (about 60 bytes a page)."""
    kids = b" ".join(b"%d 0 R" % (4 + i) for i in range(n))
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % n,
        b"<< /Length 0 >>\nstream\n\nendstream",
    ]
    objs += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>"] * n
    return _pdf(objs)


def pdf_bomb(expanded: int = 1 << 30) -> bytes:
    """One page whose FlateDecode content stream inflates to `expanded` bytes of
    spaces (about 1000:1, so 1 GiB comes from a 1 MiB file)."""
    comp = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    parts = [comp.compress(chunk) for _ in range(expanded // len(chunk))]
    parts.append(comp.compress(b"BT ET\n"))
    parts.append(comp.flush())
    data = b"".join(parts)
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>",
    ]
    return _pdf(objs)


def pdf_latin(text: str = "Government work report 2023. GDP grew 5.2 percent.", *, password: str | None = None) -> bytes:
    """A small real PDF from fpdf2 (Latin text: no CJK font needed); optionally
    encrypted with a user password, so it cannot be opened without it."""
    from fpdf import FPDF
    from fpdf.enums import EncryptionMethod

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    for _ in range(20):
        pdf.multi_cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
    if password:
        pdf.set_encryption(owner_password="owner-" + password, user_password=password,
                           encryption_method=EncryptionMethod.AES_128)
    return bytes(pdf.output())


# -- images --------------------------------------------------------------------
def _png_chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)


def png_bomb(width: int = 30_000, height: int = 30_000) -> bytes:
    """A valid 1-bit PNG of width x height white pixels: ~110 KB on disk,
    900 megapixels (2.7 GB as RGB) once decoded."""
    row = b"\x00" + b"\xff" * ((width + 7) // 8)
    comp = zlib.compressobj(9)
    parts = [comp.compress(row * 1000) for _ in range(height // 1000)]
    parts += [comp.compress(row * (height % 1000)), comp.flush()]
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", b"".join(parts)) + _png_chunk(b"IEND", b"")


def jpeg_truncated() -> bytes:
    """The first third of a real JPEG: header intact, scan data cut off."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (400, 300), "white")
    d = ImageDraw.Draw(img)
    for i in range(0, 300, 12):
        d.line([(10, i), (390, 300 - i)], fill=(i % 255, 0, 0), width=3)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90)
    data = buf.getvalue()
    return data[: len(data) // 3]


# -- the folder ----------------------------------------------------------------
def build_hostile(root: Path, *, big_mb: int = 20, repeat: int = 1_000_000, seed: int = 8) -> Hostile:
    """Write the hostile folder into `root` (created) and describe every case."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    h = Hostile(root)

    def put(case: Case, data: bytes) -> Case:
        with open(os.path.join(os.fsencode(root), case.fsname), "wb") as fh:
            fh.write(data)
        h.cases.append(case)
        return case

    # text that is empty, binary or lying
    put(Case("empty.txt", "bad", r"empty"), b"")
    put(Case("empty [bold] named like markup.txt", "bad", r"empty"), b"")
    put(Case("whitespace only.txt", "bad", r"whitespace"), " \n\t\r\n\u3000\u00a0".encode() * 100)
    put(Case("random binary.txt", "bad", r"binary|not text"), rng.randbytes(64 * 1024))
    put(Case("random high bytes.txt", "bad", r"binary|not text", note="no NUL bytes: must not pass as GB18030"),
        bytes(rng.randrange(0x80, 0x100) for _ in range(16 * 1024)))
    lying = '<html><head><meta charset="utf-8"></head><body>\n' + _report("GB18030 冒充 UTF-8") + "</body></html>\n"
    put(Case("lying meta charset.html", "good", reference=lying,
             note="GB18030 bytes under a <meta charset=utf-8> header"), lying.encode("gb18030"))
    bom_lie = _report("BOM 后接 GBK")
    put(Case("utf8 bom then gbk.txt", "either", r"undecodable|byte-order|encoding|not text", reference=bom_lie),
        b"\xef\xbb\xbf" + bom_lie.encode("gbk"))

    # honest encodings
    for name, text, data in [
        ("good utf8.txt", _report("UTF-8"), None),
        ("good gb18030.txt", _report("GB18030 𠀀"), "gb18030"),
        ("good utf16 bom.txt", _report("UTF-16 BOM"), "utf-16"),
        ("good utf16le no bom.txt", _report("UTF-16LE 无 BOM"), "utf-16-le"),
        ("good utf16be no bom.txt", _report("UTF-16BE 无 BOM"), "utf-16-be"),
    ]:
        put(Case(name, "good", reference=text), text.encode(data or "utf-8"))

    # hostile names: spaces, newline, leading dashes, bytes that are not UTF-8, a collision
    for name in ["  spaces  around .txt", "-rf --help.txt", "--out=evil.txt", "name\nwith newline.txt",
                 "name_with newline.txt", "tab\there.txt", "rich [red] [bold]markup[blink].txt", "引号'\"与$(echo x)`.txt"]:
        put(Case(name, "good", reference=_report(repr(name))), _report(repr(name)).encode())
    for raw in [b"gbk \xd5\xfe\xb8\xae.txt", b"latin1 caf\xe9.txt", b"latin1 caf\xe8.txt"]:
        put(Case(raw, "good", reference=_report(repr(raw))), _report(repr(raw)).encode())
    # names that broke the whole batch (issue 14): 255 bytes, bytes that grow when made
    # valid UTF-8, a terminal escape sequence, a file whose output a folder's outputs need
    for raw in [b"n" * 251 + b".txt", b"\xb9\xfa" * 120 + b".txt", b"escape \x1b[2J\x1b]0;x\x07 \x9b31m.txt", b"a.md"]:
        put(Case(raw, "good", reference=_report(repr(raw))), _report(repr(raw)).encode())
    (root / "a.txt").mkdir()
    put(Case("a.txt/b.txt", "good", reference=_report("a.txt/b")), _report("a.txt/b").encode())
    import opencc

    big5 = opencc.OpenCC("s2t").convert(_report("Big5 繁体"))
    put(Case("big5.txt", "good", reference=big5, note="Big5 bytes; GB18030 decodes them too, into mojibake"),
        big5.encode("big5"))

    # huge and nasty but valid text
    line = REPORT.replace("\n", "")
    reps = big_mb * 1024 * 1024 // len(line.encode()) + 1
    put(Case("single line 20MB.txt", "tough", marker="国内生产总值增长5.2%"), _cut_utf8((line * reps).encode(), big_mb << 20))
    put(Case("million repeats.txt", "tough", marker="政府工作报告"),
        ("政府工作报告\n\n" + "啊" * repeat + "\n\n" + "！" * repeat + "\n\n" + "a" * repeat + "\n").encode())
    put(Case("nested div.html", "tough", marker="深化改革"),
        ("<div>" * 10_000 + "深化改革开放" + "</div>" * 10_000 + "\n").encode())
    put(Case("unbalanced markup.md", "tough", marker="扩大内需"),
        ("**" * 50_001 + "扩大内需" + "__" * 30_001 + "\n" + "<b><i><u>" * 5000 + "稳就业\n"
         + "(((（【[{《“" * 20_000 + "保民生" + "]]》”）" * 7_000 + "\n" + "&amp;" * 20_000 + "&#" * 20_000 + "\n"
         + "$" * 20_001 + "_{" * 20_000 + "^" * 20_000 + "\n").encode())

    # PDFs
    good_pdf = pdf_latin()
    put(Case("truncated.pdf", "bad", r"pdf|truncat|damag|corrupt|cannot|invalid|broken"), good_pdf[: len(good_pdf) // 2])
    put(Case("encrypted.pdf", "bad", r"encrypt|password"), pdf_latin(password="secret"))
    put(Case("10000 blank pages.pdf", "bad", r"pages|max_pdf_pages"), pdf_many_blank_pages(10_000))
    put(Case("bomb.pdf", "tough", r"decompress|expand|too large|limit|memory|bomb|no text|empty"), pdf_bomb())
    from hostile_pdf import bomb_hex_flate, bomb_window14  # here: hostile_pdf imports this module

    put(Case("bomb zlib window 14.pdf", "bad", r"decompression bomb|inflates|max_stream_bytes|decoded"),
        bomb_window14(512 << 20))
    put(Case("bomb hex flate.pdf", "bad", r"decompression bomb|inflates|max_stream_bytes|decoded"),
        bomb_hex_flate(512 << 20))

    # images
    put(Case("zero bytes.png", "bad", r"empty|image|cannot|identify"), b"")
    put(Case("truncated.jpg", "bad", r"truncat|damag|corrupt|image|cannot|broken"), jpeg_truncated())
    put(Case("bomb 30000x30000.png", "bad", r"pixels|max_image_pixels"), png_bomb())
    put(Case("text named.png", "bad", r"image|identify|not an?\b|cannot"), _report("PNG").encode())

    # things that are not plain readable files
    fifo = Case("fifo named.txt", "bad", r"regular file|fifo|pipe")
    os.mkfifo(h.path(fifo))
    h.cases.append(fifo)
    dangling = Case("dangling link.txt", "bad", r"broken symbolic link|no such file")
    os.symlink("does-not-exist.txt", h.path(dangling))
    h.cases.append(dangling)
    for a, b in [("loop a.txt", "loop b.txt"), ("loop b.txt", "loop a.txt")]:
        os.symlink(b, root / a)
        h.cases.append(Case(a, "bad", r"symbolic link|loop|no such file"))
    sub = root / "sub folder"
    sub.mkdir()
    os.symlink("..", sub / "loop to parent")  # a directory loop
    os.symlink(".", sub / "loop to self")
    nested = Case("sub folder/nested good.txt", "good", reference=_report("nested"))
    put(nested, _report("nested").encode())

    unreadable = Case("unreadable.txt", "bad", r"permission denied")
    put(unreadable, _report("unreadable").encode())
    os.chmod(h.path(unreadable), 0)
    if IS_ROOT:  # root reads through chmod 000: the file is simply good here
        unreadable.kind, unreadable.reference = "good", _report("unreadable")
        unreadable.note = "running as root: chmod 000 does not stop reads, not reproducible"
        h.notes.append(unreadable.note)

    # an output folder inside the input folder, holding a stale file that must not become an input
    h.out = root / "out"
    h.out.mkdir()
    (h.out / "stale.txt").write_text("旧的输出，不能再被读作输入。\n", encoding="utf-8")
    return h


def _cut_utf8(data: bytes, n: int) -> bytes:
    """`data` cut to at most n bytes on a character boundary."""
    return data[:n].decode("utf-8", "ignore").encode("utf-8")
