"""Dedupe inside one document: text the extraction printed twice (OUTPUT_SPEC 7).

Four kinds, cheapest first, each removal recorded with its reason:

* `duplicate-paragraph`: the same paragraph again (hashing). A long paragraph
  is a duplicate anywhere; a short one (`附件：`, a heading) only right after
  itself, because the same short heading in two sections is legitimate.
* `repeated-clause`: a span followed at once by itself (`X X` -> `X`).
* `interleaved-copy`: two copies of a span with a little real text between
  them (`X' Y X Z` -> `X Y Z`), the more fluent copy kept in first place.
* `noisy-copy`: a garbled OCR copy of the neighbouring passage, found from a
  shared k-gram and aligned with rapidfuzz; removed when it is far less
  fluent than the passage it copies, or only a little less fluent but with
  OCR look-alike misreadings among its differences (`全域` -> `主城`, the
  `ocr_lookalikes` table), which parallel phrasing never has. A garbled
  paragraph that copies a neighbouring paragraph goes the same way.

A copy repeats its source's facts: a clause or paragraph that brings a number
its source lacks, or names another place or person, is a parallel clause and
stays (`facts.same_facts`: `…提高20个百分点` / `…提高10个百分点`). A whole
paragraph is never a noisy copy when it is a title, a table row or a short
line (`facts.protected_line`: a slide title `暖风熏得游人醉`, a caption): too
little text to tell a copy from real text that reads oddly.

Cost stays linear: candidate repeats come from one vectorised k-gram hash
over the whole document (numpy sort), bounded by `max_shift`; only the rare
candidates are scored with the garble model and rapidfuzz.

Modules, one job each: `blocks` (duplicate paragraphs), `kgrams` (the one exact-repeat
finder), `repair` (the repairs inside a paragraph: repeated clauses, and the driver),
`interleave` (interleaved copies), `noisy` (noisy copies inside a paragraph),
`lookalikes` (the OCR look-alike pairs), `fluency` (the garble model's figures),
`suspects` (the document prefilter), `copies` (noisy paragraphs), `stage` (the entry).
"""

from __future__ import annotations

from .repair import repair_paragraph
from .stage import STAGE, run

__all__ = ["STAGE", "repair_paragraph", "run"]
