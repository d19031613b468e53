"""datatrove: a `PipelineStep` that cleans each Document's text and files the quality in its metadata.

    >>> from datatrove.data import Document
    >>> from pipeline.adapters.datatrove_step import OcrcleanStep
    >>> step = OcrcleanStep(min_score=60)
    >>> docs = list(step.run(iter([Document(text="(上接5版)\\n经济增长7.5% ,  好.", id="1")])))
    >>> docs[0].metadata["ocrclean"]["grade"]

A document that cannot be cleaned keeps its text and gets the reason in `metadata["ocrclean"]["error"]`.
With `min_score`, documents below it (or that cannot be cleaned) are dropped and counted in the
step's stats (`dropped_below_min_score`, `dropped_error`), as datatrove's filters do.
"""

from __future__ import annotations

from typing import Any

from datatrove.pipeline.base import PipelineStep

from ..config import Config
from .common import Cleaner


class OcrcleanStep(PipelineStep):
    name = "ocrclean"
    type = "🧹 - CLEANER"

    def __init__(self, config: str | dict | Config = "default", min_score: float | None = None,
                 metadata_key: str = "ocrclean"):
        super().__init__()
        self.cleaner = Cleaner(config, prefix="")
        self.min_score, self.metadata_key = min_score, metadata_key

    def run(self, data: Any, rank: int = 0, world_size: int = 1) -> Any:
        for doc in data or ():
            self.stat_update("total")
            with self.track_time():
                clean, fields = self.cleaner.clean(doc.text, source=f"<doc {doc.id}>")
            doc.metadata[self.metadata_key] = fields
            if clean is None:  # kept as it was (with the error in its metadata) unless a score is required
                if self.min_score is not None:
                    self.stat_update("dropped_error")
                    continue
                self.stat_update("error")
                yield doc
                continue
            doc.text = clean
            if self.min_score is not None and fields["score"] < self.min_score:
                self.stat_update("dropped_below_min_score")
                continue
            self.stat_update("forwarded")
            self.update_doc_stats(doc)
            yield doc
