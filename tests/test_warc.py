from __future__ import annotations

import hashlib
import subprocess
import sys
from datetime import datetime, UTC
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from pressarchive.warc import Exchange, RotatingWarcWriter, read_response


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
