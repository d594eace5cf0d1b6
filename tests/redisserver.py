"""A real Redis server on 127.0.0.1 for the tests and the benchmark, from Debian's ``redis-server``.

It listens on a free loopback port, keeps its files in a temporary folder, writes no snapshot
unless asked (``persist``: an append-only file, for tests that restart the server), and dies
with the process that started it. :meth:`RedisServer.url` names database 0;
:meth:`RedisServer.flush` empties every database between tests.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

from tests.opensearchnode import free_port
from tests.pgserver import die_with_parent, tail_of

START_TIMEOUT = 20.0
STOP_TIMEOUT = 10.0


class RedisStartError(RuntimeError):
    """redis-server is missing or did not answer; the message carries its log tail."""


class RedisServer:
    """One ``redis-server`` process; use as a context manager or call start() and stop()."""

    def __init__(self, persist: bool = False) -> None:
        self.persist = persist
        self.port = 0
        self.root: Path | None = None
        self.process: subprocess.Popen[bytes] | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self, parent: Path | None = None, port: int | None = None) -> RedisServer:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        if not Path(binary).exists():
            raise RedisStartError("redis-server is not installed: apt-get install redis-server")
        if self.root is None:
            self.root = Path(tempfile.mkdtemp(prefix="redistest-", dir=parent))
        self.port = port or free_port()
        options = ["--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.root),
                   "--save", "", "--daemonize", "no", "--logfile", str(self.root / "server.log"),
                   "--appendonly", "yes" if self.persist else "no", "--protected-mode", "yes"]
        self.process = subprocess.Popen([binary, *options], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, preexec_fn=die_with_parent)
        self._wait_ready()
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RedisStartError(f"redis-server exited with {self.process.returncode}: {self.log_tail()}")
            if self._ping():
                return
            time.sleep(0.05)
        self.stop()
        raise RedisStartError(f"redis-server did not answer in {START_TIMEOUT:.0f} s: {self.log_tail()}")

    def _ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def flush(self) -> None:
        """Empty every database (between tests)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as sock:
            sock.sendall(b"FLUSHALL\r\n")
            sock.recv(16)

    def log_tail(self, lines: int = 30) -> str:
        return tail_of(self.root / "server.log", lines) if self.root is not None else ""

    def kill(self) -> None:
        """SIGKILL, keeping the folder (a test that restarts the server on the same files)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after a grace; the folder is removed."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None

    def __enter__(self) -> RedisServer:
        return self.start() if self.process is None else self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
