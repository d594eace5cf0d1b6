"""``check`` and ``check --repair`` on the embedded Whoosh index: damage only Whoosh can show.

Every engine's ``check``, repair and refill from the store are in the contract suite
(``tests/contract/test_service.py``). Here: a document indexed twice (which no engine's API
can make, since adding replaces by id, so it is written with whoosh directly, as a crash or a
damaged index would leave it), the read-only web API over such damage, and a Whoosh index
from an older schema version.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from whoosh import index as whoosh_index

from pressarchive.datadir import DataDir
from pressarchive.index.whooshindex.documents import index_fields
from pressarchive.index.whooshindex.schema import build_schema
from pressarchive.service import ArchiveService
from pressarchive.web import create_app
from tests.contract.checkarchive import ORPHAN, build_archive, damage


def _index_twice(data: DataDir, doc_id: int) -> None:
    service = ArchiveService(data)
    try:
        twice = next(service.archive.current_documents([doc_id]))
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
    ids = build_archive(data)
    damage(data, ids)
    _index_twice(data, ids["twice"])
    return data, ids


def test_a_document_indexed_twice_is_found_and_repaired(damaged: tuple[DataDir, dict[str, int]]) -> None:
    data, ids = damaged
    service = ArchiveService(data)
    try:
        report = service.check()
        assert report.duplicates == [ids["twice"]]
        assert (report.missing, report.stale, report.orphans) == ([ids["deleted"]], [ids["edited"]], [ORPHAN])
        assert report.to_json()["duplicates"] == {"count": 1, "examples": [ids["twice"]]}
        assert service.repair().repaired
        after = service.check()
        assert after.ok and (after.documents, after.entries) == (5, 5)
    finally:
        service.close()


def test_api_check_reports_without_repairing(damaged: tuple[DataDir, dict[str, int]]) -> None:
    data, ids = damaged
    with TestClient(create_app(data)) as client:
        similar = client.get(f"/api/doc/{ids['deleted']}/similar")
        assert similar.status_code == 404 and "not indexed yet" in similar.json()["error"]
        doc_page = client.get(f"/doc/{ids['deleted']}")
        assert doc_page.status_code == 200 and "not in the search index yet" in doc_page.text
        first = client.get("/api/check")
        assert first.status_code == 200 and first.json()["ok"] is False
        assert first.json()["duplicates"]["count"] == 1
        assert client.get("/api/check").json() == first.json()  # nothing was repaired
        assert client.post("/api/check").status_code == 405
    service = ArchiveService(data)
    try:
        service.repair()
    finally:
        service.close()
    with TestClient(create_app(data)) as client:
        assert client.get("/api/check").json()["ok"] is True


def test_index_from_an_older_schema_is_refilled(tmp_path: Path) -> None:
    data = DataDir(tmp_path / "data")
    build_archive(data)
    markers = list(data.index_dir.glob("*schema-version*"))
    assert markers
    for marker in markers:
        marker.write_text("0\n")
    with TestClient(create_app(data)) as client:
        assert client.get("/api/search", params={"q": "officers"}).json()["total"] == 5
        assert client.get("/api/status").json()["index_entries"] == 5
