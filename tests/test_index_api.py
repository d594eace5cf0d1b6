"""The Whoosh engine's own side of the engine API: the entries of a damaged index.

Everything every engine must do (facets and timeline, more like this, entries, recreation,
snippets from the text source, time limits, the engine protocol) is in the contract suite,
``tests/contract/``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from pressarchive.index.whooshindex.documents import index_fields
from pressarchive.index.whooshindex.searchindex import SearchIndex
from pressarchive.index.whooshindex.writer import _writer
from tests.contract.corpus import DOCS, texts_of


@pytest.fixture
def index(tmp_path: Path) -> Iterator[SearchIndex]:
    idx = SearchIndex(tmp_path / "ix", text_source=texts_of(DOCS))
    idx.add([doc.replace(version=10 + (doc.id or 0)) for doc in DOCS[:3]])
    idx.add([doc.replace(version=10 + (doc.id or 0)) for doc in DOCS[3:]])
    yield idx
    idx.close()


def test_entries_show_a_document_indexed_twice_twice(index: SearchIndex) -> None:
    # A document indexed twice (as a crash between delete and add could leave it) shows twice.
    writer = _writer(index._ix)
    writer.add_document(**index_fields(DOCS[0].replace(version=99)))
    writer.commit()
    entries = Counter(doc_id for doc_id, _ in index.entries())
    assert entries[1] == 2
    assert (1, 99) in index.entries() and (1, 11) in index.entries()

