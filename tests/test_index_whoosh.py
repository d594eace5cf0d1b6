"""Whoosh kept honest: its private names we rely on still exist, and our scores are its scores.

``pressarchive.index.whooshindex.whoosh_internals`` is the one module that touches Whoosh's private
internals; the first tests check every name it lists on real objects of the installed Whoosh
and fail naming the attribute and the pinned version. The last compares the BM25F scores of
``matchset`` (computed for all matches at once with numpy) with Whoosh's own
``scoring.BM25F`` run through a plain ``searcher.search`` on a few hundred generated queries.

The corpus is single-language on purpose: matchset averages a field's length over the
documents of that field's language, whoosh over the whole collection, and the two agree
exactly when every document is in one language (then the language's documents are the
collection). On a mixed corpus only that average differs, by design.
"""

from __future__ import annotations

import io
import random
import re
import tomllib
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

import pytest
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3TermInfo
from whoosh.filedb.structfile import StructFile

from pressarchive.index.whooshindex.searchindex import SearchIndex

from pressarchive.index import SearchRequest
from pressarchive.index.whooshindex import whoosh_internals
from pressarchive.index.querylang import parse_query
from pressarchive.index.whooshindex.translate import to_whoosh
from pressarchive.index.whooshindex.writer import _writer
from pressarchive.record import Document
from tests.contract.corpus import DOCS

REPO = Path(__file__).resolve().parents[1]
VOCABULARY = ["kestrel", "lantern", "harbour", "cocaine", "seizure", "network", "suspect", "warrant",
              "customs", "border", "vessel", "cartel", "firearm", "fraud", "laundering", "europol",
              "raid", "arrest", "court", "evidence"]


@pytest.fixture(scope="module")
def objects(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    """A real instance (or class) of every whoosh type named in ``INTERNALS``."""
    index = SearchIndex(tmp_path_factory.mktemp("internals") / "ix")
    # The same word in several documents: a posting list long enough to be a block reader.
    index.add([*DOCS, *(DOCS[1].replace(id=100 + n, url=f"u{n}") for n in range(5))])
    with index._reading() as searcher:
        reader = next(sub.reader() for sub, _ in searcher.leaf_searchers() if sub.reader().segment())
        writer = _writer(index._ix)
        codec = writer.codec
        postings = codec.postings_writer(StructFile(io.BytesIO()))
        postings.start_postings(reader.schema["body_en"].format, W3TermInfo())  # a term in progress
        yield {
            "whoosh.codec.whoosh3": whoosh_internals.whoosh3,
            "SegmentReader": reader,
            "W3TermsReader": whoosh_internals.private(reader, "_terms"),
            "W3LeafMatcher": whoosh_internals.term_matcher(reader, "body_en", b"europol"),
            "NumericColumn.Reader": reader.column_reader("id", translate=False),
            "PatternQuery": wq.Wildcard("body_en", "?a*"),
            "MultiTerm": wq.Prefix("body_en", "eu"),
            "SegmentWriter": writer,
            "PostingPool": writer.pool,
            "W3PostingsWriter": postings,
            "W3FieldWriter": writer.fieldwriter,
            "W3Codec": codec,
        }
        writer.cancel()
    index.close()


def test_every_private_whoosh_name_we_use_exists(objects: dict[str, object]) -> None:
    assert set(objects) == set(whoosh_internals.INTERNALS)
    matcher = objects["W3LeafMatcher"]
    assert type(matcher).__name__ == "W3LeafMatcher" and whoosh_internals.is_block_matcher(matcher)
    missing = [
        f"{owner}.{name}"
        for owner, names in whoosh_internals.INTERNALS.items()
        for name in names
        if not hasattr(objects[owner], name)
    ]
    assert not missing, (
        f"whoosh internals missing: {', '.join(missing)}; pressarchive.index.whooshindex.whoosh_internals is"
        f" written for {whoosh_internals.TESTED_WITH} (pinned {whoosh_internals.PINNED})"
    )


def test_a_vanished_name_fails_loudly_naming_it_and_the_pin(objects: dict[str, object]) -> None:
    with pytest.raises(whoosh_internals.WhooshInternalsChanged) as caught:
        whoosh_internals.private(objects["SegmentReader"], "_no_such_name")
    message = str(caught.value)
    assert "SegmentReader._no_such_name" in message and whoosh_internals.PINNED in message


def test_no_other_module_touches_whoosh_privates() -> None:
    package = REPO / "pressarchive" / "index" / "whooshindex"  # the only engine code reading whoosh
    private_use = re.compile(r"\b(?!self\b)\w+\._[a-z]\w*|import[^\n]*\b_[a-z]\w*")
    offenders = {
        path.name: found
        for path in package.rglob("*.py")
        if path.name != "whoosh_internals.py"
        and (found := [m for m in private_use.findall(path.read_text("utf-8")) if not _ours(m)])
    }
    assert offenders == {}


def _ours(match: str) -> bool:
    # Our own private helpers and attributes (module functions, ``index._ix``-style fields).
    return match.split(".")[0] in {"SegmentMatcher", "query", "cls"}


def test_whoosh_is_pinned_to_the_tested_minor_version() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]
    (pin,) = [dep for dep in project["dependencies"] if dep.startswith("whoosh-reloaded")]
    assert pin.replace(" ", "") == whoosh_internals.PINNED
    assert version("whoosh-reloaded").startswith("2.7.")


def _corpus(rng: random.Random) -> list[Document]:
    return [
        Document(id=n, url=f"https://press.example.org/{n}", language="en", source="s",
                 title=" ".join(rng.choices(VOCABULARY, k=rng.randint(1, 5))),
                 text=" ".join(rng.choices(VOCABULARY, k=rng.randint(3, 120))))
        for n in range(1, 81)
    ]


def _queries(rng: random.Random, count: int) -> list[str]:
    def w() -> str:
        return rng.choice(VOCABULARY)

    forms = [
        lambda: w(), lambda: f"{w()} {w()}", lambda: f"{w()} OR {w()}", lambda: f"{w()} OR {w()} OR {w()}",
        lambda: f"{w()} NOT {w()}", lambda: f"({w()} OR {w()}) {w()}", lambda: f"title:{w()}",
        lambda: f"body:{w()} OR {w()}", lambda: f'"{w()} {w()}"', lambda: f'"{w()} {w()}" OR {w()}',
        lambda: f"{w()}^3 {w()}", lambda: f"{w()} AND NOT ({w()} OR {w()})",
        lambda: f"({w()} NOT {w()}) OR {w()}", lambda: f"title:{w()} OR body:({w()} {w()})",
    ]
    return [rng.choice(forms)() for _ in range(count)]


def test_bm25f_scores_equal_whooshs_own_scorer(tmp_path: Path) -> None:
    rng = random.Random(5)
    with SearchIndex(tmp_path / "ix") as index:
        docs = _corpus(rng)
        index.add(docs[:40])
        index.add(docs[40:])  # two segments: statistics must be collection-wide
        compared = 0
        for query in _queries(rng, 300):
            with index._reading() as searcher:
                results = searcher.search(to_whoosh(parse_query(query).root), limit=None)  # whoosh's BM25F
                expected = {searcher.stored_fields(docnum)["id"]: score for docnum, score in results.items()}
            ours = {hit.id: hit.score for hit in index.search(SearchRequest(query=query, limit=100)).hits}
            assert ours.keys() == expected.keys(), query
            for doc_id, score in expected.items():
                assert ours[doc_id] == pytest.approx(score, rel=1e-9, abs=1e-12), (query, doc_id)
            compared += len(expected)
        assert compared > 3000  # the queries did match: a few hundred queries, thousands of scores
