"""Operation Tantalio end to end: six sources crawled on loopback, then what the archive makes of them.

The fixture (tests/fixtures/coverage/tantalio/, texts written for pressarchive) has the
shape of a real operation's coverage: two press rooms that disagree on the number of
arrests (38 and 39), a third press room in Portuguese, an Italian news report, two English
news sites that copy the first release (one adds reporting), and a Spanish release about the
metal tantalio that has nothing to do with the operation.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CLI
from tests.loopback import pages_handler, serve

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "coverage" / "tantalio"
SOURCES: dict[str, dict[str, str]] = tomllib.loads((FIXTURE / "sources.toml").read_text("utf-8"))


def _page(path: str) -> tuple[int, str, bytes]:
    if path == "/robots.txt":
        return 200, "text/plain", b"User-agent: *\nAllow: /\n"
    target = (FIXTURE / path.lstrip("/")).resolve()
    if path.endswith("/"):
        target = target / "index.html"
    if FIXTURE not in target.parents or not target.is_file() or target.suffix != ".html":
        return 404, "text/html", b"<html><body>not found</body></html>"
    return 200, "text/html; charset=utf-8", target.read_bytes()


def _profile(name: str, base: str) -> str:
    source = SOURCES[name]
    lines = [f"name = {name!r}"]
    fields = ("title", "agency", "country", "language", "kind")
    lines += [f"{key} = {value!r}" for key, value in source.items() if key in fields]
    lines += [
        f'start_urls = ["{base}/{name}/"]', 'allowed_domains = ["127.0.0.1"]',
        f"article = ['/{name}/releases/[a-z-]+\\.html$']",
    ]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def tantalio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    root = tmp_path_factory.mktemp("tantalio")
    with serve(pages_handler(_page)) as base:
        profiles = []
        for name in SOURCES:
            path = root / f"{name}.toml"
            path.write_text(_profile(name, base), "utf-8")
            profiles += ["--profile", str(path)]
        cli = CLI(root / "data")
        crawl = cli("crawl", *profiles, "--delay", "0", check=True)
        yield {"cli": cli, "crawl": crawl, "base": base}


def test_every_release_of_every_source_is_archived(tantalio: dict[str, Any]) -> None:
    cli = tantalio["cli"]
    assert cli.json("status")["documents"] == 7
    result = cli.json("search", "", "--limit", "100")
    assert result["facets"]["source"] == {"policia-room": 2, "copy-news": 1, "cronaca-news": 1,
                                          "europol-room": 1, "pj-room": 1, "wire-news": 1}
    assert result["facets"]["operation"] == {"Tantalio": 6}, "the release about the metal is no part of it"


def test_the_dossier_counts_copies_once_and_flags_38_against_39(tantalio: dict[str, Any]) -> None:
    dossier = tantalio["cli"].json("operation", "Tantalio")
    assert dossier["languages"] == ["en", "es", "it", "pt"]
    assert len(dossier["documents"]) == 6
    # Both English outlets reprint Europol's release (one word for word, one with two paragraphs
    # of its own): one report with it, so the dossier counts four.
    assert dossier["counts"]["reports"] == 4
    arrested = next(kind for kind in dossier["figures"] if kind["kind"] == "arrested")
    assert arrested["disagreement"] is True
    claims = {position["value"]: {r["source"] for r in position["reports"]} for position in arrested["positions"]}
    assert claims == {38: {"europol-room"}, 39: {"policia-room", "cronaca-news"}}
    quotes = {r["quote"] for position in arrested["positions"] for r in position["reports"]}
    assert any("Thirty-eight people have been arrested" in quote or "38 suspects" in quote for quote in quotes)
    assert any("39 detenidos" in quote for quote in quotes)


def test_the_dossier_says_which_outlets_copied_and_which_added_reporting(tantalio: dict[str, Any]) -> None:
    coverage = tantalio["cli"].json("operation", "Tantalio")["coverage"]
    europol = next(item for item in coverage if item["release"]["source"] == "europol-room")
    assert [a["source"] for a in europol["copied_by"]] == ["copy-news"]
    assert [a["source"] for a in europol["reported_by"]] == ["wire-news"]
    assert all(a["lag_days"] >= 1 for a in europol["copied_by"] + europol["reported_by"])


def test_the_dossier_prints_for_a_person(tantalio: dict[str, Any]) -> None:
    printed = tantalio["cli"]("operation", "operación TANTALIO", check=True).stdout
    assert "sources disagree: 38 (europol-room" in printed and "vs 39 (" in printed
    assert "copied by: copy-news" in printed and "added reporting: wire-news" in printed


def test_the_dossier_page_and_its_csv(tantalio: dict[str, Any]) -> None:
    from fastapi.testclient import TestClient

    from pressarchive.datadir import DataDir
    from pressarchive.web import create_app

    with TestClient(create_app(DataDir(tantalio["cli"].data))) as client:
        page = client.get("/operations/tantalio")
        assert page.status_code == 200
        assert "sources disagree" in page.text and "Coverage of the releases" in page.text
        assert "copied by" in page.text and "added reporting" in page.text
        table = client.get("/api/operations/Tantalio/figures.csv")
        assert table.status_code == 200 and table.headers["content-type"].startswith("text/csv")
        assert "39 detenidos" in table.text and "38" in table.text
