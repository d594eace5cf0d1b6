"""Citable snapshots: the bundle a search's results are frozen into, its verification with the
bundle alone (on another machine) and against an archive, the diff against today's results,
the CLI, the pages and the JSON API (escaping a hostile name and query), and the errors."""

from __future__ import annotations

import dataclasses
import hashlib
import html
import json
import shutil
import stat
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from warcio.archiveiterator import ArchiveIterator

from pressarchive import __version__
from pressarchive.datadir import DataDir
from pressarchive.errors import NotFound, UserError
from pressarchive.exports import COLUMNS, TEXT_COLUMN
from pressarchive.extract import extract_document
from pressarchive.record import Document
from pressarchive.service import ArchiveService, build_request
from pressarchive.snapshots import (
    CAPTURES, CHECKSUMS, DOCUMENTS, MANIFEST, Manifest, SnapshotExists, SnapshotUnsettled, verify_bundle,
)
from pressarchive.snapshots import create as create_module
from pressarchive.snapshots.reextract import extractor_versions
from pressarchive.snapshots.verify import presence_in
from pressarchive.imports import ImportOptions, ImportSession
from pressarchive.store import Archive, text_digest
from pressarchive.warc import read_response
from pressarchive.web import create_app
from tests.archive_builder import Builder
from tests.cli_here import run_here
from tests.test_export_webarchive import foreign_responses
from tests.web_pages import page
from tests.storebackends import copy_data_dir, data_dir_on

HOSTILE_NAME = '<img src=x onerror=alert(1)> & "quoted"'
HOSTILE_QUERY = 'Tantalio NOT "<b>bold</b>"'
WACZ_BIN = Path(sys.executable).with_name("wacz")


def release_body(n: int, title: str, extra: str = "") -> bytes:
    """A release page the extractors read as ``title`` and three paragraphs naming ``n``."""
    paras = "".join(
        f"<p>Police forces in several countries took part in the operation {n}, part {i}. Officers searched "
        f"buildings and seized servers, phones and documents over three days of coordinated action. {extra}</p>"
        for i in range(3)
    )
    title = html.escape(title)
    return (f"<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>{title}</title></head><body><main>"
            f"<article><h1>{title}</h1><p>Published {10 + n % 18} March 2019</p>{paras}</article></main>"
            "</body></html>").encode()


def add_release(builder: Builder, n: int, title: str, extra: str = "", when: datetime | None = None) -> int:
    """Archive release ``n`` as the crawler would: its page extracted with its source's options."""
    url = f"https://police-a.example/press/{n}"
    body = release_body(n, title, extra)
    captured = when or datetime(2024, 1, 1, 12, 0, n % 60)
    doc = extract_document(body, url, "text/html", default_language="en", country="DE", captured=captured.date())
    assert doc is not None
    return builder.add(doc.replace(source="police-a", agency="Police A", country="DE"), when=captured, body=body)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory, module_store_db: str | None) -> tuple[DataDir, dict[str, int]]:
    data = data_dir_on(tmp_path_factory.mktemp("base") / "data", module_store_db)
    service = ArchiveService(data)
    try:
        service.archive.upsert_source("police-a", agency="Police A", country="DE", language="en")
        builder = Builder(service)
        ids = {
            "first": add_release(builder, 1, "Europol supports Operation Tantalio"),
            "second": add_release(builder, 2, "Tantalio: arrests in Spain"),
            "other": add_release(builder, 3, "Raid on a warehouse in Hamburg"),
        }
        service.index_pending()
    finally:
        service.close()
    return data, ids


@pytest.fixture()
def archive(base: tuple[DataDir, dict[str, int]], tmp_path: Path,
            request: pytest.FixtureRequest) -> Iterator[tuple[DataDir, dict[str, int]]]:
    """A fresh copy of the base archive (its files and its store) for a test that writes."""
    server = None if base[0].uses_embedded_database else request.getfixturevalue("postgres_server")
    copy = copy_data_dir(base[0], tmp_path / "data", server)
    yield copy, base[1]
    if server is not None:
        server.drop_database(copy.database_url)


@pytest.fixture()
def service(archive: tuple[DataDir, dict[str, int]]) -> Iterator[ArchiveService]:
    opened = ArchiveService(archive[0])
    yield opened
    opened.close()


def snap(service: ArchiveService, name: str = "tantalio", query: str = "Tantalio", **filters: Any) -> Manifest:
    return service.snapshots.create(name, build_request(query, **filters))


def writable_copy(folder: Path, target: Path) -> Path:
    """A copy of a (read-only) bundle that a test may damage."""
    shutil.copytree(folder, target)
    target.chmod(0o755)
    for entry in target.iterdir():
        entry.chmod(0o644)
    return target


# -- making a snapshot ---------------------------------------------------------------------------


def test_create_writes_a_read_only_bundle_that_sha256sum_accepts(service: ArchiveService) -> None:
    manifest = snap(service)
    folder = service.data.snapshots_dir / "tantalio"
    assert sorted(entry.name for entry in folder.iterdir()) == sorted([MANIFEST, DOCUMENTS, CAPTURES, CHECKSUMS])
    assert not folder.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    for entry in folder.iterdir():
        assert not entry.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH), entry.name
    lines = (folder / CHECKSUMS).read_text().splitlines()
    assert lines == [f"{hashlib.sha256((folder / name).read_bytes()).hexdigest()}  {name}"
                     for name in (MANIFEST, DOCUMENTS, CAPTURES)]
    checked = subprocess.run(["sha256sum", "-c", CHECKSUMS], cwd=folder, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert manifest.count == 2
    assert not [entry for entry in service.data.snapshots_dir.iterdir() if entry.name != "tantalio"]  # no temp left


def test_the_manifest_records_the_search_the_time_and_each_version_with_its_digests(
    service: ArchiveService, archive: tuple[DataDir, dict[str, int]],
) -> None:
    ids = archive[1]
    before = datetime.utcnow().replace(microsecond=0)
    snap(service, query="Tantalio", source="police-a", sort="date")
    folder = service.data.snapshots_dir / "tantalio"
    raw = json.loads((folder / MANIFEST).read_text("utf-8"))
    assert raw["format"] == "pressarchive-snapshot/1" and raw["name"] == "tantalio"
    assert raw["search"] == {"q": "Tantalio", "source": "police-a", "sort": "date"}
    assert raw["collection"] is None and raw["count"] == 2
    assert raw["pressarchive_version"] == __version__ and raw["extractors"] == extractor_versions()
    assert before <= datetime.fromisoformat(raw["created"].rstrip("Z")) <= datetime.utcnow()
    for name in (DOCUMENTS, CAPTURES):
        data = (folder / name).read_bytes()
        assert raw["files"][name] == {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    assert [doc["id"] for doc in raw["documents"]] == [ids["second"], ids["first"]]  # the search's order: by date
    for frozen in raw["documents"]:
        stored = service.archive.get_document(frozen["id"])
        assert stored is not None
        version = stored.versions[-1]
        original = read_response(service.data.warc_dir / version.capture.warc_file, version.capture.warc_offset)
        assert frozen["url"] == stored.document.url and frozen["version"] == version.number == 1
        assert frozen["text_sha256"] == version.text_sha256 == text_digest(version.title, version.text)
        assert frozen["payload_sha256"] == hashlib.sha256(original.body).hexdigest()
        assert frozen["warc_record_id"] == original.record_id and frozen["warc_record_id"].startswith("<urn:uuid:")
        assert frozen["captured"] == version.captured_at.isoformat() + "Z"
        assert frozen["permalink"] == f"/doc/{frozen['id']}?version=1"
        assert frozen["extraction"] == {"default_language": "en", "extractor": None, "country": "DE",
                                        "listed_date": None}
    assert Manifest.decode((folder / MANIFEST).read_bytes()).to_json() == raw


def test_the_documents_file_is_the_json_lines_export_with_texts(service: ArchiveService) -> None:
    manifest = snap(service)
    rows = [json.loads(line) for line in (service.data.snapshots_dir / "tantalio" / DOCUMENTS).read_text().splitlines()]
    assert [list(row) for row in rows] == [[*COLUMNS, TEXT_COLUMN]] * 2
    assert [(row["document_id"], row["version"], row["text_sha256"]) for row in rows] == [
        (doc.id, doc.version, doc.text_sha256) for doc in manifest.documents]
    assert all(text_digest(row["title"], row["text"]) == row["text_sha256"] for row in rows)


def test_the_captures_are_a_valid_wacz_of_the_frozen_versions(service: ArchiveService) -> None:
    manifest = snap(service)
    wacz = service.data.snapshots_dir / "tantalio" / CAPTURES
    checked = subprocess.run([str(WACZ_BIN), "validate", "-f", str(wacz)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    with zipfile.ZipFile(wacz) as package, package.open("archive/data.warc.gz") as warc:
        responses = {
            record.rec_headers.get_header("WARC-Record-ID"): hashlib.sha256(record.raw_stream.read()).hexdigest()
            for record in ArchiveIterator(warc) if record.rec_type == "response"
        }
    assert responses == {doc.warc_record_id: doc.payload_sha256 for doc in manifest.documents}


def test_a_search_that_matches_nothing_is_frozen_as_an_empty_snapshot(service: ArchiveService) -> None:
    manifest = snap(service, "nothing", "zzyzx")
    assert manifest.count == 0
    result = verify_bundle(service.data.snapshots_dir / "nothing")
    assert result.intact and result.manifest is not None and result.manifest.count == 0


def test_a_collection_can_be_frozen(service: ArchiveService, archive: tuple[DataDir, dict[str, int]]) -> None:
    ids = archive[1]
    service.collections.create("paper")
    service.collections.add("paper", [ids["other"]])
    service.collections.add("paper", [ids["first"]])
    manifest = service.snapshots.create("paper-corpus", collection="paper")
    assert manifest.collection == "paper" and manifest.search is None
    assert [doc.id for doc in manifest.documents] == [ids["other"], ids["first"]]
    service.collections.remove("paper", [ids["other"]])
    diff = service.snapshots.diff("paper-corpus")
    assert [entry.document_id for entry in diff.removed] == [ids["other"]] and not diff.added


def test_an_existing_name_is_an_error_and_the_snapshot_stays_as_it_was(service: ArchiveService) -> None:
    snap(service)
    folder = service.data.snapshots_dir / "tantalio"
    before = {entry.name: entry.read_bytes() for entry in folder.iterdir()}
    with pytest.raises(SnapshotExists, match="already exists"):
        snap(service, query="Hamburg")
    assert {entry.name: entry.read_bytes() for entry in folder.iterdir()} == before
    assert sorted(entry.name for entry in service.data.snapshots_dir.iterdir()) == ["tantalio"]


@pytest.mark.parametrize("name", [
    "a/b", "..", ".", ".hidden", "", "   ", "x" * 101, "\U0001d538" * 70, "tab\there", "rtl\u202e",
])
def test_a_bad_name_is_refused_before_anything_is_written(service: ArchiveService, name: str) -> None:
    with pytest.raises(UserError):
        snap(service, name)
    assert not service.data.snapshots_dir.exists() or not list(service.data.snapshots_dir.iterdir())


def test_a_snapshot_the_archive_changed_under_is_refused_and_leaves_nothing(
    service: ArchiveService, archive: tuple[DataDir, dict[str, int]], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A crawl that adds a version between reading the rows and writing the captures: the
    bundle would mix two versions, so it is checked before it is named, and refused."""
    real = create_module.write_wacz

    def crawl_meanwhile(*args: Any, **kwargs: Any) -> Any:
        add_release(Builder(service), 1, "Europol supports Operation Tantalio", "Corrected.", datetime(2024, 2, 1))
        return real(*args, **kwargs)

    monkeypatch.setattr(create_module, "write_wacz", crawl_meanwhile)
    with pytest.raises(SnapshotUnsettled, match="changed while"):
        snap(service)
    assert list(service.data.snapshots_dir.iterdir()) == []


def test_a_name_taken_while_the_snapshot_was_made_is_not_replaced(
    service: ArchiveService, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two commands making the same name at once: the second finds the name taken at the end."""
    real = create_module.write_wacz

    def other_command_meanwhile(*args: Any, **kwargs: Any) -> Any:
        taken = service.data.snapshots_dir / "tantalio"
        taken.mkdir()
        (taken / MANIFEST).write_text("the other command's")
        return real(*args, **kwargs)

    monkeypatch.setattr(create_module, "write_wacz", other_command_meanwhile)
    with pytest.raises(SnapshotExists):
        snap(service)
    assert [entry.name for entry in service.data.snapshots_dir.iterdir()] == ["tantalio"]
    assert (service.data.snapshots_dir / "tantalio" / MANIFEST).read_text() == "the other command's"


# -- verifying -----------------------------------------------------------------------------------


def test_an_intact_bundle_verifies_and_its_captures_extract_to_the_same_texts(service: ArchiveService) -> None:
    snap(service)
    result = verify_bundle(service.data.snapshots_dir / "tantalio", service.archive)
    assert result.intact, result.problems
    assert result.notes == [] and result.reextracted == 2
    assert result.files == [MANIFEST, DOCUMENTS, CAPTURES]
    assert result.presence is not None and {p.status for p in result.presence} == {"present"}
    assert not any(p.renumbered for p in result.presence)


def _flip(path: Path, marker: bytes | None, offset: int = 0) -> None:
    """Change one bit of one byte of ``path``: ``offset`` bytes from where ``marker`` starts,
    or in the middle of the file."""
    data = bytearray(path.read_bytes())
    at = data.index(marker) + offset if marker is not None else len(data) // 2
    data[at] ^= 0x01
    path.write_bytes(bytes(data))


def _reseal(copy: Path) -> None:
    """Recompute the manifest's file digests and the checksums, as a forger would."""
    manifest = json.loads((copy / MANIFEST).read_text())
    for name in (DOCUMENTS, CAPTURES):
        data = (copy / name).read_bytes()
        manifest["files"][name] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    (copy / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    (copy / CHECKSUMS).write_text("".join(f"{hashlib.sha256((copy / n).read_bytes()).hexdigest()}  {n}\n"
                                          for n in (MANIFEST, DOCUMENTS, CAPTURES)))


@pytest.mark.parametrize(("file", "marker", "offset", "expected"), [
    (MANIFEST, b'"text_sha256": "', 16, f"{MANIFEST}: SHA-256"),
    (DOCUMENTS, b"Police forces", 0, f"{DOCUMENTS}: SHA-256"),
    (CAPTURES, None, 0, f"{CAPTURES}: SHA-256"),
    (CHECKSUMS, b"  ", -1, CHECKSUMS),
])
def test_one_changed_byte_in_any_file_is_found(
    service: ArchiveService, tmp_path: Path, file: str, marker: bytes | None, offset: int, expected: str,
) -> None:
    snap(service)
    copy = writable_copy(service.data.snapshots_dir / "tantalio", tmp_path / "copy")
    _flip(copy / file, marker, offset)
    result = verify_bundle(copy)
    assert not result.intact
    assert any(expected in problem for problem in result.problems), result.problems


def test_a_changed_capture_with_the_bundle_digests_recomputed_is_still_caught(
    service: ArchiveService, tmp_path: Path,
) -> None:
    """The WACZ's own digests (datapackage.json, the zip's CRCs) still give it away."""
    snap(service)
    copy = writable_copy(service.data.snapshots_dir / "tantalio", tmp_path / "copy")
    with zipfile.ZipFile(copy / CAPTURES) as package:
        start = package.getinfo("archive/data.warc.gz").header_offset
    data = bytearray((copy / CAPTURES).read_bytes())
    data[start + 200] ^= 0x01  # inside the stored WARC file, past its local header
    (copy / CAPTURES).write_bytes(bytes(data))
    _reseal(copy)
    result = verify_bundle(copy)
    assert result.problems and all(problem.startswith(f"{CAPTURES}: ") for problem in result.problems), result.problems


def test_a_changed_text_with_its_digests_recomputed_is_still_caught(service: ArchiveService, tmp_path: Path) -> None:
    """A forger who edits a text and fixes the checksums and the manifest's file digest
    still leaves the text's own digest wrong."""
    snap(service)
    copy = writable_copy(service.data.snapshots_dir / "tantalio", tmp_path / "copy")
    (copy / DOCUMENTS).write_bytes((copy / DOCUMENTS).read_bytes().replace(b"seized", b"burnt"))
    _reseal(copy)
    result = verify_bundle(copy)
    assert result.problems and all("do not have their SHA-256" in problem for problem in result.problems)


@pytest.mark.parametrize("file", [MANIFEST, DOCUMENTS, CAPTURES, CHECKSUMS])
def test_a_missing_file_is_found(service: ArchiveService, tmp_path: Path, file: str) -> None:
    snap(service)
    copy = writable_copy(service.data.snapshots_dir / "tantalio", tmp_path / "copy")
    (copy / file).unlink()
    result = verify_bundle(copy)
    assert any(problem.startswith(f"{file} is missing") for problem in result.problems), result.problems


def test_a_capture_whose_payload_differs_from_the_manifest_is_found(service: ArchiveService, tmp_path: Path) -> None:
    """The WACZ rebuilt whole (its own digests right) around another payload."""
    manifest = snap(service)
    copy = writable_copy(service.data.snapshots_dir / "tantalio", tmp_path / "copy")
    doc = manifest.documents[0]
    frozen = json.loads((copy / MANIFEST).read_text())
    frozen["documents"][0]["payload_sha256"] = "0" * 64
    (copy / MANIFEST).write_text(json.dumps(frozen, ensure_ascii=False, indent=2) + "\n")
    result = verify_bundle(copy)
    assert f"{CAPTURES}: the capture of document {doc.id} has payload SHA-256 {doc.payload_sha256}, the manifest " \
           f"records {'0' * 64}" in result.problems


def test_a_text_not_extracted_from_its_capture_is_a_note_not_a_problem(service: ArchiveService) -> None:
    """A version whose text its capture does not give (here: archived by hand with another
    page): the bundle is intact, and the difference is said as an extraction difference."""
    builder = Builder(service)
    odd = builder.add(Document(url="https://police-a.example/press/9", title="Tantalio by hand", text="Typed in.",
                               language="en", published=date(2019, 3, 1), source="police-a"),
                      body=release_body(9, "Another page altogether"))
    service.index_pending()
    snap(service)
    result = verify_bundle(service.data.snapshots_dir / "tantalio")
    assert result.intact, result.problems
    assert [note for note in result.notes if note.startswith("extraction differs")] == [
        note for note in result.notes if f"document {odd} version 1" in note]
    assert len(result.notes) == 1


def test_other_extractor_versions_skip_the_extraction_and_say_so(
    service: ArchiveService, monkeypatch: pytest.MonkeyPatch,
) -> None:
    snap(service)
    monkeypatch.setattr("pressarchive.snapshots.reextract.__version__", "99.0")
    result = verify_bundle(service.data.snapshots_dir / "tantalio")
    assert result.intact and result.reextracted == 0
    assert any("pressarchive 0.1.0 -> 99.0" in note for note in result.notes), result.notes


def test_verify_on_another_machine_needs_only_the_bundle(
    service: ArchiveService, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    snap(service)
    elsewhere = tmp_path / "usb" / "tantalio"
    shutil.copytree(service.data.snapshots_dir / "tantalio", elsewhere)
    code, out, err = run_here(capsys, tmp_path / "no-archive-here", "snapshot", "verify", str(elsewhere))
    assert (code, err) == (0, ""), out
    assert out.splitlines()[-1] == "intact: snapshot tantalio, 2 documents, 3 files checked, 2 extracted again"
    assert not (tmp_path / "no-archive-here").exists()  # nothing was created
    fresh = DataDir(tmp_path / "fresh")
    ArchiveService(fresh).close()  # a fresh, empty archive
    code, out, _ = run_here(capsys, fresh.root, "snapshot", "verify", str(elsewhere), "--json")
    report = json.loads(out)
    assert code == 0 and report["intact"] and report["archive"]["counts"]["absent"] == 2


def test_verify_exits_1_with_one_line_per_problem(
    service: ArchiveService, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    snap(service)
    copy = writable_copy(service.data.snapshots_dir / "tantalio", tmp_path / "copy")
    (copy / CAPTURES).unlink()
    code, out, _ = run_here(capsys, service.data.root, "snapshot", "verify", str(copy))
    assert code == 1
    problems = [line for line in out.splitlines() if line.startswith("problem: ")]
    assert problems == [f"problem: {CAPTURES} is missing (listed in {CHECKSUMS})"]
    assert out.splitlines()[-1] == "NOT intact: snapshot tantalio: 1 problems"


def test_verify_against_an_archive_finds_each_version_by_url(service: ArchiveService, tmp_path: Path) -> None:
    """In another archive the same release has another id and another version number."""
    manifest = snap(service)
    other = ArchiveService(DataDir(tmp_path / "other"))
    try:
        other.archive.upsert_source("police-a", agency="Police A", country="DE", language="en")
        builder = Builder(other)
        add_release(builder, 3, "Raid on a warehouse in Hamburg")
        add_release(builder, 2, "Tantalio: arrests in Spain", "An earlier text.", datetime(2023, 6, 1))
        add_release(builder, 2, "Tantalio: arrests in Spain", when=datetime(2024, 1, 1, 12, 0, 2))
        result = verify_bundle(service.data.snapshots_dir / "tantalio", other.archive)
    finally:
        other.close()
    assert result.presence is not None
    by_url = {p.url: p for p in result.presence}
    second = next(doc for doc in manifest.documents if doc.url.endswith("/2"))
    first = next(doc for doc in manifest.documents if doc.url.endswith("/1"))
    assert (by_url[second.url].status, by_url[second.url].archive_version) == ("present", 2)
    assert by_url[second.url].renumbered
    assert by_url[first.url].status == "absent"


def test_on_another_machine_an_archive_that_imported_the_captures_has_every_frozen_version(
    service: ArchiveService, tmp_path: Path,
) -> None:
    """The whole round trip: the bundle's WACZ imported into a fresh archive elsewhere, and
    the bundle verified against it: every document is there, from the same capture, with the
    same text digest (under its own ids)."""
    manifest = snap(service)
    elsewhere = DataDir(tmp_path / "elsewhere")
    ArchiveService(elsewhere).close()  # a fresh, empty archive
    with ImportSession(elsewhere, ImportOptions(source="police-a", workers=0), {}) as session:
        for response in foreign_responses(service.data.snapshots_dir / "tantalio" / CAPTURES):
            session.add(response)
    assert not session.summary.had_trouble
    other = Archive(elsewhere.database_url)
    try:
        result = verify_bundle(service.data.snapshots_dir / "tantalio", other)
    finally:
        other.close()
    assert result.intact and result.presence is not None
    assert [(p.document_id, p.status, p.archive_version) for p in result.presence] == [
        (doc.id, "present", doc.version) for doc in manifest.documents]


def test_presence_tells_a_missing_capture_from_a_different_extraction(service: ArchiveService) -> None:
    doc = snap(service).documents[0]
    assert presence_in(service.archive, doc).status == "present"
    assert presence_in(service.archive, dataclasses.replace(doc, text_sha256="0" * 64)).status == \
        "extracted differently"
    assert presence_in(service.archive, dataclasses.replace(doc, payload_sha256="0" * 64)).status == "capture missing"
    assert presence_in(service.archive, dataclasses.replace(doc, url=doc.url + "x")).status == "absent"


# -- the diff against today ----------------------------------------------------------------------


def test_the_diff_names_documents_added_removed_and_changed_since(
    service: ArchiveService, archive: tuple[DataDir, dict[str, int]],
) -> None:
    ids = archive[1]
    snap(service)
    assert service.snapshots.diff("tantalio").same
    builder = Builder(service)
    add_release(builder, 1, "Europol supports Operation Tantalio", "Two more arrests.", datetime(2024, 3, 1))
    add_release(builder, 2, "Arrests in Spain", when=datetime(2024, 3, 2))  # no longer says Tantalio
    new = add_release(builder, 4, "Tantalio: the last suspects", when=datetime(2024, 3, 3))
    service.index_pending()
    diff = service.snapshots.diff("tantalio")
    assert [(e.document_id, e.version) for e in diff.added] == [(new, 1)]
    assert [(e.document_id, e.version) for e in diff.removed] == [(ids["second"], 1)]
    assert [(c.document_id, c.old_version, c.new_version, c.text_changed) for c in diff.changed] == [
        (ids["first"], 1, 2, True)]
    assert (diff.frozen, diff.live, diff.unchanged) == (2, 2, 0)


# -- the CLI -------------------------------------------------------------------------------------


def test_the_cli_creates_lists_shows_and_compares(
    archive: tuple[DataDir, dict[str, int]], capsys: pytest.CaptureFixture[str],
) -> None:
    root = archive[0].root
    code, out, err = run_here(capsys, root, "snapshot", "create", "paper", "Tantalio", "--source", "police-a")
    assert code == 0, err
    assert out.startswith("created snapshot 'paper': 2 documents (q=Tantalio source=police-a) in ")
    code, out, _ = run_here(capsys, root, "snapshot", "list", "--json")
    listed = json.loads(out)["snapshots"]
    assert [(s["name"], s["count"], s["search"]) for s in listed] == [
        ("paper", 2, {"q": "Tantalio", "source": "police-a", "sort": "relevance"})]
    code, out, _ = run_here(capsys, root, "snapshot", "show", "paper", "--json")
    assert code == 0 and json.loads(out) == json.loads((archive[0].snapshots_dir / "paper" / MANIFEST).read_text())
    code, out, _ = run_here(capsys, root, "snapshot", "diff", "paper")
    assert code == 0 and "no differences" in out
    code, out, _ = run_here(capsys, root, "snapshot", "verify", "paper")
    assert code == 0 and "archive: 2 present" in out and out.splitlines()[-1].startswith("intact: snapshot paper")


@pytest.mark.parametrize(("args", "message"), [
    (["create", "paper", "x"], "error: a snapshot named 'paper' already exists"),
    (["create", "a/b", "x"], "error: bad snapshot name 'a/b'"),
    (["create", "c", "x", "--collection", "missing"], "error: freeze either a search"),
    (["create", "c", "--collection", "missing"], "error: no collection named 'missing'"),
    (["create", "c", "title:("], "error: "),
    (["show", "papr"], "error: no snapshot named 'papr'; did you mean 'paper'?"),
    (["diff", "nothing"], "error: no snapshot named 'nothing'"),
    (["verify", "nothing"], "error: no snapshot named 'nothing'"),
    (["verify", "/no/such/folder"], "error: no snapshot bundle at /no/such/folder"),
])
def test_cli_errors_are_one_line(
    archive: tuple[DataDir, dict[str, int]], capsys: pytest.CaptureFixture[str], args: list[str], message: str,
) -> None:
    root = archive[0].root
    assert run_here(capsys, root, "snapshot", "create", "paper", "Tantalio")[0] == 0
    code, out, err = run_here(capsys, root, "snapshot", *args)
    assert code == 1 and out == ""
    assert err.startswith(message) and err.count("\n") == 1, err


# -- the web face --------------------------------------------------------------------------------


@pytest.fixture()
def client(service: ArchiveService) -> Iterator[TestClient]:
    snap(service, HOSTILE_NAME, HOSTILE_QUERY)
    snap(service, "empty", "zzyzx")
    with TestClient(create_app(service.data)) as opened:
        yield opened


def test_the_snapshots_page_lists_each_with_its_search_escaped(client: TestClient) -> None:
    response = client.get("/snapshots")
    assert "<img src=x" not in response.text and "<b>bold" not in response.text
    tree = page(client, "/snapshots")
    rows = tree.xpath("//table[@class='snapshots']/tbody/tr")
    assert [row.xpath("string(th)") for row in rows] == ["empty", HOSTILE_NAME]  # newest first, then by name
    hostile = next(row for row in rows if row.xpath("string(th)") == HOSTILE_NAME)
    assert hostile.xpath("string(td[2])") == f"q={HOSTILE_QUERY}"
    assert hostile.xpath("string(td[3])") == "2"
    link = hostile.xpath("th/a/@href")[0]
    assert page(client, link).xpath("string(//h1)") == HOSTILE_NAME
    assert tree.xpath("//nav//a[text()='Snapshots']/@href") == ["/snapshots"]


def test_a_snapshot_page_offers_its_files_and_the_diff(client: TestClient, service: ArchiveService) -> None:
    listed = client.get("/api/snapshots").json()["snapshots"]
    assert [(s["name"], s["count"]) for s in listed] == [("empty", 0), (HOSTILE_NAME, 2)]
    response = client.get(f"/snapshots/{HOSTILE_NAME}")
    assert response.status_code == 200 and "<img src=x" not in response.text and "<b>bold" not in response.text
    tree = page(client, "/snapshots/empty")
    links = tree.xpath("//table[@class='snapshot-files']//a/@href")
    assert links == [f"/snapshots/empty/files/{name}" for name in (MANIFEST, DOCUMENTS, CAPTURES, CHECKSUMS)]
    for link in links:
        download = client.get(link)
        name = link.rsplit("/", 1)[1]
        assert download.status_code == 200
        assert download.content == (service.data.snapshots_dir / "empty" / name).read_bytes()
        assert download.headers["content-disposition"] == f'attachment; filename="pressarchive-snapshot-empty-{name}"'
        assert download.headers["x-content-type-options"] == "nosniff"
    assert "same 0 documents" in tree.xpath("string(//section[@aria-labelledby='diff-heading'])")


def test_downloads_are_only_the_bundle_files(client: TestClient, service: ArchiveService) -> None:
    (service.data.snapshots_dir / "empty" / "notes.txt").write_text("stray")
    for path in ("/snapshots/empty/files/notes.txt", "/snapshots/empty/files/..%2F..%2Farchive.sqlite",
                 "/snapshots/empty/files/%2E%2E", "/snapshots/nope/files/manifest.json"):
        assert client.get(path).status_code == 404, path
    hostile = client.get(f"/snapshots/{HOSTILE_NAME}/files/{MANIFEST}")
    disposition = hostile.headers["content-disposition"]
    assert disposition == f'attachment; filename="pressarchive-snapshot-img-src-x-onerror-alert-1-quoted-{MANIFEST}"'


def test_the_api_gives_the_manifest_the_files_and_the_diff(client: TestClient, service: ArchiveService) -> None:
    builder = Builder(service)
    new = add_release(builder, 5, "Tantalio <i>follow-up</i>", when=datetime(2024, 4, 1))
    service.index_pending()
    body = client.get(f"/api/snapshots/{HOSTILE_NAME}").json()
    assert body["name"] == HOSTILE_NAME and body["search"] == {"q": HOSTILE_QUERY, "sort": "relevance"}
    assert [f["name"] for f in body["bundle"]] == [MANIFEST, DOCUMENTS, CAPTURES, CHECKSUMS]
    assert body["diff"]["added"][0]["document_id"] == new and body["diff_error"] is None
    assert len(body["documents"]) == 2
    tree = page(client, f"/snapshots/{HOSTILE_NAME}")
    added = tree.xpath("//section[@aria-labelledby='diff-heading']//li")
    assert [li.xpath("string(a)") for li in added] == ["Tantalio <i>follow-up</i>"]
    missing = client.get("/api/snapshots/emty")
    assert missing.status_code == 404 and missing.json()["error"] == "no snapshot named 'emty'; did you mean 'empty'?"
    assert client.get("/api/snapshots/" + "x" * 101).status_code == 400


def test_an_unreadable_manifest_is_listed_apart(client: TestClient, service: ArchiveService) -> None:
    broken = service.data.snapshots_dir / "broken"
    broken.mkdir()
    (broken / MANIFEST).write_text("{not json")
    renamed = service.data.snapshots_dir / "renamed"
    shutil.copytree(service.data.snapshots_dir / "empty", renamed)
    listed = client.get("/api/snapshots").json()
    assert [item["name"] for item in listed["unreadable"]] == ["broken", "renamed"]
    assert "not JSON" in listed["unreadable"][0]["reason"]
    assert listed["unreadable"][1]["reason"] == f"{MANIFEST}: it names snapshot 'empty', not 'renamed'"
    assert [s["name"] for s in listed["snapshots"]] == ["empty", HOSTILE_NAME]
    assert client.get("/snapshots/broken").status_code == 400
    assert verify_bundle(renamed).intact  # a bundle may be renamed where it is deposited: it still verifies
    assert "broken" in page(client, "/snapshots").xpath("string(//section[@aria-labelledby='unreadable-heading'])")


def test_unknown_names_are_not_found(service: ArchiveService) -> None:
    with pytest.raises(NotFound):
        service.snapshots.manifest("none")
    with pytest.raises(NotFound):
        service.snapshots.file("none", MANIFEST)


def test_listing_creates_nothing(service: ArchiveService) -> None:
    """Listing only reads: the snapshots folder need not exist, and is not made."""
    assert service.snapshots.listing() == ([], [])
    assert not service.data.snapshots_dir.exists()


def _fields(body: Any, path: tuple[str, ...]) -> set[str]:
    """The keys of the object at ``path`` in ``body`` (a list stands for its first item)."""
    for part in path:
        body = body[part]
        if isinstance(body, list):
            body = body[0]
    return set(body)


def test_the_api_examples_have_the_fields_of_real_answers(client: TestClient, service: ArchiveService) -> None:
    builder = Builder(service)
    add_release(builder, 1, "Europol supports Operation Tantalio", "Two more arrests.", datetime(2024, 3, 1))
    add_release(builder, 6, "Tantalio: one more", when=datetime(2024, 3, 3))
    service.index_pending()
    schema = client.get("/openapi.json").json()["paths"]

    def example(path: str) -> Any:
        return schema[path]["get"]["responses"]["200"]["content"]["application/json"]["example"]

    listed, one = client.get("/api/snapshots").json(), client.get(f"/api/snapshots/{HOSTILE_NAME}").json()
    for path in [(), ("snapshots",), ("snapshots", "files"), ("snapshots", "extractors")]:
        assert _fields(example("/api/snapshots"), path) == _fields(listed, path), path
    for path in [(), ("documents",), ("documents", "extraction"), ("bundle",), ("diff",), ("diff", "added"),
                 ("diff", "changed"), ("files",), ("files", DOCUMENTS), ("extractors",)]:
        assert _fields(example("/api/snapshots/{name}"), path) == _fields(one, path), path


def test_the_api_makes_a_snapshot_only_with_the_write_token(service: ArchiveService) -> None:
    token = "snapshot-write-token-0123456789"
    body = {"name": "api-made", "params": {"q": "Tantalio", "source": "police-a", "page": "3"}}
    with TestClient(create_app(service.data)) as read_only:
        refused = read_only.post("/api/snapshots", json=body)
        assert refused.status_code == 403 and not service.data.snapshots_dir.exists()
    with TestClient(create_app(service.data, write_token=token)) as writable:
        assert writable.post("/api/snapshots", json=body).status_code == 401
        made = writable.post("/api/snapshots", json=body, headers={"Authorization": f"Bearer {token}"})
        assert made.status_code == 201, made.text
        assert (made.json()["name"], made.json()["count"]) == ("api-made", 2)
        assert made.json()["search"] == {"q": "Tantalio", "source": "police-a", "sort": "relevance"}
        again = writable.post("/api/snapshots", json=body, headers={"Authorization": f"Bearer {token}"})
        assert again.status_code == 409
        both = writable.post("/api/snapshots", json={**body, "name": "x", "collection": "c"},
                             headers={"Authorization": f"Bearer {token}"})
        assert both.status_code == 400 and both.json()["detail"]["parameter"] == "params"
    manifest = service.snapshots.manifest("api-made")
    assert all(doc.permalink.startswith("http://testserver/doc/") for doc in manifest.documents)
    assert verify_bundle(service.data.snapshots_dir / "api-made").intact


def test_verify_reports_a_folder_in_place_of_a_bundle_file(tmp_path: Path) -> None:
    """A bundle file replaced by a folder is a problem line, never a traceback."""
    from pressarchive.snapshots.verify import verify_bundle

    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "checksums.sha256").write_text(f"{'0' * 64}  captures.wacz\n", "utf-8")
    (bundle / "captures.wacz").mkdir()
    result = verify_bundle(bundle, None, reextract=False)
    assert any("captures.wacz cannot be read (IsADirectoryError)" in problem for problem in result.problems)
