"""The embedded search engine: a multilingual Whoosh index in one directory.

Everything that imports Whoosh or numpy for searching lives in this package; the rest of
pressarchive reaches it only through :func:`pressarchive.index.engines.open_engine`.
"""
