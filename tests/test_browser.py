"""What only a browser shows: the search page works under its own Content-Security-Policy,
facets filter when clicked, and a document page opens from a result.

Drives Debian's chromium through Playwright (PyPI), since browser downloads fail here.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

playwright_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def web(crawled: dict[str, Any]) -> Iterator[str]:
    import uvicorn

    from pressarchive.datadir import resolve_data_dir
    from pressarchive.web import create_app

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(
        create_app(resolve_data_dir(crawled["cli"].data)), host="127.0.0.1", port=port, log_level="warning",
    ))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def page(web: str) -> Iterator[Any]:
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.console_messages = []  # type: ignore[attr-defined]
        page.on("console", lambda message: page.console_messages.append(message.text))  # type: ignore[attr-defined]
        yield page
        browser.close()


def test_search_facet_and_document_in_a_browser(web: str, page: Any, tmp_path: Path) -> None:
    page.goto(f"{web}/search")
    page.fill("input[name=q]", "kestrel")
    page.keyboard.press("Enter")
    page.wait_for_selector("li.hit")
    assert page.locator("li.hit").count() == 3
    assert page.locator("li.hit mark").count() >= 3
    page.get_by_role("link", name="Italian (it)").first.click()
    page.wait_for_url("**language=it**")
    assert page.locator("li.hit").count() == 1
    page.locator("li.hit h3 a").first.click()
    page.wait_for_url("**/doc/**")
    assert "Kestrel" in page.locator("h1").inner_text()
    assert page.locator("table").count() >= 1, "the versions table is shown"
    page.screenshot(path=str(tmp_path / "doc.png"))
    stylesheet_rules = page.evaluate("Array.from(document.styleSheets).reduce((n, s) => n + s.cssRules.length, 0)")
    assert stylesheet_rules > 0, "our stylesheet loads under the CSP"
    blocked = [text for text in page.console_messages if "Content Security Policy" in text]
    assert not blocked, blocked


def test_script_in_a_query_is_shown_not_run(web: str, page: Any) -> None:
    page.goto(f"{web}/search?q=%3Cscript%3Ewindow.pwned%3D1%3C%2Fscript%3E")
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert "<script>" in page.locator("input[name=q]").input_value()
