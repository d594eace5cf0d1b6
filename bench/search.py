"""Benchmark pressarchive's search index against SQLite FTS5 on the same synthetic corpus.

For each size (``--docs``, default 10,000 and 100,000) the deterministic multilingual corpus of
``bench/searchcorpus.py`` (about 3 KB of text per release, seven languages, realistic sources,
agencies, countries, operations and dates) is indexed twice, each engine in its own
subprocess so that peak RSS is its own: by the Whoosh engine's ``add`` in batches
of ``--batch`` documents (default 20,000, as an import or ``index --rebuild`` commits; a crawl
commits every few seconds, leaving more segments for whoosh to merge: with ``--batch 5000``
query times roughly double), and into SQLite FTS5 (``unicode61
remove_diacritics 2``, a metadata table, one transaction per batch). Generating the corpus is
not timed. Then ``--queries`` queries of each type run one after another on one open index:

term          one word (drawn from a random release, so frequent words come up often)
and           two words from the same release
phrase        two consecutive words of a release, quoted
date_range    a word and a since/until window of one to three years
facets        a word, with facet counts (language, source, agency, country, year,
              operation) and the timeline (auto interval) over all matches
date_sorted   a word, newest first
highlight     a word, top 10 by relevance with highlighted snippets
collapsed     a word, near-duplicate clusters collapsed (every release is its own cluster
              here, the most work: every match is ordered); FTS5 runs it as ``term``

pressarchive computes totals, facets and the histogram on every search (that is its API);
FTS5 computes the total on every query and the facets only for ``facets``. Snippets come from
``text_source`` (a SQLite table of the texts, standing in for the store, filled untimed) only
for ``highlight``; FTS5 uses ``snippet()`` on its stored text. Latencies are wall clock per query after an
untimed warm-up of the first 10 queries of each type (the same for every engine: it fills
caches, and lets a JVM compile its hot paths). The last line per size is JSON: {"docs",
"pressarchive": {"index_docs_per_s", "size_mb", "peak_rss_mb", "p50_ms": {type: ms},
"p95_ms": {type: ms}}, "fts5": {...}} (and "opensearch").

With ``--engine opensearch`` a third engine runs beside them in the same run: pressarchive's
OpenSearch engine against a local single-node OpenSearch (the tests' node, started here on a
free loopback port with its own small heap, sharing the two cores with the benchmark). Its
figures add ``node_rss_mb`` (the JVM's peak resident memory) and ``node_start_s``; its
``size_mb`` is the node's data directory and ``peak_rss_mb`` the client process's.

Usage: python bench/search.py [--docs N [N ...]] [--queries 200] [--batch 5000] [--keep]
                              [--engine opensearch]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from searchcorpus import Corpus  # noqa: E402  (bench/ helper)

QUERY_TYPES = ("term", "and", "phrase", "date_range", "facets", "date_sorted", "highlight", "collapsed")
#: The engines a run compares; "pressarchive" is the embedded default (Whoosh).
ENGINES = ("pressarchive", "fts5")
EXTRA_ENGINES = ("opensearch",)
#: Queries of each type run untimed before the timed ones.
WARM_UP = 10
_WORD = re.compile(r"\w{4,}")


@dataclass(frozen=True)
class BenchQuery:
    """One benchmark query, engine-neutral: its type, words and optional date window."""

    kind: str
    words: tuple[str, ...]
    since: date | None = None
    until: date | None = None


def make_queries(corpus: Corpus, docs: int, count: int, seed: int) -> list[BenchQuery]:
    """``count`` queries of every type, drawn deterministically from the first ``docs`` releases."""
    rng = random.Random(seed)
    stops = {word for lang in corpus.languages.values() for word in lang.stops}
    queries = []
    for kind in QUERY_TYPES:
        for _ in range(count):
            words = _content_words(corpus.document(rng.randint(1, docs)).text, stops)
            start = rng.randrange(len(words) - 1)
            if kind == "phrase":
                picked = (words[start], words[start + 1])
            elif kind == "and":
                picked = (words[start], rng.choice(words))
            else:
                picked = (words[start],)
            since = until = None
            if kind == "date_range":
                since = date(rng.randint(2010, 2024), rng.randint(1, 12), 1)
                until = since + timedelta(days=365 * rng.randint(1, 3))
            queries.append(BenchQuery(kind, picked, since, until))
    return queries


def _content_words(text: str, stops: set[str]) -> list[str]:
    words = [word.lower() for word in _WORD.findall(text) if word.lower() not in stops]
    return words if len(words) > 1 else ["police", "operation"]


# -- pressarchive -----------------------------------------------------------------------------


def run_pressarchive(corpus: Corpus, docs: int, batch: int, workdir: Path,
                     queries: list[BenchQuery], address: str | None = None) -> dict[str, Any]:
    """Index and query through pressarchive's engine seam: Whoosh by default, or the engine at
    ``address`` (the OpenSearch run), exactly as the archive opens it."""
    from pressarchive.index import SearchRequest
    from pressarchive.index.engines import EngineOptions, open_engine

    store = TextStore(workdir / "texts.sqlite")
    snippets = {"on": False}  # only the highlight queries read texts, as before

    def texts(ids: Any) -> dict[int, str]:
        return store.texts(ids) if snippets["on"] else {}

    index = open_engine(address or f"whoosh://{workdir / 'index'}", EngineOptions(workdir / "index", text_source=texts))

    def add(batch_docs: list[Any]) -> None:
        index.add(batch_docs)

    label = "pressarchive" if address is None else address.split(":", 1)[0].split("+", 1)[0]
    elapsed = _index_batches(corpus, docs, batch, add, label, before=store.add)
    index.search(SearchRequest(query="police"))  # warm-up: loads the per-segment arrays

    def search(q: BenchQuery) -> None:
        snippets["on"] = q.kind == "highlight"
        text = " ".join(q.words) if q.kind != "phrase" else '"' + " ".join(q.words) + '"'
        sort = "date" if q.kind == "date_sorted" else "relevance"
        index.search(SearchRequest(query=text, sort=sort, since=q.since, until=q.until,
                                   collapse=q.kind == "collapsed"))

    latencies = _time_queries(queries, search)
    index.close()
    return _figures(docs, elapsed, workdir / "index", latencies)


class TextStore:
    """Body texts by id in SQLite, standing in for the archive store's ``text_source``."""

    def __init__(self, path: Path) -> None:
        import sqlite3

        self.db = sqlite3.connect(path)
        self.db.execute("CREATE TABLE texts(id INTEGER PRIMARY KEY, text TEXT)")

    def add(self, docs: list[Any]) -> None:
        with self.db:
            self.db.executemany("INSERT INTO texts VALUES (?, ?)", [(d.id, d.text) for d in docs])

    def texts(self, ids: Any) -> dict[int, str]:
        wanted = [int(i) for i in ids]
        marks = ",".join("?" * len(wanted))
        return dict(self.db.execute(f"SELECT id, text FROM texts WHERE id IN ({marks})", wanted))


# -- SQLite FTS5 ------------------------------------------------------------------------------

_FTS_SCHEMA = """
CREATE TABLE docs(id INTEGER PRIMARY KEY, version INTEGER, url TEXT, title TEXT,
                  published INTEGER, month TEXT, year INTEGER, language TEXT, source TEXT,
                  agency TEXT, country TEXT);
CREATE TABLE ops(doc INTEGER, name TEXT);
CREATE INDEX ops_doc ON ops(doc);
CREATE INDEX docs_published ON docs(published);
CREATE VIRTUAL TABLE fts USING fts5(title, body, tokenize='unicode61 remove_diacritics 2');
"""
_FACET_SQL = {
    name: f"SELECT d.{name}, count(*) FROM m JOIN docs d ON d.id = m.id GROUP BY 1"
    for name in ("language", "source", "agency", "country", "year", "month")
}
_FACET_SQL["operation"] = "SELECT o.name, count(*) FROM m JOIN ops o ON o.doc = m.id GROUP BY 1"


def run_fts5(corpus: Corpus, docs: int, batch: int, workdir: Path,
             queries: list[BenchQuery]) -> dict[str, Any]:
    import sqlite3

    path = workdir / "fts5.sqlite"
    db = sqlite3.connect(path)
    db.executescript(_FTS_SCHEMA)

    def add(batch_docs: list[Any]) -> None:
        with db:
            db.executemany(
                "INSERT INTO docs VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                [(d.id, d.version, d.url, d.title,
                  d.published.toordinal() if d.published else None,
                  d.published.strftime("%Y-%m") if d.published else None,
                  d.published.year if d.published else None,
                  d.language, d.source, d.agency, d.country) for d in batch_docs],
            )
            db.executemany("INSERT INTO ops VALUES (?,?)",
                           [(d.id, name) for d in batch_docs for name in d.operations])
            db.executemany("INSERT INTO fts(rowid, title, body) VALUES (?,?,?)",
                           [(d.id, d.title, d.text) for d in batch_docs])

    elapsed = _index_batches(corpus, docs, batch, add, "fts5")
    _fts5_search(db, BenchQuery("term", ("police",)))  # warm-up, as on the pressarchive side
    latencies = _time_queries(queries, lambda q: _fts5_search(db, q))
    db.close()
    return _figures(docs, elapsed, path, latencies)


def _fts5_search(db: Any, q: BenchQuery) -> None:
    match = " ".join(f'"{word}"' for word in q.words)
    if q.kind == "phrase":
        match = '"' + " ".join(q.words) + '"'
    where, params = "fts MATCH ?", [match]
    if q.since is not None and q.until is not None:
        where += " AND d.published BETWEEN ? AND ?"
        params += [q.since.toordinal(), q.until.toordinal()]
    base = f"FROM fts JOIN docs d ON d.id = fts.rowid WHERE {where}"
    db.execute(f"SELECT count(*) {base}", params).fetchone()
    order = "d.published DESC, d.id" if q.kind == "date_sorted" else "bm25(fts, 2.0, 1.0)"
    columns = "d.id, d.url, d.title, d.published"
    if q.kind == "highlight":
        columns += ", snippet(fts, 1, '[', ']', '…', 24)"
    db.execute(f"SELECT {columns} {base} ORDER BY {order} LIMIT 10", params).fetchall()
    if q.kind == "facets":
        db.execute("DROP TABLE IF EXISTS temp.m")
        db.execute(f"CREATE TEMP TABLE m AS SELECT fts.rowid AS id {base}", params)
        for sql in _FACET_SQL.values():
            db.execute(sql).fetchall()


# -- shared -----------------------------------------------------------------------------------


def _index_batches(corpus: Corpus, docs: int, batch: int, add: Callable[[list[Any]], object],
                   engine: str, before: Callable[[list[Any]], object] | None = None) -> float:
    elapsed = 0.0
    for start in range(1, docs + 1, batch):
        chunk = list(corpus.documents(min(batch, docs - start + 1), start))
        if before is not None:  # untimed: the store's work, not the index's
            before(chunk)
        began = time.perf_counter()
        add(chunk)
        elapsed += time.perf_counter() - began
        done = start + len(chunk) - 1
        _progress(f"{engine}: indexed {done}/{docs} ({done / elapsed:.0f} docs/s)")
    return elapsed


def _time_queries(queries: list[BenchQuery], search: Callable[[BenchQuery], None]) -> dict[str, list[float]]:
    latencies: dict[str, list[float]] = {kind: [] for kind in QUERY_TYPES}
    for kind in QUERY_TYPES:  # untimed warm-up, the same for every engine: caches, a JVM's compiler
        for q in [q for q in queries if q.kind == kind][:WARM_UP]:
            search(q)
    for q in queries:
        began = time.perf_counter()
        search(q)
        latencies[q.kind].append((time.perf_counter() - began) * 1000)
    return latencies


def _figures(docs: int, elapsed: float, path: Path, latencies: dict[str, list[float]]) -> dict[str, Any]:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return {
        "index_docs_per_s": round(docs / elapsed, 1),
        "size_mb": round(sum(f.stat().st_size for f in files) / 1e6, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "p50_ms": {kind: round(_percentile(values, 50), 2) for kind, values in latencies.items()},
        "p95_ms": {kind: round(_percentile(values, 95), 2) for kind, values in latencies.items()},
    }


def _percentile(values: list[float], pct: int) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def _progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def child(args: argparse.Namespace) -> None:
    """Index and query with one engine; the last stdout line is its figures as JSON."""
    corpus = Corpus(args.seed)
    queries = make_queries(corpus, args.docs[0], args.queries, args.seed + 1)
    if args.child == "fts5":
        figures = run_fts5(corpus, args.docs[0], args.batch, Path(args.dir), queries)
    else:
        figures = run_pressarchive(corpus, args.docs[0], args.batch, Path(args.dir), queries, args.address)
    print(json.dumps(figures), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, nargs="+", default=[10_000, 100_000], help="corpus sizes")
    parser.add_argument("--queries", type=int, default=200, help="queries of each type")
    parser.add_argument("--batch", type=int, default=20_000, help="documents per add/commit")
    parser.add_argument("--seed", type=int, default=7, help="corpus and query seed")
    parser.add_argument("--keep", action="store_true", help="keep the indexes (path printed)")
    parser.add_argument("--engine", action="append", choices=EXTRA_ENGINES, default=[],
                        help="also run this engine (opensearch: a local node started here)")
    parser.add_argument("--child", choices=(*ENGINES, *EXTRA_ENGINES), help=argparse.SUPPRESS)
    parser.add_argument("--dir", help=argparse.SUPPRESS)
    parser.add_argument("--address", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    for docs in args.docs:
        workdir = Path(tempfile.mkdtemp(prefix=f"bench-search-{docs}-"))
        result: dict[str, Any] = {"docs": docs}
        for engine in (*ENGINES, *args.engine):
            (workdir / engine).mkdir()
            run = _run_opensearch if engine == "opensearch" else _run_child
            result[engine] = run(args, engine, docs, workdir / engine)
            print(f"{engine} at {docs} docs: {json.dumps(result[engine])}", flush=True)
        if args.keep:
            print(f"indexes kept in {workdir}", flush=True)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
        print(json.dumps(result), flush=True)


def _run_child(args: argparse.Namespace, engine: str, docs: int, workdir: Path,
               address: str | None = None) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", engine, "--docs", str(docs),
               "--queries", str(args.queries), "--batch", str(args.batch),
               "--seed", str(args.seed), "--dir", str(workdir), *(["--address", address] if address else [])]
    out = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True,
                         env={**os.environ, "PYTHONHASHSEED": "0"})
    figures: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return figures


def _run_opensearch(args: argparse.Namespace, engine: str, docs: int, workdir: Path) -> dict[str, Any]:
    """The OpenSearch engine's child run against a node started for it and stopped after."""
    sys.path.insert(0, str(BENCH.parent))
    from tests.opensearchnode import OpenSearchNode

    with OpenSearchNode() as node:
        node.start(workdir / "node")
        _progress(f"opensearch: node ready in {node.startup_seconds:.1f} s at {node.url}")
        address = "opensearch+" + node.url + "/bench"
        figures = _run_child(args, engine, docs, workdir, address)
        figures["node_start_s"] = round(node.startup_seconds, 1)
        figures["node_rss_mb"] = round(node.peak_rss_bytes() / 1e6, 1)
        data = workdir / "node"
        figures["size_mb"] = round(sum(f.stat().st_size for f in data.rglob("*") if f.is_file()) / 1e6, 1)
    return figures


if __name__ == "__main__":
    main()
