"""The CDXJ index of the data directory's WARC files: every capture found by URL and time.

One sorted CDXJ file per closed WARC file (``cdxj/<warc name>.cdxj``), written by the
``cdxj-indexer`` package with the SURT keys pywb uses, so that the index is the one every
web-archive tool reads and a lookup is a binary search rather than a read of the WARC files.
A WARC file still being written (``.open``) is indexed when it is closed: a crawl indexes
each file its writers close on rotation (on a thread: :class:`ClosedWarcIndexer`) and
refreshes the index when it ends; an import indexes each file its writer closes.

A binary search in each of thousands of per-file indexes costs a lookup 100-200 ms, so
:func:`refresh` also merges them (``heapq.merge``) into one sorted ``cdxj/index.cdxj``. Its
first line, ``!pressarchive-merged {...}``, names each per-file index merged and that
file's modification time; a lookup searches the merged file, keeping only the lines of
per-file indexes still there unchanged, and the per-file indexes the merged file lacks or
holds an older version of (written since the last refresh). So a re-indexed or removed WARC
file's old lines are never found, even before the next merge. Every file is written under a
temporary name and renamed, so a reader never sees half of one.
"""

from __future__ import annotations

import fcntl
import heapq
import json
import logging
import mmap
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
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
#: The merged index of every per-file index (not itself a per-file index: no WARC ending).
MERGED = "index.cdxj"
#: The merged index's first line starts so; it sorts before every SURT key.
MERGED_HEADER = b"!pressarchive-merged "
#: Per-file indexes merged in one pass (each one an open file).
MERGE_BATCH = 500


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
    damage); an index whose WARC file is gone is removed, so no lookup points at nothing.

    One refresh at a time per data directory (an ``flock`` on the ``cdxj`` folder itself): the
    processes of a shared crawl end together, and each would otherwise index the others' files
    again and merge beside them (each file is renamed into place whole, so that was only waste).
    """
    if not data.warc_dir.is_dir() and not data.cdxj_dir.is_dir():
        return []  # nothing to index, nothing to remove
    data.cdxj_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(data.cdxj_dir, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # released when closed, or when its holder dies
        return _refresh(data)
    finally:
        os.close(fd)


def _refresh(data: DataDir) -> list[str]:
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
    for name in _index_files(data):
        if name[: -len(SUFFIX)] not in warcs:
            (data.cdxj_dir / name).unlink(missing_ok=True)
    merge(data)
    return indexed


def merge(data: DataDir) -> bool:
    """Rewrite the merged index when the per-file indexes changed since it was written
    (added, re-indexed, removed); returns whether it did. The lines of per-file indexes
    merged before and unchanged are read from the old merged file, so a refresh after a
    crawl reads the new files' indexes and one sequential pass over the old merge."""
    current = _index_files(data)
    old = _read_manifest(data.cdxj_dir / MERGED)
    if old == current or (old is None and not current):
        return False
    kept = {name for name, mtime in (old or {}).items() if current.get(name) == mtime}
    pending = sorted(name for name in current if name not in kept)
    source: Path | None = data.cdxj_dir / MERGED if kept else None
    batches = [pending[start:start + MERGE_BATCH] for start in range(0, len(pending), MERGE_BATCH)] or [[]]
    for number, batch in enumerate(batches):
        merged = {name: current[name] for name in kept}
        merged.update((name, current[name]) for names in batches[: number + 1] for name in names)
        drop = set(old or ()) - kept if number == 0 else set()
        source = _merge_into(data, source, batch, merged, drop, final=number == len(batches) - 1)
    return True


def _merge_into(data: DataDir, source: Path | None, batch: list[str], manifest: dict[str, int],
                drop: set[str], final: bool) -> Path:
    """One pass: the lines of ``source`` (a merged file; those of the per-file indexes in
    ``drop`` left out) and of the per-file indexes ``batch``, merged in order under the header
    naming ``manifest``; the final pass renames its file to :data:`MERGED`."""
    fd, temporary = tempfile.mkstemp(dir=data.cdxj_dir, prefix=f".{MERGED}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out, ExitStack() as stack:
            out.write(MERGED_HEADER + json.dumps(manifest, sort_keys=True).encode("utf-8") + b"\n")
            inputs = [_data_lines(_open_index(stack, data.cdxj_dir / name)) for name in batch]
            if source is not None:
                inputs.append(_without(_data_lines(_open_index(stack, source)), drop))
            out.writelines(heapq.merge(*inputs))
        if final:
            os.replace(temporary, data.cdxj_dir / MERGED)
            return data.cdxj_dir / MERGED
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    finally:
        if source is not None and source.name != MERGED:
            source.unlink(missing_ok=True)  # an intermediate pass's file, read or given up
    return Path(temporary)


def _open_index(stack: ExitStack, path: Path) -> Iterable[bytes]:
    """``path`` opened for the merge; a per-file index removed since the listing has no lines
    (the manifest still names it, and a lookup, not finding it, ignores its lines)."""
    try:
        return stack.enter_context(open(path, "rb"))
    except FileNotFoundError:
        return []


def _data_lines(fh: Iterable[bytes]) -> Iterator[bytes]:
    """The capture lines of an index file, each ending in a newline (a header line skipped)."""
    for line in fh:
        if line.startswith(b"!") or not line.strip():
            continue
        yield line if line.endswith(b"\n") else line + b"\n"


def _without(lines: Iterable[bytes], drop: set[str]) -> Iterator[bytes]:
    """``lines`` less those of the per-file indexes ``drop`` (re-indexed or removed)."""
    if not drop:
        yield from lines
        return
    files = {name[: -len(SUFFIX)] for name in drop}
    for line in lines:
        if _filename(line) not in files:
            yield line


_FILENAME = re.compile(rb'"filename": "([^"\\]*)"')


def _filename(line: bytes) -> str:
    """The WARC file a line points at: found by a pattern (the indexer writes ``"filename": "…"``),
    ten times faster than parsing the line, else parsed."""
    match = _FILENAME.search(line)
    if match is not None:
        return match.group(1).decode("utf-8")
    return str(json.loads(line.split(b" ", 2)[2]).get("filename", ""))


def _read_manifest(path: Path) -> dict[str, int] | None:
    """The per-file indexes (name -> modification time, ns) the merged index ``path`` holds;
    None when there is no merged index or its header is not ours."""
    try:
        with open(path, "rb") as fh:
            first = fh.readline()
    except FileNotFoundError:
        return None
    return _parse_manifest(first)


def _parse_manifest(first: bytes) -> dict[str, int] | None:
    if not first.startswith(MERGED_HEADER):
        return None
    try:
        manifest = json.loads(first[len(MERGED_HEADER):])
    except ValueError:
        return None
    return {str(name): int(mtime) for name, mtime in manifest.items()} if isinstance(manifest, dict) else None


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


class ClosedWarcIndexer:
    """A writer's ``on_closed`` hook for a crawl: each WARC file closed on rotation is indexed
    on a thread of its own, so a file of 100 MB (seconds of indexing) does not stall the
    crawler's reactor, and its captures can be looked up while the crawl goes on. The
    indexer reads a file already closed and renamed; one thread indexes the files one after
    another. :meth:`close` waits for those queued, before the crawl's closing refresh."""

    def __init__(self, data: DataDir) -> None:
        self._index = indexer_for(data)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cdxj-index")
        self._closed = False

    def __call__(self, name: str) -> None:
        if self._closed:  # a file closed after the crawl ended: the closing refresh indexes it
            return
        self._pool.submit(self._index, name)

    def close(self) -> None:
        self._closed = True
        self._pool.shutdown(wait=True)


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
    in the merged index and in each per-file index it does not hold as it is now."""
    prefixes = sorted({url_key(url).encode("utf-8") + b" " for url in urls})
    current = _index_files_seen(data)
    merged, lines = _merged_lines(data.cdxj_dir / MERGED, prefixes)
    entries = {entry for entry in map(_entry, lines)
               if merged.get(entry.filename + SUFFIX, -1) == current.get(entry.filename + SUFFIX)}
    for name, mtime in current.items():
        if merged.get(name) != mtime:
            entries.update(map(_entry, _lines_with_prefixes(data.cdxj_dir / name, prefixes)))
    return sorted(entries, key=lambda entry: (entry.timestamp, entry.filename, entry.offset))


def _merged_lines(path: Path, prefixes: list[bytes]) -> tuple[dict[str, int], list[bytes]]:
    """The merged index's manifest and its lines starting with one of ``prefixes``
    (``{}`` and none without a merged index)."""
    try:
        fh = open(path, "rb")
    except FileNotFoundError:
        return {}, []
    with fh:
        size = os.fstat(fh.fileno()).st_size
        if size == 0:
            return {}, []
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as view:
            end = view.find(b"\n")
            manifest = _manifest_of(path, os.fstat(fh.fileno()), view[: size if end < 0 else end + 1])
            if manifest is None or end < 0:
                return {}, []
            return manifest, [line for prefix in prefixes for line in _matching(view, size, prefix, end + 1)]


#: The last listing of each index directory: (its mtime, the listing), or the last merged
#: header read: ((inode, mtime, size), the manifest). Reading 2,000 files' times on every
#: lookup cost more than the lookup itself.
_listings: dict[Path, tuple[int, dict[str, int]]] = {}
_manifests: dict[Path, tuple[tuple[int, int, int], dict[str, int] | None]] = {}
#: A listing is reused only when its directory had not changed for this long before it was
#: read (ns): a change in the same clock tick as the reading would leave the mtime as it was.
_SETTLED_NS = 2 * 10**9


def _index_files_seen(data: DataDir) -> dict[str, int]:
    """:func:`_index_files`, from the last listing when the directory is unchanged since:
    writing, renaming or removing a per-file index changes the directory's mtime."""
    try:
        mtime = os.stat(data.cdxj_dir).st_mtime_ns
    except FileNotFoundError:
        return {}
    seen = _listings.get(data.cdxj_dir)
    if seen is not None and seen[0] == mtime:
        return seen[1]
    listing = _index_files(data)
    if time.time_ns() - mtime > _SETTLED_NS:
        _listings[data.cdxj_dir] = (mtime, listing)
    return listing


def _manifest_of(path: Path, stat: os.stat_result, first_line: bytes) -> dict[str, int] | None:
    """The merged index's manifest, parsed once per version of the file (a merge replaces it:
    a new inode)."""
    version = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
    seen = _manifests.get(path)
    if seen is not None and seen[0] == version:
        return seen[1]
    manifest = _parse_manifest(first_line)
    _manifests[path] = (version, manifest)
    return manifest


def _warc_files(directory: Path) -> dict[str, int]:
    """Closed WARC files in ``directory`` -> their modification time (ns)."""
    try:
        scan = list(os.scandir(directory))
    except FileNotFoundError:
        return {}
    return {item.name: item.stat().st_mtime_ns for item in scan
            if item.name.endswith(WARC_ENDINGS) and item.is_file()}


def _index_files(data: DataDir) -> dict[str, int]:
    """The per-file indexes (name -> modification time, ns); not the merged one, not temporaries."""
    endings = tuple(ending + SUFFIX for ending in WARC_ENDINGS)
    try:
        scan = list(os.scandir(data.cdxj_dir))
    except FileNotFoundError:
        return {}
    found = {}
    for item in scan:
        if item.name.endswith(endings) and not item.name.startswith("."):
            try:
                found[item.name] = item.stat().st_mtime_ns
            except FileNotFoundError:  # removed by a refresh meanwhile
                continue
    return found


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


def _matching(view: mmap.mmap, size: int, prefix: bytes, start: int = 0) -> Iterator[bytes]:
    """The lines from ``start`` (a line start) on that begin with ``prefix``."""
    position = _first_line_at_least(view, size, prefix, start)
    while position < size:
        end = view.find(b"\n", position)
        end = size if end < 0 else end
        line = view[position:end]
        if not line.startswith(prefix):
            return
        yield line
        position = end + 1


def _first_line_at_least(view: mmap.mmap, size: int, prefix: bytes, start: int = 0) -> int:
    """Where the first line from ``start`` on not sorting before ``prefix`` starts (``size``
    if none does)."""
    low, high = start, size  # both always line starts (or the end)
    while low < high:
        middle = (low + high) // 2
        begin = max(view.rfind(b"\n", 0, middle) + 1, start)
        end = view.find(b"\n", begin)
        end = size if end < 0 else end
        if view[begin:end] < prefix:
            low = end + 1
        else:
            high = begin
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
