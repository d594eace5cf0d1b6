"""The engine-neutral snippets (:mod:`pressarchive.index.snippets`) are the Whoosh engine's.

The OpenSearch engine cuts its snippets with this port of the Whoosh highlighter; on many
random texts and query words in every language both give the same segments.
"""

from __future__ import annotations

import random

import pytest

from pressarchive.index import snippets
from pressarchive.index.languages import GROUPS
from pressarchive.index.whooshindex import highlight
from pressarchive.index.whooshindex.analysis import text_analyzer
from pressarchive.index.wordterms import spans, terms

WORDS = (
    "La operación Tantalio detuvo a doce personas. Die Polizei hat Straße-Verdächtige festgenommen; "
    "the police arrested suspects in a joint operation with Europol (12.5 kg seized), "
    "l'opération de gendarmerie a démantelé un réseau. Operazione antidroga: arresti e sequestri. "
    "A polícia judiciária apreendeu 3.000 euros; de politie heeft verdachten aangehouden."
).split()


@pytest.mark.parametrize("seed", range(40))
def test_neutral_snippets_are_whooshs(seed: int) -> None:
    rng = random.Random(seed)
    group = GROUPS[seed % len(GROUPS)]
    text = "\n".join(" ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 60))) for _ in range(rng.randint(1, 12)))
    query = {term for word in rng.sample(WORDS, 3) for term in terms(word, group)}
    assert snippets.snippet(text, query, group) == highlight.snippet(text, query, group)
    assert spans(text, group, 500) == tuple(text_analyzer(group).spans(text, 500))
    assert terms(text, group) == text_analyzer(group).terms(text)


def test_without_matches_the_snippet_is_the_lead() -> None:
    text = "word " * 100
    assert snippets.snippet(text, {"absent"}, "en") == highlight.snippet(text, {"absent"}, "en")
    assert snippets.snippet(text, set(), "en")[0][0].endswith("…")
