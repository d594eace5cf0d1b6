"""bench/web.py still runs: a tiny archive, a server, every figure it promises printed.

The benchmark is run as people run it (a subprocess of the project's Python) in its quick mode:
500 documents, 2 clients, 40 requests. The figures are not compared with targets here (they
depend on the machine); what is checked is that each figure line is there, that the requests
all succeeded, that the profile names its stages, and that the export is either timed over
every document or reported absent only when the app has no export route.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pressarchive.datadir import DataDir
from pressarchive.index import SearchIndex

ROOT = Path(__file__).resolve().parents[1]
FIGURE_LINES = (
    "machine: ", "archive: 500 documents in ", "server: pid ", "in-process (ArchiveService.search): ",
    "http, 1 client in sequence: ", "in-process JSON body ", "http, 2 clients: ",
    "server CPU during the 2-client pass: ", "server RSS: peak ",
    "p50 / p99 ms by kind:", "http overhead, 1 client: ", "http overhead, 2 clients: ", "export: ",
    "target p99 < 250 ms", "target RSS < 400 MB", "target http overhead < 20%",
    "profile of one in-process pass (24 searches", "  facet counts ", "  hits: stored fields + snippets ",
)


def _has_export_route(data: DataDir) -> bool:
    from pressarchive.web import create_app

    app = create_app(data)
    return any(getattr(route, "path", "") == "/api/export" for route in app.routes)


def test_quick_run_prints_every_figure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
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

    data = DataDir(tmp_path / "web-500-seed7")
    if _has_export_route(data):
        assert figures["export"]["rows"] == 500, run.stdout
        assert any(line.startswith("target export >= 5000 rows/s") for line in lines)
    else:
        assert figures["export"] is None
        assert "export: not available in this checkout" in lines

    # A second run would reuse the archive instead of building it again.
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    from webarchive import build_archive

    cached = build_archive(tmp_path, 500)
    assert cached.cached and cached.data == data
    # ... and one the server opens as it is: an index awaiting a refill would be rebuilt at
    # every start, and the benchmark would time that instead.
    index = SearchIndex(data.index_dir)
    try:
        assert not index.recreated
        assert index.count() == 500
    finally:
        index.close()
