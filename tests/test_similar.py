"""Near-duplicate clusters: copies cluster, translations and shared footers do not, new copies
join incrementally, merges and departures re-index exactly the documents whose cluster changed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from pressarchive.datadir import DataDir
from pressarchive.record import Document
from pressarchive.service import ArchiveService
from pressarchive.similar import update_similarity
from pressarchive.similar.minhash import (
    BANDS, CANDIDATE_THRESHOLD, NUM_PERM, ROWS, SCHEME, jaccard, lsh_bands, signature,
)
from pressarchive.store import Archive, schema
from pressarchive.web import create_app
from tests.archive_builder import Builder
from tests.conftest import CLI
from tests.storebackends import data_dir_on
from tests.similar_archive import harbour_archive, add, clusters, mark_all_indexed, pending_ids
from tests.similar_texts import (
    FOOTER, OTHER_FOOTER, OTHER_HEADER, OTHER_RELEASES, OWN, RELEASE, SITE_FOOTER, SITE_HEADER, TRANSLATION, text,
)

STORY = text(*RELEASE)
SEQUENCE = (*RELEASE, *OWN)  # for clusters that overlap by paragraphs


@pytest.fixture
def archive(store_url: str) -> Iterator[Archive]:
    with harbour_archive(store_url) as archive:
        yield archive


def test_copies_cluster_translations_and_shared_footers_do_not(archive: Archive) -> None:
    release = add(archive, "harbour", STORY, date(2024, 3, 5))
    boilerplate = add(archive, "courier", text(SITE_HEADER, STORY, SITE_FOOTER), date(2024, 3, 5))
    extended = add(archive, "gazette", text(OTHER_HEADER, STORY, OWN[0], OTHER_FOOTER), date(2024, 3, 6))
    translated = add(archive, "gazette", TRANSLATION, date(2024, 3, 6))
    first, second = (add(archive, "harbour", text(body, FOOTER)) for body in OTHER_RELEASES)
    report = update_similarity(archive)
    assert report.signed == 6
    found = clusters(archive)
    assert found[release] == found[boilerplate] == found[extended] == release
    assert found[translated] is None and found[first] is None and found[second] is None


#: The first values of the signature of STORY under SCHEME: if hashing changes, so must SCHEME,
#: or signatures stored by earlier runs would be compared with new ones as if alike.
STORY_SIGNATURE_START = [8261175, 71004843, 26530543, 34464723, 21993514, 38967332]


def test_signatures_are_the_same_in_every_process() -> None:
    """Stored signatures compare with those of later runs: no per-process salt (Python's str
    hash), no dependence on an installed library's default permutations."""
    assert SCHEME == "w5-p128-s1-ms-b28x2"
    values = signature(STORY)
    assert values is not None and values.dtype == np.uint32 and len(values) == NUM_PERM
    assert [int(v) for v in values[:6]] == STORY_SIGNATURE_START
    script = ("import sys; from pressarchive.similar.minhash import signature; "
              "print(list(map(int, signature(sys.stdin.read())[:6])))")
    for seed in ("1", "2"):
        out = subprocess.run([sys.executable, "-c", script], input=STORY, capture_output=True, text=True,
                             env={**os.environ, "PYTHONHASHSEED": seed}, check=True).stdout
        assert json.loads(out) == STORY_SIGNATURE_START


#: (threshold, permutations) -> (bands, rows) as datasketch 1.6's ``MinHashLSH`` chose them.
DATASKETCH_BANDS = {(0.2, 64): (28, 2), (0.2, 128): (28, 2), (0.2, 256): (85, 3), (0.5, 64): (14, 4),
                    (0.5, 128): (25, 5), (0.5, 256): (42, 6), (0.8, 64): (5, 11), (0.8, 128): (9, 13),
                    (0.8, 256): (17, 15)}


def test_lsh_bands_are_chosen_as_datasketch_chose_them() -> None:
    """The bands are part of SCHEME: computed without datasketch, they must stay what stored buckets used."""
    assert {key: lsh_bands(*key) for key in DATASKETCH_BANDS} == DATASKETCH_BANDS
    assert (BANDS, ROWS) == lsh_bands(CANDIDATE_THRESHOLD, NUM_PERM) == (28, 2)


def test_a_signature_of_an_older_scheme_is_signed_again(archive: Archive) -> None:
    release = add(archive, "harbour", STORY, date(2024, 3, 5))
    copy = add(archive, "courier", text(SITE_HEADER, STORY, SITE_FOOTER), date(2024, 3, 5))
    assert update_similarity(archive).signed == 2
    with archive.engine.begin() as conn:
        conn.execute(sa.update(schema.signatures).values(scheme="w5-p128-s1"))  # as datasketch's SHA-1 scheme left them
    assert update_similarity(archive).signed == 2
    assert update_similarity(archive).signed == 0
    assert clusters(archive)[copy] == release


def test_thresholds_separate_the_cases() -> None:
    """The margins the threshold sits in: copies well above 0.5; releases whose standard footer
    is half their text (true Jaccard 0.3) below."""
    story = signature(STORY)
    copy, extended = signature(text(SITE_HEADER, STORY, SITE_FOOTER)), signature(text(STORY, OWN[0], OWN[1]))
    first, second = (signature(text(body, FOOTER)) for body in OTHER_RELEASES)
    assert story is not None and copy is not None and extended is not None
    assert first is not None and second is not None
    assert jaccard(story, copy) > 0.7 and jaccard(story, extended) > 0.6
    assert jaccard(first, second) < 0.45


def test_short_texts_are_not_compared(archive: Archive) -> None:
    one, two = add(archive, "harbour", "Road closed today."), add(archive, "courier", "Road closed today.")
    update_similarity(archive)
    assert clusters(archive)[one] is None and clusters(archive)[two] is None
    assert update_similarity(archive).signed == 0  # stubs are remembered as compared, not redone


def test_crowded_buckets_propose_no_candidates(archive: Archive, monkeypatch: pytest.MonkeyPatch) -> None:
    """A band shared by more documents than MAX_BUCKET is boilerplate: here every band is."""
    monkeypatch.setattr("pressarchive.similar.update.MAX_BUCKET", 2)
    ids = [add(archive, source, STORY) for source in ("harbour", "courier", "gazette")]
    update_similarity(archive)
    assert [clusters(archive)[doc_id] for doc_id in ids] == [None, None, None]


def test_a_new_copy_joins_incrementally_and_only_it_is_reindexed(archive: Archive) -> None:
    release = add(archive, "harbour", STORY)
    copy = add(archive, "courier", text(SITE_HEADER, STORY))
    add(archive, "harbour", OTHER_RELEASES[0])
    update_similarity(archive)
    assert pending_ids(archive) == {1, 2, 3}
    mark_all_indexed(archive)
    late = add(archive, "gazette", text(STORY, OTHER_FOOTER))
    report = update_similarity(archive)
    assert report.signed == 1  # the old documents are not signed again
    assert clusters(archive)[late] == release == clusters(archive)[copy]
    assert pending_ids(archive) == {late}


def test_a_bridging_document_merges_two_clusters(archive: Archive) -> None:
    left = [add(archive, "harbour", text(*SEQUENCE[0:4])), add(archive, "courier", text(SITE_HEADER, *SEQUENCE[0:4]))]
    right = [add(archive, "harbour", text(*SEQUENCE[2:6])), add(archive, "courier", text(*SEQUENCE[2:6], SITE_FOOTER))]
    update_similarity(archive)
    found = clusters(archive)
    assert found[left[0]] == found[left[1]] == left[0] and found[right[0]] == found[right[1]] == right[0]
    mark_all_indexed(archive)
    bridge = add(archive, "gazette", text(*SEQUENCE[1:5]))
    update_similarity(archive)
    assert set(clusters(archive).values()) == {left[0]}
    assert pending_ids(archive) == {bridge, *right}  # the left cluster's id did not change


def test_a_changed_document_leaves_its_cluster(archive: Archive) -> None:
    release = add(archive, "harbour", STORY, url="https://harbour.example/r")
    copy = add(archive, "courier", text(SITE_HEADER, STORY))
    update_similarity(archive)
    mark_all_indexed(archive)
    assert add(archive, "harbour", OTHER_RELEASES[1], url="https://harbour.example/r") == release
    update_similarity(archive)
    assert clusters(archive) == {release: None, copy: None}
    assert pending_ids(archive) == {release, copy}


def test_rebuild_recomputes_the_same_clusters(archive: Archive) -> None:
    ids = [add(archive, "harbour", STORY), add(archive, "courier", text(STORY, SITE_FOOTER)),
           add(archive, "gazette", TRANSLATION)]
    update_similarity(archive)
    before = clusters(archive)
    mark_all_indexed(archive)
    report = update_similarity(archive, rebuild=True)
    assert report.signed == 3 and clusters(archive) == before and before[ids[0]] == ids[0]


# -- faces: page, API, CLI ------------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>[bold]x[/]"


@pytest.fixture
def data(tmp_path: Path, store_db: str | None) -> Iterator[tuple[Path, dict[str, int]]]:
    root = tmp_path / "data"
    service = ArchiveService(data_dir_on(root, store_db))
    try:
        service.archive.upsert_source("harbour", agency="Harbour Police", country="ES", language="en",
                                      kind="press_room")
        service.archive.upsert_source("courier", agency="", country="ES", language="en", kind="news")
        builder = Builder(service)
        ids = {
            "release": builder.add(Document(url="https://harbour.example/r/1", title="Harbour release",
                                            text=STORY, language="en", published=date(2024, 3, 5), source="harbour")),
            "copy": builder.add(Document(url="https://courier.example/n/1", title=SCRIPT, text=text(SITE_HEADER, STORY),
                                         language="en", published=date(2024, 3, 7), source="courier")),
        }
        service.index_pending()
    finally:
        service.close()
    yield root, ids


def test_doc_page_and_api_list_copies_escaped(data: tuple[Path, dict[str, int]]) -> None:
    root, ids = data
    with TestClient(create_app(DataDir(root))) as client:
        page = client.get(f"/doc/{ids['release']}")
        assert page.status_code == 200
        assert "<script>alert" not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
        assert f'href="/doc/{ids["copy"]}"' in page.text and "% similar" in page.text
        assert "Copied it" in page.text  # the courier copied the whole release two days later
        article = client.get(f"/doc/{ids['copy']}").text
        assert "retells release" in article and "% reused, 2 days later" in article
        assert f"<blockquote dir=\"auto\">{RELEASE[0][:40]}" in article  # the shared passages, as text
        payload = client.get(f"/api/doc/{ids['release']}").json()
    (copy,) = payload["copies"]
    assert copy["id"] == ids["copy"] and copy["title"] == SCRIPT and copy["source"] == "courier"
    assert copy["published"] == "2024-03-07" and 0.7 < copy["similarity"] <= 1.0
    (link,) = payload["lineage"]["copied_by"]
    assert link["article"]["id"] == ids["copy"] and link["lag_seconds"] == 2 * 86400


def test_show_prints_copies_and_lineage_escaped(data: tuple[Path, dict[str, int]]) -> None:
    root, ids = data
    cli = CLI(root)
    shown = cli("show", str(ids["release"]), check=True).stdout
    assert "copies" in shown and SCRIPT in shown and "copied by" in shown and "2 days later" in shown
    assert [copy["id"] for copy in cli.json("show", str(ids["release"]))["copies"]] == [ids["copy"]]
    assert cli.json("dedupe", "--rebuild")["signed"] == 2
    assert [copy["id"] for copy in cli.json("show", str(ids["copy"]))["copies"]] == [ids["release"]]
