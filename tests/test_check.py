"""``check`` and ``check --repair``: the index holds each current version once, and nothing else.

An archive is built and indexed, then the index is made to disagree with the store in each
way it can (an entry deleted, a document indexed twice, an id the store does not have, an
old version indexed), and the report, the CLI's exit status, the read-only API and the
repair are checked against it. Duplicates cannot be made through :class:`SearchIndex` (it
replaces by id), so that one is written with whoosh directly, as a damaged index would be.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from whoosh import index as whoosh_index

from pressarchive.datadir import DataDir
from pressarchive.errors import NotFound
from pressarchive.index.whooshindex.searchindex import SearchIndex
from pressarchive.index.whooshindex.documents import index_fields
from pressarchive.index.whooshindex.schema import build_schema
from pressarchive.record import Document
from pressarchive.service import ArchiveService, build_request
from pressarchive.web import create_app
from tests.archive_builder import Builder
from tests.conftest import CLI

ORPHAN = 9999


def _doc(name: str, text: str, **changes: object) -> Document:
    doc = Document(
        url=f"https://police.example.org/press/{name}", title=f"Release {name}", text=text,
        language="en", published=date(2020, 1, 15), source="police-a",
    )
    return doc.replace(**changes)


def _build(data: DataDir) -> dict[str, int]:
    service = ArchiveService(data)
    try:
        service.archive.upsert_source("police-a", agency="Police A", country="DE", language="en")
        builder = Builder(service)
        ids = {
            name: builder.add(_doc(name, f"Officers report on {name} today."))
            for name in ("kept", "deleted", "twice", "edited", "other")
        }
        service.index_pending()
        builder.add(_doc("edited", "Officers corrected the figures: zeppelin."), when=datetime(2024, 3, 1))
        service.index_pending()
    finally:
        service.close()
    return ids


def _damage(data: DataDir, ids: dict[str, int]) -> None:
    service = ArchiveService(data)
    try:
        stored = service.document(ids["edited"])
        first = stored.versions[0]
        old = stored.document.replace(title=first.title, text=first.text, version=first.number)
        service.index.add([old])  # the old version replaces the current one
        service.index.delete([ids["deleted"]])
        service.index.add([_doc("ghost", "A release the store never had.", id=ORPHAN, version=1)])
        twice = next(service.archive.current_documents([ids["twice"]]))
    finally:
        service.close()
    ix = whoosh_index.open_dir(str(data.index_dir), schema=build_schema())
    writer = ix.writer()
    writer.add_document(**index_fields(twice))  # add, not update: a second entry for the id
    writer.commit()
    ix.close()


@pytest.fixture
def damaged(tmp_path: Path) -> tuple[DataDir, dict[str, int]]:
    data = DataDir(tmp_path / "data")
    ids = _build(data)
    _damage(data, ids)
    return data, ids


def test_clean_archive_checks_ok(tmp_path: Path) -> None:
    data = DataDir(tmp_path / "data")
    _build(data)
    service = ArchiveService(data)
    try:
        report = service.check()
    finally:
        service.close()
    assert report.ok and (report.documents, report.entries) == (5, 5)


def test_check_names_every_disagreement_and_repair_fixes_it(damaged: tuple[DataDir, dict[str, int]]) -> None:
    data, ids = damaged
    service = ArchiveService(data)
    try:
        report = service.check()
        assert report.missing == [ids["deleted"]]
        assert report.stale == [ids["edited"]]
        assert report.duplicates == [ids["twice"]]
        assert report.orphans == [ORPHAN]
        assert not report.ok and not report.repaired
        assert service.search(build_request("zeppelin")).total == 0  # the old text is indexed
        with pytest.raises(NotFound, match="not indexed yet"):
            service.similar(ids["deleted"])

        repaired = service.repair()
        assert repaired.repaired and repaired.problems() == report.problems()
        after = service.check()
        assert after.ok and (after.documents, after.entries) == (5, 5)
        assert [hit.id for hit in service.search(build_request("zeppelin")).hits] == [ids["edited"]]
        assert [hit.id for hit in service.search(build_request("deleted")).hits] == [ids["deleted"]]
        assert service.search(build_request("ghost")).total == 0
        assert service.status()["indexed"] == 5
    finally:
        service.close()


def test_cli_check_exit_status_and_repair(damaged: tuple[DataDir, dict[str, int]]) -> None:
    data, ids = damaged
    cli = CLI(data.root)
    found = cli("check")
    assert found.returncode == 1, found.stderr
    assert "Traceback" not in found.stderr
    lines = found.stdout.splitlines()
    assert any(line.startswith("missing") and f"ids {ids['deleted']}" in line for line in lines)
    assert any(line.startswith("orphans") and str(ORPHAN) in line for line in lines)
    assert "check --repair" in found.stdout

    as_json = cli("check", "--json")
    assert as_json.returncode == 1
    body = json.loads(as_json.stdout)
    assert body["ok"] is False and body["ok_now"] is False
    assert {name: body[name]["count"] for name in ("missing", "stale", "duplicates", "orphans")} == {
        "missing": 1, "stale": 1, "duplicates": 1, "orphans": 1,
    }
    assert body["duplicates"]["examples"] == [ids["twice"]]

    repair = cli("check", "--repair")
    assert repair.returncode == 0, repair.stderr
    assert "repaired" in repair.stdout
    again = cli("check", "--json")
    assert again.returncode == 0 and json.loads(again.stdout)["ok"] is True


def test_api_check_reports_without_repairing(damaged: tuple[DataDir, dict[str, int]]) -> None:
    data, ids = damaged
    with TestClient(create_app(data)) as client:
        similar = client.get(f"/api/doc/{ids['deleted']}/similar")
        assert similar.status_code == 404 and "not indexed yet" in similar.json()["error"]
        doc_page = client.get(f"/doc/{ids['deleted']}")
        assert doc_page.status_code == 200 and "not in the search index yet" in doc_page.text
        first = client.get("/api/check")
        assert first.status_code == 200 and first.json()["ok"] is False
        assert client.get("/api/check").json() == first.json()  # nothing was repaired
        assert client.post("/api/check").status_code == 405
    service = ArchiveService(data)
    try:
        service.repair()
    finally:
        service.close()
    with TestClient(create_app(data)) as client:
        assert client.get("/api/check").json()["ok"] is True


def test_missing_index_is_refilled_from_the_store_when_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = DataDir(tmp_path / "data")
    ids = _build(data)
    shutil.rmtree(data.index_dir)
    service = ArchiveService(data)
    try:
        assert service.search(build_request("officers")).total == 5
        assert service.check().ok
        monkeypatch.setattr(service, "_rebuild", lambda index: pytest.fail("rebuilt twice"))
        assert service.rebuild_index() == 5  # no second rebuild needed
    finally:
        service.close()
    with TestClient(create_app(data)) as client:
        hits = client.get("/api/search", params={"q": "zeppelin"}).json()["hits"]
        assert [hit["id"] for hit in hits] == [ids["edited"]]


def test_index_from_an_older_schema_is_refilled(tmp_path: Path) -> None:
    data = DataDir(tmp_path / "data")
    _build(data)
    markers = list(data.index_dir.glob("*schema-version*"))
    assert markers
    for marker in markers:
        marker.write_text("0\n")
    with TestClient(create_app(data)) as client:
        assert client.get("/api/search", params={"q": "officers"}).json()["total"] == 5
        assert client.get("/api/status").json()["index_entries"] == 5


def test_an_interrupted_refill_is_resumed_at_the_next_open(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = DataDir(tmp_path / "data")
    _build(data)
    shutil.rmtree(data.index_dir)
    service = ArchiveService(data)
    real = service.archive.current_documents

    def dies_after_two(*args: object) -> Iterator[Document]:
        documents = real(*args)
        yield next(documents)
        yield next(documents)
        raise OSError(28, "No space left on device")  # a full disk (or kill -9) mid-refill

    monkeypatch.setattr(service.archive, "current_documents", dies_after_two)
    try:
        with pytest.raises(OSError):
            service.open_index()
    finally:
        service.close()
    service = ArchiveService(data)
    try:
        assert service.search(build_request("officers")).total == 5, "refilled in full, not left empty"
        assert service.check().ok
    finally:
        service.close()
    with SearchIndex(data.index_dir) as index:
        assert not index.recreated, "a completed refill is not asked for again"


def test_an_index_refill_interrupted_twice_still_completes(tmp_path: Path) -> None:
    docs = [_doc(f"r{i}", f"Officers report {i}.", id=i, version=1) for i in range(1, 4)]

    def broken() -> Iterator[Document]:
        yield docs[0]
        raise RuntimeError("killed")

    for _attempt in range(2):
        with SearchIndex(tmp_path / "ix") as index:
            assert index.recreated
            with pytest.raises(RuntimeError):
                index.rebuild(broken())
    with SearchIndex(tmp_path / "ix") as index:
        assert index.recreated
        assert index.rebuild(docs) == 3
    with SearchIndex(tmp_path / "ix") as index:
        assert not index.recreated and index.count() == 3


def test_serve_refills_the_index_at_startup_not_in_the_first_request(tmp_path: Path) -> None:
    data = DataDir(tmp_path / "data")
    _build(data)
    shutil.rmtree(data.index_dir)
    with TestClient(create_app(data)):
        # No request made yet: the index on disk is already whole.
        with SearchIndex(data.index_dir) as index:
            assert not index.recreated
            assert index.count() == 5
