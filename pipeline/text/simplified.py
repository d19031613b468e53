"""Traditional to simplified Chinese with OpenCC: the t2s stage's conversion, and the one
readers (Big5 vs GB18030 fluency) and the boilerplate rules (running heads, link splits)
compare text through, so none of them reaches into a stage module."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=4)
def converter(config: str = "t2s"):
    """An OpenCC converter; the official binding accepts 't2s' (older ones 't2s.json')."""
    import opencc

    try:
        return opencc.OpenCC(config)
    except Exception:  # pragma: no cover - older bindings want the .json name
        return opencc.OpenCC(config + ".json")


def to_simplified(text: str, config: str = "t2s") -> str:
    return converter(config).convert(text)
