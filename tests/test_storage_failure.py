"""A response that cannot be archived stops the crawl instead of failing page after page.

Unit tests of :class:`WarcCaptureMiddleware` and :class:`StorageGuardExtension` with the disk
made to fill up under them (the whole crawl on a really full disk is in test_diskfull.py).
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler
from sqlalchemy.exc import OperationalError
from twisted.python.failure import Failure

from pressarchive.crawler.capture import CAPTURE_META, WarcCaptureMiddleware
from pressarchive.crawler.context import CrawlContext
from pressarchive.crawler.storage import STORAGE_ERROR_STAT, StorageFailed, StorageGuardExtension
from pressarchive.datadir import DataDir
from pressarchive.store import Archive
from pressarchive.writefailure import is_storage_failure
from tests.test_warc import _DiskFillsUp


def _response(i: int) -> tuple[Request, HtmlResponse]:
    url = f"http://127.0.0.1/press/{i}"
    body = f"<html><body><p>Release {i}</p></body></html>".encode()
    return Request(url), HtmlResponse(url, body=body, headers={"Content-Type": "text/html"})


def test_a_full_disk_under_the_warc_file_gives_the_response_up_and_counts_it_once(tmp_path: Path) -> None:
    crawler = get_crawler()
    data = DataDir(tmp_path)
    context = CrawlContext(data=data, archive=Archive(data.database_url))
    middleware = WarcCaptureMiddleware(context, 2**20, "src")
    middleware.crawler = crawler
    request, response = _response(1)
    assert middleware.process_response(request, response) is response
    kept = request.meta[CAPTURE_META]
    open_file = next((tmp_path / "warc").iterdir())
    before = open_file.read_bytes()
    middleware.writer._file = _DiskFillsUp(open_file, fail_at=2)  # type: ignore[assignment]
    for i in (2, 3):
        request, response = _response(i)
        with pytest.raises(StorageFailed):
            middleware.process_response(request, response)
        assert CAPTURE_META not in request.meta
        middleware.writer._file = _DiskFillsUp(open_file, fail_at=1)  # type: ignore[assignment]
    assert open_file.read_bytes() == before
    stats = crawler.stats
    assert stats is not None
    assert stats.get_value("pressarchive/errors/storage_failed") == 2
    assert stats.get_value(STORAGE_ERROR_STAT) == "cannot write the WARC file: No space left on device"
    middleware.close()
    try:
        assert [row[0] for row in context.archive.capture_locations()] == [kept], "no row without its record"
    finally:
        context.archive.close()


def test_a_full_store_in_the_pipeline_stops_the_crawl_but_other_errors_do_not() -> None:
    crawler = get_crawler()
    guard = StorageGuardExtension.from_crawler(crawler)
    stats = crawler.stats
    assert stats is not None
    guard.item_error(None, None, None, Failure(ValueError("a bug, not a disk")))
    guard.item_error(None, None, None, Failure(BrokenPipeError(errno.EPIPE, "worker gone")))
    assert stats.get_value("pressarchive/errors/storage_failed") is None
    full = OperationalError("INSERT …", {}, sqlite3.OperationalError("database or disk is full"))
    guard.item_error(None, None, None, Failure(full))
    assert stats.get_value("pressarchive/errors/storage_failed") == 1
    assert stats.get_value(STORAGE_ERROR_STAT) == "cannot write the store: database or disk is full"


@pytest.mark.parametrize(("exc", "expected"), [
    (OSError(errno.ENOSPC, "No space left on device"), True),
    (OSError(errno.EROFS, "Read-only file system"), True),
    (FileNotFoundError(errno.ENOENT, "No such file or directory"), False),
    (OperationalError("…", {}, sqlite3.OperationalError("database is locked")), False),
])
def test_which_errors_mean_the_disk_takes_no_more_writes(exc: BaseException, expected: bool) -> None:
    assert is_storage_failure(exc) is expected
