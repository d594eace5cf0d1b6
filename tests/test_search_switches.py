"""Collapse and thesaurus expansion on every face: service, JSON API, search page, CLI.

One archive with three syndicated copies of a Spanish release (one near-duplicate cluster,
found by the near-duplicate step), releases in other languages,
and a data directory thesaurus that adds a concept with markup in its terms.
"""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient

from pressarchive.datadir import DataDir
from pressarchive.errors import UserError
from pressarchive.record import Document
from pressarchive.service import ArchiveService, build_request
from tests.archive_builder import Builder
from tests.conftest import CLI
from tests.web_pages import page, query_of

MARKUP = "<b>hostile</b>"
# Long enough (25 words and more) for the near-duplicate step to cluster the three copies.
COPY = ("La Guardia Civil anuncia la detención de cinco personas por fraude. Los detenidos ofrecían"
        " inversiones falsas a través de páginas web y redes sociales, y cobraban a las víctimas por"
        " adelantado antes de desaparecer con el dinero.")


def _documents() -> dict[str, Document]:
    def doc(name: str, language: str, text: str, day: int) -> Document:
        return Document(url=f"https://press.example.org/{name}", title=f"Nota {name}", text=text,
                        language=language, published=date(2021, 5, day), source="src")

    return {
        "copy1": doc("copy1", "es", COPY, 1),
        "copy2": doc("copy2", "es", COPY + " Fuente: agencias.", 2),
        "copy3": doc("copy3", "es", COPY + " Más información pronto.", 3),
        "english": doc("english", "en", "Police arrested five people for fraud in Leeds.", 4),
        "german": doc("german", "de", "Die Festnahme von zwei Männern wegen Betrug.", 5),
        "hostile": doc("hostile", "en", "A release about hostile markup and fraud.", 6),
    }


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[DataDir, dict[str, int]]:
    data = DataDir(tmp_path_factory.mktemp("switches") / "data")
    data.root.mkdir(parents=True)
    (data.root / "thesaurus.toml").write_text(f'[markup]\nen = ["{MARKUP}", "hostile"]\n', "utf-8")
    service = ArchiveService(data)
    try:
        builder = Builder(service)
        ids = {name: builder.add(doc) for name, doc in _documents().items()}
        service.index_pending()  # clusters the three copies first
    finally:
        service.close()
    return data, ids


def api(client: TestClient, status: int = 200, **params: object) -> dict[str, object]:
    response = client.get("/api/search", params=params)
    assert response.status_code == status, response.text
    return response.json()  # type: ignore[no-any-return]


# -- collapse ---------------------------------------------------------------------------------------


def test_api_collapses_copies_and_counts_them(client: TestClient, ids: dict[str, int]) -> None:
    plain = api(client, q="fraude OR fraud OR betrug", sort="date", limit=10)
    assert plain["total"] == 6 and "clusters" not in plain
    body = api(client, q="fraude OR fraud OR betrug", sort="date", collapse=1, limit=10)
    assert body["total"] == 6 and body["clusters"] == 4
    hits = {hit["id"]: hit for hit in body["hits"]}  # type: ignore[union-attr]
    assert ids["copy3"] in hits and ids["copy1"] not in hits and ids["copy2"] not in hits
    assert hits[ids["copy3"]]["similar"] == 2 and hits[ids["copy3"]]["cluster"] == ids["copy1"]
    assert hits[ids["english"]]["similar"] == 0 and hits[ids["english"]]["cluster"] == ids["english"]
    page2 = api(client, q="fraude OR fraud OR betrug", sort="date", collapse=1, limit=3, page=2)
    assert len(page2["hits"]) == 1  # type: ignore[arg-type]


def test_search_page_links_n_similar_to_the_cluster(client: TestClient, ids: dict[str, int]) -> None:
    tree = page(client, "/search?q=guardia&collapse=1")
    assert len(tree.cssselect(".hit")) == 1
    assert "after collapsing copies" in tree.cssselect("#results-heading")[0].text_content()
    link = tree.cssselect(".hit a.similar")[0]
    assert link.text_content().strip() == "2 similar"
    assert query_of(link.get("href")) == {"q": "guardia", "cluster": str(ids["copy1"])}
    copies = page(client, link.get("href"))
    assert len(copies.cssselect(".hit")) == 3
    assert "Copies of" in copies.cssselect(".active-filters")[0].text_content()
    show_all = next(a for a in tree.cssselect(".switch-links a") if "every copy" in a.text_content())
    assert "collapse" not in query_of(show_all.get("href"))


def test_collapsed_pages_count_clusters(client: TestClient) -> None:
    tree = page(client, "/search?q=fraude+OR+fraud+OR+betrug&collapse=1&limit=2")
    pages = {a.text_content().strip() for a in tree.cssselect(".pagination a, .pagination span")}
    assert "2" in pages and "3" not in pages  # 4 clusters in pages of 2, not 6 documents


# -- thesaurus --------------------------------------------------------------------------------------


def test_api_returns_expansions_and_finds_every_language(client: TestClient, ids: dict[str, int]) -> None:
    body = api(client, q="~arrest")
    assert {hit["id"] for hit in body["hits"]} == {  # type: ignore[union-attr]
        ids[name] for name in ("copy1", "copy2", "copy3", "english", "german")}
    terms = body["expansions"]["~arrest"]  # type: ignore[index]
    assert "detención" in terms and "Festnahme" in terms
    switched = api(client, q="arrest", expand=1)
    assert set(switched["expansions"]) == {"arrest"} and switched["total"] == 5  # type: ignore[arg-type]
    assert api(client, q="arrest")["total"] == 1


def test_unknown_tilde_word_is_a_400(client: TestClient) -> None:
    body = api(client, 400, q="fraud ~nosuchconcept")
    assert body["error"].startswith("bad query:") and "~nosuchconcept" in body["error"]  # type: ignore[union-attr]
    tree = page(client, "/search?q=fraud+~nosuchconcept", status=400)
    assert "~nosuchconcept" in tree.cssselect(".error")[0].text_content()


def test_expansions_on_the_page_are_escaped_and_switchable(client: TestClient, ids: dict[str, int]) -> None:
    response = client.get("/search", params={"q": "hostile", "expand": "1"})
    assert response.status_code == 200
    assert MARKUP not in response.text  # the data directory's term, escaped
    tree = page(client, "/search?q=hostile&expand=1")
    box = tree.cssselect("section.expansions")[0]
    assert not box.cssselect("b")
    assert f"searched as: {MARKUP}, hostile" in " ".join(box.text_content().split())
    off = next(a for a in box.cssselect("a") if "as written" in a.text_content())
    assert query_of(off.get("href")) == {"q": "hostile"}
    assert [h.get("href") for h in tree.cssselect(".hit h3 a")] == [f"/doc/{ids['hostile']}"]


def test_tilde_expansion_shows_without_the_switch(client: TestClient) -> None:
    tree = page(client, "/search?q=%7Earrest")
    text = " ".join(tree.cssselect("section.expansions")[0].text_content().split())
    assert "~arrest searched as: arrest," in text and "detención" in text
    assert not [a for a in tree.cssselect("section.expansions a") if "as written" in a.text_content()]


# -- validation and the CLI -------------------------------------------------------------------------


@pytest.mark.parametrize(("params", "words"), [
    ({"collapse": "maybe"}, "bad collapse"), ({"expand": "2"}, "bad expand"), ({"cluster": "0"}, "bad cluster"),
])
def test_bad_switch_values_are_400_pages(client: TestClient, params: dict[str, str], words: str) -> None:
    tree = page(client, "/search?" + "&".join(f"{k}={v}" for k, v in params.items()), status=400)
    assert words in tree.cssselect(".error")[0].text_content()


def test_build_request_checks_the_cluster() -> None:
    with pytest.raises(UserError, match="bad cluster"):
        build_request("x", cluster=-1)
    assert build_request("x", collapse=True, expand=True, cluster=5).cluster == 5


def test_service_and_api_agree(client: TestClient, archive: tuple[DataDir, dict[str, int]]) -> None:
    service = ArchiveService(archive[0])
    try:
        expected = service.search(build_request("~fraud arrest", expand=True, collapse=True)).to_json()
    finally:
        service.close()
    assert api(client, q="~fraud arrest", expand=1, collapse=1) == expected


def test_cli_collapse_and_expand(archive: tuple[DataDir, dict[str, int]]) -> None:
    data, ids = archive
    cli = CLI(data.root)
    body = cli.json("search", "guardia", "--collapse")
    assert body["clusters"] == 1 and body["hits"][0]["similar"] == 2
    assert cli.json("search", "arrest", "--expand")["total"] == 5
    text = cli("search", "~arrest", "--collapse", check=True).stdout
    assert "~arrest searched as: arrest," in text
    assert "in 3 clusters of near-duplicates" in text
    assert f"2 similar (--cluster {ids['copy1']})" in text
    assert cli.json("search", "--cluster", str(ids["copy1"]))["total"] == 3
    failed = cli("search", "~nosuchconcept")
    assert failed.returncode != 0 and failed.stderr.startswith("error:") and "~nosuchconcept" in failed.stderr
