"""Filters, facets, timeline and "more like this" on every face: service, JSON API, pages, CLI.

One archive of releases about one operation from sources in three countries (plus unrelated
ones) is built once; each face is asked the same questions and must give the same answers.
"""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient

from pressarchive.datadir import DataDir
from pressarchive.record import Document
from pressarchive.service import ArchiveService, build_request
from tests.archive_builder import Builder
from tests.conftest import CLI
from tests.web_pages import page, query_of

SOURCES = {
    "pt-pj": ("Polícia Judiciária", "PT", "pt"),
    "es-gc": ("Guardia Civil", "ES", "es"),
    "eu-europol": ("Europol", "NL", "en"),
}


#: Countries and agencies each document mentions (the extractor's output, given here).
MENTIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "tantalio@es-gc": (("ES", "BR"), ("guardia-civil",)),
    "tantalio@pt-pj": (("PT", "BR"), ("policia-judiciaria",)),
    "tantalio@eu-europol": (("ES", "PT", "BR"), ("europol",)),
    "avalanche": ((), ("europol",)),
    "lisboa": (("PT",), ()),
    "sin-fecha": (("ES",), ("guardia-civil",)),
}


def _documents() -> dict[str, Document]:
    def doc(name: str, source: str, title: str, text: str, published: date | None,
            operations: tuple[str, ...] = ()) -> Document:
        countries, agencies = MENTIONS.get(f"{name}@{source}") or MENTIONS[name]
        return Document(
            url=f"https://press.example.org/{source}/{name}", title=title, text=text,
            language=SOURCES[source][2], published=published, operations=operations, source=source,
            countries=countries, agencies=agencies,
        )

    return {
        "tantalio_es": doc(
            "tantalio", "es-gc", "Operación Tantalio: desarticulada una red de narcotráfico",
            "La Guardia Civil ha detenido a doce personas en la operación Tantalio contra el tráfico "
            "de cocaína entre Brasil y España.", date(2017, 3, 10), ("Tantalio",),
        ),
        "tantalio_pt": doc(
            "tantalio", "pt-pj", "Operação Tantalio: Polícia Judiciária detém suspeitos",
            "A Polícia Judiciária deteve suspeitos de tráfico de cocaína entre o Brasil e Portugal "
            "na operação Tantalio.", date(2017, 3, 12), ("Tantalio",),
        ),
        "tantalio_en": doc(
            "tantalio", "eu-europol", "Operation Tantalio: cocaine trafficking network dismantled",
            "Europol supported Spanish and Portuguese authorities in operation Tantalio against "
            "cocaine trafficking from Brazil.", date(2017, 4, 2), ("Tantalio",),
        ),
        "botnet": doc(
            "avalanche", "eu-europol", "Avalanche botnet taken down",
            "Investigators took down the Avalanche botnet infrastructure.", date(2016, 12, 1),
            ("Avalanche",),
        ),
        "lisbon": doc(
            "lisboa", "pt-pj", "Apreensão de cocaína no porto de Lisboa",
            "Inspetores apreenderam cocaína num contentor no porto de Lisboa.", date(2019, 7, 20),
        ),
        "undated": doc(
            "sin-fecha", "es-gc", "Nota de prensa sin fecha",
            "La Guardia Civil informa sobre cocaína incautada.", None,
        ),
    }


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[DataDir, dict[str, int]]:
    data = DataDir(tmp_path_factory.mktemp("faces") / "data")
    service = ArchiveService(data)
    try:
        for name, (agency, country, language) in SOURCES.items():
            service.archive.upsert_source(name, agency=agency, country=country, language=language)
        builder = Builder(service)
        ids = {name: builder.add(doc) for name, doc in _documents().items()}
        service.index_pending()
    finally:
        service.close()
    return data, ids


def api(client: TestClient, **params: object) -> dict[str, object]:
    response = client.get("/api/search", params=params)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def hit_ids(body: dict[str, object]) -> set[int]:
    return {hit["id"] for hit in body["hits"]}  # type: ignore[index, union-attr]


TANTALIO = {"tantalio_es", "tantalio_pt", "tantalio_en"}


# -- filters and field queries agree ----------------------------------------------------------------


@pytest.mark.parametrize(("params", "expected"), [
    ({"operation": "tantalio"}, TANTALIO),
    ({"q": "operation:tantalio"}, TANTALIO),
    ({"q": "operation:TANTALIO"}, TANTALIO),
    ({"source_country": "PT"}, {"tantalio_pt", "lisbon"}),
    ({"source_country": "pt"}, {"tantalio_pt", "lisbon"}),
    ({"q": "source_country:PT"}, {"tantalio_pt", "lisbon"}),
    ({"source_agency": "Europol"}, {"tantalio_en", "botnet"}),
    ({"q": "source_agency:europol"}, {"tantalio_en", "botnet"}),
    ({"q": "cocaine OR cocaína", "source_country": "ES"}, {"tantalio_es", "undated"}),
    ({"operation": "tantalio", "source_country": "NL"}, {"tantalio_en"}),
    # country and agency: mentioned in the text (Europol's release mentions Portugal).
    ({"country": "PT"}, {"tantalio_pt", "tantalio_en", "lisbon"}),
    ({"q": "country:pt"}, {"tantalio_pt", "tantalio_en", "lisbon"}),
    ({"country": "br", "source_country": "ES"}, {"tantalio_es"}),
    ({"agency": "europol"}, {"tantalio_en", "botnet"}),
    ({"q": "agency:GUARDIA-CIVIL"}, {"tantalio_es", "undated"}),
    ({"q": "published:[2017-01-01 TO 2017-12-31]"}, TANTALIO),
    ({"since": "2017-03-11", "until": "2017-12-31"}, {"tantalio_pt", "tantalio_en"}),
])
def test_api_filters_and_fields(client: TestClient, ids: dict[str, int], params: dict[str, str],
                                expected: set[str]) -> None:
    body = api(client, **params)
    assert hit_ids(body) == {ids[name] for name in expected}
    assert body["total"] == len(expected)


def test_facets_count_all_matches_including_agency_and_country(client: TestClient) -> None:
    body = api(client, q="cocaine OR cocaína", limit=1)
    facets = body["facets"]
    assert body["total"] == 5 and len(body["hits"]) == 1  # type: ignore[arg-type]
    assert facets["source_country"] == {"PT": 2, "ES": 2, "NL": 1}  # type: ignore[index]
    # Multi-valued: a document counts once for each country or agency it mentions.
    assert facets["country"] == {"BR": 3, "ES": 3, "PT": 3}  # type: ignore[index]
    assert facets["agency"] == {"guardia-civil": 2, "europol": 1, "policia-judiciaria": 1}  # type: ignore[index]
    assert facets["operation"] == {"Tantalio": 3}  # type: ignore[index]


def test_histogram_counts_matches_per_month(client: TestClient) -> None:
    assert api(client, q="operation:tantalio", interval="month")["histogram"] == {"2017-03": 2, "2017-04": 1}
    browse = api(client, limit=1)
    assert browse["histogram"] == {"2016-12": 1, "2017-03": 2, "2017-04": 1, "2019-07": 1}
    assert sum(browse["histogram"].values()) == browse["total"] - 1  # type: ignore[union-attr, operator]


def test_service_and_api_agree(client: TestClient, archive: tuple[DataDir, dict[str, int]]) -> None:
    service = ArchiveService(archive[0])
    try:
        expected = service.search(build_request("cocaine", country="PT", agency="europol")).to_json()
    finally:
        service.close()
    assert api(client, q="cocaine", country="PT", agency="europol") == expected
    assert expected["total"] == 1


# -- the search page --------------------------------------------------------------------------------


def test_agency_and_country_facets_filter_when_clicked(client: TestClient) -> None:
    tree = page(client, "/search?q=cocaine+OR+coca%C3%ADna")
    facets = {section.cssselect("h3")[0].text_content(): section for section in tree.cssselect(".facet")}
    assert {"Agency mentioned", "Country mentioned", "Source's country"} <= set(facets)
    portugal = next(li for li in facets["Country mentioned"].cssselect("li") if "PT" in li.text_content())
    assert "Portugal (PT)" in portugal.text_content()  # the name from Babel, the code kept
    assert portugal.cssselect(".count")[0].text_content() == "3"
    href = portugal.cssselect("a")[0].get("href")
    assert query_of(href) == {"q": "cocaine OR cocaína", "country": "PT"}
    filtered = page(client, href)
    assert len(filtered.cssselect(".hit")) == 3
    chips = " ".join(filtered.cssselect(".active-filters")[0].text_content().split())
    assert "Country mentioned: Portugal (PT)" in chips
    source_pt = next(li for li in facets["Source's country"].cssselect("li") if "PT" in li.text_content())
    assert query_of(source_pt.cssselect("a")[0].get("href")) == {"q": "cocaine OR cocaína", "source_country": "PT"}
    assert len(page(client, source_pt.cssselect("a")[0].get("href")).cssselect(".hit")) == 2
    europol = next(li for li in facets["Agency mentioned"].cssselect("li") if "europol" in li.text_content())
    assert "Europol (europol)" in europol.text_content()  # display name from the agencies data file
    assert len(page(client, europol.cssselect("a")[0].get("href")).cssselect(".hit")) == 1


def test_timeline_draws_a_bar_per_month_with_matches(client: TestClient) -> None:
    tree = page(client, "/search?q=operation:tantalio&interval=month")
    timeline = tree.cssselect("section.timeline")[0]
    bars = timeline.cssselect("svg.histogram rect.bar")
    assert [bar.cssselect("title")[0].text_content() for bar in bars] == ["2017-03: 2", "2017-04: 1"]
    heights = [float(bar.get("height")) for bar in bars]
    assert heights[0] > heights[1] > 0
    link = bars[0].getparent().get("href")
    # The bar zooms in: its period, the interval back to auto.
    assert query_of(link) == {"q": "operation:tantalio", "since": "2017-03-01", "until": "2017-03-31"}
    assert len(page(client, link).cssselect(".hit")) == 2
    rows = timeline.cssselect(".timeline-table tbody tr")
    assert [row.cssselect("td")[0].text_content() for row in rows] == ["2", "1"]


def test_browsing_timeline_spans_every_month_between(client: TestClient) -> None:
    tree = page(client, "/")
    note = tree.cssselect("section.timeline .note")[0].text_content()
    assert "2016-12 to 2019-07" in note
    assert len(tree.cssselect("svg.histogram rect.bar")) == 4  # months without matches draw nothing


def test_no_timeline_without_dated_matches(client: TestClient) -> None:
    tree = page(client, "/search?q=%22sin+fecha%22")
    assert len(tree.cssselect(".hit")) == 1 and not tree.cssselect("section.timeline")


def test_search_page_explains_the_query_language(client: TestClient) -> None:
    help_box = page(client, "/").cssselect("details.query-language")[0]
    text = help_box.text_content()
    for example in ("operation:tantalio", "country:PT", "published:[2017-01-01 TO 2017-12-31]", "OR", "NOT"):
        assert example in text


# -- more like this ---------------------------------------------------------------------------------


def test_api_similar_finds_the_same_operation_elsewhere(client: TestClient, ids: dict[str, int]) -> None:
    response = client.get(f"/api/doc/{ids['tantalio_en']}/similar")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == ids["tantalio_en"]
    found = [hit["id"] for hit in body["hits"]]
    assert ids["tantalio_en"] not in found
    assert found and found[0] in {ids["tantalio_es"], ids["tantalio_pt"]}
    assert set(body["hits"][0]) == {
        "id", "url", "title", "published", "source", "language", "operations", "score", "snippet", "highlights",
        "cluster", "similar",
    }
    assert len(client.get(f"/api/doc/{ids['tantalio_en']}/similar", params={"limit": 1}).json()["hits"]) == 1


@pytest.mark.parametrize(("url", "status", "words"), [
    ("/api/doc/999999/similar", 404, "no document with id 999999"),
    ("/api/doc/abc/similar", 400, "doc id"),
    ("/api/doc/1/similar?limit=0", 400, "limit"),
    ("/api/doc/1/similar?limit=abc", 400, "limit"),
])
def test_api_similar_errors(client: TestClient, url: str, status: int, words: str) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert set(response.json()) == {"error", "detail"} and words in response.json()["error"]


def test_doc_page_lists_more_like_this(client: TestClient, ids: dict[str, int]) -> None:
    tree = page(client, f"/doc/{ids['tantalio_es']}")
    links = tree.cssselect("section.similar li a")
    assert links, "no similar documents listed"
    hrefs = [a.get("href") for a in links]
    assert f"/doc/{ids['tantalio_es']}" not in hrefs
    assert {f"/doc/{ids['tantalio_pt']}", f"/doc/{ids['tantalio_en']}"} & set(hrefs)


# -- the CLI ----------------------------------------------------------------------------------------


def test_cli_search_filters_and_json_shape(archive: tuple[DataDir, dict[str, int]]) -> None:
    data, ids = archive
    cli = CLI(data.root)
    body = cli.json("search", "--source-country", "PT")
    assert body["total"] == 2 and set(body) >= {"histogram", "facets"}
    assert {"agency", "country", "source_country"} <= set(body["facets"])
    assert cli.json("search", "--country", "PT")["total"] == 3
    assert hit_ids(cli.json("search", "--source-agency", "Europol", "--operation", "tantalio")) == {ids["tantalio_en"]}
    assert hit_ids(cli.json("search", "--agency", "europol", "--country", "br")) == {ids["tantalio_en"]}
    dated = cli.json("search", "operation:tantalio", "--sort", "date", "--limit", "1", "--page", "2",
                     "--interval", "month")
    assert [hit["published"] for hit in dated["hits"]] == ["2017-03-12"]
    assert dated["histogram"] == {"2017-03": 2, "2017-04": 1}


def test_cli_similar(archive: tuple[DataDir, dict[str, int]]) -> None:
    data, ids = archive
    cli = CLI(data.root)
    body = cli.json("similar", str(ids["tantalio_pt"]), "--limit", "2")
    assert body["id"] == ids["tantalio_pt"] and 1 <= len(body["hits"]) <= 2
    text = cli("similar", str(ids["tantalio_pt"]), check=True).stdout
    assert "Tantalio" in text
    missing = cli("similar", "999999")
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
    assert missing.stderr.strip().splitlines()[-1] == "error: no document with id 999999"
