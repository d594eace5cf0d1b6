"""The search page in a real browser, with no script: search, narrow by a facet, open a
timeline bar (its period's results, counted by a finer interval), switch the timeline's
granularity, and "show all" of a facet longer than the page lists at first.

Drives Debian's chromium through Playwright over the crawled sample press room; "show all"
needs more values of one facet than the sample room has, so that test serves a small archive
of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from pressarchive.datadir import DataDir
from pressarchive.web import create_app, present
from tests.archive_builder import build_many_sources
from tests.browser_support import artifact_path, pytestmark, serve  # noqa: F401  (skips without a browser)


def _bar(page: Any, label: str) -> Any:
    """The timeline bar whose tooltip starts with ``label``."""
    return page.locator(
        f"xpath=//*[local-name()='svg']//*[local-name()='rect'][*[local-name()='title' and starts-with(., '{label}:')]]"
    )


def test_search_facet_timeline_bar_and_granularity(web: str, page: Any) -> None:
    page.goto(f"{web}/search")
    page.fill("input[name=q]", "europol")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=europol**")
    assert page.locator("li.hit").count() == 10
    assert page.locator("#timeline-heading").inner_text() == "Matches per month"

    page.get_by_role("link", name="English (en)").first.click()
    page.wait_for_url("**language=en**")
    assert page.locator("li.hit").count() == 7

    _bar(page, "2019-12").click()
    page.wait_for_url("**until=2019-12-31**")
    assert "since=2019-12-01" in page.url and "language=en" in page.url
    assert page.locator("li.hit").count() == 2
    assert page.locator("#timeline-heading").inner_text() == "Matches per day"  # zoomed in
    page.screenshot(path=str(artifact_path("search-timeline-period.png")))

    page.locator("nav.timeline-intervals").get_by_role("link", name="week").click()
    page.wait_for_url("**interval=week**")
    assert page.locator("#timeline-heading").inner_text() == "Matches per week"
    assert page.locator("li.hit").count() == 2  # the same matches, counted another way
    assert page.locator("nav.timeline-intervals strong").inner_text() == "week"
    blocked = [text for text in page.console_messages if "Content Security Policy" in text]
    assert not blocked, blocked


SOURCES = [f"source-{n:02d}" for n in range(present.FACET_SHOWN + 4)]


@pytest.fixture(scope="module")
def many_sources(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A web face over an archive whose source facet is longer than the page first shows."""
    data = DataDir(tmp_path_factory.mktemp("data"))
    build_many_sources(data, SOURCES, every_days=11)
    yield from serve(create_app(data))


def test_show_all_values_of_a_facet(many_sources: str, page: Any) -> None:
    page.goto(f"{many_sources}/search?q=raid")
    facet = page.locator("section.facet").filter(has=page.get_by_role("heading", name="Source"))
    last = SOURCES[-1]  # every count is 1: alphabetical, so the last source is folded away
    hidden = facet.get_by_role("link", name=last, exact=True)
    assert not hidden.is_visible()
    summary = facet.locator("details.facet-more summary")
    assert summary.inner_text().startswith(f"Show all {len(SOURCES)}")
    summary.click()
    assert hidden.is_visible()
    assert facet.get_by_role("link").filter(has_text="source-").count() == len(SOURCES)
    page.screenshot(path=str(artifact_path("search-facet-show-all.png")))
    hidden.click()
    page.wait_for_url(f"**source={last}**")
    assert page.locator("li.hit").count() == 1
