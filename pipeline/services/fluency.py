"""The fluency model: character statistics read off jieba's dictionary (`pipeline.garble`).

Stages ask it whether two characters follow each other inside some word (`bigram_cond`),
how well a short run reads (`column_logp`) and how fluent a text is (`fluency`).
"""

from __future__ import annotations

import numpy as np

from .. import garble


class Fluency:
    """The garble model (a service: `ctx.services.fluency`)."""

    def bigram_cond(self, key: np.ndarray) -> np.ndarray:
        """c(p c)/c(p) for each key (`ord(p) << 21 | ord(c)`), 0 where the bigram is unknown."""
        return garble.model().bigram_cond(key)

    def column_logp(self, chars: str) -> float:
        """Total log-probability of a short string read as one unbroken run."""
        return garble.column_logp(chars)

    def fluency(self, text: str) -> float:
        """Mean log-probability per CJK character (neutral below a few of them)."""
        return garble.fluency(text)
