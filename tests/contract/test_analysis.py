"""Seven-language analysis against every engine: each document stemmed in its own language,
every word accent- and case-folded (composed or decomposed accents alike), a language the
index does not stem folded only, and stop words never vetoing an AND query."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pressarchive.index import SearchEngine, SearchRequest
from pressarchive.record import Document
from tests.contract.conftest import EngineMaker
from tests.contract.corpus import DOCS, ids, texts_of

#: One release per stemmed language, one in a language the index does not stem (Swedish), and
#: one whose accents are decomposed (NFD: a letter followed by a combining mark).
LANGUAGE_DOCS = {
    101: ("en", "Raids in Leeds", "Officers arrested three suspects during the raids on the docks."),
    102: ("es", "Detenciones en Cádiz", "Los agentes detuvieron a tres sospechosos en la operación portuaria."),
    103: ("it", "Perquisizioni a Genova", "I carabinieri hanno arrestato cinque trafficanti durante le perquisizioni."),
    104: ("pt", "Buscas no Porto", "A Polícia Judiciária deteve quatro suspeitos em operações de busca."),
    105: ("fr", "Interpellations à Marseille", "Les gendarmes ont interpellé six trafiquants après une enquête."),
    106: ("de", "Festnahmen in Köln",
          "Die Polizei hat mehrere Verdächtige festgenommen; die Durchsuchungen in der Hafenstraße dauerten."),
    107: ("nl", "Aanhoudingen in Rotterdam", "De politie heeft verdachten aangehouden bij huiszoekingen in de haven."),
    108: ("sv", "Polisen på Åland", "Polisen grep misstänkta smugglare i hamnen."),
    109: ("es", "Redada en Ma\u0301laga", "La Guardia Civil incauto\u0301 hachi\u0301s en el puerto."),
}


@pytest.fixture(scope="module")
def standard(module_engines: EngineMaker) -> Iterator[SearchEngine]:
    yield module_engines(DOCS, text_source=texts_of(DOCS))


@pytest.fixture(scope="module")
def languages(module_engines: EngineMaker) -> Iterator[SearchEngine]:
    yield module_engines(
        Document(id=n, url=f"https://press.example/{n}", title=title, text=text, language=language, source="s")
        for n, (language, title, text) in LANGUAGE_DOCS.items()
    )


@pytest.mark.parametrize(("query", "expected"), [
    # en: stems
    ("arrest", {101, 103}),  # "arrested"; the Italian "arrestato" stems to the same word
    ("raid", {101}), ("officer", {101}), ("suspect", {101}), ("arrested suspects", {101}),
    # es: plural from singular, accents folded before stemming
    ("detencion", {102}), ("detención", {102}), ("sospechoso", {102}), ("operacion", {102}), ("cadiz", {102}),
    # it
    ("arrestati", {103}), ("perquisizione", {103}), ("trafficante", {103}), ("genova", {103}),
    # pt
    ("suspeito", {104}), ("policia", {104}), ("judiciaria", {104}), ("Judiciária", {104}),
    ("operacoes", {104}), ("operações", {104}),
    # fr
    ("interpellation", {105}), ("trafiquant", {105}), ("enquete", {105}), ("marseille", {105}),
    # de: umlauts and ß folded
    ("festnahme", {106}), ("verdachtig", {106}), ("durchsuchung", {106}), ("KÖLN", {106}),
    ("koln", {106}), ("hafenstrasse", {106}), ("hafenstraße", {106}),
    # nl ("verdachte" is also the German stem of "Verdächtige")
    ("aanhouding", {107}), ("huiszoeking", {107}), ("politie", {107}), ("verdachte", {106, 107}),
])
def test_each_language_is_stemmed_and_folded(languages: SearchEngine, query: str, expected: set[int]) -> None:
    assert ids(languages, query) == expected


def test_a_language_without_a_stemmer_is_folded_but_not_stemmed(languages: SearchEngine) -> None:
    assert ids(languages, "misstankta") == ids(languages, "aland") == {108}
    assert ids(languages, "misstankt") == set()
    assert ids(languages, "polis") == set()  # "Polisen" is not stemmed


def test_decomposed_accents_are_folded(languages: SearchEngine) -> None:
    assert ids(languages, "malaga") == ids(languages, "Málaga") == {109}
    assert ids(languages, "hachís incautó") == {109}


@pytest.mark.parametrize(("query", "expected"), [
    ("the raids", {101}), ("la operación", {102}), ("i carabinieri", {103}), ("a policia", {104}),
    ("les gendarmes", {105}), ("die polizei", {106}), ("de politie", {107}),
])
def test_stop_words_do_not_veto_an_and_query(languages: SearchEngine, query: str, expected: set[int]) -> None:
    assert ids(languages, query) == expected


def test_stemming_finds_plural_from_singular(standard: SearchEngine) -> None:
    assert ids(standard, "detenido") == {1, 7}


def test_accents_folded_before_stemming(standard: SearchEngine) -> None:
    assert ids(standard, "operacion") == {1, 7}
    assert ids(standard, "operacao") == {4}
    assert ids(standard, "icaro") == {4}


@pytest.mark.parametrize(
    ("query", "expected"),
    [("festnahme", {6}), ("interpellation", {5}), ("arrestati", {3}), ("suspect", {2})],
)
def test_each_release_is_stemmed_in_its_language(standard: SearchEngine, query: str, expected: set[int]) -> None:
    assert ids(standard, query) == expected


def test_stop_words_in_the_standard_corpus(standard: SearchEngine) -> None:
    assert ids(standard, "la operación tantalio") == {1}
    assert ids(standard, "the operation tantalio") == {2}


def test_language_filter(standard: SearchEngine) -> None:
    assert ids(standard, "tantalio", language="it") == {3}
    result = standard.search(SearchRequest(query="tantalio", language="it"))
    assert result.total == 1
    assert result.facets["language"] == {"it": 1}
