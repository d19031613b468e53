"""Text files in any encoding: UTF-8 (with or without BOM), GB18030/GBK, UTF-16.

Decoding tries the cheap certain answers first (BOMs, strict UTF-8) and asks
charset-normalizer only when those fail; binary files are refused with a reason.

Big5 before GB18030: GB18030 decodes almost any Big5 file without an error
(both are double-byte codes over the same lead bytes), into mojibake. When a
file decodes strictly both ways, the reading the garble model finds more
fluent wins, both readings scored after OpenCC t2s (the model's dictionary
is simplified); with fewer than 4 CJK characters either way, GB18030 stays.
Measured on the 37 national reports: no whole report in GB18030 decodes as
Big5 at all, and each converted to traditional (OpenCC s2t) and encoded as
Big5 is read as Big5. On 40-character pieces that decode both ways, the Big5
reading leads by +2.5 or more for Big5 pieces and trails by 5.0 or more for
GB18030 pieces (reports before 2000: 7054 pieces; the held-out reports from
2000 on: 1370 pieces, +5.8 / -5.0), so the margin 0 sits in a wide gap.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from charset_normalizer import from_bytes

from ..config import Config
from ..document import Document
from ..errors import InputError
from ..readlimit import read_limited
from ..text.cjk import is_uro
from ..text.simplified import to_simplified

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# encodings we accept from detection; anything else on Chinese reports is a misdetection
_CJK_FRIENDLY = ("utf_8", "utf_16", "utf_32", "gb18030", "gbk", "gb2312", "big5", "hz", "ascii", "big5hkscs", "cp950")


def _looks_utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        sample = sample[: len(sample) // 2 * 2]
    if not sample:
        return None
    even_nul = sample[0::2].count(0) / (len(sample) / 2)
    odd_nul = sample[1::2].count(0) / (len(sample) / 2)
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        bad = sum(1 for c in text[:2000] if ord(c) < 32 and c not in "\n\r\t")
        cjk = sum(1 for c in text[:2000] if is_uro(c) or c.isascii() and c.isprintable())
        if bad == 0 and cjk > 0.6 * min(len(text), 2000):
            return enc
    if odd_nul > 0.3 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul > 0.3 and odd_nul < 0.05:
        return "utf-16-be"
    return None


def decode_bytes(data: bytes, name: str = "<bytes>") -> tuple[str, str]:
    """Decode `data`, returning (text, encoding name); InputError when it is not text."""
    if not data.strip():
        raise InputError(name, "empty file" if not data else "file holds only whitespace")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as e:
                raise InputError(name, f"undecodable bytes after a {enc} byte-order mark at byte {e.start}") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    enc16 = _looks_utf16_without_bom(data)
    if enc16:
        try:
            return data.decode(enc16), enc16
        except UnicodeDecodeError:
            pass
    if data.count(0) > len(data) // 100:
        raise InputError(name, "binary file (NUL bytes), not text")
    gb = _strict(data, "gb18030")
    if gb is not None:
        big5 = _big5_reading(data, gb)
        return big5 or (gb, "gb18030")
    best = from_bytes(data[:200_000]).best()
    if best is None or best.encoding.lower().replace("-", "_") not in _CJK_FRIENDLY:
        raise InputError(name, "not text: no encoding decodes it (binary or corrupted file)")
    try:
        text = data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        raise InputError(name, f"undecodable bytes (best guess {best.encoding} fails)") from None
    return text, best.encoding


BIG5_MARGIN = 0.0  # mean log-probability per CJK character the Big5 reading must win by
_FLUENCY_SAMPLE = 20_000  # characters of each reading scored


def _strict(data: bytes, enc: str) -> str | None:
    try:
        return data.decode(enc)
    except UnicodeDecodeError:
        return None


def _big5_reading(data: bytes, gb: str) -> tuple[str, str] | None:
    """(text, encoding) when `data` is Big5 (or Big5-HKSCS) rather than the GB18030 `gb`."""
    if gb.isascii():
        return None
    for enc in ("big5", "big5hkscs"):
        text = _strict(data, enc)
        if text is not None:
            break
    else:
        return None
    from ..garble import MIN_CJK, char_logp

    # both readings scored in simplified characters: the model's dictionary is simplified
    lp5, lpgb = (char_logp(to_simplified(t[:_FLUENCY_SAMPLE]))[1] for t in (text, gb))
    if min(lp5.size, lpgb.size) < MIN_CJK:  # too little evidence: GB18030, as before
        return None
    if float(lp5.mean()) > float(lpgb.mean()) + BIG5_MARGIN:
        return text, enc
    return None


def _check_binary(text: str, name: str) -> None:
    sample = text[:20000]
    ctrl = sum(1 for c in sample if ord(c) < 32 and c not in "\n\r\t\f\v")
    if sample and ctrl / len(sample) > 0.05:
        raise InputError(name, f"binary file: {ctrl} control characters in the first {len(sample)}, not text")


def read_text(path: Path, config: Config) -> tuple[Document, bytes]:
    data = read_limited(path, int(config.section("limits")["max_text_bytes"]), "text file", "max_text_bytes")
    doc = text_document(data, str(path))
    return doc, data


def text_document(data: bytes, name: str) -> Document:
    """A Document from raw bytes of a text file."""
    text, enc = decode_bytes(data, name)
    if not text.strip():  # ideographic spaces, NBSP: not caught by the bytes check
        raise InputError(name, "file holds only whitespace")
    _check_binary(text, name)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    doc = Document.from_text(text, source=name, kind="text")
    doc.metadata["encoding"] = enc
    return doc
