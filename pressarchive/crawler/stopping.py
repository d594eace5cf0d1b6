"""``BoundedStopCrawlerProcess``: Ctrl-C or SIGTERM ends a crawl within seconds.

Scrapy's first signal starts a graceful stop that waits for every request already handed to
the downloader: with a download delay of a few seconds, each one queued behind the delay costs
that delay again (measured: 19 s to stop a crawl with ``--delay 3``). A second signal stops the
reactor at once. This process does the second itself, :data:`GRACE` seconds after the first,
and at the first signal runs its ``on_stop`` callbacks, which end work that would otherwise
hold the reactor's shutdown (the indexing round waiting on a thread of the reactor's pool).

Nothing is lost by the cut: a release counts as done only once its document is stored, so
``crawl --resume`` fetches what the cut left half-way, and a WARC file left open is repaired
at the next crawl.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from collections.abc import Callable, Iterable
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.utils.ossignal import install_shutdown_handlers

logger = logging.getLogger(__name__)

#: Seconds the graceful stop may take before the reactor is stopped outright. Requests in
#: flight on a responsive site finish within it; the rest are fetched again by --resume.
GRACE = 2.0


class SignalLatch:
    """Remembers a SIGINT or SIGTERM that arrives while a crawl is starting.

    Scrapy listens for signals only once its reactor runs. Before that (workers spawning,
    crawlers being built) Ctrl-C raised ``KeyboardInterrupt`` inside Twisted, which printed a
    traceback and let the crawl carry on to exit 0, and SIGTERM killed the process silently.
    The latch holds the signal until :class:`BoundedStopCrawlerProcess` can act on it.
    """

    def __init__(self) -> None:
        self.signum = 0

    def __enter__(self) -> SignalLatch:
        install_shutdown_handlers(self._latch)
        return self

    def __exit__(self, *exc_info: object) -> None:
        pass  # the crawler process has its own handlers by now (or the crawl never started)

    def _latch(self, signum: int, frame: Any) -> None:
        self.signum = self.signum or signum


class BoundedStopCrawlerProcess(CrawlerProcess):
    """A ``CrawlerProcess`` whose stop on SIGINT/SIGTERM takes at most :data:`GRACE` seconds."""

    def __init__(self, settings: dict[str, Any], on_stop: Iterable[Callable[[], None]] = (),
                 latch: SignalLatch | None = None) -> None:
        super().__init__(settings)
        self.on_stop = list(on_stop)
        self.stopping = False
        #: The first signal that stopped the crawl (SIGINT, SIGTERM), 0 if none: the CLI's exit status.
        self.stop_signal = 0
        self.latch = latch or SignalLatch()

    def start(self, stop_after_crawl: bool = True, install_signal_handlers: bool = True) -> None:
        # Scrapy listens only once the reactor runs; a signal the latch caught before then stops
        # the crawl as soon as it does. (Not earlier: touching the reactor before the first
        # crawler has installed the configured one would install the wrong one.)
        _reactor().callWhenRunning(self._stop_if_latched)
        super().start(stop_after_crawl, install_signal_handlers)

    def _stop_if_latched(self) -> None:
        if self.latch.signum and not self.stop_signal:
            self._signal_shutdown(self.latch.signum, None)

    def _signal_shutdown(self, signum: int, frame: Any) -> None:
        self.stop_signal = self.stop_signal or signum
        super()._signal_shutdown(signum, frame)  # the graceful stop; a second signal forces it
        _reactor().callFromThread(self._bound_the_stop)

    def _bound_the_stop(self) -> None:
        if self.stopping:
            return
        self.stopping = True
        for callback in self.on_stop:
            try:
                callback()
            except Exception:  # one failed callback must not keep the others from stopping
                logger.exception("a stop callback failed")
        _reactor().callLater(GRACE, self._force_stop)

    def _force_stop(self) -> None:
        for crawler in self.crawlers:
            if crawler.stats is not None and not crawler.stats.get_value("finish_reason"):
                _record_cut(crawler.stats)
        logger.info("stopping the crawl now; what was in flight is fetched again by crawl --resume")
        self._stop_reactor()


def _reactor() -> Any:
    """The installed reactor (imported late: importing it early would install the default one)."""
    from twisted.internet import reactor

    return reactor


def _record_cut(stats: Any) -> None:
    """What Scrapy records when a spider closes, for one the cut left open."""
    stats.set_value("finish_reason", "shutdown")  # as after a graceful stop: the run is resumable
    started = stats.get_value("start_time")
    if started is not None:
        stats.set_value("elapsed_time_seconds", (datetime.now(UTC) - started).total_seconds())
