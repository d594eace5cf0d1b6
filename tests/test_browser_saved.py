"""Saving a search in a real browser and reading its feed, on a server that allows writes.

Drives Debian's chromium through Playwright over the crawled sample press room; the feed is
fetched with the page's own request context and parsed as Atom.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser_support import artifact_path, pytestmark, serve  # noqa: F401  (pytestmark skips without a browser)

TOKEN = "browser-saved-search-token"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def writable_web(crawled: dict[str, Any]) -> Iterator[str]:
    from pressarchive.datadir import resolve_data_dir
    from pressarchive.web import create_app

    yield from serve(create_app(resolve_data_dir(crawled["cli"].data), write_token=TOKEN))


def atom_titles(page: Any, url: str) -> list[str]:
    response = page.request.get(url)
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(response.body())
    assert root.tag == f"{ATOM}feed" and root.findtext(f"{ATOM}id")
    return [entry.findtext(f"{ATOM}title") or "" for entry in root.findall(f"{ATOM}entry")]


def test_save_a_search_and_read_its_feed(writable_web: str, page: Any) -> None:
    page.goto(f"{writable_web}/search")
    page.fill("input[name=q]", "kestrel")
    page.keyboard.press("Enter")
    page.wait_for_selector("li.hit")
    hits = page.locator("li.hit h3").all_inner_texts()
    search_feed = page.get_by_role("link", name="Atom feed of this search").get_attribute("href")
    assert sorted(atom_titles(page, writable_web + search_feed)) == sorted(hits)

    page.get_by_role("link", name="Save this search").click()
    page.wait_for_url("**/saved?q=kestrel**")
    page.fill("input[name=name]", "kestrel watch")
    page.fill("input[name=token]", TOKEN)
    page.screenshot(path=str(artifact_path("saved-search-form.png")), full_page=True)
    page.get_by_role("button", name="Save search").click()
    page.wait_for_url(f"{writable_web}/saved")
    row = page.locator("table.saved-searches tbody tr", has_text="kestrel watch")
    assert row.count() == 1
    page.screenshot(path=str(artifact_path("saved-searches.png")), full_page=True)

    feed_url = row.get_by_role("link", name="feed").get_attribute("href")
    assert feed_url == "/saved/kestrel%20watch/feed.atom"
    assert sorted(atom_titles(page, writable_web + feed_url)) == sorted(hits)

    row.get_by_role("link", name="open search").click()
    page.wait_for_selector("li.hit")
    assert page.locator("li.hit h3").all_inner_texts() == hits


def test_a_read_only_server_offers_no_save_form(web: str, page: Any) -> None:
    page.goto(f"{web}/saved?q=kestrel")
    assert page.locator("form[method=post]").count() == 0
    assert "read-only" in page.locator("main").inner_text()
