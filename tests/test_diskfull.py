"""A crawl that fills the disk stops cleanly and loses nothing that was archived before.

The data directory is put on a small filesystem the test makes (a size-limited tmpfs, else a
loop-mounted ext4 image; both need root), a first crawl archives a few releases, then the site
grows by releases of incompressible text until the second crawl runs out of space. That crawl
must end with one ``error:`` line (no traceback) and a non-zero exit; the releases and
captures from before must be intact and their WARC records readable; and once space is freed
the next crawl finishes and ``check`` finds the store, the WARC files and the index agreeing.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import sqlite3
import string
import subprocess
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from pressarchive.warc import read_response
from tests.conftest import CLI
from tests.mutable_site import MutableSite

SMALL = "8m"
BIG = "128m"


def _run(*args: str) -> bool:
    return subprocess.run(args, capture_output=True, check=False).returncode == 0


def _mount_small_fs(mountpoint: Path, image: Path) -> str:
    """Mount a filesystem of :data:`SMALL` at ``mountpoint``; returns how it was made."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small filesystem needs root (tmpfs or a loop-mounted ext4 image)")
    mountpoint.mkdir()
    if _run("mount", "-t", "tmpfs", "-o", f"size={SMALL}", "tmpfs", str(mountpoint)):
        return "tmpfs"
    if shutil.which("mkfs.ext4") and _run("truncate", "-s", SMALL.upper(), str(image)) \
            and _run("mkfs.ext4", "-q", "-F", str(image)) and _run("mount", "-o", "loop", str(image), str(mountpoint)):
        return "ext4"
    pytest.skip("neither a tmpfs nor a loop-mounted ext4 image could be mounted here")


def _grow(mountpoint: Path, how: str, image: Path) -> None:
    """Free space: a bigger tmpfs, or the ext4 image and its filesystem grown in place."""
    if how == "tmpfs":
        assert _run("mount", "-o", f"remount,size={BIG}", str(mountpoint))
        return
    found = subprocess.run(["findmnt", "-no", "SOURCE", str(mountpoint)], capture_output=True, text=True, check=False)
    device = found.stdout.strip()
    assert _run("truncate", "-s", BIG.upper(), str(image)) and _run("losetup", "-c", device)
    assert _run("resize2fs", device)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    mountpoint = tmp_path / "disk"
    how = _mount_small_fs(mountpoint, tmp_path / "disk.img")
    try:
        yield mountpoint, how
    finally:
        subprocess.run(["umount", "-l", str(mountpoint)], capture_output=True, check=False)


def _noise(rng: random.Random, size: int) -> str:
    """Random words from a vocabulary of 2,000: gzip shrinks them little, so the WARC files grow
    fast, while the index stays small (a vocabulary of unique words would fill the disk alone)."""
    vocabulary = ["".join(random.Random(i).choices(string.ascii_lowercase, k=8)) for i in range(2000)]
    return " ".join(rng.choices(vocabulary, k=size // 9))


def _captures(database: Path) -> list[tuple[int, str, str, int, str]]:
    with sqlite3.connect(database) as conn:
        return conn.execute(
            "SELECT id, url, warc_file, warc_offset, payload_sha256 FROM captures ORDER BY id"
        ).fetchall()


def _documents(database: Path) -> list[tuple[int, str, int, str, str]]:
    with sqlite3.connect(database) as conn:
        return conn.execute(
            "SELECT d.id, d.url, v.number, v.title, v.text_sha256 FROM documents d "
            "JOIN versions v ON v.document_id = d.id ORDER BY d.id, v.number"
        ).fetchall()


def test_a_full_disk_stops_the_crawl_cleanly_and_loses_nothing(small_disk: tuple[Path, str], tmp_path: Path) -> None:
    mountpoint, how = small_disk
    data = mountpoint / "data"
    cli = CLI(data)
    rng = random.Random(9)
    with MutableSite() as site:
        for i in range(6):
            site.add(f"small-{i}", f"Operation Small {i}", f"Officers arrested {i} suspects.", date(2020, 1, 1 + i))
        profile = tmp_path / "site.toml"
        profile.write_text(site.profile_toml(), "utf-8")
        crawl = ("crawl", "--profile", str(profile), "--delay", "0", "--set", "PRESSARCHIVE_EXTRACT_WORKERS=1")
        cli(*crawl, check=True)
        documents, captures = _documents(data / "archive.sqlite"), _captures(data / "archive.sqlite")
        assert len(documents) == 6

        for i in range(60):  # pages of 200 KB (the text four times): about 12 MB of text alone
            site.add(f"big-{i:02d}", f"Operation Big {i}", _noise(rng, 50_000), date(2021, 1, 1) + timedelta(days=i))
        full = cli(*crawl)
        assert full.returncode == 1, full.stderr
        assert "Traceback" not in full.stderr, full.stderr
        errors = [line for line in full.stderr.splitlines() if line.startswith("error:")]
        assert len(errors) == 1 and ("No space left on device" in errors[0] or "disk is full" in errors[0])
        fetched_big = sum(target.startswith("/news/releases/big-") for target in site.requests)
        captured_big = sum("/big-" in url for _id, url, *_rest in _captures(data / "archive.sqlite"))
        # Requests already handed to Scrapy's downloader (at most CONCURRENT_REQUESTS, 16) still
        # complete while the spider closes; page by page, every one of the 60 would be fetched.
        assert fetched_big - captured_big <= 16 and fetched_big < 60, (
            "the crawl stops at the first failure, not page by page", fetched_big, captured_big)

        # Everything archived before the disk filled up is still there and readable.
        assert _documents(data / "archive.sqlite")[: len(documents)] == documents
        after = _captures(data / "archive.sqlite")
        assert after[: len(captures)] == captures
        for _id, url, warc_file, offset, digest in after:
            record = read_response(data / "warc" / warc_file, offset)
            assert record.url == url and hashlib.sha256(record.body).hexdigest() == digest

        _grow(mountpoint, how, tmp_path / "disk.img")
        again = cli(*crawl)
        assert again.returncode == 0, again.stderr
        assert len(_documents(data / "archive.sqlite")) == 66
        check = cli("check", "--json")
        assert check.returncode == 0, check.stdout + check.stderr
