"""bench/web.py still runs: a tiny archive, a server, every figure it promises printed.

The benchmark is run as people run it (a subprocess of the project's Python) in its quick mode:
500 documents, 2 clients, 40 requests. The figures are not compared with targets here (they
depend on the machine); what is checked is that each figure line is there, that the requests
all succeeded, that the profile names its stages, and that each export (CSV, JSON Lines) is
timed over every document.
The archive builder itself is checked in tests/test_bench_archive.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIGURE_LINES = (
    "machine: ", "archive: 500 documents in ", "server: pid ", "in-process (ArchiveService.search): ",
    "http, 1 client in sequence: ", "in-process JSON body ", "http, 2 clients: ",
    "server CPU during the 2-client pass: ", "server RSS: peak ",
    "p50 / p99 ms by kind:", "http overhead, 1 client: ", "http overhead, 2 clients: ",
    "export csv: ", "export jsonl: ",
    "target p99 < 250 ms", "target RSS < 400 MB", "target http overhead < 20%",
    "profile of one in-process pass (24 searches", "  facet counts ", "  hits: stored fields + snippets ",
)


def test_quick_run_prints_every_figure(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "web.py"), "--quick", "--profile", "--data", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    lines = run.stdout.splitlines()
    for start in FIGURE_LINES:
        assert any(line.startswith(start) for line in lines), (start, run.stdout)
    figures = json.loads(lines[-1])
    assert figures["documents"] == 500
    assert figures["http_concurrent"]["requests"] == 40
    assert figures["http_concurrent"]["errors"] == {}
    assert figures["in_process"]["requests"] == figures["http_sequential"]["requests"] == 24
    assert 0 < figures["server_peak_rss_mb"] < 10_000
    assert all(figures[name]["p99_ms"] > 0 for name in ("in_process", "http_sequential", "http_concurrent"))

    assert (tmp_path / "archive-500-seed7" / "bench-archive.json").exists()
    for fmt in ("csv", "jsonl"):
        assert figures["export"][fmt]["rows"] == 500, run.stdout
        assert any(line.startswith(f"target export {fmt} >= 5000 rows/s") for line in lines)
