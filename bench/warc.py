"""Benchmark ``pressarchive import-warc``: documents/s next to single-core extraction, and memory.

A WARC file of N HTML responses (the synthetic press room of ``bench/sitegen.py``: about 40 KB
of agency markup around 600-900 words each, gzip members as other tools write them) is written
with warcio, then, in the same run:

E  single-core extraction alone: ``extract_document`` over a sample of the same bodies in this
   process, called as the import calls it (with each capture's day: htmldate's caches are
   keyed on that bound, so pages captured on many days cost more than a crawl's pages of one
   day; the figure without it is printed too), in CPU time, so other load does not count;
I  ``python -m pressarchive --data TMP import-warc FILE --workers 2`` in a subprocess: documents
   per second over the import itself (from its report) and over the whole command (start-up
   and indexing included), its CPU time with its workers' and its indexing process's, and
   the ratio import / (2 × E) (target: at least 0.8: both cores busy extracting, as a crawl
   keeps them). On a machine other work shares, the wall clock measures that work too: the
   ratio of documents per CPU second of the whole command to E (1.0: every CPU second went
   to extraction) says what the import costs beside extraction;
M  the same import of a file a quarter the size, to show the importing process's peak RSS does
   not grow with the file (the RSS of the main process and of each worker is sampled from /proc).

Usage: python bench/warc.py [--responses N] [--quick] [--keep]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

import sitegen  # noqa: E402  (bench/ helper, importable once bench/ is on the path)
from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

from pressarchive.extract import extract_document  # noqa: E402

BASE_URL = "https://police.bench.example"
CONTENT_TYPE = "text/html; charset=utf-8"
#: Pages extraction alone is timed on (spread over the file).
SAMPLE = 300
TARGET = 0.8


def write_warc(path: Path, responses: int) -> list[tuple[bytes, date]]:
    """A gzipped WARC of ``responses`` press releases; returns a sample of their bodies and
    capture days."""
    every = max(1, responses // SAMPLE)
    sample = []
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "bench/warc.py (warcio)"}))
        for number in range(responses):
            rel = sitegen.release(number, responses)
            body = sitegen.render_release(rel, responses, BASE_URL)
            day = rel.published + timedelta(days=number % 30)  # captured within a month of publication
            if number % every == 0 and len(sample) < SAMPLE:
                sample.append((body, day))
            http = StatusAndHeaders("200 OK", [("Content-Type", CONTENT_TYPE), ("Content-Length", str(len(body)))],
                                    protocol="HTTP/1.1")
            stamp = f"{day.isoformat()}T{number % 24:02d}:00:00Z"
            writer.write_record(writer.create_warc_record(
                BASE_URL + rel.path, "response", payload=io.BytesIO(body), length=len(body), http_headers=http,
                warc_headers_dict={"WARC-Date": stamp}))
    return sample


def extraction_rate(sample: list[tuple[bytes, date]], dated: bool = True) -> float:
    """Pages per CPU second of ``extract_document`` alone, in this process, called as the
    import calls it (``dated``: with each capture's day, which bounds the page's date)."""
    for body, day in sample[:2]:  # warm-up: models loaded, the dated path's first use paid
        extract_document(body, BASE_URL + "/warm-up", CONTENT_TYPE, captured=day)
    began = time.process_time()
    for body, day in sample:
        extract_document(body, BASE_URL + "/p", CONTENT_TYPE, default_language="", extractor=None, country="",
                         listed_date=None, captured=day if dated else None)
    return len(sample) / (time.process_time() - began)


class PeakRss:
    """Samples the resident memory of a process and its children from /proc until stopped."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.main = 0
        self.child = 0
        self.total = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            main = _rss(self.pid)
            children = [_rss(child) for child in _children(self.pid)]
            self.main = max(self.main, main)
            self.child = max([self.child, *children])
            self.total = max(self.total, main + sum(children))


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += [int(child) for child in task.read_text().split()]
        except OSError:
            pass
    return found


def _rss(pid: int) -> int:
    """Resident set size in bytes (0 when the process is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def import_run(data: Path, warc: Path, workers: int) -> dict[str, Any]:
    """Time one ``import-warc`` command; its report's figures, wall and CPU time, peak RSS."""
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "PYTHONPATH": str(REPO)}
    cpu_before = _children_cpu()
    began = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "pressarchive", "--data", str(data), "import-warc", "--workers", str(workers),
         "--json", str(warc)], env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = PeakRss(process.pid)
    out, err = process.communicate()
    peak.stop()
    wall, cpu = time.monotonic() - began, _children_cpu() - cpu_before
    if process.returncode != 0:
        raise SystemExit(f"import-warc failed ({process.returncode}): {err.decode()[-2000:]}")
    report = json.loads(out)
    documents = sum(report["documents"].values())
    return {
        "responses": report["responses"], "documents": documents, "skipped": report["skipped"],
        "import_seconds": report["seconds"], "documents_per_second": round(documents / report["seconds"], 1),
        "wall_seconds": round(wall, 2), "wall_documents_per_second": round(documents / wall, 1),
        "cpu_seconds": round(cpu, 2), "documents_per_cpu_second": round(documents / cpu, 1),
        "peak_rss_main_mb": round(peak.main / 2**20, 1), "peak_rss_worker_mb": round(peak.child / 2**20, 1),
        "peak_rss_total_mb": round(peak.total / 2**20, 1),
    }


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="a small run (for the test): 40 responses")
    parser.add_argument("--keep", action="store_true", help="keep the files and print where")
    args = parser.parse_args()
    full = 40 if args.quick else args.responses
    small = max(1, full // 4)
    root = Path(tempfile.mkdtemp(prefix="pressarchive-bench-warc-"))
    try:
        began = time.monotonic()
        sample = write_warc(root / "large.warc.gz", full)
        write_warc(root / "small.warc.gz", small)
        size = (root / "large.warc.gz").stat().st_size
        print(f"WARC files of {full:,} and {small:,} responses written in {time.monotonic() - began:.1f} s "
              f"({size / 2**20:.1f} MB for {full:,})")
        rate = extraction_rate(sample)
        undated = extraction_rate(sample, dated=False)
        print(f"E  single-core extraction: {rate:.1f} documents/s (CPU time, {len(sample)} pages, each with its "
              f"capture day as the import passes it; {undated:.1f}/s without)")
        large = import_run(root / "data-large", root / "large.warc.gz", args.workers)
        ratio = large["documents_per_second"] / (args.workers * rate)
        cpu_ratio = large["documents_per_cpu_second"] / rate
        print(f"I  import-warc --workers {args.workers}, {full:,} responses: {large}")
        print(f"   import / ({args.workers} x single-core) = {ratio:.2f} (target {TARGET}); "
              f"per CPU second: import / single-core = {cpu_ratio:.2f}; load average {os.getloadavg()[0]:.1f}")
        small_run = import_run(root / "data-small", root / "small.warc.gz", args.workers)
        print(f"M  peak RSS, main process: {small_run['peak_rss_main_mb']} MB at {small:,} responses, "
              f"{large['peak_rss_main_mb']} MB at {full:,}; per worker: {small_run['peak_rss_worker_mb']} / "
              f"{large['peak_rss_worker_mb']} MB")
        print(json.dumps({"responses": full, "cpus": os.cpu_count(), "workers": args.workers,
                          "extraction_single_core": round(rate, 1),
                          "extraction_single_core_undated": round(undated, 1), "import": large,
                          "ratio": round(ratio, 2),
                          "cpu_ratio": round(cpu_ratio, 2), "load_average": round(os.getloadavg()[0], 1),
                          "small": {"responses": small, **small_run}}))
    finally:
        if args.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
