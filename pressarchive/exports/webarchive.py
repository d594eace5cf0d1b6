"""WARC and WACZ exports of a search or a collection: the captures behind its documents.

Where the CSV and JSON Lines exports give what the archive read from the pages, these give
the pages themselves, as every web-archive tool (pywb, ReplayWeb.page, warcio, another
pressarchive's ``import-warc``) reads them, so a citation can be checked by anyone. The
documents are chosen as for any export (a search's matches in its order, or a collection),
before a byte is written; the files are made by :func:`write_warc` and :func:`write_wacz`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pressarchive.errors import UserError
from pressarchive.exports.export import FORMATS, dated_filename, search_label
from pressarchive.exports.wacz import WaczExport, write_wacz
from pressarchive.exports.warcexport import WarcExport, warc_chunks, write_warc

if TYPE_CHECKING:
    from pressarchive.index import SearchRequest
    from pressarchive.service import ArchiveService


@dataclass(frozen=True)
class WebArchiveFormat:
    """A format's name (``format=`` / ``--format``), media type and file extension."""

    name: str
    media_type: str
    extension: str


WEB_ARCHIVE_FORMATS: dict[str, WebArchiveFormat] = {
    "warc": WebArchiveFormat("warc", "application/warc", "warc.gz"),
    "wacz": WebArchiveFormat("wacz", "application/wacz", "wacz"),
}

#: Every format an export writes: rows of what the archive read, or the captures themselves.
ALL_FORMATS: tuple[str, ...] = (*FORMATS, *WEB_ARCHIVE_FORMATS)


@dataclass(frozen=True)
class Selection:
    """The documents an export holds, in order, and what chose them (for names and titles)."""

    ids: list[int]
    label: str

    def filename(self, format: WebArchiveFormat) -> str:
        return dated_filename(self.label, format.extension)

    @property
    def title(self) -> str:
        """A WACZ's title: what a replay tool lists the package as."""
        return f"pressarchive: {self.label or 'every document'}"

    def description(self, all_versions: bool) -> str:
        versions = "every archived version" if all_versions else "the current version"
        return f"The captures behind {versions} of {len(self.ids)} documents ({self.label or 'every document'})."


def is_web_archive(name: str) -> bool:
    """Whether format ``name`` exports captures (else rows; a name that is neither is refused
    with the full list of formats)."""
    if name in WEB_ARCHIVE_FORMATS:
        return True
    if name not in FORMATS:
        raise UserError(f"bad format {name[:40]!r}: expected one of {', '.join(ALL_FORMATS)}",
                        parameter="format", value=name)
    return False


def search_selection(service: ArchiveService, request: SearchRequest) -> Selection:
    """Every match of ``request`` in its order (paging ignored)."""
    return Selection(service.matching_ids(request), search_label(request))


def collection_selection(service: ArchiveService, name: str) -> Selection:
    """A collection's documents in the order they were added (NotFound for an unknown name)."""
    view = service.collections.show(name)
    return Selection([item.document_id for item in view.items], f"collection {view.collection.name}")


__all__ = [
    "ALL_FORMATS", "WEB_ARCHIVE_FORMATS", "Selection", "WaczExport", "WarcExport", "WebArchiveFormat",
    "collection_selection", "is_web_archive", "search_selection", "warc_chunks", "write_wacz", "write_warc",
]
