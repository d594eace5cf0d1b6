"""End-to-end crawls of one generated press room by two source trees, interleaved, to compare them.

On a machine whose other load comes and goes, two ``bench/crawl.py`` runs minutes apart are not
comparable; crawls of the same site by tree A and tree B one after the other, the order swapped
each round, are closer. Each line gives the rate, the CPU per page of the crawl and its workers,
and the cores other processes used meanwhile (compare rounds whose other load is alike).

Usage: python bench/crawl_ab.py TREE_A TREE_B [--releases N] [--rounds R]
(a tree: a checkout of pressarchive, e.g. ``git archive COMMIT | tar -x -C DIR``)
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import crawl  # noqa: E402  (bench/ helper, importable once bench/ is on the path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("trees", nargs=2, type=Path)
    parser.add_argument("--releases", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    crawl.become_subreaper()
    server = crawl.SiteServer(args.releases)
    tmp = Path(tempfile.mkdtemp(prefix="pressarchive-ab-"))
    profile = crawl.write_profile(tmp, server.base_url)
    try:
        for round_ in range(args.rounds):
            order = list(enumerate(args.trees))
            for label, tree in order if round_ % 2 == 0 else order[::-1]:
                crawl.REPO = tree.resolve()  # the crawl runs `python -m pressarchive` from there
                result = crawl.run_end_to_end(server, tmp, profile, name=f"{'AB'[label]}-{round_}")
                cpu = 1000 * (result["cpu_user"] + result["cpu_sys"]) / max(result["documents"], 1)
                print(f"{'AB'[label]} round {round_}: {result['pages_per_s']:.1f} pages/s, {cpu:.2f} ms CPU/page, "
                      f"other load {result['other_load_cores']:.2f} cores ({tree})", flush=True)
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
