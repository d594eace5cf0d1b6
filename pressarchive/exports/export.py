"""An export: which documents, in which format, under which file name, as a stream of bytes.

The ids come first and whole (a search's matches in its order, from
:meth:`~pressarchive.service.ArchiveService.matching_ids`, or a list such as a collection's):
a bad query or format is refused before a single byte is sent. The rows are read a batch at
a time as the stream is consumed, so memory holds the ids and one batch, whatever the total.
Paging (``page``, ``limit``) is ignored: an export holds every match.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from pressarchive.errors import UserError
from pressarchive.exports.columns import columns_for, row_values
from pressarchive.exports.csvformat import csv_chunks
from pressarchive.exports.jsonlines import jsonl_chunks
from pressarchive.permalinks import BASE_URL_ENV
from pressarchive.searchparams import BY_NAME, FILTERS, PAGING
from pressarchive.store import Archive
from pressarchive.store.exportrows import ExportRow
from pressarchive.store.rows import ID_CHUNK

if TYPE_CHECKING:
    from pressarchive.index import SearchRequest
    from pressarchive.service import ArchiveService

Writer = Callable[[Sequence[str], Iterable[Iterable[Sequence[Any]]]], Iterator[bytes]]
#: The search parameters an export ignores: it holds every match, not a page of them.
IGNORED_PARAMS = PAGING
#: Longest query-and-filters part of a file name.
MAX_LABEL = 60


@dataclass(frozen=True)
class ExportFormat:
    """A format's name (``format=`` / ``--format``), media type, file extension and writer."""

    name: str
    media_type: str
    extension: str
    write: Writer


FORMATS: dict[str, ExportFormat] = {
    "csv": ExportFormat("csv", "text/csv; charset=utf-8", "csv", csv_chunks),
    "jsonl": ExportFormat("jsonl", "application/x-ndjson", "jsonl", jsonl_chunks),
}


@dataclass
class RowTally:
    """How many rows the stream has produced so far (a match the store no longer has is none)."""

    rows: int = 0


@dataclass(frozen=True)
class Export:
    """A ready export to be sent as ``chunks`` under ``filename``: ``matches`` documents asked
    for (the index's count, sent before the rows; an upper bound, as a document gone from the
    store is left out), of which ``written`` have left so far."""

    format: ExportFormat
    filename: str
    matches: int
    chunks: Iterator[bytes]
    tally: RowTally

    @property
    def media_type(self) -> str:
        return self.format.media_type

    @property
    def written(self) -> int:
        """The rows produced so far: all of them once ``chunks`` is consumed."""
        return self.tally.rows


def export_format(name: str) -> ExportFormat:
    """The format called ``name``; a clear error for any other."""
    try:
        return FORMATS[name]
    except KeyError:
        raise UserError(f"bad format {name[:40]!r}: expected one of {', '.join(FORMATS)}") from None


def export_search(
    service: ArchiveService, request: SearchRequest, format: str, *, text: bool = False,
    base_url: str | None = None, today: date | None = None,
) -> Export:
    """Every match of ``request`` in its order (paging ignored) as an export.

    ``base_url`` makes permalinks absolute (default: ``PRESSARCHIVE_BASE_URL``, else paths).
    """
    chosen = export_format(format)  # before the search: a bad format costs nothing
    ids = service.matching_ids(request)
    return export_documents(
        service.archive, ids, chosen.name, label=search_label(request), text=text, base_url=base_url, today=today,
    )


def export_documents(
    archive: Archive, ids: Sequence[int], format: str, *, label: str = "documents", text: bool = False,
    base_url: str | None = None, today: date | None = None, notes: Mapping[int, str] | None = None,
) -> Export:
    """The documents ``ids`` (in this order; unknown ids left out) as an export whose file
    name carries ``label`` (a query, a collection's name) and ``today``'s date; ``notes``
    (a collection's, by document id) adds a ``note`` column."""
    chosen = export_format(format)
    header = columns_for(text, notes is not None)
    # permalink()'s default base, looked up once rather than in the environment for every row.
    base = base_url if base_url is not None else os.environ.get(BASE_URL_ENV, "")
    tally = RowTally()

    def batches() -> Iterator[list[list[Any]]]:
        for rows in row_batches(archive, ids, text):
            tally.rows += len(rows)
            yield [row_values(row, base, notes) for row in rows]

    return Export(chosen, export_filename(label, chosen, today), len(ids), chosen.write(header, batches()), tally)


def export_collection(
    service: ArchiveService, name: str, format: str, *, text: bool = False, base_url: str | None = None,
    today: date | None = None,
) -> Export:
    """A collection's documents, in the order they were added, with each one's note: exported
    like a search (NotFound for an unknown collection, before anything is written)."""
    export_format(format)
    view = service.collections.show(name)
    notes = {item.document_id: item.note for item in view.items}
    return export_documents(
        service.archive, list(notes), format, label=f"collection {view.collection.name}", text=text,
        base_url=base_url, today=today, notes=notes,
    )


def row_batches(archive: Archive, ids: Sequence[int], with_text: bool = False,
                size: int = ID_CHUNK) -> Iterator[list[ExportRow]]:
    """The rows of ``ids`` a batch (one store query) at a time, read only as they are consumed."""
    for start in range(0, len(ids), size):
        yield archive.export_rows(ids[start:start + size], with_text)


def search_label(request: SearchRequest) -> str:
    """The query and the filters' values of ``request``, for a file name."""
    parts = [request.query]
    for name in FILTERS:
        value = getattr(request, BY_NAME[name].attr, None)
        if value is not None and value != "":
            parts.append(f"{name}-{value}")
    return " ".join(part for part in parts if part)


def export_filename(label: str, format: ExportFormat, today: date | None = None) -> str:
    """``pressarchive-<label>-<YYYY-MM-DD>.<ext>`` (see :func:`dated_filename`)."""
    return dated_filename(label, format.extension, today)


def dated_filename(label: str, extension: str, today: date | None = None) -> str:
    """``pressarchive-<label>-<YYYY-MM-DD>.<extension>``, the label folded to ASCII letters,
    digits and dashes (``all`` when empty), so the name is safe in a header and on any disk."""
    day = today or datetime.now(UTC).date()
    return f"pressarchive-{_slug(label)}-{day.isoformat()}.{extension}"


def _slug(label: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:MAX_LABEL].rstrip("-") or "all"
