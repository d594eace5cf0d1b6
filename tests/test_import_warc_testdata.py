"""import-warc over the real WARC and ARC files of ../shared/testdata (skipped when absent).

Heritrix, wget, Common Crawl, ClueWeb, warcio and Internet Archive files, four of them broken
on purpose: everything imports in one run without a crash, the broken ones are reported.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pressarchive.datadir import DataDir, prepare_data_dir
from pressarchive.imports import ImportOptions
from pressarchive.imports.inputs import check_inputs
from pressarchive.imports.run import import_archive_files
from tests.conftest import testdata_dir as shared_testdata
from tests.test_import_warc import consistent, stored

#: Files the testdata README says are broken or quirky (truncated, bad chunks, malformed dates).
BROKEN = {"resiliparse_clipped_houstonpress-article.warc.gz", "resiliparse_clueweb-quirk.warc.gz",
          "warcio_example-wrong-chunks.warc.gz", "warcio_example-trunc.warc"}


def test_every_shared_warc_and_arc_file_imports(tmp_path: Path) -> None:
    root = shared_testdata()
    if root is None or not (root / "warc_manifest.json").is_file():
        pytest.skip("../shared/testdata is not present")
    files = [root / item["file"] for item in json.loads((root / "warc_manifest.json").read_text())]
    data = prepare_data_dir(DataDir(tmp_path / "data"))
    summary = import_archive_files(data, check_inputs(files), ImportOptions(workers=0), {})
    assert summary.files == len(files) and summary.records > 500
    assert {bad.file for bad in summary.bad} <= BROKEN
    assert summary.documents["new"] >= 60 and summary.captures >= summary.documents.total()
    # The second Heritrix crawl's revisits resolve to the first crawl's responses: later
    # sightings of the same texts (no new version), not unresolved records.
    assert summary.skipped["revisit_unresolved"] < 10 and summary.documents["unchanged"] >= 20
    assert {doc.versions[0].captured_at.year for doc in stored(data)} >= {2008, 2014, 2020}
    assert consistent(data)
