"""The paragraphs as Lines: a group of joined lines becomes one, an overlong one is cut."""

from __future__ import annotations

import re

from ...context import ChangeLog
from ...document import Line
from .evidence import Item, heading_kind


def merge(group: list[Item], cfg: dict, text: str) -> Line:
    first, last = group[0].line, group[-1].line
    kind = heading_kind(text, first.kind, int(cfg["max_heading_chars"]), int(cfg["max_title_chars"]))
    if len(group) == 1 and first.conf is None:  # most paragraphs: one line, not OCR'd
        return Line(text, (first.src[0], last.src[1]), first.page, None, kind, dict(first.meta))
    confs = [(it.line.conf, len(it.text)) for it in group if it.line.conf is not None]
    conf = sum(c * n for c, n in confs) / max(1, sum(n for _, n in confs)) if confs else None
    meta: dict = {}
    for it in group:
        meta.update(it.line.meta)
    if len(group) > 1:
        meta["joined_lines"] = len(group)
    return Line(text, (first.src[0], last.src[1]), first.page, conf, kind, meta)


_SENTENCE_END = re.compile(r"[。！？!?][”’）)」』】》]*")


def split_long(log: ChangeLog, lines: list[Line], limit: int) -> list[Line]:
    """Split paragraphs over `limit` characters at sentence ends (a whole file on one
    line is no paragraph); every later stage then works on bounded pieces. Flagged."""
    out: list[Line] = []
    for ln in lines:
        if len(ln.text) <= limit:
            out.append(ln)
            continue
        text, start, pieces = ln.text, 0, 0
        while len(text) - start > limit:
            cut = None
            for m in _SENTENCE_END.finditer(text, start + limit // 2, start + limit):
                cut = m.end()
            if cut is None:  # no sentence end in reach: cut at the limit
                cut = start + limit
            out.append(Line(text[start:cut], ln.src, ln.page, ln.conf, ln.kind, dict(ln.meta)))
            start, pieces = cut, pieces + 1
        out.append(Line(text[start:], ln.src, ln.page, ln.conf, ln.kind, dict(ln.meta)))
        log.flag("long-paragraph", f"a {len(text)}-character paragraph was split into {pieces + 1} at sentence ends",
                 text[:40], ln.src)
    return out
