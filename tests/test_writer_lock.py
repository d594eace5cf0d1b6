"""One writer per data directory: a second writing command fails at once, naming the first;
readers go on reading while a crawl writes (README "CLI reference")."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pressarchive.datadir import DataDir, DataDirBusy, DataDirError, indexing_turn, prepare_data_dir, writer_lock
from pressarchive.service import index_pending_in
from tests.cli_here import run_here
from tests.conftest import CLI, REPO
from tests.gated_site import GatedSite

#: Seconds a crawl subprocess gets to start and reach the gated releases (a loaded 2-core machine).
STARTUP = 60.0


def cli_env() -> dict[str, str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    env.pop("PRESSARCHIVE_DATA", None)
    return env


def start(data: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "pressarchive", "--data", str(data), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli_env(), cwd=REPO,
    )


def start_crawl(data: Path, profile: Path, *extra: str) -> subprocess.Popen[str]:
    # A generous download timeout: the gated releases wait while the other commands run.
    return start(data, "crawl", "--profile", str(profile), "--delay", "0",
                 "--set", "PRESSARCHIVE_DOWNLOAD_TIMEOUT=120", *extra)


def wait_for(condition, what: str, timeout: float = STARTUP) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def runs(data: Path) -> list[tuple[int, str]]:
    with sqlite3.connect(data / "archive.sqlite") as conn:
        return list(conn.execute("SELECT id, status FROM runs ORDER BY id"))


@pytest.fixture
def gated(tmp_path: Path) -> Iterator[tuple[GatedSite, Path]]:
    with GatedSite() as site:
        profile = tmp_path / "gated.toml"
        profile.write_text(site.profile_toml(), "utf-8")
        yield site, profile


def test_second_crawl_fails_fast_naming_the_first_and_readers_read(
    gated: tuple[GatedSite, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    site, profile = gated
    data = tmp_path / "data"
    first = start_crawl(data, profile)
    try:
        wait_for(lambda: site.seen("/news/releases/") or first.poll() is not None, "the first crawl's releases")
        assert first.poll() is None, first.communicate()
        second = start_crawl(data, profile, "--user-agent", "second-writer")
        # Before the lock the second crawl ran beside the first: its requests reached the site.
        wait_for(lambda: second.poll() is not None or site.seen(agent="second-writer"), "the second crawl")
        assert not site.seen(agent="second-writer"), "the second crawl ran while the first was writing"
        _, err = second.communicate(timeout=STARTUP)
        assert second.returncode == 1 and "Traceback" not in err
        line = err.strip().splitlines()[-1]
        assert line.startswith(f"error: data directory {data.resolve()} is in use by process {first.pid} ")
        assert "crawl --profile" in line, line
        assert first.poll() is None  # it failed at once, it did not wait for the first
        assert [status for _, status in runs(data)] == ["running"]  # it started no run

        # Every other writer is refused too, and readers read beside the writer (in this process:
        # the gate holds the first crawl's releases meanwhile, and a Python start-up is slow).
        writers = (("crawl", "--profile", str(profile), "--resume"), ("index",), ("check", "--repair"), ("reprocess",))
        for args in writers:
            code, _, err = run_here(capsys, data, *args)
            assert code == 1 and f"in use by process {first.pid} " in err, (args, err)
        assert [status for _, status in runs(data)] == ["running"]  # the live run was not taken over
        for args in (("status", "--json"), ("search", "gatekeeper", "--json"), ("check", "--json")):
            code, out, err = run_here(capsys, data, *args)
            # check may find the index behind the store (exit 1), but it answers
            assert code in (0, 1) and "error:" not in err and json.loads(out), (args, err)
    finally:
        site.gate.set()
        out, err = first.communicate(timeout=STARTUP)
    assert first.returncode == 0, err
    assert [status for _, status in runs(data)] == ["finished"]
    assert len(list((data / "reports").glob("crawl-*.json"))) == 1
    assert CLI(data).json("search", "gatekeeper")["total"] == site.releases


def test_a_crawl_killed_outright_leaves_no_lock_and_can_be_resumed(
    gated: tuple[GatedSite, Path], tmp_path: Path,
) -> None:
    site, profile = gated
    data = tmp_path / "data"
    command = [sys.executable, "-m", "pressarchive", "--data", str(data), "crawl", "--profile", str(profile),
               "--delay", "0", "--set", "PRESSARCHIVE_DOWNLOAD_TIMEOUT=120"]
    # Its own session, so its worker processes, orphaned by the kill, can be ended afterwards.
    first = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=cli_env(),
                             cwd=REPO, start_new_session=True)
    try:
        wait_for(lambda: site.seen("/news/releases/") or first.poll() is not None, "the first crawl's releases")
        first.kill()  # SIGKILL to the crawl alone: no clean-up runs; the kernel drops its lock
        first.wait()
        site.gate.set()
        resumed = CLI(data)("crawl", "--profile", str(profile), "--resume", "--delay", "0")
        assert resumed.returncode == 0, resumed.stderr
        assert [status for _, status in runs(data)] == ["resumed", "finished"]
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(first.pid, signal.SIGKILL)


def test_lock_is_released_on_exit_and_names_its_holder(tmp_path: Path) -> None:
    data = DataDir(tmp_path / "data")
    with writer_lock(data, "pressarchive crawl demo"):
        assert data.lock_file.read_text().startswith(f"{os.getpid()} pressarchive crawl demo")
        with pytest.raises(DataDirBusy, match=f"in use by process {os.getpid()} \\(pressarchive crawl demo\\)"):
            # flock locks belong to the open file: a second open in the same process conflicts too.
            with writer_lock(data, "pressarchive index"):
                pass
    with writer_lock(data, "pressarchive index"):  # released at the end of the block
        pass
    assert data.lock_file.read_text() == ""  # nobody is named once the holder is done
    with pytest.raises(RuntimeError), writer_lock(data, "pressarchive index"):
        raise RuntimeError("a writer failing")
    assert data.lock_file.read_text() == ""  # nor after it failed
    with writer_lock(data, "pressarchive index"):  # and the lock was released
        pass


def test_a_lock_file_symlinked_elsewhere_is_refused_and_its_target_untouched(tmp_path: Path) -> None:
    data = DataDir(tmp_path / "data")
    data.root.mkdir()
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    data.lock_file.symlink_to(target)
    with pytest.raises(DataDirError, match="cannot open the lock file"), writer_lock(data, "pressarchive crawl x"):
        pass
    assert target.read_text() == "keep me"


def test_the_holder_named_in_the_lock_file_shows_no_database_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The lock file names the holder's command line for whoever comes second: a --db URL's
    # password (in either spelling of the option) must not be written there nor shown.
    data = DataDir(tmp_path / "data")
    monkeypatch.setattr(sys, "argv", [
        "pressarchive", "--db", "postgresql+psycopg://press:s3cret-pw@db.example:5432/archive",
        "--index=opensearch+https://admin:0th3r-pw@search.example:9200/press", "crawl", "--all",
    ])
    with writer_lock(data):
        written = data.lock_file.read_text("utf-8")
        with pytest.raises(DataDirBusy) as busy, writer_lock(data):
            pass
    for shown in (written, str(busy.value)):
        assert "s3cret-pw" not in shown and "0th3r-pw" not in shown
        assert "postgresql+psycopg://press:***@db.example:5432/archive" in shown
        assert "crawl --all" in shown


def test_an_indexing_round_skips_while_another_process_indexes_and_the_last_one_waits(tmp_path: Path) -> None:
    """The processes of a shared crawl take turns at indexing one data directory: a round
    during the crawl skips while another holds the turn, leaving what is pending for later; a
    crawl's last round waits for the turn, so nothing stays pending."""
    import threading

    from tests.similar_archive import add, harbour_archive

    data = prepare_data_dir(DataDir(tmp_path / "data"))
    with harbour_archive(data.database_url) as archive:
        add(archive, "harbour", "a harbour patrol found the missing boat near the pier " * 4)
    with indexing_turn(data, wait=False) as turn:  # held as another process's round holds it
        assert turn
        assert index_pending_in(data, wait=False) == 0
    assert index_pending_in(data, wait=False) == 1 and index_pending_in(data, wait=False) == 0

    with harbour_archive(data.database_url) as archive:
        add(archive, "harbour", "the coast guard towed the boat back to the harbour at dawn " * 4)
    released = threading.Event()

    def hold_the_turn() -> None:
        with indexing_turn(data) as turn:
            assert turn
            holding.set()
            time.sleep(0.3)
            released.set()

    holding = threading.Event()
    holder = threading.Thread(target=hold_the_turn)
    holder.start()
    assert holding.wait(5)
    assert index_pending_in(data, wait=True) == 1
    assert released.is_set()  # it waited for the other round to end
    holder.join()
