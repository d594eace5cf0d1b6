"""What the CLI prints: no control character from an archived page or a typed argument reaches
the terminal, and piped output is not cut to 80 columns (README "CLI reference").

Archived text is tested two ways: a page with control characters in its title, text and
JSON-LD, added through the real crawl and extraction (whatever extraction keeps), and a
document written straight into the store with control characters in every field, so the
printing path is tested whatever extraction does. (Extraction drops them from HTML text, as
lxml does not keep characters XML forbids, but JSON-LD strings kept ESC and CSI in the stored
title; ``show`` and ``search`` printed them raw, and ``--json`` printed CSI, U+009B, raw.)
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from pressarchive.cli.terminal import console
from pressarchive.datadir import DataDir
from pressarchive.profiles import builtin_profiles
from pressarchive.record import Document
from pressarchive.service import ArchiveService
from tests.archive_builder import Builder
from tests.cli_here import run_here
from tests.conftest import CLI, REPO
from tests.loopback import pages_handler, serve

#: Raw characters a terminal acts on: C0 except tab and newline, DEL, C1.
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
#: Every kind of control character a hostile page or store row might carry.
HOSTILE = "\x1b[31m\x1b]0;pwned\x07\x9b2J\x7f\x85\x08\x0c\x0b\x00\x1b[2J"


def raw_controls(text: str) -> list[str]:
    return sorted({hex(ord(char)) for char in RAW_CONTROL.findall(text)})


def hostile_page() -> bytes:
    json_ld = json.dumps({
        "@context": "https://schema.org", "@type": "NewsArticle", "datePublished": "2024-03-04",
        "headline": f"Operation Kestrel{HOSTILE} headline", "description": f"desc{HOSTILE}",
        "articleBody": f"Body{HOSTILE} about the arrests in operation Kestrel.",
        "author": {"@type": "Organization", "name": f"Police{HOSTILE}"},
    })
    paragraph = (f"The police{HOSTILE} made arrests in operation Kestrel and seized drugs and cash "
                 "in a joint action with partner forces across three countries.")
    return (
        f'<html lang="en"><head><title>Kestrel{HOSTILE} title</title>'
        f'<script type="application/ld+json">{json_ld}</script></head><body><article>'
        f'<h1>Kestrel{HOSTILE} heading</h1><time datetime="2024-03-04">2024-03-04</time>'
        f"<p>{paragraph}</p><p>{paragraph}</p><p>{paragraph}</p></article></body></html>"
    ).encode()


@pytest.fixture(scope="module")
def hostile_site() -> Iterator[str]:
    body = hostile_page()

    def answer(path: str) -> tuple[int, str, bytes]:
        if path == "/press/kestrel":
            return 200, "text/html; charset=utf-8", body
        return 404, "text/plain", b""

    with serve(pages_handler(answer)) as base:
        yield base


@pytest.fixture(scope="module")
def added(hostile_site: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile page archived by ``pressarchive add``: crawl, WARC, extraction, store, index."""
    data = tmp_path_factory.mktemp("added") / "data"
    result = CLI(data)("add", f"{hostile_site}/press/kestrel", "--delay", "0", check=True)
    assert not raw_controls(result.stdout + result.stderr)
    return data


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two documents with control characters in every field, written straight into the store."""
    data = DataDir(tmp_path_factory.mktemp("stored") / "data")
    service = ArchiveService(data)
    try:
        source = f"evil{HOSTILE}"
        service.archive.upsert_source(source, title=f"Evil{HOSTILE} room", agency=f"Agency{HOSTILE}",
                                      country=f"X{HOSTILE}", language=f"en{HOSTILE}")
        builder = Builder(service)
        for n in (1, 2):
            builder.add(Document(
                url=f"http://127.0.0.1/press/{n}{HOSTILE}", title=f"Kestrel {n}{HOSTILE} title",
                text=f"Arrests in operation Kestrel{HOSTILE} number {n}, cocaine seized at the port.",
                language=f"en{HOSTILE}", published=date(2024, 3, n), operations=(f"Kestrel{HOSTILE}",),
                source=source, agency=f"Agency{HOSTILE}", country="GB",
            ))
        service.index_pending()
        stored_title = service.archive.get_document(1).document.title  # type: ignore[union-attr]
    finally:
        service.close()
    assert "\x1b" in stored_title and "\x9b" in stored_title  # the store holds them: the printer must strip
    return data.root


COMMANDS = [
    ("search", "kestrel"), ("search", "kestrel", "--json"), ("show", "1"), ("show", "1", "--json"),
    ("similar", "1"), ("similar", "1", "--json"), ("sources",), ("sources", "--json"),
    ("status",), ("status", "--json"), ("check",), ("check", "--json"),
]


@pytest.mark.parametrize("args", COMMANDS)
def test_archived_control_characters_never_printed(
    args: tuple[str, ...], added: Path, stored: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    for data in (added, stored):
        code, out, err = run_here(capsys, data, *args)
        assert code == 0, (data, args, err)
        assert out.strip() and not raw_controls(out + err), (data, args, raw_controls(out + err))
        if "--json" in args:
            json.loads(out)


def test_json_keeps_control_characters_as_escapes(stored: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """JSON stays exact: the escapes decode to what the store holds."""
    code, out, _ = run_here(capsys, stored, "show", "1", "--json")
    assert code == 0 and "\\u001b" in out and "\\u009b" in out
    assert json.loads(out)["title"] == f"Kestrel 1{HOSTILE} title"


def test_human_output_keeps_the_visible_text(stored: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run_here(capsys, stored, "show", "1")
    assert "Kestrel 1[31m]0;pwned2J[2J title" in out  # only the control characters went


@pytest.mark.parametrize("args", [
    ("search", f"title:({HOSTILE}"), ("search", f"titel{HOSTILE}:x"), ("show", f"1{HOSTILE}"),
    ("crawl", f"no-such{HOSTILE}"), ("search", "x", "--since", f"2019{HOSTILE}"), (f"serch{HOSTILE}",),
    ("add", f"http://{HOSTILE}"), ("add", "http://[::1"), ("discover", f"http://[{HOSTILE}/"),
])
def test_errors_echoing_input_print_no_control_characters(
    args: tuple[str, ...], stored: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run_here(capsys, stored, *args)
    assert code in (1, 2) and err.startswith("error: ") and len(err.splitlines()) == 1, err
    assert not raw_controls(out + err), raw_controls(out + err)


def test_a_terminal_gets_only_rich_styling(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """On a terminal rich adds its own SGR colour codes; nothing else of the text's controls."""
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    out = console()
    assert out.is_terminal
    out.print(f"[bold]Kestrel[/]{HOSTILE} end")
    printed = capsys.readouterr().out
    assert "\x1b[1m" in printed  # rich's bold
    assert not raw_controls(re.sub(r"\x1b\[[0-9;]*m", "", printed))


def test_piped_output_is_not_cut_to_80_columns(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key not in ("COLUMNS", "LINES")}
    command = [sys.executable, "-m", "pressarchive", "--data", str(tmp_path / "none"), "sources"]
    result = subprocess.run(command, capture_output=True, text=True, env={**env, "NO_COLOR": "1"}, cwd=REPO,
                            check=True)
    lines = result.stdout.splitlines()
    assert any("last crawl (UTC)" in line and "documents" in line for line in lines)
    for profile in builtin_profiles().values():  # each title whole, on its source's row
        assert any(profile.name in line and profile.title in line for line in lines), profile.title
    assert max(len(line) for line in lines) > 80
