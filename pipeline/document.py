"""The Document model every stage reads and returns.

A Document is the text as a list of `Line`s with provenance (source line
numbers, page, OCR confidence), plus a change log: what each stage removed
(`Removal`), how many substitutions each rule made (`changes`), and the flags a
person should look at (`Flag`). That log feeds the report, the HTML view and the
"nothing is lost" accounting: for every stage,

    nonws(before) == nonws(after) + nonws(removed by the stage) + delta(stage)

where `delta` is the non-whitespace length change of the recorded
substitutions (see `Document.record_change`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

_CHUNK = 1 << 20  # split in slices so a huge text never becomes one huge word list


def nonws_len(text: str) -> int:
    """Length of `text` without whitespace: the unit of the accounting.

    `str.split()` splits on exactly the characters regex `\\s` matches and runs at C
    speed (6x a regex scan); counts add up over slices, so long text goes in slices.
    """
    if len(text) <= _CHUNK:
        return sum(map(len, text.split()))
    return sum(sum(map(len, text[i : i + _CHUNK].split())) for i in range(0, len(text), _CHUNK))


@dataclass(slots=True)
class Line:
    """One line of text (before paragraph assembly) or one paragraph (after).

    `src` is the 1-based inclusive range of source lines it came from;
    `kind` is "body", "heading", "headline" (rebuilt vertical headline),
    "blank" is never used: a blank line is `Line("")`.
    """

    text: str
    src: tuple[int, int]
    page: int | None = None
    conf: float | None = None  # OCR confidence 0-100, None when not OCR'd
    kind: str = "body"
    meta: dict[str, Any] = field(default_factory=dict)

    def with_text(self, text: str) -> Line:
        return Line(text, self.src, self.page, self.conf, self.kind, dict(self.meta))


@dataclass(slots=True)
class Removal:
    """Text taken out of the clean output, with why, where and by whom."""

    text: str
    reason: str
    stage: str
    src: tuple[int, int]

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "reason": self.reason, "stage": self.stage, "source_lines": list(self.src)}


@dataclass(slots=True)
class Flag:
    """A problem a person should look at; the output line is resolved at emit time."""

    kind: str
    message: str
    excerpt: str
    src: tuple[int, int]
    stage: str = ""
    line: int | None = None  # output line, filled in by the report

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "message": self.message,
            "line": self.line,
            "excerpt": self.excerpt,
            "source_lines": list(self.src),
            "stage": self.stage,
        }


@dataclass
class Document:
    """Text plus provenance plus the log of everything done to it."""

    lines: list[Line]
    source: str = "<text>"
    kind: str = "text"  # text | pdf | image
    metadata: dict[str, Any] = field(default_factory=dict)
    removed: list[Removal] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    changes: dict[str, Counter] = field(default_factory=dict)
    delta: Counter = field(default_factory=Counter)  # stage -> nonws chars changed away by rules
    stats: dict[str, Any] = field(default_factory=dict)  # stage-computed facts for quality (e.g. dup share)
    paragraphs: bool = False  # True once lines are paragraphs (after paragraph assembly)

    @classmethod
    def from_text(cls, text: str, source: str = "<text>", **kw: Any) -> Document:
        lines = [Line(t, (i, i)) for i, t in enumerate(text.split("\n"), start=1)]
        return cls(lines=lines, source=source, **kw)

    # -- the change log -------------------------------------------------
    def record_change(self, stage: str, rule: str, n: int = 1, delta: int = 0) -> None:
        """Count `n` substitutions by `rule`; `delta` = nonws chars before minus after."""
        if n:
            self.changes.setdefault(stage, Counter())[rule] += n
        if delta:
            self.delta[stage] += delta

    def record_removal(self, stage: str, reason: str, text: str, src: tuple[int, int]) -> None:
        """Record text taken out of the output (whitespace-only text is not recorded)."""
        if text and not text.isspace():
            self.removed.append(Removal(text, reason, stage, src))
            self.changes.setdefault(stage, Counter())["removed:" + reason] += 1

    def flag(self, kind: str, message: str, excerpt: str, src: tuple[int, int], stage: str = "") -> None:
        self.flags.append(Flag(kind, message, excerpt[:80], src, stage))

    # -- views ----------------------------------------------------------
    @property
    def text(self) -> str:
        """The text as it stands: paragraphs separated by one blank line once assembled."""
        if self.paragraphs:
            return "\n\n".join(ln.text for ln in self.lines if ln.text)
        return "\n".join(ln.text for ln in self.lines)

    def removed_nonws(self, stage: str | None = None) -> int:
        return sum(nonws_len(r.text) for r in self.removed if stage is None or r.stage == stage)
