"""Operation dossiers and the operations list, built from a real store.

The archive (tests/dossier_archive.py) holds one operation in four languages and five sources
with a near-duplicate copy, a 38 vs 39 disagreement, a compatible "at least 30", and a name
that is also a common word.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from pressarchive.datadir import DataDir
from pressarchive.dossiers.compare import compatible
from pressarchive.errors import NotFound, UserError
from pressarchive.record import Figure
from pressarchive.service import ArchiveService, build_request
from pressarchive.store import Archive, schema
from pressarchive.store.migrate import upgrade
from tests import dossier_archive
from tests.dossier_archive import EUROPOL_QUOTE, POLICIA_QUOTE
from tests.storebackends import data_dir_on

Built = tuple[DataDir, dict[str, int]]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory, module_store_db: str | None) -> tuple[DataDir, dict[str, int]]:
    data = data_dir_on(tmp_path_factory.mktemp("data"), module_store_db)
    return data, dossier_archive.build(data)


@pytest.fixture()
def service(archive: tuple[DataDir, dict[str, int]]) -> ArchiveService:
    svc = ArchiveService(archive[0])
    yield svc  # type: ignore[misc]
    svc.close()


def test_dossier_gathers_every_language_and_source(service: ArchiveService, archive: Built) -> None:
    ids = archive[1]
    dossier = service.dossiers.dossier("operación TANTALIO")
    assert dossier.name == "Tantalio"
    assert {doc.id for doc in dossier.documents} == {ids["europol"], ids["policia"], ids["copy"], ids["italian"]}
    assert dossier.languages == ["en", "es", "it"]
    assert dossier.sources == ["europol", "policia", "polizia", "wire"]
    assert str(dossier.first) == "2017-04-11" and str(dossier.last) == "2017-05-02"
    assert dossier.timeline == {"2017-04": 3, "2017-05": 1}


def test_copies_in_one_cluster_count_once(service: ArchiveService) -> None:
    dossier = service.dossiers.dossier("Tantalio")
    assert len(dossier.documents) == 4 and dossier.reports == 3
    countries = {c["code"]: c for c in dossier.countries}
    assert countries["ES"] == {"code": "ES", "name": "Spain", "reports": 2}  # europol+copy once, policia
    assert countries["BR"]["reports"] == 1 and countries["BR"]["name"] == "Brazil"
    agencies = {a["id"]: a for a in dossier.agencies}
    assert agencies["europol"]["reports"] == 2 and agencies["europol"]["name"] == "Europol"
    arrested = next(c for c in dossier.figures if c.kind == "arrested")
    shown = [row.document.source for row in arrested.reports]
    assert "wire" not in shown and shown.count("europol") == 1
    europol = next(row for row in arrested.reports if row.document.source == "europol")
    assert [doc.source for doc in europol.copies] == ["wire"]


def test_38_vs_39_is_flagged_with_both_quotes(service: ArchiveService) -> None:
    dossier = service.dossiers.dossier("tantalio")
    assert dossier.disagreements == ["arrested"]
    arrested = next(c for c in dossier.figures if c.kind == "arrested")
    assert len(arrested.conflicts) == 1  # "at least 30" agrees with both
    quotes = {report.figure.sentence for report in arrested.conflicts[0]}
    assert quotes == {EUROPOL_QUOTE, POLICIA_QUOTE}
    data = dossier.to_json()
    assert data["figures"][0]["disagreement"] is True
    assert {data["figures"][0]["conflicts"][0][side]["value"] for side in "ab"} == {38, 39}


@pytest.mark.parametrize(("a", "b", "ok"), [
    (("exact", 38), ("exact", 39), False),
    (("at_least", 30), ("exact", 38), True),
    (("at_least", 40), ("exact", 38), False),
    (("about", 40), ("exact", 38), True),
    (("at_most", 20), ("exact", 38), False),
    (("exact", 38), ("exact", 38), True),
])
def test_compatibility_reads_qualifiers_as_ranges(a: tuple[str, float], b: tuple[str, float], ok: bool) -> None:
    assert compatible(Figure("arrested", a[1], a[0]), Figure("arrested", b[1], b[0])) is ok


def test_common_word_does_not_flood_the_dossier(service: ArchiveService, archive: Built) -> None:
    ids = archive[1]
    assert dossier_archive.documents()["word_safe"].operations == ()
    dossier = service.dossiers.dossier("Operation Safe")
    assert [doc.id for doc in dossier.documents] == [ids["safe"]]
    assert ids["word_safe"] not in {doc.id for doc in dossier.documents}
    # Searching the index for the word finds the release; the dossier still leaves it out.
    hits = service.search(build_request("safe")).hits
    assert ids["word_safe"] in {hit.id for hit in hits}


def test_operations_list_counts_documents_reports_sources(service: ArchiveService) -> None:
    summaries = {s.name: s for s in service.dossiers.operations()}
    assert set(summaries) == {"Tantalio", "Tantalium", "Safe"}
    tantalio = summaries["Tantalio"]
    assert (tantalio.documents, tantalio.reports, tantalio.sources) == (4, 3, 4)
    assert tantalio.languages == ("en", "es", "it")
    assert summaries["Tantalium"].first is None  # undated stays undated
    assert list(summaries)[0] == "Tantalio"


def test_unknown_name_suggests_close_matches(service: ArchiveService) -> None:
    with pytest.raises(NotFound, match="did you mean 'Tantalio'"):
        service.dossiers.dossier("Tantalo")
    with pytest.raises(UserError, match="no operation name"):
        service.dossiers.dossier("  ")
    with pytest.raises(UserError, match="too long"):
        service.dossiers.dossier("x" * 500)


def test_backfill_fills_version_operations_once(tmp_path: Path, store_db: str | None) -> None:
    """An archive written before version_operations existed gets its rows at the next open."""
    data = data_dir_on(tmp_path, store_db)
    ids = dossier_archive.build(data)
    archive = Archive(data.database_url)
    try:
        with archive.engine.begin() as conn:
            conn.execute(schema.version_operations.delete())
            conn.execute(schema.data_steps.delete())
            conn.execute(sa.text("DROP TABLE alembic_version"))  # as before migrations: no revision
        added = upgrade(archive.engine)
        assert "data step version_operations" in added
        assert upgrade(archive.engine) == []  # once
        with archive.engine.connect() as conn:
            count = conn.execute(sa.select(sa.func.count()).select_from(schema.version_operations)).scalar_one()
        assert count == 6
        docs = archive.operation_documents(["tantalio"])
        assert {doc.id for doc in docs} == {ids[n] for n in ("europol", "policia", "copy", "italian")}
    finally:
        archive.close()
