"""Typed settings (issue 19): every stage and section has a model; a config is validated
when it loads (unknown keys, wrong types, stage order), each problem one line naming the
key or both stages; stages get values already typed."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from pipeline import ConfigError, Pipeline, load_config, registry
from pipeline.config import check_order
from pipeline.registry import all_stages, stage
from pipeline.settings import Settings, describe, fields, model_from_defaults
from pipeline.settings.sections import SECTIONS

DEFAULT = load_config("default")


def _err(over: dict) -> str:
    with pytest.raises(ConfigError) as e:
        load_config({"extends": "default", **over})
    msg = str(e.value)
    assert "\n" not in msg
    return msg


@pytest.mark.parametrize(
    "over, message",
    [
        ({"stages": {"dedupe": {"max_passes": "four"}}}, "stages.dedupe.max_passes: expected an integer, got 'four'"),
        ({"stages": {"dedupe": {"max_passes": 4.0}}}, "stages.dedupe.max_passes: expected an integer, got 4.0"),
        ({"stages": {"dedupe": {"max_passes": True}}}, "stages.dedupe.max_passes: expected an integer, got True"),
        ({"stages": {"dedupe": {"noisy_tiers": [[50, "x", -6.5]]}}}, "stages.dedupe.noisy_tiers[0][1]: expected a number, got 'x'"),
        ({"stages": {"fragments": {"keep_above": "high"}}}, "stages.fragments.keep_above: expected a number, got 'high'"),
        ({"stages": {"paragraphs": {"join_wraps": 1}}}, "stages.paragraphs.join_wraps: expected a boolean, got 1"),
        ({"stages": {"t2s": {"config": "tw2s"}}}, "stages.t2s.config: expected one of 't2s', 't2s.json', got 'tw2s'"),
        ({"stages": {"punctuation": {"quotes": True, "qoutes": False}}}, "unknown key(s) in [stages.punctuation]: qoutes (known: quotes, spaces)"),
        ({"stages": {"markup": {"x": 1}}}, "unknown key(s) in [stages.markup]: x (known: none)"),
        ({"stages": {"dedupe": []}}, "[stages.dedupe] must be a table"),
        ({"limits": {"max_pdf_pages": "many"}}, "limits.max_pdf_pages: expected an integer, got 'many'"),
        ({"output": {"fsync": "always"}}, "output.fsync: expected one of 'batch', 'file', got 'always'"),
        ({"ocr": {"progress": "yes"}}, "ocr.progress: expected one of 'auto', true, false, got 'yes'"),
        ({"ocr": {"jobs": "2"}}, "ocr.jobs: expected an integer, got '2'"),
        ({"pdf": {"mode": "fast"}}, "pdf.mode: expected one of 'auto', 'text', 'ocr', got 'fast'"),
        ({"quality": {"weights": {"fluenc": 5}}}, "unknown key(s) in [quality.weights]: fluenc"),
        ({"quality": {"ranges": {"fluency": [-5.9]}}}, "quality.ranges.fluency: expected at least 2 items, got [-5.9]"),
        ({"quality": {"grades": {"A": "90"}}}, "quality.grades.A: expected a number, got '90'"),
    ],
)
def test_wrong_settings_are_one_line_errors_at_load(over, message):
    assert message in _err(over)


def test_the_error_names_the_config_file(tmp_path: Path):
    f = tmp_path / "mine.toml"
    f.write_text('extends = "default"\n[stages.dedupe]\nmax_passes = "four"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"^.*mine\.toml: stages\.dedupe\.max_passes: expected an integer, got 'four'$"):
        load_config(f)


def test_numbers_take_integers_and_stay_as_given():
    cfg = load_config({"extends": "default", "stages": {"fragments": {"keep_above": -5}}, "quality": {"min_score": 80.5}})
    assert cfg.stage_settings["fragments"]["keep_above"] == -5
    assert cfg.section("quality")["min_score"] == 80.5


def test_stages_and_sections_get_typed_values():
    cfg = load_config({"extends": "default", "stages": {"interleaved_copies": {"window": 50}}})
    assert cfg.settings("interleaved_copies").window == 50
    assert cfg.stage_settings["interleaved_copies"]["window"] == 50
    assert cfg.settings("ocr").engine == "tesseract" and cfg.settings("limits").max_pdf_pages == 2000
    assert cfg.section("quality")["grades"] == {"A": 90, "B": 80, "C": 70, "D": 60}


def test_every_stage_and_section_has_a_model_matching_its_defaults():
    for name, spec in all_stages().items():
        assert issubclass(spec.settings, Settings), name
        assert spec.settings().model_dump() == spec.defaults, name
        assert set(spec.settings.model_fields) == set(DEFAULT.stage_settings.get(name, spec.defaults)), name
    for sec, model in SECTIONS.items():
        assert DEFAULT.section(sec) == model().model_dump(), sec


def test_explicit_models_describe_every_setting():
    explicit = [s for s in all_stages().values() if "inferred" not in (s.settings.__doc__ or "")]
    assert {s.name for s in explicit} >= {"unicode_hygiene", "vertical_headline", "fragments", "interleaved_copies",
                                           "column_spaces", "ocr_lookalikes", "punctuation", "t2s"}
    for model in [*(s.settings for s in explicit), *SECTIONS.values()]:
        for key, tp, _, desc in fields(model):
            nested = isinstance(tp, type) and issubclass(tp, Settings)
            assert nested or desc or model.__name__ in ("QualityWeights", "QualityGrades", "QualityParagraph"), (model, key)


def test_inferred_models_follow_the_default_values():
    model = model_from_defaults("demo", {"on": True, "n": 3, "x": -6.5, "s": "a", "tiers": [[50, 1.5]], "rules": []})
    ok = model.model_validate({"on": False, "n": 4, "x": 2, "s": "b", "tiers": [[1, 2], [3.5, 4]], "rules": [{"a": 1}]})
    assert (ok.n, ok.x, ok.tiers) == (4, 2, [[1, 2], [3.5, 4]])
    assert describe(model.model_fields["tiers"].annotation) == "a list of lists of numbers"
    assert describe(model.model_fields["x"].annotation) == "a number"


def test_a_config_pickles_for_worker_processes():
    cfg = load_config({"extends": "default", "stages": {"dedupe": {"max_passes": 3}}})
    again = pickle.loads(pickle.dumps(cfg))
    assert again.stage_settings == cfg.stage_settings and again.digest == cfg.digest
    assert again.settings("dedupe").max_passes == 3 and again.settings("pdf").dpi == 300


# -- order relations --------------------------------------------------------------------
def test_the_default_order_passes_its_relations():
    check_order(DEFAULT.stages)
    for name, spec in all_stages().items():
        for other in (*spec.after, *spec.requires):
            assert other == "*" or other in all_stages(), (name, other)


@pytest.mark.parametrize(
    "order, message",
    [
        (["paragraphs", "column_spaces"], "stage 'column_spaces' must come before 'paragraphs'"),
        (["column_spaces", "interleaved_copies"], "stage 'interleaved_copies' must come before 'column_spaces'"),
        (["dedupe", "t2s"], "stage 't2s' must come before 'dedupe'"),
        (["punctuation", "paragraphs"], "stage 'paragraphs' must come before 'punctuation'"),
        (["ocr_lookalikes", "paragraphs"], "stage 'paragraphs' must come before 'ocr_lookalikes'"),
        (["paragraphs", "fragments"], "stage 'fragments' must come before 'paragraphs'"),
    ],
)
def test_a_wrong_order_is_refused_naming_both_stages(order, message):
    with pytest.raises(ConfigError) as e:
        load_config({"pipeline": {"stages": order}})
    assert message in str(e.value) and "\n" not in str(e.value)


def test_relations_bind_only_stages_that_run():
    load_config({"pipeline": {"stages": ["dedupe"]}})
    load_config({"pipeline": {"stages": ["column_spaces", "punctuation", "t2s"]}})


@pytest.fixture
def needs_t2s():
    @stage("_needs_t2s", settings=Settings, requires=("t2s",))
    def run(doc, cfg):
        return doc

    yield
    registry._STAGES.pop("_needs_t2s", None)  # the registry is global: leave no test stage behind


def test_requires_refuses_a_missing_or_later_stage(needs_t2s):
    with pytest.raises(ConfigError, match="stage '_needs_t2s' requires stage 't2s', which"):
        load_config({"pipeline": {"stages": ["_needs_t2s"]}})
    with pytest.raises(ConfigError, match="stage 't2s' must run before '_needs_t2s'"):
        load_config({"pipeline": {"stages": ["_needs_t2s", "t2s"]}})
    assert Pipeline({"pipeline": {"stages": ["t2s", "_needs_t2s"]}}).clean_text("顯著").text == "显著\n"
