"""``pressarchive reprocess``: archived captures extracted again, a version only where the result changed.

The first archive is a real crawl of the sample press room by an older extractor
(tests/older_extractor.py: no countries, agencies or figures; Kestrel texts cut to their first
paragraph; Meridian releases read as today). The others are built from real WARC records
(tests/archive_builder.py) so each test controls dates, sources and damage.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from pressarchive.datadir import DataDir, resolve_data_dir
from pressarchive.extract import extract_document
from pressarchive.record import Document
from pressarchive.profiles import get_builtin
from pressarchive.reprocess import ReprocessOptions, ReprocessSummary, reprocess_archive
from pressarchive.reprocess.sources import SourceExtraction, source_extractions
from pressarchive.sampleroom import SamplePressRoom
from pressarchive.service import ArchiveService, build_request
from pressarchive.store import schema
from pressarchive.warc import read_response
from pressarchive.web.app import create_app
from tests.storebackends import data_dir_on
from tests.archive_builder import Builder
from tests.cli_here import run_here
from tests.conftest import CLI, REPO


def _env() -> dict[str, str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    env.pop("PRESSARCHIVE_DATA", None)
    return env


def _versions(data: Path) -> dict[int, list[tuple[Any, ...]]]:
    """Document id -> its versions as (number, capture id, captured_at, reprocessed_at, run)."""
    vers = schema.versions
    engine = sa.create_engine(DataDir(data).database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.select(vers.c.document_id, vers.c.number, vers.c.capture_id, vers.c.captured_at,
                                          vers.c.reprocessed_at, vers.c.reprocess_run)
                                .order_by(vers.c.document_id, vers.c.number)).all()
    finally:
        engine.dispose()
    found: dict[int, list[tuple[Any, ...]]] = {}
    for doc_id, *rest in rows:
        found.setdefault(doc_id, []).append(tuple(rest))
    return found


# -- a real crawl by an older extractor --------------------------------------------------------

@pytest.fixture(scope="module")
def old_crawl(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The sample room crawled with the older extractor, its state recorded, then reprocessed."""
    root = tmp_path_factory.mktemp("oldcrawl")
    cli = CLI(root / "data")
    with SamplePressRoom() as room:
        profile = root / "sample.toml"
        profile.write_text(room.profile_toml(), "utf-8")
        subprocess.run([sys.executable, "-m", "tests.older_extractor", "--data", str(cli.data), "crawl",
                        "--profile", str(profile), "--delay", "0", "--set", "PRESSARCHIVE_EXTRACT_WORKERS=0"],
                       check=True, capture_output=True, text=True, env=_env(), cwd=REPO, timeout=120)
    before = _documents(cli.data)
    kestrel_en, tail_word = _word_only_in_full_text(cli, before)
    found_before = _search(cli.data, tail_word)
    first = cli("reprocess", check=True)
    after = _documents(cli.data)
    second = cli("reprocess", check=True)
    return {"cli": cli, "before": before, "after": after, "first": first, "second": second,
            "kestrel_en": kestrel_en, "tail_word": tail_word, "found_before": found_before}


def _documents(data: Path) -> dict[int, Any]:
    """Every document as ``show --json`` gives it (read in this process: 17 CLI runs take long)."""
    service = ArchiveService(resolve_data_dir(data))
    try:
        return {doc_id: service.document(doc_id).to_json() for doc_id in service.archive.current_versions()}
    finally:
        service.close()


def _search(data: Path, query: str) -> set[int]:
    service = ArchiveService(resolve_data_dir(data))
    try:
        return {hit.id for hit in service.search(build_request(query, limit=100)).hits}
    finally:
        service.close()


def _word_only_in_full_text(cli: CLI, before: dict[int, Any]) -> tuple[int, str]:
    """The English Kestrel release and a word of the text the older extractor cut off, found
    in no document the crawl archived (read from the capture by the current extractor)."""
    (doc_id,) = [doc_id for doc_id, doc in before.items() if "operation-kestrel-international" in doc["url"]]
    version = before[doc_id]["versions"][0]
    record = read_response(cli.data / "warc" / version["warc_file"], version["warc_offset"])
    full = extract_document(record.body, before[doc_id]["url"], record.content_type)
    assert full is not None
    archived = " ".join(f"{doc['title']} {doc['text']}" for doc in before.values()).lower()
    words = [word for word in full.text.lower().split() if word.isalpha() and len(word) > 7 and word not in archived]
    assert words, "the cut-off paragraphs have words of their own"
    return doc_id, words[0]


def test_new_version_only_where_the_result_changed(old_crawl: dict[str, Any]) -> None:
    before, after = old_crawl["before"], old_crawl["after"]
    changed = {doc_id for doc_id in before if len(after[doc_id]["versions"]) == 2}
    unchanged = {doc_id for doc_id in before if len(after[doc_id]["versions"]) == 1}
    meridian = {doc_id for doc_id, doc in before.items() if "meridian" in doc["url"]}
    assert len(before) == 17 and changed | unchanged == set(before)
    assert unchanged == meridian and len(meridian) == 4  # read as today: untouched
    assert after[min(meridian)] == before[min(meridian)]
    assert "│        17 │      13 │         4 │          0 │      0 │" in old_crawl["first"].stderr
    assert "indexed 13 new or changed documents" in old_crawl["first"].stderr
    with sqlite3.connect(old_crawl["cli"].data / "archive.sqlite") as db:
        # The crawl recorded how it read the source (no site extractor: "", where NULL is "not known").
        assert db.execute("SELECT name, language, extractor FROM sources").fetchall() == [("sample", "es", "")]


def test_new_version_keeps_the_capture_and_says_it_is_a_re_extraction(old_crawl: dict[str, Any]) -> None:
    for doc_id, doc in old_crawl["after"].items():
        if len(doc["versions"]) == 1:
            assert doc["versions"][0]["reprocessed"] is None
            continue
        old, new = doc["versions"]
        assert old["reprocessed"] is None and new["reprocessed"] is not None
        for key in ("captured", "sha256", "url", "warc_file", "warc_offset"):
            assert new[key] == old[key], (doc_id, key)
        assert old == old_crawl["before"][doc_id]["versions"][0]  # the old version is kept as it was


def test_new_versions_hold_what_the_current_extractor_finds(old_crawl: dict[str, Any]) -> None:
    before, after = old_crawl["before"], old_crawl["after"]
    kestrel = [doc_id for doc_id, doc in after.items() if "kestrel" in doc["url"]]
    assert len(kestrel) == 3
    for doc_id in kestrel:
        assert len(after[doc_id]["text"]) > len(before[doc_id]["text"])
        assert after[doc_id]["text"].startswith(before[doc_id]["text"])
    service = ArchiveService(resolve_data_dir(old_crawl["cli"].data))
    try:
        stored = {doc_id: service.document(doc_id) for doc_id in after}
        figures = service.archive.figures(v.id for doc in stored.values() for v in doc.versions if v.id)
    finally:
        service.close()
    warc = old_crawl["cli"].data / "warc"
    for doc_id, doc in stored.items():
        if "meridian" in doc.document.url:
            continue
        assert before[doc_id]["countries"] == [] and before[doc_id]["agencies"] == []
        old, new = doc.versions
        record = read_response(warc / new.capture.warc_file, new.capture.warc_offset)
        fresh = extract_document(record.body, doc.document.url, record.content_type, default_language="es")
        assert fresh is not None
        assert (new.title, new.text, new.language, new.published, new.operations) == (
            fresh.title, fresh.text, fresh.language, fresh.published, fresh.operations)
        assert (new.countries, new.agencies, tuple(figures.get(new.id or 0, []))) == (
            fresh.countries, fresh.agencies, fresh.figures)
        assert old.id not in figures
    assert any(doc.versions[-1].countries for doc in stored.values())
    assert any(doc.versions[-1].agencies for doc in stored.values())
    assert any(figures.get(doc.versions[-1].id or 0) for doc in stored.values())


def test_the_index_shows_the_new_versions(old_crawl: dict[str, Any]) -> None:
    cli, before, after = old_crawl["cli"], old_crawl["before"], old_crawl["after"]
    assert len(before) == len(after)
    status = cli.json("status")
    assert status["versions"] == 17 + 13 and status["indexed"] == 17
    assert cli("check").returncode == 0
    kestrel_en, word = old_crawl["kestrel_en"], old_crawl["tail_word"]
    assert kestrel_en not in old_crawl["found_before"]
    assert word in after[kestrel_en]["text"].lower() and word not in before[kestrel_en]["text"].lower()
    assert kestrel_en in {hit["id"] for hit in cli.json("search", word, "--limit", "100")["hits"]}


def test_a_second_run_finds_nothing_to_change_and_starts_afresh(old_crawl: dict[str, Any]) -> None:
    second = old_crawl["second"].stderr
    assert "continuing" not in second
    assert "│        17 │       0 │        17 │          0 │      0 │" in second
    assert old_crawl["cli"].json("status")["versions"] == 17 + 13


# -- archives built from WARC records ------------------------------------------------------------

TEXT = ("Officers of the regional police arrested {n} people in Lisbon and Madrid on Tuesday after an "
        "investigation that lasted {m} months. The suspects are accused of running a fraud network "
        "that took money from hundreds of victims in Portugal and Spain, the police said.")


def _page(title: str, text: str) -> bytes:
    return f"<html><body><h1>{title}</h1><p>{text}</p></body></html>".encode()


def build(data: Path, docs: list[tuple[str, datetime, bool]],
          db: str | None = None) -> tuple[ArchiveService, list[int]]:
    """An archive of (source, capture time, read_as_today) releases in store ``db`` (None: the
    embedded file); the others were read by an older extractor that found no countries,
    agencies or figures."""
    service = ArchiveService(data_dir_on(resolve_data_dir(data).root, db))
    builder = Builder(service)
    for name in sorted({source for source, _, _ in docs}):
        service.archive.upsert_source(name, language="en")
    ids = []
    for number, (source, when, as_today) in enumerate(docs):
        url = f"http://127.0.0.1/{source}/release-{number}.html"
        body = _page(f"Operation Heron {number}", TEXT.format(n=number + 2, m=number % 11 + 2))
        doc = extract_document(body, url, "text/html", default_language="en")
        assert doc is not None and doc.countries
        if not as_today:
            doc = doc.replace(countries=(), agencies=(), figures=())
        ids.append(builder.add(doc.replace(source=source), when=when, body=body))
    service.index_pending()
    return service, ids


def run(data: Path, **options: Any) -> ReprocessSummary:
    return reprocess_archive(resolve_data_dir(data), ReprocessOptions(workers=0, **options), profiles={})


def test_source_and_since_limit_the_work(tmp_path: Path, store_db: str | None) -> None:
    jan, mar = datetime(2024, 1, 10, 9), datetime(2024, 3, 1, 0, 0)
    service, ids = build(tmp_path, [("alpha", jan, False), ("alpha", mar, False), ("beta", jan, False),
                                    ("beta", mar, False), ("beta", mar, True)], store_db)
    service.close()
    only_beta_since_march = run(tmp_path, source="beta", since=date(2024, 3, 1))
    assert (only_beta_since_march.seen, only_beta_since_march.changed, only_beta_since_march.unchanged) == (2, 1, 1)
    assert {doc_id for doc_id, versions in _versions(tmp_path).items() if len(versions) == 2} == {ids[3]}
    only_alpha = run(tmp_path, source="alpha")
    assert (only_alpha.seen, only_alpha.changed) == (2, 2)
    everything = run(tmp_path)
    assert (everything.seen, everything.changed, everything.unchanged) == (5, 1, 4)  # beta in January was left
    versions = _versions(tmp_path)
    assert [len(versions[doc_id]) for doc_id in ids] == [2, 2, 2, 2, 1]
    for doc_id in ids[:4]:
        (number, capture, captured, reprocessed, run_id), old = versions[doc_id][1], versions[doc_id][0]
        assert (number, capture, captured) == (2, old[1], old[2]) and reprocessed and run_id


def test_a_date_only_the_listing_gave_is_read_again(tmp_path: Path, store_db: str | None) -> None:
    """The crawl's fallback date (from a feed, sitemap or listing) is kept with the capture, so
    reading the capture again finds the same date and adds no version."""
    service = ArchiveService(data_dir_on(tmp_path, store_db))
    url = "http://127.0.0.1/alpha/undated-release.html"
    body = _page("Operation Heron without a date", TEXT.format(n=5, m=3))
    doc = extract_document(body, url, "text/html", default_language="en", listed_date=date(2019, 5, 6))
    assert doc is not None and doc.published == date(2019, 5, 6)
    Builder(service).add(doc.replace(source="alpha"), when=datetime(2024, 1, 1), body=body, listed=date(2019, 5, 6))
    service.close()
    summary = run(tmp_path)
    assert (summary.seen, summary.changed, summary.unchanged) == (1, 0, 1)


def test_unknown_source_is_one_error_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build(tmp_path, [("alpha", datetime(2024, 1, 1), False)])[0].close()
    code, out, err = run_here(capsys, tmp_path, "reprocess", "--source", "gamma", "--workers", "0")
    assert code == 1 and out == ""
    assert err == "error: unknown source 'gamma': the archive holds alpha\n"
    code, _, err = run_here(capsys, tmp_path, "reprocess", "--since", "2024-13-01")
    assert code == 1 and err.startswith("error: bad --since date")
    assert _versions(tmp_path) and all(len(v) == 1 for v in _versions(tmp_path).values())


def test_missing_or_damaged_warc_is_counted_not_fatal(tmp_path: Path, store_db: str | None) -> None:
    when = datetime(2024, 2, 2)
    service, ids = build(tmp_path, [("alpha", when, False)] * 4, store_db)
    stored = {doc_id: service.document(doc_id).versions[0].capture for doc_id in ids}
    service.close()
    warc = tmp_path / "warc"
    (warc / stored[ids[1]].warc_file).unlink()
    damaged = warc / stored[ids[2]].warc_file
    damaged.write_bytes(damaged.read_bytes()[: stored[ids[2]].warc_offset + 40])
    summary = run(tmp_path)
    assert (summary.seen, summary.changed, summary.unchanged) == (4, 2, 0)
    assert summary.unreadable == {"missing_file": 1, "bad_record": 1}
    assert summary.examples == {"missing_file": [ids[1]], "bad_record": [ids[2]]}
    versions = _versions(tmp_path)
    assert [len(versions[doc_id]) for doc_id in ids] == [2, 1, 1, 2]  # nothing archived is lost


def test_summary_and_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build(tmp_path, [("alpha", datetime(2024, 1, 1), False), ("alpha", datetime(2024, 1, 2), True)])[0].close()
    code, _, err = run_here(capsys, tmp_path, "reprocess", "--workers", "0")
    assert code == 0, err
    assert "│         2 │       1 │         1 │          0 │      0 │" in err
    assert "indexed 1 new or changed documents" in err
    (report_file,) = (tmp_path / "reports").glob("reprocess-*.json")
    report = json.loads(report_file.read_text("utf-8"))
    assert (report["status"], report["seen"], report["changed"], report["unchanged"]) == ("finished", 2, 1, 1)
    assert report["pages_per_second"] > 0
    code, out, _ = run_here(capsys, tmp_path, "show", "1", "--json")
    versions = json.loads(out)["versions"]
    assert [v["reprocessed"] is not None for v in versions] == [False, True]
    code, out, _ = run_here(capsys, tmp_path, "show", "1")
    assert code == 0 and "re-extracted (UTC)" in out and versions[1]["reprocessed"][:19] in out
    with TestClient(create_app(resolve_data_dir(tmp_path))) as client:
        page = client.get("/doc/1").text
        assert page.count("re-extracted from this capture") == 1
        assert client.get("/api/doc/1").json()["versions"][1]["reprocessed"] == versions[1]["reprocessed"]


def test_stopped_and_killed_runs_continue_after_their_cursor(tmp_path: Path) -> None:
    """SIGTERM partway, then kill -9 partway, then to the end: every document ends with exactly
    one new version, and each run took up where the last one's cursor stood."""
    # Enough documents that no run can finish between the cursor's first move and the signal,
    # on a loaded machine or a quiet one (a run commits its cursor every 100 documents or every
    # second; 600 were once all done before the signal landed).
    count = 1500
    service = ArchiveService(resolve_data_dir(tmp_path))
    builder = Builder(service)
    service.archive.upsert_source("alpha", language="en")
    for number in range(count):
        body = _page(f"Operation Heron {number}", TEXT.format(n=number + 2, m=number % 11 + 2))
        # Saved as an older extractor read it: another text, no countries or figures.
        builder.add(Document(url=f"http://127.0.0.1/alpha/{number}.html", title=f"Operation Heron {number}",
                             text="old", language="en", source="alpha"), body=body)
    service.close()
    command = [sys.executable, "-m", "pressarchive", "--data", str(tmp_path), "reprocess"]

    stopped, out = _stop_partway(command, tmp_path, signal.SIGTERM, after=0)
    assert stopped.returncode == 128 + signal.SIGTERM
    first_cursor = _cursor(tmp_path)
    assert 0 < first_cursor < count
    assert out.strip().splitlines()[-1] == (f"interrupted: reprocess run 1 stopped after document {first_cursor}; "
                                            f"`pressarchive --data {tmp_path} reprocess` continues it")

    _, out = _stop_partway(command, tmp_path, signal.SIGKILL, after=first_cursor)
    assert f"continuing reprocess run 1 after document {first_cursor}" in out
    second_cursor = _cursor(tmp_path)
    assert first_cursor < second_cursor < count, "killed after the cursor advanced and before the end"

    again = subprocess.run(command, env=_env(), cwd=REPO, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert f"continuing reprocess run 2 after document {second_cursor}" in again.stderr
    versions = _versions(tmp_path)
    assert len(versions) == count and all(len(v) == 2 for v in versions.values()), "exactly one new version each"
    with sqlite3.connect(tmp_path / "archive.sqlite") as db:
        runs = db.execute("SELECT id, status, resumed_from, report FROM reprocess_runs ORDER BY id").fetchall()
    assert [run[:3] for run in runs] == [(1, "resumed", None), (2, "resumed", 1), (3, "finished", 2)]
    assert json.loads(runs[0][3])["status"] == "interrupted" and runs[1][3] is None  # killed: no report
    report = json.loads(runs[2][3])
    assert report["started_after_document"] == second_cursor and report["seen"] == count - second_cursor
    assert report["changed"] + report["unchanged"] == count - second_cursor


def _stop_partway(command: list[str], data: Path, signum: int, after: int) -> tuple[subprocess.Popen[bytes], str]:
    """Run ``command`` until the cursor passes ``after``, then send ``signum``; (process, stderr)."""
    with tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, env=_env(), cwd=REPO, start_new_session=True,
                                   stdout=subprocess.DEVNULL, stderr=err)
        try:
            deadline = time.monotonic() + 60
            while _cursor(data) <= after and process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
            if signum == signal.SIGKILL:
                os.killpg(process.pid, signal.SIGKILL)  # the command and its workers, outright
            else:
                process.send_signal(signum)
            process.wait(timeout=30)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        err.seek(0)
        return process, err.read().decode("utf-8", "replace")


def _cursor(data: Path) -> int:
    try:
        with sqlite3.connect(data / "archive.sqlite", timeout=1) as db:
            row = db.execute("SELECT last_document FROM reprocess_runs ORDER BY id DESC LIMIT 1").fetchone()
    except sqlite3.OperationalError:  # the table is not there yet
        return 0
    return int(row[0]) if row else 0


def test_each_source_is_read_as_its_crawl_read_it() -> None:
    """The configured profile's language and extractor; else what the archive recorded."""
    europol = get_builtin("europol")
    recorded = [{"name": "europol", "language": "fr", "extractor": ""},
                {"name": "from-a-file", "language": "it", "extractor": "europol", "country": "IT"},
                {"name": "added", "language": "", "extractor": None}]
    found = source_extractions(recorded, {"europol": europol})
    assert found == {"europol": SourceExtraction(europol.language, "europol", europol.country),
                     "from-a-file": SourceExtraction("it", "europol", "IT"), "added": SourceExtraction("", None)}
    assert found["from-a-file"].options() == {"default_language": "it", "extractor": "europol", "country": "IT"}


def test_a_site_extractor_this_version_lacks_is_one_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    service, _ = build(tmp_path, [("alpha", datetime(2024, 1, 1), False)])
    service.archive.upsert_source("alpha", language="en", extractor="retired")
    service.close()
    code, out, err = run_here(capsys, tmp_path, "reprocess", "--workers", "0")
    assert (code, out) == (1, "")
    assert err == ("error: source 'alpha' was crawled with site extractor 'retired', "
                   "which this version of pressarchive does not have\n")
    assert all(len(versions) == 1 for versions in _versions(tmp_path).values())
