"""Mentioned countries and agencies in the index: multi-valued fields, filters, exact facets.

``country``/``agency`` hold what a document's text mentions (several per document);
``source_country``/``source_agency`` the publishing source's own. Facet counts must be exact
over every match, not only the page, whatever the number of segments.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from pressarchive.index.whooshindex.searchindex import SearchIndex

from pressarchive.index import SearchRequest
from pressarchive.record import Document

COUNTRIES = ("ES", "PT", "IT", "FR", "DE", "NL", "BR", "GB")
AGENCIES = ("europol", "eurojust", "interpol", "guardia-civil", "policia-judiciaria", "bka")
SOURCES = (("es-gc", "Guardia Civil", "ES"), ("pt-pj", "Polícia Judiciária", "PT"), ("eu", "Europol", "NL"))


def _docs(count: int) -> list[Document]:
    rng = random.Random(10)
    docs = []
    for n in range(1, count + 1):
        source, agency, country = rng.choice(SOURCES)
        countries = tuple(rng.sample(COUNTRIES, k=rng.randint(0, 3)))
        agencies = tuple(rng.sample(AGENCIES, k=rng.randint(0, 2)))
        word = "cocaine" if n % 3 else "botnet"
        docs.append(Document(
            id=n, url=f"https://x.example/{n}", title=f"Release {n}", text=f"The {word} case number {n}.",
            language="en", published=date(2015 + n % 8, 1 + n % 12, 1), source=source, agency=agency,
            country=country, countries=countries, agencies=agencies,
        ))
    return docs


DOCS = _docs(240)


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    idx = SearchIndex(tmp_path_factory.mktemp("mentions") / "ix")
    for start in range(0, len(DOCS), 80):  # three segments
        idx.add(DOCS[start:start + 80])
    yield idx
    idx.close()


def _ordered(counter: Counter[str]) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def _expected(docs: list[Document]) -> dict[str, dict[str, int]]:
    return {
        "country": _ordered(Counter(code for doc in docs for code in doc.countries)),
        "agency": _ordered(Counter(agency for doc in docs for agency in doc.agencies)),
        "source_country": _ordered(Counter(doc.country for doc in docs)),
    }


@pytest.mark.parametrize(("query", "filters", "keep"), [
    ("", {}, lambda d: True),
    ("cocaine", {}, lambda d: d.id % 3 != 0),
    ("", {"country": "pt"}, lambda d: "PT" in d.countries),
    ("cocaine", {"agency": "EUROPOL"}, lambda d: d.id % 3 != 0 and "europol" in d.agencies),
    ("", {"source_country": "es", "country": "BR"}, lambda d: d.country == "ES" and "BR" in d.countries),
    ("", {"source_agency": "guardia civil"}, lambda d: d.agency == "Guardia Civil"),
    ("country:it OR agency:bka", {}, lambda d: "IT" in d.countries or "bka" in d.agencies),
])
def test_facets_are_exact_over_all_matches(index: SearchIndex, query: str, filters: dict[str, str],
                                           keep: object) -> None:
    matching = [doc for doc in DOCS if keep(doc)]  # type: ignore[operator]
    result = index.search(SearchRequest(query=query, limit=1, **filters))  # type: ignore[arg-type]
    assert result.total == len(matching) > 0
    expected = _expected(matching)
    for name in ("country", "agency", "source_country"):
        assert result.facets[name] == expected[name], name


def test_repeated_and_lowercase_values_count_once(tmp_path: Path) -> None:
    doc = DOCS[0].replace(id=1, countries=("pt", "PT", "es"), agencies=("europol", "europol"))
    with SearchIndex(tmp_path / "ix") as idx:
        idx.add([doc])
        facets = idx.search(SearchRequest()).facets
        assert facets["country"] == {"ES": 1, "PT": 1}
        assert facets["agency"] == {"europol": 1}
        assert idx.search(SearchRequest(query="country:pt")).total == 1


def test_a_document_mentioning_nothing_has_no_facet_values(tmp_path: Path) -> None:
    with SearchIndex(tmp_path / "ix") as idx:
        idx.add([DOCS[0].replace(id=1, countries=(), agencies=())])
        result = idx.search(SearchRequest())
        assert result.total == 1 and result.facets["country"] == {} and result.facets["agency"] == {}
        assert result.facets["source_country"] == {DOCS[0].country: 1}
        assert idx.search(SearchRequest(country=DOCS[0].country)).total == 0
