"""Data directories whose store is on a given backend, for the tests that run on both.

A data directory names a PostgreSQL store in its ``config.toml`` (``db = "..."``), so every way
a test reaches the archive (``DataDir(root)``, the CLI in this process or in a subprocess, the
web app) uses the same store without passing ``--db``. SQLite keeps the embedded default
(``DIR/archive.sqlite``), so a copy of the folder is a copy of the archive.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from pressarchive.datadir import DataDir
from tests.pgserver import PostgresServer


def data_dir_on(root: Path, db: str | None) -> DataDir:
    """``root`` as a data directory whose store is ``db`` (None: the embedded SQLite file)."""
    root.mkdir(parents=True, exist_ok=True)
    if db is not None:
        (root / "config.toml").write_text(f'db = "{db}"\n', "utf-8")
    return DataDir(root)


def copy_data_dir(data: DataDir, root: Path, server: PostgresServer | None) -> DataDir:
    """A copy of ``data`` (its files, and its PostgreSQL database when ``server`` holds it) at ``root``."""
    shutil.copytree(data.root, root)
    if data.uses_embedded_database:
        return DataDir(root)
    assert server is not None, "a PostgreSQL store is copied on its server"
    return data_dir_on(root, server.copy_database(data.database_url))
