"""Stages register here by name; the config says which run and in what order.

A stage is a module in `pipeline.stages` with one entry point, called as
`apply(doc, ctx)` (`pipeline.context.Context`: its settings, its change log, the
shared services, the rules of the stages already run):

    @stage("punctuation", settings=PunctuationSettings, after=("paragraphs",))
    def run(doc: Document, ctx: Context) -> Document: ...

`rules` (optional, `context.Rules`) are the stage's rules that later stages apply
again to text they make (`ctx.reapply`). A stage written the old way, `fn(doc, cfg)`,
keeps working: the context is a read-only mapping of the settings. Called directly
with a plain settings dict (`run(doc, {...})`), a stage gets a context of its own.

`settings` is the stage's typed settings model (`pipeline.settings.Settings`): every
setting the stage understands, its type, default and description. A stage may give
`defaults={...}` instead; its model is then inferred from the default values. The
config is validated against the model when it loads (`pipeline.config`), and the stage
gets the validated values (`cfg`, a dict). `after` names stages that must come before
this one when both run; `requires` names stages that must run (before it) for it to
work; the loader refuses a stage order that breaks either. `warm`
(optional, given the stage's settings) loads what the stage would otherwise
build at its first document: `Pipeline.warm` calls it before a pool forks.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .context import Context, Rules, as_context
from .document import Document
from .settings import Settings, model_from_defaults

StageFn = Callable[[Document, Context], Document]


@dataclass(frozen=True)
class StageSpec:
    name: str
    fn: StageFn
    defaults: dict[str, Any]
    doc: str
    warm: Callable[[dict[str, Any]], Any] | None = None
    settings: type[Settings] = Settings
    after: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    rules: Rules | None = None


_STAGES: dict[str, StageSpec] = {}


def stage(
    name: str,
    defaults: dict[str, Any] | None = None,
    warm: Callable[[dict[str, Any]], Any] | None = None,
    rules: Rules | None = None,
    *,
    settings: type[Settings] | None = None,
    after: tuple[str, ...] | list[str] = (),
    requires: tuple[str, ...] | list[str] = (),
) -> Callable[[Callable[..., Document]], Callable[..., Document]]:
    """Register `fn` as the stage `name` with its settings model (or its default settings),
    its `warm` hook, its order relations and the `rules` later stages apply again. The
    registered function takes a `Context` or, called directly, a plain settings mapping
    (it is given a context of its own then)."""
    if settings is not None and defaults is not None:
        raise TypeError(f"stage {name!r}: give settings= or defaults=, not both")

    def deco(fn: Callable[..., Document]) -> Callable[..., Document]:
        @functools.wraps(fn)
        def apply(doc: Document, ctx: Context | Mapping[str, Any]) -> Document:
            return fn(doc, as_context(doc, name, ctx))

        model = settings or model_from_defaults(name, dict(defaults or {}))
        _STAGES[name] = StageSpec(
            name, apply, model().model_dump(), (fn.__doc__ or "").strip(), warm, model,
            tuple(after), tuple(requires), rules,
        )
        return apply

    return deco


def _load_all() -> None:
    pkg = importlib.import_module(f"{__package__}.stages")  # discovery: every module in it registers its stage

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
