"""Captures imported out of order land in their place in a document's version history."""

from __future__ import annotations

from datetime import datetime

import pytest

from pressarchive import Document
from pressarchive.store import Archive, Capture

URL = "https://police.example/press/1"


@pytest.fixture
def archive(store_url: str) -> Archive:
    archive = Archive(store_url)
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


def test_capture_exists_by_url_payload_and_time(archive: Archive) -> None:
    when = datetime(2024, 1, 1, 12, 0, 5)
    save(archive, "text", when)
    digest = b"text".hex()[:64].ljust(64, "0")
    assert archive.capture_exists(URL, digest, when)
    assert archive.capture_exists(URL, digest, when.replace(microsecond=7))
    assert not archive.capture_exists(URL, "f" * 64, when) and not archive.capture_exists(URL + "?x", digest, when)
    assert not archive.capture_exists(URL, digest, datetime(2024, 1, 1, 12, 0, 6))


def recapture(archive: Archive, when: datetime, status: int = 304) -> None:
    """An unchanged recrawl: a capture row and a touch, as the crawler records a 304."""
    archive.record_capture(Capture("police", URL, status, "text/html", 0, when, "0" * 64, "x.warc.gz", 0))
    archive.touch_document(URL, when)


def test_a_past_text_between_two_captures_of_the_same_text_is_followed_by_its_return(archive: Archive) -> None:
    save(archive, "A", datetime(2020, 1, 1))
    recapture(archive, datetime(2022, 1, 1))
    assert save(archive, "B", datetime(2021, 1, 1)) == "past"
    assert history(archive) == [(1, "A", datetime(2020, 1, 1)), (2, "B", datetime(2021, 1, 1)),
                                (3, "A", datetime(2022, 1, 1))]
    stored = archive.get_document(1)
    assert stored is not None and stored.document.text == "A" and stored.document.version == 3


def test_a_past_text_before_a_later_version_keeps_the_recapture_between(archive: Archive) -> None:
    save(archive, "A", datetime(2020, 1, 1))
    save(archive, "A", datetime(2023, 1, 1))  # an unchanged 200 recapture
    save(archive, "C", datetime(2024, 1, 1))
    assert save(archive, "B", datetime(2022, 1, 1)) == "past"
    assert [(n, t, when.year) for n, t, when in history(archive)] == [
        (1, "A", 2020), (2, "B", 2022), (3, "A", 2023), (4, "C", 2024)]
    stored = archive.get_document(1)
    assert stored is not None and stored.document.text == "C" and stored.document.version == 4


def test_the_returned_text_keeps_its_figures_and_operations(archive: Archive) -> None:
    from pressarchive.record import Figure

    figure = Figure("arrests", 38.0, sentence="38 arrested", start=0, end=11)
    first = Document(url=URL, title="Release", text="38 arrested", language="en", source="police",
                     operations=("Marea",), figures=(figure,))
    capture = Capture("police", URL, 200, "text/html", 10, datetime(2020, 1, 1), "1" * 64, "x.warc.gz", 0)
    archive.save_document(first, archive.record_capture(capture))
    recapture(archive, datetime(2022, 1, 1))
    save(archive, "B", datetime(2021, 1, 1))
    stored = archive.get_document(1)
    assert stored is not None and stored.document.version == 3 and stored.document.operations == ("Marea",)
    version_ids = [v.id for v in stored.versions]
    figures = archive.figures(i for i in version_ids if i is not None)
    assert [f.value for f in figures[version_ids[0]]] == [f.value for f in figures[version_ids[2]]] == [38.0]
