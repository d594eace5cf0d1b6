"""The web face over a real archive and index: pages, JSON twins, errors and escaping.

One small archive is built in a temporary data directory through the same service calls the
crawler makes, indexed, and then served by ``create_app`` through FastAPI's test client, so
these tests exercise store, index and web together. Pages are checked as parsed HTML.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from lxml import html as lxml_html

from pressarchive.datadir import DataDir
from pressarchive.record import Document
from pressarchive.service import ArchiveService, build_request
from pressarchive.store import Capture
from pressarchive.web import create_app, urls
from pressarchive.web.present import page_window, paragraphs
from pressarchive.web.security import CONTENT_SECURITY_POLICY, DOCUMENT_PAGE_POLICY
from tests.archive_builder import Builder
from tests.web_pages import page, query_of

SCRIPT = "<script>alert(1)</script>"
FILLERS = 12  # English routine reports, enough for several pages of five


# -- the archive ----------------------------------------------------------------------------------


def _documents() -> dict[str, Document]:
    return {
        "avalanche": Document(
            url="https://police.example.org/press/avalanche", title="Avalanche botnet dismantled",
            text="Police and Europol took down the Avalanche botnet.\nServers were seized in "
            "several countries.", language="en", published=date(2016, 12, 1),
            operations=("Avalanche",), source="police-a",
        ),
        "german": Document(
            url="https://polizei.example.de/presse/darknet",
            title="Darknet-Marktplatz abgeschaltet",
            text="Die Polizei hat mit Europol einen Darknet-Marktplatz abgeschaltet.",
            language="de", published=date(2019, 5, 3), operations=("Bayonet",),
            source="polizei-b",
        ),
        "script": Document(
            url="https://evil.example.net/press/1", title=f"{SCRIPT} Europol raid",
            text=f"Europol raid {SCRIPT} <b>bold</b> & more.", language="en",
            published=date(2018, 2, 2), source="evil-news", agencies=(SCRIPT,),
        ),
        "javascript": Document(
            url="javascript:alert(3)", title="Odd link report",
            text="A report about Europol whose original address is not a web address.",
            language="en", published=date(2015, 1, 1), source="evil-news",
        ),
    }


def _filler(n: int) -> Document:
    return Document(
        url=f"https://police.example.org/press/routine-{n}", title=f"Routine report {n}",
        text=f"Routine patrol report number {n}. Nothing about large operations.",
        language="en", published=date(2010 + n, 3, 1), source="police-a",
    )


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[DataDir, dict[str, int]]:
    """A data directory holding the documents above, indexed; returns it and their ids."""
    data = DataDir(tmp_path_factory.mktemp("data"))
    service = ArchiveService(data)
    try:
        service.archive.upsert_source("police-a", agency="Police A", country="DE", language="en")
        service.archive.upsert_source("polizei-b", agency="Polizei B", country="DE", language="de")
        service.archive.upsert_source("evil-news", agency=SCRIPT, country="XX", language="en")
        builder = Builder(service)
        ids = {name: builder.add(doc) for name, doc in _documents().items()}
        for n in range(FILLERS):
            builder.add(_filler(n))
        changed = _documents()["avalanche"].replace(
            text="Europol: Avalanche is down.\nUpdated count.",
        )
        assert builder.add(changed, when=datetime(2024, 2, 1, 8, 30)) == ids["avalanche"]
        service.index_pending()
    finally:
        service.close()
    return data, ids


def hit_titles(tree: lxml_html.HtmlElement) -> list[str]:
    return [a.text_content() for a in tree.cssselect(".hit h3 a")]


# -- search page ----------------------------------------------------------------------------------


def test_search_page_lists_hits_with_marked_terms(client: TestClient, ids: dict[str, int]) -> None:
    tree = page(client, "/search?q=europol")
    assert "4 documents" in tree.cssselect("#results-heading")[0].text_content()
    titles = hit_titles(tree)
    assert "Avalanche botnet dismantled" in titles
    marks = [mark.text_content().lower() for mark in tree.cssselect(".hit .snippet mark")]
    assert marks and set(marks) == {"europol"}
    link = tree.cssselect(".hit h3 a")[titles.index("Darknet-Marktplatz abgeschaltet")]
    assert link.get("href") == f"/doc/{ids['german']}"
    assert link.getparent().get("lang") == "de"
    assert tree.cssselect("input#q")[0].get("value") == "europol"
    assert tree.cssselect("#query-help")  # the syntax help line


def test_hit_shows_date_source_language_operations_and_original(client: TestClient) -> None:
    tree = page(client, "/search?q=avalanche")
    hit = tree.cssselect(".hit")[0]
    assert hit.cssselect("time")[0].get("datetime") == "2016-12-01"
    meta = hit.cssselect(".meta")[0].text_content()
    assert "police-a" in meta and "English (en)" in meta and "Avalanche" in meta
    original = hit.cssselect(".original a")[0]
    assert original.get("href") == "https://police.example.org/press/avalanche"
    assert set(original.get("rel").split()) == {"noopener", "noreferrer", "nofollow"}


def test_facets_count_and_link_to_filtered_searches(client: TestClient) -> None:
    tree = page(client, "/search?q=europol&sort=date")
    facets = {
        section.cssselect("h3")[0].text_content(): section
        for section in tree.cssselect(".facet")
    }
    assert set(facets) == {"Language", "Source", "Source's country", "Agency mentioned", "Year", "Operation"}
    german = next(li for li in facets["Language"].cssselect("li") if "(de)" in li.text_content())
    assert german.cssselect(".count")[0].text_content() == "1"
    href = german.cssselect("a")[0].get("href")
    assert query_of(href) == {"q": "europol", "sort": "date", "language": "de"}
    filtered = page(client, href)
    assert hit_titles(filtered) == ["Darknet-Marktplatz abgeschaltet"]


def test_active_filter_is_shown_and_can_be_removed(client: TestClient) -> None:
    tree = page(client, "/search?q=europol&language=de")
    active = tree.cssselect(".facet li.active")
    assert len(active) == 1 and "German" in active[0].text_content()
    remove = active[0].cssselect("a.remove")[0].get("href")
    assert query_of(remove) == {"q": "europol"}
    chips = tree.cssselect(".active-filters a")
    assert [query_of(a.get("href")) for a in chips] == [{"q": "europol"}]
    hidden = {i.get("name"): i.get("value") for i in tree.cssselect("form input[type=hidden]")}
    assert hidden == {"language": "de"}  # a new query keeps the filter
    assert len(hit_titles(page(client, remove))) == 4


def test_pagination_links_keep_every_parameter(client: TestClient) -> None:
    tree = page(client, "/search?q=routine&limit=5&source=police-a&page=2")
    assert len(hit_titles(tree)) == 5
    nav = tree.cssselect("nav.pagination")[0]
    assert nav.cssselect("a[aria-current=page]")[0].text_content() == "2"
    numbers = [a.text_content() for a in nav.cssselect("a") if a.text_content().isdigit()]
    assert numbers == ["1", "2", "3"]
    prev_link = nav.cssselect("a[rel=prev]")[0].get("href")
    next_link = nav.cssselect("a[rel=next]")[0].get("href")
    assert query_of(prev_link) == {"q": "routine", "source": "police-a", "limit": "5"}
    assert query_of(next_link) == {"q": "routine", "source": "police-a", "limit": "5", "page": "3"}
    last = page(client, next_link)
    assert len(hit_titles(last)) == FILLERS - 10
    assert not last.cssselect("a[rel=next]")
    assert tree.cssselect("ol.hits")[0].get("start") == "6"


def test_sort_by_date_is_newest_first(client: TestClient) -> None:
    tree = page(client, "/search?q=europol&sort=date")
    dates = [t.get("datetime") for t in tree.cssselect(".hit .meta time")]
    assert dates == sorted(dates, reverse=True) and len(dates) == 4
    assert tree.cssselect("select#sort option[selected]")[0].get("value") == "date"
    relevance = tree.cssselect(".sort-links a")[0].get("href")
    assert query_of(relevance) == {"q": "europol", "sort": "relevance"}


def test_home_browses_everything_newest_first(client: TestClient) -> None:
    tree = page(client, "/")
    assert f"{FILLERS + 4} documents" in tree.cssselect("#results-heading")[0].text_content()
    dates = [t.get("datetime") for t in tree.cssselect(".hit .meta time")]
    assert dates == sorted(dates, reverse=True)
    assert "Newest first" in tree.cssselect(".sort-links")[0].text_content()


def test_bad_query_shows_the_message_with_400(client: TestClient) -> None:
    tree = page(client, "/search?q=title:(", status=400)
    assert "bad query" in tree.cssselect(".error")[0].text_content()
    assert tree.cssselect("input#q")[0].get("value") == "title:("
    assert not tree.cssselect(".hit")


@pytest.mark.parametrize("query", [
    "since=2019-13-45", "limit=0", "limit=abc", "page=0", "page=x", "year=abc",
    "year=123456789", "sort=best", "page=99999999999999", "since=2020-01-01&until=2019-01-01",
])
def test_bad_parameters_show_the_message_with_400(client: TestClient, query: str) -> None:
    tree = page(client, f"/search?q=europol&{query}", status=400)
    assert tree.cssselect(".error")[0].text_content().strip()


# -- document page --------------------------------------------------------------------------------


def test_doc_page_shows_metadata_text_and_versions(client: TestClient, ids: dict[str, int]) -> None:
    tree = page(client, f"/doc/{ids['avalanche']}")
    assert tree.cssselect("h1")[0].text_content() == "Avalanche botnet dismantled"
    facts = tree.cssselect(".facts")[0].text_content()
    for expected in ("2016-12-01", "police-a", "Police A", "DE", "English (en)", "Avalanche"):
        assert expected in facts
    original = tree.cssselect(".facts dd.url a")[0]
    assert original.get("href") == "https://police.example.org/press/avalanche"
    assert set(original.get("rel").split()) == {"noopener", "noreferrer", "nofollow"}
    assert [p.text_content() for p in tree.cssselect(".text p")] == [
        "Europol: Avalanche is down.", "Updated count.",
    ]
    rows = tree.cssselect(".versions tbody tr")
    assert [row.cssselect("th")[0].text_content() for row in rows] == ["1", "2"]
    assert rows[1].cssselect("td")[0].text_content() == "2024-02-01 08:30:00 UTC"
    assert len(rows[1].cssselect(".payload-digest")[0].text_content()) == 64
    warc_file = rows[1].cssselect(".warc-file")[0].text_content()
    assert warc_file.startswith("builder-") and warc_file.endswith(".warc.gz")
    assert rows[1].cssselect(".warc-offset")[0].text_content().isdigit()
    assert rows[1].cssselect(".provenance dd.url a")[0].get("href") == "https://police.example.org/press/avalanche"
    assert tree.cssselect('link[rel=alternate]')[0].get("href") == f"/api/doc/{ids['avalanche']}"


def test_unknown_doc_is_a_404_page(client: TestClient) -> None:
    tree = page(client, "/doc/999999", status=404)
    assert "no document with id 999999" in tree.cssselect(".error")[0].text_content()


@pytest.mark.parametrize("path", ["/doc/abc", "/doc/0", "/doc/99999999999999999999999"])
def test_bad_doc_id_is_a_400_page(client: TestClient, path: str) -> None:
    page(client, path, status=400)


def test_unknown_path_is_a_404_page(client: TestClient) -> None:
    page(client, "/nowhere", status=404)


# -- untrusted content ----------------------------------------------------------------------------


def test_script_in_archived_content_stays_text(client: TestClient, ids: dict[str, int]) -> None:
    for url in ("/search?q=raid", "/search?q=europol&sort=date", f"/doc/{ids['script']}",
                f"/search?q=europol&source={SCRIPT}"):
        response = client.get(url)
        tree = lxml_html.fromstring(response.text)
        assert not tree.cssselect("b"), url
        # The document page's one script is our own file (its Copy buttons), nothing inline.
        assert [(s.get("src"), s.text_content()) for s in tree.cssselect("script")] == (
            [("/static/copy.js", "")] if url.startswith("/doc/") else []
        ), url
    search = page(client, "/search?q=raid")
    assert SCRIPT in hit_titles(search)[0]
    assert SCRIPT in search.cssselect(".hit .snippet")[0].text_content()
    doc = page(client, f"/doc/{ids['script']}")
    assert doc.cssselect("h1")[0].text_content() == f"{SCRIPT} Europol raid"
    assert SCRIPT in doc.cssselect(".facts")[0].text_content()  # the agency name
    assert "<b>bold</b>" in doc.cssselect(".text p")[0].text_content()


def test_script_in_an_agency_facet_stays_text_and_filters(client: TestClient, ids: dict[str, int]) -> None:
    tree = page(client, "/search?q=raid")
    agency = next(f for f in tree.cssselect(".facet") if f.cssselect("h3")[0].text_content() == "Agency mentioned")
    assert SCRIPT in agency.text_content() and not tree.cssselect("script")
    href = agency.cssselect("a")[0].get("href")
    assert query_of(href) == {"q": "raid", "agency": SCRIPT}
    filtered = page(client, href)
    assert [a.get("href") for a in filtered.cssselect(".hit h3 a")] == [f"/doc/{ids['script']}"]
    similar = page(client, f"/doc/{ids['script']}")
    assert not similar.cssselect("b")
    assert [s.get("src") for s in similar.cssselect("script")] == ["/static/copy.js"]


def test_script_in_the_query_stays_text(client: TestClient) -> None:
    response = client.get("/search", params={"q": f'"{SCRIPT}"'})
    assert "<script" not in response.text.lower()


def test_only_http_urls_become_links(client: TestClient, ids: dict[str, int]) -> None:
    doc = page(client, f"/doc/{ids['javascript']}")
    assert not doc.cssselect(".facts dd.url a")
    assert "javascript:alert(3)" in doc.cssselect(".facts dd.url")[0].text_content()
    assert not [a for a in doc.iter("a") if "javascript" in (a.get("href") or "")]
    search = page(client, "/search?q=%22odd+link%22")
    assert not search.cssselect(".hit .original a")


def test_html_pages_carry_a_content_security_policy(
    client: TestClient, ids: dict[str, int],
) -> None:
    for url in ("/", "/search?q=europol", f"/doc/{ids['german']}", "/doc/999999", "/status",
                "/search?q=title:("):
        response = client.get(url)
        # The document page alone may run one script of ours, its Copy buttons' (copy.js).
        expected = DOCUMENT_PAGE_POLICY if url == f"/doc/{ids['german']}" else CONTENT_SECURITY_POLICY
        assert response.headers["content-security-policy"] == expected, url
        assert response.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'none'" in CONTENT_SECURITY_POLICY
    assert "script-src 'none'" in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY


def test_stylesheet_is_served(client: TestClient) -> None:
    tree = page(client, "/")
    href = tree.cssselect("link[rel=stylesheet]")[0].get("href")
    response = client.get(href)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/css")


def test_status_page(client: TestClient) -> None:
    tree = page(client, "/status")
    assert "documents" in tree.text_content()
    assert tree.cssselect("link[rel=alternate]")[0].get("href") == "/api/status"


# -- JSON API -------------------------------------------------------------------------------------


def test_api_search_has_the_cli_shape(
    client: TestClient, archive: tuple[DataDir, dict[str, int]],
) -> None:
    response = client.get("/api/search", params={"q": "europol", "limit": 2})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "query", "total", "page", "limit", "last_page", "sort", "hits", "facets", "interval", "histogram",
        "timeline", "expansions",
    }
    assert body["query"] == "europol" and body["total"] == 4 and len(body["hits"]) == 2
    assert (body["page"], body["limit"], body["last_page"], body["sort"]) == (1, 2, 2, "relevance")
    assert set(body["hits"][0]) == {
        "id", "url", "title", "published", "source", "language", "operations", "score", "snippet",
        "highlights", "cluster", "similar",
    }
    assert isinstance(body["hits"][0]["snippet"], str)
    assert set(body["facets"]) == {
        "language", "source", "source_country", "country", "agency", "year", "operation",
    }
    assert body["facets"]["language"] == {"en": 3, "de": 1}
    service = ArchiveService(archive[0])
    try:
        expected = service.search(build_request("europol", limit=2)).to_json()
    finally:
        service.close()
    assert body == expected


def test_search_page_links_its_json_twin(client: TestClient) -> None:
    tree = page(client, "/search?q=europol&language=en&page=1")
    href = tree.cssselect("link[rel=alternate]")[0].get("href")
    assert query_of(href) == {"q": "europol", "language": "en", "page": "1"}
    body = client.get(href).json()
    assert body["total"] == 3 and {hit["language"] for hit in body["hits"]} == {"en"}


def test_api_browse_is_newest_first(client: TestClient) -> None:
    hits = client.get("/api/search").json()["hits"]
    dates = [hit["published"] for hit in hits]
    assert dates == sorted(dates, reverse=True)


def test_api_doc_is_the_stored_document(client: TestClient, ids: dict[str, int],
                                        archive: tuple[DataDir, dict[str, int]]) -> None:
    body = client.get(f"/api/doc/{ids['avalanche']}").json()
    service = ArchiveService(archive[0])
    try:
        relations = service.relations(ids["avalanche"]).to_json()
        facts = service.document_facts(ids["avalanche"]).to_json()
        assert body == {**service.document(ids["avalanche"]).to_json(), "version": 2, "current_version": 2,
                        **relations, **facts}
    finally:
        service.close()
    assert [v["number"] for v in body["versions"]] == [1, 2]


def test_api_status(client: TestClient) -> None:
    body = client.get("/api/status").json()
    assert body["documents"] == FILLERS + 4 and body["versions"] == FILLERS + 5
    assert body["index_entries"] == FILLERS + 4


@pytest.mark.parametrize(("url", "status", "words"), [
    ("/api/search?q=title:(", 400, "bad query"),
    ("/api/search?since=2019-13-45", 400, "2019-13-45"),
    ("/api/search?until=yesterday", 400, "yesterday"),
    ("/api/search?since=2020-01-01&until=2019-01-01", 400, "empty date range"),
    ("/api/search?limit=0", 400, "limit"),
    ("/api/search?limit=1000", 400, "limit"),
    ("/api/search?limit=abc", 400, "limit"),
    ("/api/search?page=0", 400, "page"),
    ("/api/search?page=abc", 400, "page"),
    ("/api/search?page=99999999999999", 400, "page"),
    ("/api/search?year=abc", 400, "year"),
    ("/api/search?year=99999", 400, "year"),
    ("/api/search?sort=best", 400, "sort"),
    ("/api/doc/999999", 404, "no document"),
    ("/api/doc/abc", 400, "doc id"),
    ("/api/doc/99999999999999999999999", 400, "doc id"),
    ("/api/nowhere", 404, "/api/nowhere"),
])
def test_api_errors_are_one_line_json(
    client: TestClient, url: str, status: int, words: str,
) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"error", "detail"} and "\n" not in body["error"]
    assert words in body["error"]


def test_api_survives_hostile_queries(client: TestClient) -> None:
    for query in ('"', "(", ")", "NOT", "OR OR", "published:[x TO y]", "*", "a" * 999,
                  "title:", ":", "\x00", "operation:", "published:[2017-01-01 TO"):
        response = client.get("/api/search", params={"q": query})
        assert response.status_code in (200, 400), query
        if response.status_code == 400:
            assert set(response.json()) == {"error", "detail"}
    assert client.get("/api/search", params={"q": "a" * 1001}).status_code == 400


def test_openapi_documents_the_api_only(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    schema = client.get("/openapi.json").json()
    assert schema["info"]["title"] == "pressarchive"
    assert {
        "/api/search", "/api/doc/{doc_id}", "/api/doc/{doc_id}/similar", "/api/status", "/api/check",
    } <= set(schema["paths"])
    assert all(path.startswith("/api/") for path in schema["paths"])  # no HTML page in the schema
    search = schema["paths"]["/api/search"]["get"]
    assert search["summary"]
    params = {p["name"]: p for p in search["parameters"]}
    assert set(params) == {"q", "sort", "language", "source", "agency", "country", "operation", "year",
                           "since", "until", "limit", "page", "source_agency", "source_country",
                           "cluster", "collapse", "expand", "interval"}
    assert all(p.get("description") for p in params.values())
    assert "400" in search["responses"] and "422" not in search["responses"]


# -- helpers --------------------------------------------------------------------------------------


def test_search_url_applies_changes_in_a_stable_order() -> None:
    params = {"page": "3", "q": "a b", "language": "de", "junk": "x"}
    assert urls.search_url(params) == "/search?q=a+b&language=de&page=3"
    assert urls.search_url(params, page=1) == "/search?q=a+b&language=de"
    assert urls.filter_url(params, "year", 2017) == "/search?q=a+b&language=de&year=2017"
    assert urls.unfilter_url(params, "language") == "/search?q=a+b"
    assert urls.search_url({}) == "/search"
    assert urls.doc_url(7) == "/doc/7" and urls.api_doc_url(7) == "/api/doc/7"
    with pytest.raises(ValueError):
        urls.search_url(params, nonsense=1)


def test_page_window_and_paragraphs() -> None:
    assert page_window(1, 1) == [1]
    assert page_window(5, 10) == [1, None, 3, 4, 5, 6, 7, None, 10]
    assert page_window(2, 4) == [1, 2, 3, 4]
    assert paragraphs("one\n\n  two \n") == ["one", "two"]


def test_templates_and_static_files_are_package_data() -> None:
    web = Path(urls.__file__).parent
    assert (web / "static" / "style.css").is_file()
    assert not [p for p in (web / "templates").rglob("*") if p.parent != web / "templates"]


def test_doc_page_shows_a_takedown(tmp_path: Path) -> None:
    service = ArchiveService(DataDir(tmp_path))
    capture = service.archive.record_capture(Capture("s", "http://p.example/a", 200, "text/html", 1,
                                                      datetime(2020, 1, 1), "0" * 64, "f.warc.gz", 0))
    outcome = service.archive.save_document(Document("http://p.example/a", "Gone release", "Body text.", "en"),
                                            capture)
    service.archive.mark_removed("http://p.example/a", datetime(2021, 5, 6, 7, 8), "http_410")
    service.close()
    page = TestClient(create_app(DataDir(tmp_path))).get(f"/doc/{outcome.document_id}")
    assert page.status_code == 200
    assert "taken down by the source (HTTP 410)" in page.text and "2021-05-06" in page.text
