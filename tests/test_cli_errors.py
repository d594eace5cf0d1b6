"""Bad input gives one clear error line and a non-zero exit, never a traceback, and loses nothing."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from pressarchive.datadir import DataDir
from pressarchive.service import ArchiveService
from tests.cli_here import run_here
from tests.conftest import CLI


def one_error_line(result) -> str:  # type: ignore[no-untyped-def]
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert "Traceback" not in result.stderr
    assert len(lines) >= 1 and lines[-1].startswith("error: "), result.stderr
    return lines[-1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unknown_source(cli: CLI) -> None:
    result = cli("crawl", "no-such-source")
    assert result.returncode == 1
    assert "unknown source 'no-such-source'" in one_error_line(result)


def test_crawl_without_sources_is_a_usage_error(cli: CLI) -> None:
    result = cli("crawl")
    assert result.returncode == 2 and "at least one source" in one_error_line(result)


def test_malformed_profile_names_the_field(cli: CLI, tmp_path: Path) -> None:
    profile = tmp_path / "bad.toml"
    profile.write_text('name = "bad"\ncountry = "Spain"\nstart_urls = ["http://127.0.0.1:9/"]\narticle = ["/x"]\n')
    result = cli("crawl", "--profile", str(profile))
    assert result.returncode == 1
    assert "field 'country'" in one_error_line(result)


def test_unreachable_host(cli: CLI) -> None:
    # A port held bound but never listening refuses every connection, and nothing else can
    # take it meanwhile (a port merely found free could be listened on by the time we crawl).
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        port = held.getsockname()[1]
        result = cli("add", f"http://127.0.0.1:{port}/press/release.html", "--delay", "0")
    assert result.returncode == 1
    line = one_error_line(result)
    assert "nothing could be fetched" in line and "127.0.0.1" in line
    assert "errors: connection_refused" in result.stderr


def test_bad_url(cli: CLI) -> None:
    result = cli("add", "not-a-url")
    assert result.returncode == 1 and "bad URL 'not-a-url'" in one_error_line(result)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("search", "title:("), "bad query"),
        (("search", '"unclosed phrase'), "bad query"),
        (("search", "x", "--since", "2019-13-45"), "bad --since date '2019-13-45'"),
        (("search", "x", "--until", "yesterday"), "bad --until date 'yesterday'"),
        (("search", "x", "--limit", "0"), "bad limit 0"),
        (("show", "12345"), "no document with id 12345"),
        (("show", "abc"), "'abc' is not a valid integer"),
    ],
)
def test_bad_search_and_show_input(cli: CLI, args: tuple[str, ...], message: str) -> None:
    ArchiveService(DataDir(cli.data)).close()  # an empty archive: the input, not the directory, is wrong
    result = cli(*args)
    assert result.returncode in (1, 2)
    assert message in one_error_line(result)


def test_unwritable_data_directory(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    result = CLI(blocker / "data")("add", "http://127.0.0.1:9/press/release.html")
    assert result.returncode == 1
    assert "is not writable" in one_error_line(result)


# -- a data directory that holds no archive (README "CLI reference") ----------------------------

READ_COMMANDS = [("search", "foo"), ("search", "foo", "--json"), ("show", "1"), ("similar", "1"), ("status",),
                 ("status", "--json"), ("check",), ("check", "--json"), ("diff", "1"), ("cite", "1"),
                 ("original", "1")]
#: Commands that write an archive but need one to exist: nothing to index or repair otherwise.
NEEDS_ARCHIVE = [("index",), ("index", "--rebuild"), ("check", "--repair"), ("reprocess",)]


def tree(root: Path) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*"))


@pytest.mark.parametrize("args", READ_COMMANDS + NEEDS_ARCHIVE)
def test_no_archive_is_an_error_and_creates_nothing(
    args: tuple[str, ...], tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    missing, empty = tmp_path / "no" / "such" / "dir", tmp_path / "empty"
    empty.mkdir()
    for data, what in ((missing, "does not exist"), (empty, "holds no archive (no archive.sqlite)")):
        code, out, err = run_here(capsys, data, *args)
        assert code == 1 and out == "", (args, out)
        assert err == f"error: data directory {data} {what}: give --data the directory a crawl wrote to, " \
                      "or crawl or add pages first\n"
    assert tree(tmp_path) == ["empty"]


def test_serve_without_an_archive_is_an_error(tmp_path: Path) -> None:
    result = CLI(tmp_path / "typo")("serve", "--port", str(free_port()), timeout=120)
    assert result.returncode == 1 and f"data directory {tmp_path / 'typo'} does not exist" in one_error_line(result)
    assert tree(tmp_path) == []


@pytest.mark.parametrize("args", [("search", "x"), ("status",), ("crawl", "--profile", "p.toml"), ("index",)])
def test_a_file_that_is_not_an_archive_is_refused_untouched(
    args: tuple[str, ...], tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "archive.sqlite").write_bytes(b"these are my notes, not a database\n")
    (tmp_path / "p.toml").write_text('name = "p"\nstart_urls = ["http://127.0.0.1:9/"]\narticle = ["/x"]\n')
    code, _, err = run_here(capsys, data, *[str(tmp_path / a) if a.endswith(".toml") else a for a in args])
    assert code == 1 and err == f"error: {data / 'archive.sqlite'} is not a pressarchive archive " \
                                "(not a SQLite database)\n"
    assert (data / "archive.sqlite").read_bytes() == b"these are my notes, not a database\n"
    assert tree(data) == ["archive.sqlite"] or args[0] == "crawl"  # a writer may take its lock file


def test_data_directory_that_is_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    afile = tmp_path / "notes.txt"
    afile.write_text("x")
    code, _, err = run_here(capsys, afile, "search", "x")
    assert code == 1 and f"data directory {afile} is not a directory" in err
    assert afile.read_text() == "x"


def test_sources_lists_without_an_archive_and_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run_here(capsys, tmp_path / "none", "sources", "--json")
    assert code == 0 and {row["documents"] for row in json.loads(out)} == {0}
    assert tree(tmp_path) == []


@pytest.mark.parametrize("args", [("search", "x"), ("add", "http://127.0.0.1:9/press/1"), ("sources",)])
def test_empty_data_option_is_not_the_default_archive(
    args: tuple[str, ...], capsys: pytest.CaptureFixture[str],
) -> None:
    """``--data "$DIR"`` with DIR unset is a mistake, not a request for the default archive."""
    code, _, err = run_here(capsys, " ", *args)
    assert code == 1 and err == "error: empty data directory name: give --data a directory\n"
