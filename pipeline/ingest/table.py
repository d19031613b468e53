"""CSV and TSV files: one column of every row is the text, the rest is metadata.

The first row is the header (the convention Excel, pandas and our scraped
provincial corpus follow). The text column is `[input] field` (`--field` on
the command line, as for `ocrclean jsonl`); without it, a column named `text`,
else the column holding the most characters over all rows. In each of the 31
provincial files (province, year, title, source_url, publish_date, full_text)
that is `full_text`; the short columns are metadata, not report text, so no
other column is cleaned. The column taken is named in the report
(`source.metadata.table_field`).

Each row is one document; a file is one output (`run` names outputs by input
file), its rows in order, a blank line between them, so a one-report CSV gives
that report and nothing else. Rows whose text cell is empty are counted
(`table_rows_empty`), not failed. Lines keep their source line numbers.
Bytes decode as a text file does (a GBK export from Excel reads as GBK);
a malformed file (an unclosed quote, a NUL) fails with its line number.
"""

from __future__ import annotations

import csv
import io
import sys

from ..document import Document, Line
from ..errors import InputError

DELIMITERS = {".csv": ",", ".tsv": "\t", ".tab": "\t"}


def _rows(text: str, delimiter: str, name: str) -> list[tuple[int, list[str]]]:
    """(first source line, cells) for every row, header included."""
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for cells in reader:
            rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as e:
        raise InputError(name, f"not a well-formed {'TSV' if delimiter == chr(9) else 'CSV'} file at line {reader.line_num}: {e}") from None
    return rows


def pick_column(header: list[str], body: list[list[str]], field: str, name: str) -> int:
    """The index of the text column: `field` when given, else `text`, else the fullest."""
    names = [h.strip().lstrip("\ufeff") for h in header]
    if field:
        if field not in names:
            raise InputError(name, f"no column {field!r} (columns: {', '.join(map(repr, names))}); choose one with --field")
        return names.index(field)
    if "text" in names:
        return names.index("text")
    totals = [sum(len("".join(r[i].split())) for r in body if i < len(r)) for i in range(len(names))]
    return max(range(len(names)), key=lambda i: (totals[i], -i))


def table_document(data: bytes, name: str, suffix: str, field: str = "") -> Document:
    """A Document from the bytes of a CSV/TSV file: the text column of every row."""
    from .text import decode_bytes

    text, enc = decode_bytes(data, name)
    if "\x00" in text:
        raise InputError(name, "binary file (NUL bytes), not a CSV file")
    rows = _rows(text.lstrip("\ufeff"), DELIMITERS.get(suffix, ","), name)
    if len(rows) < 2:
        raise InputError(name, "no data rows (only a header)" if rows else "no rows")
    header, body = rows[0][1], [cells for _, cells in rows[1:]]
    col = pick_column(header, body, field, name)
    lines: list[Line] = []
    empty = 0
    for start, cells in rows[1:]:
        cell = cells[col] if col < len(cells) else ""
        if not cell.strip():
            empty += 1
            continue
        first = start + sum(c.count("\n") for c in cells[:col])
        if lines:
            gap = min(lines[-1].src[1] + 1, first)
            lines.append(Line("", (gap, gap)))
        cell = cell.replace("\r\n", "\n").replace("\r", "\n")
        lines.extend(Line(t, (first + i, first + i)) for i, t in enumerate(cell.split("\n")))
    if not lines:
        raise InputError(name, f"column {header[col].strip()!r} is empty in every row")
    doc = Document(lines=lines, source=name, kind="text")
    doc.metadata.update(
        encoding=enc, format=suffix.lstrip(".") or "csv", table_field=header[col].strip().lstrip("\ufeff"),
        table_rows=len(body), table_rows_empty=empty,
    )
    return doc
