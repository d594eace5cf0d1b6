"""Finding how a press room can be crawled, and checking that a profile still fits its site.

``discover`` reads a press-room page, its robots.txt, sitemaps and feeds and drafts a profile;
``sources --check`` fetches a profile's entry points and says whether they still answer and
still lead to releases. The fetching is done by Scrapy spiders in
:mod:`pressarchive.crawler.discovery` and :mod:`pressarchive.crawler.check`, with the crawl's
own politeness settings; everything here is plain data and inference, so it is tested
without a network.

Neither command archives what it fetches: discovery and checks are reconnaissance, not
evidence, and must not add captures or sources to an archive (or need a data directory).

The package ``__init__`` deliberately imports nothing, so the spiders can import its modules
without a cycle.
"""
