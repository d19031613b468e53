"""`import ocrclean`: the public import name resolves to the very modules of `pipeline`.

Each check runs in a fresh interpreter outside the repository (the installed package,
as a user has it), so the import order of this test session cannot hide a copy.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def py(code: str, tmp_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})


def test_public_names_are_the_same_objects(tmp_path: Path) -> None:
    res = py("""
import ocrclean
from ocrclean import Pipeline, load_config, clean_text, Config
import pipeline, pipeline.config
assert Pipeline is pipeline.Pipeline and Config is pipeline.config.Config
assert isinstance(load_config(), pipeline.config.Config)
import ocrclean.config as a
assert a is pipeline.config and ocrclean.config is a
assert ocrclean.__version__ == pipeline.__version__
print(clean_text("经济增长7.5% ,  好.").text.strip())
""", tmp_path)
    assert res.returncode == 0, res.stderr
    assert res.stdout == "经济增长7.5%，好。\n"


@pytest.mark.parametrize("first", ["ocrclean", "pipeline"])
def test_every_submodule_is_one_object_under_both_names(tmp_path: Path, first: str) -> None:
    """Whichever name is imported first, `ocrclean.X.Y is pipeline.X.Y` and the module keeps
    its own name and spec (no second copy, no alias stamped on it)."""
    res = py(f"""
import importlib, pkgutil, sys
import ocrclean, pipeline
names = [m.name for m in pkgutil.walk_packages(pipeline.__path__, "pipeline.")]
assert "pipeline.adapters.hf_datasets" in names and "pipeline.cli.run" in names
checked = 0
for real in names:
    alias = "ocrclean" + real[len("pipeline"):]
    order = (alias, real) if "{first}" == "ocrclean" else (real, alias)
    try:
        mods = [importlib.import_module(n) for n in order]
    except ImportError:
        continue  # an optional dependency (ray, datatrove) not installed
    assert mods[0] is mods[1], real
    assert mods[0].__name__ == real and mods[0].__spec__.name == real, real
    checked += 1
copies = [n for n, m in sys.modules.items() if n.startswith("ocrclean.") and n != "ocrclean._alias" and m.__name__ != "pipeline" + n[8:]]
assert not copies, copies
print(checked)
""", tmp_path)
    assert res.returncode == 0, res.stderr
    assert int(res.stdout) > 60


def test_isinstance_and_pickle_across_names(tmp_path: Path) -> None:
    res = py("""
import pickle
import ocrclean.adapters.hf_datasets as h
import ocrclean.document
from pipeline.document import Flag
f = ocrclean.document.Flag("x", "y", "z", (1, 1))
assert isinstance(f, Flag) and type(pickle.loads(pickle.dumps(f))) is Flag
import pipeline.adapters.hf_datasets
assert h is pipeline.adapters.hf_datasets
""", tmp_path)
    assert res.returncode == 0, res.stderr


def test_missing_names_fail_as_usual(tmp_path: Path) -> None:
    res = py("""
import ocrclean
try:
    import ocrclean.no_such_module
except ModuleNotFoundError as e:
    assert e.name == "ocrclean.no_such_module", e.name
else:
    raise SystemExit("imported a module that does not exist")
assert not hasattr(ocrclean, "no_such_thing")
""", tmp_path)
    assert res.returncode == 0, res.stderr


def test_python_dash_m_ocrclean(tmp_path: Path) -> None:
    res = subprocess.run([sys.executable, "-m", "ocrclean", "clean", "-"], input="经济增长7.5% ,  好.\n",
                         capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert res.returncode == 0 and res.stdout == "经济增长7.5%，好。\n", res.stderr
    for mod in ("ocrclean", "pipeline.cli"):
        v = subprocess.run([sys.executable, "-m", mod, "--version"], capture_output=True, text=True, cwd=tmp_path)
        assert v.returncode == 0 and v.stdout.startswith("ocrclean "), (mod, v.stderr)


@pytest.mark.skipif(not (ROOT / ".tools" / "bin" / "uv").exists(), reason="needs the project's uv (make setup)")
def test_wheel_holds_both_packages(tmp_path: Path) -> None:
    """The wheel built from pyproject ships ocrclean/ beside pipeline/, and the console script."""
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, src / name)
    for pkg in ("pipeline", "ocrclean"):
        shutil.copytree(ROOT / pkg, src / pkg, ignore=shutil.ignore_patterns("__pycache__"))
    res = subprocess.run([str(ROOT / ".tools" / "bin" / "uv"), "build", "--wheel", "--python", sys.executable,
                          "-o", str(tmp_path / "dist"), str(src)], capture_output=True, text=True, timeout=300)
    if res.returncode != 0 and "network" in res.stderr.lower():
        pytest.skip("building needs setuptools from the package index")
    assert res.returncode == 0, res.stderr[-2000:]
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"ocrclean/__init__.py", "ocrclean/_alias.py", "ocrclean/__main__.py", "pipeline/cli/__init__.py",
            "pipeline/cli/__main__.py", "pipeline/cli/run.py", "pipeline/cli/config.py"} <= names
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    assert "ocrclean = pipeline.cli:main" in zipfile.ZipFile(wheel).read(entry).decode()
