"""The search contract: one suite of search behaviour that every engine must pass.

Each test takes the engine as a fixture (``engine_kind``: ``whoosh``, ``opensearch``) and opens
it only through :func:`pressarchive.index.engines.open_engine`, so the same assertions hold
every engine to the same behaviour; where an engine cannot do something exactly, the test
asserts what it does instead, named in :mod:`tests.contract.differences`.
"""
