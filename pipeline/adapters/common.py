"""The one record shape every adapter emits: flat, typed columns that Arrow, pandas and JSON all hold.

Column names are prefixed (`<prefix>score`, default prefix `ocrclean_`) so they never overwrite a
field the dataset already has; the clean text goes to its own column unless asked to replace.
The names mean what they mean in the report and in `ocrclean jsonl` (`report.record_fields`,
docs/report.md), and each text is cleaned by `worker.run_one`, under the same limits as a file.
"""

from __future__ import annotations

from typing import Any

from ..config import Config, load_config
from ..core import Pipeline
from ..report import record_fields
from ..worker import Source, pipeline_for, run_one

# column -> meaning; the order is the order of the output columns
FIELDS = {
    "score": "quality score of the clean text, 0-100",
    "grade": "letter grade of the score (A-F)",
    "flags": "kinds of the quality flags raised, sorted, without repeats",
    "flag_count": "number of flags raised (the report's flags)",
    "removed_chars": "non-whitespace characters removed, each accounted for in the full report",
    "input_chars": "non-whitespace characters of the input text",
    "output_chars": "non-whitespace characters of the clean text",
    "error": "why the text could not be cleaned ('' when it was)",
}


def ocrclean_fields(report: dict[str, Any] | None, error: str = "") -> dict[str, Any]:
    """The flat fields of one report (None and a message when the text could not be cleaned)."""
    if report is None:
        return {"score": None, "grade": None, "flags": [], "flag_count": 0, "removed_chars": 0, "input_chars": 0,
                "output_chars": 0, "error": error}
    f = record_fields(report)
    return {k: f.get(k, "") for k in FIELDS}


class Cleaner:
    """A picklable cleaner: its Pipeline is built lazily, once per process (workers load models there)."""

    def __init__(self, config: str | dict | Config = "default", prefix: str = "ocrclean_"):
        self.config = config if isinstance(config, Config) else load_config(config)
        self.prefix = prefix

    @property
    def pipeline(self) -> Pipeline:
        """This process's Pipeline for the config, the one `run_one` uses (built once a
        process: a pickled Cleaner carries only its config)."""
        return pipeline_for(self.config)

    def clean(self, text: Any, source: str = "<record>") -> tuple[str | None, dict[str, Any]]:
        """(clean text or None, prefixed fields) for one value; a bad value is an error field, not an exception."""
        if not isinstance(text, str):
            return None, self._prefixed(ocrclean_fields(None, f"not a string ({type(text).__name__})"))
        oc = run_one(Source.of_text(text, source), self.config)
        if not oc.ok:
            return None, self._prefixed(ocrclean_fields(None, f"cannot clean: {oc.error}"[:300]))
        return oc.text, self._prefixed(ocrclean_fields(oc.report))

    def clean_columns(self, texts: list[Any], text_out: str) -> dict[str, list[Any]]:
        """Column-wise results for a batch: `text_out` plus one list per FIELDS entry."""
        cols: dict[str, list[Any]] = {text_out: []}
        cols.update({self.prefix + k: [] for k in FIELDS})
        for i, value in enumerate(texts):
            clean, fields = self.clean(value, source=f"<row {i}>")
            cols[text_out].append(clean)
            for k, v in fields.items():
                cols[k].append(v)
        return cols

    def _prefixed(self, fields: dict[str, Any]) -> dict[str, Any]:
        return {self.prefix + k: v for k, v in fields.items()}
