"""ocrclean: the public import name of the package whose source lives in `pipeline/`.

    >>> import ocrclean
    >>> from ocrclean import Pipeline, load_config
    >>> import ocrclean.adapters.hf_datasets

Every `ocrclean.X.Y` is the very module object `pipeline.X.Y` (not a copy), so
classes are identical and `isinstance` holds whichever name a caller used. A
meta-path finder, installed on first import, answers for `ocrclean.*` by
importing `pipeline.*` and registering the same object under both names: two
copies would mean two `Config` classes, two stage registries and two model
caches. `python -m ocrclean` runs the command line (`ocrclean/__main__.py`).
"""

from __future__ import annotations

import importlib
from typing import Any

from ._alias import install

install(__name__, "pipeline")

from pipeline import *  # noqa: E402,F403  (the public API, the same objects)
from pipeline import REPORT_SCHEMA_VERSION, __all__, __version__  # noqa: E402,F401


def __getattr__(name: str) -> Any:
    """`ocrclean.config` and friends without an explicit import, like `pipeline.config`."""
    if name.startswith("_"):
        raise AttributeError(name)
    try:
        return importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as e:
        if e.name not in (f"{__name__}.{name}", f"pipeline.{name}"):
            raise
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
