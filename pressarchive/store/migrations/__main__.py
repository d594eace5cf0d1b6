"""Write the next revision: ``python -m pressarchive.store.migrations "what changed" [--db URL]``.

For developers, after a change to ``store/schema.py``: the revisions so far are run on a
throwaway SQLite database (or on ``--db``, which must then be one they have migrated, e.g. a
PostgreSQL test database), Alembic's autogenerate compares it with ``schema.py`` and writes the
operations that differ into ``versions/<next number>_<slug>.py``, to be read and completed by
hand (data steps, server defaults for new NOT NULL columns). tests/test_store_migrations.py
fails until schema.py and the revisions agree again.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.script import Script

from pressarchive.store.migrations import VERSIONS, alembic_config, head_revision


def write_revision(message: str, url: str, folder: Path = VERSIONS) -> Script | None:
    """The new revision, numbered after the newest, from what ``url`` lacks once migrated;
    written into ``folder`` (the package's revisions, or elsewhere to try it out)."""
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            config = alembic_config()
            config.set_main_option("version_locations", os.pathsep.join(dict.fromkeys((str(VERSIONS), str(folder)))))
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
            written = command.revision(
                config, message, autogenerate=True, rev_id=f"{int(head_revision()) + 1:04d}", version_path=str(folder),
            )
    finally:
        engine.dispose()
    return written if isinstance(written, Script) else None


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m pressarchive.store.migrations", description=__doc__.split("\n")[0])
    parser.add_argument("message", help="what the revision changes, one line (it names the file too)")
    parser.add_argument("--db", help="a database to compare with (default: a throwaway SQLite database)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        script = write_revision(args.message, args.db or f"sqlite:///{Path(folder) / 'compare.sqlite'}")
    if script is None:
        raise SystemExit("error: Alembic wrote no revision")
    print(f"wrote {script.path}: read it, complete it by hand where needed, and run tests/test_store_migrations.py")


if __name__ == "__main__":
    main()
