"""The store's schema migrations: Alembic's environment and revisions, shipped with the package.

``store/migrate.py`` runs them when an archive is opened, with an Alembic configuration built in
code (no ``alembic.ini``). Revisions form one line, numbered ``0001``, ``0002``, ..., each in
``versions/<number>_<slug>.py``; ``python -m pressarchive.store.migrations "what changed"``
writes the next one from what ``store/schema.py`` declares and the migrations do not yet make.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config

#: Where Alembic finds ``env.py`` and ``versions/``.
SCRIPT_LOCATION = Path(__file__).resolve().parent
VERSIONS = SCRIPT_LOCATION / "versions"


@cache
def head_revision() -> str:
    """The newest revision, read from the file names: opening an archive that is up to date
    must not import Alembic (a tenth of a second), only compare this with the database's."""
    return max(path.name.split("_", 1)[0] for path in VERSIONS.glob("[0-9]*_*.py"))


def alembic_config() -> Config:
    """Alembic's configuration for this package; a migration's connection goes in its
    ``attributes["connection"]`` (``env.py`` opens none of its own)."""
    from alembic.config import Config  # only when migrating: see head_revision

    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    config.set_main_option("path_separator", "os")
    return config
