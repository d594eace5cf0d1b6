"""One crawl shared by many crawler processes through a Redis frontier (``crawl --frontier``).

``address`` reads the ``--frontier`` URL and names the crawl's Redis keys; ``shared`` holds the
frontier's state in Redis (the queue's leases, the processes' heartbeats, whether a shared crawl
is under way); ``scheduler`` adapts scrapy-redis's scheduler to it (the one module that touches
scrapy-redis's and Scrapy's private names); ``politeness`` spaces the requests to one site
across every process.
"""

from pressarchive.crawler.frontier.address import FrontierAddress, parse_frontier

__all__ = ["FrontierAddress", "parse_frontier"]
