"""A document whose change log books everything under another stage's name.

The paragraphs stage runs rules of earlier stages again on the lines it joins
(a second run of the pipeline would find what a join made whole: a markup pair
cut by a line break, a running head cut into fragments). What those rules
change then is the paragraphs stage's change: each stage's accounting must
balance on its own (core.Pipeline.process), so removals, substitutions and
flags go under that stage; everything else is the document's own.
"""

from __future__ import annotations

from typing import Any

from ..document import Document


class Booked:
    """`doc`, with `record_removal`, `record_change` and `flag` booked under `stage`."""

    __slots__ = ("_doc", "_stage")

    def __init__(self, doc: Document, stage: str):
        self._doc, self._stage = doc, stage

    def record_removal(self, _stage: str, reason: str, text: str, src: tuple[int, int]) -> None:
        self._doc.record_removal(self._stage, reason, text, src)

    def record_change(self, _stage: str, rule: str, n: int = 1, delta: int = 0) -> None:
        self._doc.record_change(self._stage, rule, n, delta)

    def flag(self, kind: str, message: str, excerpt: str, src: tuple[int, int], _stage: str = "") -> None:
        self._doc.flag(kind, message, excerpt, src, self._stage)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._doc, name)
