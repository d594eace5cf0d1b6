"""Exports of any search: CSV and JSON Lines, streamed in batches, with provenance, safe in a spreadsheet."""

from __future__ import annotations

import csv
import http.client
import inspect
import io
import json
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from lxml import html as lxml_html

from pressarchive.datadir import DataDir
from pressarchive.errors import UserError
from pressarchive.exports import COLUMNS, TEXT_COLUMN, export_documents, export_search, row_batches, safe_cell
from pressarchive.exports.export import export_filename, export_format
from pressarchive.record import Document
from pressarchive.service import ArchiveService, build_request
from pressarchive.store import Archive, schema
from pressarchive.store.exportrows import ExportRow
from pressarchive.store.rows import ID_CHUNK
from pressarchive.warc import read_response
from tests.archive_builder import Builder
from tests.cli_here import run_here
from tests.storebackends import data_dir_on

HOSTILE_TITLES = {
    "equals": "=HYPERLINK(\"http://evil.example\",\"click\")",
    "plus": "+1+cmd|' /C calc'!A0",
    "minus": "-2+3",
    "at": "@SUM(A1:A9)",
    "tab": "\tleading tab",
    "cr": "\rcarriage return",
}
FILLERS = 7


def _doc(n: int, title: str, source: str, **fields: Any) -> Document:
    return Document(
        url=f"https://{source}.example/press/{n}", title=title, text=f"Europol operation text number {n}.",
        language="en", published=date(2023, 1 + n % 12, 1 + n % 27), source=source, **fields,
    )


def _mentioning(n: int, title: str) -> Document:
    return _doc(n, title, "police-a", operations=("Tantalio",), countries=("DE", "ES"), agencies=("europol",))


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory, module_store_db: str | None) -> tuple[DataDir, dict[str, int]]:
    data = data_dir_on(tmp_path_factory.mktemp("data"), module_store_db)
    service = ArchiveService(data)
    try:
        service.archive.upsert_source("police-a", agency="Police A", country="DE", language="en")
        service.archive.upsert_source("police-b", agency="Police B", country="FR", language="en")
        builder = Builder(service)
        ids = {name: builder.add(_mentioning(i, title)) for i, (name, title) in enumerate(HOSTILE_TITLES.items())}
        for n in range(FILLERS):
            builder.add(_doc(100 + n, f"Filler release {n}", "police-b"))
        edited = _mentioning(0, HOSTILE_TITLES["equals"]).replace(text="Europol operation text, corrected.")
        assert builder.add(edited, when=datetime(2024, 3, 1, 9, 30)) == ids["equals"]
        service.index_pending()
    finally:
        service.close()
    return data, ids


@pytest.fixture(scope="module")
def service(archive: tuple[DataDir, dict[str, int]]) -> Any:
    opened = ArchiveService(archive[0])
    yield opened
    opened.close()


def parse_csv(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"), newline="")))


def test_csv_export_parses_back_with_the_store_s_provenance(client: TestClient, service: ArchiveService) -> None:
    response = client.get("/api/export?format=csv&q=europol&sort=date")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="pressarchive-europol-') and disposition.endswith('.csv"')
    reader = csv.reader(io.StringIO(response.content.decode("utf-8"), newline=""))
    assert next(reader) == list(COLUMNS)
    rows = parse_csv(response.content)
    total = client.get("/api/search?q=europol").json()["total"]
    assert len(rows) == total == len(HOSTILE_TITLES) + FILLERS == int(response.headers["x-total-count"])
    for row in rows:
        stored = service.document(int(row["document_id"]))
        current = stored.versions[-1]
        assert row["version"] == str(current.number)
        assert row["captured"] == current.captured_at.isoformat(timespec="seconds") + "Z"
        assert row["payload_sha256"] == current.capture.payload_sha256
        assert row["text_sha256"] == current.text_sha256
        assert row["warc_file"] == current.capture.warc_file
        record = read_response(service.data.warc_dir / current.capture.warc_file, current.capture.warc_offset)
        assert row["warc_record_id"] == record.record_id and record.record_id.startswith("<urn:uuid:")
        assert row["requested_url"] == current.capture.url
        assert row["url"] == stored.document.url and row["source"] == stored.document.source
        assert row["permalink"] == f"http://testserver/doc/{stored.document.id}?version={current.number}"
        assert TEXT_COLUMN not in row


def test_the_edited_document_exports_its_current_version(client: TestClient, ids: dict[str, int]) -> None:
    rows = {row["document_id"]: row for row in parse_csv(client.get("/api/export?q=europol").content)}
    edited = rows[str(ids["equals"])]
    assert edited["version"] == "2" and edited["captured"] == "2024-03-01T09:30:00Z"
    assert edited["source_agency"] == "Police A" and edited["source_country"] == "DE"
    assert edited["operations"] == "Tantalio" and edited["countries"] == "DE; ES" and edited["agencies"] == "europol"


def test_csv_cells_that_a_spreadsheet_would_run_are_quoted(client: TestClient, ids: dict[str, int]) -> None:
    rows = {row["document_id"]: row for row in parse_csv(client.get("/api/export?q=europol").content)}
    for name, title in HOSTILE_TITLES.items():
        assert rows[str(ids[name])]["title"] == "'" + title
    assert rows[str(ids["equals"])]["url"].startswith("https://")  # a harmless cell is left alone


@pytest.mark.parametrize(("value", "cell"), [
    ("=1+1", "'=1+1"), ("+41 79", "'+41 79"), ("-5", "'-5"), ("@cmd", "'@cmd"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("a=1", "a=1"), ("", ""), (None, ""), (3, 3), (["=A1", "ES"], "'=A1; ES"),
    ("https://x.example/=1", "https://x.example/=1"), ("'already", "'already"),
])
def test_safe_cell(value: Any, cell: Any) -> None:
    assert safe_cell(value) == cell


def test_jsonl_export_is_one_object_per_line(client: TestClient, ids: dict[str, int]) -> None:
    response = client.get("/api/export?format=jsonl&q=europol&text=1")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/x-ndjson"
    assert response.headers["content-disposition"].endswith('.jsonl"')
    lines = response.content.decode("utf-8").splitlines()
    objects = [json.loads(line) for line in lines]
    assert len(objects) == client.get("/api/search?q=europol").json()["total"]
    assert all(list(obj) == [*COLUMNS, TEXT_COLUMN] for obj in objects)
    by_id = {obj["document_id"]: obj for obj in objects}
    edited = by_id[ids["equals"]]
    assert edited["title"] == HOSTILE_TITLES["equals"]  # JSON is data: no quoting
    assert edited["operations"] == ["Tantalio"] and edited["countries"] == ["DE", "ES"]
    assert edited["text"] == "Europol operation text, corrected."
    assert isinstance(edited["version"], int) and edited["published"] == "2023-01-01"


def test_a_filtered_export_holds_exactly_the_search_s_matches_in_its_order(client: TestClient) -> None:
    query = "q=europol&source=police-b&sort=date"
    search = client.get(f"/api/search?{query}&limit=100").json()
    rows = parse_csv(client.get(f"/api/export?{query}").content)
    assert search["total"] == FILLERS == len(rows)
    assert [int(row["document_id"]) for row in rows] == [hit["id"] for hit in search["hits"]]
    assert {row["source"] for row in rows} == {"police-b"}
    # Paging is ignored: page 2 of 1 hit still exports every match.
    assert len(parse_csv(client.get(f"/api/export?{query}&page=2&limit=1").content)) == FILLERS


def test_bad_format_and_bad_query_are_400s_before_any_row(client: TestClient) -> None:
    response = client.get("/api/export?format=xlsx&q=europol")
    assert response.status_code == 400
    assert response.json()["error"] == "bad format 'xlsx': expected one of csv, jsonl, warc, wacz"
    response = client.get("/api/export?q=%22unclosed")
    assert response.status_code == 400 and response.json()["error"].startswith("bad query")
    assert client.get("/api/export?since=2020-13-01").status_code == 400


def test_the_search_page_links_every_export_with_its_parameters(client: TestClient) -> None:
    tree = lxml_html.fromstring(client.get("/search?q=europol&source=police-b&page=1&limit=5").text)
    links = {a.text_content(): a.get("href") for a in tree.cssselect(".export-links a")}
    assert links == {
        "Export CSV": "/api/export?format=csv&q=europol&source=police-b",
        "JSON Lines": "/api/export?format=jsonl&q=europol&source=police-b",
        "WARC": "/api/export?format=warc&q=europol&source=police-b",
        "WACZ": "/api/export?format=wacz&q=europol&source=police-b",
    }
    assert not lxml_html.fromstring(client.get("/search?q=nothingmatchesthis").text).cssselect(".export-links")


def test_the_real_server_streams_the_export_in_chunks(archive: tuple[DataDir, dict[str, int]]) -> None:
    from pressarchive.web import create_app
    from tests.browser_support import serve

    server = serve(create_app(archive[0]))
    base = next(server)
    try:
        conn = http.client.HTTPConnection(base.removeprefix("http://"), timeout=30)
        conn.request("GET", "/api/export?format=jsonl&q=europol")
        response = conn.getresponse()
        assert response.status == 200
        assert response.getheader("Transfer-Encoding") == "chunked" and response.getheader("Content-Length") is None
        lines = response.read().decode("utf-8").splitlines()
        assert len(lines) == int(response.getheader("X-Total-Count") or 0) == len(HOSTILE_TITLES) + FILLERS
        conn.close()
    finally:
        server.close()


class CountingArchive:
    """An archive that counts the batches an export asks it for."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.batches: list[int] = []

    def export_rows(self, ids: Sequence[int], with_text: bool = False) -> list[ExportRow]:
        self.batches.append(len(ids))
        return self.archive.export_rows(ids, with_text)


def test_an_export_reads_the_store_a_batch_at_a_time_as_it_is_consumed(service: ArchiveService) -> None:
    ids = service.matching_ids(build_request("europol"))
    counting = CountingArchive(service.archive)
    made = export_documents(counting, ids, "csv")  # type: ignore[arg-type]
    assert inspect.isgenerator(made.chunks) and made.matches == len(ids)
    assert counting.batches == []  # nothing read before the stream is consumed
    assert next(made.chunks).startswith(b"document_id,")
    assert counting.batches == []
    next(made.chunks)
    assert counting.batches == [len(ids)]
    counting.batches.clear()
    batches = list(row_batches(counting, ids, size=3))  # type: ignore[arg-type]
    full, rest = divmod(len(ids), 3)
    assert counting.batches == [3] * full + ([rest] if rest else [])
    assert [row.document_id for rows in batches for row in rows] == ids


def test_a_match_gone_from_the_store_is_not_counted_as_written(
    service: ArchiveService, capsys: pytest.CaptureFixture[str], archive: tuple[DataDir, dict[str, int]],
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    ids = service.matching_ids(build_request("europol"))
    made = export_documents(service.archive, [*ids, 999_999], "jsonl")
    assert made.matches == len(ids) + 1 and made.written == 0
    assert len(b"".join(made.chunks).splitlines()) == made.written == len(ids)
    matching_ids = ArchiveService.matching_ids
    monkeypatch.setattr(ArchiveService, "matching_ids", lambda self, request: [*matching_ids(self, request), 999_999])
    code, _out, err = run_here(capsys, archive[0].root, "export", "europol", "-o", str(tmp_path / "e.csv"))
    assert code == 0 and f"exported {len(ids)} documents to" in err


def test_the_store_refuses_a_batch_larger_than_one_query(service: ArchiveService) -> None:
    with pytest.raises(ValueError):
        service.archive.export_rows(list(range(1, ID_CHUNK + 2)))


def test_export_search_names_the_query_and_the_date(service: ArchiveService) -> None:
    made = export_search(service, build_request("Europol Straße", source="police-a"), "jsonl",
                         today=date(2026, 12, 6))
    assert made.filename == "pressarchive-europol-strae-source-police-a-2026-12-06.jsonl"
    assert export_filename("", export_format("csv"), date(2026, 1, 2)) == "pressarchive-all-2026-01-02.csv"
    with pytest.raises(UserError, match="bad format"):
        export_search(service, build_request("europol"), "pdf")


def test_an_old_capture_without_a_record_id_exports_an_empty_cell(tmp_path: Path) -> None:
    service = ArchiveService(DataDir(tmp_path / "data"))
    try:
        doc_id = Builder(service).add(_doc(1, "Old release", "police-a"))
        with service.archive.engine.begin() as conn:
            conn.execute(sa.update(schema.captures).values(warc_record_id=None, requested_url=None))
        [row] = service.archive.export_rows([doc_id])
        assert row.warc_record_id == "" and row.requested_url == "https://police-a.example/press/1"
        assert row.source_agency == ""  # a source the store has no profile for
    finally:
        service.close()


def test_cli_export_streams_jsonl_to_stdout_with_the_search_s_filters(
    capsys: pytest.CaptureFixture[str], archive: tuple[DataDir, dict[str, int]],
) -> None:
    code, out, err = run_here(capsys, archive[0].root, "export", "europol", "--source", "police-b",
                              "--format", "jsonl", "--limit", "1")
    assert code == 0, err
    objects = [json.loads(line) for line in out.splitlines()]
    assert len(objects) == FILLERS and objects[0]["permalink"].startswith("/doc/")
    code, _out, err = run_here(capsys, archive[0].root, "export", "--format", "xml")
    assert code == 2 and err.startswith("error: ") and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("format_name", ["csv", "jsonl"])
def test_cli_export_to_dash_is_standard_output(
    capsys: pytest.CaptureFixture[str], archive: tuple[DataDir, dict[str, int]], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, format_name: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run_here(capsys, archive[0].root, "export", "europol", "--source", "police-b",
                              "--format", format_name, "-o", "-")
    _code, expected, _err = run_here(capsys, archive[0].root, "export", "europol", "--source", "police-b",
                                     "--format", format_name)
    assert list(tmp_path.iterdir()) == [], "no file named '-'"
    assert code == 0 and out == expected and len(out.splitlines()) >= FILLERS, err
    code, out, err = run_here(capsys, archive[0].root, "export", "--format", "wacz", "-o", "-")
    assert (code, out, err) == (1, "", "error: a WACZ is a zip file and cannot go to standard output: "
                                       "give --output FILE\n")
    assert list(tmp_path.iterdir()) == []


def test_cli_export_of_a_crawl_to_a_file_carries_its_warc_provenance(
    crawled: dict[str, Any], tmp_path: Path,
) -> None:
    cli = crawled["cli"]
    target = tmp_path / "all.csv"
    result = cli("export", "--output", str(target), check=True)
    assert result.stdout == "" and f"to {target}" in result.stderr
    rows = parse_csv(target.read_bytes())
    total = cli.json("search", "--limit", "1")["total"]
    assert len(rows) == total > 0
    data = DataDir(cli.data)
    for row in rows:
        record = read_response(data.warc_dir / row["warc_file"], _offset(data, int(row["document_id"])))
        assert row["warc_record_id"] == record.record_id != ""
    assert not list(tmp_path.glob("*.part"))


def _offset(data: DataDir, doc_id: int) -> int:
    service = ArchiveService(data)
    try:
        return service.document(doc_id).versions[-1].capture.warc_offset
    finally:
        service.close()
