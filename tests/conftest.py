"""Shared fixtures: the repo root, ../shared (skipped cleanly when absent), samples."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SAMPLES = ROOT / "samples"
OCR_CACHE = ROOT / "tests" / "ocr_cache"
# misses of a test run are recorded here, never into the checkout
OCR_RECORD_TMP = Path(tempfile.gettempdir()) / f"ocrclean-test-ocr-cache-{os.getuid()}"


def ocr_cache_settings(strict: bool = True) -> dict:
    """[ocr] settings that replay the engine output recorded in tests/ocr_cache/.

    strict: a miss fails naming the key and `make record-ocr` instead of going live.
    `make record-ocr` (OCRCLEAN_RECORD_OCR=1) runs the engines live and records into tests/ocr_cache/.
    """
    if os.environ.get("OCRCLEAN_RECORD_OCR"):
        return {"cache_dir": str(OCR_CACHE), "cache_record": True, "cache_record_dir": "", "cache_miss": "live"}
    return {"cache_dir": str(OCR_CACHE), "cache_record": True, "cache_record_dir": str(OCR_RECORD_TMP),
            "cache_miss": "error" if strict else "live"}


def shared_path(*parts: str) -> Path:
    """A path under ../shared, skipping the test with a clear message when it is absent."""
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"../shared is not beside the project ({p} missing)")
    return p


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return shared_path()


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return shared_path("seeds")


@pytest.fixture(scope="session")
def national_dir() -> Path:
    return shared_path("corpus", "national-clean")


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return SAMPLES


@pytest.fixture(scope="session")
def pipeline_default():
    from pipeline import Pipeline

    return Pipeline("default")


# CI runs the property tests on a fixed seed so a run is reproducible; locally they explore.
try:
    import os

    from hypothesis import settings as _hyp_settings

    _hyp_settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
    if os.environ.get("CI"):
        _hyp_settings.load_profile("ci")
except ImportError:  # pragma: no cover
    pass
