"""Typed settings: one pydantic model per stage and per config section.

Every setting has one source, its model: the type, the default and the
description (the attribute docstring). The config loader validates each
`[stages.NAME]` table and each section against its model when the config
loads, so a typo or a wrong type is one line naming the key and the type
expected (`stages.dedupe.max_passes: expected an integer, got 'four'`), never
an "internal error" at the first document. Validation is strict (TOML is typed:
`"4"` is no integer, `true` is no number) except that a number setting takes an
integer. `configs/default.toml` and `docs/settings.md` are generated from the
models (`python -m pipeline.generate_settings`).

A stage that still declares `defaults={...}` gets a model inferred from the
default values (`model_from_defaults`): bool, int (an integer), float (any
number), str, list (items typed by the default's items) or dict (a table).
"""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

__all__ = ["Settings", "SettingsError", "Number", "model_from_defaults", "validate", "describe", "Field"]

Number = int | float
"""A number setting: an integer or a float, kept as given (`true` is no number)."""


class Settings(BaseModel):
    """Base of every settings model: strict types, unknown keys refused, frozen."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class SettingsError(ValueError):
    """One line naming the key and what was expected (the loader turns it into a ConfigError)."""


def _infer(value: Any) -> Any:
    """The annotation for a setting whose default is `value`."""
    if isinstance(value, bool):
        return bool
    if isinstance(value, int):
        return int
    if isinstance(value, float):
        return Number
    if isinstance(value, str):
        return str
    if isinstance(value, list):
        kinds = {_infer(v) for v in value}
        if kinds == {int, Number}:
            kinds = {Number}
        if len(kinds) == 1:
            return list[kinds.pop()]
        return list[Any]
    if isinstance(value, dict):
        kinds = {_infer(v) for v in value.values()}
        if kinds == {int, Number}:
            kinds = {Number}
        return dict[str, kinds.pop() if len(kinds) == 1 else Any]
    return Any


def model_from_defaults(name: str, defaults: dict[str, Any]) -> type[Settings]:
    """A settings model whose fields are `defaults`' keys, typed by their values."""
    fields: dict[str, Any] = {k: (_infer(v), v) for k, v in defaults.items()}
    title = "".join(p.capitalize() for p in name.split("_")) + "Settings"
    return create_model(title, __base__=Settings, __doc__=f"Settings of {name} (inferred from its defaults).", **fields)


_KEY_LINE = re.compile(r'^\s*"(\w+)"\s*:.*?(?:#\s*(.*))?$')
_COMMENT_LINE = re.compile(r"^\s*#\s*(.*)$")


def comments_of(source: str) -> dict[str, str]:
    """{key: its comment} of a `defaults={...}` dict literal in `source` (the `@stage(...)`
    call): the comment lines above a key and the comment after it, as one sentence."""
    out: dict[str, str] = {}
    pending: list[str] = []
    for line in source.splitlines():
        if m := _COMMENT_LINE.match(line):
            pending.append(m.group(1))
        elif m := _KEY_LINE.match(line):
            text = " ".join([*pending, m.group(2) or ""]).strip()
            if text:
                out[m.group(1)] = text[0].upper() + text[1:] + ("" if text.endswith(".") else ".")
            pending = []
        else:
            pending = []
    return out


# -- describing types (errors and the generated reference) --------------------------------
_WORDS = {bool: "a boolean", int: "an integer", float: "a number", str: "a string"}
_PLURAL = {bool: "booleans", int: "integers", float: "numbers", str: "strings"}


def _strip(tp: Any) -> Any:
    while get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    return tp


def _is_union(tp: Any) -> bool:
    return get_origin(tp) in (Union, types.UnionType)


def describe(tp: Any, plural: bool = False) -> str:
    """`tp` in words: "an integer", "a list of numbers", "one of 'auto', true, false"."""
    tp = _strip(tp)
    origin = get_origin(tp)
    if _is_union(tp) and {_strip(a) for a in get_args(tp)} == {int, float}:
        tp = float
    if tp in _WORDS:
        return _PLURAL[tp] if plural else _WORDS[tp]
    if origin is Literal:
        return "one of " + ", ".join(_literal(v) for v in get_args(tp))
    if _is_union(tp):
        parts: list[str] = []
        for arg in get_args(tp):
            arg = _strip(arg)
            if arg is bool:
                parts.append("true, false")
            elif get_origin(arg) is Literal:
                parts.extend(_literal(v) for v in get_args(arg))
            else:
                parts.append(describe(arg))
        return "one of " + ", ".join(parts)
    if origin in (list, tuple):
        args = [a for a in get_args(tp) if a is not Ellipsis]
        inner = describe(args[0], plural=True) if args and args[0] is not Any else "values"
        return f"lists of {inner}" if plural else f"a list of {inner}"
    if origin is dict or (isinstance(tp, type) and issubclass(tp, BaseModel)):
        return "tables" if plural else "a table"
    return "values" if plural else "a value"


def _literal(v: Any) -> str:
    return ("true" if v else "false") if isinstance(v, bool) else repr(v)


def toml_type(tp: Any) -> str:
    """A short type name for the reference table: integer, number, boolean, list of numbers."""
    d = describe(tp)
    for article in ("an ", "a "):
        if d.startswith(article):
            return d[len(article):]
    return d


# -- validation -----------------------------------------------------------------------------
def _walk(model: type[BaseModel], loc: tuple[Any, ...]) -> tuple[list[str], Any]:
    """(the key path, the annotation expected there) for a pydantic error location; union
    branch tags in `loc` stop the walk at the union, which is what was expected."""
    path: list[str] = []
    tp: Any = model
    for part in loc:
        tp = _strip(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel) and isinstance(part, str) and part in tp.model_fields:
            path.append(part)
            tp = tp.model_fields[part].annotation
        elif get_origin(tp) in (list, tuple) and isinstance(part, int):
            path[-1] += f"[{part}]"
            args = [a for a in get_args(tp) if a is not Ellipsis]
            tp = args[min(part, len(args) - 1)] if args else Any
        elif get_origin(tp) is dict and isinstance(part, str):
            path.append(part)
            tp = get_args(tp)[1] if get_args(tp) else Any
        else:
            break
    return path, tp


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def validate(model: type[Settings], data: Any, where: str) -> Settings:
    """`data` as a `model` instance, or a SettingsError naming the key (`where.key`)."""
    if not isinstance(data, dict):
        raise SettingsError(f"[{where}] must be a table, not {_short(data)}")
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise SettingsError(_message(model, e, where)) from None


def _message(model: type[Settings], e: ValidationError, where: str) -> str:
    errors = e.errors()
    unknown = [err for err in errors if err["type"] == "extra_forbidden"]
    if unknown:
        first = unknown[0]["loc"]
        path, tp = _walk(model, first[:-1])
        table = ".".join([where, *path])
        keys = sorted({str(err["loc"][-1]) for err in unknown if err["loc"][:-1] == first[:-1]})
        known = sorted(_strip(tp).model_fields) if isinstance(_strip(tp), type) else []
        return f"unknown key(s) in [{table}]: {', '.join(keys)} (known: {', '.join(known) or 'none'})"
    err = errors[0]
    path, tp = _walk(model, err["loc"])
    key = ".".join([where, *path])
    got = _short(err.get("input"))
    if err["type"] == "too_short":
        return f"{key}: expected at least {err['ctx']['min_length']} items, got {got}"
    if err["type"] == "too_long":
        return f"{key}: expected at most {err['ctx']['max_length']} items, got {got}"
    if err["type"] == "missing":
        return f"{key}: missing"
    if err["type"].endswith("_type") or err["type"] in ("literal_error", "union_tag_invalid") or _is_union(_strip(tp)):
        return f"{key}: expected {describe(tp)}, got {got}"
    return f"{key}: {err['msg'].removeprefix('Value error, ')}, got {got}"


def attribute_docs(model: type[BaseModel]) -> dict[str, str]:
    """{field: the docstring under it} in `model`'s class body and its bases' (read from the
    source only here, for the generated config and reference: never when a config loads)."""
    out: dict[str, str] = {}
    for cls in reversed(model.__mro__):
        if not (isinstance(cls, type) and issubclass(cls, BaseModel)) or cls in (BaseModel, Settings):
            continue
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
        except (OSError, TypeError, SyntaxError):
            continue
        body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
        for stmt, nxt in zip(body, body[1:], strict=False):
            if (
                isinstance(stmt, ast.AnnAssign)
                and isinstance(stmt.target, ast.Name)
                and isinstance(nxt, ast.Expr)
                and isinstance(nxt.value, ast.Constant)
                and isinstance(nxt.value.value, str)
            ):
                out[stmt.target.id] = " ".join(nxt.value.value.split())
    return out


def fields(model: type[Settings], described: dict[str, str] | None = None) -> list[tuple[str, Any, Any, str]]:
    """(key, annotation, default, description) of each field, in declaration order; the
    description is the field's own, else `described[key]`, else the docstring under it."""
    docs = {**attribute_docs(model), **(described or {})}
    out = []
    for key, info in model.model_fields.items():
        desc = info.description or docs.get(key, "")
        out.append((key, info.annotation, info.get_default(call_default_factory=True), desc))
    return out
