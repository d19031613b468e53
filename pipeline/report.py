"""The per-document report (OUTPUT_SPEC section 9), schema `schema/report.schema.json`,
and `record_fields`, its flat view for record-shaped outputs (jsonl, adapters, the run summary).

One meaning per name everywhere (the table is in docs/report.md):
- `flags` is the flags raised: the flag objects in the report and the manifest, their
  kinds (sorted, without repeats) in a flat record; `flag_count` is how many there are.
- `*_chars` (`input_chars`, `output_chars`, `removed_chars`, `changed_chars`,
  `unaccounted_chars`) counts non-whitespace characters, the unit of the accounting, for
  the document and for each stage alike; `output.chars` alone is the clean text's length
  with its whitespace and newlines (`len(text)`).
- `removed` is the list of removed spans, never a count.
"""

from __future__ import annotations

import hashlib
from typing import Any

from .config import Config
from .document import Document, nonws_len
from .linemap import LineResolver, output_line_map, resolve_line  # noqa: F401  (re-exported)

# a new optional field bumps the minor version, a removed or renamed one the major;
# 1.2: accounting.stages uses the document's *_chars names, a manifest error record has error_kind
REPORT_SCHEMA_VERSION = "1.2"

# the core's per-stage counts -> the report's names (the same as the document's accounting)
_STAGE_NAMES = {"chars_in": "input_chars", "chars_out": "output_chars", "removed": "removed_chars",
                "changed": "changed_chars", "unaccounted": "unaccounted_chars"}


def build_report(
    *,
    doc: Document,
    text: str,
    input_chars: int,
    raw: bytes,
    config: Config,
    quality: dict[str, Any],
    accounting: dict[str, dict[str, int]],
    timings: dict[str, float],
    version: str,
) -> dict[str, Any]:
    resolve = LineResolver(output_line_map(doc))
    flags = []
    for f in [*doc.flags, *quality.pop("extra_flags", [])]:
        if f.line is None:
            f.line = resolve(f.src)
        flags.append(f.to_dict())
    flags.sort(key=lambda f: (f["line"] or 0, f["kind"]))
    removed = [r.to_dict() for r in doc.removed]
    # text a reader dropped before the stages ran (PDF running heads, say) was input too
    pre_stage = sum(nonws_len(r["text"]) for r in removed if r["stage"] not in accounting)
    in_chars = input_chars + pre_stage
    out_chars = nonws_len(text)
    removed_chars = sum(nonws_len(r["text"]) for r in removed)
    changed = int(sum(doc.delta.values()))
    return {
        "schema_version": REPORT_SCHEMA_VERSION,
        "pipeline": {"name": "ocrclean", "version": version, "config": config.name, "config_digest": config.digest},
        "source": {
            "path": doc.source,
            "sha256": hashlib.sha256(raw).hexdigest(),
            "bytes": len(raw),
            "kind": doc.kind,
            "encoding": doc.metadata.get("encoding"),
        },
        "output": {
            "path": None,
            "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            "chars": len(text),
            "lines": text.count("\n"),
            "paragraphs": sum(1 for p in text.split("\n\n") if p.strip()),
        },
        "quality": quality,
        "flags": flags,
        "removed": removed,
        "changes": {stage: dict(sorted(c.items())) for stage, c in doc.changes.items()},
        "accounting": {
            "input_chars": in_chars,
            "output_chars": out_chars,
            "removed_chars": removed_chars,
            "changed_chars": changed,
            "unaccounted_chars": in_chars - out_chars - removed_chars - changed,
            "stages": {stage: {_STAGE_NAMES.get(k, k): v for k, v in c.items()} for stage, c in accounting.items()},
        },
        "metadata": {k: v for k, v in doc.metadata.items() if k != "encoding"},
        "pages": doc.stats.get("pages", []),
        "timings": timings,
        "errors": [],
    }


def flag_kinds(report: dict[str, Any]) -> list[str]:
    """The kinds of the flags a report raised, sorted, without repeats."""
    return sorted({f["kind"] for f in report["flags"]})


def record_fields(report: dict[str, Any]) -> dict[str, Any]:
    """The flat view of a report that every record-shaped output starts from (names as in
    the module docstring): score, grade, passed, flags (kinds), flag_count, the *_chars."""
    q, acc = report["quality"], report["accounting"]
    return {
        "score": float(q["score"]),
        "grade": q.get("grade"),
        "passed": q.get("passed", True),
        "flags": flag_kinds(report),
        "flag_count": len(report["flags"]),
        "input_chars": int(acc["input_chars"]),
        "output_chars": int(acc["output_chars"]),
        "removed_chars": int(acc["removed_chars"]),
    }
