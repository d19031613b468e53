"""Hugging Face `datasets`: a batched map function.

    >>> from datasets import Dataset
    >>> from pipeline.adapters.hf_datasets import map_function
    >>> ds = Dataset.from_dict({"text": ["(上接5版)\\n经济增长7.5% ,  好."]})
    >>> ds = ds.map(map_function(), batched=True, batch_size=64)
    >>> ds[0]["text_clean"], ds[0]["ocrclean_grade"]

`num_proc=N` works: the function pickles without its models and loads them once per process.
"""

from __future__ import annotations

from typing import Any

from ..config import Config
from .common import Cleaner


class _BatchMap:
    def __init__(self, field: str, text_out: str | None, config: str | dict | Config, prefix: str):
        self.field, self.text_out = field, text_out or f"{field}_clean"
        self.cleaner = Cleaner(config, prefix)

    def __call__(self, batch: dict[str, list[Any]]) -> dict[str, list[Any]]:
        if self.field not in batch:
            raise KeyError(f"ocrclean: the dataset has no column {self.field!r} (columns: {', '.join(batch)})")
        return self.cleaner.clean_columns(batch[self.field], self.text_out)


def map_function(field: str = "text", text_out: str | None = None, config: str | dict | Config = "default",
                 prefix: str = "ocrclean_") -> _BatchMap:
    """A function for `Dataset.map(fn, batched=True)`: adds `text_out` (default `<field>_clean`) and
    the `<prefix>…` quality columns; `text_out=field` replaces the text in place."""
    return _BatchMap(field, text_out, config, prefix)
