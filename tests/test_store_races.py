"""Read-then-write races that PostgreSQL's READ COMMITTED lets through and SQLite's single
writer hid: two writers of the same row, the second one's statement waiting on the first's
uncommitted transaction. Each test holds the first writer's transaction open until the second
is seen waiting on its lock, then commits it, so the interleaving is the same on every run."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from pressarchive.record import Document
from pressarchive.store import Archive, collections, corrections, schema, waybackfetches
from pressarchive.store.records import Capture
from pressarchive.store.waybackfetches import WaybackFetch

pytestmark = pytest.mark.postgres
WHEN = datetime(2026, 3, 1, 12, 0)


@pytest.fixture
def archive(postgres_url: str) -> Iterator[Archive]:
    store = Archive(postgres_url)
    try:
        yield store
    finally:
        store.engine.dispose()


def interleaved(engine: Engine, first: Callable[[Connection], Any], second: Callable[[Connection], Any]) -> Any:
    """Run ``first`` in a transaction left open, then ``second`` in another thread's transaction
    until it waits on a lock, then commit ``first``; ``second``'s result (or its error, raised)."""
    outcome: dict[str, Any] = {}

    def run_second() -> None:
        try:
            with engine.begin() as conn:
                outcome["result"] = second(conn)
        except Exception as error:  # handed to the test's thread
            outcome["error"] = error

    with engine.connect() as conn:
        conn.begin()
        first(conn)
        thread = threading.Thread(target=run_second)
        thread.start()
        _wait_for_lock_wait(engine, thread)
        conn.commit()
    thread.join(30)
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")


def _wait_for_lock_wait(engine: Engine, thread: threading.Thread) -> None:
    waiting = sa.text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                      "AND datname = current_database()")
    deadline = time.monotonic() + 60  # a loaded machine
    with engine.connect() as conn:
        while conn.execute(waiting).scalar_one() == 0:
            assert thread.is_alive(), "the second writer did not wait for the first"
            assert time.monotonic() < deadline, "the second writer never waited on the first's lock"
            conn.rollback()  # pg_stat_activity is read once per transaction
            time.sleep(0.02)


def _document(archive: Archive) -> int:
    capture = Capture(source="demo", url="https://example.org/a", status=200, content_type="text/html",
                      length=10, captured_at=WHEN, payload_sha256="0" * 64, warc_file="a.warc.gz", warc_offset=0)
    doc = Document(url="https://example.org/a", source="demo", title="A", text="Some text.", language="en")
    (outcome,) = archive.save_captured([(capture, doc)])
    assert outcome is not None
    return outcome.document_id


def test_two_writers_adding_one_document_to_a_collection(archive: Archive) -> None:
    doc_id = _document(archive)
    made = archive.create_collection("story", "", WHEN)
    assert made is not None
    added = interleaved(archive.engine,
                        lambda conn: collections.put(conn, made.id, [doc_id], "first note", WHEN),
                        lambda conn: collections.put(conn, made.id, [doc_id], "second note", WHEN))
    assert added == []  # the first writer added it
    (item,) = archive.collection_items(made.id)
    assert (item.document_id, item.note) == (doc_id, "second note")  # the note given last is kept


def test_two_writers_recording_one_wayback_fetch(archive: Archive) -> None:
    listed = "https://web.archive.org/web/2020id_/https://example.org/a"
    interleaved(archive.engine,
                lambda conn: waybackfetches.record(conn, WaybackFetch(listed, listed, "not html"), WHEN),
                lambda conn: waybackfetches.record(conn, WaybackFetch(listed, listed + "x", None), WHEN))
    assert archive.wayback_fetches("https://web.archive.org/") == [WaybackFetch(listed, listed + "x", None)]


def test_two_people_withdrawing_one_correction(archive: Archive) -> None:
    made = archive.add_correction("hide_document", "1", {}, "ana", "duplicate", WHEN)
    done = interleaved(archive.engine,
                       lambda conn: corrections.withdraw(conn, made.id, "ana", WHEN),
                       lambda conn: corrections.withdraw(conn, made.id, "ben", WHEN))
    assert not done  # already withdrawn: the second person is told so
    (withdrawn,) = archive.corrections(include_withdrawn=True)
    assert withdrawn.withdrawn_by == "ana"


def test_reading_every_current_document_streams_from_the_server(archive: Archive) -> None:
    # psycopg fetches a whole result into the client unless asked for a server-side cursor: an
    # index rebuild of a large PostgreSQL archive must not hold every current text at once.
    for n in range(3):
        capture = Capture(source="demo", url=f"https://example.org/{n}", status=200, content_type="text/html",
                          length=10, captured_at=WHEN, payload_sha256="0" * 64, warc_file="a.warc.gz", warc_offset=n)
        doc = Document(url=f"https://example.org/{n}", source="demo", title=f"T{n}", text=f"Text {n}.", language="en")
        archive.save_captured([(capture, doc)])
    documents = archive.current_documents()
    assert next(documents).title == "T0"
    with archive.engine.connect() as conn:
        reading = conn.execute(sa.text(
            "SELECT query FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND state = 'idle in transaction'")).scalars().all()
    assert any(query.lstrip().upper().startswith(("DECLARE", "FETCH")) for query in reading), reading
    assert [doc.title for doc in documents] == ["T1", "T2"]


def test_two_imports_saving_the_same_documents_in_opposite_orders(archive: Archive) -> None:
    # Each batch of an import is one transaction locking its documents' rows as it goes: two
    # imports of the same pages in other orders deadlock, and PostgreSQL aborts one of them.
    # The aborted batch is run again once the other committed, rather than ending the import.
    def item(n: int, text: str) -> tuple[Capture, Document]:
        url = f"https://example.org/{n}"
        return (Capture(source="demo", url=url, status=200, content_type="text/html", length=10, captured_at=WHEN,
                        payload_sha256="0" * 64, warc_file="a.warc.gz", warc_offset=n),
                Document(url=url, source="demo", title=f"T{n}", text=text, language="en"))

    from pressarchive.store.archive import _record_capture, _save_document

    outcome: dict[str, Any] = {}

    def second() -> None:
        try:
            outcome["result"] = archive.save_captured([item(2, "second"), item(1, "second")])
        except Exception as error:
            outcome["error"] = error

    with archive.engine.connect() as conn:
        conn.begin()
        conn.execute(sa.text("SET LOCAL deadlock_timeout = '5s'"))  # the other side finds the deadlock first
        _save_document(conn, item(1, "first")[1], _record_capture(conn, item(1, "first")[0]))
        thread = threading.Thread(target=second)
        thread.start()
        _wait_for_lock_wait(archive.engine, thread)  # it holds document 2 and waits for 1
        _save_document(conn, item(2, "first")[1], _record_capture(conn, item(2, "first")[0]))
        conn.commit()
    thread.join(60)
    if "error" in outcome:
        raise outcome["error"]
    assert [saved.status for saved in outcome["result"]] == ["changed", "changed"]
    texts = {doc.title: doc.text for doc in archive.current_documents()}
    assert texts == {"T1": "second", "T2": "second"}


def test_two_crawlers_marking_the_same_releases_listed_in_other_orders(archive: Archive) -> None:
    # Each listing marks its releases in one transaction: two crawler processes of one crawl
    # marking overlapping releases in other orders must not deadlock (PostgreSQL would abort one).
    from pressarchive.store import lifecycle

    for n in (1, 2):
        capture = Capture(source="demo", url=f"https://example.org/{n}", status=200, content_type="text/html",
                          length=10, captured_at=WHEN, payload_sha256="0" * 64, warc_file="a.warc.gz", warc_offset=n)
        doc = Document(url=f"https://example.org/{n}", source="demo", title=f"T{n}", text=f"Text {n}.", language="en")
        archive.save_captured([(capture, doc)])
    later = datetime(2026, 3, 2)
    outcome: dict[str, Any] = {}

    def second() -> None:
        try:
            archive.mark_listed(["https://example.org/2", "https://example.org/1"], later)
        except Exception as error:
            outcome["error"] = error

    with archive.engine.connect() as conn:
        conn.begin()
        conn.execute(sa.text("SET LOCAL deadlock_timeout = '5s'"))  # the other side finds any deadlock first
        lifecycle.mark_listed(conn, ["https://example.org/1"], later)
        thread = threading.Thread(target=second)
        thread.start()
        _wait_for_lock_wait(archive.engine, thread)
        lifecycle.mark_listed(conn, ["https://example.org/2"], later)
        conn.commit()
    thread.join(60)
    if "error" in outcome:
        raise outcome["error"]
    with archive.engine.connect() as conn:
        assert set(conn.execute(sa.select(schema.documents.c.last_listed)).scalars()) == {later}


def test_two_processes_updating_near_duplicates_at_once(archive: Archive, monkeypatch: pytest.MonkeyPatch) -> None:
    # Every crawler process of a shared crawl runs indexing rounds, each signing the documents
    # not yet signed first: two at once signed the same ones, and the second's INSERT failed.
    from pressarchive.similar import update

    text = " ".join(f"Police officers arrested suspect number {n} in the port city today." for n in range(30))
    for n in (1, 2):
        capture = Capture(source="demo", url=f"https://example.org/{n}", status=200, content_type="text/html",
                          length=10, captured_at=WHEN, payload_sha256="0" * 64, warc_file="a.warc.gz", warc_offset=n)
        doc = Document(url=f"https://example.org/{n}", source="demo", title=f"T{n}", text=text, language="en")
        archive.save_captured([(capture, doc)])
    first_signed, go_on = threading.Event(), threading.Event()
    replace_lineage = update.copies.replace_lineage

    def held(conn: Connection, doc_ids: Any, links: Any) -> None:  # the first holds its batch open
        if threading.current_thread().name == "first":
            first_signed.set()
            assert go_on.wait(60)
        replace_lineage(conn, doc_ids, links)

    monkeypatch.setattr(update.copies, "replace_lineage", held)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            update.update_similarity(archive)
        except Exception as error:
            errors.append(error)

    first = threading.Thread(target=run, name="first")
    first.start()
    assert first_signed.wait(60)
    second = threading.Thread(target=run, name="second")
    second.start()
    _wait_for_lock_wait(archive.engine, second)
    go_on.set()
    first.join(60)
    second.join(60)
    assert errors == []
    with archive.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(schema.signatures)).scalar_one() == 2
        assert set(conn.execute(sa.select(schema.documents.c.cluster_id)).scalars()) == {1}
