"""Markup stripping: Markdown, HTML, LaTeX sub/superscripts, decorative bullets (OUTPUT_SPEC 6).

OCR engines and web extractors leave markup around the text. Each rule keeps
the text and drops only the markup, and is narrow enough to leave legitimate
text alone: `2.5%`, `C++`, `a*b`, `#1`, `1. 总体要求` and `2020-2035` pass through.

- Markdown headings (`### 标题`) lose their hashes and become `kind="heading"`;
  a misread icon (`/`, `■`) or a stray list number (`## 2 加速推进平台建设`)
  in front of the heading text is removed, the number flagged.
- `**bold**`, `__bold__`, `*斜体*`, list bullets (`- `, `* `, `+ `), block quotes,
  horizontal rules, code fences, links and images.
- HTML tags (text kept) and entities (`html.unescape`, entity by entity).
- LaTeX: `PM_{2.5}` -> `PM2.5`, `M_2` -> `M2`, `m^{2}` -> `m2`, `$…$`, `\\mathrm{…}`.
- Decorative bullets at line start (`● ○ ■ □ ◆ ◇ ▲ △ ★ ☆ •` and kin).
"""

from __future__ import annotations

import html
import re

from ..context import ChangeLog, Context, Rules, Src
from ..document import Document, Line
from ..registry import stage
from ..textops import CJK_CLASS, CJK_PUNCT_CLASS
from .continuation import CONTINUATION

NAME = "markup"

BULLETS = "●○■□◆◇▲△★☆•▪▫◼◻▶►◎◉❖➢➤♦✓✔"

# Anything any rule could act on; a line without these is skipped outright.
_TRIGGER = re.compile(r"[<>&#*_^$\\\[`+\-|" + BULLETS + "]")

# any indent: the output strips it, so `    ## 标题` must read as the heading it becomes
_HEADING = re.compile(r"^[ \t]*(#{1,6})(?=[ \t]|$|[^#\w]|[" + CJK_CLASS + "])[ \t]*(.*?)(?:[ \t]+#+)?[ \t]*$")
# in a heading: leading icons misread as text, then a stray list number before CJK
_HEAD_ICON = re.compile(r"^[#/\\|｜" + BULLETS + r"\s]+")
_HEAD_NUMBER = re.compile(r"^(\d{1,3})[ \t]+(?=[" + CJK_CLASS + "])")
_LEAD_BULLET = re.compile(r"^([ \t]*)([" + BULLETS + r"]+)[ \t]*(?=\S)")
_BARE_BULLET = re.compile(r"^[ \t]*[" + BULLETS + r"]+[ \t]*$")
_LIST_ITEM = re.compile(r"^([ \t]*)([-*+])[ \t]+(?=\S)")
_PAGE_NUMBER_LIKE = re.compile(r"^\s*[-—–]\s*\d+\s*[-—–]\s*$")
_BLOCKQUOTE = re.compile(r"^[ \t]*>[ \t]+(?=\S)")
_RULE_LINE = re.compile(r"^[ \t]*(?:([-*_])[ \t]*)(?:\1[ \t]*){2,}$")
_FENCE = re.compile(r"^[ \t]*(?:```|~~~)[\w-]*[ \t]*$")

# bold hugs its text; a space against Chinese inside the markers does not count (the
# punctuation stage takes it out: `** “…”**` is `**“…”**` in the output)
_CC = CJK_CLASS + CJK_PUNCT_CLASS
_BOLD = re.compile(
    rf"\*\*(?:[ \t]+(?=[{_CC}]))?(?=\S)(.+?)(?<=\S)(?:(?<=[{_CC}])[ \t]+)?\*\*"
    rf"|__(?:[ \t]+(?=[{_CC}]))?(?=\S)(.+?)(?<=\S)(?:(?<=[{_CC}])[ \t]+)?__"
)
_ITALIC_CJK = re.compile(
    rf"(?<![*A-Za-z0-9])\*(?:[ \t]+(?=[{_CC}]))?(?=[^\s*])([^*\n]*?[{CJK_CLASS}][^*\n]*?)"
    rf"(?<=[^\s*])(?:(?<=[{_CC}])[ \t]+)?\*(?![*A-Za-z0-9])"
)
_ORPHAN_BOLD = re.compile(r"\*\*")
_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_LINK = re.compile(r"\[([^\]\n]+)\]\((?:https?://|/|#|\.)[^)\n]*\)")

_HTML_BLOCK = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>|<!--.*?-->", re.I | re.S)
_HTML_TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)(?:\s[^<>]*)?/?>")
_BLOCK_TAGS = frozenset("br p div li ul ol tr td th table h1 h2 h3 h4 h5 h6 section article hr".split())
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")

_LATEX_GROUP = re.compile(r"(?<=[A-Za-z0-9)])\s*[_^]\{([^{}\n]{1,20})\}")
# `M_2`, `m^2`, also before a full stop or ellipsis, but not in a name like `v_2.txt`
_LATEX_SIMPLE = re.compile(
    r"(?<=[A-Za-z])_(\d{1,3}(?:\.\d+)?)(?![A-Za-z0-9_]|\.[A-Za-z0-9_])"
    r"|(?<=[A-Za-z])\^(\d{1,2})(?![A-Za-z0-9_]|\.[A-Za-z0-9_])"
)
_LATEX_CMD = re.compile(r"\\(?:mathrm|text|textrm|mathbf|rm|mathit|operatorname)\{([^{}\n]*)\}")
_LATEX_MATH = re.compile(r"\$([^$\s][^$\n]{0,40}?)\$")
_LATEX_ESC = re.compile(r"\\([%&#_$])")


def _strip_keep(log: ChangeLog, rule: str, pat: re.Pattern[str], text: str, src, group_fn) -> str:
    """Drop the markup around each match, keep its text: the markup is a recorded removal."""
    out: list[str] = []
    pos = 0
    for m in pat.finditer(text):
        kept = group_fn(m)
        old = m.group(0)
        if kept == old:
            continue
        out.append(text[pos : m.start()])
        out.append(kept)
        pos = m.end()
        i = old.find(kept) if kept.strip() else -1
        # only the markup is recorded; the kept text stays in the output
        log.removal(rule, old[:i] + old[i + len(kept) :] if i >= 0 else old, src)
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)


def _entity(m: re.Match[str]) -> str:
    ch = html.unescape(m.group(0))
    if ch == m.group(0):
        return ch
    return " " if ch.isspace() else ch


def strip_html(log: ChangeLog, text: str, src) -> str:
    if "<" in text:
        text = _strip_keep(log, "html-tag", _HTML_BLOCK, text, src, lambda m: "")
        text = _strip_keep(
            log, "html-tag", _HTML_TAG, text, src, lambda m: " " if m.group(1).lower() in _BLOCK_TAGS else ""
        )
    if "&" in text:
        out, pos = [], 0
        for m in _ENTITY.finditer(text):
            new = _entity(m)
            if new == m.group(0):
                continue
            out += [text[pos : m.start()], new]
            pos = m.end()
            log.substitution("html-entity", m.group(0), new)
        if out:
            text = "".join(out) + text[pos:]
    return text


def strip_latex(log: ChangeLog, text: str, src) -> str:
    if "$" in text:
        text = _strip_keep(
            log,
            "latex",
            _LATEX_MATH,
            text,
            src,
            lambda m: m.group(1) if re.search(r"[_^\\{]", m.group(1)) else m.group(0),
        )
    if "\\" in text:
        text = _strip_keep(log, "latex", _LATEX_CMD, text, src, lambda m: m.group(1))
        text = _strip_keep(log, "latex", _LATEX_ESC, text, src, lambda m: m.group(1))
    if "_" in text or "^" in text:
        text = _strip_keep(log, "latex", _LATEX_GROUP, text, src, lambda m: m.group(1))
        text = _strip_keep(log, "latex", _LATEX_SIMPLE, text, src, lambda m: m.group(1) or m.group(2))
    return text


def strip_inline_markdown(log: ChangeLog, text: str, src, chinese: bool = True) -> str:
    """Images, links, bold, italic. `chinese`: the document holds Chinese text (see `run`)."""
    if "![" in text:
        text = _strip_keep(log, "markdown-image", _IMAGE, text, src, lambda m: "")
    if "](" in text:
        text = _strip_keep(log, "markdown-link", _LINK, text, src, lambda m: m.group(1))
    if "**" in text or "__" in text:
        text = _strip_keep(log, "markdown-bold", _BOLD, text, src, lambda m: m.group(1) or m.group(2))
        if "**" in text and chinese:  # an unpaired `**` in Chinese text is markup, not a power
            text = _strip_keep(log, "markdown-bold", _ORPHAN_BOLD, text, src, lambda m: "")
    if "*" in text:
        text = _strip_keep(log, "markdown-italic", _ITALIC_CJK, text, src, lambda m: m.group(1))
    return text


# the boilerplate stage's own continuation-marker pattern, at the start of a line (one or more)
_LEAD_MARKER = re.compile(r"^[ \t]*(?:(?:" + CONTINUATION.pattern + r")[ \t]*)+")


def _heading(log: ChangeLog, ln: Line, text: str) -> tuple[str, bool]:
    """`### ■2 标题` -> `标题`; returns (text, is_heading)."""
    m = _HEADING.match(text)
    if not m or not m.group(2).strip():
        return text, False
    body = m.group(2)
    log.removal("markdown-heading", text[: m.start(2)] + text[m.end(2) :], ln.src)
    icon = _HEAD_ICON.match(body)
    if icon and icon.end() < len(body):
        log.removal("stray-icon", icon.group(0), ln.src)
        body = body[icon.end() :]
    num = _HEAD_NUMBER.match(body)
    if num:
        log.removal("stray-number", num.group(1), ln.src)
        log.flag(
            "stray-number",
            f"stray number {num.group(1)!r} before a heading removed (misread icon or list number?)",
            body,
            ln.src,
        )
        body = body[num.end() :]
    return body, True


def clean_line(log: ChangeLog, ln: Line, chinese: bool = True) -> Line:
    """All markup rules on one line (its text empty when the line was pure markup)."""
    text = ln.text
    src = ln.src
    kind = ln.kind
    meta = None
    # removing markup can make markup: inline markup hides line-start markup (`**# 标题`), a
    # tag taken out of a tag leaves one (`<<b></b>b>`), an entity comes out of `&**nbsp;`.
    # A second run would take those out, so repeat until nothing changes; every rule only
    # ever shortens the line, so this ends (one round, two when anything was found)
    while True:
        start_text = text
        text = strip_html(log, text, src)
        # a newspaper continuation marker can stand before line-start markup (`(上接5版)## 标题`):
        # set it aside so the markup after it is seen; the boilerplate stage removes the marker
        lead = _LEAD_MARKER.match(text)
        prefix = ""
        if lead and lead.end() < len(text):
            prefix, text = text[: lead.end()], text[lead.end() :]
        # line-start markup can nest (`● ## 2 标题`, `- ### 标题`): peel until stable
        for _ in range(4):
            before = text
            # a rule or fence line, also once a bullet or a marker is off (`● ----`, `(接5版)---`)
            if _FENCE.match(text) or _RULE_LINE.match(text):
                log.removal("markdown-rule", text, src)
                text = ""
                break
            if not _PAGE_NUMBER_LIKE.match(text):
                m = _LIST_ITEM.match(text)
                if m and not (m.group(2) == "*" and text.count("*") > 1 and _BOLD.search(text)):
                    log.removal("list-bullet", m.group(2), src)
                    text = text[: m.start(2)] + text[m.end() :]
                    meta = "list"
            m = _BLOCKQUOTE.match(text)
            if m:
                log.removal("blockquote", ">", src)
                text = text[m.end() :]
            if "#" in text:
                text, is_head = _heading(log, ln, text)
                if is_head:
                    kind = "heading"
            m = _LEAD_BULLET.match(text)
            if m:
                log.removal("bullet", m.group(2), src)
                text = m.group(1) + text[m.end() :]
                meta = "bullet"
            elif _BARE_BULLET.match(text):
                log.removal("bullet", text.strip(), src)
                text = ""
            if text == before:
                break
        text = prefix + text
        text = strip_inline_markdown(log, text, src, chinese)
        text = strip_latex(log, text, src)
        if text == start_text:
            break
    if text == ln.text and kind == ln.kind and meta is None:
        return ln
    new = Line(text, ln.src, ln.page, ln.conf, kind, dict(ln.meta))
    if meta:
        new.meta["bullet"] = True
    return new


_CHINESE = re.compile(f"[{CJK_CLASS}{CJK_PUNCT_CLASS}]")


def is_chinese(doc: Document) -> bool:
    """Whether the document holds Chinese: an ideograph or Chinese punctuation anywhere.
    The whole document, not the line: a later join must not change the decision
    (`政府……- 12 -` / `,**` is one paragraph in the output); punctuation too, or
    `** ;、**` (no ideograph) keeps its markers until the punctuation stage makes
    `**；、**` of it and a second run pairs them."""
    return any(_CHINESE.search(ln.text) for ln in doc.lines)


def _reapply(ctx: Context, text: str, src: Src) -> str:
    """The markup rules on text a later stage made, booked under that stage.

    A token or pair cut by a line break (`&am` / `p;`, `PM_{2.` / `5}`, `$` / `_{…}$`)
    is whole only once the paragraphs stage joins the lines; markup a continuation
    marker stood in (`---(接5版)`) shows once the boilerplate stage takes the marker
    out. A second run would see them there."""
    if not _TRIGGER.search(text):
        return text
    chinese = ctx.memo.get("chinese")
    if chinese is None:
        chinese = ctx.memo["chinese"] = is_chinese(ctx.doc)
    return clean_line(ctx.log, Line(text, src), chinese).text


@stage(NAME, defaults={}, rules=Rules(line=_reapply))
def run(doc: Document, ctx: Context) -> Document:
    """Markdown, HTML, LaTeX and decorative-bullet markup removed, text kept."""
    out: list[Line] = []
    changed = False
    chinese: bool | None = None  # `is_chinese`, looked up once a line has a `*`
    for ln in doc.lines:
        if not ln.text or not _TRIGGER.search(ln.text):
            out.append(ln)
            continue
        # any `*`, not only `**`: a tag taken out between two stars makes one (`*<b>*` -> `**`),
        # and a second run, which sees the `**`, must decide as this one does
        if chinese is None and "*" in ln.text:
            chinese = is_chinese(doc)
        new = clean_line(ctx.log, ln, bool(chinese))
        changed |= new is not ln
        out.append(new)
    if changed:
        doc.lines = out
    return doc
