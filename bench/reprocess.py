"""Benchmark ``pressarchive reprocess``: pages per second over an archive of real WARC records.

An archive of N releases of the synthetic press room (``bench/sitegen.py``: about 40 KB of
agency markup around 600-900 words each) is written the way a crawl writes it: one WARC file
of request/response records, a capture row per response, and a document whose version an
"older extractor" made (the title only as text, no countries, agencies or figures), so the
first reprocess finds every document changed. Then, in the same run:

E  single-core extraction: ``extract_document`` on a sample of the pages (the two-core limit
   is about 2 E, minus what reading, comparing and saving take);
1  ``python -m pressarchive --data TMP reprocess`` in a subprocess: every document changed;
2  the same again: every document unchanged (the steady state after an extractor release).

For 1 and 2 it prints the run's own pages/s (from its report), the wall time of the whole
command (start-up, worker warm-up and indexing included) and its CPU time with its workers'
(on a machine shared with other work, pages per CPU second says more than the wall clock),
and a last line of JSON.

Usage: python bench/reprocess.py [--releases N] [--keep]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

import sitegen  # noqa: E402  (bench/ helper, importable once bench/ is on the path)

from pressarchive.datadir import prepare_data_dir, resolve_data_dir  # noqa: E402
from pressarchive.extract import extract_document  # noqa: E402
from pressarchive.record import Document  # noqa: E402
from pressarchive.store import Archive, Capture  # noqa: E402
from pressarchive.warc import Exchange, RotatingWarcWriter  # noqa: E402

BASE_URL = "http://127.0.0.1:8000"
SAMPLE = 60


def build_archive(root: Path, releases: int) -> list[bytes]:
    """The archive of ``releases`` captures; returns the pages (for the extraction sample)."""
    data = prepare_data_dir(resolve_data_dir(root))
    archive = Archive(data.database_url)
    archive.upsert_source("benchroom", title="Bench press room", language="en")
    writer = RotatingWarcWriter(data.warc_dir, prefix="pressarchive-benchroom")
    pages = []
    started = datetime(2024, 1, 1)
    try:
        for number in range(releases):
            rel = sitegen.release(number, releases)
            body = sitegen.render_release(rel, releases, BASE_URL)
            pages.append(body)
            url = BASE_URL + rel.path
            when = started + timedelta(seconds=number)
            location = writer.write(Exchange(
                url=url, method="GET", request_headers=[], status=200, reason="OK",
                response_headers=[("Content-Type", "text/html; charset=utf-8")], body=body,
                captured_at=when.replace(tzinfo=UTC),
            ))
            capture_id = archive.record_capture(Capture(
                source="benchroom", url=url, status=200, content_type="text/html; charset=utf-8",
                length=len(body), captured_at=when, payload_sha256=hashlib.sha256(body).hexdigest(),
                warc_file=location.warc_file, warc_offset=location.offset,
            ))
            archive.save_document(Document(url=url, title=rel.title, text=rel.title, language=rel.lang,
                                           source="benchroom"), capture_id)
    finally:
        writer.close()
        archive.close()
    return pages


def extraction_rate(pages: list[bytes]) -> float:
    sample = pages[:: max(1, len(pages) // SAMPLE)][:SAMPLE]
    extract_document(sample[0], BASE_URL + "/warm-up", "text/html")
    began = time.process_time()
    for body in sample:
        extract_document(body, BASE_URL + "/p", "text/html; charset=utf-8")
    return len(sample) / (time.process_time() - began)


def reprocess(root: Path) -> dict[str, Any]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    began, cpu_before = time.monotonic(), _children_cpu()
    subprocess.run([sys.executable, "-m", "pressarchive", "--data", str(root), "reprocess"],
                   check=True, env=env, cwd=REPO, capture_output=True)
    wall, cpu = time.monotonic() - began, _children_cpu() - cpu_before
    newest = max((root / "reports").glob("reprocess-*.json"), key=lambda path: path.stat().st_mtime)
    report = json.loads(newest.read_text("utf-8"))
    return {"seen": report["seen"], "changed": report["changed"], "unchanged": report["unchanged"],
            "failed": report["failed"], "pages_per_second": report["pages_per_second"],
            "wall_seconds": round(wall, 2), "wall_pages_per_second": round(report["seen"] / wall, 1),
            "cpu_seconds": round(cpu, 2), "pages_per_cpu_second": round(report["seen"] / cpu, 1)}


def _children_cpu() -> float:
    """CPU seconds of the finished children and their waited-for workers (the whole command)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--releases", type=int, default=500)
    parser.add_argument("--keep", action="store_true", help="keep the data directory and print its path")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="pressarchive-bench-reprocess-"))
    try:
        began = time.monotonic()
        pages = build_archive(root, args.releases)
        print(f"archive of {args.releases} captures built in {time.monotonic() - began:.1f} s")
        rate = extraction_rate(pages)
        print(f"E  single-core extraction: {rate:.1f} pages/s (CPU time)")
        first = reprocess(root)
        print(f"1  reprocess, all changed:   {first}")
        second = reprocess(root)
        print(f"2  reprocess, all unchanged: {second}")
        print(json.dumps({"releases": args.releases, "cpus": os.cpu_count(), "extraction_single_core": round(rate, 1),
                          "changed_run": first, "unchanged_run": second}))
    finally:
        if args.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
