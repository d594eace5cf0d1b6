"""Facets against every engine: exact counts over every match (not just the page), most
frequent first with ties by value, following the query and the filters; the mentioned
countries and agencies multi-valued, each value counted once per document.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date

import pytest

from pressarchive.index import SearchEngine, SearchRequest
from pressarchive.record import Document
from tests.contract.conftest import EngineMaker
from tests.contract.corpus import DOCS, texts_of

FACETS = {"language", "source", "source_country", "country", "agency", "year", "operation"}


@pytest.fixture(scope="module")
def standard(module_engines: EngineMaker) -> Iterator[SearchEngine]:
    engine = module_engines(text_source=texts_of(DOCS))
    engine.add(DOCS[:3])
    engine.add(DOCS[3:])
    yield engine


def _ordered(counter: Counter[str]) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def test_facets_count_all_matches_not_just_the_page(standard: SearchEngine) -> None:
    result = standard.search(SearchRequest(limit=1))
    assert result.total == 7 and len(result.hits) == 1
    assert set(result.facets) == FACETS
    assert result.facets["language"] == {"es": 2, "de": 1, "en": 1, "fr": 1, "it": 1, "pt": 1}
    assert result.facets["year"] == {"2017": 4, "2018": 1, "2019": 1}
    assert result.facets["operation"] == {"Tantalio": 3, "Black Wolf": 1, "Hydra": 1, "Hydre": 1, "Ícaro": 1}
    for name, field in (("language", "language"), ("source", "source"), ("source_country", "country")):
        expected = Counter(getattr(doc, field) for doc in DOCS if getattr(doc, field))
        assert result.facets[name] == _ordered(expected), name
    assert result.facets["source_country"] == {"ES": 2, "DE": 1, "FR": 1, "IT": 1, "NL": 1, "PT": 1}
    assert result.facets["country"] == {"ES": 3, "DE": 1, "FR": 1, "IT": 1, "PT": 1}
    assert result.facets["agency"] == {
        "europol": 2, "guardia-civil": 1, "guardia-di-finanza": 1, "police-nationale": 1,
        "policia-judiciaria": 1, "policia-nacional": 1,
    }


def test_facets_follow_the_query_and_the_filters(standard: SearchEngine) -> None:
    result = standard.search(SearchRequest(query="tantalio", limit=1, year=2017))
    assert result.total == 2
    assert result.facets["source"] == {"europol": 1, "guardiacivil": 1}
    assert result.facets["operation"] == {"Tantalio": 2}
    assert result.facets["year"] == {"2017": 2}
    narrowed = standard.search(SearchRequest(query="tantalio", source_country="es", limit=1))
    assert narrowed.total == 1 and narrowed.facets["source_country"] == {"ES": 1}


def test_an_empty_result_has_empty_facets(standard: SearchEngine) -> None:
    result = standard.search(SearchRequest(query="nothingmatchesthis"))
    assert result.total == 0 and set(result.facets) == FACETS
    assert all(counts == {} for counts in result.facets.values())


# -- mentioned countries and agencies over many documents ------------------------------------------

COUNTRIES = ("ES", "PT", "IT", "FR", "DE", "NL", "BR", "GB")
AGENCIES = ("europol", "eurojust", "interpol", "guardia-civil", "policia-judiciaria", "bka")
SOURCES = (("es-gc", "Guardia Civil", "ES"), ("pt-pj", "Polícia Judiciária", "PT"), ("eu", "Europol", "NL"))


def _mention_docs(count: int) -> list[Document]:
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


MENTION_DOCS = _mention_docs(240)


@pytest.fixture(scope="module")
def mentions(module_engines: EngineMaker) -> Iterator[SearchEngine]:
    engine = module_engines()
    for start in range(0, len(MENTION_DOCS), 80):  # three writes
        engine.add(MENTION_DOCS[start:start + 80])
    yield engine


def _expected(docs: list[Document]) -> dict[str, dict[str, int]]:
    return {
        "country": _ordered(Counter(code for doc in docs for code in doc.countries)),
        "agency": _ordered(Counter(agency for doc in docs for agency in doc.agencies)),
        "source_country": _ordered(Counter(doc.country for doc in docs if doc.country)),
        "source": _ordered(Counter(doc.source for doc in docs)),
        "year": _ordered(Counter(str(doc.published.year) for doc in docs if doc.published)),
    }


@pytest.mark.parametrize(("query", "filters", "keep"), [
    ("", {}, lambda d: True),
    ("cocaine", {}, lambda d: d.id % 3 != 0),
    ("", {"country": "pt"}, lambda d: "PT" in d.countries),
    ("cocaine", {"agency": "EUROPOL"}, lambda d: d.id % 3 != 0 and "europol" in d.agencies),
    ("", {"source_country": "es", "country": "BR"}, lambda d: d.country == "ES" and "BR" in d.countries),
    ("", {"source_agency": "guardia civil"}, lambda d: d.agency == "Guardia Civil"),
    ("country:it OR agency:bka", {}, lambda d: "IT" in d.countries or "bka" in d.agencies),
    ("botnet", {"year": 2016}, lambda d: d.id % 3 == 0 and d.published.year == 2016),
])
def test_facets_are_exact_over_all_matches(mentions: SearchEngine, query: str, filters: dict[str, object],
                                           keep: Callable[[Document], bool]) -> None:
    matching = [doc for doc in MENTION_DOCS if keep(doc)]
    result = mentions.search(SearchRequest(query=query, limit=1, **filters))  # type: ignore[arg-type]
    assert result.total == len(matching) > 0
    expected = _expected(matching)
    for name, counts in expected.items():
        assert result.facets[name] == counts, name


def test_repeated_and_lowercase_values_count_once(make_engine: EngineMaker) -> None:
    doc = MENTION_DOCS[0].replace(id=1, countries=("pt", "PT", "es"), agencies=("europol", "europol"))
    engine = make_engine([doc])
    facets = engine.search(SearchRequest()).facets
    assert facets["country"] == {"ES": 1, "PT": 1}
    assert facets["agency"] == {"europol": 1}
    assert engine.search(SearchRequest(query="country:pt")).total == 1


def test_a_document_mentioning_nothing_has_no_facet_values(make_engine: EngineMaker) -> None:
    engine = make_engine([MENTION_DOCS[0].replace(id=1, countries=(), agencies=())])
    result = engine.search(SearchRequest())
    assert result.total == 1 and result.facets["country"] == {} and result.facets["agency"] == {}
    assert result.facets["source_country"] == {MENTION_DOCS[0].country: 1}
    assert engine.search(SearchRequest(country=MENTION_DOCS[0].country)).total == 0
