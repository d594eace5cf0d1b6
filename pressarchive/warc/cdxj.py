"""The CDXJ index of the data directory's WARC files: every capture found by URL and time.

One sorted CDXJ file per closed WARC file (``cdxj/<warc name>.cdxj``), written by the
``cdxj-indexer`` package with the SURT keys pywb uses, so that the index is the one every
web-archive tool reads and a lookup is a binary search in each file rather than a read of the
WARC files. A file is written under a temporary name and renamed, so a reader never sees half
of one. A WARC file still being written (``.open``) is indexed when it is closed: the crawl
refreshes the index when it ends and an import indexes each file its writer closes.
"""

from __future__ import annotations

import json
import logging
import mmap
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import surt
from cdxj_indexer.main import CDXJIndexer

from pressarchive.datadir import DataDir

logger = logging.getLogger(__name__)

#: The suffix of an index file, after the WARC file's full name.
SUFFIX = ".cdxj"
#: The WARC files indexed (closed ones: a ``.open`` file ends differently).
WARC_ENDINGS = (".warc.gz", ".warc")
TIMESTAMP_FORMAT = "%Y%m%d%H%M%S"


@dataclass(frozen=True, slots=True)
class CdxjEntry:
    """One capture as the CDXJ index holds it: where its record is and what it answered."""

    key: str
    timestamp: str  # 14 digits, UTC (the WARC-Date to the second)
    url: str
    status: int | None
    mime: str
    digest: str
    filename: str
    offset: int
    length: int

    @property
    def datetime(self) -> datetime:
        return datetime.strptime(self.timestamp, TIMESTAMP_FORMAT).replace(tzinfo=UTC)

    def to_json(self) -> dict[str, object]:
        return {
            "url": self.url, "timestamp": self.timestamp, "datetime": self.datetime.isoformat().replace("+00:00", "Z"),
            "status": self.status, "mime": self.mime, "digest": self.digest,
            "filename": self.filename, "offset": self.offset, "length": self.length,
        }


def url_key(url: str) -> str:
    """The SURT key of ``url``, as pywb and the indexer write it (scheme and ``www.`` dropped,
    host reversed, query sorted), so ``http://`` and ``https://`` captures share a key."""
    try:
        return str(surt.surt(url))
    except Exception:  # noqa: BLE001 - the indexer keys an unparsable URL by itself; so does the lookup
        return url


def cdxj_path(data: DataDir, warc_name: str) -> Path:
    return data.cdxj_dir / (warc_name + SUFFIX)


def index_warc_file(data: DataDir, name: str) -> Path:
    """Write the sorted CDXJ index of the closed WARC file ``name``; returns its path.

    The index goes to a temporary file beside its final place first: a lookup running
    meanwhile reads the previous index or none, never a partial one."""
    if Path(name).name != name or not name.endswith(WARC_ENDINGS):
        raise ValueError(f"not a WARC file name of the data directory: {name!r}")
    source = data.warc_dir / name
    data.cdxj_dir.mkdir(parents=True, exist_ok=True)
    target = cdxj_path(data, name)
    fd, temporary = tempfile.mkstemp(dir=data.cdxj_dir, prefix=f".{name}.", suffix=".tmp")
    os.close(fd)
    try:
        CDXJIndexer(temporary, [str(source)], sort=True).process_all()
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def refresh(data: DataDir) -> list[str]:
    """Index every closed WARC file whose index is missing or older than the file; returns
    their names. An unreadable WARC file is logged and left unindexed (``check`` reports its
    damage); an index whose WARC file is gone is removed, so no lookup points at nothing."""
    indexed = []
    warcs = _warc_files(data.warc_dir)
    for name, warc_mtime in sorted(warcs.items()):
        try:
            if cdxj_path(data, name).stat().st_mtime_ns >= warc_mtime:
                continue
        except FileNotFoundError:
            pass
        try:
            index_warc_file(data, name)
        except Exception as exc:  # noqa: BLE001 - torn gzip, garbage: the other files still get indexed
            logger.warning("could not index %s: %s: %s", name, type(exc).__name__, exc)
            continue
        indexed.append(name)
    for path in _index_files(data):
        if path.name[: -len(SUFFIX)] not in warcs:
            path.unlink(missing_ok=True)
    return indexed


def refresh_quietly(data: DataDir) -> list[str]:
    """:func:`refresh` where its failure must not undo a finished crawl (a full disk, say):
    logged, and the next refresh (``pressarchive index``, the next crawl) catches up."""
    try:
        return refresh(data)
    except OSError as exc:
        logger.warning("could not refresh the CDXJ index: %s", exc)
        return []


def indexer_for(data: DataDir) -> Callable[[str], None]:
    """A writer's ``on_closed`` hook: index each WARC file as it is closed. A failure is
    logged, not raised: the WARC file is safe, and the next :func:`refresh` indexes it."""

    def index_closed(name: str) -> None:
        try:
            index_warc_file(data, name)
        except Exception as exc:  # noqa: BLE001
            logger.warning("could not index %s now (the next refresh will): %s: %s", name, type(exc).__name__, exc)

    return index_closed


def lookup(data: DataDir, url: str, closest: datetime | None = None) -> list[CdxjEntry]:
    """Every capture of ``url`` (by SURT key) in every index file: oldest first, or nearest
    to ``closest`` (naive: UTC) first, earlier before later at equal distance."""
    entries = lookup_many(data, [url])
    return entries if closest is None else by_distance(entries, closest)


def by_distance(entries: Iterable[CdxjEntry], moment: datetime) -> list[CdxjEntry]:
    """``entries`` (oldest first) nearest ``moment`` (naive: UTC) first; a stable sort keeps
    the earlier of two at equal distance first. Distances are taken in POSIX seconds, so a
    time whose UTC falls outside the calendar (9999-12-31T23:00-05:00) still has one."""
    when = posix_seconds(moment)
    return sorted(entries, key=lambda entry: abs(posix_seconds(entry.datetime) - when))


def posix_seconds(moment: datetime) -> float:
    """``moment`` (naive: UTC) in POSIX seconds, for any year 1-9999 in any time zone."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def lookup_many(data: DataDir, urls: Iterable[str]) -> list[CdxjEntry]:
    """Every capture of any of ``urls``, oldest first, each once: one binary search per URL
    in each index file, every file opened once."""
    prefixes = sorted({url_key(url).encode("utf-8") + b" " for url in urls})
    lines = {line for path in _index_files(data) for line in _lines_with_prefixes(path, prefixes)}
    entries = [_entry(line) for line in lines]
    entries.sort(key=lambda entry: (entry.timestamp, entry.filename, entry.offset))
    return entries


def _warc_files(directory: Path) -> dict[str, int]:
    """Closed WARC files in ``directory`` -> their modification time (ns)."""
    try:
        scan = list(os.scandir(directory))
    except FileNotFoundError:
        return {}
    return {item.name: item.stat().st_mtime_ns for item in scan
            if item.name.endswith(WARC_ENDINGS) and item.is_file()}


def _index_files(data: DataDir) -> list[Path]:
    try:
        return sorted(Path(item.path) for item in os.scandir(data.cdxj_dir)
                      if item.name.endswith(SUFFIX) and not item.name.startswith("."))
    except FileNotFoundError:
        return []


def _lines_with_prefixes(path: Path, prefixes: list[bytes]) -> Iterator[bytes]:
    """The lines of the sorted file ``path`` that start with one of ``prefixes``, by binary search."""
    try:
        fh = open(path, "rb")
    except FileNotFoundError:  # removed by a refresh meanwhile
        return
    with fh:
        size = os.fstat(fh.fileno()).st_size
        if size == 0:
            return
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as view:
            for prefix in prefixes:
                yield from _matching(view, size, prefix)


def _matching(view: mmap.mmap, size: int, prefix: bytes) -> Iterator[bytes]:
    position = _first_line_at_least(view, size, prefix)
    while position < size:
        end = view.find(b"\n", position)
        end = size if end < 0 else end
        line = view[position:end]
        if not line.startswith(prefix):
            return
        yield line
        position = end + 1


def _first_line_at_least(view: mmap.mmap, size: int, prefix: bytes) -> int:
    """Where the first line not sorting before ``prefix`` starts (``size`` if none does)."""
    low, high = 0, size  # both always line starts (or the end)
    while low < high:
        middle = (low + high) // 2
        start = view.rfind(b"\n", 0, middle) + 1
        end = view.find(b"\n", start)
        end = size if end < 0 else end
        if view[start:end] < prefix:
            low = end + 1
        else:
            high = start
    return min(low, size)


def _entry(line: bytes) -> CdxjEntry:
    key, timestamp, fields = line.decode("utf-8").split(" ", 2)
    record = json.loads(fields)
    status = str(record.get("status") or "")
    return CdxjEntry(
        key=key, timestamp=timestamp[:14].ljust(14, "0"), url=str(record.get("url", "")),
        status=int(status) if status.isdigit() else None, mime=str(record.get("mime") or ""),
        digest=str(record.get("digest") or ""), filename=str(record.get("filename", "")),
        offset=int(record.get("offset", 0)), length=int(record.get("length", 0)),
    )
