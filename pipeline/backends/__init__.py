"""Backends run `worker.process_path` over many inputs: `local` (process pool) or `ray`.

A backend is a function `map_paths(paths, config, jobs) -> Iterator[Outcome]`
yielding outcomes as they finish (any order).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ..config import Config
from ..errors import ConfigError
from ..worker import Outcome

MapFn = Callable[[list[str], Config, int], Iterator[Outcome]]


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
