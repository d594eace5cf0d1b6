"""Finding how a press room can be crawled, and checking that a profile still fits its site.

``discover`` reads a press-room page, its robots.txt, sitemaps and feeds and drafts a profile;
``sources --check`` fetches a profile's entry points and says whether they still answer and
still lead to releases. The fetching is done by the Scrapy spiders in
:mod:`~pressarchive.discovery.discovery_spider` and :mod:`~pressarchive.discovery.check_spider`,
run by :mod:`~pressarchive.discovery.run` with the crawl's own politeness settings; the rest is
plain data and inference, tested without a network.

Dependencies go one way: this package uses the crawler's settings, middlewares and format
readers; :mod:`pressarchive.crawler` never imports from here (a test holds that).

Neither command archives what it fetches: discovery and checks are reconnaissance, not
evidence, and must not add captures or sources to an archive (or need a data directory).

The package ``__init__`` imports nothing, so reading a survey does not load Scrapy.
"""
