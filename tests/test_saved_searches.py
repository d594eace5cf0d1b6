"""Saved searches and alerts below the faces: the store, the saved form, what is new, the mark.

Each test builds its own small archive through the store calls a crawl makes, so "a crawl
brings more" is a few more documents added and indexed.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

from pressarchive.alerts import NameTaken, SavedSearches, link_params, params_of, request_of
from pressarchive.errors import NotFound, UserError
from pressarchive.record import Document
from pressarchive.service import ArchiveService, build_request
from pressarchive.store import schema
from tests.archive_builder import Builder
from tests.storebackends import data_dir_on


def release(n: int, title: str, text: str, language: str = "en", published: date | None = None) -> Document:
    return Document(
        url=f"https://police.example.org/press/{n}", title=title, text=text, language=language,
        published=published or date(2024, 1, n % 28 + 1), source="example-police",
    )


@pytest.fixture
def service(tmp_path: Path, store_db: str | None) -> Iterator[ArchiveService]:
    opened = ArchiveService(data_dir_on(tmp_path / "data", store_db))
    opened.archive.upsert_source("example-police", title="Example Police", country="ES", language="en")
    yield opened
    opened.close()


def add(service: ArchiveService, *docs: Document, index: bool = True) -> list[int]:
    builder = Builder(service)
    ids = [builder.add(doc) for doc in docs]
    if index:
        service.index_pending()
    return ids


def test_the_table_is_added_to_an_archive_from_before(tmp_path: Path) -> None:
    import sqlalchemy as sa

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = sa.create_engine(url)
    old = [table for table in schema.metadata.sorted_tables if table.name != "saved_searches"]
    schema.metadata.create_all(engine, tables=old)
    assert "saved_searches" not in sa.inspect(engine).get_table_names()
    from pressarchive.store import Archive

    archive = Archive(url)
    try:
        assert archive.saved_searches() == []
        assert archive.add_saved_search("x", {"q": "kestrel"}, datetime(2024, 1, 1))
        assert not archive.add_saved_search("x", {"q": "other"}, datetime(2024, 1, 1))
        assert archive.saved_search("x").params == {"q": "kestrel"}  # type: ignore[union-attr]
    finally:
        archive.close()


def test_the_saved_form_keeps_the_search_and_drops_the_page() -> None:
    request = build_request("kestrel", language="es", year=2019, since="2019-01-01", collapse=True,
                            page=3, limit=50, sort="date", interval="week")
    params = params_of(request)  # the timeline's interval is how hits are shown: not kept
    assert params == {"q": "kestrel", "collapse": True, "sort": "date", "language": "es", "year": 2019,
                      "since": "2019-01-01"}
    again = request_of(params)
    assert (again.page, again.limit) == (1, 10)
    assert again == build_request("kestrel", language="es", year=2019, since="2019-01-01", collapse=True,
                                  sort="date")
    assert request_of({**params, "interval": "week"}) == again  # kept by an older version: ignored
    assert link_params(params)["collapse"] == "1"


def test_save_list_and_delete(service: ArchiveService) -> None:
    saved = SavedSearches(service)
    add(service, release(1, "Operation Kestrel arrests", "Twelve arrests in operation Kestrel."))
    row, matches = saved.save("  kestrel  ", build_request("kestrel"))
    assert matches == 1
    assert row.name == "kestrel" and row.params == {"q": "kestrel", "sort": "relevance"}
    assert [s.name for s in saved.listing()] == ["kestrel"]
    with pytest.raises(NameTaken) as taken:
        saved.save("kestrel", build_request("other"))
    assert taken.value.status_code == 409
    saved.delete("kestrel")
    assert saved.listing() == []
    with pytest.raises(NotFound):
        saved.delete("kestrel")


@pytest.mark.parametrize("name, message", [
    ("", "needs a name"), ("x" * 101, "too long"), ("bell\x07", "control"), ("rtl\u202eoverride", "format characters"),
    ("a/b", "'/'"), (".", "'.' and '..' are not allowed"), (" .. ", "'.' and '..' are not allowed"),
])
def test_bad_names_are_refused(service: ArchiveService, name: str, message: str) -> None:
    with pytest.raises(UserError, match=message):
        SavedSearches(service).save(name, build_request("kestrel"))
    assert SavedSearches(service).listing() == []


def test_a_bad_query_is_refused_when_saved(service: ArchiveService) -> None:
    with pytest.raises(UserError, match="bad query"):
        SavedSearches(service).save("broken", build_request('"unclosed'))


def test_alerts_report_only_what_arrived_since_the_last_run(service: ArchiveService) -> None:
    saved = SavedSearches(service)
    add(service, release(1, "Operation Kestrel arrests", "Twelve arrests in operation Kestrel."),
        release(2, "Lantern seizures", "Police seized phones in operation Lantern."))
    saved.save("kestrel", build_request("kestrel"))
    first = saved.whats_new("kestrel")
    assert first.matches == 1 and first.new == []  # what matched when it was saved is not news

    later = add(service, release(3, "Kestrel: more arrests", "Four more arrests in operation Kestrel."),
                release(4, "Lantern again", "More phones seized in operation Lantern."))
    second = saved.whats_new("kestrel")
    assert [brief.id for brief in second.new] == [later[0]]
    assert second.matches == 2
    assert second.new[0].title == "Kestrel: more arrests" and second.new[0].version == 1
    assert saved.whats_new("kestrel").new == []


def test_an_old_document_waiting_for_reindexing_is_not_news_on_the_first_alert(service: ArchiveService) -> None:
    saved = SavedSearches(service)
    old, other = add(service, release(1, "Operation Kestrel arrests", "Twelve arrests in operation Kestrel."),
                     release(2, "Kestrel seizures", "Seizures in operation Kestrel."))
    # Its cluster changed: it waits for re-indexing while still in the index, holding the mark down.
    with service.archive.engine.begin() as conn:
        conn.execute(schema.documents.update().where(schema.documents.c.id == old).values(indexed_version=None))
    assert service.archive.arrival_mark() == old - 1
    saved.save("kestrel", build_request("kestrel"))
    assert saved.whats_new("kestrel").new == []
    service.index_pending()
    [later] = add(service, release(3, "Kestrel: more arrests", "Four more arrests in operation Kestrel."))
    assert [b.id for b in saved.whats_new("kestrel").new] == [later]
    assert other not in saved.get("kestrel").alert_reported  # below the mark now: no longer kept


def test_an_alert_is_marked_only_if_no_other_run_marked_it_meanwhile(service: ArchiveService) -> None:
    saved = SavedSearches(service)
    saved.save("kestrel", build_request("kestrel"))
    [doc_id] = add(service, release(1, "Operation Kestrel arrests", "Twelve arrests in operation Kestrel."))
    one, two = saved.whats_new("kestrel", advance=False), saved.whats_new("kestrel", advance=False)
    assert [b.id for b in one.new] == [b.id for b in two.new] == [doc_id]
    assert saved.mark_reported(one)
    assert not saved.mark_reported(two)  # the other run's mark stays, and is not applied twice
    assert saved.whats_new("kestrel").new == []


def test_dry_run_leaves_the_mark(service: ArchiveService) -> None:
    saved = SavedSearches(service)
    saved.save("kestrel", build_request("kestrel"))
    [doc_id] = add(service, release(1, "Operation Kestrel arrests", "Twelve arrests in operation Kestrel."))
    assert [b.id for b in saved.whats_new("kestrel", advance=False).new] == [doc_id]
    assert saved.get("kestrel").last_alerted_at is None
    assert [b.id for b in saved.whats_new("kestrel").new] == [doc_id]
    assert saved.get("kestrel").last_alerted_at is not None


def test_a_document_captured_before_the_alert_but_indexed_after_is_reported_once(service: ArchiveService) -> None:
    saved = SavedSearches(service)
    saved.save("kestrel", build_request("kestrel"))
    # A crawl has stored two releases; the alert runs when only the second is indexed.
    waiting, ready = add(service, release(1, "Kestrel arrests", "Arrests in operation Kestrel."),
                         release(2, "Kestrel seizures", "Seizures in operation Kestrel."), index=False)
    indexed = list(service.archive.current_documents([ready]))
    service.index.add(indexed)
    service.archive.mark_indexed(indexed)
    assert [b.id for b in saved.whats_new("kestrel").new] == [ready]
    assert service.archive.saved_search("kestrel").alert_reported == (ready,)  # type: ignore[union-attr]
    service.index_pending()
    assert [b.id for b in saved.whats_new("kestrel").new] == [waiting]
    assert saved.whats_new("kestrel").new == []
    assert service.archive.saved_search("kestrel").alert_reported == ()  # type: ignore[union-attr]


def test_alerts_for_unknown_names_run_nothing(service: ArchiveService) -> None:
    saved = SavedSearches(service)
    saved.save("kestrel", build_request("kestrel"))
    with pytest.raises(NotFound):
        saved.alerts(["kestrel", "nope"])
    assert saved.get("kestrel").last_alerted_at is None
    found, failed = saved.alerts()
    assert [alert.saved.name for alert in found] == ["kestrel"] and failed == []


def test_a_saved_search_that_fails_does_not_stop_the_others(service: ArchiveService) -> None:
    saved = SavedSearches(service)
    saved.save("kestrel", build_request("kestrel"))
    # Saved by an older version whose checks were looser: this one is now refused.
    service.archive.add_saved_search("broken", {"year": 0}, datetime(2024, 1, 1))
    [doc_id] = add(service, release(1, "Kestrel arrests", "Arrests in operation Kestrel."))
    found, failed = saved.alerts()
    assert [(alert.saved.name, [b.id for b in alert.new]) for alert in found] == [("kestrel", [doc_id])]
    assert failed == ["broken: bad year 0: expected 1 to 9999"]
