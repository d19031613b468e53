"""The report's JSON Schema, shipped with the package."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def report_schema() -> dict[str, Any]:
    return json.loads(resources.files(__package__).joinpath("report.schema.json").read_text(encoding="utf-8"))


def validate_report(report: dict[str, Any]) -> None:
    """Raise jsonschema.ValidationError when `report` does not follow the schema."""
    import jsonschema

    jsonschema.validate(report, report_schema())
