"""What only a browser shows: the search page works under its own Content-Security-Policy,
facets filter when clicked, and a document page opens from a result.

Drives Debian's chromium through Playwright (PyPI), since browser downloads fail here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser_support import pytestmark  # noqa: F401  (skips without a browser)


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
