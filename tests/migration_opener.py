"""One of several processes opening the same archive at once, for the concurrent-migration tests.

``python -m tests.migration_opener URL DIR``: imports everything, writes ``DIR/ready-<pid>``,
waits for ``DIR/go``, opens the archive the way every command does (``Archive(url)``) and prints
one JSON line: what its migration did, and the revision and ``runs`` columns it then sees. A
migration here lingers half a second before it commits, so that the others surely try to
migrate while it is under way and must wait for it rather than migrate too.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from pressarchive.store import archive, migrate
from pressarchive.store.migrations import head_revision

LINGER_SECONDS = 0.5


def main() -> None:
    url, folder = sys.argv[1], Path(sys.argv[2])
    done: list[list[str]] = []
    migrate_inside_lock = migrate._migrate

    def lingering(conn: Connection) -> list[str]:
        result = migrate_inside_lock(conn)
        if result:
            time.sleep(LINGER_SECONDS)
        return result

    def recorded(engine: Engine) -> list[str]:
        result = migrate.upgrade(engine)
        done.append(result)
        return result

    migrate._migrate = lingering  # type: ignore[assignment]
    archive.upgrade = recorded  # type: ignore[assignment]
    (folder / f"ready-{os.getpid()}").touch()
    while not (folder / "go").exists():
        time.sleep(0.005)
    opened = archive.Archive(url)
    try:
        columns = [column["name"] for column in sa.inspect(opened.engine).get_columns("runs")]
        revision = migrate.schema_revision(opened.engine)
    finally:
        opened.close()
    print(json.dumps({"done": done[0], "revision": revision, "head": head_revision(), "runs_columns": columns}))


if __name__ == "__main__":
    main()
