"""A data directory's ``config.toml``: the settings an archive keeps between runs.

Today one key, ``index``: the address of the search engine the archive uses (see
:mod:`pressarchive.index.engines`), written by ``index --rebuild --to ADDRESS`` once the new
engine is full, so every later command (crawl, search, serve) uses it without an option. A
missing file means the defaults; a malformed one is a clear error, never silently ignored.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from pressarchive.errors import UserError


class ConfigError(UserError):
    """The data directory's config.toml cannot be read or holds a bad value."""


@dataclass(frozen=True)
class DataConfig:
    index: str | None = None  # search engine address; None: the embedded default


def read_config(path: Path) -> DataConfig:
    """The settings in ``path``; the defaults when it does not exist."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return DataConfig()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from None
    index = raw.get("index")
    if index is not None and not isinstance(index, str):
        raise ConfigError(f"{path}: index must be a string such as \"opensearch+http://127.0.0.1:9200/press\"")
    return DataConfig(index=index)
