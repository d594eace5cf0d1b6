"""Permalinks name the version and follow the configured public address."""

from __future__ import annotations

from pathlib import Path

import pytest

from pressarchive.permalinks import BASE_URL_ENV, document_path, permalink
from pressarchive.web import urls


def test_a_permalink_names_the_version_and_the_base(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(BASE_URL_ENV, raising=False)
    assert document_path(12) == "/doc/12" == urls.doc_url(12)
    assert permalink(12, 3) == "/doc/12?version=3" == urls.doc_url(12, 3)
    assert permalink(12, 3, "https://archive.example/") == "https://archive.example/doc/12?version=3"
    monkeypatch.setenv(BASE_URL_ENV, "https://press.example/archive")
    assert permalink(7, 1) == "https://press.example/archive/doc/7?version=1"


def test_the_web_cites_under_the_configured_public_address(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Behind a reverse proxy the address a request reached is the backend's, not the one to cite.
    from datetime import date

    from fastapi.testclient import TestClient

    from pressarchive.datadir import DataDir
    from pressarchive.record import Document
    from pressarchive.service import ArchiveService
    from pressarchive.web import create_app
    from tests.archive_builder import Builder

    data = DataDir(tmp_path / "data")
    service = ArchiveService(data)
    try:
        doc_id = Builder(service).add(Document(
            url="https://police.example/kestrel", title="Operation Kestrel ends", text="Europol helped.",
            language="en", published=date(2019, 12, 10), source="police",
        ))
        service.index_pending()
    finally:
        service.close()
    monkeypatch.setenv(BASE_URL_ENV, "https://archive.example.org/press")
    with TestClient(create_app(data)) as client:
        cited = client.get(f"/api/doc/{doc_id}/cite").json()
        exported = client.get("/api/export?format=jsonl").text
    assert cited["permalink"] == f"https://archive.example.org/press/doc/{doc_id}?version=1"
    assert f'"permalink": "https://archive.example.org/press/doc/{doc_id}?version=1"' in exported
