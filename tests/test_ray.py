"""`--backend ray` on a real local Ray cluster: outputs byte-identical to the local backend."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipeline import load_config
from pipeline.batch import run_batch
from tests.conftest import SAMPLES, SHARED

ray = pytest.importorskip("ray")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore::DeprecationWarning:ray.*", "ignore::UserWarning:ray.*"),
]


@pytest.fixture(scope="module")
def ray_cluster():
    """One local cluster for the module (a start costs 10-20 s)."""
    started = not ray.is_initialized()
    if started:
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
                 object_store_memory=128 * 1024 * 1024)
    yield
    if started:
        ray.shutdown()


def _inputs(tmp: Path) -> Path:
    """The seeds (or sample texts) plus one file that fails, in a folder."""
    src = SHARED / "seeds"
    files = sorted(src.glob("*.txt")) if src.is_dir() else sorted(SAMPLES.rglob("*.txt"))[:6]
    d = tmp / "in"
    d.mkdir()
    for f in files:
        shutil.copy(f, d / f.name)
    (d / "broken.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    return d


def _stable(report: dict) -> dict:
    """A report without what legitimately differs between two runs."""
    r = json.loads(json.dumps(report))
    r.pop("timings", None)
    r["output"].pop("path", None)
    r["output"].pop("report_path", None)
    return r


def test_ray_matches_local(tmp_path: Path, ray_cluster) -> None:
    inp = _inputs(tmp_path)
    config = load_config("default")
    local = run_batch([inp], tmp_path / "local", config, jobs=1, backend="local")
    viaray = run_batch([inp], tmp_path / "ray", config, jobs=2, backend="ray")
    assert ray.is_initialized()  # the backend reused the cluster it found
    assert len(local.errors) == len(viaray.errors) == 1 and "broken.pdf" in viaray.errors[0]
    assert viaray.exit_code == local.exit_code == 2
    txts = sorted(p.name for p in (tmp_path / "local").glob("*.txt"))
    assert txts and txts == sorted(p.name for p in (tmp_path / "ray").glob("*.txt"))
    for name in txts:
        assert (tmp_path / "local" / name).read_bytes() == (tmp_path / "ray" / name).read_bytes(), name
    man_l = [json.loads(ln) for ln in (tmp_path / "local" / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    man_r = [json.loads(ln) for ln in (tmp_path / "ray" / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [m["source"]["path"] for m in man_l] == [m["source"]["path"] for m in man_r]
    for a, b in zip(man_l, man_r, strict=True):
        if "errors" in a and "quality" not in a:
            assert a == b
        else:
            assert _stable(a) == _stable(b)
    # the cache works the same way: a second ray run reuses every output
    again = run_batch([inp], tmp_path / "ray", config, jobs=2, backend="ray")
    assert again.cached == len(txts)


def test_ray_data_adapter_map_batches(ray_cluster) -> None:
    """`RayCleaner` in `map_batches` (actors), pandas and numpy batches: the text `clean_text` gives."""
    from pipeline import clean_text
    from pipeline.adapters.ray_data import RayCleaner

    texts = [p.read_text(encoding="utf-8") for p in sorted((SAMPLES / "text").glob("*.txt"))
             if p.name != "traditional_utf16.txt" and "gb18030" not in p.name]
    items = [{"id": i, "text": t} for i, t in enumerate(texts)]
    want = {i: clean_text(t) for i, t in enumerate(texts)}
    for fmt in ("pandas", "numpy"):
        ds = ray.data.from_items(items).map_batches(RayCleaner, fn_constructor_kwargs={"field": "text"},
                                                    batch_format=fmt, batch_size=2, concurrency=2)
        rows = sorted(ds.take_all(), key=lambda r: r["id"])
        assert [r["text_clean"] for r in rows] == [want[i].text for i in range(len(texts))]
        assert [r["ocrclean_score"] for r in rows] == [want[i].report["quality"]["score"] for i in range(len(texts))]
        assert all(r["ocrclean_error"] == "" for r in rows)
