"""The searcher pool: each read in flight has its own searcher, never a closed or outdated one,
and at most a fixed number are in use at once (each holds a dozen files per segment)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from whoosh.reading import ReaderClosed

from pressarchive.index.whooshindex.searchindex import SearchIndex
from pressarchive.index.whooshindex.searcherpool import SearcherPool
from tests.contract.corpus import DOCS


@pytest.fixture
def index(tmp_path: Path) -> Iterator[SearchIndex]:
    with SearchIndex(tmp_path / "ix") as idx:
        idx.add(DOCS)
        yield idx


def test_concurrent_reads_get_distinct_searchers_and_the_cap_holds(index: SearchIndex) -> None:
    pool = SearcherPool(index._ix, max_in_use=2)
    first, second = pool.acquire(), pool.acquire()
    assert first is not second
    got: list[object] = []
    waiting = threading.Thread(target=lambda: got.append(pool.acquire()))
    waiting.start()
    waiting.join(timeout=0.3)
    assert waiting.is_alive() and not got  # a third read waits for a free searcher
    pool.release(first)
    waiting.join(timeout=10)
    assert got == [first]  # the returned one, reused
    pool.release(second)
    pool.release(got[0])  # type: ignore[arg-type]
    pool.close()


def test_a_failed_or_outdated_searcher_is_closed_and_never_handed_out_again(index: SearchIndex) -> None:
    pool = SearcherPool(index._ix)
    failed = pool.acquire()
    pool.release(failed, failed=True)
    with pytest.raises(ReaderClosed):
        failed.stored_fields(0)
    fresh = pool.acquire()
    assert fresh is not failed and fresh.doc_count() == len(DOCS)
    pool.release(fresh)
    index.add([DOCS[0].replace(id=99, url="new")])  # a commit: the idle searcher is outdated
    newer = pool.acquire()
    assert newer is not fresh and newer.doc_count() == len(DOCS) + 1
    with pytest.raises(ReaderClosed):
        fresh.stored_fields(0)
    pool.release(newer)
    pool.close()
    with pytest.raises(RuntimeError, match="closed"):
        pool.acquire()
