"""A data directory's ``config.toml``: the settings an archive keeps between runs.

Two keys. ``index``: the address of the search engine the archive uses (see
:mod:`pressarchive.index.engines`), written by ``index --rebuild --to ADDRESS`` once the new
engine is full, so every later command (crawl, search, serve) uses it without an option.
``db``: the store's database URL (see :mod:`pressarchive.dbaddress`) when it is not the
embedded ``archive.sqlite``, for example a team's PostgreSQL server. A missing file means
the defaults; a malformed one is a clear error, never silently ignored.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from pressarchive.errors import UserError


#: A top-level ``index = ...`` line (a key before any ``[table]`` header).
_INDEX_LINE = re.compile(r"^\s*index\s*=")
_TABLE_LINE = re.compile(r"^\s*\[")


class ConfigError(UserError):
    """The data directory's config.toml cannot be read or holds a bad value."""


@dataclass(frozen=True)
class DataConfig:
    index: str | None = None  # search engine address; None: the embedded default
    db: str | None = None  # the store's database URL; None: DIR/archive.sqlite


def read_config(path: Path) -> DataConfig:
    """The settings in ``path``; the defaults when it does not exist."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, NotADirectoryError):
        return DataConfig()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from None
    index = raw.get("index")
    if index is not None and not isinstance(index, str):
        raise ConfigError(f"{path}: index must be a string such as \"opensearch+http://127.0.0.1:9200/press\"")
    db = raw.get("db")
    if db is not None and not isinstance(db, str):
        raise ConfigError(f"{path}: db must be a string such as \"postgresql+psycopg://USER@HOST:5432/NAME\"")
    return DataConfig(index=index, db=db)


def write_index(path: Path, address: str) -> None:
    """Make ``path`` name ``address`` as the archive's search engine, keeping every other line.

    Rewrites the one top-level ``index = ...`` line, or adds it above the first table (or at
    the end): comments and other settings a person wrote stay as they were. The new file is
    parsed before it replaces the old one (atomically), so a run killed midway or an address
    TOML cannot hold leaves the previous file intact. A malformed file is refused, not edited.
    An address with a password is stored as given, in a file only its owner may read.
    """
    read_config(path)  # ConfigError for a file that is already malformed
    try:
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    except FileNotFoundError:
        lines = []
    text = "".join(_with_index_line(lines, f"index = {json.dumps(address, ensure_ascii=False)}\n"))
    try:
        written = tomllib.loads(text).get("index")
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"cannot record index address in {path}: {exc}") from None
    if written != address:
        raise ConfigError(f"cannot record the index address in {path}: it is not a plain top-level key there")
    _replace(path, text, private=_has_password(address))


def _has_password(address: str) -> bool:
    try:
        return urlsplit(address).password is not None
    except ValueError:
        return False


def _with_index_line(lines: list[str], line: str) -> list[str]:
    """``lines`` with their top-level index line replaced by ``line`` (or ``line`` added)."""
    for number, old in enumerate(lines):
        if _TABLE_LINE.match(old):
            return [*lines[:number], line, *lines[number:]]
        if _INDEX_LINE.match(old):
            return [*lines[:number], line, *lines[number + 1:]]
    if lines and not lines[-1].endswith("\n"):
        lines = [*lines[:-1], lines[-1] + "\n"]
    return [*lines, line]


def _replace(path: Path, text: str, private: bool) -> None:
    """Write ``text`` to a temporary file beside ``path`` and rename it into place; ``private``
    (it holds a password): readable by its owner only."""
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = 0o644
    if private:
        mode &= 0o600
    try:
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".config-", suffix=".toml")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as file:
                file.write(text)
                file.flush()
                os.fsync(file.fileno())
            os.chmod(temporary, mode)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {exc.strerror or exc}") from None
