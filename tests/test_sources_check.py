"""``pressarchive sources``: the list with archive counts, and ``--check`` against live sites.

Checks run against the sample press room on loopback (ok), a closed port (unreachable) and
profiles that no longer fit it (changed). Verdict rules are also tested on hand-made records.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest

from pressarchive.discovery.checks import EntryCheck, SourceCheck
from pressarchive.sampleroom import SamplePressRoom
from tests.conftest import CLI


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _profile(tmp_path: Path, name: str, **fields: Any) -> Path:
    lines = [f'name = "{name}"'] + [f"{key} = {json.dumps(value)}" for key, value in fields.items()]
    path = tmp_path / f"{name}.toml"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def _check(cli: CLI, *profiles: Path) -> tuple[int, list[dict[str, Any]], str]:
    args = ["sources", "--check", "--json", "--delay", "0"]
    for path in profiles:
        args += ["--profile", str(path)]
    result = cli(*args)
    return result.returncode, json.loads(result.stdout), result.stderr


# -- verdict rules ----------------------------------------------------------------------------

def _entry(kind: str = "listing", status: int = 200, matched: int = 1, fmt: str = "html",
           error: str = "") -> EntryCheck:
    return EntryCheck(kind=kind, url="https://x.example/", status=status, format=fmt, found=matched,
                      matched=matched, error=error, done=True)


@pytest.mark.parametrize(("entries", "verdict"), [
    ([_entry(), _entry("feed", fmt="rss")], "ok"),
    ([_entry(), _entry(matched=0)], "changed"),
    ([_entry(), _entry("feed", fmt="")], "changed"),
    ([_entry(status=404, error="HTTP 404")], "changed"),
    ([_entry(status=0, error="forbidden by robots.txt")], "changed"),
    ([_entry(status=0, error="connection refused")], "unreachable"),
    ([_entry(status=503, error="HTTP 503")], "unreachable"),
    ([_entry(status=0, error="timed out"), _entry(matched=0)], "changed"),  # changed wins
])
def test_verdicts(entries: list[EntryCheck], verdict: str) -> None:
    report = SourceCheck(name="x", entries=entries)
    assert report.verdict == verdict
    assert bool(report.reason) == (verdict != "ok")


def test_sitemap_index_is_judged_by_its_children() -> None:
    index = _entry("sitemap", fmt="sitemapindex", matched=0)
    index.children = [_entry("sitemap", fmt="urlset", matched=0), _entry("sitemap", fmt="urlset", matched=5)]
    assert index.state == "ok" and index.total_matched == 5
    index.children = [_entry("sitemap", status=0, error="timed out")]
    assert index.state == "unreachable"


def test_missing_robots_txt_is_fine() -> None:
    report = SourceCheck(name="x", entries=[_entry()], robots=[_entry("robots", status=404, error="HTTP 404")])
    assert report.robots[0].state == "ok" and report.verdict == "ok"


# -- --check on loopback ----------------------------------------------------------------------

def test_check_sample_room_ok(sample_room: SamplePressRoom, cli: CLI, tmp_path: Path) -> None:
    profile = tmp_path / "sample.toml"
    profile.write_text(sample_room.profile_toml(), "utf-8")
    before = len(sample_room.requests)
    code, [report], stderr = _check(cli, profile)
    assert code == 0, stderr
    assert report["name"] == "sample" and report["verdict"] == "ok" and report["reason"] is None
    kinds = {entry["kind"]: entry for entry in report["entries"]}
    assert set(kinds) == {"listing", "sitemap", "feed"}
    assert all(entry["state"] == "ok" and entry["status"] == 200 for entry in report["entries"])
    assert kinds["sitemap"]["format"] == "sitemapindex" and kinds["sitemap"]["matched"] == 16
    assert kinds["feed"]["matched"] == 6 and kinds["listing"]["follow"] >= 2
    assert report["robots"][0]["state"] == "ok"
    requests = sample_room.requests[before:]
    assert not [path for path in requests if path.startswith(("/press/releases/", "/press/drafts/", "/media/"))]
    assert not (cli.data).exists()  # nothing archived, no data directory made


def test_check_table_and_closed_port_unreachable(sample_room: SamplePressRoom, cli: CLI, tmp_path: Path) -> None:
    sample = tmp_path / "sample.toml"
    sample.write_text(sample_room.profile_toml(), "utf-8")
    base = f"http://127.0.0.1:{_closed_port()}"
    closed = _profile(tmp_path, "closed", start_urls=[f"{base}/press/"], feed_urls=[f"{base}/feed.xml"],
                      article=["/press/releases/"])
    result = cli("sources", "--check", "--profile", str(sample), "--profile", str(closed), "--delay", "0")
    assert result.returncode == 1
    assert "sample: ok" in result.stdout
    assert "closed: unreachable" in result.stdout and "connection refused" in result.stdout
    assert result.stderr.startswith("error: 1 of 2 sources failed the check: closed unreachable")


def test_check_article_that_no_longer_matches_is_changed(
    sample_room: SamplePressRoom, cli: CLI, tmp_path: Path,
) -> None:
    fields = sample_room.profile()
    fields["article"] = [r"/media-press/newsroom/news/[^/?#]+$"]  # the site moved its releases
    fields.pop("name")
    code, [report], _ = _check(cli, _profile(tmp_path, "moved", **fields))
    assert code == 1 and report["verdict"] == "changed"
    assert {entry["state"] for entry in report["entries"]} == {"no-match"}
    assert report["reason"].startswith(f"listing {sample_room.base_url}/press/: no-match")


def test_check_gone_and_forbidden_entry_points_are_changed(
    sample_room: SamplePressRoom, cli: CLI, tmp_path: Path,
) -> None:
    base = sample_room.base_url
    profile = _profile(tmp_path, "gone", start_urls=[f"{base}/press/drafts/", f"{base}/old-press/"],
                       feed_urls=[f"{base}/about.html"], article=["/press/releases/"])
    code, [report], _ = _check(cli, profile)
    assert code == 1 and report["verdict"] == "changed"
    states = [(entry["url"].removeprefix(base), entry["state"], entry["detail"]) for entry in report["entries"]]
    assert states == [
        ("/press/drafts/", "blocked", "forbidden by robots.txt"),
        ("/old-press/", "http-error", "HTTP 404"),
        ("/about.html", "unparsable", "not a feed"),
    ]


def test_check_unknown_builtin_and_usage_errors(cli: CLI) -> None:
    unknown = cli("sources", "--check", "no-such-source")
    assert unknown.returncode == 1 and unknown.stderr.startswith("error: unknown source 'no-such-source'")
    misuse = cli("sources", "--profile", "x.toml")
    assert misuse.returncode == 2 and "only apply with --check" in misuse.stderr


# -- the list ---------------------------------------------------------------------------------

def test_sources_list_without_archive(cli: CLI) -> None:
    rows = cli.json("sources")
    assert rows and all(row["builtin"] and row["documents"] == 0 and row["last_crawl"] is None for row in rows)
    assert {"europol", "policia-nacional"} <= {row["name"] for row in rows}
    assert not cli.data.exists()  # listing does not create an archive


def test_sources_list_shows_archive_counts_after_a_crawl(crawled: dict[str, Any]) -> None:
    cli = crawled["cli"]
    rows = {row["name"]: row for row in cli.json("sources")}
    sample = rows["sample"]
    assert sample["documents"] == 17 and not sample["builtin"]
    assert sample["country"] == "ES" and sample["language"] == "es"
    assert rows["europol"]["documents"] == 0
    table = cli("sources", check=True).stdout
    line = next(line for line in table.splitlines() if "sample (profile file)" in line)
    assert "17" in line and "ES" in line
    if sample["last_crawl"]:  # recorded by the store's crawl runs
        assert sample["last_crawl"][:10] in line


def test_check_reports_redirects(sample_room: SamplePressRoom, cli: CLI, tmp_path: Path) -> None:
    base = sample_room.base_url
    profile = _profile(tmp_path, "moved-slash", start_urls=[f"{base}/press"], article=["/press/releases/"])
    code, [report], _ = _check(cli, profile)
    [entry] = report["entries"]
    assert code == 0 and entry["state"] == "ok"
    assert entry["redirects"] == [301] and entry["status"] == 200 and entry["final_url"] == f"{base}/press/"
