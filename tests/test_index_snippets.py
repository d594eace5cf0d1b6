"""Snippets built from word spans give exactly what whoosh's token-by-token highlighter gave.

:func:`pressarchive.index.snippets.snippet` replaced ``whoosh.highlight.highlight`` (every
word of a body as a Token through the analysis chain, then ``ContextFragmenter``) with word
spans analysed in one batch and a fragmenter that skips unmatched runs; these tests hold the
new path to the old one's output on random texts, including the edge cases of the old one
(words longer than a passage, the character limit falling inside or right after a word).
whoosh's highlighter picks the passages; they become segments as snippets makes them.
"""

from __future__ import annotations

import random

import pytest
from whoosh import highlight as whoosh_highlight

from pressarchive.index import snippets
from pressarchive.index.languages import GROUPS
from pressarchive.index.whooshindex.analysis import text_analyzer
from pressarchive.index.wordterms import spans

_VOCABULARY = (
    "la policía detuvo a los detenidos de la operación Operación operacion en Madrid y el "
    "the police arrested three suspects in an operation drugs drug seized "
    "der Polizei Straße strasse festgenommen les gendarmes ont arrêté a. b. c.d e.g. "
    "İstanbul ﬁle x y z 2024 12.5 — , ; : ! ? ( ) \n\n"
).split(" ")


class SegmentFormatter(whoosh_highlight.Formatter):
    """whoosh's fragments as snippets' segments (passages in text order)."""

    def format(self, fragments: list[whoosh_highlight.Fragment], replace: bool = False) -> list[snippets.Segment]:
        ported = [
            snippets._Fragment(fragment.text, _matches(fragment), fragment.startchar, fragment.endchar)
            for fragment in sorted(fragments, key=lambda f: f.startchar)
        ]
        return snippets._format(ported)


def _matches(fragment: whoosh_highlight.Fragment) -> list[snippets._Match]:
    return [snippets._Match(token.startchar, token.endchar, token.text) for token in fragment.matches]


def whoosh_snippet(text: str, terms: frozenset[str], group: str, charlimit: int) -> list[snippets.Segment]:
    """The snippet as the old code built it: whoosh's highlighter on the token chain."""
    if terms:
        fragmenter = whoosh_highlight.ContextFragmenter(
            maxchars=snippets.LEAD_CHARS, surround=60, charlimit=charlimit
        )
        segments = whoosh_highlight.highlight(
            text, terms, text_analyzer(group), fragmenter, SegmentFormatter(), top=2
        )
        if segments:
            return list(segments)
    return snippets.lead(text)


def random_text(rng: random.Random) -> str:
    words = [rng.choice(_VOCABULARY) for _ in range(rng.randint(0, 400))]
    if rng.random() < 0.2:  # a "word" longer than a whole passage
        words.insert(rng.randint(0, len(words)), "x" * rng.randint(150, 260))
    return " ".join(words)


def terms_of(text: str, group: str, rng: random.Random) -> frozenset[str]:
    analyzer = text_analyzer(group)
    words = [token.text for token in analyzer(text, chars=True, removestops=False)]
    picked = rng.sample(words, min(len(words), rng.randint(0, 4)))
    return frozenset(picked + (["absent"] if rng.random() < 0.3 else []))


@pytest.mark.parametrize("group", GROUPS)
def test_snippets_match_whoosh_highlighter(group: str) -> None:
    rng = random.Random(f"snippets-{group}")
    for _ in range(150):
        text = random_text(rng)
        terms = terms_of(text, group, rng)
        assert snippets.snippet(text, terms, group) == whoosh_snippet(text, terms, group, 100_000), text


@pytest.mark.parametrize("group", ["es", "en", "xx"])
def test_snippets_match_whoosh_at_the_character_limit(group: str, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(f"limit-{group}")
    for _ in range(150):
        text = random_text(rng)
        limit = rng.randint(0, max(1, len(text)))
        monkeypatch.setattr(snippets, "_CHARLIMIT", limit)
        terms = terms_of(text, group, rng)
        assert snippets.snippet(text, terms, group) == whoosh_snippet(text, terms, group, limit), (limit, text)


def test_spans_give_the_token_chain_terms() -> None:
    text = "La Operación «Nécora» detuvo a 12 personas en A Coruña; e.g. Straße ﬁle"
    for group in GROUPS:
        words = spans(text, group, 100_000)
        chain = [(t.startchar, t.endchar, t.text) for t in text_analyzer(group)(text, chars=True, removestops=False)]
        assert list(zip(*words, strict=True)) == chain
