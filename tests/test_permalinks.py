"""Permalinks name the version and follow the configured public address."""

from __future__ import annotations

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
