"""CSV: one header row, then one row per document, safe to open in a spreadsheet.

Archived titles, URLs and texts are written by strangers: a cell that starts with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return would be run as a formula by Excel or
LibreOffice, so it gets a leading single quote (OWASP's advice). Lists are joined with
``"; "``; an unknown date is an empty cell.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

#: First characters a spreadsheet reads as the start of a formula.
FORMULA_STARTS = frozenset("=+-@\t\r")
LIST_SEPARATOR = "; "


def safe_cell(value: Any) -> Any:
    """``value`` as a CSV cell: lists joined, ``None`` empty, formula-like text quoted."""
    if not isinstance(value, str):
        if value is None:
            return ""
        if not isinstance(value, list | tuple):
            return value
        value = LIST_SEPARATOR.join(map(str, value))
    return "'" + value if value[:1] in FORMULA_STARTS else value


def csv_chunks(header: Sequence[str], batches: Iterable[Iterable[Sequence[Any]]]) -> Iterator[bytes]:
    """The header, then one UTF-8 chunk per batch of rows (CRLF line ends, as RFC 4180 says)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    yield _drain(buffer)
    for rows in batches:
        writer.writerows(map(_safe_row, rows))
        yield _drain(buffer)


def _safe_row(row: Sequence[Any]) -> list[Any]:
    # safe_cell inlined for the common case (a plain string): it runs for every cell of every row.
    return [("'" + value if value[:1] in FORMULA_STARTS else value) if value.__class__ is str else safe_cell(value)
            for value in row]


def _drain(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return data
