"""The document page in a real browser: compare two versions, open the archived original and
prove nothing of it runs or loads, copy a citation to the clipboard.

The crawled sample press room has one version per document, so these tests serve their own
small archive (``tests/document_archive.py``): a release in two versions whose second capture
carries a script, a stylesheet hiding the banner, a meta refresh and an outside image.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from pressarchive.record import Document
from pressarchive.service import ArchiveService
from pressarchive.warc import cdxj
from tests.browser_support import artifact_path, pytestmark, serve, watched_page  # noqa: F401
from tests.document_archive import DocumentArchive, build, write_capture


class Tracker:
    """A loopback server standing for "the outside": it records every request it gets."""

    def __init__(self) -> None:
        seen = self.seen = []  # type: list[str]

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                seen.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"window.pwned = 2;")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def tracker() -> Iterator[Tracker]:
    tracker = Tracker()
    yield tracker
    tracker.server.shutdown()


def outside_page(outside: str) -> bytes:
    """A capture that reaches for the outside every way a page can without being clicked."""
    return (
        f'<!DOCTYPE html><html><head><title>Outside</title><link rel="stylesheet" href="{outside}/style.css">'
        f'<script src="{outside}/script.js"></script><link rel="icon" href="{outside}/favicon.ico">'
        f'<meta http-equiv="refresh" content="0;url={outside}/refresh"></head>'
        f'<body style="background: url({outside}/background.png)"><p>Raid report.</p>'
        f'<img src="{outside}/image.png" alt=""><iframe src="{outside}/frame"></iframe>'
        f'<object data="{outside}/object"></object><video src="{outside}/video.mp4" autoplay></video>'
        f'<form action="{outside}/form"><input autofocus name="q"></form></body></html>'
    ).encode()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, tracker: Tracker) -> DocumentArchive:
    archive = build(tmp_path_factory.mktemp("browser-doc"))
    service = ArchiveService(archive.data)
    try:
        doc = Document(url="https://police.example.org/press/outside", title="Outside", text="Raid report.",
                       language="en", source="police-a")
        archive.ids["outside"], _ = write_capture(service, doc, outside_page(tracker.url), datetime(2024, 3, 1))
    finally:
        service.close()
    cdxj.refresh(archive.data)  # the document page's captures and their mementos
    return archive


@pytest.fixture(scope="module")
def site(built: DocumentArchive) -> Iterator[str]:
    from pressarchive.web import create_app

    yield from serve(create_app(built.data))


def test_compare_two_versions_from_the_document_page(site: str, built: DocumentArchive, page: Any) -> None:
    doc_id = built.ids["avalanche"]
    page.goto(f"{site}/doc/{doc_id}?version=1")
    assert "version 1 of 2" in page.locator(".notice.old-version").inner_text()
    form = page.locator(".versions form.version-pick")
    form.locator("select[name=from]").select_option("1")
    form.locator("select[name=to]").select_option("2")
    form.get_by_role("button", name="Show changes").click()
    page.wait_for_url(f"**/doc/{doc_id}/diff?from=1&to=2")
    assert page.locator(".diff-body del").all_inner_texts() == ["five"]
    assert page.locator(".diff-body ins").first.inner_text() == "seven"
    assert page.locator(".diff-title ins").inner_text() == ": update"
    assert "6 words added, 1 word removed" in page.locator(".summary").inner_text()
    # Inserted and deleted words look different from the rest (the stylesheet loaded).
    styles = page.evaluate("""() => ['ins', 'del'].map(tag =>
        getComputedStyle(document.querySelector('.diff-body ' + tag)).textDecorationLine)""")
    assert styles == ["underline", "line-through"]
    page.screenshot(path=str(artifact_path("doc-diff-desktop.png")), full_page=True)
    blocked = [text for text in page.console_messages if "Content Security Policy" in text]
    assert not blocked, blocked


def test_archived_original_runs_and_loads_nothing(site: str, built: DocumentArchive, browser: Any) -> None:
    doc_id = built.ids["avalanche"]
    page = watched_page(browser)
    try:
        page.goto(f"{site}/doc/{doc_id}")
        page.get_by_role("link", name="Archived original").last.click()
        page.wait_for_url(f"**/doc/{doc_id}/raw?version=2")
        response = page.goto(page.url)
        assert response is not None and response.status == 200
        policy = response.headers["content-security-policy"]
        assert policy.startswith("sandbox; default-src 'none'; script-src 'none'")
        assert "img-src 'none'" in policy
        page.wait_for_timeout(1500)  # time for the meta refresh (0 s) to navigate, if it could
        assert page.url == f"{site}/doc/{doc_id}/raw?version=2", "the meta refresh was not followed"
        # The page's script would have set window.pwned and the title; its onload the title too.
        assert page.evaluate("typeof window.pwned") == "undefined"
        assert page.title() == "Original title"
        # The banner is there, on top, and the page's own style (display: none) did not apply.
        banner = page.locator("#pressarchive-banner")
        assert banner.is_visible()
        box = banner.bounding_box()
        assert box is not None and box["y"] < 20 and box["height"] > 20
        assert "captured at 2024-02-01 08:30:00 UTC by pressarchive" in banner.inner_text()
        colour = page.evaluate("getComputedStyle(document.querySelector('p[style]')).color")
        assert colour != "rgb(255, 0, 0)", "the page's inline style is not applied"
        assert page.evaluate("document.images[0].naturalWidth") == 0
        page.screenshot(path=str(artifact_path("doc-raw-desktop.png")))
        banner.get_by_role("link", name="Back to the document page").click()
        page.wait_for_url(f"**/doc/{doc_id}?version=2")
    finally:
        page.context.close()


def test_a_capture_opens_as_an_inert_memento(site: str, built: DocumentArchive, browser: Any) -> None:
    doc_id = built.ids["avalanche"]
    page = watched_page(browser)
    try:
        page.goto(f"{site}/doc/{doc_id}")
        page.locator(".captures tbody tr").last.locator("a").first.click()  # the newest: the page with a script
        memento = f"{site}/memento/20240201083000/https://police.example.org/press/avalanche"
        page.wait_for_url(memento)
        page.wait_for_timeout(1500)  # time for the meta refresh (0 s) to navigate, if it could
        assert page.url == memento and page.evaluate("typeof window.pwned") == "undefined"
        banner = page.locator("#pressarchive-banner")
        assert banner.is_visible() and "a memento: the server answered HTTP 200" in banner.inner_text()
    finally:
        page.context.close()


def test_copy_a_citation(site: str, built: DocumentArchive, browser: Any) -> None:
    from playwright.sync_api import expect  # imported here: without playwright the module skips

    doc_id = built.ids["avalanche"]
    page = watched_page(browser, permissions=["clipboard-read", "clipboard-write"])
    try:
        page.goto(f"{site}/doc/{doc_id}?version=1")
        button = page.get_by_role("button", name="Copy BibTeX")
        assert button.is_visible(), "copy.js ran under the page's policy and showed the buttons"
        button.click()
        # (expect polls from Playwright's own world: a wait_for_function string would be eval,
        # which the page's policy forbids)
        expect(page.locator("button[data-copy=cite-bibtex]")).to_have_text("Copied")
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied == page.locator("#cite-bibtex").inner_text()
        assert copied.startswith(f"@misc{{pressarchive{doc_id}v1,") and f"/doc/{doc_id}?version=1" in copied
        page.get_by_role("button", name="Copy APA").click()
        expect(page.locator("button[data-copy=cite-apa]")).to_have_text("Copied")
        assert page.evaluate("navigator.clipboard.readText()").startswith("Police A & {Co}. (2016, December 1).")
        blocked = [text for text in page.console_messages if "Content Security Policy" in text]
        assert not blocked, blocked
        page.locator("section.cite").screenshot(path=str(artifact_path("doc-citations-desktop.png")))
    finally:
        page.context.close()


def test_archived_original_makes_no_outside_request(site: str, built: DocumentArchive, tracker: Tracker,
                                                    browser: Any) -> None:
    page = watched_page(browser)
    try:
        url = f"{site}/doc/{built.ids['outside']}/raw"
        page.goto(url)
        page.wait_for_timeout(1500)  # time for the refresh, the frame, the video to go out, if they could
        assert page.url == url
        assert page.evaluate("typeof window.pwned") == "undefined"
        assert page.locator("#pressarchive-banner").is_visible()
        assert tracker.seen == [], f"the archived page reached the outside: {tracker.seen}"
    finally:
        page.context.close()
