"""Recrawls over time: conditional requests, removals and returns, --since, resuming after a kill."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from pressarchive.sampleroom import SamplePressRoom
from tests.cli_here import run_here
from tests.conftest import CLI, REPO
from tests.mutable_site import MutableSite


def last_report(cli: CLI) -> dict[str, Any]:
    reports = sorted((cli.data / "reports").glob("crawl-*.json"))
    return json.loads(reports[-1].read_text())


def crawl(cli: CLI, profile: Path, *options: str) -> dict[str, Any]:
    cli("crawl", "--profile", str(profile), "--delay", "0", *options, check=True)
    return last_report(cli)["summaries"][0]


def by_title(cli: CLI, capsys: pytest.CaptureFixture[str]) -> dict[str, dict[str, Any]]:
    """Every document by title, as ``show --json`` gives it (in this process: a subprocess per
    document cost a minute per test)."""
    def read(*args: str) -> Any:
        code, out, err = run_here(capsys, cli.data, *args, "--json")
        assert code == 0, err
        return json.loads(out)

    return {hit["title"]: read("show", str(hit["id"])) for hit in read("search", "", "--limit", "100")["hits"]}


@pytest.fixture
def site(tmp_path: Path) -> Any:
    with MutableSite() as site:
        start = date(2019, 1, 1)
        for i in range(12):
            site.add(f"release-{i}", f"Release {i}: joint operation", f"Officers of unit {i} made arrests.",
                     start + timedelta(days=30 * i))
        (tmp_path / "site.toml").write_text(site.profile_toml())
        yield site


def test_takedown_delisting_and_return(
    cli: CLI, site: MutableSite, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    profile = tmp_path / "site.toml"
    assert crawl(cli, profile)["new"] == 12
    site.releases["release-3"].status = 404
    site.releases["release-5"].status = 410
    site.releases["release-7"].listed = False
    summary = crawl(cli, profile)
    assert summary["removed"] == 3
    assert summary["removed_by_reason"] == {"delisted": 1, "http_404": 1, "http_410": 1}
    docs = by_title(cli, capsys)
    assert len(docs) == 12, "nothing is deleted from the archive"
    assert docs["Release 3: joint operation"]["removed"]["reason"] == "http_404"
    assert docs["Release 5: joint operation"]["removed"]["reason"] == "http_410"
    assert docs["Release 7: joint operation"]["removed"]["reason"] == "delisted"
    assert "Officers of unit 3 made arrests." in docs["Release 3: joint operation"]["versions"][0]["text"]
    assert crawl(cli, profile)["removed"] == 0, "a removal is recorded once"
    site.releases["release-3"].status = 200
    site.releases["release-7"].listed = True
    summary = crawl(cli, profile)
    assert summary["restored"] == 2
    docs = by_title(cli, capsys)
    assert docs["Release 3: joint operation"]["removed"] is None
    assert docs["Release 3: joint operation"]["removals"][0]["restored"] is not None
    assert docs["Release 5: joint operation"]["removed"]["reason"] == "http_410"


def test_silent_edit_gives_a_new_version(
    cli: CLI, site: MutableSite, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    profile = tmp_path / "site.toml"
    crawl(cli, profile)
    site.releases["release-2"].text = "Officers of unit 2 made 41 arrests, not 38 as first stated."
    summary = crawl(cli, profile)
    assert (summary["changed"], summary["unchanged"]) == (1, 11)
    versions = by_title(cli, capsys)["Release 2: joint operation"]["versions"]
    assert [v["number"] for v in versions] == [1, 2] and "41 arrests" in versions[1]["text"]


def test_since_stops_following_older_listing_pages(cli: CLI, site: MutableSite, tmp_path: Path) -> None:
    summary = crawl(cli, tmp_path / "site.toml", "--since", "2019-09-01")
    assert "/news/?page=2" in site.requests and "/news/?page=3" not in site.requests
    assert summary["skipped_by_reason"]["listing_older_than_since"] == 1
    dates = [hit["published"] for hit in cli.json("search", "", "--limit", "100")["hits"]]
    assert dates and min(dates) >= "2019-09-01"


def test_recrawl_is_conditional(cli: CLI, sample_room: SamplePressRoom, tmp_path: Path) -> None:
    profile = tmp_path / "sample.toml"
    profile.write_text(sample_room.profile_toml())
    crawl(cli, profile)
    before = len(sample_room.not_modified)
    summary = crawl(cli, profile)
    assert summary["not_modified"] == 17 and summary["unchanged"] == 17
    assert len(sample_room.not_modified) - before == 17, "every release answered 304"


def wait_for_documents(database: Path, count: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if database.exists():
            try:
                with sqlite3.connect(database, timeout=1) as conn:
                    if conn.execute("select count(*) from documents").fetchone()[0] >= count:
                        return
            except sqlite3.OperationalError:
                pass
        time.sleep(0.05)
    raise AssertionError(f"fewer than {count} documents after {timeout} s")


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT])
def test_interrupted_crawl_resumes_with_nothing_lost_or_duplicated(
    cli: CLI, site: MutableSite, tmp_path: Path, how: signal.Signals, capsys: pytest.CaptureFixture[str],
) -> None:
    for i in range(12, 42):
        site.add(f"release-{i}", f"Release {i}: joint operation", f"Officers of unit {i} made arrests.",
                 date(2019, 1, 1) + timedelta(days=3 * i))
    total = len(site.releases)
    profile = tmp_path / "site.toml"
    args = [sys.executable, "-m", "pressarchive", "--data", str(cli.data), "crawl", "--profile", str(profile),
            "--delay", "0.15"]
    process = subprocess.Popen(args, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        wait_for_documents(cli.data / "archive.sqlite", 3, timeout=60)
    finally:
        os.killpg(process.pid, how)
        process.wait(timeout=60)
    stored_before = cli.json("status")["documents"]
    assert 3 <= stored_before < total - 5, "stopped mid-crawl (graceful stops finish queued pages)"
    summary = crawl(cli, profile, "--resume")
    status = cli.json("status")
    assert (status["documents"], status["versions"], status["indexed"]) == (total, total, total)
    assert summary["skipped_by_reason"]["done_before_resume"] >= stored_before - 1
    assert summary["new"] == total - stored_before
    warcs = list((cli.data / "warc").iterdir())
    assert not [path for path in warcs if path.name.endswith(".open")], "left-open WARC files were repaired"
    check = subprocess.run([Path(sys.executable).parent / "warcio", "check",
                            *[str(p) for p in warcs if p.name.endswith(".warc.gz")]],
                           capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    for doc in by_title(cli, capsys).values():
        assert len(doc["versions"]) == 1


def test_resume_without_an_unfinished_crawl_is_an_error(cli: CLI, sample_room: SamplePressRoom, tmp_path: Path) -> None:
    profile = tmp_path / "sample.toml"
    profile.write_text(sample_room.profile_toml())
    result = cli("crawl", "--profile", str(profile), "--resume")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == "error: no unfinished crawl of sample to resume"
