"""Load and validate TOML configs (`configs/*.toml`).

A config names the stages to run, in order, and each stage's settings; plus
the `limits`, `quality`, `ocr` and `pdf` sections. A config may say
`extends = "default"` and override only what differs. Every key is checked
against the defaults its owner declares: an unknown key is a `ConfigError`,
and so is a value whose type differs from its default's (numbers: int or
float alike), named by its key and the type expected, so a wrong value fails
at load with one line instead of deep inside a stage.
"""

from __future__ import annotations

import copy
import hashlib
import importlib
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .registry import get_stage

CONFIG_DIR = Path(__file__).resolve().parent / "configs"

LIMIT_DEFAULTS: dict[str, Any] = {
    "max_text_bytes": 64 * 1024 * 1024,
    "max_pdf_bytes": 256 * 1024 * 1024,
    "max_pdf_pages": 2000,
    "max_image_pixels": 120_000_000,
    "max_seconds_per_document": 600,
}
OUTPUT_DEFAULTS: dict[str, Any] = {
    "write_report": True,
    # "batch": each output replaced atomically, the folder's filesystem synced once at the
    # end of the run; "file": fsync every file before its rename (slower with --jobs)
    "fsync": "batch",
}
FSYNC_MODES = ("batch", "file")

# sections whose defaults live in the module that owns them (module.DEFAULTS)
_OWNED = {"quality": "pipeline.quality", "ocr": "pipeline.ocr", "pdf": "pipeline.pdf", "input": "pipeline.ingest"}
_TOP = {"name", "description", "extends", "pipeline", "stages", "limits", "output", *_OWNED}


def _section_defaults(section: str) -> dict[str, Any] | None:
    if section == "limits":
        return LIMIT_DEFAULTS
    if section == "output":
        return OUTPUT_DEFAULTS
    try:
        mod = importlib.import_module(_OWNED[section])
    except ImportError:
        return None
    return getattr(mod, "DEFAULTS", None)


@dataclass
class Config:
    """A validated config: stage order, per-stage settings and the other sections."""

    name: str
    stages: list[str]
    stage_settings: dict[str, dict[str, Any]]
    sections: dict[str, dict[str, Any]] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)

    def section(self, name: str) -> dict[str, Any]:
        merged = dict(_section_defaults(name) or {})
        merged.update(self.sections.get(name, {}))
        return merged

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
        raise ConfigError(f"{origin}: extends must be a string (a config name or TOML file), not {_kind(parent)}")


# settings whose values are of more than one type (their default shows only one)
ALSO_ALLOWED: dict[str, tuple[type, ...]] = {"ocr.progress": (bool,)}  # "auto" | true | false
_KINDS = {bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "a list", dict: "a table"}


def _kind(value: Any) -> str:
    return _KINDS.get(type(value), type(value).__name__)


def _same_type(value: Any, default: Any) -> bool:
    if default is None:
        return True
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(default, bool)
    if isinstance(default, (int, float)):
        return isinstance(value, (int, float))
    return isinstance(value, type(default))


def check_types(given: dict[str, Any], defaults: dict[str, Any], where: str, origin: str) -> None:
    """ConfigError naming the first key of `given` whose value's type is not its default's
    (tables checked key by key, lists element by element against the default's first)."""
    for key, value in given.items():
        if key not in defaults:
            continue
        default = defaults[key]
        name = f"{where}.{key}" if where else key
        if not _same_type(value, default) and not isinstance(value, ALSO_ALLOWED.get(name, ())):
            raise ConfigError(f"{origin}: {name} must be {_kind(default)}, not {_kind(value)} ({value!r:.40})")
        if isinstance(default, dict):
            check_types(value, default, name, origin)
        elif isinstance(default, list) and default:
            for i, item in enumerate(value):
                if not _same_type(item, default[0]):
                    raise ConfigError(f"{origin}: {name}[{i}] must be {_kind(default[0])}, not {_kind(item)} ({item!r:.40})")


def validate(data: dict[str, Any], origin: str = "config") -> Config:
    unknown = set(data) - _TOP
    if unknown:
        raise ConfigError(f"{origin}: unknown top-level key(s): {', '.join(sorted(unknown))}")
    check_types({k: data[k] for k in ("name", "description") if k in data}, {"name": "", "description": ""}, "", origin)
    for sec in ("pipeline", "stages"):
        if sec in data and not isinstance(data[sec], dict):
            raise ConfigError(f"{origin}: [{sec}] must be a table, not {_kind(data[sec])}")
    order = data.get("pipeline", {}).get("stages")
    extra = set(data.get("pipeline", {})) - {"stages"}
    if extra:
        raise ConfigError(f"{origin}: unknown key(s) in [pipeline]: {', '.join(sorted(extra))}")
    if not isinstance(order, list) or not all(isinstance(s, str) for s in order):
        raise ConfigError(f"{origin}: [pipeline] stages must be a list of stage names")
    settings: dict[str, dict[str, Any]] = {}
    given = data.get("stages", {})
    for name in given:
        if name not in order:
            try:
                get_stage(name)
            except KeyError as e:
                raise ConfigError(f"{origin}: [stages.{name}]: {e.args[0]}") from None
    for name in order:
        try:
            spec = get_stage(name)
        except KeyError as e:
            raise ConfigError(f"{origin}: {e.args[0]}") from None
        over = given.get(name, {})
        bad = set(over) - set(spec.defaults)
        if bad:
            raise ConfigError(
                f"{origin}: unknown key(s) in [stages.{name}]: {', '.join(sorted(bad))} "
                f"(known: {', '.join(sorted(spec.defaults)) or 'none'})"
            )
        if not isinstance(over, dict):
            raise ConfigError(f"{origin}: [stages.{name}] must be a table, not {_kind(over)}")
        check_types(over, spec.defaults, f"stages.{name}", origin)
        settings[name] = {**spec.defaults, **over}
    sections: dict[str, dict[str, Any]] = {}
    for sec in ("limits", "output", *_OWNED):
        if sec not in data:
            continue
        if not isinstance(data[sec], dict):
            raise ConfigError(f"{origin}: [{sec}] must be a table")
        defaults = _section_defaults(sec)
        if defaults is not None:
            bad = set(data[sec]) - set(defaults)
            if bad:
                raise ConfigError(f"{origin}: unknown key(s) in [{sec}]: {', '.join(sorted(bad))}")
            check_types(data[sec], defaults, sec, origin)
        if sec == "output" and data[sec].get("fsync", "batch") not in FSYNC_MODES:
            raise ConfigError(f"{origin}: [output] fsync must be one of {', '.join(FSYNC_MODES)}")
        sections[sec] = dict(data[sec])
    return Config(str(data.get("name", "custom")), list(order), settings, sections, data)


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
