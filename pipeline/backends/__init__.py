"""Backends run `worker.process_path` over many inputs: `local` (process pool) or `ray`.

A backend is a function `map_paths(paths, config, jobs, dests=None) ->
Iterator[Outcome]` yielding outcomes as they finish (any order). `dests` maps
each path to where its outputs go; a backend whose workers share the output
folder writes them there (marking `Outcome.extra["written"]`), else the batch
writes them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ..errors import ConfigError
from ..worker import Outcome

MapFn = Callable[..., Iterator[Outcome]]


def get_backend(name: str) -> MapFn:
    if name == "local":
        from .local import map_paths

        return map_paths
    if name == "ray":
        try:
            from .ray_backend import map_paths
        except ImportError as e:
            raise ConfigError(f"--backend ray needs Ray: pip install 'ocrclean[ray]' ({e})") from None
        return map_paths
    raise ConfigError(f"unknown backend {name!r} (local, ray)")
