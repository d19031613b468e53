"""Backends run `worker.process_path` (`run_one` on a file) over many inputs: `local` (process pool) or `ray`.

A backend is a function `map_paths(paths, config, jobs, dests=None) ->
Iterator[Outcome]` yielding outcomes as they finish (any order). `dests` maps
each path to where its outputs go; a backend whose workers share the output
folder writes them there (marking `Outcome.extra["written"]`), else the batch
writes them. Backends are found through the `ocrclean.backends` entry point
group (see `pipeline.plugins`), so another package can add one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from .. import plugins
from ..errors import ConfigError
from ..worker import Outcome

MapFn = Callable[..., Iterator[Outcome]]


def get_backend(name: str) -> MapFn:
    try:
        return plugins.load("ocrclean.backends", name)
    except LookupError as e:
        raise ConfigError(str(e)) from None
    except ImportError as e:
        extra = f"pip install 'ocrclean[{name}]'" if name == "ray" else "install the package that provides it"
        raise ConfigError(f"--backend {name} needs a library that is missing: {extra} ({e})") from None
