"""The private names of scrapy-redis and Scrapy that crawler/frontier/scheduler.py relies on.

If an upgrade renames or reshapes any of them, this fails here, by name, instead of a shared
crawl losing leases or never ending.
"""

from __future__ import annotations

import inspect

import scrapy
import scrapy_redis
from scrapy.core.engine import ExecutionEngine, _Slot
from scrapy.core.scheduler import BaseScheduler
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import Base, PriorityQueue
from scrapy_redis.scheduler import Scheduler

from pressarchive.crawler.frontier.scheduler import QUEUE_CLASS, FrontierScheduler


def test_the_versions_the_adapter_was_checked_against() -> None:
    assert scrapy_redis.__version__.startswith("0.9."), scrapy_redis.__version__
    assert int(scrapy.__version__.split(".")[0]) == 2 and int(scrapy.__version__.split(".")[1]) >= 13


def test_scrapy_redis_names_used() -> None:
    assert callable(Base._decode_request) and callable(Base._encode_request)
    assert list(inspect.signature(RFPDupeFilter.request_fingerprint).parameters) == ["self", "request"]
    assert list(inspect.signature(Base._decode_request).parameters) == ["self", "encoded_request"]
    assert QUEUE_CLASS == f"{PriorityQueue.__module__}.{PriorityQueue.__name__}"
    # The constructor arguments our from_crawler passes.
    parameters = inspect.signature(Scheduler.__init__).parameters
    assert {"server", "persist", "queue_key", "queue_cls", "dupefilter"} <= set(parameters)
    assert issubclass(FrontierScheduler, BaseScheduler)  # Scrapy refuses a scheduler that is not


def test_scrapy_engine_names_used() -> None:
    slot_init = inspect.getsource(_Slot.__init__)
    assert "self.inprogress" in slot_init and "self.nextcall" in slot_init
    engine_source = inspect.getsource(ExecutionEngine)
    assert "self._slot" in engine_source
    # The engine removes a request from ``inprogress`` only once its output was handled.
    scheduled = inspect.getsource(ExecutionEngine._start_scheduled_request)
    assert "_handle_downloader_output" in scheduled and "_remove_request" in scheduled
    assert "scheduler.next_request()" in scheduled
