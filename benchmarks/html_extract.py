"""Which HTML-to-text extractor `ingest.html` uses, measured on real pages.

Two public sets of real pages with a reference text (neither is copied into
this repository; fetch them and pass their folders):

* scrapinghub/article-extraction-benchmark: `html/*.html.gz` and
  `ground-truth.json` (`articleBody`, made by hand). Sorted by id, the first 120
  pages are the dev part, the last 61 the held-out part.
* mozilla/readability `test/test-pages/<name>/{source,expected}.html`: the
  Chinese pages `gmw`, `qq`, `youth`, `pixnet` (the reference is the expected
  output's text).

Lost = characters of the reference the output lacks (real text lost); kept =
characters of the output the reference lacks (boilerplate kept); both counted
on a bag of tokens (a Han character, or a run of letters and digits).

    python -m benchmarks.html_extract --scrapinghub DIR --readability DIR
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

_TOK = re.compile(r"[\u4e00-\u9fff]|\w+")


def _bag(s: str) -> Counter[str]:
    return Counter(_TOK.findall(s.lower()))


def lost_kept(ref: str, got: str) -> tuple[int, int, int]:
    """(reference chars, chars of it lost, chars of boilerplate kept)."""
    a, b = _bag(ref), _bag(got)
    lost = sum(len(t) * (n - b[t]) for t, n in a.items() if n > b[t])
    kept = sum(len(t) * (n - a[t]) for t, n in b.items() if n > a[t])
    return sum(len(t) * n for t, n in a.items()), lost, kept


def trafilatura_main(html: str) -> str:
    from pipeline.ingest.html import html_text

    return html_text(html, 1 << 26)[0]


def justext_main(html: str, chinese: bool) -> str:
    import justext

    stop = frozenset() if chinese else justext.get_stoplist("English")  # jusText has no Chinese list
    kw = {"stopwords_low": 0, "stopwords_high": 0} if chinese else {}
    return "\n".join(p.text for p in justext.justext(html.encode("utf-8"), stop, **kw) if not p.is_boilerplate)


def selectolax_body(html: str) -> str:
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    tree.strip_tags(["script", "style", "noscript", "nav", "header", "footer", "aside", "form"])
    return tree.body.text(separator="\n") if tree.body else ""


def scrapinghub(root: Path, part: str) -> Iterator[tuple[str, str]]:
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    ids = sorted(truth)
    for i in ids[:120] if part == "dev" else ids[120:]:
        html = gzip.decompress((root / "html" / f"{i}.html.gz").read_bytes()).decode("utf-8", "replace")
        yield html, truth[i]["articleBody"]


def readability_zh(root: Path) -> Iterator[tuple[str, str]]:
    import lxml.html

    for name in ("gmw", "qq", "youth", "pixnet"):
        d = root / "test" / "test-pages" / name
        ref = lxml.html.fromstring((d / "expected.html").read_text(encoding="utf-8")).text_content()
        yield (d / "source.html").read_text(encoding="utf-8"), ref


def measure(pages: Iterator[tuple[str, str]], extractors: dict[str, Callable[[str], str]]) -> dict[str, list[float]]:
    tot = {k: [0.0, 0.0, 0.0, 0.0] for k in extractors}
    for html, ref in pages:
        for k, fn in extractors.items():
            t0 = time.perf_counter()
            got = fn(html) or ""
            r, lost, kept = lost_kept(ref, got)
            row = tot[k]
            row[0] += r
            row[1] += lost
            row[2] += kept
            row[3] += time.perf_counter() - t0
    return tot


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scrapinghub", type=Path, help="a checkout of scrapinghub/article-extraction-benchmark")
    ap.add_argument("--readability", type=Path, help="a checkout of mozilla/readability")
    args = ap.parse_args()
    sets: list[tuple[str, Callable[[], Iterator[tuple[str, str]]], bool]] = []
    if args.scrapinghub:
        sets += [(f"scrapinghub {p}", lambda p=p: scrapinghub(args.scrapinghub, p), False) for p in ("dev", "held-out")]
    if args.readability:
        sets.append(("readability zh", lambda: readability_zh(args.readability), True))
    for title, pages, chinese in sets:
        ex = {"trafilatura": trafilatura_main, "justext": lambda h, c=chinese: justext_main(h, c)}
        if importlib.util.find_spec("selectolax"):  # not a dependency: `pip install selectolax` to compare
            ex["selectolax-body"] = selectolax_body
        print(title)
        for k, (r, lost, kept, secs) in measure(pages(), ex).items():
            print(f"  {k:16s} lost {lost:7.0f} ({100 * lost / r:5.1f}%)  kept {kept:7.0f} ({100 * kept / r:5.1f}%)  {secs:5.1f} s")


if __name__ == "__main__":
    main()
