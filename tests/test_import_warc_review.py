"""Damage found in review: each one costs its record, never the run or the files after it."""

from __future__ import annotations

import gzip
import hashlib
import json
import zipfile
from pathlib import Path

import pytest

from pressarchive.datadir import DataDir, prepare_data_dir
from pressarchive.imports import ImportOptions, ImportSummary
from pressarchive.imports.inputs import check_inputs
from pressarchive.imports.run import import_archive_files
from tests.test_import_warc import consistent, stored
from tests.warc_files import Record, page, write_warc

URLS = [f"https://www.police.example/press/{n}" for n in range(3)]


@pytest.fixture
def data(tmp_path: Path) -> DataDir:
    return prepare_data_dir(DataDir(tmp_path / "data"))


def run(data: DataDir, *paths: Path) -> ImportSummary:
    return import_archive_files(data, check_inputs(list(paths)), ImportOptions(workers=0), {})


def three(path: Path, gzipped: bool = False, **changes: Record) -> list[int]:
    records = [Record(url, f"2019-0{n + 1}-01T00:00:00Z", page(n)) for n, url in enumerate(URLS)]
    for index, record in changes.items():
        records[int(index[1:])] = record
    return write_warc(path, records, gzipped=gzipped)


def test_a_file_cut_inside_a_record_header_does_not_stop_the_next_file(data: DataDir, tmp_path: Path) -> None:
    offsets = three(tmp_path / "a.warc")
    cut = tmp_path / "a.warc"
    cut.write_bytes(cut.read_bytes()[: offsets[1] + 60])  # inside the second record's WARC headers
    write_warc(tmp_path / "b.warc", [Record("https://www.police.example/press/b", "2020-01-01T00:00:00Z", page(9))])
    summary = run(data, cut, tmp_path / "b.warc")
    assert summary.bad_count == 1 and summary.bad[0].offset == offsets[1]
    assert sorted(doc.document.url for doc in stored(data)) == [URLS[0], "https://www.police.example/press/b"]
    assert consistent(data)


def test_damage_in_a_file_gzipped_whole_is_reported_and_what_came_before_kept(data: DataDir, tmp_path: Path) -> None:
    plain = tmp_path / "plain.warc"
    offsets = three(plain)
    raw = bytearray(plain.read_bytes())
    marker = raw.index(b"Content-Length:", offsets[1])
    raw[marker:marker + 20] = b"Content-Length: 9999"[:20]  # the second record lies about its length
    whole = tmp_path / "whole.warc.gz"
    whole.write_bytes(gzip.compress(bytes(raw)))
    summary = run(data, whole)
    assert summary.bad_count >= 1 and "gzipped as one member" in summary.bad[0].reason
    assert [doc.document.url for doc in stored(data)] == [URLS[0]]
    assert consistent(data)


@pytest.mark.parametrize("change", [{"WARC-Target-URI": "http://[::1/bad"}, {"WARC-Date": "0001-01-01T00:00:00+05:00"}])
def test_a_record_with_an_unusable_url_or_date_is_one_bad_record(data: DataDir, tmp_path: Path,
                                                                  change: dict[str, str]) -> None:
    path = tmp_path / "x.warc.gz"
    three(path, gzipped=True)
    raw = bytearray(gzip.decompress(path.read_bytes()))
    name, value = next(iter(change.items()))
    start = raw.index(f"{name}: ".encode(), raw.index(URLS[1].encode()) - 400)
    end = raw.index(b"\r\n", start)
    fixed = raw[:start] + f"{name}: {value}".encode() + raw[end:]
    plain = tmp_path / "x.warc"
    plain.write_bytes(bytes(fixed))
    summary = run(data, plain)
    assert summary.bad_count == 1 and name in summary.bad[0].reason
    assert sorted(doc.document.url for doc in stored(data)) == [URLS[0], URLS[2]]


def test_a_wacz_naming_an_odd_hash_reports_the_member(data: DataDir, tmp_path: Path) -> None:
    member = tmp_path / "d.warc.gz"
    three(member, gzipped=True)
    resources = [{"name": "d.warc.gz", "path": "archive/d.warc.gz", "hash": "shake_128:00", "bytes": 1}]
    package = json.dumps({"profile": "data-package", "wacz_version": "1.1.1", "resources": resources}).encode()
    with zipfile.ZipFile(tmp_path / "p.wacz", "w") as wacz:
        wacz.writestr("archive/d.warc.gz", member.read_bytes())
        wacz.writestr("datapackage.json", package)
        wacz.writestr("datapackage-digest.json", json.dumps(
            {"path": "datapackage.json", "hash": "sha256:" + hashlib.sha256(package).hexdigest()}))
    summary = run(data, tmp_path / "p.wacz")
    assert summary.bad_count == 1 and "shake_128" in summary.bad[0].reason and not stored(data)


def test_a_warc_whose_first_record_is_damaged_imports_the_rest(data: DataDir, tmp_path: Path) -> None:
    path = tmp_path / "x.warc"
    three(path)
    path.write_bytes(b"WARX" + path.read_bytes()[4:])
    summary = run(data, path)
    assert summary.bad_count == 1 and summary.bad[0].offset == 0
    assert sorted(doc.document.url for doc in stored(data)) == URLS
