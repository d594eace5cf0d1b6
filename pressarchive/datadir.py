"""Where the archive lives on disk, and the one check that it is usable.

Everything the archive keeps sits under one data directory so that it can be copied, backed
up or audited as a unit: the SQLite store, the WARC files, the Whoosh index and crawl reports.
Resolution order: ``--data``, then ``PRESSARCHIVE_DATA``, then the per-user data directory.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir

ENV_VAR = "PRESSARCHIVE_DATA"


class DataDirError(Exception):
    """The data directory cannot be created or written."""


@dataclass(frozen=True)
class DataDir:
    """The paths inside one data directory."""

    root: Path

    @property
    def database(self) -> Path:
        return self.root / "archive.sqlite"

    @property
    def warc_dir(self) -> Path:
        return self.root / "warc"

    @property
    def index_dir(self) -> Path:
        return self.root / "index"

    @property
    def reports_dir(self) -> Path:
        return self.root / "reports"

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.database}"


def resolve_data_dir(option: str | os.PathLike[str] | None = None) -> DataDir:
    """The data directory named by the option, the environment or the user default."""
    chosen = option or os.environ.get(ENV_VAR) or user_data_dir("pressarchive", appauthor=False)
    return DataDir(Path(chosen).expanduser().resolve())


def prepare_data_dir(data: DataDir) -> DataDir:
    """Create the directory tree and prove it is writable before any work starts."""
    try:
        for path in (data.root, data.warc_dir, data.index_dir, data.reports_dir):
            path.mkdir(parents=True, exist_ok=True)
        probe = data.root / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise DataDirError(f"data directory {data.root} is not writable: {reason}") from None
    return data
