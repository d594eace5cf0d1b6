"""The sources page, /api/sources and `pressarchive sources`: documents, dates, last crawl, errors, removals."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from lxml import html as lxml_html

from pressarchive.datadir import DataDir
from pressarchive.record import Document
from pressarchive.service import ArchiveService
from tests.archive_builder import Builder
from tests.cli_here import run_here
from tests.storebackends import data_dir_on

SCRIPT = "<script>alert(1)</script>"


def _doc(n: int, source: str, published: date | None) -> Document:
    return Document(url=f"https://{source}.example/press/{n}", title=f"Release {n}", text=f"Text of release {n}.",
                    language="en", published=published, source=source)


def _report(*summaries: dict[str, Any]) -> dict[str, Any]:
    return {"status": "finished", "summaries": [
        {"fetched": 10, "new": 1, "changed": 0, "unchanged": 9, "removed": 0, "errors": 0, "errors_by_kind": {},
         "first_error": "", "failure": "", "finish_reason": "finished", **summary} for summary in summaries
    ]}


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory, module_store_db: str | None) -> tuple[DataDir, dict[str, int]]:
    data = data_dir_on(tmp_path_factory.mktemp("data"), module_store_db)
    service = ArchiveService(data)
    store = service.archive
    try:
        store.upsert_source("police-a", title="Police A press room", agency="Police A", country="DE", language="de")
        store.upsert_source("police-b", title=SCRIPT, agency="Police B", country="FR", language="fr", kind="news")
        store.upsert_source("never-crawled", title="Not yet", country="PT")
        builder = Builder(service)
        ids = {
            "a1": builder.add(_doc(1, "police-a", date(2021, 1, 5)), when=datetime(2024, 1, 2, 8, 0)),
            "a2": builder.add(_doc(2, "police-a", date(2022, 6, 1)), when=datetime(2024, 1, 3, 8, 0)),
            "a3": builder.add(_doc(3, "police-a", None), when=datetime(2024, 1, 4, 8, 0)),
            "b1": builder.add(_doc(4, "police-b", date(2020, 2, 29)), when=datetime(2024, 2, 1, 9, 0)),
            "stray": builder.add(_doc(5, "stray", date(2019, 1, 1)), when=datetime(2024, 3, 1, 10, 0)),
        }
        first = store.start_run(["police-a", "police-b"], datetime(2024, 1, 2, 7, 0))
        store.finish_run(first, "finished", datetime(2024, 1, 2, 9, 0), _report(
            {"source": "police-a", "errors": 2, "errors_by_kind": {"http_500": 2},
             "first_error": "http_500 https://police-a.example/press/9"},
            {"source": "police-b"},
        ))
        later = store.start_run(["police-a"], datetime(2024, 5, 1, 7, 0))
        store.finish_run(later, "finished", datetime(2024, 5, 1, 7, 30), _report(
            {"source": "police-a", "errors": 1, "errors_by_kind": {"timeout": 1}, "first_error": "timeout"},
        ))
        store.start_run(["police-b"], datetime(2024, 6, 1, 7, 0))  # killed: no report
        store.mark_removed("https://police-a.example/press/1", datetime(2024, 5, 1, 7, 10), "http_404", later)
        store.mark_removed("https://police-a.example/press/2", datetime(2024, 5, 1, 7, 11), "delisted", later)
        builder.add(_doc(2, "police-a", date(2022, 6, 1)), when=datetime(2024, 5, 2, 8, 0))  # back again
        service.index_pending()
    finally:
        service.close()
    return data, ids


@pytest.fixture(scope="module")
def api(client: TestClient) -> dict[str, dict[str, Any]]:
    response = client.get("/api/sources")
    assert response.status_code == 200
    return {source["name"]: source for source in response.json()["sources"]}


def test_api_sources_counts_documents_and_dates_per_source(api: dict[str, dict[str, Any]]) -> None:
    assert list(api) == ["never-crawled", "police-a", "police-b", "stray"]
    a = api["police-a"]
    assert (a["title"], a["agency"], a["country"], a["language"], a["kind"]) == (
        "Police A press room", "Police A", "DE", "de", "press_room")
    assert a["documents"] == 3
    assert a["published"] == {"earliest": "2021-01-05", "latest": "2022-06-01"}
    assert a["captured"] == {"first": "2024-01-02T08:00:00Z", "last": "2024-05-02T08:00:00Z"}
    assert a["search_url"] == "/search?source=police-a"
    assert api["police-b"]["kind"] == "news"
    assert api["never-crawled"]["documents"] == 0 and api["never-crawled"]["last_run"] is None
    assert api["never-crawled"]["published"] == {"earliest": None, "latest": None}
    assert api["stray"]["documents"] == 1 and api["stray"]["title"] == ""  # documents with no profile row


def test_api_sources_gives_the_last_crawl_with_its_errors_and_the_removals(api: dict[str, dict[str, Any]]) -> None:
    run = api["police-a"]["last_run"]
    assert run["started"] == "2024-05-01T07:00:00Z" and run["finished"] == "2024-05-01T07:30:00Z"
    assert (run["status"], run["errors"], run["errors_by_kind"], run["first_error"]) == (
        "finished", 1, {"timeout": 1}, "timeout")
    assert api["police-a"]["removals"] == {"open": 1, "total": 2}  # the delisted one came back
    killed = api["police-b"]["last_run"]
    assert killed["status"] == "running" and killed["finished"] is None and killed["errors"] is None
    assert api["police-b"]["removals"] == {"open": 0, "total": 0}


def test_the_sources_page_lists_each_source_with_a_link_to_its_documents(client: TestClient) -> None:
    response = client.get("/sources")
    assert response.status_code == 200
    tree = lxml_html.fromstring(response.text)
    rows = {row.cssselect("th a")[0].text_content(): row for row in tree.cssselect("table.sources tbody tr")}
    assert list(rows) == ["never-crawled", "police-a", "police-b", "stray"]
    a = rows["police-a"]
    assert [link.get("href") for link in a.cssselect("a")] == ["/search?source=police-a"] * 2
    text = " ".join(a.text_content().split())
    assert "2021-01-05 – 2022-06-01" in text and "2024-05-01 07:00:00 UTC, run 2: finished" in text
    assert "1: timeout 1" in text and "first: timeout" in text and "1 (2 ever)" in text
    assert "no report" in rows["police-b"].text_content()
    assert "never crawled" in rows["never-crawled"].text_content()
    assert SCRIPT not in response.text and "&lt;script&gt;" in response.text
    assert tree.cssselect('nav a[href="/sources"]') and tree.cssselect('link[href="/api/sources"]')
    search = lxml_html.fromstring(client.get("/search?source=police-a").text)
    assert "3 documents" in search.cssselect("#results-heading")[0].text_content()


def test_the_store_asks_once_per_aspect_however_many_sources(tmp_path: Any) -> None:
    service = ArchiveService(DataDir(tmp_path / "data"))
    try:
        builder = Builder(service)

        def queries() -> int:
            seen: list[str] = []

            def record(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
                seen.append(statement)

            sa.event.listen(service.archive.engine, "before_cursor_execute", record)
            try:
                service.sources()
            finally:
                sa.event.remove(service.archive.engine, "before_cursor_execute", record)
            return len(seen)

        def grow(count: int, offset: int) -> None:
            for n in range(offset, offset + count):
                service.archive.upsert_source(f"s{n}", title=f"S{n}")
                builder.add(_doc(n, f"s{n}", date(2020, 1, 1)))
                run = service.archive.start_run([f"s{n}"], datetime(2024, 1, 1, 0, n))
                service.archive.finish_run(run, "finished", datetime(2024, 1, 1, 1, n), _report({"source": f"s{n}"}))
                service.archive.mark_removed(f"https://s{n}.example/press/{n}", datetime(2024, 1, 2), "http_410")

        grow(2, 0)
        few = queries()
        grow(8, 2)
        assert queries() == few <= 6
        assert len(service.sources()) == 10
    finally:
        service.close()


def test_cli_sources_json_carries_the_archive_s_figures(
    capsys: pytest.CaptureFixture[str], archive: tuple[DataDir, dict[str, int]],
) -> None:
    code, out, err = run_here(capsys, archive[0].root, "sources", "--json")
    assert code == 0, err
    rows = {row["name"]: row for row in json.loads(out)}
    a = rows["police-a"]
    assert a["builtin"] is False and a["documents"] == 3 and a["last_crawl"] == "2024-05-01T07:00:00Z"
    assert a["published"]["earliest"] == "2021-01-05" and a["removals"] == {"open": 1, "total": 2}
    assert a["last_run"]["errors"] == 1
    code, out, err = run_here(capsys, archive[0].root, "sources")
    assert code == 0, err
    line = next(line for line in out.splitlines() if "police-a" in line)
    assert "2021-01-05 – 2022-06-01" in line and "2024-05-01" in line
