"""bench/warc.py --quick runs end to end: a generated WARC imported whole, figures printed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_quick_bench_imports_every_response_and_prints_its_figures() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, str(REPO / "bench" / "warc.py"), "--quick"], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=600, check=True)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    large, small = figures["import"], figures["small"]
    assert figures["extraction_single_core"] > 0 and figures["ratio"] > 0
    # Every generated release is a document, in both files: none is a duplicate or refused. (On a
    # machine loaded enough, a page can run over the workers' 10-second budget while they warm up.)
    for run, responses in ((large, figures["responses"]), (small, figures["responses"] // 4)):
        assert run["responses"] == responses and set(run["skipped"]) <= {"extraction_timeout"}
        assert run["documents"] + sum(run["skipped"].values()) == responses and run["documents"] >= responses - 2
    assert 0 < large["peak_rss_main_mb"] and 0 < small["peak_rss_main_mb"] and large["peak_rss_worker_mb"] > 0
    assert "import / (2 x single-core)" in done.stdout
