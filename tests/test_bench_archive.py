"""bench/archivecorpus.py builds an honest archive: each document's own WARC record, check passes.

The benchmarks' figures are only worth something over an archive the real app opens as it
opens any other: every capture pointing at a response record of its own whose payload digest
matches, the index holding each current version once and marked as filled (a server that
refilled it at start would time that instead), and a second build of the same size reused.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pressarchive.index.whooshindex.searchindex import SearchIndex
from pressarchive.service import ArchiveService
from pressarchive.warc import read_response

DOCUMENTS = 40


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from archivecorpus import build_archive

    root = tmp_path_factory.mktemp("bench-archive")
    return root, build_archive(root, DOCUMENTS)


def test_check_passes_warc_evidence_included(built) -> None:  # type: ignore[no-untyped-def]
    _root, archive = built
    service = ArchiveService(archive.data)
    try:
        status = service.status()
        assert status["documents"] == status["versions"] == status["captures"] == DOCUMENTS
        assert status["index_entries"] == status["indexed"] == DOCUMENTS  # nothing left for the server to index
        assert service.check().ok
        warc = service.check_warc()
        assert warc.ok and warc.captures == DOCUMENTS
    finally:
        service.close()


def test_every_capture_has_its_own_record(built) -> None:  # type: ignore[no-untyped-def]
    _root, archive = built
    service = ArchiveService(archive.data)
    try:
        record_ids = set()
        for doc_id in range(1, DOCUMENTS + 1):
            capture = service.document(doc_id).versions[-1].capture
            record = read_response(archive.data.warc_dir / capture.warc_file, capture.warc_offset)
            assert record.record_id == capture.warc_record_id and record.url == capture.url
            record_ids.add(record.record_id)
        assert len(record_ids) == DOCUMENTS
    finally:
        service.close()


def test_index_is_filled_and_the_build_is_reused(built) -> None:  # type: ignore[no-untyped-def]
    root, archive = built
    from archivecorpus import build_archive

    assert not archive.cached
    again = build_archive(root, DOCUMENTS)
    assert again.cached and again.data == archive.data
    index = SearchIndex(archive.data.index_dir)
    try:
        assert not index.recreated  # the server would open it as it is, not refill it
        assert index.count() == DOCUMENTS
    finally:
        index.close()
    other = build_archive(root, DOCUMENTS, seed=8)
    assert not other.cached and other.data != archive.data
