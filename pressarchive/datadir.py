"""Where the archive lives on disk, the checks that it is usable, and its one-writer lock.

Everything the archive keeps sits under one data directory so that it can be copied, backed
up or audited as a unit: the SQLite store, the WARC files, the embedded search index (unless
``config.toml`` names a search server) and crawl reports.
Resolution order: ``--data``, then ``PRESSARCHIVE_DATA``, then the per-user data directory.

Only commands that write create a data directory (:func:`prepare_data_dir`); commands that
read require one that already holds an archive (:func:`require_archive`), so a mistyped path
is an error rather than a new, empty archive. Writers hold :func:`writer_lock` for as long as
they write: two crawls interleaving their runs, documents and index rounds in one store would
race each other, while any number of readers may read beside the one writer.
"""

from __future__ import annotations

import fcntl
import os
import shlex
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir

ENV_VAR = "PRESSARCHIVE_DATA"
#: The first bytes of every SQLite 3 database file.
SQLITE_MAGIC = b"SQLite format 3\x00"
#: How much of the lock holder's command line is kept in the lock file and quoted back.
HOLDER_MAX = 300


class DataDirError(Exception):
    """The data directory cannot be created, written or read as an archive."""


class DataDirBusy(DataDirError):
    """Another process is writing to the data directory."""


@dataclass(frozen=True)
class DataDir:
    """The paths inside one data directory, and the search engine its archive uses.

    ``index_option`` is the engine address given for this run (``--index`` or
    ``PRESSARCHIVE_INDEX``); without one, the directory's ``config.toml`` names it, else the
    embedded Whoosh index in ``index/`` is used (:attr:`index_address`).
    """

    root: Path
    index_option: str | None = None
    db_option: str | None = None  # --db or $PRESSARCHIVE_DB: the store's database URL

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
    def cdxj_dir(self) -> Path:
        """The CDXJ index of the WARC files (one sorted file per WARC file)."""
        return self.root / "cdxj"

    @property
    def snapshots_dir(self) -> Path:
        """Citable snapshots, one folder each, never changed once written."""
        return self.root / "snapshots"

    @property
    def config_file(self) -> Path:
        """Settings of this archive that outlive a run (the search engine's address)."""
        return self.root / "config.toml"

    @property
    def index_address(self) -> str:
        """The search engine's address: the run's option, else ``config.toml``'s, else ``whoosh``."""
        if self.index_option and self.index_option.strip():
            return self.index_option.strip()
        from pressarchive.dataconfig import read_config

        return read_config(self.config_file).index or "whoosh"

    @property
    def lock_file(self) -> Path:
        return self.root / ".lock"

    @property
    def indexing_lock_file(self) -> Path:
        return self.root / ".indexing"

    @property
    def database_url(self) -> str:
        """The store's database: the run's option, else ``config.toml``'s ``db``, else the
        embedded ``archive.sqlite`` (see :mod:`pressarchive.dbaddress`)."""
        if self.db_option and self.db_option.strip():
            return self.db_option.strip()
        from pressarchive.dataconfig import read_config

        return read_config(self.config_file).db or f"sqlite:///{self.database}"

    @property
    def uses_embedded_database(self) -> bool:
        """Whether the store is this directory's own ``archive.sqlite`` (not a server's database)."""
        return self.database_url == f"sqlite:///{self.database}"


def resolve_data_dir(option: str | os.PathLike[str] | None = None, index: str | None = None,
                     db: str | None = None) -> DataDir:
    """The data directory named by the option, the environment or the user default; ``index``
    is the search engine address and ``db`` the store's database URL given for this run, if any."""
    if option is not None and not str(option).strip():
        # `--data "$DIR"` with DIR unset must not quietly mean the default archive.
        raise DataDirError("empty data directory name: give --data a directory")
    chosen = option or os.environ.get(ENV_VAR) or user_data_dir("pressarchive", appauthor=False)
    return DataDir(Path(chosen).expanduser().resolve(), index_option=index, db_option=db)


def prepare_data_dir(data: DataDir) -> DataDir:
    """Create the directory tree and prove it is writable before any work starts."""
    check_archive_file(data)
    try:
        # No index/ here: the embedded engine creates it when it is the one opened.
        for path in (data.root, data.warc_dir, data.reports_dir):
            path.mkdir(parents=True, exist_ok=True)
        # An unnamed file: concurrent probes (a crawl's indexer, a reader) cannot delete each other's.
        with tempfile.TemporaryFile(dir=data.root):
            pass
    except OSError as exc:
        raise DataDirError(f"data directory {data.root} is not writable: {_reason(exc)}") from None
    return data


def require_archive(data: DataDir) -> DataDir:
    """``data`` if it already holds an archive; else one line naming the directory, and nothing created."""
    if not data.uses_embedded_database:
        _require_database_archive(data)
        return data
    if not data.database.is_file() or data.database.stat().st_size == 0:
        raise DataDirError(
            f"data directory {data.root} {_missing(data)}: give --data the directory a crawl wrote to, "
            "or crawl or add pages first"
        )
    check_archive_file(data)
    return data


def holds_archive(data: DataDir) -> bool:
    """Whether ``data``'s store already holds an archive (its file, or its tables in the
    database ``--db`` names), creating nothing; a server that cannot be reached is one line."""
    if data.uses_embedded_database:
        return data.database.is_file() and data.database.stat().st_size > 0
    from pressarchive.dbaddress import parse_database_url
    from pressarchive.store.engine import holds_archive as database_holds_archive

    return database_holds_archive(parse_database_url(data.database_url))


def _require_database_archive(data: DataDir) -> None:
    """One line, and nothing created, when the store's database (``--db``) holds no archive."""
    from pressarchive.dbaddress import parse_database_url

    address = parse_database_url(data.database_url)
    if not holds_archive(data):
        raise DataDirError(
            f"the store database {address.redacted()} holds no archive (no archive tables): "
            "crawl or add pages first with this --db, or give the --db a crawl wrote to"
        )


def _missing(data: DataDir) -> str:
    if not data.root.exists():
        return "does not exist"
    if not data.root.is_dir():
        return "is not a directory"
    return "holds no archive (no archive.sqlite)"


def check_archive_file(data: DataDir) -> None:
    """Refuse an ``archive.sqlite`` that is not a SQLite database rather than fail inside SQLite."""
    if not data.uses_embedded_database:
        return
    try:
        with data.database.open("rb") as file:
            head = file.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        return
    except OSError as exc:
        raise DataDirError(f"cannot read {data.database}: {_reason(exc)}") from None
    if head and head != SQLITE_MAGIC:
        raise DataDirError(f"{data.database} is not a pressarchive archive (not a SQLite database)")


@contextmanager
def writer_lock(data: DataDir, command: str | None = None, shared: bool = False) -> Iterator[DataDir]:
    """Hold ``data``'s writer lock for the ``with`` block, or fail at once naming its holder.

    ``flock`` rather than a pid file: the kernel releases it when the holder dies, even by
    ``kill -9``, so a stale lock never needs clearing by hand. The holder's pid and command
    line are written into the lock file for the error message of whoever comes second.
    ``shared``: the processes of one shared crawl (``crawl --frontier``) write together (each
    to its own WARC files, the store taking turns), so they hold the lock shared, which still
    excludes every other writer, and it them. The last of them to arrive is the one named.
    Creates the data directory (writers may).
    """
    fd = _open_lock_file(data)
    try:
        try:
            fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DataDirBusy(
                f"data directory {data.root} is in use by {_holder(data)}: "
                "one writing command at a time (or the processes of one shared crawl); wait for it to finish"
            ) from None
        _write_holder(fd, command)
        try:
            yield data
        finally:
            if not shared or _only_holder(fd):
                os.ftruncate(fd, 0)  # nobody named once the holder is done, however it ended
    finally:
        os.close(fd)  # releases the lock


@contextmanager
def indexing_turn(data: DataDir, wait: bool = True) -> Iterator[bool]:
    """Whether this process has the turn to index ``data``'s pending documents (held for the
    ``with`` block); with ``wait``, it waits for the turn.

    The processes of a shared crawl on one data directory each run indexing rounds. Without
    turns, the second one's round would wait for the index's write lock and then index the few
    documents stored meanwhile: two rounds, two commits and two similarity updates for the work
    of one. A round that finds another process's round running skips, since that round or the
    next takes in what it would have. The last round of a crawl waits: nothing may stay pending.
    """
    fd = _open(data.indexing_lock_file)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)  # releases the turn


def _open(path: Path) -> int:
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o644)
    except OSError as exc:
        raise DataDirError(f"cannot open the lock file {path}: {_reason(exc)}") from None


def _open_lock_file(data: DataDir) -> int:
    try:
        data.root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataDirError(f"data directory {data.root} is not writable: {_reason(exc)}") from None
    # O_NOFOLLOW: the holder truncates the lock file, so a .lock symlinked elsewhere must not be opened.
    return _open(data.lock_file)


def _only_holder(fd: int) -> bool:
    """Whether no other process holds the lock beside this one (which holds it shared)."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # converts the lock: alone, it succeeds
    except BlockingIOError:
        return False
    return True


def _write_holder(fd: int, command: str | None) -> None:
    line = command or shlex.join(["pressarchive", *map(_without_password, sys.argv[1:])])
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()} {line[:HOLDER_MAX]}\n".encode("utf-8", "replace"), 0)


def _without_password(arg: str) -> str:
    """A command-line word with the password of a URL in it (``--db URL``, ``--db=URL``) hidden:
    the lock file is shown to whoever comes second, who may be another user."""
    if "://" not in arg or "@" not in arg:  # no user, so no password: left exactly as typed
        return arg
    from pressarchive.dbaddress import redact

    option, equals, value = arg.partition("=")
    if equals and option.startswith("--") and "://" not in option:
        return f"{option}={redact(value)}"
    return redact(arg)


def _holder(data: DataDir) -> str:
    """Who holds the lock, as its lock file says (its pid and command)."""
    try:
        text = data.lock_file.read_text("utf-8", "replace").strip()
    except OSError:
        text = ""
    pid, _, command = text.partition(" ")
    if not pid.isdigit():
        return "another process"  # it has the lock but has not written its name yet
    return f"process {pid} ({command[:HOLDER_MAX]})"


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)
