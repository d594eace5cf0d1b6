"""The query time limit against every engine: past it a search, an id list or "more like this"
raises ``QueryTooExpensive`` (a ``QueryError`` saying to narrow the query) within moments of the
limit, whatever the query costs and wherever the time goes (matching or building snippets);
the worst queries answer or fail cleanly within it."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator

import pytest

from pressarchive.index import QueryError, QueryTooExpensive, SearchEngine, SearchRequest, SearchResult
from pressarchive.record import Document
from tests.contract.conftest import EngineMaker
from tests.contract.corpus import DOCS, texts_of
from tests.contract.hostile import hostile_queries, vocabulary

LIMIT = 0.5
SLACK = 0.5  # how soon after the limit a search must have given up
WORDS_PER_DOC = 150
VOCABULARY_DOCS = 200
WORDS = vocabulary(VOCABULARY_DOCS * WORDS_PER_DOC)  # 30,000 distinct words


@pytest.fixture(scope="module")
def big(module_engines: EngineMaker) -> Iterator[SearchEngine]:
    """Many distinct words (what patterns expand over), searched with a short time limit."""
    docs = [
        Document(
            id=n + 1, url=f"https://press.example.org/r/{n}", title=" ".join(WORDS[n * WORDS_PER_DOC:][:6]),
            text=" ".join(WORDS[n * WORDS_PER_DOC:(n + 1) * WORDS_PER_DOC]) + " operation arrests europol",
            language=("en", "es", "de")[n % 3], source="big",
        )
        for n in range(VOCABULARY_DOCS)
    ]
    engine = module_engines(time_limit=LIMIT, text_source=texts_of(docs))
    for start in range(0, len(docs), 50):
        engine.add(docs[start:start + 50])
    yield engine


def test_past_the_limit_every_read_is_query_too_expensive(make_engine: EngineMaker) -> None:
    assert issubclass(QueryTooExpensive, QueryError)
    address = make_engine.address()
    make_engine.open(address).add(DOCS)
    engine = make_engine.open(address, time_limit=0.0)
    with pytest.raises(QueryTooExpensive, match="query too expensive.*narrower"):
        engine.search(SearchRequest(query="tantalio OR hydra"))
    with pytest.raises(QueryTooExpensive):
        engine.matching_ids(SearchRequest(query="tantalio OR hydra"))
    with pytest.raises(QueryTooExpensive):
        engine.more_like(1)
    within = make_engine.open(address, time_limit=5.0)
    assert within.search(SearchRequest(query="tantalio OR hydra")).total == 5


def test_an_expensive_query_stops_at_a_tiny_limit(make_engine: EngineMaker, module_engines: EngineMaker,
                                                  big: SearchEngine) -> None:
    query = hostile_queries(WORDS)["many ORed prefixes"]
    address = module_engines.address_of(big)
    roomy = make_engine.open(address, time_limit=10.0)
    assert roomy.search(SearchRequest(query=query, limit=1)).total > 0  # it runs, given the time
    tiny = make_engine.open(address, time_limit=0.001)
    began = time.monotonic()
    with pytest.raises(QueryTooExpensive) as caught:
        tiny.search(SearchRequest(query=query))
    assert time.monotonic() - began < 0.001 + SLACK
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("name", [
    "leading ? wildcards", "infix wildcard", "rare word and infix wildcards", "no match and many ORed patterns",
    "many ORed infix wildcards", "many ORed leading ? wildcards", "many ORed prefixes", "long prefix chain",
    "star and question runs", "nested NOT under the word cap", "NOT chain under the word cap",
    "phrase under the cap", "phrases of common words", "term ranges", "everything",
])
def test_a_hostile_query_answers_or_fails_cleanly_within_the_limit(big: SearchEngine, name: str) -> None:
    query = hostile_queries(WORDS)[name]
    began = time.monotonic()
    try:
        result = big.search(SearchRequest(query=query, limit=10))
    except QueryError as error:
        message = str(error)
        assert message and "\n" not in message, name
    else:
        assert isinstance(result, SearchResult)
    took = time.monotonic() - began
    assert took < LIMIT + SLACK, f"{name}: {took:.2f} s"


def test_the_limit_covers_building_snippets(make_engine: EngineMaker) -> None:
    """Matching is quick, but a page of 100 long bodies takes long to highlight."""
    rng = random.Random(3)
    words = vocabulary(3000, seed=3)
    docs = [
        Document(id=n, url=f"https://press.example.org/long/{n}", title=f"Long release {n}", language="en",
                 text=" ".join(rng.choice(words) for _ in range(5_000)) + " europol")
        for n in range(1, 101)
    ]
    address = make_engine.address()
    roomy = make_engine.open(address, text_source=texts_of(docs), time_limit=30.0)
    roomy.add(docs)
    quick = _timed(lambda: roomy.search(SearchRequest(query="europol", limit=1)), times=4)
    full = _timed(lambda: roomy.search(SearchRequest(query="europol", limit=100)))
    limit = max(0.1, 2 * quick)
    assert full > 2 * limit, f"the page takes {full:.2f} s, matching {quick:.2f} s: too little to test the limit"
    tight = make_engine.open(address, text_source=texts_of(docs), time_limit=limit)
    began = time.monotonic()
    with pytest.raises(QueryTooExpensive):
        tight.search(SearchRequest(query="europol", limit=100))
    assert time.monotonic() - began < limit + SLACK


def _timed(work: Callable[[], object], times: int = 1) -> float:
    """Seconds the quickest of ``times`` runs of ``work`` took after the first (which warms
    caches): on a busy machine one run can take several times its usual time."""
    took: list[float] = []
    for _ in range(times):
        began = time.monotonic()
        work()
        took.append(time.monotonic() - began)
    return min(took[1:] or took)
