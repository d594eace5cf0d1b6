from __future__ import annotations

from datetime import date, datetime

import pytest

from pressarchive import Document
from pressarchive.store import Archive, Capture


@pytest.fixture
def archive(store_url: str) -> Archive:
    archive = Archive(store_url)
    archive.upsert_source("police", title="Police", agency="Example Police", country="ES", language="es")
    yield archive
    archive.close()


def capture(archive: Archive, url: str, when: datetime, digest: str = "0" * 64) -> int:
    return archive.record_capture(Capture("police", url, 200, "text/html", 100, when, digest, "x.warc.gz", 42))


def release(**changes: object) -> Document:
    doc = Document(
        url="https://police.example/press/1?utm_source=rss#top", title="Operación Marea",
        text="Agentes han detenido a 12 personas.", language="es", published=date(2019, 12, 10),
        operations=("Marea",), source="police",
    )
    return doc.replace(**changes)


def test_new_unchanged_changed_versions(archive: Archive) -> None:
    first = archive.save_document(release(), capture(archive, "u", datetime(2020, 1, 1)))
    same = release(url="https://police.example/press/1")
    again = archive.save_document(same, capture(archive, "u", datetime(2020, 1, 2)))
    edit = release(text="Agentes han detenido a 13 personas.")
    edited = archive.save_document(edit, capture(archive, "u", datetime(2020, 1, 3)))
    assert (first.status, again.status, edited.status) == ("new", "unchanged", "changed")
    assert first.document_id == again.document_id == edited.document_id
    stored = archive.get_document(first.document_id)
    assert stored is not None
    assert [v.number for v in stored.versions] == [1, 2]
    assert stored.versions[0].text.endswith("12 personas.") and stored.document.text.endswith("13 personas.")
    assert stored.first_captured == datetime(2020, 1, 1) and stored.last_captured == datetime(2020, 1, 3)


def test_canonical_url_is_the_key(archive: Archive) -> None:
    archive.save_document(release(), capture(archive, "u", datetime(2020, 1, 1)))
    stored = archive.get_document(1)
    assert stored is not None and stored.document.url == "https://police.example/press/1"


def test_document_json_carries_provenance(archive: Archive) -> None:
    url = "https://police.example/press/1"
    archive.save_document(release(), capture(archive, url, datetime(2020, 1, 1), "ab" * 32))
    payload = archive.get_document(1).to_json()  # type: ignore[union-attr]
    assert payload["agency"] == "Example Police" and payload["country"] == "ES"
    (version,) = payload["versions"]
    assert version["sha256"] == "ab" * 32 and version["warc_file"] == "x.warc.gz" and version["warc_offset"] == 42
    assert version["captured"] == "2020-01-01T00:00:00Z" and version["text"].startswith("Agentes")


def test_pending_index_follows_changes(archive: Archive) -> None:
    archive.save_document(release(), capture(archive, "u", datetime(2020, 1, 1)))
    pending = archive.pending_index()
    assert [(d.id, d.version) for d in pending] == [(1, 1)]
    archive.save_document(release(text="Saved while indexing ran."), capture(archive, "u", datetime(2020, 1, 2)))
    archive.mark_indexed(pending)
    assert [(d.id, d.version) for d in archive.pending_index()] == [(1, 2)], "version 2 still pending"
    archive.mark_indexed(archive.pending_index())
    assert archive.pending_index() == []
    archive.save_document(release(title="Operación Marea (actualizado)"), capture(archive, "u", datetime(2020, 1, 3)))
    assert [d.title for d in archive.pending_index()] == ["Operación Marea (actualizado)"]


def test_stats_and_sources(archive: Archive) -> None:
    archive.save_document(release(), capture(archive, "u", datetime(2020, 1, 1)))
    archive.save_document(release(url="https://police.example/press/2"), capture(archive, "u", datetime(2020, 1, 1)))
    assert archive.stats() == {"documents": 2, "versions": 2, "captures": 2, "sources": 1, "indexed": 0}
    assert archive.sources()[0]["documents"] == 2
    assert archive.get_document(99) is None


def test_listing_dates_are_recorded_for_known_documents_only(archive: Archive) -> None:
    import sqlalchemy as sa

    from pressarchive.store import schema

    archive.save_document(release(), capture(archive, "u", datetime(2020, 1, 1)))
    archive.mark_listed(["https://police.example/press/1", "https://police.example/press/2"], datetime(2020, 2, 1))
    with archive.engine.connect() as conn:
        rows = conn.execute(sa.select(schema.documents.c.url, schema.documents.c.last_listed)).all()
    assert [tuple(row) for row in rows] == [("https://police.example/press/1", datetime(2020, 2, 1))]


def test_current_texts_and_versions_follow_the_current_version(archive: Archive) -> None:
    first = archive.save_document(release(), capture(archive, "u", datetime(2020, 1, 1)))
    other = archive.save_document(release(url="https://police.example/press/2", text="Otro texto."),
                                  capture(archive, "u", datetime(2020, 1, 1)))
    edit = release(text="Agentes han detenido a 13 personas.")
    archive.save_document(edit, capture(archive, "u", datetime(2020, 1, 2)))
    assert archive.current_versions() == {first.document_id: 2, other.document_id: 1}
    texts = archive.current_texts([other.document_id, first.document_id, 999])
    assert texts == {first.document_id: "Agentes han detenido a 13 personas.", other.document_id: "Otro texto."}
    assert archive.current_texts([]) == {}


def test_current_texts_reads_many_ids_in_chunks(archive: Archive) -> None:
    ids = [
        archive.save_document(release(url=f"https://police.example/press/{n}", text=f"Texto {n}."),
                              capture(archive, "u", datetime(2020, 1, 1))).document_id
        for n in range(700)
    ]
    texts = archive.current_texts(ids)
    assert len(texts) == 700 and texts[ids[-1]] == "Texto 699."


def test_mark_indexed_versions_records_the_given_version(archive: Archive) -> None:
    doc_id = archive.save_document(release(), capture(archive, "u", datetime(2020, 1, 1))).document_id
    archive.save_document(release(text="Cambiado."), capture(archive, "u", datetime(2020, 1, 2)))
    archive.mark_indexed_versions({doc_id: 1})
    assert [(d.id, d.version) for d in archive.pending_index()] == [(doc_id, 2)]
    archive.mark_indexed_versions({doc_id: 2})
    assert archive.pending_index() == [] and archive.stats()["indexed"] == 1


def test_current_documents_of_many_ids(archive: Archive) -> None:
    ids = [
        archive.save_document(release(url=f"https://police.example/press/{n}"),
                              capture(archive, "u", datetime(2020, 1, 1))).document_id
        for n in range(600)
    ]
    docs = list(archive.current_documents(reversed(ids)))
    assert [doc.id for doc in docs] == ids and all(doc.version == 1 for doc in docs)


def test_a_re_extraction_of_a_version_a_crawl_has_replaced_is_not_saved(archive: Archive) -> None:
    """A crawl sharing the store saved a newer version while reprocess read the old one."""
    saved = archive.save_document(release(), capture(archive, "u", datetime(2020, 1, 1)))
    run = archive.start_reprocess(None, None, datetime(2020, 2, 1))
    (candidate,) = archive.to_reprocess(None, None, 0, 10)
    newer = release(text="Agentes han detenido a 13 personas.")
    archive.save_document(newer, capture(archive, "u", datetime(2020, 1, 5)))
    reread = release(text="Agentes han detenido a 12 personas en Madrid.")
    archive.save_reprocessed(run.id, saved.document_id, [(saved.document_id, reread, candidate.version)],
                             datetime(2020, 2, 1))
    stored = archive.get_document(saved.document_id)
    assert stored is not None and [v.number for v in stored.versions] == [1, 2]
    assert stored.document.text.endswith("13 personas.")


def test_a_re_extraction_after_an_import_put_an_older_version_before_it_is_saved(archive: Archive) -> None:
    """An import (or a crawler whose capture is older than another's) put a past version in
    place while reprocess ran: the version re-read is still current, but its number moved up."""
    saved = archive.save_document(release(), capture(archive, "u", datetime(2020, 1, 5)))
    run = archive.start_reprocess(None, None, datetime(2020, 2, 1))
    (candidate,) = archive.to_reprocess(None, None, 0, 10)
    older = release(text="Agentes han detenido a 11 personas.")
    archive.save_document(older, capture(archive, "u", datetime(2020, 1, 1)))  # becomes version 1
    reread = release(text="Agentes han detenido a 12 personas en Madrid.")
    archive.save_reprocessed(run.id, saved.document_id, [(saved.document_id, reread, candidate.version)],
                             datetime(2020, 2, 1))
    stored = archive.get_document(saved.document_id)
    assert stored is not None and [v.number for v in stored.versions] == [1, 2, 3]
    assert stored.document.text.endswith("en Madrid.") and stored.document.version == 3
