"""Snippets (:mod:`pressarchive.index.snippets`), the one definition every engine cuts them with.

Random texts and query words in every language: each marked segment is a word whose term the
query looks for, every passage is the text's own (whitespace collapsed), and word spans give
the words' offsets and the terms indexing gives. Then a few texts with their snippets written
out. (That the passages are the ones whoosh's own highlighter picks is
``test_index_snippets.py``'s.)
"""

from __future__ import annotations

import random
import re

import pytest

from pressarchive.index import snippets
from pressarchive.index.languages import GROUPS, WORD_RE, stoplist
from pressarchive.index.wordterms import spans, terms

WORDS = (
    "La operación Tantalio detuvo a doce personas. Die Polizei hat Straße-Verdächtige festgenommen; "
    "the police arrested suspects in a joint operation with Europol (12.5 kg seized), "
    "l'opération de gendarmerie a démantelé un réseau. Operazione antidroga: arresti e sequestri. "
    "A polícia judiciária apreendeu 3.000 euros; de politie heeft verdachten aangehouden."
).split()
SPANISH = (
    "La Guardia Civil ha detenido a doce personas en la operación Tantalio. Los detenidos, "
    "vinculados a una red de narcotráfico, fueron puestos a disposición judicial."
)


def random_case(seed: int) -> tuple[str, frozenset[str], str]:
    rng = random.Random(seed)
    group = GROUPS[seed % len(GROUPS)]
    text = "\n".join(" ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 60))) for _ in range(rng.randint(1, 12)))
    query = frozenset(term for word in rng.sample(WORDS, 3) for term in terms(word, group))
    return text, query, group


@pytest.mark.parametrize("seed", range(40))
def test_snippets_mark_query_words_in_passages_of_the_text(seed: int) -> None:
    text, query, group = random_case(seed)
    segments = snippets.snippet(text, query, group)
    marked = [part for part, matched in segments if matched]
    for part in marked:  # one word, looked for
        found = spans(part, group, len(part)).terms
        assert len(found) == 1 and found[0] in query, part
    flat = " ".join(text.split())
    passages = "".join(part for part, _ in segments).split(snippets.ELLIPSIS)
    assert 1 <= len([p for p in passages if p.strip()]) <= 2
    for passage in passages:
        assert passage.strip() in flat
    if query & set(spans(text, group, len(text)).terms):
        assert marked
    else:
        assert segments == snippets.lead(text)


@pytest.mark.parametrize("seed", range(40))
def test_spans_are_the_words_and_their_index_terms(seed: int) -> None:
    text, _, group = random_case(seed)
    starts, ends, found = spans(text, group, len(text))
    assert [text[start:end] for start, end in zip(starts, ends, strict=True)] == WORD_RE.findall(text)
    # Stop words keep their folded form in spans; indexing leaves them out.
    stops = stoplist(group)
    assert [term for term in found if term not in stops] == terms(text, group)


def test_stemmed_words_are_marked_where_the_query_word_is() -> None:
    assert snippets.snippet(SPANISH, terms("detenido", "es"), "es") == [
        ("La Guardia Civil ha ", False), ("detenido", True), (" a doce personas en la operación Tantalio. Los ", False),
        ("detenidos", True), (", vinculados a una red de narcotráfico, fueron puestos a disposición …", False),
    ]
    assert snippets.snippet(SPANISH, terms("operacion", "es"), "es") == [
        ("La Guardia Civil ha detenido a doce personas en la ", False), ("operación", True),
        (" Tantalio. Los detenidos, vinculados a una red de narcotráfico …", False),
    ]


def test_distant_matches_are_two_passages_with_ellipses() -> None:
    text = ("Palabras sin interés. " * 20 + "La policía detuvo al sospechoso. " + "Más relleno aquí. " * 20
            + "Otro sospechoso huyó." + " Fin del texto." * 20)
    segments = snippets.snippet(text, terms("sospechoso", "es"), "es")
    assert [part for part, matched in segments if matched] == ["sospechoso", "sospechoso"]
    assert segments[0] == ("… sin interés. Palabras sin interés. La policía detuvo al ", False)
    assert re.fullmatch(r"\. Más relleno aquí\. .* … .* Otro ", segments[2][0])
    assert segments[-1] == (" huyó. Fin del texto. Fin del texto. Fin del texto. Fin del texto. Fin …", False)


def test_without_matches_the_snippet_is_the_lead() -> None:
    text = "word " * 100
    lead = [(" ".join(["word"] * 40) + " …", False)]
    assert snippets.snippet(text, {"absent"}, "en") == snippets.lead(text) == lead
    assert snippets.snippet(text, set(), "en") == lead
    assert snippets.snippet(SPANISH, terms("la", "es"), "es") == [(SPANISH, False)]  # a stop word: no term
