"""Reading one capture back from a WARC file, to prove where a document came from."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import BufferedReader

from pressarchive.warc.writer import warc_path as current_path


@dataclass(frozen=True, slots=True)
class ArchivedResponse:
    """A response record as stored: URL, date, HTTP status and the payload bytes."""

    url: str
    date: str
    status: int
    content_type: str
    body: bytes
    record_id: str = ""
    # The response's own headers as archived (the raw original is served with none of them,
    # but its charset and type are read from here).
    headers: tuple[tuple[str, str], ...] = ()


def read_response(warc_path: Path, offset: int) -> ArchivedResponse:
    """The response record that starts at ``offset`` in ``warc_path`` (closed or still open)."""
    with open(current_path(Path(warc_path).parent, Path(warc_path).name), "rb") as fh:
        fh.seek(offset)
        record = next(iter(ArchiveIterator(fh)))
        if record.rec_type != "response":
            raise ValueError(f"{warc_path}@{offset} is a {record.rec_type} record, not a response")
        http = record.http_headers
        return ArchivedResponse(
            url=record.rec_headers.get_header("WARC-Target-URI"),
            date=record.rec_headers.get_header("WARC-Date"),
            status=int(http.get_statuscode()) if http else 0,
            content_type=(http.get_header("Content-Type") or "") if http else "",
            body=record.content_stream().read(),
            record_id=record.rec_headers.get_header("WARC-Record-ID") or "",
            headers=tuple(http.headers) if http else (),
        )


def still_encoded(response: ArchivedResponse) -> bool:
    """Whether ``response.body`` is still compressed: WARC files keep bodies as they came off the
    wire and warcio undoes only the codings it knows (gzip, deflate, br), one at a time."""
    coding = next((value for name, value in response.headers if name.lower() == "content-encoding"), "")
    coding = coding.strip().lower()
    return coding not in ("", "identity") and coding not in BufferedReader.get_supported_decompressors()
