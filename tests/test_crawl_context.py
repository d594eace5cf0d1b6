"""The crawl context (item 13): one run's shared state reaches every component explicitly, and
the crawler package never imports the discovery package (no cycle)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from scrapy.utils.test import get_crawler

from pressarchive.crawler.capture import WarcCaptureMiddleware
from pressarchive.crawler.context import CrawlContext, MissingContextError, attach_context, crawl_context
from pressarchive.crawler.pipelines import ExtractStorePipeline
from pressarchive.crawler.spider import PressRoomSpider
from pressarchive.datadir import prepare_data_dir
from pressarchive.profiles import profile_from_dict
from pressarchive.store import Archive
from tests.storebackends import data_dir_on

PACKAGE = Path(__file__).resolve().parents[1] / "pressarchive"
PROFILE = profile_from_dict({"name": "police", "language": "en", "start_urls": ["http://127.0.0.1:9/press/"],
                             "article": ["/press/releases/"]})


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_the_crawler_never_imports_the_discovery_package() -> None:
    offenders = {
        path.name: sorted(name for name in _imports(path) if name.startswith("pressarchive.discovery"))
        for path in (PACKAGE / "crawler").glob("*.py")
    }
    assert {name: imported for name, imported in offenders.items() if imported} == {}


def test_reconnaissance_spiders_are_named_as_spiders() -> None:
    assert (PACKAGE / "discovery" / "discovery_spider.py").exists()
    assert (PACKAGE / "discovery" / "check_spider.py").exists()
    assert not (PACKAGE / "crawler" / "discovery.py").exists() and not (PACKAGE / "crawler" / "check.py").exists()


@pytest.fixture
def context(tmp_path: Path, store_db: str | None) -> Iterator[CrawlContext]:
    data = prepare_data_dir(data_dir_on(tmp_path / "data", store_db))
    archive = Archive(data.database_url)
    yield CrawlContext(data=data, archive=archive, run_id=7, clock=lambda: datetime(2020, 1, 2))
    archive.close()


def test_components_take_the_run_state_from_the_context(context: CrawlContext) -> None:
    crawler = get_crawler(PressRoomSpider)
    attach_context(crawler, context)
    crawler.spider = PressRoomSpider.from_crawler(crawler, profile=PROFILE, context=context)
    pipeline = ExtractStorePipeline.from_crawler(crawler)
    capture = WarcCaptureMiddleware.from_crawler(crawler)
    assert crawl_context(crawler) is context
    assert pipeline.archive is context.archive and capture.archive is context.archive  # one handle
    assert (pipeline.run_id, capture.run_id) == (7, 7)
    assert capture.writer.directory == context.data.warc_dir
    capture.close()


def test_a_component_without_a_context_says_so() -> None:
    crawler = get_crawler(PressRoomSpider)
    crawler.spider = PressRoomSpider.from_crawler(crawler, profile=PROFILE)
    with pytest.raises(MissingContextError, match="no CrawlContext"):
        WarcCaptureMiddleware.from_crawler(crawler)


def test_the_capture_keeps_the_date_a_listing_gave_its_release(context: CrawlContext) -> None:
    from scrapy import Request
    from scrapy.http import HtmlResponse

    from pressarchive.crawler.listingdates import LISTED_DATE_META

    crawler = get_crawler(PressRoomSpider)
    attach_context(crawler, context)
    crawler.spider = PressRoomSpider.from_crawler(crawler, profile=PROFILE, context=context)
    capture = WarcCaptureMiddleware.from_crawler(crawler)
    try:
        for url, meta in (("http://127.0.0.1:9/press/releases/a.html", {LISTED_DATE_META: "2019-05-06"}),
                          ("http://127.0.0.1:9/press/releases/b.html", {})):
            request = Request(url, meta=meta)
            capture.process_response(request, HtmlResponse(url, body=b"<html><body>x</body></html>", request=request))
    finally:
        capture.close()
    with context.archive.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT url, listed_date FROM captures ORDER BY id")).all()
    assert [(url.rsplit("/", 1)[1], str(day) if day else None) for url, day in rows] == [
        ("a.html", "2019-05-06"), ("b.html", None)]


def test_the_pipeline_records_the_profiles_kind_with_the_source(context: CrawlContext) -> None:
    crawler = get_crawler(PressRoomSpider)
    attach_context(crawler, context)
    news = profile_from_dict({"name": "courier", "language": "es", "kind": "news",
                              "start_urls": ["http://127.0.0.1:9/news/"], "article": ["/news/"]})
    crawler.spider = PressRoomSpider.from_crawler(crawler, profile=news, context=context)
    ExtractStorePipeline.from_crawler(crawler).open_spider()
    assert {row["name"]: row["kind"] for row in context.archive.sources()} == {"courier": "news"}
