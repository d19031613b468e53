"""Engines and backends as entry-point plugins: a third-party distribution on sys.path adds one.

The distribution is real (a dist-info folder with METADATA and entry_points.txt next to its module),
found by importlib.metadata the way an installed package would be.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import cv2
import pytest

from pipeline import load_config, plugins
from pipeline.batch import run_batch
from pipeline.errors import ConfigError
from pipeline.ocr import ocr_page
from tests.conftest import SAMPLES

ENGINE_MODULE = '''
from pipeline.ocr.engines.base import Engine, OcrLine

class StampEngine(Engine):
    """Reads every block as the same line: enough to see that ocrclean called it."""
    name = "stamp"

    def read_blocks(self, image, blocks, cfg, ch):
        return [[OcrLine("第三方引擎读出的文字", 99.0, [b.x0, b.y0, b.x1, b.y1])] for b in blocks]
'''

BACKEND_MODULE = '''
from pipeline.backends.local import map_paths as _local

CALLS = []

def map_paths(paths, config, jobs, dests=None):
    CALLS.append(len(paths))
    yield from _local(paths, config, 1, dests)
'''


@pytest.fixture()
def thirdparty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    site = tmp_path / "site"
    (site / "ocrclean_thirdparty").mkdir(parents=True)
    (site / "ocrclean_thirdparty" / "__init__.py").write_text("")
    (site / "ocrclean_thirdparty" / "engine.py").write_text(ENGINE_MODULE)
    (site / "ocrclean_thirdparty" / "backend.py").write_text(BACKEND_MODULE)
    info = site / "ocrclean_thirdparty-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: ocrclean-thirdparty\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(textwrap.dedent("""\
        [ocrclean.engines]
        stamp = ocrclean_thirdparty.engine:StampEngine
        tesseract = ocrclean_thirdparty.engine:StampEngine

        [ocrclean.backends]
        inline = ocrclean_thirdparty.backend:map_paths
        """))
    monkeypatch.syspath_prepend(str(site))
    return site


def test_third_party_engine_is_found_and_used(thirdparty: Path) -> None:
    assert "stamp" in plugins.available("ocrclean.engines")
    img = cv2.imread(str(SAMPLES / "pages" / "p6_lowres.png"), cv2.IMREAD_UNCHANGED)
    page = ocr_page(img, {"engine": "stamp", "progress": False})
    assert page.lines and {ln.text for ln in page.lines if ln.text} == {"第三方引擎读出的文字"}
    # a plugin cannot take over a built-in name
    assert plugins.available("ocrclean.engines")["tesseract"].startswith("pipeline.")


def test_third_party_backend_runs_a_batch(thirdparty: Path, tmp_path: Path) -> None:
    inp = tmp_path / "in"
    inp.mkdir()
    for p in sorted((SAMPLES / "text").glob("*.txt"))[:2]:
        (inp / p.name).write_bytes(p.read_bytes())
    config = load_config("default")
    via = run_batch([inp], tmp_path / "plugin", config, backend="inline")
    local = run_batch([inp], tmp_path / "local", config, backend="local")
    import ocrclean_thirdparty.backend as backend

    assert backend.CALLS == [2]
    for p in sorted((tmp_path / "local").rglob("*.txt")):
        assert (tmp_path / "plugin" / p.relative_to(tmp_path / "local")).read_bytes() == p.read_bytes()
    assert via.errors == local.errors == [] and len(via.outcomes) == len(local.outcomes) == 2


def test_unknown_backend_names_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"unknown backend 'nope' \(known: .*local.*ray"):
        run_batch([SAMPLES / "text"], tmp_path / "out", load_config("default"), backend="nope")
    cli = Path(sys.executable).parent / "ocrclean"
    res = subprocess.run([str(cli), "run", str(SAMPLES / "text"), "--out", str(tmp_path / "o"), "--backend", "nope"],
                         capture_output=True, text=True)
    assert res.returncode == 2 and "unknown backend 'nope'" in res.stderr and "Traceback" not in res.stderr
