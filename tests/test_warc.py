from __future__ import annotations

import errno
import gzip
import hashlib
import io
import subprocess
import sys
from datetime import datetime, UTC
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from warcio.archiveiterator import ArchiveIterator

from pressarchive.warc import Exchange, RotatingWarcWriter, read_response

if TYPE_CHECKING:
    from collections.abc import Buffer


def exchange(i: int) -> Exchange:
    body = f"<html><body><p>Comunicado número {i}</p></body></html>".encode() * 20
    return Exchange(
        url=f"http://127.0.0.1/press/{i}", method="GET", request_headers=[("User-Agent", "pressarchive-test")],
        status=200, reason="OK",
        response_headers=[("Content-Type", "text/html; charset=utf-8"), ("Transfer-Encoding", "chunked")],
        body=body, captured_at=datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC),
    )


def test_rotating_writer_offsets_point_at_responses(tmp_path: Path) -> None:
    writer = RotatingWarcWriter(tmp_path, max_size=3000)
    locations = [writer.write(exchange(i)) for i in range(6)]
    writer.close()
    assert len({loc.warc_file for loc in locations}) > 1, "files rotate by size"
    for i, loc in enumerate(locations):
        record = read_response(tmp_path / loc.warc_file, loc.offset)
        assert record.url == f"http://127.0.0.1/press/{i}"
        assert record.date == "2020-01-02T03:04:05Z" and record.status == 200
        assert hashlib.sha256(record.body).hexdigest() == loc.payload_sha256
    warcio = Path(sys.executable).parent / "warcio"
    check = subprocess.run([warcio, "check", *map(str, tmp_path.iterdir())], capture_output=True, check=False)
    assert check.returncode == 0, check.stderr


def test_each_file_has_warcinfo_request_and_response(tmp_path: Path) -> None:
    writer = RotatingWarcWriter(tmp_path)
    writer.write(exchange(1))
    writer.close()
    (path,) = tmp_path.iterdir()
    with open(path, "rb") as fh:
        records = [(r.rec_type, r.http_headers.get_header("Transfer-Encoding") if r.http_headers else None)
                   for r in ArchiveIterator(fh)]
    assert [kind for kind, _ in records] == ["warcinfo", "response", "request"]
    assert records[1][1] is None, "the de-chunked body is not described as chunked"


def test_open_file_is_renamed_on_close_and_readable_meanwhile(tmp_path: Path) -> None:
    writer = RotatingWarcWriter(tmp_path)
    location = writer.write(exchange(1))
    assert [p.name for p in tmp_path.iterdir()] == [location.warc_file + ".open"]
    assert read_response(tmp_path / location.warc_file, location.offset).status == 200
    writer.close()
    assert [p.name for p in tmp_path.iterdir()] == [location.warc_file]


def test_repair_cuts_a_half_written_record(tmp_path: Path) -> None:
    from pressarchive.warc import repair_open_files

    writer = RotatingWarcWriter(tmp_path)
    locations = [writer.write(exchange(i)) for i in range(3)]
    open_path = tmp_path / (locations[0].warc_file + ".open")
    assert repair_open_files(tmp_path) == [], "a file a live writer holds is left alone"
    good = open_path.read_bytes()
    writer._file.close()  # simulate kill -9: no rename, then a torn record at the end
    torn = gzip.compress(b"WARC/1.1\r\nWARC-Type: response\r\n\r\n" + bytes(range(256)) * 8)[:100]
    open_path.write_bytes(good + torn)
    (repair,) = repair_open_files(tmp_path)
    assert (repair.kept_bytes, repair.cut_bytes) == (len(good), 100)
    final = tmp_path / locations[0].warc_file
    with open(final, "rb") as fh:
        types = [record.rec_type for record in ArchiveIterator(fh)]
    assert types == ["warcinfo"] + ["response", "request"] * 3
    assert (tmp_path / (final.name + ".partial")).stat().st_size == 100
    assert read_response(final, locations[2].offset).url.endswith("/press/2")


class _DiskFillsUp(io.FileIO):
    """The WARC file on a disk that fills up part-way through write number ``fail_at``."""

    def __init__(self, path: Path, fail_at: int) -> None:
        super().__init__(path, "r+b")
        self.seek(0, io.SEEK_END)
        self.calls = 0
        self.fail_at = fail_at

    def write(self, data: Buffer) -> int:
        self.calls += 1
        if self.calls == self.fail_at:
            super().write(bytes(data)[: len(bytes(data)) // 2])  # the disk took half of it
            raise OSError(errno.ENOSPC, "No space left on device")
        return super().write(data)


@pytest.mark.parametrize("fail_at", [1, 2], ids=["response-member", "request-member"])
def test_a_failed_write_leaves_the_file_exactly_as_before_the_record(tmp_path: Path, fail_at: int) -> None:
    writer = RotatingWarcWriter(tmp_path)
    first = writer.write(exchange(1))
    open_path = tmp_path / (first.warc_file + ".open")
    before = open_path.read_bytes()
    live = writer._file
    writer._file = _DiskFillsUp(open_path, fail_at)  # type: ignore[assignment]
    with pytest.raises(OSError) as raised:
        writer.write(exchange(2))
    assert raised.value.errno == errno.ENOSPC, "the error goes on to the caller"
    assert open_path.read_bytes() == before, "no half record, no lone response member"
    third = writer.write(exchange(3))  # space again: the next record starts where the cut left off
    assert third.offset == len(before)
    writer.close()
    assert live is not None
    live.close()
    with open(tmp_path / first.warc_file, "rb") as fh:
        records = [(rec.rec_type, rec.rec_headers.get_header("WARC-Target-URI")) for rec in ArchiveIterator(fh)]
    assert [kind for kind, _ in records] == ["warcinfo", "response", "request", "response", "request"]
    assert [url for kind, url in records if kind == "response"] == ["http://127.0.0.1/press/1", "http://127.0.0.1/press/3"]
    assert read_response(tmp_path / third.warc_file, third.offset).url.endswith("/press/3")


def test_a_stop_while_a_file_is_opened_leaves_no_file_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Ctrl-C or SIGTERM raises where the program is; a new file the writer does not hold yet
    # would stay ".open" after close() (seen when an import was stopped at its first record).
    from pressarchive.warc import writer as warc_writer

    def stopped(_fh: object, _data: bytes) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(warc_writer, "_write_all", stopped)
    writer = RotatingWarcWriter(tmp_path)
    with pytest.raises(KeyboardInterrupt):
        writer.write(exchange(1))
    writer.close()
    assert list(tmp_path.iterdir()) == []
