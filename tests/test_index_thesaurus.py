"""The cross-language thesaurus: ``~word``, the expand switch, the data file and its override."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from whoosh.lang import stopwords_for_language

from pressarchive.errors import UserError
from pressarchive.index.whooshindex.searchindex import SearchIndex
from pressarchive.index import MAX_EXPANSION, QueryError, SearchRequest
from pressarchive.index.languages import GROUPS
from pressarchive.index.querylang import parse_query
from pressarchive.index.thesaurus import THESAURUS_LANGUAGES, Thesaurus, builtin_thesaurus, load_thesaurus
from pressarchive.record import Document

TEXTS = {
    1: ("en", "Police arrested four men in Leeds."),
    2: ("es", "La Policía Nacional anuncia la detención de seis personas."),
    3: ("de", "Die Festnahme erfolgte am Morgen in Köln."),
    4: ("pt", "A PJ anunciou a prisão de dois suspeitos."),
    5: ("es", "Incautado material de pornografía infantil en un registro."),
    6: ("es", "La pornografía es legal para adultos; la protección infantil es otra cosa."),
    7: ("nl", "Politie vindt kinderporno op laptop."),
    8: ("en", "An arrest was made; the warrant was issued."),
    9: ("fr", "Un homme a été condamné hier."),
}


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    idx = SearchIndex(tmp_path_factory.mktemp("thesaurus") / "ix")
    idx.add(Document(id=n, url=f"https://x.example/{n}", title="", text=text, language=lang,
                     published=date(2020, 1, n), source="s") for n, (lang, text) in TEXTS.items())
    yield idx
    idx.close()


def ids(index: SearchIndex, query: str, **options: object) -> set[int]:
    return {hit.id for hit in index.search(SearchRequest(query=query, limit=100, **options)).hits}  # type: ignore[arg-type]


def test_tilde_word_searches_the_concept_in_every_language(index: SearchIndex) -> None:
    assert ids(index, "arrest") == {1, 8}  # English stemming only
    assert ids(index, "~arrest") == {1, 2, 3, 4, 8}
    assert ids(index, "~Detención") == ids(index, "~festnahme") == {1, 2, 3, 4, 8}  # any term, folded
    result = index.search(SearchRequest(query="~arrest"))
    assert list(result.expansions) == ["~arrest"]
    assert {"arrest", "detención", "arresto", "prisão", "arrestation", "Festnahme", "arrestatie"} <= set(
        result.expansions["~arrest"])


def test_multiword_terms_are_phrases(index: SearchIndex) -> None:
    # "pornografía infantil" as a phrase: document 6 has both words, apart, and is not found.
    assert ids(index, "~csam") == {5, 7}
    assert ids(index, '~"child pornography"') == {5, 7}
    assert "child sexual abuse material" in index.search(SearchRequest(query="~csam")).expansions["~csam"]


def test_expansion_combines_with_the_rest_of_the_query(index: SearchIndex) -> None:
    assert ids(index, "~arrest NOT police") == {2, 3, 4, 8}  # "policía" stems apart from "police"
    assert ids(index, "~arrest language:de") == {3}
    assert ids(index, "title:~arrest") == set()  # no titles here
    assert ids(index, "~arrest", language="es") == {2}


def test_the_switch_expands_every_known_word_and_only_those(index: SearchIndex) -> None:
    plain = index.search(SearchRequest(query="arrest leeds"))
    assert {hit.id for hit in plain.hits} == {1} and plain.expansions == {}
    switched = index.search(SearchRequest(query="arrest OR condamné", expand=True))
    assert set(switched.expansions) == {"arrest", "condamné"}
    assert {hit.id for hit in switched.hits} == {1, 2, 3, 4, 8, 9}
    assert ids(index, "leeds", expand=True) == {1}  # not in the thesaurus: searched as written


def test_unknown_tilde_word_is_a_clear_error_naming_only_it(index: SearchIndex) -> None:
    with pytest.raises(QueryError) as caught:
        index.search(SearchRequest(query="~arrest leeds ~blorf"))
    message = str(caught.value)
    assert '"~blorf"' in message and "thesaurus" in message
    assert "arrest" not in message and "leeds" not in message


def test_tilde_is_only_for_text_fields(index: SearchIndex) -> None:
    with pytest.raises(QueryError, match="source"):
        index.search(SearchRequest(query="source:~arrest"))


def test_phrase_slop_and_a_lone_tilde_keep_their_meaning() -> None:
    assert parse_query('"police arrested"~2').expansions == {}
    assert parse_query("arrest ~").expansions == {}
    assert parse_query("word~").expansions == {}


def test_expansion_counts_against_the_cap(index: SearchIndex, tmp_path: Path) -> None:
    huge = Thesaurus({"huge": tuple(f"term{n}" for n in range(MAX_EXPANSION + 1))})
    with pytest.raises(QueryError, match=f"more than {MAX_EXPANSION}"):
        parse_query("~huge", thesaurus=huge)
    # Several expansions add up.
    half = Thesaurus({"a": tuple(f"a{n}" for n in range(300)), "b": tuple(f"b{n}" for n in range(300))})
    assert len(parse_query("~a", thesaurus=half).expansions["~a"]) == 300
    with pytest.raises(QueryError, match="600 terms"):
        parse_query("~a ~b", thesaurus=half)


def test_data_directory_file_replaces_adds_and_removes_concepts(tmp_path: Path) -> None:
    (tmp_path / "thesaurus.toml").write_text(
        '[arrest]\nen = ["arrest"]\nnl = ["aanhouding"]\n\n'
        '[doxxing]\nen = ["doxxing"]\nde = ["Doxing"]\n\n'
        "[grooming]\n", "utf-8",
    )
    thesaurus = load_thesaurus(tmp_path)
    assert thesaurus.terms_for("arrest") == ["arrest", "aanhouding"]
    assert thesaurus.terms_for("detención") is None  # the replaced concept's old terms are gone
    assert thesaurus.terms_for("doxing") == ["doxxing", "Doxing"]
    assert thesaurus.terms_for("grooming") is None
    assert thesaurus.terms_for("sextortion") == builtin_thesaurus().terms_for("sextortion")
    assert load_thesaurus(tmp_path / "absent") is builtin_thesaurus()


def test_index_uses_the_thesaurus_it_is_given(tmp_path: Path) -> None:
    (tmp_path / "thesaurus.toml").write_text('[town]\nen = ["leeds"]\nde = ["Köln"]\n', "utf-8")
    docs = [Document(id=n, url=f"https://x.example/{n}", title="", text=TEXTS[n][1], language=TEXTS[n][0],
                     source="s") for n in (1, 2, 3)]
    with SearchIndex(tmp_path / "own", thesaurus=load_thesaurus(tmp_path)) as idx:
        idx.add(docs)
        assert {hit.id for hit in idx.search(SearchRequest(query="~town")).hits} == {1, 3}
        assert {hit.id for hit in idx.search(SearchRequest(query="~arrest")).hits} == {1, 2, 3}
    with SearchIndex(tmp_path / "builtin") as idx, pytest.raises(QueryError, match="~town"):
        idx.search(SearchRequest(query="~town"))


@pytest.mark.parametrize("text", [
    "[arrest]\nxx = [\"a\"]\n", "[arrest]\nen = \"arrest\"\n", "arrest = 1\n", "[arrest\n",
    "[arrest]\nen = [\"\"]\n",
])
def test_a_bad_override_file_is_a_user_error(tmp_path: Path, text: str) -> None:
    (tmp_path / "thesaurus.toml").write_text(text, "utf-8")
    with pytest.raises(UserError, match="thesaurus.toml"):
        load_thesaurus(tmp_path)


def test_the_builtin_data_covers_the_languages_without_stop_words() -> None:
    concepts = builtin_thesaurus().concepts
    assert len(concepts) >= 30
    stops = {word for group in GROUPS if group in THESAURUS_LANGUAGES
             for word in stopwords_for_language(group)}
    for concept, terms in concepts.items():
        single = [term for term in terms if " " not in term]
        assert not {term.lower() for term in single} & stops, concept
    text = (Path(__file__).parents[1] / "pressarchive/index/data/thesaurus.toml").read_text("utf-8")
    for concept in concepts:
        table = text.split(f"[{concept}]\n", 1)[1].split("\n\n", 1)[0]
        assert {line.split(" = ")[0] for line in table.splitlines()} == set(THESAURUS_LANGUAGES), concept
