"""The lexicon: jieba's dictionary, its word frequencies and a dictionary-only segmentation.

Several stages judge whether characters make a word (a word spans a line break, a
look-alike forms a frequent word); they share this one dictionary, loaded once per process.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _freq() -> dict[str, int]:
    import jieba

    jieba.setLogLevel(60)
    jieba.dt.check_initialized()
    return jieba.dt.FREQ


class Lexicon:
    """jieba's dictionary (a service: `ctx.services.lexicon`)."""

    @property
    def freq(self) -> dict[str, int]:
        """Word -> frequency (0 for prefixes jieba keeps for its search)."""
        return _freq()

    def cut(self, text: str) -> list[str]:
        """`text` segmented by the dictionary alone (no HMM guesses for unknown words)."""
        import jieba

        _freq()
        return jieba.lcut(text, HMM=False)

    def warm(self) -> None:
        _freq()
