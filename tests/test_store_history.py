"""Captures imported out of order land in their place in a document's version history."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from pressarchive import Document
from pressarchive.store import Archive, Capture

URL = "https://police.example/press/1"


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    archive = Archive(f"sqlite:///{tmp_path / 'a.sqlite'}")
    archive.upsert_source("police", title="Police")
    yield archive
    archive.close()


def save(archive: Archive, text: str, when: datetime, origin: str | None = None) -> str:
    capture = Capture("police", URL, 200, "text/html", 10, when, text.encode().hex()[:64].ljust(64, "0"),
                      "x.warc.gz", 0, origin=origin)
    doc = Document(url=URL, title="Release", text=text, language="en", source="police")
    return archive.save_document(doc, archive.record_capture(capture)).status


def history(archive: Archive) -> list[tuple[int, str, datetime]]:
    stored = archive.get_document(1)
    assert stored is not None
    return [(v.number, v.text, v.captured_at) for v in stored.versions]


def test_an_older_capture_with_other_text_becomes_an_earlier_version(archive: Archive) -> None:
    assert save(archive, "today", datetime(2026, 1, 1)) == "new"
    assert save(archive, "in 2017", datetime(2017, 5, 1), origin="warc:old.warc.gz#10") == "past"
    assert history(archive) == [(1, "in 2017", datetime(2017, 5, 1)), (2, "today", datetime(2026, 1, 1))]
    stored = archive.get_document(1)
    assert stored is not None and stored.document.text == "today" and stored.document.version == 2
    assert stored.first_captured == datetime(2017, 5, 1)
    assert stored.versions[0].capture.origin == "warc:old.warc.gz#10"
    assert [d.id for d in archive.pending_index()] == [1]  # its version number moved: reindexed


def test_captures_in_any_order_give_the_same_history(archive: Archive) -> None:
    for text, year in (("c", 2021), ("a", 2017), ("b", 2019), ("a2", 2018), ("b", 2020)):
        save(archive, text, datetime(year, 1, 1))
    assert [(n, t) for n, t, _ in history(archive)] == [(1, "a"), (2, "a2"), (3, "b"), (4, "c")]
    assert [when.year for _, _, when in history(archive)] == [2017, 2018, 2019, 2021]


def test_the_same_text_seen_earlier_moves_the_version_back(archive: Archive) -> None:
    save(archive, "first", datetime(2020, 1, 1))
    save(archive, "second", datetime(2022, 1, 1))
    assert save(archive, "second", datetime(2021, 1, 1)) == "unchanged"
    assert save(archive, "first", datetime(2020, 6, 1)) == "unchanged"
    assert history(archive) == [(1, "first", datetime(2020, 1, 1)), (2, "second", datetime(2021, 1, 1))]


def test_an_old_capture_does_not_restore_a_removed_document(archive: Archive) -> None:
    save(archive, "text", datetime(2024, 1, 1))
    archive.mark_removed(URL, datetime(2025, 1, 1), "http_404")
    save(archive, "older text", datetime(2019, 1, 1))
    stored = archive.get_document(1)
    assert stored is not None and stored.removals and stored.removals[-1].restored_at is None


def test_capture_exists_by_url_and_payload(archive: Archive) -> None:
    save(archive, "text", datetime(2024, 1, 1))
    digest = b"text".hex()[:64].ljust(64, "0")
    assert archive.capture_exists(URL, digest)
    assert not archive.capture_exists(URL, "f" * 64) and not archive.capture_exists(URL + "?x", digest)
