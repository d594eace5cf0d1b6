"""Safety of the index under concurrency and crashes: readers during commits from another
process, a writer killed with SIGKILL in the middle of a commit, and the next writer after it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from pressarchive.index.whooshindex.searchindex import SearchIndex

from pressarchive.index import SearchRequest
from tests.contract.corpus import DOCS, texts_of

REPO = Path(__file__).resolve().parent.parent

# Child process: writes batches to the index; optionally stalls inside a commit so the parent
# can kill it there ("postings": while writing the posting lists; "toc": just before the new
# generation's table of contents is renamed into place).
_WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    sys.path.insert(0, sys.argv[3])
    from tests.contract.corpus import DOCS
    from pressarchive.index.whooshindex.searchindex import SearchIndex
    from pressarchive.index.whooshindex import whoosh_internals
    from whoosh.filedb.filestore import FileStorage

    path, stall = Path(sys.argv[1]), sys.argv[2]

    def stalling(original):
        def wrapper(*args, **kwargs):
            print("STALLED", flush=True)
            time.sleep(60)
            return original(*args, **kwargs)
        return wrapper

    if stall == "postings":
        original = whoosh_internals.LeanPostingsWriter.add_posting
        calls = [0]
        def add_posting(self, *args, **kwargs):
            calls[0] += 1
            if calls[0] == 500:
                self._postfile.flush()
                print("STALLED", flush=True)
                time.sleep(60)
            return original(self, *args, **kwargs)
        whoosh_internals.LeanPostingsWriter.add_posting = add_posting
    elif stall == "toc":
        FileStorage.rename_file = stalling(FileStorage.rename_file)

    index = SearchIndex(path)
    rounds, size = {"none": (40, 50), "churn": (40, 10)}.get(stall, (1, 50))
    for n in range(rounds):
        docs = [doc.replace(id=1000 + n * 50 + i, url=f"u{n}-{i}") for i in range(size) for doc in [DOCS[i % 7]]]
        index.add(docs)
        if n % 3 == 2:
            index.delete(range(1000 + (n - 2) * 50, 1000 + (n - 2) * 50 + size // 2))
    print("DONE", flush=True)
    """
)


def _start_writer(path: Path, stall: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(path), stall, str(REPO)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
    )


def _wait_for(proc: subprocess.Popen[str], marker: str, timeout: float = 60) -> None:
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if marker in line:
            return
        if not line and proc.poll() is not None:
            raise AssertionError(f"writer exited early: {proc.stderr.read() if proc.stderr else ''}")
    raise AssertionError(f"writer never printed {marker}")


def test_searches_never_fail_while_another_process_commits(tmp_path: Path) -> None:
    with SearchIndex(tmp_path / "ix") as index:
        index.add(DOCS)
        writer = _start_writer(tmp_path / "ix", "none")
        searches = 0
        totals = []
        while writer.poll() is None:
            result = index.search(SearchRequest(query="tantalio OR hydra", limit=5, sort="date"))
            assert result.total >= 5 and len(result.hits) == 5
            totals.append(index.search(SearchRequest(query="europol", source_country="nl")).total)
            searches += 1
        assert writer.returncode == 0, writer.stderr.read() if writer.stderr else ""
        assert searches > 5
        assert max(totals) > totals[0]  # it did see commits land
        # The long-lived reader ends up exactly where a fresh one is.
        entries = index.entries()
        assert len(entries) == len(set(entries)) == index.count()
        with SearchIndex(tmp_path / "ix") as fresh:
            assert sorted(fresh.entries()) == sorted(entries)
            request = SearchRequest(query="europol OR tantalio", limit=1)
            assert fresh.search(request).to_json() == index.search(request).to_json()


def test_every_read_path_survives_commits_and_merges_from_another_process(tmp_path: Path) -> None:
    """count, entries, more_like and search, from several threads at once, while another
    process commits, deletes and merges: none fails, and none is left with a closed reader."""
    with SearchIndex(tmp_path / "ix", text_source=texts_of(DOCS)) as index:
        index.add(DOCS)
        writer = _start_writer(tmp_path / "ix", "churn")  # many small commits: many merges
        errors: list[BaseException] = []
        reads = [0]

        def reader() -> None:
            try:
                while writer.poll() is None:
                    assert index.count() >= len(DOCS) - 1
                    entries = index.entries()
                    assert len(entries) >= len(DOCS) - 1
                    similar = [hit.id for hit in index.more_like(1, limit=5)]
                    assert similar and 1 not in similar
                    assert index.search(SearchRequest(query="tantalio OR hydra", limit=5)).total >= 5
                    reads[0] += 1
            except BaseException as exc:  # reported below with its traceback
                errors.append(exc)

        threads = [threading.Thread(target=reader) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        writer.wait(timeout=60)
        assert writer.returncode == 0, writer.stderr.read() if writer.stderr else ""
        if errors:
            raise errors[0]
        assert reads[0] > 10
        # Every path still works afterwards and agrees with a fresh reader of the final index.
        with SearchIndex(tmp_path / "ix") as fresh:
            assert sorted(index.entries()) == sorted(fresh.entries())
            assert index.count() == fresh.count()


def test_a_read_during_which_a_commit_drops_its_segments_is_retried(tmp_path: Path) -> None:
    """A commit from another writer lands in the middle of a read (here: while "more like
    this" fetches the document's text from the store, as a real store query can take a
    while); it drops every segment the read had open, so their files are deleted. The read
    is retried on the new generation, and no closed or outdated searcher is kept."""
    texts = texts_of(DOCS)
    other = SearchIndex(tmp_path / "ix")
    commits = []

    def text_source(ids: Sequence[int]) -> dict[int, str]:
        if not commits:
            commits.append(other.rebuild(DOCS))  # every old segment goes, files deleted
        return texts(ids)

    with SearchIndex(tmp_path / "ix", text_source=text_source) as index:
        index.add(DOCS)
        assert index.count() == len(DOCS)  # a searcher of the first generation, now idle
        similar = [hit.id for hit in index.more_like(1, limit=3)]
        assert commits == [len(DOCS)] and similar and 1 not in similar
        assert [hit.id for hit in index.more_like(1, limit=3)] == similar
        assert index.count() == len(DOCS) and len(index.entries()) == len(DOCS)
        assert index.search(SearchRequest(query="tantalio")).total == 3
    other.close()


@pytest.mark.parametrize("stall", ["postings", "toc"])
def test_writer_killed_mid_commit_leaves_a_readable_index(tmp_path: Path, stall: str) -> None:
    with SearchIndex(tmp_path / "ix") as index:
        index.rebuild(DOCS)  # a new index is filled by a refill: it is not asked for again
    writer = _start_writer(tmp_path / "ix", stall)
    try:
        _wait_for(writer, "STALLED")
        os.kill(writer.pid, signal.SIGKILL)
    finally:
        writer.wait(timeout=30)
    assert writer.returncode == -signal.SIGKILL

    with SearchIndex(tmp_path / "ix") as index:
        assert not index.recreated
        assert index.count() == len(DOCS)  # the killed commit never became visible
        assert {hit.id for hit in index.search(SearchRequest(query="tantalio")).hits} == {1, 2, 3}
        began = time.monotonic()
        index.add([DOCS[0].replace(id=500, url="after-crash")])  # the lock died with the writer
        assert time.monotonic() - began < 10
        assert index.count() == len(DOCS) + 1
        assert sorted(doc_id for doc_id, _ in index.entries()) == [1, 2, 3, 4, 5, 6, 7, 500]
