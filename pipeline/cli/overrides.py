"""`--set SECTION.KEY=VALUE` and `--stage NAME=off|on`: a config changed from the command line.

A `--set` value is read as a TOML value (`80`, `true`, `"text"`, `[1, 2]`); one that
is not valid TOML is taken as a string, so `--set ocr.engine=rapidocr` needs no
quotes. The overrides become a config that `extends` the named one, so they are
checked like a config file: an unknown key or a value of the wrong type is a
one-line `ConfigError`, which names the `--set` that caused it.

`--stage NAME=off` takes a stage out of the order; `NAME=on` puts a stage that is
not in it back where the default order has it (after the stages that come before
it there), or at the end for a stage the default does not know (a plugin's).
"""

from __future__ import annotations

import tomllib
from typing import Any

from ..config import Config, load_config
from ..errors import ConfigError

SWITCHES = {"off": False, "on": True}


def parse_set(item: str) -> dict[str, Any]:
    """`a.b.c=VALUE` as the nested table `{"a": {"b": {"c": VALUE}}}`."""
    key, sep, raw = item.partition("=")
    keys = [k.strip() for k in key.split(".")]
    if not sep or not all(keys):
        raise ConfigError(f"--set {item!r}: expected SECTION.KEY=VALUE (e.g. --set quality.min_score=80)")
    try:
        value: Any = tomllib.loads(f"v = {raw.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()  # not a TOML value: a bare string
    for k in reversed(keys):
        value = {k: value}
    return value


def _merge(into: dict[str, Any], over: dict[str, Any]) -> None:
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(into.get(k), dict):
            _merge(into[k], v)
        else:
            into[k] = v


def parse_switch(item: str) -> tuple[str, bool]:
    name, sep, state = item.partition("=")
    if not sep or not name.strip() or state.strip().lower() not in SWITCHES:
        raise ConfigError(f"--stage {item!r}: expected NAME=off or NAME=on")
    from ..registry import get_stage

    try:
        get_stage(name.strip())
    except KeyError as e:
        raise ConfigError(f"--stage {item!r}: {e.args[0]}") from None
    return name.strip(), SWITCHES[state.strip().lower()]


def switched(order: list[str], switches: list[tuple[str, bool]]) -> list[str]:
    """`order` with each stage turned off (removed) or on (placed as the default order has it)."""
    default = load_config("default").stages
    out = list(order)
    for name, on in switches:
        if not on:
            out = [s for s in out if s != name]
        elif name not in out:
            before = default[: default.index(name)] if name in default else default
            at = max((i + 1 for i, s in enumerate(out) if s in before), default=0 if name in default else len(out))
            out.insert(at, name)
    return out


def effective_config(ref: str, sets: list[str], switches: list[str]) -> Config:
    """The config `ref` with `sets` and `switches` applied, validated as one config."""
    base = load_config(ref)  # a bad preset or file is reported as itself
    if not sets and not switches:
        return base
    over: dict[str, Any] = {}
    for item in sets:
        _merge(over, parse_set(item))
    pairs = [parse_switch(s) for s in switches]
    if pairs:
        order = over.get("pipeline", {}).get("stages", base.stages) if isinstance(over.get("pipeline"), dict) else base.stages
        if isinstance(order, list):
            over.setdefault("pipeline", {})
            if isinstance(over["pipeline"], dict):
                over["pipeline"]["stages"] = switched(order, pairs)
    try:
        return load_config({"extends": ref, **over})
    except ConfigError as e:
        for item in sets:  # name the --set that is wrong
            try:
                load_config({"extends": ref, **parse_set(item)})
            except ConfigError as one:
                raise ConfigError(f"--set {item}: {_without_origin(str(one))}") from None
        raise ConfigError(f"{ref} with --set/--stage: {_without_origin(str(e))}") from None


def _without_origin(msg: str) -> str:
    return msg.removeprefix("config: ")
