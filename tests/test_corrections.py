"""Hand corrections: kept with who/when/why, shown as corrected, and still applied after a
new version of the document is stored (as a recrawl or a re-extraction would store it).
Also the CLI: operations, operation (text, JSON, CSV) and the correct commands.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path

import pytest

from pressarchive.datadir import DataDir
from pressarchive.errors import NotFound, UserError
from pressarchive.service import ArchiveService, build_request
from tests import dossier_archive
from tests.cli_here import run_here
from tests.dossier_archive import HOSTILE, POLICIA_QUOTE
from tests.storebackends import data_dir_on

Built = tuple[DataDir, dict[str, int]]
WHO = {"author": "Ana Researcher", "reason": "checked against the court ruling"}


@pytest.fixture()
def built(tmp_path: Path, store_db: str | None) -> tuple[DataDir, dict[str, int]]:
    data = data_dir_on(tmp_path / "data", store_db)
    return data, dossier_archive.build(data)


@pytest.fixture()
def service(built: tuple[DataDir, dict[str, int]]) -> ArchiveService:
    svc = ArchiveService(built[0])
    yield svc  # type: ignore[misc]
    svc.close()


def _arrested(service: ArchiveService) -> dict[str, object]:
    data = service.dossiers.dossier("Tantalio").to_json()
    return next(kind for kind in data["figures"] if kind["kind"] == "arrested")


def _figures_of(comparison: dict[str, object], doc_id: int) -> list[dict[str, object]]:
    return [f for r in comparison["reports"] for f in r["figures"] if f["document_id"] == doc_id]  # type: ignore[attr-defined]


def test_merge_joins_dossiers_list_and_search_facet(service: ArchiveService, built: Built) -> None:
    ids = built[1]
    correction = service.dossiers.merge_operations("Operação Tantalium", "Tantalio", **WHO)
    dossier = service.dossiers.dossier("Tantalio")
    assert ids["portuguese"] in {doc.id for doc in dossier.documents}
    assert dossier.aliases[0]["name"] == "Tantalium" and dossier.aliases[0]["by"] == "Ana Researcher"
    assert service.dossiers.dossier("tantalium").key == "tantalio"  # the alias leads to the dossier
    assert "Tantalium" not in {s.name for s in service.dossiers.operations()}
    # The renamed document went back to the index queue and comes out under the merged name.
    assert service.index_pending() == 1
    result = service.search(build_request("", operation="Tantalio"))
    assert ids["portuguese"] in {hit.id for hit in result.hits}
    assert "Tantalium" not in result.facets["operation"]
    assert service.document(ids["portuguese"]).document.operations == ("Tantalio",)
    # A new version of the renamed document still names "Tantalium": the merge holds for it.
    portuguese = dossier_archive.documents()["portuguese"]
    dossier_archive.resave(service, portuguese, datetime(2025, 3, 1))
    assert [doc.operations for doc in service.archive.pending_index()] == [("Tantalio",)]
    assert ids["portuguese"] in {doc.id for doc in service.dossiers.dossier("Tantalio").documents}
    # Withdrawn: apart again, on record as withdrawn.
    service.dossiers.withdraw(correction.id, author="Ana Researcher")
    assert ids["portuguese"] not in {doc.id for doc in service.dossiers.dossier("Tantalio").documents}
    assert service.dossiers.corrections() == []
    assert service.dossiers.corrections(include_withdrawn=True)[0].withdrawn_by == "Ana Researcher"


def test_bad_merges_are_refused(service: ArchiveService) -> None:
    with pytest.raises(UserError, match="same operation"):
        service.dossiers.merge_operations("TANTALIO", "tantalio", **WHO)
    with pytest.raises(NotFound, match="did you mean"):
        service.dossiers.merge_operations("Tantalum", "Tantalio", **WHO)
    service.dossiers.merge_operations("Tantalium", "Tantalio", **WHO)
    with pytest.raises(UserError, match="already merged"):
        service.dossiers.merge_operations("Tantalium", "Safe", **WHO)
    with pytest.raises(UserError, match="say why"):
        service.dossiers.merge_operations("Safe", "Tantalio", author="x", reason=" ")


def test_rejection_survives_a_new_version(service: ArchiveService, built: Built) -> None:
    ids = built[1]
    service.dossiers.reject_figure(ids["policia"], "arrested", 39, "detenido a 39", **WHO)
    arrested = _arrested(service)
    assert arrested["disagreement"] is False  # the rejected 39 is not compared
    [rejected] = _figures_of(arrested, ids["policia"])
    assert rejected["status"] == "rejected" and rejected["corrected"] is True
    assert rejected["correction"]["by"] == "Ana Researcher" and rejected["quote"] == POLICIA_QUOTE
    # A re-extraction stores a new version with the same figure again: still rejected.
    policia = dossier_archive.documents()["policia"]
    assert dossier_archive.resave(service, policia, datetime(2025, 1, 1)) == ids["policia"]
    assert service.document(ids["policia"]).versions[-1].number == 2
    [again] = _figures_of(_arrested(service), ids["policia"])
    assert again["status"] == "rejected" and again["correction"]["why"] == WHO["reason"]


def test_reject_names_a_figure_that_exists(service: ArchiveService, built: Built) -> None:
    ids = built[1]
    with pytest.raises(NotFound, match="reports no arrested figure of 40; it reports: arrested 39"):
        service.dossiers.reject_figure(ids["policia"], "arrested", 40, **WHO)
    with pytest.raises(NotFound, match="no document with id 999"):
        service.dossiers.reject_figure(999, "arrested", 40, **WHO)
    with pytest.raises(UserError, match="bad figure kind"):
        service.dossiers.reject_figure(ids["policia"], "eaten", 39, **WHO)


def test_added_figure_is_shown_as_corrected_and_survives(service: ArchiveService, built: Built) -> None:
    ids = built[1]
    service.dossiers.add_figure(
        ids["policia"], "searches", 12, qualifier="exact", quote="Se practicaron 12 registros.", **WHO,
    )
    portuguese = dossier_archive.documents()["policia"]
    dossier_archive.resave(service, portuguese, datetime(2025, 2, 1))
    data = service.dossiers.dossier("Tantalio").to_json()
    searches = next(kind for kind in data["figures"] if kind["kind"] == "searches")
    [added] = _figures_of(searches, ids["policia"])
    assert (added["value"], added["status"], added["corrected"]) == (12, "added", True)
    assert added["quote"] == "Se practicaron 12 registros."
    with pytest.raises(UserError, match="bad qualifier"):
        service.dossiers.add_figure(ids["policia"], "searches", 1, qualifier="roughly", **WHO)


# -- the CLI ------------------------------------------------------------------------------------


def test_cli_operations_and_dossier(capsys: pytest.CaptureFixture[str], built: Built) -> None:
    root = built[0].root
    code, out, _ = run_here(capsys, root, "operations", "--json")
    assert code == 0
    listed = {op["name"]: op for op in json.loads(out)["operations"]}
    assert listed["Tantalio"]["reports"] == 3 and listed["Tantalio"]["languages"] == ["en", "es", "it"]
    code, out, _ = run_here(capsys, root, "operation", "Operación", "Tantalio")
    assert code == 0
    assert "sources disagree: 38 (europol #1) vs 39 (policia #2)" in out
    assert POLICIA_QUOTE in out
    code, out, _ = run_here(capsys, root, "operation", "tantalio", "--json")
    assert json.loads(out)["disagreements"] == ["arrested"]


def test_cli_csv_is_safe_against_formula_injection(
    capsys: pytest.CaptureFixture[str], built: tuple[DataDir, dict[str, int]],
) -> None:
    code, out, _ = run_here(capsys, built[0].root, "operation", "tantalio", "--csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    italian = next(row for row in rows if row["source"] == "polizia")
    assert italian["title"] == "'" + HOSTILE + " Operazione Tantalio"
    assert italian["quote"].startswith("'=HYPERLINK")
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values())
    assert {row["value"] for row in rows if row["kind"] == "arrested"} == {"38", "39", "30"}


def test_cli_corrections_round_trip(capsys: pytest.CaptureFixture[str], built: Built) -> None:
    root, ids = built[0].root, built[1]
    by = ("--by", "Ana", "--why", "typo in the Portuguese release")
    code, out, err = run_here(capsys, root, "correct", "merge-operation", "Tantalium", "Tantalio", *by)
    assert code == 0, err
    assert "'Tantalium' -> 'Tantalio'" in out
    code, out, err = run_here(capsys, root, "correct", "reject-figure", str(ids["policia"]), "arrested", "39", *by)
    assert code == 0, err
    code, out, err = run_here(
        capsys, root, "correct", "add-figure", str(ids["europol"]), "money", "5000", "--unit", "EUR", *by,
    )
    assert code == 0, err
    code, out, _ = run_here(capsys, root, "corrections", "--json")
    kinds = [c["kind"] for c in json.loads(out)["corrections"]]
    assert kinds == ["merge_operation", "reject_figure", "add_figure"]
    code, out, _ = run_here(capsys, root, "operation", "tantalio", "--csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    corrected = [row for row in rows if row["corrected_by"] == "Ana"]
    assert {(row["kind"], row["status"]) for row in corrected} == {("arrested", "rejected"), ("money", "added")}
    code, out, _ = run_here(capsys, root, "correct", "withdraw", "1", "--by", "Ana")
    assert code == 0 and "withdrew correction 1" in out


@pytest.mark.parametrize(("args", "message"), [
    (("operation", "Tantalo"), "error: no operation named 'Tantalo' in the archive; did you mean 'Tantalio'"),
    (("operation", "x" * 300), "error: operation name too long"),
    (("correct", "withdraw", "77", "--by", "Ana"), "error: no active correction with id 77"),
    (("correct", "reject-figure", "1", "arrested", "40", "--by", "A", "--why", "w"), "error: document 1 reports no"),
    (("correct", "merge-operation", "Safe", "Tantalio", "--why", "w"), "error: Missing option '--by'"),
])
def test_cli_bad_input_gives_one_error_line(
    capsys: pytest.CaptureFixture[str], built: tuple[DataDir, dict[str, int]], args: tuple[str, ...],
    message: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PRESSARCHIVE_AUTHOR", raising=False)
    code, out, err = run_here(capsys, built[0].root, *args)
    assert code != 0 and out == ""
    assert err.startswith(message) and err.count("\n") == 1 and "Traceback" not in err
