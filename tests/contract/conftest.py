"""The engine under contract: ``engine_kind`` over every engine, and engines opened by address.

Engines are opened only through :func:`~pressarchive.index.engines.open_engine` with a fresh
address each (``whoosh:///DIR``, or ``opensearch+http://127.0.0.1:PORT/contract-<uuid>`` on the
session's test node), exactly as the service opens them. The OpenSearch parameter asks for the
``opensearch_node`` fixture: without a node (or without the OpenSearch engine) its tests fail,
they never skip, so a run that never reached OpenSearch cannot pass as if it had.

Creating an index costs OpenSearch a noticeable moment, so modules that only read share one
filled engine (``module_engines``, module scope) and only tests that write make their own
(``make_engine``). Every engine made is closed, and its OpenSearch indices deleted, after
its test or module.
"""

from __future__ import annotations

import itertools
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from pressarchive.index import SearchEngine
from pressarchive.index.engine import TextSource
from pressarchive.index.engines import EngineOptions, open_engine
from pressarchive.index.thesaurus import Thesaurus
from pressarchive.record import Document

ENGINE_KINDS = (
    pytest.param("whoosh", id="whoosh"),
    pytest.param("opensearch", id="opensearch", marks=pytest.mark.opensearch),
)


class EngineMaker:
    """Opens engines of one kind at fresh addresses and removes them all at :meth:`close`."""

    def __init__(self, kind: str, workdir: Path, server: str | None) -> None:
        self.kind = kind
        self.workdir = workdir
        self.server = server  # the OpenSearch node's http://127.0.0.1:PORT
        self._numbers = itertools.count(1)
        self._opened: list[tuple[SearchEngine, str]] = []
        self._indices: list[str] = []

    def address(self) -> str:
        """A new address where no index exists yet (removed with the others at :meth:`close`)."""
        number = next(self._numbers)
        if self.kind == "whoosh":
            return f"whoosh://{(self.workdir / f'index-{number}').resolve()}"
        if self.kind == "opensearch":
            assert self.server is not None
            name = f"contract-{uuid.uuid4().hex}"
            self._indices.append(name)
            return f"opensearch+{self.server}/{name}"
        raise AssertionError(f"no addresses for engine {self.kind!r}")

    def open(self, address: str, *, text_source: TextSource | None = None, time_limit: float = 5.0,
             thesaurus: Thesaurus | None = None) -> SearchEngine:
        """The engine at ``address``, opened as the service opens it (closed at :meth:`close`)."""
        options = EngineOptions(self.workdir / "data-index", text_source=text_source, time_limit=time_limit,
                                thesaurus=thesaurus)
        engine = open_engine(address, options)
        self._opened.append((engine, address))
        return engine

    def address_of(self, engine: SearchEngine) -> str:
        """The address ``engine`` was opened at (to open it again with other options)."""
        return next(address for opened, address in self._opened if opened is engine)

    def __call__(self, docs: Iterable[Document] = (), *, text_source: TextSource | None = None,
                 time_limit: float = 5.0, thesaurus: Thesaurus | None = None) -> SearchEngine:
        """A new engine holding ``docs`` (added in one call, when there are any)."""
        engine = self.open(self.address(), text_source=text_source, time_limit=time_limit, thesaurus=thesaurus)
        docs = list(docs)
        if docs:
            engine.add(docs)
        return engine

    def close(self) -> None:
        for engine, _address in self._opened:
            engine.close()
        self._opened.clear()
        for name in self._indices:
            _delete_indices(f"{self.server}/{name}*")
        self._indices.clear()


def _delete_indices(url: str) -> None:
    """Delete the OpenSearch indices ``url`` names (a wildcard: an index, its versions and alias)."""
    request = urllib.request.Request(f"{url}?expand_wildcards=all&ignore_unavailable=true", method="DELETE")
    try:
        with urllib.request.urlopen(request, timeout=30):
            pass
    except urllib.error.HTTPError as error:
        if error.code != 404:
            raise


def _maker(request: pytest.FixtureRequest, kind: str, workdir: Path) -> EngineMaker:
    server = request.getfixturevalue("opensearch_node").url if kind == "opensearch" else None
    return EngineMaker(kind, workdir, server)


@pytest.fixture(scope="module", params=ENGINE_KINDS)
def engine_kind(request: pytest.FixtureRequest) -> str:
    """The engine the contract runs against: every test runs once per engine."""
    return str(request.param)


@pytest.fixture
def make_engine(request: pytest.FixtureRequest, engine_kind: str, tmp_path: Path) -> Iterator[EngineMaker]:
    """``make_engine(docs=(), *, text_source=None, time_limit=5.0, thesaurus=None)``: a fresh engine
    for a test that writes; ``make_engine.address()`` and ``make_engine.open(address)`` to reopen."""
    maker = _maker(request, engine_kind, tmp_path)
    try:
        yield maker
    finally:
        maker.close()


@pytest.fixture(scope="module")
def module_engines(request: pytest.FixtureRequest, engine_kind: str,
                   tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineMaker]:
    """Like ``make_engine`` for a module's shared, read-only engines (its standard corpus)."""
    maker = _maker(request, engine_kind, tmp_path_factory.mktemp(f"contract-{engine_kind}"))
    try:
        yield maker
    finally:
        maker.close()
