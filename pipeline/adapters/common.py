"""The one record shape every adapter emits: flat, typed columns that Arrow, pandas and JSON all hold.

Column names are prefixed (`<prefix>score`, default prefix `ocrclean_`) so they never overwrite a
field the dataset already has; the clean text goes to its own column unless asked to replace.
"""

from __future__ import annotations

from typing import Any

from ..config import Config, load_config
from ..core import Pipeline

# column -> meaning; the order is the order of the output columns
FIELDS = {
    "score": "quality score of the clean text, 0-100",
    "grade": "letter grade of the score (A-F)",
    "flags": "kinds of the quality flags raised, sorted, without repeats",
    "removed_chars": "characters removed, each accounted for in the full report",
    "input_chars": "characters of the input text",
    "output_chars": "characters of the clean text",
    "error": "why the text could not be cleaned ('' when it was)",
}


def ocrclean_fields(report: dict[str, Any] | None, error: str = "") -> dict[str, Any]:
    """The flat fields of one report (None and a message when the text could not be cleaned)."""
    if report is None:
        return {"score": None, "grade": None, "flags": [], "removed_chars": 0, "input_chars": 0,
                "output_chars": 0, "error": error}
    acc = report["accounting"]
    return {
        "score": float(report["quality"]["score"]),
        "grade": report["quality"].get("grade"),
        "flags": sorted({f["kind"] for f in report["flags"]}),
        "removed_chars": int(acc["removed_chars"]),
        "input_chars": int(acc["input_chars"]),
        "output_chars": int(acc["output_chars"]),
        "error": "",
    }


class Cleaner:
    """A picklable cleaner: builds its Pipeline lazily, once per process (workers load models there)."""

    def __init__(self, config: str | dict | Config = "default", prefix: str = "ocrclean_"):
        self.config = config if isinstance(config, Config) else load_config(config)
        self.prefix = prefix
        self._pipeline: Pipeline | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {"config": self.config, "prefix": self.prefix, "_pipeline": None}

    @property
    def pipeline(self) -> Pipeline:
        if self._pipeline is None:
            self._pipeline = Pipeline(self.config)
        return self._pipeline

    def clean(self, text: Any, source: str = "<record>") -> tuple[str | None, dict[str, Any]]:
        """(clean text or None, prefixed fields) for one value; a bad value is an error field, not an exception."""
        from ..errors import OcrcleanError

        if not isinstance(text, str):
            return None, self._prefixed(ocrclean_fields(None, f"not a string ({type(text).__name__})"))
        try:
            res = self.pipeline.clean_text(text, source=source)
        except (OcrcleanError, UnicodeError, RecursionError, MemoryError) as e:
            return None, self._prefixed(ocrclean_fields(None, f"cannot clean: {e}"[:300]))
        return res.text, self._prefixed(ocrclean_fields(res.report))

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
