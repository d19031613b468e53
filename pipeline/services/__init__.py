"""The shared services a stage reaches through `ctx.services`, each built once per process.

| service | what it is |
|---|---|
| `lexicon` | jieba's dictionary: word frequencies and a dictionary-only segmentation |
| `fluency` | the fluency model (`garble`): within-word bigram odds, log-probability, fluency |
| `lookalikes` | the OCR look-alike table and character ranks |

A stage never imports another stage's private tables for these: it asks `ctx.services`.
Each is loaded lazily at first use (`Pipeline.warm` loads them before a pool forks).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from .fluency import Fluency
from .lexicon import Lexicon
from .lookalikes import Lookalikes


@dataclass(frozen=True)
class Services:
    """The process's services (see the module docstring)."""

    lexicon: Lexicon = field(default_factory=Lexicon)
    fluency: Fluency = field(default_factory=Fluency)
    lookalikes: Lookalikes = field(default_factory=Lookalikes)


@lru_cache(maxsize=1)
def services() -> Services:
    """The one `Services` of this process."""
    return Services()


__all__ = ["Fluency", "Lexicon", "Lookalikes", "Services", "services"]
