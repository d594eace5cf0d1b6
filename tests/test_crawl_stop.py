"""A crawl under hostile pages and signals: a page over its budget or one that overflows the
parser's recursion is a counted error and the crawl goes on; Ctrl-C ends a crawl within 5 s
however slow its politeness delay, and the run resumes."""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CLI, REPO
from tests.hostile_inputs_site import pdf_file
from tests.loopback import pages_handler, serve
from tests.mutable_site import MutableSite

RELEASE = (b"<html lang='en'><head><title>Operation Lantern: twelve arrests</title></head><body><article>"
           b"<h1>Operation Lantern: twelve arrests</h1><time datetime='2024-03-02'>2 March 2024</time>"
           + b"<p>Officers of four countries arrested twelve suspects in a joint operation against fraud.</p>" * 6
           + b"</article></body></html>")


def nested_array_pdf(depth: int = 5000) -> bytes:
    """A one-page PDF whose content stream opens ``depth`` arrays: pypdf's parser recurses once
    per level and overflows Python's stack (a RecursionError, not one of pypdf's errors)."""
    content = b"BT /F1 12 Tf 72 700 Td (Officers arrested two suspects) Tj " + b"[" * depth + b"]" * depth + b" ET"
    return pdf_file([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])


PAGES = {
    "/robots.txt": ("text/plain", b"User-agent: *\n"),
    "/news/": ("text/html; charset=utf-8",
               b"<html><body><a href='/news/releases/lantern'>Lantern</a> "
               b"<a href='/news/releases/statement.pdf'>Statement</a></body></html>"),
    "/news/releases/lantern": ("text/html; charset=utf-8", RELEASE),
    "/news/releases/statement.pdf": ("application/pdf", nested_array_pdf()),
}


@pytest.fixture(scope="module")
def pdf_site() -> Iterator[str]:
    def answer(path: str) -> tuple[int, str, bytes]:
        kind, body = PAGES.get(path, ("text/plain", b""))
        return (200 if path in PAGES else 404), kind, body

    with serve(pages_handler(answer)) as base:
        yield base


def crawl_pdf_site(cli: CLI, base: str, tmp_path: Path, *settings: str) -> dict[str, Any]:
    profile = tmp_path / "site.toml"
    profile.write_text(f'name = "site"\nlanguage = "en"\nstart_urls = ["{base}/news/"]\n'
                       f"article = ['/news/releases/']\n", "utf-8")
    options = [option for setting in settings for option in ("--set", setting)]
    result = cli("crawl", "--profile", str(profile), "--delay", "0", *options, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    (report,) = [json.loads(path.read_text("utf-8")) for path in (cli.data / "reports").glob("crawl-*.json")]
    summary: dict[str, Any] = report["summaries"][0]
    return summary


@pytest.mark.parametrize("workers", ["2", "0"])
def test_a_pdf_that_overflows_the_parser_s_recursion_is_a_counted_error(
    cli: CLI, pdf_site: str, tmp_path: Path, workers: str,
) -> None:
    summary = crawl_pdf_site(cli, pdf_site, tmp_path, f"PRESSARCHIVE_EXTRACT_WORKERS={workers}")
    assert summary["errors_by_kind"] == {"extraction": 1}
    assert summary["new"] == 1
    assert [hit["title"] for hit in cli.json("search", "lantern")["hits"]] == ["Operation Lantern: twelve arrests"]


def test_pages_over_their_time_are_counted_and_the_crawl_goes_on(cli: CLI, pdf_site: str, tmp_path: Path) -> None:
    # No extraction, not even of a small page, fits in a millisecond: every page is given up,
    # each time with its worker killed and a new one started for the next page.
    summary = crawl_pdf_site(cli, pdf_site, tmp_path, "PRESSARCHIVE_EXTRACT_TIMEOUT=0.001",
                             "PRESSARCHIVE_EXTRACT_WORKERS=1")
    assert summary["errors_by_kind"] == {"extraction_timeout": 2}
    assert summary["finish_reason"] == "finished"


def _documents(database: Path) -> int:
    import sqlite3

    try:
        with sqlite3.connect(database, timeout=0.1) as db:
            return int(db.execute("SELECT count(*) FROM documents").fetchone()[0])
    except sqlite3.OperationalError:  # not created yet, or busy
        return 0


@pytest.mark.parametrize(("signum", "exit_status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_ctrl_c_ends_a_crawl_with_a_long_delay_within_5_seconds_and_it_resumes(
    cli: CLI, tmp_path: Path, signum: int, exit_status: int,
) -> None:
    with MutableSite() as site:
        for i in range(20):
            site.add(f"release-{i}", f"Release {i}: joint operation", f"Officers of unit {i} made arrests.",
                     date(2019, 1, 1) + timedelta(days=3 * i))
        profile = tmp_path / "site.toml"
        profile.write_text(site.profile_toml())
        args = [sys.executable, "-m", "pressarchive", "--data", str(cli.data), "crawl", "--profile", str(profile),
                "--delay", "3"]
        process = subprocess.Popen(args, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                   start_new_session=True)
        try:
            deadline = time.monotonic() + 90
            while _documents(cli.data / "archive.sqlite") < 1 and time.monotonic() < deadline:
                time.sleep(0.1)
        finally:
            signalled = time.monotonic()
            os.killpg(process.pid, signum)  # SIGINT to the group is what Ctrl-C in a terminal does
            _out, err = process.communicate(timeout=60)
        took = time.monotonic() - signalled
        assert took < 5.0, f"the crawl took {took:.1f} s to stop"
        assert "Traceback" not in err
        counts = cli.json("status")
        assert 1 <= counts["documents"] < 20
        (report,) = [json.loads(path.read_text("utf-8")) for path in (cli.data / "reports").glob("crawl-*.json")]
        assert report["status"] == "interrupted"
        # The person (or cron) is told too: one line, and the exit status a shell gives such a stop.
        resume = shlex.join(["pressarchive", "--data", str(cli.data), "crawl", "--profile", str(profile), "--resume"])
        assert err.strip().splitlines()[-1] == (
            f"interrupted: run {report['run']} stopped before it finished; `{resume}` continues it"
        )
        assert process.returncode == exit_status

        cli("crawl", "--profile", str(profile), "--delay", "0", "--resume", check=True)
    status = cli.json("status")
    assert (status["documents"], status["versions"], status["indexed"]) == (20, 20, 20)
    assert cli("check").returncode == 0


def _descendants(pid: int) -> int:
    """How many processes descend from ``pid`` (workers are children of the fork server)."""
    tasks = Path(f"/proc/{pid}/task")
    try:
        children = [int(child) for task in tasks.iterdir() for child in (task / "children").read_text().split()]
    except OSError:  # a thread or the process ended while being read
        return 0
    return len(children) + sum(_descendants(child) for child in children)


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc to see the workers start")
def test_ctrl_c_while_the_crawl_starts_is_an_interruption_too(cli: CLI, pdf_site: str, tmp_path: Path) -> None:
    # The signal lands once multiprocessing's resource tracker, the fork server, the two
    # extraction workers and the indexing process all run: the workers start on threads of
    # their own while the crawl starts. It used to raise KeyboardInterrupt inside Twisted (a
    # traceback, then a crawl that went on to exit 0) or in a worker still importing (a traceback).
    profile = tmp_path / "site.toml"
    profile.write_text(f'name = "site"\nlanguage = "en"\nstart_urls = ["{pdf_site}/news/"]\n'
                       "article = ['/news/releases/']\n", "utf-8")
    args = [sys.executable, "-m", "pressarchive", "--data", str(cli.data), "crawl", "--profile", str(profile),
            "--delay", "3", "--set", "PRESSARCHIVE_EXTRACT_WORKERS=2"]
    process = subprocess.Popen(args, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while _descendants(process.pid) < 5 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.005)
        # Both workers forked; a Ctrl-C in the milliseconds of a start itself is lost (see
        # processes._sigint_ignored_by_children), so the signal comes just after.
        time.sleep(0.05)
    finally:
        os.killpg(process.pid, signal.SIGINT)
        _out, err = process.communicate(timeout=60)
    assert "Traceback" not in err
    assert process.returncode == 130, err[-2000:]
    assert err.strip().splitlines()[-1].startswith("interrupted: run 1 stopped before it finished; ")
    (report,) = [json.loads(path.read_text("utf-8")) for path in (cli.data / "reports").glob("crawl-*.json")]
    assert report["status"] == "interrupted"


def test_scrapy_internals_the_bounded_stop_relies_on_are_still_there() -> None:
    """BoundedStopCrawlerProcess overrides and calls two private methods of Scrapy's
    CrawlerProcess (pinned to the tested minor version in pyproject.toml); if a Scrapy
    upgrade renames them, Ctrl-C would silently fall back to Scrapy's slow graceful stop."""
    import inspect

    from scrapy.crawler import CrawlerProcess

    for name, parameters in (("_signal_shutdown", ["self", "signum", "_"]), ("_stop_reactor", ["self", "_"])):
        method = getattr(CrawlerProcess, name, None)
        assert method is not None, f"Scrapy's CrawlerProcess.{name} is gone: update crawler/stopping.py"
        assert list(inspect.signature(method).parameters) == parameters, f"CrawlerProcess.{name} changed"
