"""Adapters that put ocrclean inside other data tools, each importing its library only when used.

- `ocrclean_fields` / `Cleaner`: one text in, the clean text and flat quality fields out (shared by all).
- `pipeline.adapters.hf_datasets.map_function`: a `datasets.Dataset.map(..., batched=True)` function.
- `pipeline.adapters.ray_data.RayCleaner`: a callable class for `ray.data.Dataset.map_batches`.
- `pipeline.adapters.datatrove_step.OcrcleanStep`: a datatrove `PipelineStep`.
"""

from .common import FIELDS, Cleaner, ocrclean_fields

__all__ = ["FIELDS", "Cleaner", "ocrclean_fields"]
