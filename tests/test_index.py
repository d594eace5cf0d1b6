"""Tests for pressarchive.index: multilingual matching, query syntax, filters, facets, writes."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from pathlib import Path

import pytest

from pressarchive.index.whooshindex.searchindex import SearchIndex

from pressarchive.index import Hit, QueryError, SearchRequest, SearchResult
from pressarchive.record import Document

DOCS = [
    Document(
        id=1,
        url="https://guardiacivil.example/tantalio",
        title="Operación Tantalio: golpe al blanqueo de capitales",
        text=(
            "La Guardia Civil, con el apoyo de Europol, ha arrestado a 12 personas en la "
            "Operación Tantalio. Los detenidos blanqueaban dinero del narcotráfico. "
            "<script>alert('x')</script>"
        ),
        language="es",
        published=date(2017, 3, 15),
        operations=("Tantalio",),
        source="guardiacivil",
        agency="Guardia Civil",
        country="ES",
        countries=("ES",),  # mentioned in the text
        agencies=("guardia-civil", "europol"),
    ),
    Document(
        id=2,
        url="https://europol.example/tantalio",
        title="Europol supports Operation Tantalio",
        text="Spanish authorities arrested 12 suspects in Operation Tantalio, with Europol.",
        language="en",
        published=date(2017, 3, 16),
        operations=("Tantalio",),
        source="europol",
        agency="Europol",
        country="NL",
        countries=("ES",),  # mentioned in the text
        agencies=("europol",),
    ),
    Document(
        id=3,
        url="https://gdf.example/tantalio",
        title="Operazione Tantalio: cinque arresti",
        text="La Guardia di Finanza ha arrestato cinque persone nell'operazione Tantalio.",
        language="it",
        published=date(2018, 1, 10),
        operations=("Tantalio",),
        source="gdf",
        country="IT",
        countries=("IT",),  # mentioned in the text
        agencies=("guardia-di-finanza",),
    ),
    Document(
        id=4,
        url="https://pj.example/icaro",
        title="Operação Ícaro: PJ deteve oito suspeitos",
        text="A Polícia Judiciária deteve oito suspeitos de tráfico na Operação Ícaro.",
        language="pt",
        published=date(2019, 6, 1),
        operations=("Ícaro",),
        source="pj",
        country="PT",
        countries=("PT",),  # mentioned in the text
        agencies=("policia-judiciaria",),
    ),
    Document(
        id=5,
        url="https://police.example/hydre",
        title="Opération Hydre : vingt interpellations",
        text="La police nationale a interpellé vingt personnes lors de l'opération Hydre.",
        language="fr",
        published=date(2017, 11, 20),
        operations=("Hydre",),
        source="police-nationale",
        country="FR",
        countries=("FR",),  # mentioned in the text
        agencies=("police-nationale",),
    ),
    Document(
        id=6,
        url="https://polizei.example/hydra",
        title="Operation Hydra: Festnahmen in Berlin",
        text="Die Polizei hat bei der Operation Hydra 15 Verdächtige festgenommen.",
        language="de",
        published=None,
        operations=("Hydra",),
        source="polizei-berlin",
        country="DE",
        countries=("DE",),  # mentioned in the text
        agencies=(),
    ),
    Document(
        id=7,
        url="https://policia.example/black-wolf",
        title="Operación Black Wolf: detenidos por tráfico de cocaína",
        text="La Policía Nacional ha desarticulado una red que introducía cocaína en Europa.",
        language="es",
        published=date(2017, 3, 15),
        operations=("Black Wolf",),
        source="policia",
        country="ES",
        countries=("ES",),  # mentioned in the text
        agencies=("policia-nacional",),
    ),
]


def texts_of(docs: list[Document]) -> Callable[[Sequence[int]], dict[int, str]]:
    """A text source like the store's: the body text of the given ids."""
    by_id = {doc.id: doc.text for doc in docs}
    return lambda ids: {i: by_id[i] for i in ids if i in by_id}


@pytest.fixture
def index(tmp_path: Path) -> Iterator[SearchIndex]:
    # Bodies are not stored in the index any more: snippets come from the text source.
    idx = SearchIndex(tmp_path / "index", text_source=texts_of(DOCS))
    idx.add(DOCS)
    yield idx
    idx.close()


def ids(index: SearchIndex, query: str = "", **options: object) -> set[int]:
    result = index.search(SearchRequest(query=query, limit=100, **options))
    return {hit.id for hit in result.hits}


# Language-aware matching


def test_stemming_finds_plural_from_singular(index: SearchIndex) -> None:
    assert ids(index, "detenido") == {1, 7}


def test_accents_folded_before_stemming(index: SearchIndex) -> None:
    assert ids(index, "operacion") == {1, 7}
    assert ids(index, "operacao") == {4}
    assert ids(index, "icaro") == {4}


@pytest.mark.parametrize(
    ("query", "expected"),
    [("festnahme", {6}), ("interpellation", {5}), ("arrestati", {3}), ("suspect", {2})],
)
def test_each_language_is_stemmed(index: SearchIndex, query: str, expected: set[int]) -> None:
    assert ids(index, query) == expected


def test_term_matches_across_languages_without_filter(index: SearchIndex) -> None:
    assert ids(index, "tantalio") == {1, 2, 3}


def test_stop_words_do_not_veto_an_and_query(index: SearchIndex) -> None:
    assert ids(index, "la operación tantalio") == {1}
    assert ids(index, "the operation tantalio") == {2}


def test_language_filter(index: SearchIndex) -> None:
    assert ids(index, "tantalio", language="it") == {3}
    result = index.search(SearchRequest(query="tantalio", language="it"))
    assert result.total == 1
    assert result.facets["language"] == {"it": 1}


def test_unknown_language_is_folded_but_not_stemmed(tmp_path: Path) -> None:
    with SearchIndex(tmp_path / "ix") as idx:
        idx.add([Document(id=9, url="u", title="Polisen", text="Operación Åland", language="sv")])
        assert ids(idx, "operacion aland") == {9}
        assert ids(idx, "polis") == set()


def test_decomposed_accents_are_folded(tmp_path: Path) -> None:
    with SearchIndex(tmp_path / "ix") as idx:
        text = "Operacio\u0301n Ca\u0301diz"  # NFD: accents as separate combining marks
        idx.add([Document(id=1, url="u", title="t", text=text, language="es")])
        assert ids(idx, "operación cadiz") == {1}


def test_prefix_wildcard(index: SearchIndex) -> None:
    assert {1, 7} <= ids(index, "deten*")
    assert ids(index, "tantal*") == {1, 2, 3}


# Query syntax


def test_operation_field_and_filter(index: SearchIndex) -> None:
    assert ids(index, "operation:tantalio") == {1, 2, 3}
    assert ids(index, 'operation:"black wolf"') == {7}
    assert ids(index, "operation:ICARO") == {4}
    assert ids(index, operation="TANTÁLIO") == {1, 2, 3}
    assert ids(index, operation="Black Wolf") == {7}
    assert ids(index, operation="Nonexistent") == set()


def test_keyword_fields(index: SearchIndex) -> None:
    assert ids(index, "source:europol") == {2}
    assert ids(index, "source_country:es") == {1, 7}
    assert ids(index, 'source_agency:"guardia civil"') == {1}
    # country and agency are those the text mentions: Europol's release mentions Spain.
    assert ids(index, "country:es") == {1, 2, 7}
    assert ids(index, "agency:europol") == {1, 2}
    assert ids(index, "language:fr") == {5}
    assert ids(index, source="gdf") == {3}


def test_phrases(index: SearchIndex) -> None:
    assert ids(index, '"Operación Tantalio"') == {1}
    assert ids(index, '"Tantalio Operación"') == set()


def test_or_and_not(index: SearchIndex) -> None:
    assert ids(index, "tantalio OR hydre") == {1, 2, 3, 5}
    assert ids(index, "tantalio NOT europol") == {3}
    assert ids(index, "tantalio europol") == {1, 2}


def test_title_and_body_fields(index: SearchIndex) -> None:
    assert ids(index, "title:blanqueo") == {1}
    assert ids(index, "body:blanqueo") == set()
    assert ids(index, "body:finanza") == {3}
    assert ids(index, "title:finanza") == set()
    assert ids(index, "title:(tantalio OR berlin)") == {1, 2, 3, 6}


def test_date_range_query(index: SearchIndex) -> None:
    assert ids(index, "published:[2017-01-01 TO 2017-12-31]") == {1, 2, 5, 7}
    assert ids(index, "tantalio published:[2018-01-01 TO 2019-12-31]") == {3}
    assert ids(index, "year:2017") == {1, 2, 5, 7}


def test_date_filters(index: SearchIndex) -> None:
    assert ids(index, since=date(2018, 1, 1)) == {3, 4}
    assert ids(index, until=date(2017, 3, 15)) == {1, 7}
    assert ids(index, since=date(2017, 3, 16), until=date(2017, 12, 31)) == {2, 5}
    assert ids(index, year=2017) == {1, 2, 5, 7}
    assert ids(index, "tantalio", year=2017, language="es") == {1}


# Ordering, paging, facets


def test_sort_by_date_newest_first_undated_last_ties_by_id(index: SearchIndex) -> None:
    result = index.search(SearchRequest(sort="date", limit=100))
    assert [hit.id for hit in result.hits] == [4, 3, 5, 2, 1, 7, 6]


def test_relevance_sort_ranks_title_matches_first(index: SearchIndex) -> None:
    result = index.search(SearchRequest(query="blanqueo OR cocaína"))
    assert {hit.id for hit in result.hits} == {1, 7}
    assert all(hit.score > 0 for hit in result.hits)


def test_pagination(index: SearchIndex) -> None:
    pages = [index.search(SearchRequest(sort="date", limit=3, page=n)) for n in (1, 2, 3, 4)]
    assert [[hit.id for hit in page.hits] for page in pages] == [[4, 3, 5], [2, 1, 7], [6], []]
    assert all(page.total == 7 for page in pages)


def test_limit_and_page_are_clamped(index: SearchIndex) -> None:
    assert len(index.search(SearchRequest(limit=0)).hits) == 1
    assert index.search(SearchRequest(limit=1000)).limit == 100
    assert index.search(SearchRequest(page=0)).page == 1


def test_facets_count_all_matches_not_just_the_page(index: SearchIndex) -> None:
    result = index.search(SearchRequest(limit=1))
    assert result.total == 7 and len(result.hits) == 1
    assert result.facets["language"] == {"es": 2, "de": 1, "en": 1, "fr": 1, "it": 1, "pt": 1}
    assert result.facets["year"] == {"2017": 4, "2018": 1, "2019": 1}
    assert result.facets["operation"] == {
        "Tantalio": 3,
        "Black Wolf": 1,
        "Hydra": 1,
        "Hydre": 1,
        "Ícaro": 1,
    }
    assert sum(result.facets["source"].values()) == 7


def test_facets_follow_query_and_filters(index: SearchIndex) -> None:
    result = index.search(SearchRequest(query="tantalio", limit=1, year=2017))
    assert result.total == 2
    assert result.facets["source"] == {"europol": 1, "guardiacivil": 1}
    assert result.facets["operation"] == {"Tantalio": 2}
    assert result.facets["year"] == {"2017": 2}


# Hits and snippets


def test_hit_fields(index: SearchIndex) -> None:
    (hit,) = index.search(SearchRequest(query="icaro")).hits
    assert isinstance(hit, Hit)
    assert (hit.id, hit.url, hit.language, hit.source) == (4, DOCS[3].url, "pt", "pj")
    assert hit.title == DOCS[3].title
    assert hit.published == date(2019, 6, 1)
    assert hit.operations == ["Ícaro"]


def test_snippet_highlights_stemmed_matches(index: SearchIndex) -> None:
    request = SearchRequest(query="detenido", language="es", source="guardiacivil")
    (hit,) = index.search(request).hits
    assert ("detenidos", True) in hit.snippet
    assert "blanqueaban" in hit.snippet_text


def test_snippet_is_plain_text(index: SearchIndex) -> None:
    (hit,) = index.search(SearchRequest(query="alert")).hits
    assert ("alert", True) in hit.snippet
    assert "<script>" in hit.snippet_text
    assert all(isinstance(text, str) and isinstance(flag, bool) for text, flag in hit.snippet)
    assert "<b>" not in hit.snippet_text and "&lt;" not in hit.snippet_text


def test_browse_snippet_is_lead_without_highlights(index: SearchIndex) -> None:
    result = index.search(SearchRequest(limit=100))
    for hit in result.hits:
        assert not any(flag for _, flag in hit.snippet)
        assert 0 < len(hit.snippet_text) <= 205


def test_long_body_snippet_is_bounded(tmp_path: Path) -> None:
    filler = "Texto de relleno sin interés para nadie. " * 200
    body = filler + "Los detenidos pasaron a disposición judicial. " + filler
    with SearchIndex(tmp_path / "ix") as idx:
        doc = Document(id=1, url="u", title="t", text=body, language="es")
        idx.text_source = texts_of([doc])
        idx.add([doc])
        (hit,) = idx.search(SearchRequest(query="detenidos")).hits
    assert ("detenidos", True) in hit.snippet
    assert len(hit.snippet_text) < 600
    assert hit.snippet_text.startswith("…")


def test_to_json_shape(index: SearchIndex) -> None:
    result = index.search(SearchRequest(query="berlin", limit=5))
    assert isinstance(result, SearchResult)
    data = result.to_json()
    # "histogram" and the agency/country facets were added with the timeline.
    # "expansions" (thesaurus) and the hits' "cluster"/"similar" came with issue 10; "clusters"
    # only in a collapsed search.
    # Issue 11 added what the search page shows: paging, sort, the timeline's interval and
    # periods, each hit's score and highlight spans.
    assert set(data) == {
        "query", "total", "page", "limit", "last_page", "sort", "hits", "facets", "interval", "histogram",
        "timeline", "expansions",
    }
    (hit,) = data["hits"]
    assert set(hit) == {
        "id", "url", "title", "published", "source", "language", "operations", "score", "snippet",
        "highlights", "cluster", "similar",
    }
    assert hit["published"] is None and isinstance(hit["snippet"], str)
    (dated,) = index.search(SearchRequest(query="icaro")).to_json()["hits"]
    assert dated["published"] == "2019-06-01"
    assert set(data["facets"]) == {
        "language", "source", "source_country", "country", "agency", "year", "operation",
    }


# Writing


def test_add_replaces_by_id(index: SearchIndex) -> None:
    changed = DOCS[0].replace(title="Operación Tantalio revisada", text="Texto sobre zafiros.")
    assert index.add([changed]) == 1
    assert index.count() == 7
    assert ids(index, "zafiros") == {1}
    assert ids(index, "blanqueo") == set()


def test_add_same_id_twice_in_one_call_keeps_last(index: SearchIndex) -> None:
    first = DOCS[0].replace(text="primera versión rubíes")
    second = DOCS[0].replace(text="segunda versión esmeraldas")
    assert index.add([first, second]) == 1
    assert index.count() == 7
    assert ids(index, "esmeraldas") == {1} and ids(index, "rubies") == set()


def test_add_requires_id(index: SearchIndex) -> None:
    with pytest.raises(ValueError):
        index.add([DOCS[0].replace(id=None)])
    assert index.count() == 7


def test_delete(index: SearchIndex) -> None:
    assert index.delete([1, 999]) == 1
    assert index.delete([1]) == 0
    assert index.count() == 6
    assert index.indexed_ids() == {2, 3, 4, 5, 6, 7}
    assert ids(index, "tantalio") == {2, 3}


def test_rebuild_replaces_everything(index: SearchIndex) -> None:
    assert index.rebuild(DOCS[1:3]) == 2
    assert index.count() == 2
    assert index.indexed_ids() == {2, 3}
    assert ids(index, "tantalio") == {2, 3}
    assert index.search(SearchRequest()).facets["operation"] == {"Tantalio": 2}


def test_reopen_keeps_documents(tmp_path: Path) -> None:
    with SearchIndex(tmp_path / "ix") as idx:
        idx.add(DOCS)
    with SearchIndex(tmp_path / "ix") as idx:
        assert idx.count() == 7
        assert ids(idx, "tantalio") == {1, 2, 3}


def test_index_from_other_schema_version_is_recreated(tmp_path: Path) -> None:
    with SearchIndex(tmp_path / "ix") as idx:
        idx.add(DOCS)
    (tmp_path / "ix" / "pressarchive-schema-version").write_text("0\n")
    with SearchIndex(tmp_path / "ix") as idx:
        assert idx.count() == 0


def test_segments_are_not_compound(index: SearchIndex) -> None:
    files = [path.name for path in index.path.iterdir()]
    assert not any(name.endswith(".seg") for name in files)
    assert any(name.endswith(".trm") for name in files)


def test_searches_see_writes_from_another_instance(index: SearchIndex) -> None:
    assert index.count() == 7
    with SearchIndex(index.path) as other:
        other.delete([2])
    assert index.count() == 6
    assert ids(index, "tantalio") == {1, 3}


def test_concurrent_searches_and_writes(index: SearchIndex) -> None:
    errors: list[BaseException] = []

    def search_many() -> None:
        try:
            for _ in range(20):
                index.search(SearchRequest(query="tantalio OR hydra", limit=2))
        except BaseException as exc:  # pragma: no cover - only on failure
            errors.append(exc)

    threads = [threading.Thread(target=search_many) for _ in range(4)]
    for thread in threads:
        thread.start()
    for n in range(5):
        index.add([DOCS[n % len(DOCS)]])
    for thread in threads:
        thread.join()
    assert errors == []
    assert index.count() == 7


# Errors


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("title:(", "unbalanced parenthesis at position 6"),
        ("tantalio)", "position 8"),
        ('"unclosed', "unclosed quote at position 0"),
        ("published:[2017 TO", "unclosed range at position 10"),
        ("foo:bar", 'unknown field "foo"'),
        ("published:[foo TO bar]", "foo"),
        ('published:""', "published"),
        ("year:abc", "abc"),
    ],
)
def test_bad_syntax_raises_query_error(index: SearchIndex, query: str, message: str) -> None:
    with pytest.raises(QueryError, match=re.escape(message)):
        index.search(SearchRequest(query=query))


@pytest.mark.parametrize(
    "query",
    [
        "*", "*:*", "AND", "OR OR", "NOT", "a^", "^", "~", "!!!", "–", "title:", "12:30",
        "[a TO b]", "{}", "()", "''", "'", '""', "tantalio^2", "l'opération", "\x00",
        "published:2017", "year:[2016 TO 2018]", "id:1", "url:\"https://europol.example\"",
        "deten* OR (hydra AND NOT x)", "operation:", "title:[a TO z]",
    ],
)
def test_odd_queries_only_ever_raise_query_error(index: SearchIndex, query: str) -> None:
    for sort in ("relevance", "date"):
        try:
            result = index.search(SearchRequest(query=query, sort=sort, language="es"))
            result = index.search(SearchRequest(query=query, sort=sort))
        except QueryError:
            continue
        assert isinstance(result, SearchResult)


def test_blank_query_matches_everything(index: SearchIndex) -> None:
    assert index.search(SearchRequest(query="   ")).total == 7


def test_matching_ids_are_every_match_in_the_search_order(index: SearchIndex) -> None:
    # What exports walk: every match, in the order the pages list them, paging ignored.
    assert index.matching_ids(SearchRequest(sort="date", limit=2, page=3)) == [4, 3, 5, 2, 1, 7, 6]
    by_score = index.search(SearchRequest(query="tantalio OR cocaína", limit=100))
    assert index.matching_ids(SearchRequest(query="tantalio OR cocaína", limit=1)) == [
        hit.id for hit in by_score.hits
    ]
    assert index.matching_ids(SearchRequest(query="tantalio", language="it")) == [3]
    assert index.matching_ids(SearchRequest(query="nothingmatchesthis")) == []
    with pytest.raises(QueryError):
        index.matching_ids(SearchRequest(query="(unclosed"))
