"""The upstream adapters with the real libraries: Hugging Face datasets and datatrove (Ray: test_ray.py).

Each must give exactly the text and score `clean_text` gives, keep the dataset's own columns, and turn
a bad value into an error field instead of stopping the job.
"""

from __future__ import annotations

import pytest

from pipeline import clean_text
from pipeline.adapters import FIELDS, Cleaner
from tests.conftest import SAMPLES

TEXTS = [
    (SAMPLES / "text" / "newspaper_page.txt").read_text(encoding="utf-8"),
    (SAMPLES / "text" / "ocr_fragments.txt").read_text(encoding="utf-8"),
    (SAMPLES / "text" / "clean_report.txt").read_text(encoding="utf-8"),
    "(上接5版)\n经济增长7.5% ,  好.",
]


@pytest.fixture(scope="module")
def expected() -> list:
    return [clean_text(t) for t in TEXTS]


def test_cleaner_fields_match_clean_text(expected) -> None:
    c = Cleaner()
    for text, res in zip(TEXTS, expected, strict=True):
        clean, fields = c.clean(text)
        assert clean == res.text
        assert fields["ocrclean_score"] == res.report["quality"]["score"]
        assert fields["ocrclean_flags"] == sorted({f["kind"] for f in res.report["flags"]})
        assert fields["ocrclean_removed_chars"] == res.report["accounting"]["removed_chars"]
        assert set(fields) == {"ocrclean_" + k for k in FIELDS} and fields["ocrclean_error"] == ""
    clean, fields = c.clean(None)
    assert clean is None and "not a string" in fields["ocrclean_error"] and fields["ocrclean_score"] is None


def test_datasets_map_batched_and_num_proc(expected) -> None:
    datasets = pytest.importorskip("datasets")
    from pipeline.adapters.hf_datasets import map_function

    ds = datasets.Dataset.from_dict({"text": TEXTS, "id": list(range(len(TEXTS)))})
    for kwargs in ({"batch_size": 3}, {"batch_size": 2, "num_proc": 2}):
        out = ds.map(map_function(), batched=True, load_from_cache_file=False, **kwargs)
        assert out["id"] == list(range(len(TEXTS))) and out["text"] == TEXTS
        assert out["text_clean"] == [r.text for r in expected]
        assert out["ocrclean_score"] == [r.report["quality"]["score"] for r in expected]
        assert out["ocrclean_grade"] == [r.report["quality"]["grade"] for r in expected]
    inplace = ds.map(map_function(text_out="text"), batched=True, load_from_cache_file=False)
    assert inplace["text"] == [r.text for r in expected]
    with pytest.raises(KeyError, match="no column 'body'"):
        ds.map(map_function(field="body"), batched=True, load_from_cache_file=False)


def test_datatrove_step_cleans_and_filters(expected) -> None:
    pytest.importorskip("datatrove")
    from datatrove.data import Document

    from pipeline.adapters.datatrove_step import OcrcleanStep

    docs = [Document(text=t, id=str(i)) for i, t in enumerate(TEXTS)]
    out = list(OcrcleanStep().run(iter(docs)))
    assert [d.text for d in out] == [r.text for r in expected]
    assert [d.metadata["ocrclean"]["score"] for d in out] == [r.report["quality"]["score"] for r in expected]
    scores = [r.report["quality"]["score"] for r in expected]
    cut = min(scores) + 0.01
    below = sum(s < cut for s in scores)
    step = OcrcleanStep(min_score=cut)
    kept = list(step.run(iter(Document(text=t, id=str(i)) for i, t in enumerate(TEXTS))))
    assert len(kept) == len(TEXTS) - below and step.stats["dropped_below_min_score"].total == below
    bad = list(OcrcleanStep().run(iter([Document(text=b"bytes", id="x")])))  # type: ignore[arg-type]
    assert bad[0].text == b"bytes" and "not a string" in bad[0].metadata["ocrclean"]["error"]
