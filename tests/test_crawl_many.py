"""Two press rooms crawled by one ``crawl`` command: one process, one summary row each."""

from __future__ import annotations

import re
from pathlib import Path

from pressarchive.sampleroom import SamplePressRoom
from tests.conftest import CLI


def test_two_profiles_in_one_crawl(cli: CLI, sample_room: SamplePressRoom, tmp_path: Path) -> None:
    with SamplePressRoom() as other:
        first, second = tmp_path / "first.toml", tmp_path / "second.toml"
        first.write_text(sample_room.profile_toml(), "utf-8")
        second.write_text(other.profile_toml().replace('name = "sample"', 'name = "mirror"'), "utf-8")
        result = cli("crawl", "--profile", str(first), "--profile", str(second), "--delay", "0", check=True)
    for name in ("sample", "mirror"):
        assert re.search(rf"│ {name}\s+│\s+\d+\s+│\s+17\s+│", result.stderr), result.stderr
    status = cli.json("status")
    assert (status["sources"], status["documents"], status["indexed"]) == (2, 34, 34)
    assert cli.json("search", "operation:kestrel")["facets"]["source"] == {"mirror": 3, "sample": 3}
    warcs = sorted(path.name for path in (cli.data / "warc").iterdir())
    assert any(name.startswith("pressarchive-sample-") for name in warcs)
    assert any(name.startswith("pressarchive-mirror-") for name in warcs)
