"""Newspaper continuation markers (`(上接5版)`, `（紧接第二版）`, `(下转第四版)`): not a stage.

The boilerplate stage takes them out (`strip_markers`) and offers that rule to later
stages (a marker cut by a line break, `(上接` / `5版)`, is whole only once the paragraphs
stage joins the lines); the markup stage looks past one at a line start (`(上接5版)## 标题`).
Both use the one pattern here, so neither imports the other.
"""

from __future__ import annotations

import re

from ..context import ChangeLog, Src

_NUM = r"[0-9一二三四五六七八九十百零〇A-Za-z]{1,4}"
CONTINUATION = re.compile(
    r"[(（]\s*(上接|紧接|接|下转|转|续)\s*(?:第\s*)?("
    + _NUM
    + r")\s*(?:版|页|面)(?:[^()（）\n]{0,8})?\s*[)）]"
)
_SENT_END = "。！？…”」』）)!?.；;：:"


def strip_markers(log: ChangeLog, text: str, src: Src) -> str:
    """`text` without its continuation markers, each recorded and kept in
    `metadata["continuation_markers"]`; again until none is left (taking a marker out of
    another leaves one: `(上(上接5版)接5版)`). Text cut off by a `下转` marker is flagged."""
    while "接" in text or "转" in text or "续" in text:
        ms = list(CONTINUATION.finditer(text))
        if not ms:
            break
        markers = log.doc.metadata.setdefault("continuation_markers", [])
        for m in ms:
            markers.append({"marker": m.group(0), "kind": m.group(1), "page": m.group(2), "source_line": src[0]})
            log.removal("continuation-marker", m.group(0), src)
        last = ms[-1]
        before = text[: last.start()].rstrip()
        if (
            last.group(1) in ("下转", "转")
            and before
            and not text[last.end() :].strip()
            and before[-1] not in _SENT_END
        ):
            log.flag(
                "truncated",
                "text continues on another page (下转 marker): the paragraph is cut off here",
                before[-30:],
                src,
            )
        text = CONTINUATION.sub("", text)
    return text
