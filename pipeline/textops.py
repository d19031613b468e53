"""Small helpers stages share for recorded substitutions on lines."""

from __future__ import annotations

import re
from collections.abc import Callable

from .document import Document, Line, nonws_len

Repl = str | Callable[[re.Match[str]], str]


def sub_recorded(
    doc: Document,
    stage: str,
    rule: str,
    pattern: re.Pattern[str],
    repl: Repl,
    line: Line,
    *,
    removal_reason: str | None = None,
) -> str:
    """`pattern.sub(repl, line.text)`, logging every match in `doc`.

    A match replaced by nothing is recorded as a removal (with `removal_reason`,
    default `rule`); any other replacement is a counted change whose
    non-whitespace length difference goes into the accounting.
    """
    text = line.text
    if not text:
        return text
    out: list[str] = []
    pos = 0
    n = delta = 0
    for m in pattern.finditer(text):
        new = repl(m) if callable(repl) else m.expand(repl)
        old = m.group(0)
        if new == old:
            continue
        out.append(text[pos : m.start()])
        out.append(new)
        pos = m.end()
        if new == "" or new.isspace():
            doc.record_removal(stage, removal_reason or rule, old, line.src)
            if new:
                delta += 0
        else:
            n += 1
            delta += nonws_len(old) - nonws_len(new)
    if pos == 0 and not out:
        return text
    out.append(text[pos:])
    doc.record_change(stage, rule, n, delta)
    return "".join(out)


def map_lines(doc: Document, fn: Callable[[Line], str]) -> Document:
    """Replace each line's text by `fn(line)` in place and return `doc`."""
    for i, ln in enumerate(doc.lines):
        new = fn(ln)
        if new is not ln.text:
            doc.lines[i] = ln.with_text(new) if new != ln.text else ln
    return doc


def is_cjk(ch: str) -> bool:
    """True for CJK ideographs (BMP blocks and extension A/B+)."""
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x3134F or 0xF900 <= o <= 0xFAFF


CJK_RANGE = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_PUNCT = "，。、；：？！“”‘’（）《》〈〉【】「」『』—…·〔〕"

# -- character classes shared by the text stages ---------------------------
# CJK ideographs for regex classes, including 〇 (U+3007) used as a numeral zero.
CJK_CLASS = CJK_RANGE + "\u3007\U00020000-\U0003134f"
# Full-width punctuation that counts as "Chinese context" (OUTPUT_SPEC section 4).
CJK_PUNCT_CLASS = (
    "\u3001\u3002\u300a-\u300f\u3010\u3011\u3014-\u301f"  # 、。《》「」『』【】〔〕〖〗…
    "\u2014\u2026\u2018\u2019\u201c\u201d"  # —…‘’“”
    "\uff01\uff08\uff09\uff0c\uff1a\uff1b\uff1f\uff5e"  # ！（），：；？～
)
_CTX_RE = re.compile(f"[{CJK_CLASS}{CJK_PUNCT_CLASS}]")
_CJK_RE = re.compile(f"[{CJK_CLASS}]")


def is_cjk_context(ch: str) -> bool:
    """True when `ch` is a CJK ideograph or full-width CJK punctuation."""
    return bool(ch) and _CTX_RE.match(ch) is not None


def has_cjk(text: str) -> bool:
    """True when `text` holds at least one CJK ideograph."""
    return _CJK_RE.search(text) is not None


def count_changes(doc: Document, stage: str, rule: str, old: str, new: str, n: int = 1) -> None:
    """Record one substitution of `old` by `new` (`n` counted), with its accounting delta."""
    if old != new:
        doc.record_change(stage, rule, n, nonws_len(old) - nonws_len(new))
