"""Traditional -> simplified Chinese with OpenCC `t2s` (OUTPUT_SPEC section 5).

Only the plain `t2s` conversion: `tw2s`/`hk2s` rewrite simplified input
(`显著` -> `显着`). The official `opencc` binding converts the whole document in
one call (tens of MB/s); lines are compared only when something changed.
"""

from __future__ import annotations

from typing import Literal

from ..document import Document
from ..registry import stage
from ..settings import Settings
from ..text.simplified import converter, to_simplified  # noqa: F401 (public here too)
from ..textops import count_changes

NAME = "t2s"


class T2sSettings(Settings):
    """Traditional characters to simplified with OpenCC."""

    config: Literal["t2s", "t2s.json"] = "t2s"
    """The OpenCC conversion: only t2s (tw2s/hk2s rewrite words, unsafe on mixed input)."""


@stage(NAME, settings=T2sSettings)
def run(doc: Document, cfg: dict) -> Document:
    """Convert traditional characters to simplified; never tw2s/hk2s."""
    if cfg["config"] not in ("t2s", "t2s.json"):
        raise ValueError(f"t2s: config {cfg['config']!r} refused: only OpenCC 't2s' is safe on mixed input")
    lines = doc.lines
    i = 0
    while i < len(lines):  # ~1M characters at a time: OpenCC's segments of a 50 MB text take GBs
        j, size = i, 0
        while j < len(lines) and (j == i or size + len(lines[j].text) <= _CHUNK):
            size += len(lines[j].text) + 1
            j += 1
        _convert(doc, i, j, cfg["config"])
        i = j
    return doc


_CHUNK = 1 << 20


def _convert(doc: Document, i: int, j: int, config: str) -> None:
    """Convert lines i..j-1 in one call (no dictionary phrase spans a newline)."""
    group = doc.lines[i:j]
    whole = "\n".join(ln.text for ln in group)
    conv = to_simplified(whole, config)
    if conv == whole:
        return
    new_lines = conv.split("\n")
    if len(new_lines) != len(group):  # pragma: no cover - OpenCC keeps newlines
        new_lines = [to_simplified(ln.text, config) for ln in group]
    for k, (ln, new) in enumerate(zip(group, new_lines, strict=True), start=i):
        if new != ln.text:
            n = sum(1 for a, b in zip(ln.text, new, strict=False) if a != b) if len(new) == len(ln.text) else 1
            count_changes(doc, NAME, "t2s", ln.text, new, n)
            doc.lines[k] = ln.with_text(new)
