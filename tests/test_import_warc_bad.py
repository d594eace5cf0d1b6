"""import-warc over damaged input: each bad record reported with its offset, the rest imported."""

from __future__ import annotations

import gzip
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pressarchive.datadir import DataDir, prepare_data_dir
from pressarchive.imports import ImportOptions, ImportSummary
from pressarchive.imports.inputs import check_inputs
from pressarchive.imports.run import import_archive_files
from tests.cli_here import run_here
from tests.test_import_warc import consistent, stored
from tests.warc_files import Record, arc_record, page, write_arc, write_warc

URLS = [f"https://www.police.example/press/{n}" for n in range(3)]
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def data(tmp_path: Path) -> DataDir:
    return prepare_data_dir(DataDir(tmp_path / "data"))


def run(data: DataDir, path: Path) -> ImportSummary:
    return import_archive_files(data, check_inputs([path]), ImportOptions(workers=0), {})


def plain_warc(tmp_path: Path) -> tuple[bytes, list[int]]:
    """Three responses, uncompressed; their offsets."""
    path = tmp_path / "plain.warc"
    records = [Record(url, f"2019-05-0{n + 1}T10:00:00Z", page(n + 50)) for n, url in enumerate(URLS)]
    offsets = write_warc(path, records, gzipped=False)
    return path.read_bytes(), offsets


def as_members(raw: bytes, offsets: list[int]) -> tuple[bytes, list[int]]:
    """``raw`` (a plain WARC) with each record in its own gzip member; the new offsets."""
    bounds = [0, *offsets, len(raw)]
    members = [gzip.compress(raw[start:end]) for start, end in zip(bounds, bounds[1:], strict=False)]
    starts = [sum(len(member) for member in members[:index]) for index in range(len(members))]
    return b"".join(members), starts[1:]


def lie_about_length(raw: bytes, offset: int, by: int) -> bytes:
    """The record at ``offset`` with its Content-Length off by ``by`` bytes."""
    head = raw[offset:offset + 600]
    found = re.search(rb"Content-Length: (\d+)\r\n", head)
    assert found is not None
    told = f"Content-Length: {int(found.group(1)) + by}\r\n".encode()
    return raw[:offset] + head[:found.start()] + told + head[found.end():] + raw[offset + 600:]


def urls(data: DataDir) -> list[str]:
    return sorted(doc.document.url for doc in stored(data))


def check(data: DataDir, summary: ImportSummary, name: str, offset: int, imported: list[str], reason: str) -> None:
    assert [(bad.file, bad.offset) for bad in summary.bad] == [(name, offset)], summary.bad
    assert reason in summary.bad[0].reason
    assert summary.bad_count == 1 and summary.had_trouble
    assert urls(data) == sorted(imported)
    assert consistent(data)


@pytest.mark.parametrize("by", [+100, -100])
def test_a_lying_content_length_in_a_plain_warc(data: DataDir, tmp_path: Path, by: int) -> None:
    raw, offsets = plain_warc(tmp_path)
    path = tmp_path / "lying.warc"
    path.write_bytes(lie_about_length(raw, offsets[1], by))
    summary = run(data, path)
    check(data, summary, "lying.warc", offsets[1], [URLS[0], URLS[2]], "Content-Length")


def test_a_lying_content_length_in_a_gzip_member(data: DataDir, tmp_path: Path) -> None:
    raw, offsets = plain_warc(tmp_path)
    packed, starts = as_members(lie_about_length(raw, offsets[1], +100), offsets)
    path = tmp_path / "lying.warc.gz"
    path.write_bytes(packed)
    check(data, run(data, path), "lying.warc.gz", starts[1], [URLS[0], URLS[2]], "truncated")


def test_a_corrupt_gzip_member(data: DataDir, tmp_path: Path) -> None:
    raw, offsets = plain_warc(tmp_path)
    packed, starts = as_members(raw, offsets)
    damaged = bytearray(packed)
    damaged[starts[1] + 40:starts[1] + 80] = b"\xff" * 40
    path = tmp_path / "corrupt.warc.gz"
    path.write_bytes(bytes(damaged))
    check(data, run(data, path), "corrupt.warc.gz", starts[1], [URLS[0], URLS[2]], "")


@pytest.mark.parametrize("gzipped", [True, False])
def test_a_truncated_file(data: DataDir, tmp_path: Path, gzipped: bool) -> None:
    raw, offsets = plain_warc(tmp_path)
    content, starts = as_members(raw, offsets) if gzipped else (raw, offsets)
    path = tmp_path / ("cut.warc.gz" if gzipped else "cut.warc")
    path.write_bytes(content[:starts[2] + (200 if gzipped else 900)])
    check(data, run(data, path), path.name, starts[2], URLS[:2], "")


@pytest.mark.parametrize("gzipped", [True, False])
def test_garbage_between_records(data: DataDir, tmp_path: Path, gzipped: bool) -> None:
    raw, offsets = plain_warc(tmp_path)
    content, starts = as_members(raw, offsets) if gzipped else (raw, offsets)
    junk = b"this is not a record\r\nnor is this\r\n"
    path = tmp_path / ("junk.warc.gz" if gzipped else "junk.warc")
    path.write_bytes(content[:starts[2]] + junk + content[starts[2]:])
    check(data, run(data, path), path.name, starts[2], URLS, "not a WARC/ARC record")


@pytest.mark.parametrize("gzipped", [True, False])
@pytest.mark.parametrize("broken", [b" 127.0.0.1 ", b" text/html "])
def test_an_arc_record_with_a_broken_header(data: DataDir, tmp_path: Path, gzipped: bool, broken: bytes) -> None:
    records = [arc_record(url.replace("https", "http"), f"2008043020482{n}", page(n + 60))
               for n, url in enumerate(URLS)]
    records[1] = records[1].replace(broken, b" ", 1)  # a field missing
    path = tmp_path / ("broken.arc.gz" if gzipped else "broken.arc")
    offsets = write_arc(path, records, gzipped)
    summary = run(data, path)
    http_urls = [url.replace("https", "http") for url in URLS]
    check(data, summary, path.name, offsets[1], [http_urls[0], http_urls[2]], "")


def test_cli_says_in_one_line_how_many_records_were_skipped(data: DataDir, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    raw, offsets = plain_warc(tmp_path)
    path = tmp_path / "lying.warc"
    path.write_bytes(lie_about_length(raw, offsets[1], +100))
    code, out, err = run_here(capsys, data.root, "import-warc", "--workers", "0", str(path))
    assert code == 1 and not out
    assert f"bad record: lying.warc@{offsets[1]}: " in err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert errors == ["error: 1 records could not be read and were skipped; the rest was imported"]
    report = next(data.reports_dir.glob("import-*.json")).read_text()
    assert f'"offset": {offsets[1]}' in report and '"bad_records": 1' in report


@pytest.mark.parametrize("make, message", [
    (lambda tmp: tmp / "missing.warc.gz", "error: no such file: {path}"),
    (lambda tmp: tmp, "error: {path} is a directory: name the WARC, ARC or WACZ files in it"),
    (lambda tmp: _write(tmp / "notes.txt", b"just some text\n"), "error: {path} is not a WARC, ARC or WACZ file"),
    (lambda tmp: _write(tmp / "empty.warc", b""), "error: {path} is not a WARC, ARC or WACZ file"),
])
def test_files_that_are_no_archives_are_refused_before_anything_is_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], make, message: str) -> None:  # type: ignore[no-untyped-def]
    good = tmp_path / "good.warc.gz"
    write_warc(good, [Record(URLS[0], "2019-05-02T10:00:00Z", page(1))])
    path = make(tmp_path)
    code, out, err = run_here(capsys, tmp_path / "data", "import-warc", str(good), str(path))
    assert code == 1 and not out and err.splitlines() == [message.format(path=path)]
    assert not (tmp_path / "data").exists()


def _write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def test_sigterm_stops_the_import_and_the_same_command_imports_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "many.warc.gz"
    write_warc(path, [Record(f"https://www.police.example/press/{n}", "2019-05-02T10:00:00Z", page(n))
                      for n in range(400)])
    data = tmp_path / "data"
    command = [sys.executable, "-m", "pressarchive", "--data", str(data), "import-warc", "--workers", "1", str(path)]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(command, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not list((data / "warc").glob("*.open")) and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 143 and err.strip().endswith("the same command again imports the rest")
    assert not list((data / "warc").glob("*.open"))  # the WARC file was closed
    archive = DataDir(data)
    assert consistent(archive)
    again = subprocess.run([*command, "--json"], env=env, cwd=REPO, capture_output=True, text=True, timeout=300)
    summary = json.loads(again.stdout)
    assert again.returncode == 0 and summary["documents"]["new"] + summary["skipped"].get("duplicate", 0) == 400
    assert summary["documents"]["new"] < 400 and len(stored(archive)) == 400
