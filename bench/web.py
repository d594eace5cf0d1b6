"""Load the real web app's search API and exports over a 100,000-document archive.

1. Builds (or reuses, from ``--data``) a real data directory of ``--documents`` synthetic
   releases (``archivecorpus.py``: the ``searchcorpus.py`` corpus as WARC records, in the
   store and in the index).
2. Serves it with ``python -m pressarchive --data DIR serve`` (the real ``create_app`` under
   uvicorn) on 127.0.0.1, in a process of its own so that its memory is its own: peak RSS is
   the kernel's VmHWM from ``/proc/PID/status``.
3. Runs a fixed mix of searches (single words in seven languages, phrases, prefixes, facet
   filters, date ranges, newest first, browsing with no query, pages 2 to 5) three ways:
   in-process (``ArchiveService.search`` on a ``search_request`` built from the same values
   the API receives: the index's and the store's own cost), over HTTP by one client in
   sequence, and over HTTP by ``--clients`` clients at once (threads, each on its own
   keep-alive connection, ``http.client`` to keep the clients' own CPU small) for
   ``--requests`` requests or ``--seconds`` seconds.
4. Times a full export through ``/api/export`` (every document: no query) as CSV and as
   JSON Lines, read to the end and parsed, with the server's RSS before, at its peak during
   and after each.

HTTP overhead is (HTTP time per request - in-process time per request) / in-process time,
from the sequential pass (one request at a time: no queueing) and, for information, from the
concurrent pass's latencies (which include the time each request waits for a core: with 8
clients on 2 cores, most of it). The targets of issue 11 are printed beside the figures.
The last line is the figures as JSON.

Usage: python bench/web.py [--documents 100000] [--clients 8] [--requests 2000 | --seconds S]
                           [--queries 200] [--data DIR] [--quick]
"""

from __future__ import annotations

import argparse
import csv
import http.client
import io
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(1, str(ROOT))  # this checkout's pressarchive, as the server gets

from searchcorpus import SOURCES, Corpus  # noqa: E402  (bench/ helper)
from archivecorpus import build_archive  # noqa: E402  (bench/ helper)

TARGET_P99_MS = 250.0
TARGET_RSS_MB = 400.0
TARGET_OVERHEAD = 0.20
TARGET_EXPORT_ROWS_S = 5000.0
#: An export is "flat" when its peak RSS is at most this far above the RSS before it.
FLAT_MEMORY_MB = 50.0
KINDS = ("word", "phrase", "prefix", "facet", "date_range", "date_sorted", "browse", "page")
_WORD = re.compile(r"\w{5,}")


@dataclass(frozen=True)
class Query:
    """One search of the mix: its kind and its API query parameters."""

    kind: str
    params: dict[str, Any]

    @property
    def path(self) -> str:
        return "/api/search?" + urlencode(self.params)


@dataclass
class Timings:
    """Latencies (ms) of one pass by query kind, and the pass's wall time."""

    latencies: list[tuple[str, float]] = field(default_factory=list)
    wall: float = 0.0
    errors: dict[int, int] = field(default_factory=dict)

    def values(self) -> list[float]:
        return [ms for _, ms in self.latencies]

    def summary(self) -> dict[str, float]:
        values = self.values()
        return {
            "requests": len(values), "mean_ms": round(statistics.fmean(values), 2) if values else 0.0,
            "p50_ms": round(percentile(values, 50), 2), "p99_ms": round(percentile(values, 99), 2),
            "total_s": round(sum(values) / 1000, 2), "wall_s": round(self.wall, 2),
            "per_s": round(len(values) / self.wall, 1) if self.wall else 0.0,
        }

    def by_kind(self) -> dict[str, tuple[float, float]]:
        kinds: dict[str, list[float]] = {}
        for kind, ms in self.latencies:
            kinds.setdefault(kind, []).append(ms)
        return {kind: (percentile(v, 50), percentile(v, 99)) for kind, v in kinds.items()}


def percentile(values: list[float], pct: int) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


# -- the query mix ----------------------------------------------------------------------------


def make_queries(corpus: Corpus, documents: int, count: int, seed: int) -> list[Query]:
    """``count`` searches, the kinds in turn, drawn deterministically from the archive's releases."""
    rng = random.Random(seed)
    stops = {word for lang in corpus.languages.values() for word in lang.stops}
    sources = [name for entries in SOURCES.values() for name, _, _ in entries]
    countries = sorted({country for entries in SOURCES.values() for _, _, country in entries})
    queries = []
    for i in range(count):
        kind = KINDS[i % len(KINDS)]
        doc = corpus.document(rng.randint(1, documents))
        words = [w.lower() for w in _WORD.findall(doc.text) if w.lower() not in stops] or ["police"]
        at = rng.randrange(len(words))
        word = words[at]
        params: dict[str, Any] = {"q": word}
        if kind == "phrase" and at + 1 < len(words):
            params["q"] = f'"{word} {words[at + 1]}"'
        elif kind == "prefix":
            params["q"] = word[:5] + "*"
        elif kind == "facet":
            facet = rng.choice(("language", "source", "country", "agency", "operation"))
            params[facet] = {
                "language": doc.language, "source": rng.choice(sources), "country": rng.choice(countries),
                "agency": rng.choice(sources), "operation": (doc.operations or ("none",))[0],
            }[facet]
        elif kind == "date_range":
            since = date(rng.randint(2010, 2024), rng.randint(1, 12), 1)
            params.update(since=since.isoformat(),
                          until=(since + timedelta(days=365 * rng.randint(1, 3))).isoformat())
        elif kind == "date_sorted":
            params["sort"] = "date"
        elif kind == "browse":
            params = {"q": ""}
            if rng.random() < 0.5:
                params["language"] = doc.language
            if rng.random() < 0.3:
                params["page"] = rng.randint(2, 5)
        elif kind == "page":
            params["page"] = rng.randint(2, 5)
        queries.append(Query(kind, params))
    return queries


# -- the server -------------------------------------------------------------------------------


class Server:
    """``pressarchive serve`` on a free loopback port, in its own process."""

    def __init__(self, data_root: Path, log: Path) -> None:
        self.port = _free_port()
        self.log = log.open("wb")
        env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pressarchive", "--data", str(data_root), "serve",
             "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 300.0) -> float:
        """Seconds until ``/api/status`` answers (the index is opened before the first request)."""
        began = time.perf_counter()
        while time.perf_counter() - began < timeout:
            if self.process.poll() is not None:
                raise SystemExit(f"error: the server exited with status {self.process.returncode}; "
                                 f"see {self.log.name}")
            try:
                status, _ = self.get("/api/status")
                if status == 200:
                    return time.perf_counter() - began
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"error: the server did not answer within {timeout:.0f} s")

    def get(self, path: str) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def memory(self, key: str) -> float:
        """``VmRSS`` (now) or ``VmHWM`` (peak since start or the last reset) in MB."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
        return 0.0

    def cpu_seconds(self) -> float:
        """User + system CPU the server has used (``/proc/PID/stat``), all its threads."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def reset_peak(self) -> bool:
        """Start VmHWM again from the current RSS (Linux: ``5`` to ``clear_refs``)."""
        try:
            Path(f"/proc/{self.process.pid}/clear_refs").write_text("5")
            return True
        except OSError:
            return False

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_http(server: Server, queries: list[Query], clients: int, requests: int | None,
             seconds: float | None) -> Timings:
    """``clients`` threads on keep-alive connections taking the queries in turn until
    ``requests`` were sent or ``seconds`` passed."""
    timings = Timings()
    lock = threading.Lock()
    taken = [0]
    deadline = time.perf_counter() + seconds if seconds else None

    def next_query() -> Query | None:
        with lock:
            if requests is not None and taken[0] >= requests:
                return None
            if deadline is not None and time.perf_counter() >= deadline:
                return None
            query = queries[taken[0] % len(queries)]
            taken[0] += 1
            return query

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        try:
            while (query := next_query()) is not None:
                start = time.perf_counter()
                conn.request("GET", query.path)
                response = conn.getresponse()
                response.read()
                ms = (time.perf_counter() - start) * 1000
                with lock:
                    timings.latencies.append((query.kind, ms))
                    if response.status != 200:
                        timings.errors[response.status] = timings.errors.get(response.status, 0) + 1
        finally:
            conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    timings.wall = time.perf_counter() - began
    return timings


# -- in-process and one client, side by side ---------------------------------------------------


def run_paired(data: Any, server: Server, queries: list[Query]) -> tuple[Timings, Timings, float]:
    """Each query through ``ArchiveService.search`` in this process and over HTTP by one client,
    one right after the other (which goes first alternates), so both meet the same load on the
    shared machine and the same page cache; after a warm-up of one query of each kind on both.

    Also returns the mean ms of turning a result into the API's body (to_json + json.dumps),
    which the HTTP time includes and the in-process time does not.
    """
    from pressarchive.service import ArchiveService
    from pressarchive.web.params import search_request

    service = ArchiveService(data)
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
    local, remote, encoding = Timings(), Timings(), []

    def in_process(query: Query) -> float:
        start = time.perf_counter()
        result = service.search(search_request(query.params))
        ms = (time.perf_counter() - start) * 1000
        start = time.perf_counter()
        json.dumps(result.to_json())
        encoding.append((time.perf_counter() - start) * 1000)
        return ms

    def over_http(query: Query) -> float:
        start = time.perf_counter()
        conn.request("GET", query.path)
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            remote.errors[response.status] = remote.errors.get(response.status, 0) + 1
        return (time.perf_counter() - start) * 1000

    try:
        service.open_index()
        for query in queries[:len(KINDS)]:
            in_process(query)
            over_http(query)
        encoding.clear()
        remote.errors.clear()
        for i, query in enumerate(queries):
            if (i // len(KINDS)) % 2:  # every kind goes first in turn
                remote.latencies.append((query.kind, over_http(query)))
                local.latencies.append((query.kind, in_process(query)))
            else:
                local.latencies.append((query.kind, in_process(query)))
                remote.latencies.append((query.kind, over_http(query)))
        local.wall = sum(local.values()) / 1000
        remote.wall = sum(remote.values()) / 1000
        return local, remote, statistics.fmean(encoding)
    finally:
        conn.close()
        service.close()


# -- where an in-process search's time goes ------------------------------------------------------

#: The stages of ``run_search`` (pressarchive/index/searcher.py) and of the API's body, by the
#: functions that do them.
STAGES: dict[str, tuple[str, ...]] = {
    "parse the query": ("parse_query", "to_whoosh"),
    "match (postings, filters)": ("match_all",),
    "rank the page": ("by_relevance", "by_date", "collapsed"),
    "facet counts": ("facet_counts",),
    "monthly histogram": ("histogram",),
    "terms to highlight": ("body_terms",),
    "hits: stored fields + snippets": ("make_hits",),
    "  of which texts from the store": ("current_texts",),
    "result to_json": ("to_json",),
    "json.dumps": ("dumps",),
}


def profile_in_process(data: Any, queries: list[Query]) -> list[str]:
    """cProfile one in-process pass (search, then the API's body) and share its time by stage."""
    import cProfile
    import pstats

    from pressarchive.service import ArchiveService
    from pressarchive.web.params import search_request

    service = ArchiveService(data, query_time_limit=600.0)  # cProfile slows searches several times
    profiler = cProfile.Profile()
    try:
        service.open_index()
        profiler.enable()
        for query in queries:
            json.dumps(service.search(search_request(query.params)).to_json())
        profiler.disable()
    finally:
        service.close()
    stats: dict[tuple[str, int, str], tuple[Any, ...]] = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    total = sum(row[2] for row in stats.values())
    lines = [f"profile of one in-process pass ({len(queries)} searches + bodies, {total:.2f} s under cProfile):"]
    for stage, names in STAGES.items():
        seconds = sum(max((row[3] for key, row in stats.items() if key[2] == name), default=0.0)
                      for name in names)
        lines.append(f"  {stage:<34} {seconds:7.2f} s  {seconds / total:5.0%}")
    return lines


# -- the export -------------------------------------------------------------------------------


@dataclass
class ExportFigures:
    rows: int
    seconds: float
    first_byte_s: float
    megabytes: float
    rss_before_mb: float
    rss_peak_mb: float
    rss_after_mb: float

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


#: The export formats timed, by ``format`` value.
EXPORT_FORMATS = ("csv", "jsonl")


def run_export(server: Server, fmt: str) -> ExportFigures:
    """Stream ``/api/export?format=fmt`` of every document, with the server's RSS around it."""
    rss_before = server.memory("VmRSS")
    reset = server.reset_peak()
    sampled = [rss_before]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.02):
            sampled.append(server.memory("VmRSS"))

    sampler = threading.Thread(target=sample)
    sampler.start()
    body = tempfile.TemporaryFile()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
        began = time.perf_counter()
        conn.request("GET", "/api/export?" + urlencode({"format": fmt}))
        response = conn.getresponse()
        if response.status != 200:
            raise SystemExit(f"error: /api/export answered {response.status}: {response.read()[:300]!r}")
        first_byte = 0.0
        while chunk := response.read(1 << 16):
            first_byte = first_byte or time.perf_counter() - began
            body.write(chunk)
        seconds = time.perf_counter() - began
        conn.close()
    finally:
        done.set()
        sampler.join()
    peak = max(max(sampled), server.memory("VmHWM") if reset else 0.0)
    size = body.tell()
    body.seek(0)
    rows = _count_rows(io.TextIOWrapper(body, encoding="utf-8", newline=""), fmt)
    body.close()
    return ExportFigures(rows, seconds, first_byte, size / 1e6, rss_before, peak, server.memory("VmRSS"))


def _count_rows(text: io.TextIOWrapper, fmt: str) -> int:
    """The rows of an export, each parsed (so a malformed body fails the run)."""
    if fmt == "csv":
        return sum(1 for _ in csv.reader(text)) - 1  # the header
    rows = 0
    for line in text:
        json.loads(line)
        rows += 1
    return rows


# -- report -----------------------------------------------------------------------------------


def overhead(http_ms: float, in_process_ms: float) -> float:
    return (http_ms - in_process_ms) / in_process_ms if in_process_ms else 0.0


def _verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def _line(name: str, t: Timings) -> str:
    s = t.summary()
    errors = f", errors {t.errors}" if t.errors else ""
    return (f"{name}: {s['requests']} requests in {s['wall_s']:.1f} s, {s['per_s']:.1f} requests/s, "
            f"p50 {s['p50_ms']:.1f} ms, p99 {s['p99_ms']:.1f} ms, mean {s['mean_ms']:.1f} ms{errors}")


def _kinds_table(columns: dict[str, Timings]) -> list[str]:
    lines = ["p50 / p99 ms by kind:  " + "  ".join(f"{name:>20}" for name in columns)]
    tables = {name: t.by_kind() for name, t in columns.items()}
    for kind in KINDS:
        cells = []
        for table in tables.values():
            p50, p99 = table.get(kind, (0.0, 0.0))
            cells.append(f"{p50:9.1f} / {p99:8.1f}")
        lines.append(f"  {kind:<20}" + "  ".join(cells))
    return lines


def _load_machine() -> str:
    try:
        return " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=100_000, help="documents in the archive")
    parser.add_argument("--clients", type=int, default=8, help="concurrent HTTP clients")
    amount = parser.add_mutually_exclusive_group()
    amount.add_argument("--requests", type=int, help="requests of the concurrent pass (default 2000)")
    amount.add_argument("--seconds", type=float, help="or: run the concurrent pass this long")
    parser.add_argument("--queries", type=int, default=200,
                        help="distinct searches in the mix (each pass of one client runs every one once)")
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "pressarchive-bench-web",
                        help="where built archives are kept between runs (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=7, help="corpus and query seed")
    parser.add_argument("--profile", action="store_true",
                        help="also profile an in-process pass and print the time of each stage of a search")
    parser.add_argument("--quick", action="store_true",
                        help="a tiny run (500 documents, 2 clients, 40 requests, 24 queries) to check the script")
    args = parser.parse_args()
    if args.quick:
        args.documents, args.clients, args.queries = 500, 2, 24
        if args.seconds is None:
            args.requests = args.requests or 40
    if args.requests is None and args.seconds is None:
        args.requests = 2000
    if min(args.documents, args.clients, args.queries) < 1:
        parser.error("--documents, --clients and --queries must be at least 1")
    args.data.mkdir(parents=True, exist_ok=True)
    print(f"machine: {os.cpu_count()} cores, load average {_load_machine()} (shared: figures are noisy)",
          flush=True)

    built = build_archive(args.data, args.documents, args.seed, progress=lambda line: _progress(line))
    how = "cached from an earlier run, which took" if built.cached else "built in"
    print(f"archive: {built.documents} documents in {built.data.root}, {how} {built.seconds:.1f} s", flush=True)
    corpus = Corpus(args.seed)
    queries = make_queries(corpus, args.documents, args.queries, args.seed + 1)

    server = Server(built.data.root, args.data / "server.log")
    try:
        ready = server.wait_ready()
        print(f"server: pid {server.process.pid} on 127.0.0.1:{server.port}, answering after {ready:.1f} s, "
              f"RSS {server.memory('VmRSS'):.0f} MB", flush=True)
        local, sequential, encode_ms = run_paired(built.data, server, queries)
        print(_line("in-process (ArchiveService.search)", local), flush=True)
        print(_line("http, 1 client in sequence", sequential), flush=True)
        print(f"server RSS after the sequential pass: {server.memory('VmRSS'):.0f} MB", flush=True)
        print(f"in-process JSON body (to_json + json.dumps; in the HTTP time, not in the in-process "
              f"time): mean {encode_ms:.2f} ms", flush=True)
        cpu_before = server.cpu_seconds()
        loaded = run_http(server, queries, args.clients, args.requests, args.seconds)
        server_cpu = server.cpu_seconds() - cpu_before
        print(_line(f"http, {args.clients} clients", loaded), flush=True)
        print(f"server CPU during the {args.clients}-client pass: {server_cpu / loaded.wall:.0%} of one core, "
              f"{server_cpu * 1000 / max(1, len(loaded.latencies)):.1f} ms per request (one Python process: "
              f"its searches share one interpreter lock)", flush=True)
        peak_rss = server.memory("VmHWM")
        print(f"server RSS: peak {peak_rss:.0f} MB (VmHWM since start), now {server.memory('VmRSS'):.0f} MB: "
              f"{server.memory('RssAnon'):.0f} MB anonymous (heap), {server.memory('RssFile'):.0f} MB "
              f"file-backed (mapped index files and libraries, in the page cache)", flush=True)
        for line in _kinds_table({"in-process": local, "http 1 client": sequential,
                                  f"http {args.clients} clients": loaded}):
            print(line)
        if args.profile:
            for line in profile_in_process(built.data, queries):
                print(line, flush=True)
        exports = {fmt: run_export(server, fmt) for fmt in EXPORT_FORMATS}
    finally:
        server.stop()

    seq_overhead = overhead(sequential.summary()["mean_ms"], local.summary()["mean_ms"])
    load_overhead = overhead(loaded.summary()["mean_ms"], local.summary()["mean_ms"])
    extra = sequential.summary()["mean_ms"] - local.summary()["mean_ms"]
    print(f"http overhead, 1 client: {seq_overhead:+.0%} of in-process time per request "
          f"({sequential.summary()['mean_ms']:.1f} ms over HTTP, {local.summary()['mean_ms']:.1f} ms in-process: "
          f"{extra:+.1f} ms, of which {encode_ms:.1f} ms the JSON body and {extra - encode_ms:+.1f} ms "
          f"FastAPI, uvicorn and the connection)")
    print(f"http overhead, {args.clients} clients: {load_overhead:+.0%} "
          f"(latency includes waiting for one of {os.cpu_count()} cores)")
    for fmt, export in exports.items():
        print(f"export {fmt}: {export.rows} rows, {export.megabytes:.1f} MB in {export.seconds:.1f} s: "
              f"{export.rows_per_s:.0f} rows/s (first byte after {export.first_byte_s:.2f} s)")
        print(f"export {fmt}: server RSS before {export.rss_before_mb:.0f} MB, peak {export.rss_peak_mb:.0f} MB, "
              f"after {export.rss_after_mb:.0f} MB")

    p99 = loaded.summary()["p99_ms"]
    print(f"target p99 < {TARGET_P99_MS:.0f} ms ({args.clients} clients): {p99:.1f} ms: "
          f"{_verdict(p99 < TARGET_P99_MS)}")
    print(f"target RSS < {TARGET_RSS_MB:.0f} MB: peak {peak_rss:.0f} MB: {_verdict(peak_rss < TARGET_RSS_MB)}")
    print(f"target http overhead < {TARGET_OVERHEAD:.0%} (1 client): {seq_overhead:+.0%}: "
          f"{_verdict(seq_overhead < TARGET_OVERHEAD)}")
    for fmt, export in exports.items():
        flat = export.rss_peak_mb - export.rss_before_mb <= FLAT_MEMORY_MB
        print(f"target export {fmt} >= {TARGET_EXPORT_ROWS_S:.0f} rows/s: {export.rows_per_s:.0f}: "
              f"{_verdict(export.rows_per_s >= TARGET_EXPORT_ROWS_S)}")
        print(f"target export {fmt} memory flat (peak within {FLAT_MEMORY_MB:.0f} MB of before): "
              f"+{export.rss_peak_mb - export.rss_before_mb:.0f} MB: {_verdict(flat)}")
    print(f"machine after the run: load average {_load_machine()}")
    print(json.dumps({
        "documents": args.documents, "clients": args.clients, "build_s": round(built.seconds, 1),
        "build_cached": built.cached, "in_process": local.summary(), "http_sequential": sequential.summary(),
        "http_concurrent": {**loaded.summary(), "errors": loaded.errors}, "server_peak_rss_mb": round(peak_rss, 1),
        "server_cpu_share": round(server_cpu / loaded.wall, 2),
        "overhead_sequential": round(seq_overhead, 3), "overhead_concurrent": round(load_overhead, 3),
        "export": {fmt: {
            "rows": export.rows, "seconds": round(export.seconds, 2), "rows_per_s": round(export.rows_per_s),
            "rss_before_mb": round(export.rss_before_mb, 1), "rss_peak_mb": round(export.rss_peak_mb, 1),
            "rss_after_mb": round(export.rss_after_mb, 1)} for fmt, export in exports.items()},
    }), flush=True)


def _progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
