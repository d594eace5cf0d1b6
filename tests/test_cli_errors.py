"""Bad input gives one clear error line and a non-zero exit, never a traceback, and loses nothing."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

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
    result = cli("add", f"http://127.0.0.1:{free_port()}/press/release.html", "--delay", "0")
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
    result = cli(*args)
    assert result.returncode in (1, 2)
    assert message in one_error_line(result)


def test_unwritable_data_directory(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    result = CLI(blocker / "data")("status")
    assert result.returncode == 1
    assert "is not writable" in one_error_line(result)
