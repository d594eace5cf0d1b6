"""The cross-language thesaurus against every engine: ``~word`` and ``~"a phrase"``, the
expand switch, combining with the rest of the query, the clear errors, the expansion cap, and
the thesaurus the engine was opened with."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from pressarchive.index import MAX_EXPANSION, QueryError, SearchEngine, SearchRequest
from pressarchive.index.thesaurus import Thesaurus, load_thesaurus
from pressarchive.record import Document
from tests.contract.conftest import EngineMaker
from tests.contract.corpus import ids

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


def _docs(numbers: tuple[int, ...] = tuple(TEXTS)) -> list[Document]:
    return [Document(id=n, url=f"https://x.example/{n}", title="", text=TEXTS[n][1], language=TEXTS[n][0],
                     published=date(2020, 1, n), source="s") for n in numbers]


@pytest.fixture(scope="module")
def engine(module_engines: EngineMaker) -> Iterator[SearchEngine]:
    yield module_engines(_docs())


def test_tilde_word_searches_the_concept_in_every_language(engine: SearchEngine) -> None:
    assert ids(engine, "arrest") == {1, 8}  # English stemming only
    assert ids(engine, "~arrest") == {1, 2, 3, 4, 8}
    assert ids(engine, "~Detención") == ids(engine, "~festnahme") == {1, 2, 3, 4, 8}  # any term, folded
    result = engine.search(SearchRequest(query="~arrest"))
    assert list(result.expansions) == ["~arrest"]
    assert {"arrest", "detención", "arresto", "prisão", "arrestation", "Festnahme", "arrestatie"} <= set(
        result.expansions["~arrest"])
    assert result.to_json()["expansions"] == {"~arrest": result.expansions["~arrest"]}


def test_multiword_terms_are_phrases(engine: SearchEngine) -> None:
    # "pornografía infantil" as a phrase: document 6 has both words, apart, and is not found.
    assert ids(engine, "~csam") == {5, 7}
    assert ids(engine, '~"child pornography"') == {5, 7}
    assert "child sexual abuse material" in engine.search(SearchRequest(query="~csam")).expansions["~csam"]


def test_expansion_combines_with_the_rest_of_the_query(engine: SearchEngine) -> None:
    assert ids(engine, "~arrest NOT police") == {2, 3, 4, 8}  # "policía" stems apart from "police"
    assert ids(engine, "~arrest language:de") == {3}
    assert ids(engine, "title:~arrest") == set()  # no titles here
    assert ids(engine, "~arrest", language="es") == {2}


def test_the_switch_expands_every_known_word_and_only_those(engine: SearchEngine) -> None:
    plain = engine.search(SearchRequest(query="arrest leeds"))
    assert {hit.id for hit in plain.hits} == {1} and plain.expansions == {}
    switched = engine.search(SearchRequest(query="arrest OR condamné", expand=True))
    assert set(switched.expansions) == {"arrest", "condamné"}
    assert {hit.id for hit in switched.hits} == {1, 2, 3, 4, 8, 9}
    assert ids(engine, "leeds", expand=True) == {1}  # not in the thesaurus: searched as written
    assert engine.matching_ids(SearchRequest(query="arrest", expand=True)) != []


def test_unknown_tilde_word_is_a_clear_error_naming_only_it(engine: SearchEngine) -> None:
    with pytest.raises(QueryError) as caught:
        engine.search(SearchRequest(query="~arrest leeds ~blorf"))
    message = str(caught.value)
    assert '"~blorf"' in message and "thesaurus" in message
    assert "arrest" not in message and "leeds" not in message


def test_tilde_is_only_for_text_fields(engine: SearchEngine) -> None:
    with pytest.raises(QueryError, match="source"):
        engine.search(SearchRequest(query="source:~arrest"))


def test_phrase_slop_and_a_lone_tilde_are_no_expansion(engine: SearchEngine) -> None:
    assert engine.search(SearchRequest(query='"police arrested"~2')).expansions == {}
    assert ids(engine, '"police arrested"~2') == {1}
    assert engine.search(SearchRequest(query="arrest ~")).expansions == {}
    assert engine.search(SearchRequest(query="arrest~")).expansions == {}


def test_expansion_counts_against_the_cap(make_engine: EngineMaker) -> None:
    huge = Thesaurus({"huge": tuple(f"term{n}" for n in range(MAX_EXPANSION + 1))})
    engine = make_engine(_docs((1,)), thesaurus=huge)
    with pytest.raises(QueryError, match=f"more than {MAX_EXPANSION}"):
        engine.search(SearchRequest(query="~huge"))
    # Several expansions add up.
    half = Thesaurus({"a": tuple(f"a{n}" for n in range(300)), "b": tuple(f"b{n}" for n in range(300))})
    engine = make_engine(_docs((1,)), thesaurus=half)
    assert len(engine.search(SearchRequest(query="~a")).expansions["~a"]) == 300
    with pytest.raises(QueryError, match="600 terms"):
        engine.search(SearchRequest(query="~a ~b"))


def test_the_engine_uses_the_thesaurus_it_is_given(make_engine: EngineMaker, tmp_path: Path) -> None:
    (tmp_path / "thesaurus.toml").write_text('[town]\nen = ["leeds"]\nde = ["Köln"]\n', "utf-8")
    own = make_engine(_docs((1, 2, 3)), thesaurus=load_thesaurus(tmp_path))
    assert ids(own, "~town") == {1, 3}
    assert ids(own, "~arrest") == {1, 2, 3}
    builtin = make_engine(_docs((1, 2, 3)))
    with pytest.raises(QueryError, match="~town"):
        builtin.search(SearchRequest(query="~town"))
