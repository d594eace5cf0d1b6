"""The import session: foreign responses judged, copied into the archive's WARC files and saved."""

from __future__ import annotations

import gzip
from datetime import datetime
from pathlib import Path

import pytest

from pressarchive.datadir import DataDir, prepare_data_dir
from pressarchive.imports import ForeignResponse, ImportOptions, ImportSession
from pressarchive.profiles import Profile
from pressarchive.store import Archive
from pressarchive.warc import read_response, verify_captures
from pressarchive.warc.verify import CaptureLocation
from tests.storebackends import data_dir_on

POLICE = Profile(name="police", title="Example Police", agency="Example Police", country="ES", language="es",
                 allowed_domains=("police.example",))
PARAGRAPH = ("Officers of the national police arrested {n} people in an operation against online abuse "
             "networks, after an investigation that lasted two years and reached several countries. ")


def page(n: int) -> bytes:
    text = PARAGRAPH.format(n=n) * 4
    return (f"<html lang='en'><head><title>Operation Marea: {n} arrests</title></head><body><article>"
            f"<h1>Operation Marea: {n} arrests</h1><p>{text}</p><p>{text}</p></article></body></html>").encode()


def response(url: str, body: bytes, when: datetime, content_type: str = "text/html; charset=utf-8",
             status: int = 200, encoding: str = "") -> ForeignResponse:
    headers = [("Content-Type", content_type)] + ([("Content-Encoding", encoding)] if encoding else [])
    return ForeignResponse(url=url, captured_at=when, status=status, reason="OK", headers=tuple(headers),
                           body=body, origin=f"warc:test.warc.gz#{int(when.timestamp())}")


@pytest.fixture
def data(tmp_path: Path, store_db: str | None) -> DataDir:
    return prepare_data_dir(data_dir_on(tmp_path / "data", store_db))


def run(data: DataDir, responses: list[ForeignResponse], workers: int = 0, source: str | None = None):
    with ImportSession(data, ImportOptions(source=source, workers=workers), {"police": POLICE}) as session:
        for item in responses:
            session.add(item)
    return session.summary


@pytest.mark.parametrize("workers", [0, 1])
def test_pages_become_documents_with_their_original_dates(data: DataDir, workers: int) -> None:
    url = "https://www.police.example/press/1"
    summary = run(data, [response(url, page(38), datetime(2019, 5, 2, 10)),
                         response(url, page(39), datetime(2017, 3, 1, 9)),
                         response("https://news.example/story", gzip.compress(page(40)), datetime(2018, 1, 1),
                                  encoding="gzip")], workers=workers)
    assert summary.documents == {"new": 2, "past": 1} and summary.captures == 3
    archive = Archive(data.database_url)
    try:
        stored = archive.get_document(1)
        assert stored is not None and stored.document.source == "police" and stored.document.agency == "Example Police"
        assert [(v.number, v.captured_at) for v in stored.versions] == [
            (1, datetime(2017, 3, 1, 9)), (2, datetime(2019, 5, 2, 10))]
        assert "38" in stored.document.title and "39" in stored.versions[0].title
        assert stored.versions[0].capture.origin.startswith("warc:test.warc.gz#")
        news = archive.get_document(2)
        assert news is not None and news.document.source == "news.example"
        record = read_response(data.warc_dir / news.versions[0].capture.warc_file, news.versions[0].capture.warc_offset)
        assert record.date == "2018-01-01T00:00:00Z" and record.body == page(40)
        locations = [CaptureLocation(*row) for row in archive.capture_locations()]
    finally:
        archive.close()
    assert verify_captures(data.warc_dir, locations).ok


def test_importing_twice_adds_nothing(data: DataDir) -> None:
    items = [response("https://police.example/press/2", page(7), datetime(2020, 1, 1))]
    run(data, items)
    again = run(data, items)
    assert again.skipped == {"duplicate": 1} and again.captures == 0 and not again.documents


def test_media_and_other_responses_are_counted_never_extracted(data: DataDir) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    summary = run(data, [
        response("https://police.example/logo.png", png, datetime(2020, 1, 1), "image/png"),
        response("https://police.example/disguised", png, datetime(2020, 1, 1)),  # a PNG sent as HTML
        response("https://police.example/data", b"{}", datetime(2020, 1, 1), "application/json"),
        response("https://police.example/gone", page(1), datetime(2020, 1, 1), status=404),
    ])
    assert summary.skipped == {"media": 2, "not_text": 1, "status": 1} and summary.captures == 0


def test_source_option_assigns_every_page(data: DataDir) -> None:
    summary = run(data, [response("https://elsewhere.example/a", page(3), datetime(2020, 1, 1))], source="police")
    assert summary.documents == {"new": 1}
    archive = Archive(data.database_url)
    try:
        stored = archive.get_document(1)
        assert stored is not None and stored.document.source == "police"
    finally:
        archive.close()


def test_an_origin_cannot_add_fields_to_the_archived_record(data: DataDir) -> None:
    hostile = "warc:evil.warc.gz\r\nWARC-Target-URI: https://attacker.example/\r\nX: y#10"
    item = response("https://police.example/press/9", page(9), datetime(2020, 1, 1))
    run(data, [ForeignResponse(**{**{f: getattr(item, f) for f in item.__slots__}, "origin": hostile})])
    archive = Archive(data.database_url)
    try:
        capture = archive.get_document(1).versions[0].capture  # type: ignore[union-attr]
    finally:
        archive.close()
    from warcio.archiveiterator import ArchiveIterator

    with open(data.warc_dir / capture.warc_file, "rb") as fh:
        fh.seek(capture.warc_offset)
        record = next(iter(ArchiveIterator(fh)))
    assert record.rec_headers.get_header("WARC-Target-URI") == "https://police.example/press/9"
    assert record.rec_headers.get_header("WARC-Pressarchive-Origin") == (
        "warc:evil.warc.gz WARC-Target-URI: https://attacker.example/ X: y#10")


def test_a_page_back_to_an_earlier_text_is_not_a_duplicate(data: DataDir) -> None:
    url = "https://police.example/press/3"
    summary = run(data, [response(url, page(38), datetime(2017, 1, 1)), response(url, page(39), datetime(2018, 1, 1)),
                         response(url, page(38), datetime(2019, 1, 1))])
    assert summary.documents == {"new": 1, "changed": 2} and not summary.skipped
    archive = Archive(data.database_url)
    try:
        stored = archive.get_document(1)
        assert stored is not None and "38" in stored.document.title and len(stored.versions) == 3
    finally:
        archive.close()
