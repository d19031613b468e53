"""The config's sections outside the stages: `[limits]`, `[output]`, `[quality]`, `[ocr]`, `[pdf]`, `[input]`.

Each model is the one source of its section's keys, types, defaults and descriptions;
the modules that use a section read it validated (`Config.section`), and keep their
`DEFAULTS` dict (`Model().model_dump()`) for callers without a config.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from . import Number, Settings

Pair = Annotated[list[Number], Field(min_length=2, max_length=2)]
Auto = Literal["auto"] | bool


class LimitsSettings(Settings):
    """Bounds on one document; past one the document fails with `limit-exceeded`."""

    max_text_bytes: int = 64 * 1024 * 1024
    """Largest text file read (bytes; 64 MiB)."""
    max_pdf_bytes: int = 256 * 1024 * 1024
    """Largest PDF file read (bytes; 256 MiB)."""
    max_pdf_pages: int = 2000
    """Most pages of one PDF."""
    max_image_pixels: int = 120_000_000
    """Most pixels of one image or rendered PDF page."""
    max_seconds_per_document: Number = 600
    """Wall-clock seconds one document may take (run, check, jsonl)."""


class OutputSettings(Settings):
    """What `run` writes beside each clean text."""

    write_report: bool = True
    """DIR/<stem>.report.json beside each clean text."""
    fsync: Literal["batch", "file"] = "batch"
    """batch: each output replaced atomically, one filesystem sync per run | file: fsync every file before its rename (slower with --jobs)."""


class QualityWeights(Settings):
    """Maximum points each component can take off the document score, in tiers: 2-8 for signs
    that move with the genre or the page cut (fluency, truncation), 12-20 for signs of a few
    damaged characters, 30-40 for damage a reader cannot read past (junk marks, symbol soup,
    run-together sentences, fragment lines); text no reader can use (residue, table debris)
    costs one point per 1 % of the text, up to 60. Chosen by a search over the tiers on the
    real runs' tuning part and generated damage (docs/quality-score.md, "Calibration");
    `make calibrate` checks them."""

    fluency: Number = 8
    garbled: Number = 4
    cjk_share: Number = 40
    misreads: Number = 12
    residue: Number = 60
    fragments: Number = 40
    broken_order: Number = 15
    short_clauses: Number = 30
    spacing: Number = 8
    punctuation: Number = 8
    unbalanced: Number = 20
    table_debris: Number = 60
    stray_marks: Number = 30
    dropped_chars: Number = 8
    run_on: Number = 40
    unterminated: Number = 8
    truncation: Number = 2
    missing_start: Number = 4


class QualityRanges(Settings):
    """[ok, bad] per component: no penalty at ok, the full weight at bad (linear between)."""

    fluency: Pair = [-5.9, -7.0]
    """Mean log-prob per CJK character (prose paragraphs)."""
    garbled: Pair = [0.0, 0.2]
    """Share of CJK characters in garbled prose paragraphs."""
    cjk_share: Pair = [0.4, 0.1]
    """CJK / non-space characters: symbol soup only (a table-heavy report has 0.5)."""
    misreads: Pair = [0.2, 1.5]
    """Improbable characters per 100 CJK characters (prose, not list items)."""
    residue: Pair = [0.0, 0.6]
    """(cid:N), private-use, U+FFFD, mojibake per non-space character: 1 point per 1 %."""
    fragments: Pair = [0.05, 0.25]
    """Fragment and debris lines per paragraph."""
    broken_order: Pair = [0.0, 6.0]
    """Paragraphs breaking off mid-clause, not continued next, per 1,000 CJK characters."""
    short_clauses: Pair = [0.5, 5.0]
    """One-character clauses per 100 clauses."""
    spacing: Pair = [0.5, 10.0]
    """Per 1,000 CJK characters."""
    punctuation: Pair = [0.5, 10.0]
    """Per 1,000 CJK characters."""
    unbalanced: Pair = [0.1, 2.0]
    """Paragraphs with unpaired quotes or brackets per 1,000 CJK characters."""
    table_debris: Pair = [0.0, 0.6]
    """Share of non-space characters in glued table cells and chart axes: 1 point per 1 %."""
    stray_marks: Pair = [0.0, 10.0]
    """OCR junk marks (| @ and 1-2 Latin letters wedged in Chinese) per 1,000 CJK characters."""
    dropped_chars: Pair = [0.0, 5.0]
    """Per 10,000 CJK characters."""
    run_on: Pair = [2.0, 10.0]
    """Per 10,000 CJK characters."""
    unterminated: Pair = [0.5, 10.0]
    """Body paragraphs without a closing mark per 1,000 CJK characters."""
    truncation: Pair = [0.0, 1.0]
    """1 when the text ends mid-sentence."""
    missing_start: Pair = [0.0, 1.0]
    """1: the text starts mid-sentence; 0.5: no title (body text first)."""


class QualityGrades(Settings):
    """The lowest score of each grade (below D: F)."""

    A: Number = 90
    B: Number = 80
    C: Number = 70
    D: Number = 60


class QualityParagraph(Settings):
    """Points off a paragraph per occurrence (at most three count)."""

    garbled: Number = 50
    anomaly: Number = 4
    unbalanced: Number = 15
    dropped: Number = 10
    run_on: Number = 10
    unterminated: Number = 10
    fragment: Number = 40
    residue: Number = 30
    broken: Number = 10


class QualitySettings(Settings):
    """The quality score (docs/quality-score.md): thresholds, weights and ramps."""

    min_score: Number = 0
    """Documents below it fail: quality.passed = false and a below-min-score flag, the HTML status, exit code 1 of run, check and jsonl (CLI: --min-score)."""
    garble_threshold: Number = -6.6
    """Prose paragraph fluency below it: garbled."""
    low_ocr_confidence: Number = 90.0
    """Mean OCR confidence below it: flag low-ocr-confidence (no points off)."""
    layout_stages: list[str] = ["vertical_headline", "fragments", "column_spaces", "paragraphs"]
    """The repair record (quality.repairs, information only): stages whose changes count as layout repairs."""
    repair_stages: list[str] = ["punctuation"]
    """... and as other repairs."""
    paragraph_fluency: Pair = [-6.0, -7.0]
    """Paragraph fluency: no points off at the first, the full "garbled" points at the second."""
    weights: QualityWeights = QualityWeights()
    ranges: QualityRanges = QualityRanges()
    grades: QualityGrades = QualityGrades()
    paragraph: QualityParagraph = QualityParagraph()


class OcrSettings(Settings):
    """OCR of images and scanned PDF pages (docs/ocr.md, docs/ocr-layout.md)."""

    engine: str = "tesseract"
    """tesseract | rapidocr, or an engine a plugin adds (CLI: --ocr-engine)."""
    lang: str = "chi_sim"
    """Tesseract language for horizontal blocks."""
    vertical_lang: str = "chi_sim_vert"
    """Tesseract language for vertical blocks."""
    psm: int = 6
    """Page segmentation mode for a horizontal block (the layout is ours)."""
    vertical_psm: int = 5
    """Page segmentation mode for a vertical block (a uniform block of vertical text)."""
    vertical_glyph_px: int = 24
    """Vertical glyphs are scaled to this width for Tesseract (bench headlines: 24 px read 5/6, 28 px 4/6, 32-36 px 3/6; 40+ px nothing)."""
    tesseract_config: str = "-c preserve_interword_spaces=1"
    """Extra Tesseract options."""
    jobs: int = 1
    """Pages OCR'd in parallel (CLI: --jobs)."""
    rapid_max_side: int = 2000
    """RapidOCR shrinks larger images to this side, so a page is never upscaled past it."""
    threads: int = 0
    """Cores the engine may use (0 = all); RapidOCR's ONNX threads are threads / jobs."""
    progress: Auto = "auto"
    """Progress bar per page: auto (when a terminal) | true | false."""
    dpi: int = 300
    """Rasterisation resolution for scanned PDF pages."""
    grayscale: bool = True
    """Preprocessing: convert to grayscale."""
    upscale: bool = True
    """Enlarge low-resolution input ..."""
    min_char_height: int = 24
    """... until characters are about this tall (px)."""
    max_upscale: Number = 3.0
    """Largest enlargement factor."""
    upscale_check: bool = True
    """Keep the upscaled reading only when the engine is surer of more text."""
    deskew: bool = True
    """Straighten skewed pages."""
    max_skew: Number = 5.0
    """Degrees; a larger measured angle is not trusted."""
    denoise: Auto = "auto"
    """Median filter against speckle: auto (noisy pages only; it costs clean pages accuracy) | true | false."""
    binarize: bool = False
    """Feed the engine an adaptive-threshold image (layout always uses one)."""
    binarize_block: int = 31
    """Adaptive threshold window (px, odd)."""
    binarize_c: int = 15
    """Adaptive threshold offset."""
    erase_rules: Auto = "auto"
    """Paint ruling lines white before the engine reads: auto (Tesseract only) | true | false."""
    min_line_conf: int = 30
    """Engine lines below this confidence (0-100) are pictures read as text: dropped."""
    drop_figures: bool = True
    """Lines inside pictures and charts (shapes of 10+ x 5+ character heights) are dropped."""
    join_wraps: bool = True
    """Lines of one paragraph (by their geometry in the block) joined into one."""
    layout: bool = True
    """Our layout analysis; false: the whole page is one block (the engine's own layout; columns get mixed)."""
    vertical_glyph_ratio: Number = 1.5
    """A vertical headline's glyphs are at least this many body heights."""
    vertical_smear: Number = 0.2
    """... found after closing gaps this many body heights wide (glyph parts merge)."""
    vertical_aspect: Number = 2.0
    """A block at least this many times taller than wide ..."""
    vertical_max_chars: Number = 5.0
    """... and at most this many characters wide is vertical text."""
    column_gap: Number = 1.2
    """A vertical gap this many character heights wide separates columns."""
    block_gap: Number = 1.0
    """A horizontal gap this many character heights tall separates blocks."""
    column_bias: Number = 2.0
    """A full-height gutter is cut before a horizontal gap up to this many times wider."""
    band_merge_gap: Number = 1.5
    """Bands this close (character heights) whose gutters line up are one band."""
    table_cell_chars: Number = 8
    """Columns this narrow (character heights) whose rows align are a table's cells."""
    furniture_margin: Number = 0.08
    """One-line footers wholly in this bottom share of the page come after the body (0 = off)."""
    cache_dir: str = ""
    """Engine output cache: replays recorded results for identical engine input ("" = off)."""
    cache_record: bool = True
    """Record misses (into cache_record_dir, else cache_dir)."""
    cache_record_dir: str = ""
    """Where misses are recorded ("" = cache_dir); tests record into a temporary folder."""
    cache_miss: Literal["live", "error"] = "live"
    """On a miss: live (run the engine) | error (MissingRecording naming the key)."""


class PdfSettings(Settings):
    """PDF input: the text layer when it is right, OCR when it lies (docs/pdf.md)."""

    mode: Literal["auto", "text", "ocr"] = "auto"
    """auto: OCR only pages whose text layer lies | text: never OCR | ocr: always (CLI: --pdf-mode)."""
    dpi: int = 300
    """Rasterisation resolution for OCR'd pages."""
    max_render_pixels: int = 16_000_000
    """A page is rendered at most at this many pixels (and limits.max_image_pixels), at a lower dpi if need be: OCR of a page peaks near 35 bytes a pixel (A3 at 300 dpi is 17.4 MP)."""
    dedupe_tolerance: Number = 1.0
    """Points: copies of a glyph this close are one (fake bold)."""
    gutter: Number = 0.4
    """Layout (units: the region's median character size): a column gutter is at least this wide."""
    min_column_chars: Number = 3.0
    """A column is at least this many characters wide."""
    block_gap: Number = 0.8
    """A blank band this tall separates blocks."""
    title_rows: int = 3
    """A band of at most this many rows above (below) the rest is read first (last)."""
    space_gap: Number = 0.3
    """A gap this wide between two characters is a space."""
    latin_space_gap: Number = 0.15
    """... between two Latin letters or digits (a word space is about 0.25 em)."""
    vertical_min_chars: int = 3
    """Stacked lone glyphs from this many up are vertical text."""
    min_glyphs: int = 10
    """Text-layer validation (a page failing any check is OCR'd in mode auto): fewer glyphs than this: no usable layer."""
    max_cid_share: Number = 0.02
    """Largest share of (cid:N) glyphs."""
    max_mojibake_share: Number = 0.10
    """Largest share of mojibake."""
    max_private_use_share: Number = 0.05
    """Largest share of private-use glyphs."""
    min_cjk_share: Number = 0.30
    """CJK among letters."""
    min_fluency: Number = -6.3
    """Garble model, mean log-prob per CJK character."""
    scan_image_share: Number = 0.5
    """One image covering this share of the page ..."""
    scan_max_glyphs: int = 100
    """... with fewer glyphs than this: a scanned page."""
    join_wraps: bool = True
    """Join a block's hard-wrapped lines (full to the right edge) into paragraphs."""
    header_band: Number = 0.08
    """Running headers and footers: top/bottom share of the page height searched."""
    header_min_share: Number = 0.5
    """Repeated on at least this share of pages (and at least 2)."""
    max_stream_bytes: int = 128 * 1024 * 1024
    """Decompression bombs (pipeline/pdf/streams.py): one stream, decoded."""
    max_decoded_bytes: int = 256 * 1024 * 1024
    """All streams the text reader decodes (and keeps) together."""


class InputSettings(Settings):
    """How inputs other than plain text are read (pipeline/ingest)."""

    field: str = ""
    """CSV/TSV column holding the text ("": a column named `text`, else the fullest column; CLI: --field)."""


SECTIONS: dict[str, type[Settings]] = {
    "limits": LimitsSettings,
    "output": OutputSettings,
    "quality": QualitySettings,
    "ocr": OcrSettings,
    "pdf": PdfSettings,
    "input": InputSettings,
}
