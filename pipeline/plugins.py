"""Plugins found through entry points, so a third party adds an OCR engine or a backend without editing ours.

A distribution declares, in its pyproject.toml:

    [project.entry-points."ocrclean.engines"]
    myengine = "mypkg.engine:MyEngine"          # a pipeline.ocr.engines.base.Engine subclass

    [project.entry-points."ocrclean.backends"]
    mycluster = "mypkg.backend:map_paths"       # map_paths(paths, config, jobs, dests=None)

ocrclean's own engines and backends are declared the same way (and listed in BUILTIN, which serves a
source checkout that was never installed). A built-in name cannot be taken over by another package.
"""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points
from typing import Any

BUILTIN = {
    "ocrclean.engines": {
        "tesseract": "pipeline.ocr.engines.tesseract:TesseractEngine",
        "rapidocr": "pipeline.ocr.engines.rapid:RapidEngine",
    },
    "ocrclean.backends": {
        "local": "pipeline.backends.local:map_paths",
        "ray": "pipeline.backends.ray_backend:map_paths",
    },
}


def available(group: str) -> dict[str, str]:
    """name -> "module:attribute" for every plugin of `group`, built-ins first."""
    found = {ep.name: ep.value for ep in entry_points(group=group)}
    return {**found, **BUILTIN.get(group, {})}


def load(group: str, name: str) -> Any:
    """The object plugin `name` of `group` names; LookupError lists the known names."""
    known = available(group)
    if name not in known:
        raise LookupError(f"unknown {group.rsplit('.', 1)[-1][:-1]} {name!r} (known: {', '.join(sorted(known))})")
    module, _, attr = known[name].partition(":")
    obj = importlib.import_module(module)
    for part in attr.split(".") if attr else ():
        obj = getattr(obj, part)
    return obj
