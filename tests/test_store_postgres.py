"""The store on a real PostgreSQL server: the CLI end to end with ``--db`` (and its environment
variable and config.toml forms), one-line errors for a database that cannot be used, and the
races SQLite's single writer hid: two processes writing one store, a reader during a crawl."""

from __future__ import annotations

import json
from datetime import datetime
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from pressarchive.sampleroom import SamplePressRoom
from pressarchive.store import schema
from tests.conftest import CLI, REPO
from tests.opensearchnode import free_port
from tests.pgserver import PostgresServer

pytestmark = pytest.mark.postgres
SECRET = "s3cret-pw"


def with_password(url: str) -> str:
    """``url`` with a password (the test server trusts loopback logins, so any password works)."""
    return url.replace("pressarchive@", f"pressarchive:{SECRET}@", 1)


def table_names(url: str) -> set[str]:
    engine = sa.create_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def profile_file(room: SamplePressRoom, folder: Path) -> Path:
    path = folder / "sample.toml"
    path.write_text(room.profile_toml(), "utf-8")
    return path


def test_the_cli_end_to_end_on_postgres(postgres_url: str, tmp_path: Path) -> None:
    url = with_password(postgres_url)
    cli = CLI(tmp_path / "data")
    demo = cli("--db", url, "demo", "--no-serve", check=True)
    outputs = [demo.stdout + demo.stderr]
    status = json.loads(cli("--db", url, "status", "--json", check=True).stdout)
    assert status["store_engine"] == "postgresql"
    assert status["store_address"] == url.replace(SECRET, "***")
    assert status["documents"] > 0 and status["indexed"] == status["documents"]
    text_status = cli("--db", url, "status", check=True).stdout
    assert "postgresql" in text_status
    hits = cli.json("--db", url, "search", "operation")
    assert hits["total"] > 0
    check = cli("--db", url, "check", check=True)
    export = cli("--db", url, "export", "operation", "--format", "csv", check=True)
    assert export.stdout.count("\n") == hits["total"] + 1
    outputs += [text_status, json.dumps(hits), check.stdout + check.stderr, export.stderr]
    assert not any(SECRET in out for out in outputs)
    # The store is the server's: DIR keeps the WARC files and the index, and no archive.sqlite.
    assert not (tmp_path / "data" / "archive.sqlite").exists()
    assert list((tmp_path / "data" / "warc").glob("*.warc.gz"))
    engine = sa.create_engine(postgres_url)
    with engine.connect() as conn:
        stored = conn.execute(sa.select(sa.func.count()).select_from(schema.documents)).scalar_one()
    assert stored == status["documents"]
    engine.dispose()


def test_the_environment_and_config_name_the_database(postgres_url: str, tmp_path: Path) -> None:
    cli = CLI(tmp_path / "data")
    os.environ["PRESSARCHIVE_DB"] = postgres_url
    try:
        cli("demo", "--no-serve", check=True)
        via_env = cli.json("status")
    finally:
        del os.environ["PRESSARCHIVE_DB"]
    assert via_env["store_engine"] == "postgresql" and via_env["documents"] > 0
    (tmp_path / "data" / "config.toml").write_text(f'db = "{postgres_url}"\n', "utf-8")
    via_config = cli.json("status")
    assert via_config["documents"] == via_env["documents"] and via_config["store_address"] == postgres_url
    assert not (tmp_path / "data" / "archive.sqlite").exists()
    public = _public_status(tmp_path / "data")
    assert public["store_engine"] == "postgresql" and "store_address" not in public


def _public_status(root: Path) -> dict[str, object]:
    from fastapi.testclient import TestClient

    from pressarchive.datadir import DataDir
    from pressarchive.web import create_app

    with TestClient(create_app(DataDir(root))) as client:
        body = client.get("/api/status").json()
        page = client.get("/status").text
    assert "postgresql" in page and "127.0.0.1" not in page
    return dict(body)


def test_a_reader_of_an_empty_database_gets_one_line_and_creates_nothing(postgres_url: str, tmp_path: Path) -> None:
    cli = CLI(tmp_path / "data")
    for command in (["status"], ["search", "x"], ["check"]):
        result = cli("--db", with_password(postgres_url), *command)
        assert result.returncode == 1, result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: the store database") and "holds no archive" in lines[0]
        assert SECRET not in result.stderr and "***" in result.stderr
    assert table_names(postgres_url) == set()


@pytest.mark.parametrize("url, expected", [
    ("mysql://u@h/db", "unsupported database 'mysql'"),
    ("postgresql+psycopg://u:pw@127.0.0.1:5432", "names no database"),
    ("not a url", "bad database URL"),
])
def test_a_bad_url_is_one_line(url: str, expected: str, tmp_path: Path) -> None:
    result = CLI(tmp_path / "data")("--db", url, "status")
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: ") and expected in result.stderr and "pw" not in result.stderr


def test_an_unreachable_server_or_missing_database_is_one_line(postgres_server: PostgresServer,
                                                                tmp_path: Path) -> None:
    nowhere = f"postgresql+psycopg://u:{SECRET}@127.0.0.1:{free_port()}/archive"
    missing = with_password(postgres_server.database_url("no_such_database"))
    for url, reason in ((nowhere, "Connection refused"), (missing, 'database "no_such_database" does not exist')):
        for command in (["status"], ["demo", "--no-serve"]):
            result = CLI(tmp_path / "data")("--db", url, *command)
            assert result.returncode == 1, result.stderr
            assert "Traceback" not in result.stderr, result.stderr
            errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
            assert errors == result.stderr.splitlines()[-1:]  # (demo says where its room is first)
            assert errors[0].startswith("error: cannot open the store database") and reason in errors[0]
            assert SECRET not in result.stderr


# -- two writers, a reader during a crawl ------------------------------------------------------------

WRITER = textwrap.dedent("""
    import json, sys, time
    from datetime import datetime, timedelta
    from pressarchive import Document
    from pressarchive.store import Archive, Capture

    url, name, start = sys.argv[1], sys.argv[2], float(sys.argv[3])
    archive = Archive(url)
    archive.upsert_source("police", title="Police")
    while time.time() < start:
        time.sleep(0.005)
    outcomes = []
    base = datetime(2024, 1, 1)
    for round in range(3):
        for n in range(40):
            when = base + timedelta(minutes=round * 100 + n)
            cap = archive.record_capture(Capture("police", f"https://p.example/{n}", 200, "text/html", 1, when,
                                                 "0" * 64, "x.warc.gz", n))
            doc = Document(url=f"https://p.example/{n}", title=f"Release {n}",
                           text=f"text of {n} round {round} by {name}", language="en", source="police")
            outcomes.append(archive.save_document(doc, cap).status)
    print(json.dumps(outcomes))
""")


def test_two_processes_writing_one_store_lose_and_duplicate_nothing(postgres_url: str) -> None:
    start = time.time() + 1.5  # both open the store first, then write at the same moment
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, postgres_url, name, str(start)], cwd=REPO,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for name in ("a", "b")]
    results = [writer.communicate(timeout=120) for writer in writers]
    assert all(writer.returncode == 0 for writer in writers), [err for _out, err in results]
    statuses = [status for out, _err in results for status in json.loads(out)]
    engine = sa.create_engine(postgres_url)
    with engine.connect() as conn:
        docs = conn.execute(sa.select(schema.documents.c.id, schema.documents.c.current_version)).all()
        versions = conn.execute(sa.select(schema.versions.c.document_id, schema.versions.c.number,
                                          schema.versions.c.id)).all()
        sources = conn.execute(sa.select(sa.func.count()).select_from(schema.sources)).scalar_one()
    engine.dispose()
    assert len(docs) == 40 and sources == 1
    assert statuses.count("new") == 40
    # Every text is new, so every save made a version: after the latest ("changed"), or in its
    # place in time ("past": the other process had already saved a later capture of the page).
    assert len(versions) == 240 == statuses.count("new") + statuses.count("changed") + statuses.count("past")
    by_doc: dict[int, list[int]] = {}
    for row in versions:
        by_doc.setdefault(row.document_id, []).append(row.number)
    assert all(sorted(numbers) == list(range(1, len(numbers) + 1)) for numbers in by_doc.values())
    latest = {row.document_id: row.id for row in sorted(versions, key=lambda r: r.number)}
    assert all(doc.current_version == latest[doc.id] for doc in docs)


def test_two_crawls_into_one_database_store_each_release_once(postgres_url: str, tmp_path: Path) -> None:
    """Two data directories (two crawler machines) crawling the same press room at once into one
    PostgreSQL store: every release is one document with one version."""
    room = SamplePressRoom()
    room.start()
    try:
        profile = profile_file(room, tmp_path)
        crawls = [subprocess.Popen([sys.executable, "-m", "pressarchive", "--data", str(tmp_path / f"d{n}"),
                                    "--db", postgres_url, "crawl", "--profile", str(profile), "--delay", "0"],
                                   cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                  for n in (1, 2)]
        results = [crawl.communicate(timeout=300) for crawl in crawls]
    finally:
        room.stop()
    assert all(crawl.returncode == 0 for crawl in crawls), [err for _out, err in results]
    engine = sa.create_engine(postgres_url)
    with engine.connect() as conn:
        urls = conn.execute(sa.select(schema.documents.c.url)).scalars().all()
        versions = conn.execute(sa.select(sa.func.count()).select_from(schema.versions)).scalar_one()
        captures = conn.execute(sa.select(sa.func.count()).select_from(schema.captures)).scalar_one()
    engine.dispose()
    assert len(urls) == len(set(urls)) == versions > 0
    assert captures >= 2 * len(urls)  # each process archived what it fetched, in its own WARC files
    status = CLI(tmp_path / "d1").json("--db", postgres_url, "status")
    assert status["documents"] == len(urls)


def test_a_reader_during_a_crawl_sees_a_consistent_growing_archive(postgres_url: str, tmp_path: Path) -> None:
    room = SamplePressRoom()
    room.start()
    try:
        profile = profile_file(room, tmp_path)
        data = tmp_path / "data"
        crawl = subprocess.Popen([sys.executable, "-m", "pressarchive", "--data", str(data), "--db", postgres_url,
                                  "crawl", "--profile", str(profile), "--delay", "0"],
                                 cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        seen = _read_while_running(crawl, postgres_url)
        out, err = crawl.communicate(timeout=300)
    finally:
        room.stop()
    assert crawl.returncode == 0, err
    assert seen, "the reader never read the archive during the crawl"
    counts = [documents for documents, _versions in seen]
    assert counts == sorted(counts)  # committed documents never disappear
    final = CLI(data).json("--db", postgres_url, "status")
    assert final["documents"] >= counts[-1] and final["documents"] > 0
    assert CLI(data).json("--db", postgres_url, "search", "operation")["total"] > 0


def _has_documents(url: str) -> bool:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return bool(conn.execute(sa.text("SELECT to_regclass('documents') IS NOT NULL")).scalar()) and bool(
                conn.execute(sa.select(sa.func.count()).select_from(schema.documents)).scalar())
    finally:
        engine.dispose()


def _read_while_running(crawl: subprocess.Popen[str], url: str) -> list[tuple[int, int]]:
    """(documents, versions) read over and over, in one snapshot each, until the crawl ends."""
    from pressarchive.store import Archive

    seen: list[tuple[int, int]] = []
    orphans: list[int] = []
    archive: Archive | None = None
    deadline = time.monotonic() + 300
    while crawl.poll() is None and time.monotonic() < deadline:
        if archive is None and _has_documents(url):  # the crawl has made the schema, and is writing
            archive = Archive(url)
        if archive is not None:
            stats = archive.stats()
            seen.append((stats["documents"], stats["versions"]))
            orphans.append(_documents_without_their_version(archive))
        time.sleep(0.05)
    if archive is not None:
        archive.close()
    assert not any(orphans), orphans  # a document is committed with its version, never before it
    return seen


def _documents_without_their_version(archive: Any) -> int:
    """Documents whose current version is unset or not there, in one statement (one snapshot):
    the counts of ``stats`` are separate statements, which READ COMMITTED lets see different moments."""
    docs, vers = schema.documents, schema.versions
    has_version = sa.exists().where(vers.c.id == docs.c.current_version)
    query = sa.select(sa.func.count()).select_from(docs).where(sa.or_(docs.c.current_version.is_(None), ~has_version))
    with archive.engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


# -- a server that stops taking writes ---------------------------------------------------------------


def _terminate_others(url: str) -> None:
    """Close every other session on ``url``'s database, as a server restart or a cut network would."""
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        conn.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                             "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
    engine.dispose()


def test_a_lost_connection_is_a_storage_failure_and_the_pool_reconnects(postgres_url: str) -> None:
    from pressarchive.store import Archive
    from pressarchive.writefailure import describe, is_database_server_failure, is_storage_failure

    archive = Archive(postgres_url)
    try:
        archive.upsert_source("police", title="Police")
        with pytest.raises(sa.exc.DBAPIError) as lost:
            with archive.engine.begin() as conn:
                conn.execute(sa.select(1))
                _terminate_others(postgres_url)
                conn.execute(schema.sources.update().values(title="never written"))
        assert is_storage_failure(lost.value) and is_database_server_failure(lost.value)
        assert "\n" not in describe(lost.value)
        _terminate_others(postgres_url)  # the idle pooled connection too: pre-ping replaces it
        assert [row["title"] for row in archive.sources()] == ["Police"]
    finally:
        archive.close()


def test_a_store_that_refuses_writes_stops_the_crawl_in_one_line(postgres_url: str, tmp_path: Path) -> None:
    cli = CLI(tmp_path / "data")
    cli("--db", postgres_url, "demo", "--no-serve", check=True)
    before = cli.json("--db", postgres_url, "status")
    name = postgres_url.rsplit("/", 1)[1]
    engine = sa.create_engine(postgres_url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:  # a standby, or a full disk's emergency setting: reads only
        conn.execute(sa.text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on'))
    engine.dispose()
    room = SamplePressRoom()
    room.start()
    try:
        room.revision = 2
        result = cli("--db", postgres_url, "crawl", "--profile", str(profile_file(room, tmp_path)), "--delay", "0")
    finally:
        room.stop()
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("error: cannot write to the store's database server: ") and "read-only" in last, last
    assert cli.json("--db", postgres_url, "status")["documents"] == before["documents"]  # nothing lost


def test_an_account_that_may_not_create_the_tables_is_one_line(postgres_url: str, tmp_path: Path) -> None:
    engine = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:  # PostgreSQL 15+: only the owner creates in schema public
        conn.execute(sa.text("DROP ROLE IF EXISTS visitor"))
        conn.execute(sa.text("CREATE ROLE visitor LOGIN"))
    engine.dispose()
    visitor = postgres_url.replace("pressarchive@", f"visitor:{SECRET}@", 1)
    try:
        result = CLI(tmp_path / "data")("--db", visitor, "demo", "--no-serve")
    finally:
        engine = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(sa.text("DROP OWNED BY visitor"))
            conn.execute(sa.text("DROP ROLE visitor"))
        engine.dispose()
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("error: cannot create the archive's tables in postgresql+psycopg://visitor:***@"), last
    assert "permission denied" in last and SECRET not in result.stderr
    assert table_names(postgres_url) == set()


def test_a_correction_whose_author_or_reason_holds_a_nul_is_refused_in_one_line(postgres_url: str) -> None:
    # PostgreSQL's text cannot hold NUL (SQLite's can): such a name or reason, typed in a form
    # or on a command line, must be one error, not a failed INSERT (a 500, a traceback).
    from pressarchive.dossiers.service import Dossiers
    from pressarchive.errors import UserError
    from pressarchive.store import Archive

    archive = Archive(postgres_url)
    try:
        made = archive.add_correction("add_figure", "1", {}, "ana", "missed", datetime(2026, 3, 1))
        dossiers = Dossiers(archive)
        with pytest.raises(UserError, match="control characters"):
            dossiers.withdraw(made.id, author="ben\x00")
        with pytest.raises(UserError, match="control characters"):
            dossiers.merge_operations("a", "b", author="ben", reason="same\x00operation")
        assert archive.corrections()[0].withdrawn_at is None
    finally:
        archive.close()
