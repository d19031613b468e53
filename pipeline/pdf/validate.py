"""Does a page's text layer tell the truth? If not, the page is OCR'd instead.

A text layer lies in recognisable ways: glyphs without a Unicode map come out
as `(cid:N)`; fonts with a private encoding (old LaTeX CJK packages) come out
as Latin-1 mojibake (`êÆ#(¯K`) or private-use code points; and text that
decodes to real characters in the wrong order or mapping reads as scrambled
Chinese (low fluency under the garble model). Each check returns a short
reason for the report, e.g. "(cid:N) glyphs 35%".
"""

from __future__ import annotations

import re
from typing import Any

from ..text.cjk import is_han_bmp

_CID = re.compile(r"\(cid:\d+\)")
_MOJIBAKE = re.compile(r"[\u0080-\u00ff\u0100-\u024f\u02b0-\u02ff\u2020-\u2030\u0152\u0153\u0160\u0161\u0178\u017d\u017e]")


def _is_pua(c: str) -> bool:
    o = ord(c)
    return 0xE000 <= o <= 0xF8FF or 0xF0000 <= o


def layer_facts(text: str) -> dict[str, Any]:
    """Counts the checks use: glyphs, cid glyphs, mojibake, private-use, CJK and Latin letters."""
    cids = len(_CID.findall(text))
    rest = _CID.sub("", text)
    glyphs = [c for c in rest if not c.isspace()]
    letters = [c for c in glyphs if c.isalpha()]
    return {
        "glyphs": len(glyphs) + cids,
        "cid": cids,
        "mojibake": len(_MOJIBAKE.findall(rest)),
        "pua": sum(1 for c in glyphs if _is_pua(c)),
        "cjk": sum(1 for c in letters if is_han_bmp(c)),
        "letters": len(letters),
    }


def _pct(n: int, d: int) -> str:
    return f"{100 * n / max(d, 1):.0f}%"


def check_layer(text: str, cfg: dict[str, Any]) -> list[str]:
    """Reasons this page's text layer is not to be trusted (empty list: trust it)."""
    f = layer_facts(text)
    n = f["glyphs"]
    if n < int(cfg["min_glyphs"]):
        return ["no text layer" if n == 0 else f"only {n} glyphs"]
    reasons = []
    if f["cid"] / n > float(cfg["max_cid_share"]):
        reasons.append(f"(cid:N) glyphs {_pct(f['cid'], n)}")
    if f["mojibake"] / n > float(cfg["max_mojibake_share"]):
        reasons.append(f"mojibake {_pct(f['mojibake'], n)}")
    if f["pua"] / n > float(cfg["max_private_use_share"]):
        reasons.append(f"private-use glyphs {_pct(f['pua'], n)}")
    if f["letters"] >= int(cfg["min_glyphs"]) and f["cjk"] / f["letters"] < float(cfg["min_cjk_share"]):
        reasons.append(f"CJK share {_pct(f['cjk'], f['letters'])}")
    if not reasons and f["cjk"] >= int(cfg["min_glyphs"]):
        from ..garble import fluency

        score = fluency(text)
        if score < float(cfg["min_fluency"]):
            reasons.append(f"fluency {score:.2f}")
    return reasons


def image_share(page_box: tuple[float, float, float, float], images: list[dict[str, Any]]) -> float:
    """Share of the page covered by its largest image (clipped to the page)."""
    x0, y0, x1, y1 = page_box
    area = max((x1 - x0) * (y1 - y0), 1e-6)
    best = 0.0
    for im in images:
        w = min(im["x1"], x1) - max(im["x0"], x0)
        h = min(im["bottom"], y1) - max(im["top"], y0)
        best = max(best, w * h if w > 0 and h > 0 else 0.0)
    return best / area


def check_scan(share: float, glyphs: int, cfg: dict[str, Any]) -> list[str]:
    """A page that is mostly one image with little text is a scan (perhaps with a stamped header)."""
    if share >= float(cfg["scan_image_share"]) and 0 < glyphs < int(cfg["scan_max_glyphs"]):
        return [f"image covers {100 * share:.0f}% of the page, only {glyphs} glyphs"]
    return []
