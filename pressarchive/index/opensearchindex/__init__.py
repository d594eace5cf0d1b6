"""The OpenSearch engine: the archive's index on an OpenSearch server, behind the same seam.

Opened by :func:`~pressarchive.index.opensearchindex.engine.open_opensearch` for an
``opensearch+http(s)://HOST:PORT/NAME`` address. ``NAME`` is an alias over versioned
indices (:mod:`.aliases`), so a rebuild swaps in a complete new index at once. Text is
analysed by OpenSearch's own analyzers per language (:mod:`.template`) after the same folding
and stop-word removal as the Whoosh engine (:mod:`.documents`), queries are translated from
pressarchive's query tree (:mod:`.translate`), and snippets are cut from the store's text in
Python (:mod:`pressarchive.index.snippets`), as the index keeps no bodies.
"""
