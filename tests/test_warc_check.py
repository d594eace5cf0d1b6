"""``check`` proves every capture's evidence: its WARC file exists and its record at the stored
offset is a response for that URL whose payload has the stored sha256.

The sample press room is crawled once; each test copies that data directory and damages it
the way a disk, an operator or a bug could (a WARC file deleted, bytes overwritten at a record,
a row's digest or offset changed), then reads ``check``'s report, human and ``--json``, and its
exit status, with and without ``--repair``.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from pressarchive.warc import CaptureLocation, Exchange, RotatingWarcWriter, verify_captures
from tests.conftest import CLI


@pytest.fixture
def archive_copy(crawled: dict[str, Any], tmp_path: Path) -> CLI:
    source: CLI = crawled["cli"]
    shutil.copytree(source.data, tmp_path / "data")
    return CLI(tmp_path / "data")


def _sql(cli: CLI, statement: str, *args: object) -> list[tuple[Any, ...]]:
    with sqlite3.connect(cli.data / "archive.sqlite") as conn:
        return conn.execute(statement, args).fetchall()


def _release_capture(cli: CLI) -> tuple[int, str, int]:
    """A capture some document's current version points at: (id, WARC file, offset)."""
    rows = _sql(cli, "SELECT c.id, c.warc_file, c.warc_offset FROM captures c "
                     "JOIN versions v ON v.capture_id = c.id ORDER BY c.id LIMIT 1")
    return rows[0]


def test_a_crawled_archive_checks_clean(archive_copy: CLI) -> None:
    report = archive_copy.json("check")
    captures = _sql(archive_copy, "SELECT count(*) FROM captures")[0][0]
    assert report["ok"] is True and report["warc_ok"] is True
    assert report["captures"] == captures > 20
    assert all(report[name]["count"] == 0 for name in ("warc_missing_file", "warc_bad_record", "digest_mismatch"))
    human = archive_copy("check")
    assert human.returncode == 0 and f"{captures} captures in" in human.stdout


def test_a_changed_digest_is_a_mismatch_and_repair_says_it_cannot_fix_it(archive_copy: CLI) -> None:
    capture_id, _file, _offset = _release_capture(archive_copy)
    _sql(archive_copy, "UPDATE captures SET payload_sha256 = ? WHERE id = ?", "0" * 64, capture_id)
    result = archive_copy("check", "--json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["digest_mismatch"] == {"count": 1, "examples": [capture_id]}
    assert report["ok"] is False and report["index_ok"] is True
    repair = archive_copy("check", "--repair")
    assert repair.returncode == 1, "WARC damage is left: the exit says so"
    assert "cannot repair: 1 captures" in repair.stdout and "Traceback" not in repair.stderr


def test_overwritten_bytes_and_a_wrong_offset_are_bad_records(archive_copy: CLI) -> None:
    capture_id, warc_file, offset = _release_capture(archive_copy)
    path = archive_copy.data / "warc" / warc_file
    with open(path, "r+b") as fh:
        fh.seek(offset + 20)
        fh.write(b"\0" * 64)  # inside the record's gzip member
    other = _sql(archive_copy, "SELECT id, warc_offset FROM captures WHERE warc_file = ? AND id != ? "
                               "ORDER BY id LIMIT 1", warc_file, capture_id)[0]
    _sql(archive_copy, "UPDATE captures SET warc_offset = ? WHERE id = ?", other[1] + 1, other[0])
    report = json.loads(archive_copy("check", "--json").stdout)
    assert sorted(report["warc_bad_record"]["examples"]) == sorted([capture_id, other[0]])
    assert report["warc_bad_record"]["count"] == 2 and report["digest_mismatch"]["count"] == 0


def test_a_deleted_warc_file_is_reported_by_name(archive_copy: CLI) -> None:
    _capture_id, warc_file, _offset = _release_capture(archive_copy)
    in_file = _sql(archive_copy, "SELECT count(*) FROM captures WHERE warc_file = ?", warc_file)[0][0]
    (archive_copy.data / "warc" / warc_file).unlink()
    result = archive_copy("check")
    assert result.returncode == 1
    assert f"warc_missing_file {in_file}" in result.stdout
    assert f"missing WARC files: {warc_file}" in result.stdout


def test_the_payload_is_hashed_as_captured_not_decoded(tmp_path: Path) -> None:
    body = gzip.compress(b"<html><body><p>Comunicado</p></body></html>" * 50)
    exchange = Exchange(
        url="http://127.0.0.1/press/gz", method="GET", request_headers=[], status=200, reason="OK",
        response_headers=[("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
        body=body, captured_at=datetime(2020, 1, 2, tzinfo=UTC),
    )
    writer = RotatingWarcWriter(tmp_path)
    location = writer.write(exchange)
    writer.close()
    capture = CaptureLocation(1, exchange.url, location.warc_file, location.offset, hashlib.sha256(body).hexdigest())
    assert verify_captures(tmp_path, [capture]).ok
    elsewhere = CaptureLocation(1, "http://127.0.0.1/b", location.warc_file, location.offset, capture.payload_sha256)
    assert verify_captures(tmp_path, [elsewhere]).bad_record == [1]
