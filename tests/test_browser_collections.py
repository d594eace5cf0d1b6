"""Collections in a real browser: add a document to a new collection from its page, with a
note holding markup, then find it on the collection page and back on the document page.

The server is started with a write token over the crawled sample press room; the token is
typed into the form as a person would.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser_support import artifact_path, serve
from tests.browser_support import pytestmark  # noqa: F401  (skips without a browser)

TOKEN = "browser-write-token-0123456789"
NOTE = "<b>check</b> the figures & the date"


@pytest.fixture(scope="module")
def writable_web(crawled: dict[str, Any]) -> Iterator[str]:
    from pressarchive.datadir import resolve_data_dir
    from pressarchive.web import create_app

    yield from serve(create_app(resolve_data_dir(crawled["cli"].data), write_token=TOKEN))


def test_add_a_document_to_a_collection_from_its_page(writable_web: str, page: Any) -> None:
    page.goto(f"{writable_web}/search?q=kestrel")
    first = page.locator("li.hit h3 a").first
    title = first.inner_text()
    first.click()
    page.wait_for_url("**/doc/**")
    doc_url = page.url
    panel = page.locator("section#collections")
    assert "In no collection." in panel.inner_text()

    panel.locator("input[name=new_name]").fill("Kestrel story")
    panel.locator("textarea[name=note]").fill(NOTE)
    panel.locator("input[name=token]").fill(TOKEN)
    panel.get_by_role("button", name="Add to collection").click()
    page.wait_for_url("**#collections")
    assert page.url.split("#")[0] == doc_url
    membership = page.locator("section#collections .memberships li")
    assert membership.count() == 1
    assert membership.inner_text() == f"Kestrel story: {NOTE}"  # the markup shown as typed, not applied
    assert page.locator("section#collections b").count() == 0
    page.screenshot(path=str(artifact_path("collections/document-panel.png")), full_page=True)

    page.get_by_role("link", name="Collections", exact=True).click()
    page.wait_for_url("**/collections")
    page.get_by_role("link", name="Kestrel story").click()
    page.wait_for_url("**/collections/Kestrel%20story")
    item = page.locator("li.collection-item")
    assert item.count() == 1
    assert item.locator("a").first.inner_text() == title
    assert item.locator("> p.collection-note").inner_text() == NOTE
    page.screenshot(path=str(artifact_path("collections/collection-page.png")), full_page=True)

    item.locator("a").first.click()
    page.wait_for_url(doc_url)
    assert page.locator("section#collections .memberships a").inner_text() == "Kestrel story"
    blocked = [text for text in page.console_messages if "Content Security Policy" in text]
    assert not blocked, blocked


def test_a_wrong_token_changes_nothing(writable_web: str, page: Any) -> None:
    page.goto(f"{writable_web}/search?q=kestrel")
    page.locator("li.hit h3 a").nth(1).click()
    page.wait_for_url("**/doc/**")
    panel = page.locator("section#collections")
    panel.locator("input[name=new_name]").fill("Never made")
    panel.locator("input[name=token]").fill("not-the-token-at-all")
    panel.get_by_role("button", name="Add to collection").click()
    page.wait_for_load_state()
    assert "a valid write token is required" in page.locator("main").inner_text()
    page.goto(f"{writable_web}/collections")
    assert "Never made" not in page.locator("main").inner_text()
