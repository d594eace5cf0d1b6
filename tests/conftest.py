"""Shared fixtures: the sample press room on 127.0.0.1 and a runner for the real CLI.

Crawls run the ``pressarchive`` CLI in a subprocess, because Twisted's reactor runs once per
process and because that is how a user runs it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pressarchive.sampleroom import SamplePressRoom
from tests.opensearchnode import NodeStartError, OpenSearchNode
from tests.pgserver import PostgresServer, PostgresStartError
from tests.redisserver import RedisServer, RedisStartError

REPO = Path(__file__).resolve().parents[1]
# The browser tests' fixtures (chromium through Playwright, a served archive, screenshots).
pytest_plugins = ("tests.browser_support",)


def testdata_dir() -> Path | None:
    """../shared/testdata beside the checkout (or $PRESSARCHIVE_TESTDATA), if present."""
    path = Path(os.environ.get("PRESSARCHIVE_TESTDATA") or REPO.parent / "shared" / "testdata")
    return path if (path / "ground_truth.jsonl").exists() else None


class CLI:
    """Runs ``python -m pressarchive --data DIR ...`` and returns the completed process."""

    def __init__(self, data: Path) -> None:
        self.data = data

    def __call__(self, *args: str, check: bool = False, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
        env.pop("PRESSARCHIVE_DATA", None)
        result = subprocess.run(
            [sys.executable, "-m", "pressarchive", "--data", str(self.data), *args],
            capture_output=True, text=True, timeout=timeout, env=env, cwd=REPO,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"pressarchive {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
        return result

    def json(self, *args: str) -> Any:
        return json.loads(self(*args, "--json", check=True).stdout)


@pytest.fixture
def cli(tmp_path: Path) -> CLI:
    return CLI(tmp_path / "data")


@pytest.fixture(scope="module")
def sample_room() -> Iterator[SamplePressRoom]:
    room = SamplePressRoom()
    room.start()
    try:
        yield room
    finally:
        room.stop()


@pytest.fixture(scope="module")
def crawled(sample_room: SamplePressRoom, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The sample press room crawled once into a fresh data directory."""
    root = tmp_path_factory.mktemp("crawled")
    profile = root / "sample.toml"
    profile.write_text(sample_room.profile_toml(), "utf-8")
    cli = CLI(root / "data")
    first = cli("crawl", "--profile", str(profile), "--delay", "0", check=True)
    return {"cli": cli, "profile": profile, "first": first, "room": sample_room,
            "requests": list(sample_room.requests)}


@pytest.fixture(scope="module")
def client(archive: tuple[Any, dict[str, int]]) -> Iterator[Any]:
    """The web app over the test module's ``archive`` fixture: (data directory, ids by name)."""
    from fastapi.testclient import TestClient

    from pressarchive.web import create_app

    with TestClient(create_app(archive[0])) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def ids(archive: tuple[Any, dict[str, int]]) -> dict[str, int]:
    """The ids of the documents the test module's ``archive`` fixture built, by name."""
    return archive[1]


@pytest.fixture(scope="session")
def opensearch_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OpenSearchNode]:
    """One real OpenSearch node for the whole session, started by the first test that asks for it.

    A node that cannot start fails the tests that need it: skipping would let a suite that never
    touched OpenSearch pass as if it had.
    """
    node = OpenSearchNode()
    try:
        node.start(tmp_path_factory.mktemp("opensearch"))
    except NodeStartError as error:
        pytest.fail(f"the test OpenSearch node did not start: {error}", pytrace=False)
    try:
        yield node
    finally:
        node.stop()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One real PostgreSQL server for the whole session (Debian's binaries, a temporary folder,
    a free loopback port), started by the first test that asks for it. It fails, never skips,
    when it cannot start: a suite that never touched PostgreSQL must not pass as if it had."""
    server = PostgresServer()
    try:
        server.start()
    except PostgresStartError as error:
        pytest.fail(f"the test PostgreSQL server did not start: {error}", pytrace=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A fresh empty database on the test server, dropped after the test."""
    url = postgres_server.new_database()
    try:
        yield url
    finally:
        postgres_server.drop_database(url)


#: The store backends every store test runs on: the embedded default and a real PostgreSQL.
STORE_BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=STORE_BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty store's database URL, once per backend: a SQLite file in the test's folder, or a
    fresh database on the test PostgreSQL server (started only when a postgres test runs)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture(scope="module", params=STORE_BACKENDS)
def module_store_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """:func:`store_url` shared by a test module (for archives built once and only read)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('store') / 'store.sqlite'}"
    return str(request.getfixturevalue("module_postgres_url"))


@pytest.fixture(params=STORE_BACKENDS)
def store_db(request: pytest.FixtureRequest) -> str | None:
    """The store of a test's data directory (see tests/storebackends.py), once per backend: None
    for the embedded ``DIR/archive.sqlite``, or a fresh database on the test PostgreSQL server."""
    return None if request.param == "sqlite" else str(request.getfixturevalue("postgres_url"))


@pytest.fixture(scope="module", params=STORE_BACKENDS)
def module_store_db(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """:func:`store_db` shared by a test module (an archive built once)."""
    if request.param == "sqlite":
        yield None
        return
    yield str(request.getfixturevalue("module_postgres_url"))


@pytest.fixture(scope="module")
def module_postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A fresh empty database on the test server shared by a test module, dropped after it."""
    url = postgres_server.new_database()
    try:
        yield url
    finally:
        postgres_server.drop_database(url)


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """One real Redis server for the whole session (Debian's redis-server, a free loopback port)."""
    server = RedisServer()
    try:
        server.start()
    except RedisStartError as error:
        pytest.fail(f"the test Redis server did not start: {error}", pytrace=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    """Database 0 of the test Redis server, emptied before the test."""
    redis_server.flush()
    return redis_server.url(0)
