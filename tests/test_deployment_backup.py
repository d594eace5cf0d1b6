"""The README's backup of a deployment restores: ``pg_dump`` of the store plus the WARC files.

An archive crawled into PostgreSQL is dumped (``pg_dump -Fc``) and its ``warc/`` copied; the
dump is restored (``pg_restore``) into a new database and the WARC files into a new, otherwise
empty data directory, as on a new machine. ``check`` finds the restored archive clean (the
embedded index refilled from the store, every capture's WARC record there with its digest)
and a search finds a release.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import CLI
from tests.loadroom import LoadRoom
from tests.pgserver import PostgresServer, server_bin

pytestmark = pytest.mark.postgres


def libpq_url(url: str) -> str:
    """The SQLAlchemy URL as pg_dump and pg_restore take it."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def test_pg_dump_and_the_warc_files_restore_a_clean_archive(
    tmp_path: Path, postgres_server: PostgresServer, postgres_url: str,
) -> None:
    with LoadRoom(30) as room:
        profile = tmp_path / "room.toml"
        profile.write_text(room.profile_toml(), "utf-8")
        CLI(tmp_path / "data")("--db", postgres_url, "crawl", "--profile", str(profile), "--delay", "0", check=True)
        title = room.title(7)

    dump = tmp_path / "store.dump"
    subprocess.run([str(server_bin() / "pg_dump"), "-Fc", "-f", str(dump), libpq_url(postgres_url)], check=True)
    restored = postgres_server.new_database("restored")
    try:
        subprocess.run([str(server_bin() / "pg_restore"), "--no-owner", "-d", libpq_url(restored), str(dump)],
                       check=True)
        shutil.copytree(tmp_path / "data" / "warc", tmp_path / "new" / "warc")
        new = CLI(tmp_path / "new")
        check = new("--db", restored, "check")
        assert check.returncode == 0, check.stdout + check.stderr
        assert "30 documents in the store, 30 index entries" in check.stdout
        found = new.json("--db", restored, "search", f'"{title}"')
        assert title in [hit["title"] for hit in found["hits"]]
    finally:
        postgres_server.drop_database(restored)
