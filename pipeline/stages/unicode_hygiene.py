"""Unicode hygiene: make the characters themselves clean (OUTPUT_SPEC sections 1 and 5).

Small fixes, each a pure function over one line, composed in `run`:

- `fix_mojibake`: UTF-8 read as Latin-1/cp1252 (`æ”¿åºœ` -> `政府`), via ftfy
  with width folding, quote uncurling and HTML unescaping switched off, so
  clean Chinese and its full-width punctuation come back byte-identical.
- zero-width and format characters and control characters are removed
  (tabs and other odd spaces such as NBSP or U+3000 become a plain space);
- U+FFFD and private-use characters are removed, each one recorded and flagged;
- full-width ASCII letters and digits become half-width (`ＧＤＰ１２` -> `GDP12`),
  Kangxi radicals and CJK compatibility ideographs become the unified
  ideograph (`⼯` -> `工`): one `str.translate` table, punctuation untouched;
- NFC.

Clean text costs one regex search over the whole document.
"""

from __future__ import annotations

import re
import unicodedata

import ftfy

from ..context import ChangeLog, Context, Rules
from ..document import Document, Line, nonws_len
from ..registry import stage
from ..settings import Settings

NAME = "unicode_hygiene"

# ftfy with everything that would touch good Chinese switched off.
_FTFY = ftfy.TextFixerConfig(
    unescape_html=False,  # the markup stage owns entities
    fix_character_width=False,  # would turn ，；（）“” into ASCII
    uncurl_quotes=False,
    fix_line_breaks=False,
    normalization="NFC",
    explain=False,
)

# Characters that can be part of UTF-8-as-Latin-1/cp1252 mojibake (lead bytes of
# CJK in UTF-8 are E4-E9 -> 'ä'..'é'); lines without them never reach ftfy.
_MOJIBAKE_HINT = re.compile("[\u0080-\u009f\u00c0-\u00ff\u0192\u02c6\u02dc\u0152\u0153\u0160\u0161\u0178\u017d\u017e]")

_ZERO_WIDTH = "\u200b-\u200f\u2060-\u2064\u206a-\u206f\ufeff\u00ad\u202a-\u202e\u180e"
_ODD_SPACE = "\t\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_CONTROL = "\x00-\x08\x0b-\x1f\x7f-\x9f"
_LOST = "\ufffd\ue000-\uf8ff\U000f0000-\U0010ffff"
_WIDE_ALNUM = "\uff10-\uff19\uff21-\uff3a\uff41-\uff5a"
_RADICALS = "\u2e80-\u2fdf\uf900-\ufaff\U0002f800-\U0002fa1f"

_ZW_RE = re.compile(f"[{_ZERO_WIDTH}]+")
_SPACE_RE = re.compile(f"[{_ODD_SPACE}]")
_CTRL_RE = re.compile(f"[{_CONTROL}]+")
_LOST_RE = re.compile(f"[{_LOST}]")
_FOLD_RE = re.compile(f"[{_WIDE_ALNUM}{_RADICALS}]")

# One search over the whole text decides whether anything needs work.
_NEEDS = re.compile(f"[{_CONTROL}{_ZERO_WIDTH}{_ODD_SPACE}{_LOST}{_WIDE_ALNUM}{_RADICALS}\u00c0-\u00ff]")


def _fold_table() -> dict[int, str]:
    """Full-width letters/digits -> ASCII; Kangxi/compatibility ideographs -> unified."""
    table: dict[int, str] = {}
    for lo, hi in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A)):
        for cp in range(lo, hi + 1):
            table[cp] = chr(cp - 0xFEE0)
    for lo, hi in ((0x2E80, 0x2FDF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F)):
        for cp in range(lo, hi + 1):
            ch = chr(cp)
            if unicodedata.category(ch) == "Cn":
                continue
            n = unicodedata.normalize("NFKC", ch)
            if len(n) == 1 and n != ch and unicodedata.name(n, "").startswith("CJK UNIFIED IDEOGRAPH"):
                table[cp] = n
    return table


FOLD_TABLE = _fold_table()


def fix_mojibake(text: str) -> str:
    """Repair mojibake with ftfy (only lines carrying Latin-1 lead bytes are tried)."""
    if not _MOJIBAKE_HINT.search(text):
        return text
    return ftfy.fix_text(text, _FTFY)


def fold_width(text: str) -> str:
    """Full-width ASCII letters/digits -> half-width; radicals/compat -> unified ideographs."""
    return text.translate(FOLD_TABLE)


def _clean_line(log: ChangeLog, ln: Line, cfg: dict) -> str:
    text = ln.text
    # taking a character out can leave mojibake (`Æ\x0c¾` -> `Æ¾`, which is `ƾ`): the repair
    # needs the C1 controls mojibake is made of, so it comes first, and again after, until
    # nothing changes (a second run would repair what the removals left)
    while True:
        before = text
        text = _repair_and_remove(log, ln, cfg, text)
        if text == before:
            break
    if _FOLD_RE.search(text):
        folded = fold_width(text)
        if folded != text:
            n = sum(1 for a, b in zip(text, folded, strict=True) if a != b)
            log.change("fold-width", n, nonws_len(text) - nonws_len(folded))
            text = folded
    if not unicodedata.is_normalized("NFC", text):
        nfc = unicodedata.normalize("NFC", text)
        log.change("nfc", 1, nonws_len(text) - nonws_len(nfc))
        text = nfc
    return text


def _repair_and_remove(log: ChangeLog, ln: Line, cfg: dict, text: str) -> str:
    if cfg["mojibake"]:
        fixed = fix_mojibake(text)
        if fixed != text:
            log.change("mojibake", 1, nonws_len(text) - nonws_len(fixed))
            text = fixed
    if _ZW_RE.search(text):
        for m in _ZW_RE.finditer(text):
            log.removal("zero-width", m.group(), ln.src)
        text = _ZW_RE.sub("", text)
    if _SPACE_RE.search(text):
        text, n = _SPACE_RE.subn(" ", text)
        log.change("odd-space", n)
    if _CTRL_RE.search(text):
        for m in _CTRL_RE.finditer(text):
            log.removal("control-char", m.group(), ln.src)
        text = _CTRL_RE.sub(" " if cfg["control_to_space"] else "", text)
    if _LOST_RE.search(text):
        for m in _LOST_RE.finditer(text):
            ch = m.group()
            what = "replacement-char" if ch == "\ufffd" else "private-use-char"
            log.removal(what, ch, ln.src)
            ctx = text[max(0, m.start() - 12) : m.end() + 12]
            log.flag(what, f"U+{ord(ch):04X} removed: a character was lost in extraction", ctx, ln.src)
        text = _LOST_RE.sub("", text)
    return text


def _reapply(ctx: Context, text: str, src: tuple[int, int]) -> str:
    """This stage's rules on a paragraph a later stage joined from several lines, booked
    under that stage (mojibake cut by a line break, `Ã` / `©`, is whole only once joined)."""
    if not _NEEDS.search(text) and unicodedata.is_normalized("NFC", text):
        return text
    return _clean_line(ctx.log, Line(text, src), ctx.settings)


# Lines with one of these need `_clean_line` (removals, flags, ftfy); the others only
# odd spaces, width folding and NFC, which `_clean_simple` does for all of them at once.
_HARD = re.compile(f"[{_CONTROL}{_ZERO_WIDTH}{_LOST}{_MOJIBAKE_HINT.pattern[1:-1]}]")


def _class_of(cps: list[int]) -> str:
    """A regex character class of code points, as ranges (a long list of singles is slow)."""
    parts: list[str] = []
    for cp in sorted(cps):
        if parts and parts[-1][1] == cp - 1:
            parts[-1][1] = cp
        else:
            parts.append([cp, cp])
    return "[" + "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in parts) + "]"


_FOLD_RUNS = re.compile(_class_of(list(FOLD_TABLE)) + "+")  # every key folds to another character
assert not set(FOLD_TABLE.values()) & {chr(cp) for cp in FOLD_TABLE}  # folding is one step
# the characters of _ODD_SPACE, one by one
_ODD_SPACE_CHARS = "\t\u00a0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000"


def _clean_simple(doc: Document, idx: list[int]) -> None:
    """`_clean_line` for lines without hard characters, over their joined text: the odd-space
    and fold-width rules act per character and only their counts are recorded, so one pass
    over the whole text records the same sums; NFC stays per line."""
    lines = doc.lines
    k = 0
    while k < len(idx):  # ~1M characters at a time: a few copies of a 50 MB text add up
        m, size = k, 0
        while m < len(idx) and (m == k or size + len(lines[idx[m]].text) <= _CHUNK):
            size += len(lines[idx[m]].text) + 1
            m += 1
        _clean_simple_group(doc, idx[k:m])
        k = m


_CHUNK = 1 << 20


def _clean_simple_group(doc: Document, idx: list[int]) -> None:
    lines = doc.lines
    whole = "\n".join([lines[i].text for i in idx])
    if not _NEEDS.search(whole) and unicodedata.is_normalized("NFC", whole):
        return
    text, n = whole, 0
    for ch in _ODD_SPACE_CHARS:  # str.replace per character beats a regex sub with many matches
        if ch in text:
            n += text.count(ch)
            text = text.replace(ch, " ")
    if n:
        doc.record_change(NAME, "odd-space", n)
    runs = _FOLD_RUNS.findall(text)
    if runs:
        # one str.replace per distinct character (no folded character folds again, so the
        # order does not matter); translate() would look up every character in a dict
        folded = text
        for ch in set("".join(runs)):
            folded = folded.replace(ch, FOLD_TABLE[ord(ch)])
        doc.record_change(NAME, "fold-width", sum(map(len, runs)), nonws_len(text) - nonws_len(folded))
        text = folded
    check_nfc = not unicodedata.is_normalized("NFC", text)
    for i, new in zip(idx, text.split("\n"), strict=True):
        ln = lines[i]
        if check_nfc and not unicodedata.is_normalized("NFC", new):
            nfc = unicodedata.normalize("NFC", new)
            doc.record_change(NAME, "nfc", 1, nonws_len(new) - nonws_len(nfc))
            new = nfc
        if new != ln.text:
            lines[i] = ln.with_text(new)


class UnicodeHygieneSettings(Settings):
    """Invisible, odd and lost characters; mojibake; width folding; NFC."""

    mojibake: bool = True
    """Repair mojibake (UTF-8 read as Latin-1/GBK) with ftfy, on lines with Latin-1 lead bytes only."""
    control_to_space: bool = False
    """A control character becomes a space instead of being removed."""


@stage(NAME, settings=UnicodeHygieneSettings, rules=Rules(line=_reapply))
def run(doc: Document, ctx: Context) -> Document:
    """Zero-width/control/odd-space/lost characters, mojibake, width folding, NFC."""
    cfg = ctx.settings
    whole = "\n".join(ln.text for ln in doc.lines)
    if not _NEEDS.search(whole) and unicodedata.is_normalized("NFC", whole):
        return doc
    if not _HARD.search(whole):
        _clean_simple(doc, list(range(len(doc.lines))))
        return doc
    simple = []
    for i, ln in enumerate(doc.lines):
        t = ln.text
        if not t or (not _NEEDS.search(t) and unicodedata.is_normalized("NFC", t)):
            continue
        if not _HARD.search(t):
            simple.append(i)
            continue
        new = _clean_line(ctx.log, ln, cfg)
        if new != t:
            doc.lines[i] = ln.with_text(new)
    if simple:
        _clean_simple(doc, simple)
    return doc
