"""``save``, ``saved``, ``unsave`` and ``alerts`` through the real CLI, over real crawls."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from pressarchive.datadir import resolve_data_dir
from pressarchive.record import Document
from pressarchive.service import ArchiveService
from tests.archive_builder import Builder
from tests.cli_here import run_here
from tests.conftest import CLI
from tests.mutable_site import MutableSite


def test_alerts_show_what_a_later_crawl_brought_once(cli: CLI, tmp_path: Path) -> None:
    with MutableSite() as site:
        site.add("kestrel-arrests", "Operation Kestrel: twelve arrests",
                 "Police arrested twelve people in operation Kestrel after a long investigation.", date(2024, 3, 1))
        site.add("lantern-phones", "Operation Lantern: phones seized",
                 "Officers seized forty phones in operation Lantern across three cities.", date(2024, 3, 2))
        profile = tmp_path / "site.toml"
        profile.write_text(site.profile_toml())
        cli("crawl", "--profile", str(profile), "--delay", "0", check=True)

        saved = cli("save", "kestrel-watch", "kestrel", "--lang", "en", check=True)
        assert "kestrel-watch" in saved.stdout and "1 document matches now" in saved.stdout
        assert cli.json("saved")["saved"][0]["params"] == {"q": "kestrel", "sort": "relevance", "language": "en"}
        quiet = cli("alerts", check=True)
        assert (quiet.stdout, quiet.stderr) == ("", ""), "nothing new: cron mails nothing"

        site.add("kestrel-charges", "Operation Kestrel: four charged",
                 "Four suspects of operation Kestrel were charged by prosecutors on Monday.", date(2024, 3, 9))
        site.add("lantern-more", "Operation Lantern: more phones",
                 "Another twenty phones were seized in operation Lantern.", date(2024, 3, 10))
        cli("crawl", "--profile", str(profile), "--delay", "0", check=True)

    preview = cli.json("alerts", "--dry-run")
    assert [item["title"] for item in preview["alerts"][0]["new"]] == ["Operation Kestrel: four charged"]
    first = cli("alerts", check=True)
    assert "kestrel-watch: 1 new since" in first.stdout
    assert "Operation Kestrel: four charged" in first.stdout and "twelve arrests" not in first.stdout
    new = cli.json("alerts", "--dry-run", "kestrel-watch")["alerts"][0]
    assert new["new"] == [] and new["matches"] == 2
    second = cli("alerts", check=True)
    assert (second.returncode, second.stdout) == (0, "")
    assert "kestrel-watch: nothing new since" in cli("alerts", "--verbose", check=True).stdout

    assert "deleted saved search 'kestrel-watch'" in cli("unsave", "kestrel-watch", check=True).stdout
    assert cli.json("saved") == {"saved": []}


@pytest.fixture
def data(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    service = ArchiveService(resolve_data_dir(root))
    try:
        Builder(service).add(Document(
            url="https://police.example.org/press/1", title="Kestrel arrests", text="Arrests in operation Kestrel.",
            language="en", published=date(2024, 1, 2), source="example-police",
        ))
        service.index_pending()
    finally:
        service.close()
    return root


def _add_indexed(data: Path, title: str) -> int:
    """A second Kestrel release, stored and indexed after the search was saved; its id."""
    service = ArchiveService(resolve_data_dir(data))
    try:
        doc_id = Builder(service).add(Document(
            url="https://police.example.org/press/2", title=title, text="Charges in operation Kestrel.",
            language="en", published=None, source="example-police",
        ))
        service.index_pending()
    finally:
        service.close()
    return doc_id


def test_alerts_list_permalinks_under_the_base_url(
    capsys: pytest.CaptureFixture[str], data: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert run_here(capsys, data, "save", "all", "")[0] == 0
    doc_id = _add_indexed(data, "Kestrel <charges> & more")
    monkeypatch.setenv("PRESSARCHIVE_BASE_URL", "https://archive.example.net/")
    code, out, _ = run_here(capsys, data, "alerts")
    assert code == 0
    assert f"{doc_id}  (no date)  example-police  Kestrel <charges> & more" in out
    assert f"https://archive.example.net/doc/{doc_id}?version=1" in out


def test_alerts_whose_printing_failed_are_reported_by_the_next_run(
    capsys: pytest.CaptureFixture[str], data: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pressarchive.cli import saved_commands

    assert run_here(capsys, data, "save", "all", "")[0] == 0
    doc_id = _add_indexed(data, "Kestrel charges")

    def closed_pipe(*_: object) -> None:
        raise BrokenPipeError("the reader went away")

    with monkeypatch.context() as patched:
        patched.setattr(saved_commands, "_print_alerts", closed_pipe)
        with pytest.raises(BrokenPipeError):
            run_here(capsys, data, "alerts")
    code, out, _ = run_here(capsys, data, "alerts")
    assert code == 0 and f"{doc_id}  (no date)  example-police  Kestrel charges" in out
    assert run_here(capsys, data, "alerts")[1] == ""


@pytest.mark.parametrize("args, message", [
    (("alerts", "nope"), "no saved search named 'nope'"),
    (("unsave", "nope"), "no saved search named 'nope'"),
    (("save", "bad\x1bname", "kestrel"), "control characters are not allowed"),
    (("save", "..", "kestrel"), "'.' and '..' are not allowed"),
    (("save", "x", '"unclosed'), "bad query"),
    (("save", "x", "\udcff"), "not valid text"),
    (("save", "x", "kestrel", "--since", "2024-13-01"), "bad --since date"),
])
def test_mistakes_are_one_error_line(
    capsys: pytest.CaptureFixture[str], data: Path, args: tuple[str, ...], message: str,
) -> None:
    code, out, err = run_here(capsys, data, *args)
    assert code == 1 and out == ""
    assert err.startswith("error: ") and message in err and err.count("\n") == 1


def test_a_saved_search_runs_by_name(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    assert run_here(capsys, data, "save", "k", "kestrel", "--lang", "en")[0] == 0
    code, out, _ = run_here(capsys, data, "saved", "k")
    assert code == 0 and "1 matches for 'kestrel'" in out and "Kestrel arrests" in out
    code, out, _ = run_here(capsys, data, "saved", "k", "--json")
    assert code == 0 and [hit["title"] for hit in json.loads(out)["hits"]] == ["Kestrel arrests"]
    assert run_here(capsys, data, "saved", "nope")[2] == "error: no saved search named 'nope'\n"


def test_a_taken_name_is_refused(capsys: pytest.CaptureFixture[str], data: Path) -> None:
    assert run_here(capsys, data, "save", "k", "kestrel")[0] == 0
    code, _, err = run_here(capsys, data, "save", "k", "other")
    assert code == 1 and "already exists" in err


def test_a_failing_saved_search_is_an_error_after_the_others_ran(
    capsys: pytest.CaptureFixture[str], data: Path,
) -> None:
    assert run_here(capsys, data, "save", "all", "")[0] == 0
    service = ArchiveService(resolve_data_dir(data))
    try:
        service.archive.add_saved_search("broken", {"year": 0}, datetime(2024, 1, 1))
    finally:
        service.close()
    code, out, err = run_here(capsys, data, "alerts", "--verbose")
    assert code == 1 and "all: nothing new since" in out
    assert err == "error: broken: bad year 0: expected 1 to 9999\n"
