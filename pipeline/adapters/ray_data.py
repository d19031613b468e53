"""Ray Data: a callable class for `Dataset.map_batches`, one Pipeline per actor.

    >>> import ray
    >>> from pipeline.adapters.ray_data import RayCleaner
    >>> ds = ray.data.from_items([{"text": "(上接5版)\\n经济增长7.5% ,  好."}])
    >>> ds = ds.map_batches(RayCleaner, fn_constructor_kwargs={"field": "text"},
    ...                     batch_format="pandas", concurrency=2)
    >>> ds.take(1)[0]["ocrclean_score"]

Actors keep their models between batches; `concurrency` is the number of actors (one core each).
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from ..config import Config
from .common import Cleaner


class RayCleaner:
    """Cleans the `field` column of each batch (pandas DataFrame or dict of arrays) into `text_out`."""

    def __init__(self, field: str = "text", text_out: str | None = None,
                 config: str | dict | Config = "default", prefix: str = "ocrclean_"):
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # one Tesseract thread per actor
        self.field, self.text_out = field, text_out or f"{field}_clean"
        self.cleaner = Cleaner(config, prefix)

    def __call__(self, batch: Any) -> Any:
        texts = list(batch[self.field])
        cols = self.cleaner.clean_columns(texts, self.text_out)
        if hasattr(batch, "assign"):  # pandas
            out = batch.copy()
            for k, v in cols.items():
                out[k] = v
            return out
        out = dict(batch)
        for k, v in cols.items():
            out[k] = np.array(v, dtype=object)
        return out
