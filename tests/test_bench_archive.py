"""bench/archivecorpus.py builds a real archive: every capture's WARC record is there, the index agrees."""

from __future__ import annotations

import sys
from pathlib import Path

from pressarchive.exports import export_search
from pressarchive.service import ArchiveService, build_request
from pressarchive.warc import read_response

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from archivecorpus import build_archive  # noqa: E402  (bench/ helper)


def test_the_bench_archive_is_a_consistent_archive(tmp_path: Path) -> None:
    data = build_archive(tmp_path / "data", 40)
    service = ArchiveService(data)
    try:
        status = service.status()
        assert status["documents"] == status["versions"] == status["captures"] == status["index_entries"] == 40
        assert service.check().ok
        assert service.check_warc().ok
        made = export_search(service, build_request(""), "jsonl")
        assert made.count == 40 and sum(chunk.count(b"\n") for chunk in made.chunks) == 40
        stored = service.document(17).versions[-1]
        record = read_response(data.warc_dir / stored.capture.warc_file, stored.capture.warc_offset)
        assert record.record_id == stored.capture.warc_record_id and record.url == stored.capture.url
        assert {source.name for source in service.sources() if source.documents} <= {
            source.name for source in service.sources() if source.language}
    finally:
        service.close()
