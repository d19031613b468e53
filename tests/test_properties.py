"""Property tests: arbitrary and damaged text never break the text pipeline.

For every input: no exception, valid UTF-8 output in the OUTPUT_SPEC byte
form, idempotence (cleaning clean output changes nothing), and the accounting
invariant (every non-space input character is in the output, changed by a
recorded rule, or recorded as removed). Adversarial strings check that cost
stays linear: 4x the input may not cost 16x the time (quadratic), and no
regular expression in `pipeline/` backtracks catastrophically.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import signal
import time
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pipeline
from pipeline import Pipeline

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow],
                    derandomize=True)
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"


@pytest.fixture(scope="module")
def pipe() -> Pipeline:
    return Pipeline("default")


def _report_paragraphs() -> list[str]:
    text = (ROOT / "samples" / "text" / "clean_report.txt").read_text(encoding="utf-8")
    return [p.strip() for p in text.split("\n\n") if len(p.strip()) >= 20][:40]


PARAS = _report_paragraphs()

# characters the pipeline has rules for, so random text hits them often
SPECIAL = list(
    "，。：；！？（）“”‘’、《》—…,.:;!?()\"'-*#_[]{}<>&$^\\/%`~|"
    "●○■□◆◇▲△★☆•\u3000\u00a0\t \n\r\x00\x0b\x0c\x1b\x7f\u2028\u2029\ufffd\ue000"
    "ＧＤＰ１２ａ⼯⾦丽臺灣體發\u0301\u0308ﬁ①⑴"
) + list(ZERO_WIDTH)
TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=400)
MIXED = st.lists(
    st.one_of(st.sampled_from(SPECIAL), st.sampled_from(PARAS).map(lambda p: p[:30]), TEXT.map(lambda s: s[:20])),
    max_size=60,
).map("".join)


@st.composite
def damaged_report(draw) -> str:
    """Report paragraphs damaged by the issue-3 generator, then by random edits."""
    from damage import damage

    n = draw(st.integers(1, 6))
    start = draw(st.integers(0, max(0, len(PARAS) - n)))
    kind = draw(st.sampled_from(["mixed", "fragments", "hard_wraps", "page_breaks", "duplicate", "noisy_copy",
                                 "interleaved", "half_width_punct", "column_spaces", "vertical_headline"]))
    text, _ = damage(PARAS[start:start + n], kind, rate=draw(st.floats(0.2, 1.0)), seed=draw(st.integers(0, 10**6)))
    for _ in range(draw(st.integers(0, 8))):
        op = draw(st.sampled_from(["insert", "delete", "swap", "markup", "wrap"]))
        i = draw(st.integers(0, len(text)))
        if op == "insert":
            text = text[:i] + draw(st.sampled_from(SPECIAL)) * draw(st.integers(1, 5)) + text[i:]
        elif op == "delete":
            text = text[:i] + text[i + draw(st.integers(1, 10)):]
        elif op == "swap" and i + 2 < len(text):
            text = text[:i] + text[i + 1] + text[i] + text[i + 2:]
        elif op == "markup":
            j = draw(st.integers(i, min(len(text), i + 20)))
            tag, close = draw(st.sampled_from([("**", "**"), ("<b>", "</b>"), ("<div>", ""), ("# ", ""), ("$_{", "}$"),
                                               ("&nbsp;", ""), ("(", ")"), ("“", ""), ("【", "】")]))
            text = text[:i] + tag + text[i:j] + close + text[j:]
        else:
            text = text[:i] + "\n" + text[i:]
    return text


def check_output(res, source: str) -> None:
    text = res.text
    data = text.encode("utf-8")  # valid UTF-8: no lone surrogates
    assert data.decode("utf-8") == text
    assert text == "" or (text.endswith("\n") and not text.endswith("\n\n")), repr(text[-20:])
    assert "\r" not in text and not text.startswith("\ufeff")
    assert unicodedata.is_normalized("NFC", text)
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f]", text), [c for c in text if ord(c) < 32 and c != "\n"]
    assert not any(c in text for c in ZERO_WIDTH)
    assert "\n\n\n" not in text
    assert all(ln == ln.rstrip() for ln in text.split("\n")), "trailing spaces"
    acc = res.report["accounting"]
    assert acc["unaccounted_chars"] == 0, ({k: v for k, v in acc["stages"].items() if v["unaccounted_chars"]}, source[:300])


def check_idempotent(pipe: Pipeline, res) -> None:
    again = pipe.clean_text(res.text)
    assert again.text == res.text, (res.text[:300], again.text[:300])


@SETTINGS
@given(TEXT)
def test_arbitrary_unicode(pipe, text):
    check_output(pipe.clean_text(text), text)


@SETTINGS
@given(MIXED)
def test_text_full_of_special_characters(pipe, text):
    res = pipe.clean_text(text)
    check_output(res, text)
    check_idempotent(pipe, res)


@SETTINGS
@given(damaged_report())
def test_damaged_report_text(pipe, text):
    res = pipe.clean_text(text)
    check_output(res, text)
    check_idempotent(pipe, res)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(st.binary(max_size=300), st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"]))
def test_arbitrary_bytes(pipe, data, bom):
    """Bytes in: a clean result or one InputError, never anything else."""
    try:
        res = pipe.clean_bytes(bom + data, "fuzz.txt")
    except pipeline.InputError as e:
        assert "\n" not in str(e) and str(e).startswith("fuzz.txt: ")
        return
    check_output(res, repr(data))


# -- linear cost -----------------------------------------------------------------
ADVERSARIAL = {
    "one char": lambda n: "啊" * n,
    "latin": lambda n: "a" * n,
    "spaces": lambda n: "政" + " " * n + "府",
    "ideographic spaces": lambda n: "\u3000" * n + "政府",
    "stars": lambda n: "*" * n + "政府",
    "open brackets": lambda n: "（(【[《“" * (n // 6) + "政府",
    "nested tags": lambda n: "<div>" * (n // 5) + "政府" + "</div" * (n // 5),
    "entities": lambda n: "&#" * (n // 2) + "&amp" * (n // 8),
    "latex": lambda n: "$_{" * (n // 3) + "PM" + "^" * 10,
    "dots": lambda n: "." * n + "政",
    "digits and dots": lambda n: "1." * (n // 2) + "政府",
    "dashes": lambda n: "—-" * (n // 2) + "政府",
    "url": lambda n: "http://" + "a." * (n // 2) + "政府",
    "headings": lambda n: "一、" * (n // 2),
    "one char lines": lambda n: "\n".join("政府工作报告"[i % 6] for i in range(n // 2)),
    "short lines": lambda n: "\n".join(PARAS[0][i % 20: i % 20 + 3] for i in range(n // 4)),
    "spaced cjk": lambda n: "政 府 工 作 " * (n // 8),
    "quotes": lambda n: '"政' * (n // 2),
    "repeated clause": lambda n: "推动经济实现回升向好，" * (n // 11),
    "repeated paragraph": lambda n: "\n\n".join([PARAS[1][:40]] * (n // 40)),
}
N = 1500


def best_time(fn, arg, runs: int = 2) -> float:
    """The best of `runs` timings; one run when it is long enough not to be noise."""
    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        fn(arg)
        best = min(best, time.perf_counter() - t0)
        if best > 1.0:
            break
    return best


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_cost_stays_linear(pipe, name):
    make = ADVERSARIAL[name]
    pipe.clean_text(make(200))  # warm caches
    small, big = best_time(pipe.clean_text, make(N)), best_time(pipe.clean_text, make(4 * N))
    # linear is 4x, n log n a little more; quadratic is 16x. Short runs are noise-bound.
    assert big < max(10 * small, 0.5), f"{name}: {small:.3f} s for {N} chars, {big:.3f} s for {4 * N}"


def _module_patterns() -> list[tuple[str, re.Pattern]]:
    found = []
    for mod in pkgutil.walk_packages(pipeline.__path__, "pipeline."):
        if mod.name.endswith(("cli_extra", "ray_backend")):
            continue
        try:
            m = importlib.import_module(mod.name)
        except Exception:  # an optional dependency missing: its regexes are not in play
            continue
        for attr, val in vars(m).items():
            if isinstance(val, re.Pattern):
                found.append((f"{mod.name}.{attr}", val))
    return found


PUMPS = ["a", " ", "啊", "1", ".", "\n", "a ", "1.", "**", "<", "(", "—", "\u3000", "、", "，", "啊 ", "\n\n", "_", "{",
         "&", "#", "1,", "a.", "http://a", "“", "0"]


def _with_alarm(seconds: float, fn):
    def boom(signum, frame):  # noqa: ARG001
        raise TimeoutError

    old = signal.signal(signal.SIGALRM, boom)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return fn()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def test_no_regex_backtracks_catastrophically():
    """Every module-level regex in pipeline/, on pumped strings that end in a mismatch."""
    slow = []
    patterns = _module_patterns()
    assert len(patterns) > 20
    for name, pat in patterns:
        for pump in PUMPS:
            for tail in ("!", "\x00", "政"):
                cost = []
                for n in (1000, 8000):
                    s = pump * (n // len(pump)) + tail
                    if isinstance(pat.pattern, bytes):
                        s = s.encode("utf-8")
                    best = 99.0
                    for _ in range(3):  # best of three: one slow run is the machine, not the regex
                        t0 = time.process_time()
                        try:
                            _with_alarm(2.0, lambda s=s, pat=pat: (pat.search(s), pat.sub("", s), list(pat.finditer(s))))
                        except TimeoutError:
                            break
                        best = min(best, time.process_time() - t0)
                        if best < 0.05:
                            break
                    cost.append(best)
                    if best >= 99.0:
                        break
                if cost[-1] > 0.1 and cost[-1] > 20 * cost[0]:  # linear is 8x, quadratic 64x
                    slow.append((name, pat.pattern[:60], repr(pump), repr(tail), [round(c, 4) for c in cost]))
    assert not slow, "\n".join(map(str, slow))
