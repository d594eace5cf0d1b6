"""import-warc over a WARC file written by Debian's ``wget --warc-file`` from a site on 127.0.0.1."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pressarchive.datadir import DataDir, prepare_data_dir
from pressarchive.imports import ImportOptions
from pressarchive.imports.inputs import check_inputs
from pressarchive.imports.run import import_archive_files
from tests.loopback import pages_handler, serve
from tests.test_import_warc import consistent, stored
from tests.warc_files import page

WGET = shutil.which("wget")
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def _site(path: str) -> tuple[int, str, bytes]:
    if path == "/":
        links = "".join(f"<li><a href='/press/{n}'>Release {n}</a></li>" for n in (1, 2))
        index = f"<html><body><ul>{links}</ul><img src='/logo.png'></body></html>"
        return 200, "text/html; charset=utf-8", index.encode()
    if path in ("/press/1", "/press/2"):
        return 200, "text/html; charset=utf-8", page(int(path[-1]) + 70, title="Operation Telar")
    if path == "/logo.png":
        return 200, "image/png", PNG
    return 404, "text/plain", b"not found"


@pytest.mark.skipif(WGET is None, reason="Debian's wget is not installed (apt-get install wget)")
def test_a_wget_warc_imports_its_pages(tmp_path: Path) -> None:
    assert WGET is not None
    before = datetime.now(UTC).replace(tzinfo=None).replace(microsecond=0)
    with serve(pages_handler(_site)) as base:
        # Only the loopback site: no proxy, one level of links, a fixed config.
        subprocess.run([WGET, "--no-config", "--no-proxy", "--quiet", "--tries=1", "--timeout=10",
                        "--recursive", "--level=1", "--page-requisites", "--directory-prefix", str(tmp_path / "mirror"),
                        "--warc-file", str(tmp_path / "site"), f"{base}/"],
                       check=False, timeout=120, cwd=tmp_path)
    warc = tmp_path / "site.warc.gz"
    assert warc.is_file()
    data = prepare_data_dir(DataDir(tmp_path / "data"))
    summary = import_archive_files(data, check_inputs([warc]), ImportOptions(workers=0), {})
    assert summary.bad_count == 0 and summary.skipped["media"] == 1
    docs = {doc.document.url.removeprefix(base): doc for doc in stored(data)}
    assert {"/press/1", "/press/2"} <= set(docs)
    release = docs["/press/1"]
    assert "Operation Telar" in release.document.title
    captured = release.versions[0].captured_at
    assert before - timedelta(seconds=2) <= captured <= datetime.now(UTC).replace(tzinfo=None) + timedelta(seconds=2)
    assert release.versions[0].capture.origin.startswith("warc:site.warc.gz#")
    assert consistent(data)
    again = import_archive_files(data, check_inputs([warc]), ImportOptions(workers=0), {})
    assert again.captures == 0 and not again.documents and again.skipped["duplicate"] == summary.captures
