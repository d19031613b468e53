"""Load and validate TOML configs (`configs/*.toml`).

A config names the stages to run, in order, and each stage's settings; plus
the `limits`, `output`, `quality`, `ocr` and `pdf` sections. A config may say
`extends = "default"` and override only what differs. Everything is validated
when the config loads, against the typed settings models (`pipeline.settings`:
each stage's model, `pipeline.settings.sections` for the sections): an unknown
key, a wrong type or a stage order that breaks a stage's declared `after=` /
`requires=` relation is a `ConfigError` of one line naming the key (or both
stages), never an error at the first document. Stages and sections then get
values already converted (a number setting given `1` gets `1.0`).
"""

from __future__ import annotations

import copy
import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .registry import StageSpec, get_stage
from .settings import Settings, SettingsError
from .settings import validate as validate_settings
from .settings.sections import SECTIONS, LimitsSettings, OutputSettings

CONFIG_DIR = Path(__file__).resolve().parent / "configs"

LIMIT_DEFAULTS: dict[str, Any] = LimitsSettings().model_dump()
OUTPUT_DEFAULTS: dict[str, Any] = OutputSettings().model_dump()
FSYNC_MODES = ("batch", "file")
_TOP = {"name", "description", "extends", "pipeline", "stages", *SECTIONS}


@dataclass
class Config:
    """A validated config: stage order, per-stage settings and the other sections.

    `stage_settings[name]` and `section(name)` are plain dicts of validated values;
    `settings(name)` is the typed model (a stage's or a section's)."""

    name: str
    stages: list[str]
    stage_settings: dict[str, dict[str, Any]]
    sections: dict[str, dict[str, Any]] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)
    models: dict[str, Settings] = field(default_factory=dict, repr=False)

    def section(self, name: str) -> dict[str, Any]:
        """The section's every setting (defaults filled in), validated."""
        if name in self.sections:
            return copy.deepcopy(self.sections[name])
        return SECTIONS[name]().model_dump()

    def settings(self, name: str) -> Settings:
        """The typed settings of a stage of this config or of a section (`ocr`, `limits`...)."""
        if name not in self.models:  # not pickled (inferred models have no importable name)
            if name in SECTIONS:
                self.models[name] = SECTIONS[name].model_validate(self.section(name))
            else:
                self.models[name] = get_stage(name).settings.model_validate(self.stage_settings[name])
        return self.models[name]

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "models": {}}

    @property
    def digest(self) -> str:
        """Hash of the effective settings: part of the incremental-cache key."""
        blob = json.dumps(
            {"stages": self.stages, "settings": self.stage_settings, "sections": self.sections},
            sort_keys=True,
            ensure_ascii=False,
            default=str,
        )
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def _read(ref: str | Path, seen: tuple[str, ...] = ()) -> dict[str, Any]:
    path = Path(ref)
    if not path.suffix and not path.exists():
        path = CONFIG_DIR / f"{ref}.toml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in CONFIG_DIR.glob("*.toml")))
        raise ConfigError(f"config {str(ref)!r} not found (a TOML file, or one of: {known})")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: invalid TOML: {e}") from None
    own_name = data.get("name", path.stem)
    parent = data.pop("extends", None)
    _check_extends(parent, str(path))
    if parent:
        if parent in seen:
            raise ConfigError(f"{path}: config inheritance loop through {parent!r}")
        data = _merge(_read(parent, (*seen, str(ref))), data)
    data["name"] = own_name
    return data


def _check_extends(parent: Any, origin: str) -> None:
    if parent is not None and not isinstance(parent, str):
        raise ConfigError(f"{origin}: extends: expected a string (a config name or TOML file), got {parent!r:.40}")


def _kind(value: Any) -> str:
    kinds = {bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "a list", dict: "a table"}
    return kinds.get(type(value), type(value).__name__)


def _typed(model: type[Settings], data: Any, where: str, origin: str) -> Settings:
    try:
        return validate_settings(model, data, where)
    except SettingsError as e:
        raise ConfigError(f"{origin}: {e}") from None


def _spec(name: str, origin: str, where: str = "") -> StageSpec:
    try:
        return get_stage(name)
    except KeyError as e:
        raise ConfigError(f"{origin}: {where}{e.args[0]}") from None


def check_order(order: list[str], origin: str = "config") -> None:
    """ConfigError naming both stages when `order` breaks a stage's `after` or `requires`."""
    pos = {name: i for i, name in enumerate(order)}
    for i, name in enumerate(order):
        spec = _spec(name, origin)
        for need in spec.requires:
            if need not in pos:
                raise ConfigError(f"{origin}: stage {name!r} requires stage {need!r}, which [pipeline] stages does not run")
            if pos[need] > i:
                raise ConfigError(f"{origin}: stage {need!r} must run before {name!r} (which requires it)")
        before = [n for n in order if n != name] if "*" in spec.after else spec.after
        for other in before:
            if pos.get(other, -1) > i:
                raise ConfigError(f"{origin}: stage {other!r} must come before {name!r} in [pipeline] stages")


def validate(data: dict[str, Any], origin: str = "config") -> Config:
    """A `Config` from a merged config table; ConfigError (one line) for anything wrong."""
    unknown = set(data) - _TOP
    if unknown:
        raise ConfigError(f"{origin}: unknown top-level key(s): {', '.join(sorted(unknown))}")
    for key in ("name", "description"):
        if key in data and not isinstance(data[key], str):
            raise ConfigError(f"{origin}: {key}: expected a string, got {data[key]!r:.40}")
    for sec in ("pipeline", "stages"):
        if sec in data and not isinstance(data[sec], dict):
            raise ConfigError(f"{origin}: [{sec}] must be a table, not {_kind(data[sec])}")
    order = data.get("pipeline", {}).get("stages")
    extra = set(data.get("pipeline", {})) - {"stages"}
    if extra:
        raise ConfigError(f"{origin}: unknown key(s) in [pipeline]: {', '.join(sorted(extra))}")
    if not isinstance(order, list) or not all(isinstance(s, str) for s in order):
        raise ConfigError(f"{origin}: [pipeline] stages must be a list of stage names")
    given = data.get("stages", {})
    models: dict[str, Settings] = {}
    for name in given:
        if name not in order:
            spec = _spec(name, origin, f"[stages.{name}]: ")
            _typed(spec.settings, given[name], f"stages.{name}", origin)
    for name in order:
        spec = _spec(name, origin)
        models[name] = _typed(spec.settings, given.get(name, {}), f"stages.{name}", origin)
    check_order(list(order), origin)
    sections: dict[str, dict[str, Any]] = {}
    for sec, model in SECTIONS.items():
        if sec in data:
            models[sec] = _typed(model, data[sec], sec, origin)
            sections[sec] = models[sec].model_dump()
    settings = {name: models[name].model_dump() for name in order}
    return Config(str(data.get("name", "custom")), list(order), settings, sections, data, models)


def load_config(ref: str | Path | dict[str, Any] | Config | None = None) -> Config:
    """A `Config` from a name (`default`), a TOML path, a dict, or None (default)."""
    if isinstance(ref, Config):
        return ref
    if ref is None:
        ref = "default"
    if isinstance(ref, dict):
        data = dict(ref)
        parent = data.pop("extends", None)
        _check_extends(parent, "config")
        if parent:
            data = _merge(_read(parent), data)
            data["name"] = str(ref.get("name", parent))
        return validate(data, "config")
    return validate(_read(ref), str(ref))
