"""The embedded Whoosh index's own files: segments on disk and the schema version marker.

What every engine must do (matching, query syntax, filters, facets, writes) is the contract
suite's (``tests/contract/``); its standard corpus is :mod:`tests.contract.corpus`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pressarchive.index.whooshindex.searchindex import SearchIndex
from tests.contract.corpus import DOCS, texts_of


@pytest.fixture
def index(tmp_path: Path) -> Iterator[SearchIndex]:
    idx = SearchIndex(tmp_path / "index", text_source=texts_of(DOCS))
    idx.add(DOCS)
    yield idx
    idx.close()


def test_index_from_other_schema_version_is_recreated(tmp_path: Path) -> None:
    with SearchIndex(tmp_path / "ix") as idx:
        idx.add(DOCS)
    (tmp_path / "ix" / "pressarchive-schema-version").write_text("0\n")
    with SearchIndex(tmp_path / "ix") as idx:
        assert idx.recreated and idx.count() == 0


def test_segments_are_not_compound(index: SearchIndex) -> None:
    files = [path.name for path in index.path.iterdir()]
    assert not any(name.endswith(".seg") for name in files)
    assert any(name.endswith(".trm") for name in files)
