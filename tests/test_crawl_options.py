"""Crawl options on loopback, each into its own fresh data directory: --since, --max-pages, add."""

from __future__ import annotations

import re
from pathlib import Path

from pressarchive.sampleroom import SamplePressRoom
from tests.conftest import CLI

KESTREL_IT = "/press/releases/2019/operazione-kestrel-39-arresti-abusi-online-su-minori.html"


def crawl(cli: CLI, room: SamplePressRoom, tmp_path: Path, *options: str):  # type: ignore[no-untyped-def]
    profile = tmp_path / "sample.toml"
    profile.write_text(room.profile_toml(), "utf-8")
    return cli("crawl", "--profile", str(profile), "--delay", "0", *options, check=True)


def test_since_skips_older_releases(cli: CLI, sample_room: SamplePressRoom, tmp_path: Path) -> None:
    result = crawl(cli, sample_room, tmp_path, "--since", "2019-10-01")
    dates = [hit["published"] for hit in cli.json("search", "", "--limit", "100")["hits"]]
    assert len(dates) == 7 and min(dates) >= "2019-10-01"
    assert "older_than_since" in result.stderr


def test_max_pages_stops_the_crawl(cli: CLI, sample_room: SamplePressRoom, tmp_path: Path) -> None:
    result = crawl(cli, sample_room, tmp_path, "--max-pages", "5")
    fetched = int(re.search(r"│ sample\s+│\s+(\d+)\s+│", result.stderr).group(1))  # type: ignore[union-attr]
    assert fetched == 6, "five pages and robots.txt"
    assert "max_pages" in result.stderr
    assert cli.json("status")["documents"] < 17


def test_add_captures_one_page_without_following_links(cli: CLI, sample_room: SamplePressRoom) -> None:
    before = len(sample_room.requests)
    url = f"{sample_room.base_url}{KESTREL_IT}?utm_source=newsletter"
    cli("add", url, "--delay", "0", check=True)
    requests = sample_room.requests[before:]
    assert sorted(requests) == sorted(["/robots.txt", KESTREL_IT])
    (hit,) = cli.json("search", "arresti")["hits"]
    assert hit["source"] == "added" and hit["url"] == f"{sample_room.base_url}{KESTREL_IT}"
    assert hit["operations"] == ["Kestrel"] and hit["language"] == "it"
