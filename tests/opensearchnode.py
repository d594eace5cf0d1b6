"""A real single-node OpenSearch on 127.0.0.1 for the tests and the benchmark.

OpenSearch has no Debian package and there is no container engine here, so the server comes from
Maven Central: ``searchnode/`` is a small launcher built by ``scripts/build-searchnode`` (the
OpenSearch 2.19 server with its analysis-common and transport-netty4 modules on the classpath).
The node listens on loopback only, keeps everything under one temporary folder, and exits when
its standard input closes, so a test run that dies cannot leave a JVM behind.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

REPO = Path(__file__).resolve().parents[1]
SEARCHNODE = REPO / "searchnode"
JAR = SEARCHNODE / "target" / "searchnode.jar"
LIB = SEARCHNODE / "target" / "lib"
BUILD = REPO / "scripts" / "build-searchnode"
MAIN_CLASS = "org.pressarchive.searchnode.SearchNode"
READY = "searchnode: ready on "  # printed by SearchNode once HTTP is served
START_TIMEOUT = 120.0
STOP_TIMEOUT = 30.0
BUILD_TIMEOUT = 900.0

# The heap is small on purpose (two cores and other processes share the machine); the rest follows
# the OpenSearch 2.x distribution's jvm.options for the options that still apply without its
# security manager and bootstrap.
JVM_OPTIONS = (
    "-Xms256m",
    "-Xmx512m",
    "-XX:+UseG1GC",
    "-Xss1m",
    "-XX:+ExitOnOutOfMemoryError",
    "-XX:-OmitStackTraceInFastThrow",
    "-Djava.awt.headless=true",
    "-Dfile.encoding=UTF-8",
    "-Djna.nosys=true",
    "-Djava.locale.providers=SPI,COMPAT",
    "-Dio.netty.noUnsafe=true",
    "-Dio.netty.noKeySetOptimization=true",
    "-Dio.netty.recycler.maxCapacityPerThread=0",
    "-Dlog4j.shutdownHookEnabled=false",
    "-Dlog4j2.disable.jmx=true",
)


class NodeStartError(RuntimeError):
    """The node could not be built or did not become healthy; the message carries its log tail."""


def _built_at() -> float | None:
    """When the launcher was last built, or None when it is missing or older than its sources."""
    if not JAR.exists() or not LIB.is_dir() or not any(LIB.glob("opensearch-*.jar")):
        return None
    built = JAR.stat().st_mtime
    sources = [SEARCHNODE / "pom.xml", *(p for p in (SEARCHNODE / "src").rglob("*") if p.is_file())]
    return None if any(p.stat().st_mtime > built for p in sources) else built


def ensure_built() -> None:
    """Build the launcher when it is missing or stale, so a plain ``pytest`` works on a fresh clone."""
    if _built_at() is not None:
        return
    try:
        result = subprocess.run([str(BUILD)], cwd=REPO, capture_output=True, text=True, timeout=BUILD_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise NodeStartError(f"scripts/build-searchnode could not run: {error}") from error
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip().splitlines()[-30:]
        raise NodeStartError("scripts/build-searchnode failed:\n" + "\n".join(output))


def free_port() -> int:
    """A TCP port that was free on 127.0.0.1 a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class OpenSearchNode:
    """One OpenSearch JVM on a loopback port; use as a context manager or call start() and stop()."""

    def __init__(self) -> None:
        self.port = 0
        self.home: Path | None = None
        self.startup_seconds = 0.0
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        if self._process is None:
            raise RuntimeError("the OpenSearch node is not running")
        return self._process.pid

    @property
    def log_path(self) -> Path:
        if self.home is None:
            raise RuntimeError("the OpenSearch node was never started")
        return self.home / "node.log"

    def start(self, workdir: Path, port: int | None = None) -> OpenSearchNode:
        """Start the node in a new folder under ``workdir`` and wait until its cluster is at least yellow.

        A port chosen here can be taken by another process before the JVM binds it; that case is
        retried on a new port. Raises NodeStartError, with the node's log tail, on any failure.
        """
        ensure_built()
        attempts = 1 if port is not None else 3
        for attempt in range(attempts):
            try:
                self._start_once(workdir, port if port is not None else free_port())
                return self
            except NodeStartError as error:
                bind_failed = "BindException" in str(error) or "Address already in use" in str(error)
                self.stop()
                if not bind_failed or attempt == attempts - 1:
                    raise
        raise AssertionError("unreachable")

    def _start_once(self, workdir: Path, port: int) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        self.home = Path(tempfile.mkdtemp(prefix="opensearch-", dir=workdir))
        self.port = port
        (self.home / "tmp").mkdir()
        command = [
            "java", *JVM_OPTIONS, f"-Djava.io.tmpdir={self.home / 'tmp'}",
            "-cp", f"{JAR}{os.pathsep}{LIB}{os.sep}*", MAIN_CLASS, str(self.home), str(port),
        ]
        began = time.monotonic()
        with open(self.log_path, "wb") as log:
            try:
                # stdin stays an open pipe for the node's whole life: when this process dies, it closes.
                self._process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=log, stderr=subprocess.STDOUT)
            except OSError as error:
                raise NodeStartError(f"java could not be started: {error}") from error
        self._wait_healthy(began + START_TIMEOUT)
        self.startup_seconds = time.monotonic() - began

    def _wait_healthy(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                raise NodeStartError(
                    f"the OpenSearch node exited with status {self._process.returncode}:\n{self.log_tail()}")
            if self._announced_ready() and self._health_ready():
                return
            time.sleep(0.2)
        raise NodeStartError(f"the OpenSearch node was not healthy within {START_TIMEOUT:.0f} s:\n{self.log_tail()}")

    def _announced_ready(self) -> bool:
        """The launcher prints its ready line only after its cluster settings are in place."""
        try:
            return READY in self.log_path.read_text("utf-8", errors="replace")
        except OSError:
            return False

    def _health_ready(self) -> bool:
        request = f"{self.url}/_cluster/health?wait_for_status=yellow&timeout=1s"
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                status = json.load(response).get("status")
        except (OSError, ValueError, urllib.error.URLError):
            return False
        return status in ("green", "yellow")

    def log_tail(self, lines: int = 40) -> str:
        """The last lines of the node's log (standard output and error of the JVM)."""
        try:
            text = self.log_path.read_text("utf-8", errors="replace")
        except (OSError, RuntimeError):
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def rss_bytes(self) -> int:
        """The JVM's resident memory now, from /proc/PID/status (VmRSS)."""
        return self._status_kib("VmRSS") * 1024

    def peak_rss_bytes(self) -> int:
        """The JVM's highest resident memory so far (VmHWM): what a benchmark reports."""
        return self._status_kib("VmHWM") * 1024

    def _status_kib(self, key: str) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith(f"{key}:"):
                return int(line.split()[1])
        raise RuntimeError(f"{key} missing from /proc status")

    def stop(self) -> None:
        """SIGTERM (the node closes itself), SIGKILL if it lingers, then remove its folder."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process is not None and process.stdin is not None:
            process.stdin.close()
        if self.home is not None:
            shutil.rmtree(self.home, ignore_errors=True)
            self.home = None

    def __enter__(self) -> OpenSearchNode:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()


def main() -> None:
    """``python -m tests.opensearchnode``: a node for a developer or a benchmark, until Ctrl-C."""
    workdir = Path(tempfile.mkdtemp(prefix="pressarchive-opensearch-"))
    try:
        with OpenSearchNode().start(workdir) as node:
            print(f"{node.url}  (started in {node.startup_seconds:.1f} s, {node.rss_bytes() / 2**20:.0f} MiB; "
                  f"log: {node.log_path}; Ctrl-C stops it)", flush=True)
            stops = {signal.SIGINT, signal.SIGTERM}
            signal.pthread_sigmask(signal.SIG_BLOCK, stops)  # after the JVM started: it must not inherit the mask
            signal.sigwait(stops)
    except NodeStartError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
