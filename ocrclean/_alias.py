"""A meta-path finder that makes `ALIAS.X.Y` the very module `REAL.X.Y`.

The loader returns the module `importlib.import_module` gives for the real name,
so `sys.modules` holds one object under two names. The import system stamps the
alias spec on a module it loads (`__spec__` is set unconditionally); the loader
puts the real spec back so `importlib.reload`, pickling by reference and
tools that read `__spec__.name` still see `pipeline.X.Y`.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
from importlib.machinery import ModuleSpec
from types import ModuleType

KEEP = {"__main__"}  # ALIAS.__main__ is a real file of the alias package (`python -m ALIAS`)


class AliasFinder(importlib.abc.MetaPathFinder):
    def __init__(self, alias: str, real: str):
        self.alias, self.real = alias, real

    def find_spec(self, fullname: str, path=None, target=None) -> ModuleSpec | None:  # noqa: ARG002
        if not fullname.startswith(self.alias + ".") or fullname[len(self.alias) + 1 :] in KEEP:
            return None
        real = self.real + fullname[len(self.alias) :]
        try:
            real_spec = importlib.util.find_spec(real)
        except ModuleNotFoundError:
            return None
        if real_spec is None:
            return None
        spec = ModuleSpec(fullname, AliasLoader(real), is_package=real_spec.submodule_search_locations is not None)
        spec.submodule_search_locations = real_spec.submodule_search_locations
        return spec


class AliasLoader(importlib.abc.Loader):
    def __init__(self, real: str):
        self.real = real
        self.real_spec: ModuleSpec | None = None

    def create_module(self, spec: ModuleSpec) -> ModuleType:  # noqa: ARG002
        module = importlib.import_module(self.real)
        self.real_spec = module.__spec__  # before the import system replaces it with the alias's
        return module

    def exec_module(self, module: ModuleType) -> None:
        module.__spec__ = self.real_spec  # the module ran when its real name was imported


def install(alias: str, real: str) -> None:
    """Put the finder first on `sys.meta_path`, once."""
    if not any(isinstance(f, AliasFinder) and f.alias == alias for f in sys.meta_path):
        sys.meta_path.insert(0, AliasFinder(alias, real))
