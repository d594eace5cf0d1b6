"""Time CDXJ lookups over many per-WARC-file indexes, before and after a refresh merges them.

A data directory is laid out as a long-lived archive has it: ``--files`` closed WARC files
(default 2,000; empty stand-ins, since a lookup reads only the index) each with its sorted
per-file index of ``--lines`` captures (default 300), written in the format ``cdxj-indexer``
writes (SURT key, 14-digit timestamp, JSON with url, mime, status, digest, length, offset,
filename) over 40 hosts, so one URL is captured in a few files. Then ``--lookups`` lookups of
URLs drawn from the indexes run (each ``pressarchive.warc.cdxj.lookup``, as a document page
or a Memento request does):

1. ``unmerged``: every per-file index, as a directory a crawl left before this layout;
2. ``merge``: the time of ``cdxj.refresh`` writing the merged index (nothing to re-index);
3. ``merged, fresh``: lookups again, now in the merged index, right after the refresh: the
   index directory changed less than 2 s ago, so every lookup lists it (and reads the
   modification time of each per-file index) again;
4. ``merged``: the same 2.1 s later, when a lookup trusts its last listing of the unchanged
   directory (the state of a server between crawls);
5. ``merged+20``: 20 more files indexed (as an import's writer indexes each file it closes),
   not yet merged, so each lookup also searches those 20 (settled too);
6. ``reindex``: one WARC file's index rewritten and a refresh (``remerge``: its time, the 20
   files of step 5 merged too), checking that the lines of its old index are gone.

Usage: python bench/cdxj.py [--files 2000] [--lines 300] [--lookups 300]
The last line is JSON: {"files", "lines", "lookup_ms" (mean per lookup: "unmerged",
"merged, fresh", "merged", "merged+20"), "merge_s", "remerge_s", "reindex_ok"}.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
import time
from pathlib import Path

from pressarchive.datadir import DataDir, prepare_data_dir
from pressarchive.warc import cdxj


def write_index(data: DataDir, name: str, lines: int, rng: random.Random, serial: int) -> list[str]:
    """A stand-in WARC file ``name`` and its per-file index of ``lines`` captures; their URLs."""
    (data.warc_dir / name).write_bytes(b"")
    rows, urls = [], []
    for offset in range(lines):
        page = rng.randrange(serial * 50 + 1, serial * 50 + 2000)
        url = f"https://police{rng.randrange(40)}.example.org/press/{page}"
        stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime(1_500_000_000 + serial * 3600 + offset))
        fields = {"url": url, "mime": "text/html", "status": "200", "digest": "sha1:" + "A" * 32,
                  "length": "2000", "offset": str(offset * 2000), "filename": name}
        rows.append(f"{cdxj.url_key(url)} {stamp} {json.dumps(fields)}")
        urls.append(url)
    path = cdxj.cdxj_path(data, name)
    path.write_text("\n".join(sorted(rows)) + "\n", "utf-8")
    later = (data.warc_dir / name).stat().st_mtime_ns + 10**9
    os.utime(path, ns=(later, later))  # indexed after the WARC file was written: up to date
    return urls


def mean_lookup_ms(data: DataDir, urls: list[str]) -> float:
    began = time.perf_counter()
    found = sum(len(cdxj.lookup(data, url)) for url in urls)
    assert found >= len(urls), "every URL drawn from the indexes has a capture"
    return (time.perf_counter() - began) * 1000 / len(urls)


def run(files: int, lines: int, lookups: int) -> dict[str, object]:
    rng = random.Random(12)
    with tempfile.TemporaryDirectory(prefix="bench-cdxj-") as tmp:
        data = prepare_data_dir(DataDir(Path(tmp) / "data"))
        data.cdxj_dir.mkdir(parents=True, exist_ok=True)
        urls = [url for serial in range(files)
                for url in write_index(data, f"bench-{serial:05d}.warc.gz", lines, rng, serial)]
        asked = rng.sample(urls, lookups)
        timings = {"unmerged": mean_lookup_ms(data, asked)}
        began = time.perf_counter()
        assert cdxj.refresh(data) == []
        merge_s = time.perf_counter() - began
        timings["merged, fresh"] = mean_lookup_ms(data, asked)
        time.sleep(2.1)
        timings["merged"] = mean_lookup_ms(data, asked)
        for serial in range(files, files + 20):
            write_index(data, f"bench-{serial:05d}.warc.gz", lines, rng, serial)
        time.sleep(2.1)
        timings["merged+20"] = mean_lookup_ms(data, asked)
        victim = "bench-00000.warc.gz"
        gone = cdxj.lookup(data, next(url for url in urls[:lines]))
        write_index(data, victim, lines, random.Random(99), 10**6)  # new URLs: the old lines must vanish
        began = time.perf_counter()
        cdxj.refresh(data)  # 20 files added and one re-indexed since the last merge
        remerge_s = time.perf_counter() - began
        reindex_ok = not [entry for entry in cdxj.lookup(data, gone[0].url) if entry.filename == victim
                          and entry.offset == gone[0].offset and entry.timestamp == gone[0].timestamp]
    return {"files": files, "lines": lines, "lookup_ms": {key: round(value, 2) for key, value in timings.items()},
            "merge_s": round(merge_s, 2), "remerge_s": round(remerge_s, 2), "reindex_ok": reindex_ok}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--lines", type=int, default=300)
    parser.add_argument("--lookups", type=int, default=300)
    args = parser.parse_args()
    result = run(args.files, args.lines, args.lookups)
    for key, value in result["lookup_ms"].items():  # type: ignore[attr-defined]
        print(f"lookup, {key:<14} {value:8.2f} ms")
    print(f"merge (refresh)       {result['merge_s']:8.2f} s")
    print(f"merge again (+21)     {result['remerge_s']:8.2f} s")
    print(f"re-indexed file's old lines gone: {result['reindex_ok']}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
