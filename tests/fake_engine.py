"""An engine registered under a scheme of its own, for tests of what engine-neutral code does
with any engine: the Whoosh engine in a directory the address names, but describing itself
with its full address, password included (so the tests can prove that nothing prints it), and
optionally losing documents (so a fill's final check has something to find).

``register(monkeypatch)`` adds the ``fake+http`` scheme to
:data:`pressarchive.index.engines.ENGINES` for one test; ``fake+http://USER:PASSWORD@HOST/DIR``
keeps its index in ``/DIR``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from pressarchive.index.engines import ENGINES, EngineAddress, EngineOptions
from pressarchive.index.whooshindex.searchindex import SearchIndex
from pressarchive.record import Document

SCHEME = "fake+http"
#: Documents with these ids are silently not indexed (a broken engine).
LOST: set[int] = set()


class FakeEngine(SearchIndex):
    address = ""

    def describe(self) -> str:
        return f"fake at {self.address}"

    def add(self, docs: Iterable[Document]) -> int:
        return super().add(doc for doc in docs if doc.id not in LOST)

    def rebuild(self, docs: Iterable[Document]) -> int:
        return super().rebuild(doc for doc in docs if doc.id not in LOST)


def open_fake(address: EngineAddress, options: EngineOptions) -> FakeEngine:
    engine = FakeEngine(Path(urlsplit(address.text).path), text_source=options.text_source)
    engine.address = address.text
    return engine


def register(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(ENGINES, SCHEME, "tests.fake_engine:open_fake")
    monkeypatch.setattr("tests.fake_engine.LOST", set())


def fake_address(directory: Path, password: str = "s3cret-pw") -> str:
    return f"{SCHEME}://archivist:{password}@search.example:9200{directory}"
