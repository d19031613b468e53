"""Stages register here by name; the config says which run and in what order.

A stage is a module in `pipeline.stages` with one entry point:

    @stage("punctuation", defaults={"quotes": True})
    def run(doc: Document, cfg: dict) -> Document: ...

`defaults` lists every setting the stage understands; a config key not in
`defaults` is an error (`ConfigError`), so typos never pass silently. `warm`
(optional, given the stage's settings) loads what the stage would otherwise
build at its first document: `Pipeline.warm` calls it before a pool forks.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .document import Document

StageFn = Callable[[Document, dict[str, Any]], Document]


@dataclass(frozen=True)
class StageSpec:
    name: str
    fn: StageFn
    defaults: dict[str, Any]
    doc: str
    warm: Callable[[dict[str, Any]], Any] | None = None


_STAGES: dict[str, StageSpec] = {}


def stage(
    name: str, defaults: dict[str, Any] | None = None, warm: Callable[[dict[str, Any]], Any] | None = None
) -> Callable[[StageFn], StageFn]:
    """Register `fn` as the stage `name` with its default settings (and its `warm` hook)."""

    def deco(fn: StageFn) -> StageFn:
        _STAGES[name] = StageSpec(name, fn, dict(defaults or {}), (fn.__doc__ or "").strip(), warm)
        return fn

    return deco


def _load_all() -> None:
    from . import stages as pkg

    for mod in pkgutil.iter_modules(pkg.__path__):
        importlib.import_module(f"{pkg.__name__}.{mod.name}")


def get_stage(name: str) -> StageSpec:
    if name not in _STAGES:
        _load_all()
    try:
        return _STAGES[name]
    except KeyError:
        raise KeyError(f"unknown stage {name!r}; known: {', '.join(sorted(_STAGES))}") from None


def all_stages() -> dict[str, StageSpec]:
    _load_all()
    return dict(_STAGES)
