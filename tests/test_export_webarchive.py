"""WARC and WACZ exports: the captures behind documents, as any web-archive tool reads them.

One archive for the module: the sample press room crawled, then crawled again after one
release changed, so a document has two versions with a capture each. Exported WARCs go
through ``warcio check`` (it recomputes every digest), WACZs through py-wacz's validator, and
a WACZ goes round: exported from one archive, imported into a fresh one, and compared.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from warcio.archiveiterator import ArchiveIterator

from pressarchive.datadir import DataDir, prepare_data_dir
from pressarchive.exports.webarchive import write_wacz, write_warc
from pressarchive.imports import ForeignResponse, ImportOptions, ImportSession
from pressarchive.profiles.loader import profile_from_dict
from pressarchive.sampleroom import SamplePressRoom
from pressarchive.service import ArchiveService
from pressarchive.store import Archive, schema
from pressarchive.store.exportcaptures import VersionCapture
from pressarchive.warc import fields
from pressarchive.warc.members import BadMember, read_member, with_fields
from pressarchive.web import create_app
from tests.conftest import CLI, REPO

BIN = Path(sys.executable).parent
WARCIO = str(BIN / "warcio")
WACZ = str(BIN / "wacz")
CHANGED = "operation-kestrel-international-action-against-online-child-abuse.html"


@pytest.fixture(scope="module")
def crawled_twice(sample_room: SamplePressRoom, tmp_path_factory: pytest.TempPathFactory) -> CLI:
    """The sample room crawled, then again at revision 2 (one release edited: a second version)."""
    root = tmp_path_factory.mktemp("webarchive")
    profile = root / "sample.toml"
    profile.write_text(sample_room.profile_toml(), "utf-8")
    cli = CLI(root / "data")
    cli("crawl", "--profile", str(profile), "--delay", "0", check=True)
    sample_room.revision = 2
    try:
        cli("crawl", "--profile", str(profile), "--delay", "0", check=True)
    finally:
        sample_room.revision = 1
    return cli


@pytest.fixture(scope="module")
def data(crawled_twice: CLI) -> DataDir:
    return DataDir(crawled_twice.data)


@pytest.fixture
def archive(data: DataDir) -> Iterator[Archive]:
    opened = Archive(data.database_url)
    yield opened
    opened.close()


def document_ids(archive: Archive) -> list[int]:
    with archive.engine.connect() as conn:
        return list(conn.execute(sa.select(schema.documents.c.id).order_by(schema.documents.c.id)).scalars())


def captures_behind(archive: Archive, ids: list[int], current_only: bool = False) -> dict[str, VersionCapture]:
    """The store's captures behind the versions of ``ids``, by WARC-Record-ID."""
    return {item.warc_record_id: item for item in archive.version_captures(ids, current_only)}


def warcio_check(path: Path) -> None:
    result = subprocess.run([WARCIO, "check", "-v", str(path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "digest pass" in result.stdout and "fail" not in result.stdout


def records(warc: bytes) -> list[tuple[str, dict[str, str], bytes]]:
    """(type, WARC headers, payload as stored) of each record."""
    found = []
    for record in ArchiveIterator(io.BytesIO(warc)):
        headers = dict(record.rec_headers.headers)
        found.append((record.rec_type, headers, record.raw_stream.read()))
    return found


def test_a_warc_export_holds_every_version_s_capture_and_passes_warcio_check(
    data: DataDir, archive: Archive, tmp_path: Path,
) -> None:
    ids = document_ids(archive)
    target = tmp_path / "all.warc.gz"
    with open(target, "wb") as out:
        made = write_warc(data, archive, ids, out, query="everything")
    warcio_check(target)
    found = records(target.read_bytes())
    expected = captures_behind(archive, ids)
    assert len(ids) == 17 and len(expected) == 18  # the edited release has two captures
    assert (made.documents, made.captures, made.missing) == (17, 18, [])
    assert made.bytes == target.stat().st_size
    assert found[0][0] == "warcinfo" and b"query: everything" in found[0][2]
    responses = {headers["WARC-Record-ID"]: (headers, payload)
                 for kind, headers, payload in found if kind == "response"}
    assert responses.keys() == expected.keys()
    for record_id, (headers, payload) in responses.items():
        capture = expected[record_id]
        assert hashlib.sha256(payload).hexdigest() == capture.payload_sha256
        assert headers["WARC-Target-URI"] == capture.url
        assert headers["WARC-Date"] == capture.captured_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        assert headers[fields.SOURCE] == "sample"
        assert headers.get(fields.LISTED_DATE) == (capture.listed_date.isoformat() if capture.listed_date else None)
    requests = [headers for kind, headers, _ in found if kind == "request"]
    assert len(requests) == 18 and {headers["WARC-Concurrent-To"] for headers in requests} == responses.keys()


def test_the_response_records_keep_the_crawl_s_bytes_but_for_the_two_added_fields(
    data: DataDir, archive: Archive, tmp_path: Path,
) -> None:
    """The block (HTTP headers and payload) is the crawl's to the byte; the header only gains fields."""
    doc_id = document_ids(archive)[0]
    out = io.BytesIO()
    write_warc(data, archive, [doc_id], out, all_versions=False)
    exported = next(r for r in ArchiveIterator(io.BytesIO(out.getvalue())) if r.rec_type == "response")
    exported_headers, exported_block = exported.rec_headers.headers, exported.raw_stream.read()
    capture = archive.version_captures([doc_id], current_only=True)[0]
    with open(data.warc_dir / capture.warc_file, "rb") as fh:
        fh.seek(capture.warc_offset)
        original = next(iter(ArchiveIterator(fh)))
        assert original.raw_stream.read() == exported_block
        kept = [header for header in exported_headers if not header[0].startswith("WARC-Pressarchive-")]
        assert kept == original.rec_headers.headers


def test_current_only_exports_one_capture_per_document(data: DataDir, archive: Archive) -> None:
    ids = document_ids(archive)
    out = io.BytesIO()
    made = write_warc(data, archive, ids, out, all_versions=False)
    responses = [headers for kind, headers, _ in records(out.getvalue()) if kind == "response"]
    assert made.captures == len(responses) == len(ids) == made.documents
    assert {headers["WARC-Record-ID"] for headers in responses} == captures_behind(archive, ids, True).keys()


def test_a_wacz_validates_and_lists_a_page_per_document(data: DataDir, archive: Archive, tmp_path: Path) -> None:
    ids = document_ids(archive)
    target = tmp_path / "all.wacz"
    made = write_wacz(data, archive, ids, target, "Sample room", "every release")
    result = subprocess.run([WACZ, "validate", "-f", str(target)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and "Validation succeeded" in result.stdout, result.stdout + result.stderr
    assert validation_failures(target) == []
    assert made.sha256 == hashlib.sha256(target.read_bytes()).hexdigest() and made.bytes == target.stat().st_size
    assert (made.documents, made.captures) == (17, 18) and not list(tmp_path.glob(".wacz-*"))
    with zipfile.ZipFile(target) as package:
        assert package.getinfo("archive/data.warc.gz").compress_type == zipfile.ZIP_STORED
        package_json = json.loads(package.read("datapackage.json"))
        pages = [json.loads(line) for line in package.read("pages/pages.jsonl").splitlines()]
        index = package.read("indexes/index.cdxj").decode().splitlines()
        digest = json.loads(package.read("datapackage-digest.json"))
        warc = package.read("archive/data.warc.gz")
    assert package_json["wacz_version"] == "1.1.1" and package_json["title"] == "Sample room"
    assert digest["hash"] == "sha256:" + hashlib.sha256(json.dumps(package_json, indent=2).encode()).hexdigest()
    assert pages[0]["format"] == "json-pages-1.0" and len(pages) == 1 + 17
    indexed = {(json.loads(line.split(" ", 2)[2])["url"], line.split(" ", 2)[1]) for line in index}
    assert len(index) == 18 and all(json.loads(line.split(" ", 2)[2])["filename"] == "data.warc.gz" for line in index)
    for page in pages[1:]:  # a replay tool finds each page's capture in the index
        assert (page["url"], page["ts"].replace("-", "").replace(":", "").replace("T", "")[:14]) in indexed
    for line in index:  # each index line points at its record in the WARC
        entry = json.loads(line.split(" ", 2)[2])
        offset, length = int(entry["offset"]), int(entry["length"])
        record = next(iter(ArchiveIterator(io.BytesIO(warc[offset:offset + length]))))
        assert record.rec_headers.get_header("WARC-Target-URI") == entry["url"]


def validation_failures(path: Path) -> list[str]:
    """py-wacz's own checks of a 1.1.1 package, run in-process: the names of those that fail."""
    from wacz.validate import Validation

    validation = Validation(str(path))
    assert validation.version == "1.1.1" and validation.hash_type == "sha256"
    checks = {
        "required_contents": validation.check_required_contents() == 0,
        "frictionless": validation.frictionless_validate(),
        "file_paths": validation.check_file_paths(),
        "file_hashes": validation.check_file_hashes(),
        "datapackage_digest": validation.check_data_package_hash_and_sig(),
    }
    return [name for name, passed in checks.items() if not passed]


def test_a_tampered_wacz_fails_the_validator(data: DataDir, archive: Archive, tmp_path: Path) -> None:
    """The validator run above can fail: a page list changed after packaging breaks its hash."""
    good = tmp_path / "good.wacz"
    write_wacz(data, archive, document_ids(archive)[:2], good, "two")
    bad = tmp_path / "bad.wacz"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(bad, "w") as target:
        for item in source.infolist():
            body = source.read(item)
            target.writestr(item, body + b'{"url": "https://evil.example/"}\n' if item.filename.startswith("pages/")
                            else body)
    assert "file_hashes" in validation_failures(bad)  # frictionless sees it too


# -- the CLI ----------------------------------------------------------------------------------


@pytest.mark.parametrize("dash", [(), ("-o", "-")])
def test_cli_exports_a_search_s_captures_as_warc_to_standard_output(crawled_twice: CLI, tmp_path: Path,
                                                                   dash: tuple[str, ...]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pressarchive", "--data", str(crawled_twice.data), "export", "kestrel",
         "--lang", "en", "--format", "warc", *dash], capture_output=True, timeout=300, cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert result.returncode == 0, result.stderr
    assert not list(tmp_path.iterdir()), "no file named '-'"
    target = tmp_path / "kestrel.warc.gz"
    target.write_bytes(result.stdout)
    warcio_check(target)
    urls = [headers["WARC-Target-URI"] for kind, headers, _ in records(result.stdout) if kind == "response"]
    assert len(urls) == 2 and all(url.endswith(CHANGED) for url in urls)  # the English Kestrel release, both versions
    assert result.stderr.decode().strip() == f"exported 1 documents, 2 captures ({len(result.stdout):,} bytes) " \
                                             "to standard output"


def test_cli_exports_a_collection_as_wacz_with_current_captures_only(crawled_twice: CLI, tmp_path: Path) -> None:
    service = ArchiveService(DataDir(crawled_twice.data))
    try:
        ids = service.matching_ids(service_request("kestrel"))
        chosen = [ids[-1], ids[0]]
        service.collections.create("Kestrel story")
        service.collections.add("Kestrel story", chosen)
        in_order = [item.document_id for item in service.collections.show("Kestrel story").items]
    finally:
        service.close()
    assert sorted(in_order) == sorted(chosen)
    target = tmp_path / "story.wacz"
    result = crawled_twice("export", "--collection", "Kestrel story", "--format", "wacz", "--current-only",
                           "--output", str(target), check=True)
    assert result.stderr.startswith("exported 2 documents, 2 captures (") and not list(tmp_path.glob("*.part"))
    assert validation_failures(target) == []
    with zipfile.ZipFile(target) as package:
        pages = [json.loads(line) for line in package.read("pages/pages.jsonl").splitlines()[1:]]
    # The collection's order (added together, so by document id), not the search's.
    assert [page["id"] for page in pages] == [f"document-{doc_id}" for doc_id in in_order]


def service_request(query: str) -> Any:
    from pressarchive.service import request_from_values

    return request_from_values({"query": query})


@pytest.mark.parametrize(("args", "message"), [
    (("--format", "wacz"), "error: a WACZ is a zip file: give --output FILE"),
    (("--format", "wacz", "-o", "-"), "error: a WACZ is a zip file and cannot go to standard output"),
    (("--format", "warc", "--text", "-o", "x.warc.gz"), "error: --text adds a column to csv and jsonl"),
    (("--format", "csv", "--current-only"), "error: --current-only applies to --format warc and wacz"),
    (("--format", "wacz", "-o", "/nonexistent-dir/x.wacz"), "error: cannot write /nonexistent-dir/x.wacz"),
    (("--format", "wacz", "--collection", "no such", "-o", "x.wacz"), "error: no collection named 'no such'"),
])
def test_cli_refuses_what_a_web_archive_export_cannot_do(
    crawled_twice: CLI, tmp_path: Path, args: tuple[str, ...], message: str,
) -> None:
    result = subprocess.run([sys.executable, "-m", "pressarchive", "--data", str(crawled_twice.data), "export", *args],
                            capture_output=True, text=True, timeout=300, cwd=tmp_path,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode != 0 and result.stderr.startswith(message), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not list(tmp_path.iterdir())


def test_a_capture_whose_record_is_gone_is_left_out_and_the_cli_says_so(
    crawled_twice: CLI, tmp_path: Path,
) -> None:
    copy = tmp_path / "data"
    shutil.copytree(crawled_twice.data, copy)
    data = DataDir(copy)
    archive = Archive(data.database_url)
    try:
        ids = document_ids(archive)
        damaged = archive.version_captures(ids[:1], current_only=True)[0]
        with open(data.warc_dir / damaged.warc_file, "r+b") as fh:
            fh.seek(damaged.warc_offset)
            fh.write(b"\0" * 64)
        made = write_warc(data, archive, ids, io.BytesIO())
        assert made.missing == [damaged.capture_id] and made.captures == 17
    finally:
        archive.close()
    target = tmp_path / "out.warc.gz"
    result = CLI(copy)("export", "--format", "warc", "-o", str(target))
    assert result.returncode == 1 and "warning: 1 captures left out" in result.stderr
    warcio_check(target)


# -- the API ----------------------------------------------------------------------------------


def test_the_api_streams_a_warc_and_sends_a_wacz(data: DataDir, tmp_path: Path) -> None:
    with TestClient(create_app(data)) as client:
        response = client.get("/api/export", params={"format": "warc", "q": "kestrel", "current_only": "1"})
        assert response.status_code == 200 and response.headers["content-type"] == "application/warc"
        assert response.headers["content-disposition"].endswith('.warc.gz"')
        assert response.headers["x-total-count"] == "3"
        target = tmp_path / "api.warc.gz"
        target.write_bytes(response.content)
        warcio_check(target)
        assert sum(kind == "response" for kind, _, _ in records(response.content)) == 3
        response = client.get("/api/export", params={"format": "wacz", "source": "sample"})
        assert response.status_code == 200 and response.headers["content-type"] == "application/wacz"
        assert response.headers["x-missing-captures"] == "0"
        package = tmp_path / "api.wacz"
        package.write_bytes(response.content)
        assert validation_failures(package) == []
        head = client.head("/api/export", params={"format": "wacz"})
        assert head.status_code == 200 and head.content == b"" and head.headers["x-total-count"] == "17"
        for params, error in [
            ({"format": "warc", "text": "1"}, "`text` adds a column to csv and jsonl"),
            ({"format": "jsonl", "current_only": "1"}, "`current_only` applies to the warc and wacz formats"),
            ({"format": "warcz"}, "bad format 'warcz': expected one of csv, jsonl, warc, wacz"),
            ({"format": "wacz", "q": "title:("}, "bad query"),
        ]:
            response = client.get("/api/export", params=params)
            assert response.status_code == 400 and response.json()["error"].startswith(error), response.json()
        assert client.get("/api/collections/nothing/export", params={"format": "wacz"}).status_code == 404


# -- the round trip ---------------------------------------------------------------------------


def foreign_responses(wacz: Path) -> Iterator[ForeignResponse]:
    """The response records of a WACZ's WARC as an importer sees them (test-side reader: the
    ``import-warc`` readers are built apart)."""
    with zipfile.ZipFile(wacz) as package, package.open("archive/data.warc.gz") as warc:
        iterator = ArchiveIterator(io.BytesIO(warc.read()))
        for record in iterator:
            if record.rec_type != "response":
                continue
            headers = record.rec_headers
            http = record.http_headers
            listed = headers.get_header(fields.LISTED_DATE)
            yield ForeignResponse(
                url=headers.get_header("WARC-Target-URI"),
                captured_at=datetime.strptime(headers.get_header("WARC-Date"), "%Y-%m-%dT%H:%M:%SZ"),
                status=int(http.get_statuscode()), reason=http.statusline.partition(" ")[2],
                headers=tuple(http.headers), body=record.raw_stream.read(),
                origin=f"warc:{wacz.name}#{iterator.get_record_offset()}",
                record_id=headers.get_header("WARC-Record-ID") or "",
                source=headers.get_header(fields.SOURCE), listed_date=date.fromisoformat(listed) if listed else None,
            )


def import_wacz(data: DataDir, wacz: Path, room: SamplePressRoom) -> None:
    """Import ``wacz`` into ``data``. The one step to swap for ``pressarchive import-warc`` once it lands."""
    profile = profile_from_dict(room.profile())
    with ImportSession(data, ImportOptions(workers=0), {profile.name: profile}) as session:
        for response in foreign_responses(wacz):
            session.add(response)
    assert not session.summary.had_trouble


def archive_contents(data: DataDir) -> dict[str, list[tuple[int, str, str, str]]]:
    """URL -> its versions as (number, capture time to the second, text sha256, payload sha256)."""
    archive = Archive(data.database_url)
    try:
        found = {}
        for doc_id in document_ids(archive):
            stored = archive.get_document(doc_id)
            assert stored is not None
            found[stored.document.url] = [
                (version.number, version.captured_at.strftime("%Y-%m-%dT%H:%M:%S"), version.text_sha256,
                 version.capture.payload_sha256) for version in stored.versions
            ]
        return found
    finally:
        archive.close()


def test_a_wacz_exported_from_one_archive_imports_into_another_with_the_same_documents_and_versions(
    data: DataDir, archive: Archive, sample_room: SamplePressRoom, tmp_path: Path,
) -> None:
    package = tmp_path / "all.wacz"
    write_wacz(data, archive, document_ids(archive), package, "everything")
    fresh = prepare_data_dir(DataDir(tmp_path / "fresh"))
    import_wacz(fresh, package, sample_room)
    original, imported = archive_contents(data), archive_contents(fresh)
    assert len(original) == 17 and sum(len(versions) for versions in original.values()) == 18
    assert imported == original
    second = Archive(fresh.database_url)
    try:  # the source and listing date came along; the import's own WARC exports again, responses alone
        assert {item.source for item in second.version_captures(document_ids(second))} == {"sample"}
        listed = {item.url: item.listed_date for item in second.version_captures(document_ids(second))}
        assert listed == {item.url: item.listed_date for item in archive.version_captures(document_ids(archive))}
        again = tmp_path / "again.warc.gz"
        with open(again, "wb") as out:
            made = write_warc(fresh, second, document_ids(second), out)
        assert (made.documents, made.captures) == (17, 18)
        warcio_check(again)
    finally:
        second.close()


# -- copying records --------------------------------------------------------------------------


def test_a_record_is_read_as_its_own_gzip_member_and_a_cut_one_is_refused() -> None:
    first = gzip.compress(b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Pressarchive-Source: old\r\n"
                        b"Content-Length: 4\r\n\r\nbody\r\n\r\n")
    second = gzip.compress(b"WARC/1.0\r\nWARC-Type: request\r\nContent-Length: 0\r\n\r\n\r\n\r\n")
    stream = io.BytesIO(first + second)
    member = read_member(stream, 0)
    assert member.raw == first and member.field("warc-type") == "response" and member.field("Absent") == ""
    assert read_member(stream, len(first)).raw == second
    added = {fields.SOURCE: "new\r\nInjected: 1", fields.LISTED_DATE: "2019-01-02"}
    rewritten = gzip.decompress(with_fields(member, added))  # a value with a line break stays on one line
    assert rewritten == (b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 4\r\n"
                         b"WARC-Pressarchive-Source: new Injected: 1\r\nWARC-Pressarchive-Listed-Date: 2019-01-02\r\n"
                         b"\r\nbody\r\n\r\n")
    with pytest.raises(BadMember, match="cut short"):
        read_member(io.BytesIO(first[:-5]), 0)
    with pytest.raises(BadMember, match="no gzip member"):
        read_member(io.BytesIO(b"\0" * 100), 0)
    with pytest.raises(BadMember, match="no WARC record"):
        read_member(io.BytesIO(gzip.compress(b"<html></html>")), 0)
