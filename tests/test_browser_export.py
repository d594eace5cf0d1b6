"""Downloading a search's export in a real browser: the link on the search page gives a CSV
file holding every match (not a page of them) with its provenance."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from tests.browser_support import pytestmark  # noqa: F401  (skips without a browser)


def test_download_the_export_of_a_search(web: str, page: Any, tmp_path: Path) -> None:
    page.goto(f"{web}/search?q=operation&limit=2")
    page.wait_for_selector("li.hit")
    total = int(page.request.get(f"{web}/api/search?q=operation").json()["total"])
    assert total > 2, "the export must hold more than the page shows"
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export CSV").click()
    download = download_info.value
    name = download.suggested_filename
    assert name.startswith("pressarchive-operation-") and name.endswith(".csv")
    saved = tmp_path / name
    download.save_as(saved)
    rows = list(csv.DictReader(io.StringIO(saved.read_text("utf-8"))))
    assert len(rows) == total
    for row in rows:
        assert row["warc_record_id"].startswith("<urn:uuid:") and len(row["payload_sha256"]) == 64
        assert row["permalink"].startswith(f"{web}/doc/{row['document_id']}?version=")
