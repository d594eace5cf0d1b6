"""Time exports through the real HTTP server and watch its memory while it streams them.

Builds (or reuses, with ``--data``) an archive of ``--docs`` synthetic releases
(bench/archivecorpus.py), starts ``pressarchive serve`` on 127.0.0.1 in its own process, warms
it up (a search and a small export), then downloads ``/api/export`` of every document as CSV
and as JSON Lines, and of a smaller search (one language, about a tenth of the archive), each
read and parsed by the client as it arrives. The server's resident memory is sampled from
/proc every 10 ms throughout: per export the script prints rows, seconds, rows/s, the RSS
before it, the peak during it and at each quarter of the rows, so flat memory shows as equal
growth for 10,000 and 100,000 rows. Then the same full CSV export in-process (no HTTP:
``pressarchive.exports.export_search`` drained), the exporter's own cost. Targets: at least
5,000 rows/s, and the growth of a 100,000-row export no larger than that of a tenth of it
plus a few MB. The last line is JSON.

Usage: python bench/export.py [--docs 100000] [--data DIR] [--keep]
"""

from __future__ import annotations

import argparse
import csv
import http.client
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from archivecorpus import build_archive  # noqa: E402  (bench/ helper)

from pressarchive.datadir import DataDir  # noqa: E402
from pressarchive.exports import export_search  # noqa: E402
from pressarchive.service import ArchiveService, build_request  # noqa: E402

TARGET_ROWS_PER_S = 5_000
SAMPLE_SECONDS = 0.01
EXPORTS = {  # name -> query string
    "csv_all": "format=csv",
    "jsonl_all": "format=jsonl",
    "csv_one_language": "format=csv&language=fr",
}


class RssWatch:
    """Samples a process's resident set size (from /proc) on a thread, in MB."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.samples: list[tuple[float, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def now(self) -> float:
        with open(f"/proc/{self.pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS")

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append((time.monotonic(), self.now()))
            time.sleep(SAMPLE_SECONDS)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def peak(self, since: float, until: float) -> float:
        return max((rss for moment, rss in self.samples if since <= moment <= until), default=0.0)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(data: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(BENCH.parent)}
    command = [sys.executable, "-m", "pressarchive", "--data", str(data), "serve", "--host", "127.0.0.1",
               "--port", str(port)]
    server = subprocess.Popen(command, env=env, cwd=BENCH.parent)
    deadline = time.monotonic() + 600  # opening may refill a missing index
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with {server.returncode}")
        try:
            if get(port, "/api/status")[0] == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not start")


def get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def timed_export(port: int, query: str, watch: RssWatch) -> dict[str, Any]:
    """Download one export, parsing rows as they arrive; RSS before, peak, and at each quarter."""
    before = watch.now()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    started = time.monotonic()
    conn.request("GET", f"/api/export?{query}")
    response = conn.getresponse()
    if response.status != 200:
        raise SystemExit(f"export {query} answered {response.status}: {response.read()[:300]!r}")
    expected = int(response.headers["X-Total-Count"])
    quarters = {expected * q // 4 for q in (1, 2, 3)}
    at_quarter: list[float] = []
    text = io.TextIOWrapper(response, encoding="utf-8", newline="")  # type: ignore[arg-type]
    rows = 0
    if "format=csv" in query:
        reader = csv.reader(text)
        next(reader)  # the header
        for _row in reader:
            rows += 1
            if rows in quarters:
                at_quarter.append(watch.now())
    else:
        for line in text:
            json.loads(line)
            rows += 1
            if rows in quarters:
                at_quarter.append(watch.now())
    elapsed = time.monotonic() - started
    conn.close()
    peak = watch.peak(started, time.monotonic())
    if rows != expected:
        raise SystemExit(f"export {query}: {rows} rows, X-Total-Count said {expected}")
    return {
        "rows": rows, "seconds": round(elapsed, 2), "rows_per_s": round(rows / elapsed),
        "rss_before_mb": round(before, 1), "rss_peak_mb": round(peak, 1), "rss_growth_mb": round(peak - before, 1),
        "rss_at_quarters_mb": [round(rss, 1) for rss in at_quarter],
    }


def in_process(data: Path) -> dict[str, Any]:
    """The full CSV export without HTTP: ids from the index, rows from the store, bytes counted."""
    service = ArchiveService(DataDir(data), query_time_limit=60)  # a cold first search may take seconds
    try:
        service.open_index()
        service.search(build_request(""))  # warmed up as the server was
        started = time.monotonic()
        made = export_search(service, build_request(""), "csv")
        size = sum(len(chunk) for chunk in made.chunks)
        elapsed = time.monotonic() - started
    finally:
        service.close()
    return {"rows": made.count, "seconds": round(elapsed, 2), "rows_per_s": round(made.count / elapsed),
            "mb": round(size / 2**20, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--data", type=Path, help="Reuse (or build once into) this data directory.")
    parser.add_argument("--keep", action="store_true", help="Keep the archive built in a temporary directory.")
    args = parser.parse_args()
    temporary = args.data is None
    root = args.data or Path(tempfile.mkdtemp(prefix="pressarchive-export-bench-")) / "data"
    if not (root / "archive.sqlite").exists():
        started = time.monotonic()
        build_archive(root, args.docs, progress=lambda message: print(message, flush=True))
        print(f"archive of {args.docs:,} documents built in {time.monotonic() - started:.0f} s", flush=True)
    port = free_port()
    server = start_server(root, port)
    watch = RssWatch(server.pid)
    try:
        get(port, "/api/search?q=")
        get(port, "/api/export?format=csv&year=2011")  # warm-up: every code path imported once
        watch.start()
        results = {}
        for name, query in EXPORTS.items():
            results[name] = timed_export(port, query, watch)
            print(name, results[name], flush=True)
    finally:
        watch.stop()
        server.terminate()
        server.wait()
    results["in_process_csv_all"] = in_process(root)
    print("in_process_csv_all", results["in_process_csv_all"], flush=True)
    full, tenth = results["csv_all"], results["csv_one_language"]
    print(f"full CSV export: {full['rows']:,} rows at {full['rows_per_s']:,} rows/s "
          f"(target {TARGET_ROWS_PER_S:,}: {'met' if full['rows_per_s'] >= TARGET_ROWS_PER_S else 'NOT met'}); "
          f"server RSS +{full['rss_growth_mb']} MB at peak, +{tenth['rss_growth_mb']} MB for "
          f"{tenth['rows']:,} rows")
    if temporary and not args.keep:
        shutil.rmtree(root.parent, ignore_errors=True)
    print(json.dumps({"docs": results["csv_all"]["rows"], **results}))


if __name__ == "__main__":
    main()
