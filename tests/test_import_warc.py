"""import-warc over files written by warcio and by hand: WARC (gzipped or not), ARC, revisits, WACZ."""

from __future__ import annotations

import gzip
import hashlib
from datetime import date, datetime
from pathlib import Path

import pytest

from pressarchive.datadir import DataDir, prepare_data_dir
from pressarchive.imports import ImportOptions, ImportSummary
from pressarchive.imports.inputs import check_inputs
from pressarchive.imports.run import import_archive_files
from pressarchive.profiles import Profile
from pressarchive.store import Archive
from pressarchive.store.archive import StoredDocument
from pressarchive.warc import CaptureLocation, read_response, verify_captures
from pressarchive.warc import fields
from tests.cli_here import run_here
from tests.warc_files import Record, arc_record, page, write_arc, write_warc, write_wacz
from tests.storebackends import data_dir_on

POLICE = Profile(name="police", title="Regional Police", agency="Regional Police", country="ES", language="en",
                 allowed_domains=("police.example",))
URL = "https://www.police.example/press/1"


@pytest.fixture
def data(tmp_path: Path, store_db: str | None) -> DataDir:
    return prepare_data_dir(data_dir_on(tmp_path / "data", store_db))


def run(data: DataDir, *paths: Path, source: str | None = None) -> ImportSummary:
    return import_archive_files(data, check_inputs(paths), ImportOptions(source=source, workers=0),
                                {"police": POLICE})


def stored(data: DataDir) -> list[StoredDocument]:
    archive = Archive(data.database_url)
    try:
        found, doc_id = [], 1
        while (doc := archive.get_document(doc_id)) is not None:
            found.append(doc)
            doc_id += 1
        return found
    finally:
        archive.close()


def consistent(data: DataDir) -> bool:
    archive = Archive(data.database_url)
    try:
        locations = [CaptureLocation(*row) for row in archive.capture_locations()]
    finally:
        archive.close()
    return verify_captures(data.warc_dir, locations).ok


@pytest.mark.parametrize("gzipped", [True, False])
def test_warc_responses_become_documents_with_their_dates_and_origins(data: DataDir, tmp_path: Path,
                                                                      gzipped: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gzipped else "crawl.warc")
    coded = gzip.compress(page(40))
    offsets = write_warc(path, [
        Record(URL, "2019-05-02T10:00:00Z", page(38)),
        Record("https://news.example/story", "2018-01-01T08:30:15.250Z", coded,
               headers=[("Content-Type", "text/html"), ("Content-Encoding", "gzip")]),
        Record("https://www.police.example/logo.png", "2019-05-02T10:00:01Z", b"\x89PNG\r\n\x1a\n" + b"\0" * 40,
               headers=[("Content-Type", "image/png")]),
    ], gzipped=gzipped)
    summary = run(data, path)
    assert summary.records == 4 and summary.responses == 3 and summary.documents == {"new": 2}
    assert summary.skipped == {"media": 1} and not summary.had_trouble
    police, news = stored(data)
    assert police.document.source == "police" and news.document.source == "news.example"
    assert police.versions[0].captured_at == datetime(2019, 5, 2, 10)
    assert news.versions[0].captured_at == datetime(2018, 1, 1, 8, 30, 15)
    assert police.versions[0].capture.origin == f"warc:{path.name}#{offsets[0]}"
    assert news.versions[0].capture.origin == f"warc:{path.name}#{offsets[1]}"
    # The body is kept as it came: still gzip content-coded, in the archive's own WARC file.
    capture = news.versions[0].capture
    assert capture.payload_sha256 == hashlib.sha256(coded).hexdigest() and capture.length == len(coded)
    copy = read_response(data.warc_dir / capture.warc_file, capture.warc_offset)
    assert copy.body == page(40) and ("Content-Encoding", "gzip") in copy.headers
    assert consistent(data)


def test_chunked_bodies_are_stored_dechunked_without_transfer_encoding(data: DataDir, tmp_path: Path) -> None:
    body = page(5)
    parts = (body[:100], body[100:])
    chunked = b"".join(f"{len(part):x}\r\n".encode() + part + b"\r\n" for part in parts) + b"0\r\n\r\n"
    path = tmp_path / "chunked.warc"
    write_warc(path, [Record(URL, "2020-02-02T00:00:00Z", raw_payload=chunked,
                             headers=[("Content-Type", "text/html"), ("Transfer-Encoding", "chunked")])],
               gzipped=False)
    assert run(data, path).documents == {"new": 1}
    capture = stored(data)[0].versions[0].capture
    copy = read_response(data.warc_dir / capture.warc_file, capture.warc_offset)
    assert copy.body == body and not any(name.lower() == "transfer-encoding" for name, _ in copy.headers)


def test_versions_stay_in_time_order_when_imported_out_of_order(data: DataDir, tmp_path: Path) -> None:
    write_warc(tmp_path / "late.warc.gz", [Record(URL, "2021-06-01T12:00:00Z", page(3))])
    write_warc(tmp_path / "early.warc.gz", [Record(URL, "2017-03-01T09:00:00Z", page(1)),
                                            Record(URL, "2019-01-01T09:00:00Z", page(2))])
    run(data, tmp_path / "late.warc.gz")
    summary = run(data, tmp_path / "early.warc.gz")
    assert summary.documents == {"past": 2}
    (doc,) = stored(data)
    assert [(v.number, v.captured_at.year) for v in doc.versions] == [(1, 2017), (2, 2019), (3, 2021)]
    assert "3 provinces" in doc.document.title  # the latest capture stays the current version


def test_importing_twice_adds_nothing(data: DataDir, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "crawl.warc.gz"
    write_warc(path, [Record(URL, "2019-05-02T10:00:00Z", page(1)), Record(URL + "0", "2019-05-02T10:00:00Z", page(2))])
    code, _, err = run_here(capsys, data.root, "import-warc", "--workers", "0", str(path))
    assert code == 0 and "skipped:" not in err and "error" not in err
    code, out, _ = run_here(capsys, data.root, "search", "provinces", "--json")
    assert code == 0 and out.count('"url"') >= 2  # indexed: found by a search
    warc_files = sorted(data.warc_dir.iterdir())
    code, out, err = run_here(capsys, data.root, "import-warc", "--workers", "0", "--json", str(path))
    assert code == 0 and '"duplicate": 2' in out and '"captures": 0' in out and '"indexed": 0' in out
    assert len(stored(data)) == 2 and sorted(data.warc_dir.iterdir()) == warc_files
    assert len(list(data.reports_dir.glob("import-*.json"))) == 2


def test_revisits_resolve_to_their_originals(data: DataDir, tmp_path: Path) -> None:
    original = Record(URL, "2019-05-02T10:00:00Z", page(7))
    alias = Record("https://www.police.example/press/1-copy", "2019-06-01T10:00:00Z", revisit_of=original)
    write_warc(tmp_path / "a.warc.gz", [original])
    # In a later file of the same run: a revisit of the same URL (a later sighting of the same
    # text once resolved), one of another URL with the same payload (a capture of its own), one
    # whose original is unknown.
    unknown = Record("https://www.police.example/press/9", "2019-01-01T00:00:00Z",
                     warc_headers={"_digest": "sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"})
    write_warc(tmp_path / "b.warc.gz", [
        Record(URL, "2019-06-01T10:00:00Z", revisit_of=original), alias,
        Record(unknown.url, "2019-06-01T10:00:00Z", revisit_of=unknown),
    ])
    summary = run(data, tmp_path / "a.warc.gz", tmp_path / "b.warc.gz")
    assert summary.skipped == {"revisit_unresolved": 1}
    assert summary.documents == {"new": 2, "unchanged": 1} and not summary.had_trouble
    docs = {doc.document.url: doc for doc in stored(data)}
    copy = docs["https://www.police.example/press/1-copy"].versions[0]
    assert copy.captured_at == datetime(2019, 6, 1, 10) and copy.capture.origin.startswith("warc:b.warc.gz#")
    assert "7 provinces" in copy.title
    assert consistent(data)


def test_revisits_resolve_by_record_id(data: DataDir, tmp_path: Path) -> None:
    original = Record(URL, "2019-05-02T10:00:00Z", page(8))
    path = tmp_path / "a.warc"
    write_warc(path, [original], gzipped=False)
    elsewhere = Record("https://elsewhere.example/", "x", warc_headers={"_digest": "sha1:ZZZZ"})
    revisit = Record("https://www.police.example/amp/1", "2020-01-01T00:00:00Z", revisit_of=elsewhere,
                     warc_headers={"WARC-Refers-To": original.warc_headers["_id"]})
    write_warc(tmp_path / "b.warc", [revisit], gzipped=False)
    assert run(data, path, tmp_path / "b.warc").documents == {"new": 2}


@pytest.mark.parametrize("gzipped", [True, False])
def test_arc_files_import_with_their_dates(data: DataDir, tmp_path: Path, gzipped: bool) -> None:
    path = tmp_path / ("old.arc.gz" if gzipped else "old.arc")
    offsets = write_arc(path, [arc_record("http://www.police.example/press/old", "20080430204825", page(11)),
                               arc_record("http://www.police.example/logo.gif", "20080430204826",
                                          b"GIF89a" + b"\0" * 30, "image/gif")], gzipped)
    summary = run(data, path)
    assert summary.documents == {"new": 1} and summary.skipped == {"media": 1} and not summary.bad_count
    (doc,) = stored(data)
    assert doc.versions[0].captured_at == datetime(2008, 4, 30, 20, 48, 25)
    assert doc.versions[0].capture.origin == f"warc:{path.name}#{offsets[0]}" and doc.document.source == "police"


def test_pressarchive_fields_give_source_and_listed_date(data: DataDir, tmp_path: Path) -> None:
    path = tmp_path / "export.warc.gz"
    write_warc(path, [Record("https://other.example/release", "2019-05-02T10:00:00Z", page(12),
                             warc_headers={fields.SOURCE: "police", fields.LISTED_DATE: "2019-05-01"})])
    run(data, path)
    (doc,) = stored(data)
    assert doc.document.source == "police" and doc.versions[0].capture.listed_date == date(2019, 5, 1)


def _warc_bytes(tmp_path: Path, name: str, records: list[Record]) -> tuple[bytes, list[int]]:
    offsets = write_warc(tmp_path / name, records)
    return (tmp_path / name).read_bytes(), offsets


def test_wacz_members_import_with_their_origin(data: DataDir, tmp_path: Path) -> None:
    first, offsets = _warc_bytes(tmp_path, "one.warc.gz", [Record(URL, "2019-05-02T10:00:00Z", page(21))])
    second, _ = _warc_bytes(tmp_path, "two.warc.gz", [Record(URL + "2", "2019-05-03T10:00:00Z", page(22))])
    write_wacz(tmp_path / "pkg.wacz", {"one.warc.gz": first, "two.warc.gz": second})
    summary = run(data, tmp_path / "pkg.wacz")
    assert summary.documents == {"new": 2} and not summary.had_trouble
    origins = sorted(doc.versions[0].capture.origin for doc in stored(data))
    assert origins[0] == f"warc:pkg.wacz!archive/one.warc.gz#{offsets[0]}"
    assert origins[1].startswith("warc:pkg.wacz!archive/two.warc.gz#")


def test_wacz_member_with_a_wrong_digest_is_skipped_and_reported(data: DataDir, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    good, _ = _warc_bytes(tmp_path, "good.warc.gz", [Record(URL, "2019-05-02T10:00:00Z", page(31))])
    bad, _ = _warc_bytes(tmp_path, "bad.warc.gz", [Record(URL + "2", "2019-05-03T10:00:00Z", page(32))])
    write_wacz(tmp_path / "pkg.wacz", {"good.warc.gz": good, "bad.warc.gz": bad}, wrong_hash=("bad.warc.gz",))
    code, _, err = run_here(capsys, data.root, "import-warc", "--workers", "0", str(tmp_path / "pkg.wacz"))
    assert code == 1
    assert "bad record: pkg.wacz!archive/bad.warc.gz@0: its digest does not match datapackage.json" in err
    assert err.strip().splitlines()[-1] == "error: 1 records could not be read and were skipped; the rest was imported"
    assert [doc.document.url for doc in stored(data)] == [URL]


def test_wacz_whose_package_list_fails_its_digest_imports_nothing(data: DataDir, tmp_path: Path) -> None:
    good, _ = _warc_bytes(tmp_path, "good.warc.gz", [Record(URL, "2019-05-02T10:00:00Z", page(41))])
    write_wacz(tmp_path / "pkg.wacz", {"good.warc.gz": good}, wrong_package_digest=True)
    summary = run(data, tmp_path / "pkg.wacz")
    assert [str(bad) for bad in summary.bad] == [
        "pkg.wacz!datapackage.json@0: does not match the hash in datapackage-digest.json"]
    assert summary.had_trouble and not stored(data)


def test_a_page_without_text_keeps_its_capture_and_is_not_copied_again(data: DataDir, tmp_path: Path) -> None:
    path = tmp_path / "empty.warc.gz"
    write_warc(path, [Record(URL, "2019-05-02T10:00:00Z", b"<html><body></body></html>")])
    first = run(data, path)
    assert first.captures == 1 and first.skipped == {"no_text": 1} and not first.documents
    archive = Archive(data.database_url)
    try:
        assert len(list(archive.capture_locations())) == 1
    finally:
        archive.close()
    assert run(data, path).skipped == {"duplicate": 1}
