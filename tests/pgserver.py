"""A real PostgreSQL server on 127.0.0.1 for the tests and the benchmark, from Debian's binaries.

``initdb`` and ``postgres`` refuse to run as root, so when the tests run as root (CI does) the
server runs as Debian's ``postgres`` user in a temporary folder it owns; otherwise as the current
user. It listens on a free loopback port with its socket in the same folder, trusts local
connections (nothing else can reach it), skips fsync (a test server loses nothing that
matters), and dies with the process that started it, so a test run killed outright leaves no
server behind. Each test gets a fresh database of its own (:meth:`PostgresServer.new_database`).
"""

from __future__ import annotations

import ctypes
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from types import TracebackType

from tests.opensearchnode import free_port

SUPERUSER = "pressarchive"
START_TIMEOUT = 60.0
STOP_TIMEOUT = 20.0
#: Debian installs each major version's server binaries here (postgresql-NN).
DEBIAN_BIN = Path("/usr/lib/postgresql")
_PR_SET_PDEATHSIG = 1


class PostgresStartError(RuntimeError):
    """The server could not be found, initialised or started; the message carries its log tail."""


def server_bin() -> Path:
    """The newest installed major version's binary folder (initdb, postgres)."""
    versions = sorted((p for p in DEBIAN_BIN.glob("*/bin") if (p / "postgres").exists()),
                      key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
    if not versions:
        raise PostgresStartError(f"no PostgreSQL server under {DEBIAN_BIN}: apt-get install postgresql")
    return versions[-1]


def _run_as() -> pwd.struct_passwd | None:
    """The account the server runs as: ``postgres`` when we are root, else ourselves (None)."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam("postgres")
    except KeyError:
        raise PostgresStartError("running as root and there is no 'postgres' user to run the server as") from None


def die_with_parent() -> None:
    """In a server's child process: the kernel kills it when the test process dies."""
    ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def tail_of(path: Path, lines: int = 30) -> str:
    """The last ``lines`` of a server's log ("" when it cannot be read)."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _demote(account: pwd.struct_passwd | None) -> None:
    """In the child: drop root for the server's account, then die with the parent (in that
    order: the kernel forgets the death signal when a process's credentials change, so a test
    session killed outright left its PostgreSQL running)."""
    if account is not None:
        os.setgroups([])
        os.setgid(account.pw_gid)
        os.setuid(account.pw_uid)
    die_with_parent()


class PostgresServer:
    """One ``postgres`` process with a data folder of its own; :meth:`stop` removes both."""

    def __init__(self) -> None:
        self.port = 0
        self.root: Path | None = None
        self.process: subprocess.Popen[bytes] | None = None
        self._account: pwd.struct_passwd | None = None

    @property
    def url(self) -> str:
        """The maintenance database's URL (``postgres``), as the superuser."""
        return self.database_url("postgres")

    def database_url(self, name: str) -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{name}"

    def start(self, parent: Path | None = None) -> PostgresServer:
        binaries = server_bin()
        self._account = _run_as()
        self.root = Path(tempfile.mkdtemp(prefix="pgtest-", dir=parent))
        if self._account is not None:
            os.chown(self.root, self._account.pw_uid, self._account.pw_gid)
        data = self.root / "data"
        log = self.root / "server.log"
        self._initdb(binaries, data, log)
        self.port = free_port()
        options = [
            "-D", str(data), "-p", str(self.port), "-k", str(self.root), "-c", "listen_addresses=127.0.0.1",
            "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
            "-c", "max_connections=300", "-c", "shared_buffers=64MB",
        ]
        with open(log, "ab") as out:
            self.process = subprocess.Popen([str(binaries / "postgres"), *options], stdout=out, stderr=out,
                                            stdin=subprocess.DEVNULL, preexec_fn=lambda: _demote(self._account))
        self._wait_ready(log)
        return self

    def _initdb(self, binaries: Path, data: Path, log: Path) -> None:
        command = [str(binaries / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=trust",
                   "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]
        with open(log, "wb") as out:
            if self._account is not None:
                os.chown(log, self._account.pw_uid, self._account.pw_gid)
            result = subprocess.run(command, stdout=out, stderr=out, preexec_fn=lambda: _demote(self._account),
                                    timeout=START_TIMEOUT)
        if result.returncode != 0:
            raise PostgresStartError(f"initdb failed: {self.log_tail()}")

    def _wait_ready(self, log: Path) -> None:
        import psycopg

        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise PostgresStartError(f"postgres exited with {self.process.returncode}: {self.log_tail()}")
            try:
                psycopg.connect(self._dsn("postgres"), connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                time.sleep(0.1)
        self.stop()
        raise PostgresStartError(f"postgres did not accept connections in {START_TIMEOUT:.0f} s: {self.log_tail()}")

    def _dsn(self, name: str) -> str:
        return f"host=127.0.0.1 port={self.port} user={SUPERUSER} dbname={name}"

    def new_database(self, prefix: str = "t") -> str:
        """A new empty database's SQLAlchemy URL (FILE_COPY of template1: a few milliseconds)."""
        import psycopg

        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self._dsn("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" STRATEGY FILE_COPY')
        return self.database_url(name)

    def copy_database(self, url: str) -> str:
        """A new database holding a copy of ``url``'s (which nobody may be connected to)."""
        import psycopg

        name = f"copy_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self._dsn("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{url.rsplit("/", 1)[1]}" STRATEGY FILE_COPY')
        return self.database_url(name)

    def drop_database(self, url: str) -> None:
        """Drop the database of ``url`` (closing whatever connections a test left open)."""
        import psycopg

        name = url.rsplit("/", 1)[1]
        with psycopg.connect(self._dsn("postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def log_tail(self, lines: int = 30) -> str:
        return tail_of(self.root / "server.log", lines) if self.root is not None else ""

    def rss_bytes(self) -> int:
        """Resident memory of the postmaster and its backends (a benchmark's figure)."""
        if self.process is None:
            return 0
        total = 0
        for pid in _children_and_self(self.process.pid):
            try:
                fields = Path(f"/proc/{pid}/statm").read_text().split()
                total += int(fields[1]) * os.sysconf("SC_PAGE_SIZE")
            except (OSError, IndexError, ValueError):
                continue
        return total

    def stop(self) -> None:
        """SIGINT (fast shutdown), then SIGKILL after a grace; the folder is removed."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None

    def __enter__(self) -> PostgresServer:
        return self.start() if self.process is None else self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def _children_and_self(pid: int) -> list[int]:
    found = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return found
    return found + [int(child) for child in children]
