"""The service over every engine: ``check`` and ``check --repair`` compare the index with the
store and mend it, and an index found missing (or left half-filled) is refilled from the store
when the service, the CLI or the web app opens it. The archive's engine is chosen by its
address alone (``DataDir(root, index_option=ADDRESS)``, ``--index ADDRESS``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from fastapi.testclient import TestClient

from pressarchive.cli import commands  # noqa: F401  (registers the subcommands)
from pressarchive.cli.app import cli
from pressarchive.datadir import DataDir
from pressarchive.errors import NotFound
from pressarchive.record import Document
from pressarchive.service import ArchiveService, build_request
from pressarchive.web import create_app
from tests.contract.checkarchive import ORPHAN, build_archive, damage
from tests.contract.conftest import EngineMaker


@pytest.fixture
def built(make_engine: EngineMaker, tmp_path: Path) -> tuple[DataDir, dict[str, int]]:
    """An archive whose index lives at a fresh address of the engine under test."""
    data = DataDir(tmp_path / "data", index_option=make_engine.address())
    return data, build_archive(data)


@pytest.fixture
def damaged(built: tuple[DataDir, dict[str, int]]) -> tuple[DataDir, dict[str, int]]:
    damage(*built)
    return built


def test_a_clean_archive_checks_ok(built: tuple[DataDir, dict[str, int]]) -> None:
    data, _ids = built
    service = ArchiveService(data)
    try:
        report = service.check()
        assert service.status()["index_entries"] == 5
    finally:
        service.close()
    assert report.ok and (report.documents, report.entries) == (5, 5)


def test_check_names_every_disagreement_and_repair_fixes_it(damaged: tuple[DataDir, dict[str, int]]) -> None:
    data, ids = damaged
    service = ArchiveService(data)
    try:
        report = service.check()
        assert report.missing == [ids["deleted"]]
        assert report.stale == [ids["edited"]]
        assert report.orphans == [ORPHAN]
        assert report.duplicates == []
        assert not report.ok and not report.repaired
        assert service.search(build_request("zeppelin")).total == 0  # the old text is indexed
        with pytest.raises(NotFound, match="not indexed yet"):
            service.similar(ids["deleted"])

        repaired = service.repair()
        assert repaired.repaired and repaired.problems() == report.problems()
        after = service.check()
        assert after.ok and (after.documents, after.entries) == (5, 5)
        assert [hit.id for hit in service.search(build_request("zeppelin")).hits] == [ids["edited"]]
        assert [hit.id for hit in service.search(build_request("deleted")).hits] == [ids["deleted"]]
        assert service.search(build_request("ghost")).total == 0
        assert service.status()["index_entries"] == 5
        assert service.repair().ok  # nothing left to do
    finally:
        service.close()


def _cli(data: DataDir, *args: str) -> Result:
    """``pressarchive --data ROOT --index ADDRESS ARGS...``, in this process (quicker than a subprocess)."""
    return CliRunner().invoke(cli, ["--data", str(data.root), "--index", data.index_address, *args])


def test_cli_check_exit_status_and_repair(damaged: tuple[DataDir, dict[str, int]]) -> None:
    data, ids = damaged
    found = _cli(data, "check")
    assert found.exit_code == 1, found.stderr
    assert found.exception is None or isinstance(found.exception, SystemExit)
    lines = found.stdout.splitlines()
    assert any(line.startswith("missing") and f"ids {ids['deleted']}" in line for line in lines)
    assert any(line.startswith("orphans") and str(ORPHAN) in line for line in lines)
    assert "check --repair" in found.stdout

    as_json = _cli(data, "check", "--json")
    assert as_json.exit_code == 1
    body = json.loads(as_json.stdout)
    assert body["ok"] is False and body["ok_now"] is False
    assert {name: body[name]["count"] for name in ("missing", "stale", "duplicates", "orphans")} == {
        "missing": 1, "stale": 1, "duplicates": 0, "orphans": 1,
    }
    assert body["stale"]["examples"] == [ids["edited"]]

    repair = _cli(data, "check", "--repair")
    assert repair.exit_code == 0, repair.stderr
    assert "repaired" in repair.stdout
    again = _cli(data, "check", "--json")
    assert again.exit_code == 0 and json.loads(again.stdout)["ok"] is True


# -- refilling from the store -----------------------------------------------------------------------


def _moved(data: DataDir, address: str) -> DataDir:
    """The same archive with its index at ``address`` (where no index exists yet)."""
    return DataDir(data.root, index_option=address)


def test_a_missing_index_is_refilled_from_the_store_when_opened(
        built: tuple[DataDir, dict[str, int]], make_engine: EngineMaker, monkeypatch: pytest.MonkeyPatch) -> None:
    data, ids = built
    fresh = _moved(data, make_engine.address())
    service = ArchiveService(fresh)
    try:
        assert service.search(build_request("officers")).total == 5
        assert service.check().ok
        monkeypatch.setattr(service, "_rebuild", lambda index: pytest.fail("rebuilt twice"))
        assert service.rebuild_index() == 5  # no second rebuild needed
    finally:
        service.close()
    with TestClient(create_app(fresh)) as client:
        hits = client.get("/api/search", params={"q": "zeppelin"}).json()["hits"]
        assert [hit["id"] for hit in hits] == [ids["edited"]]
        assert client.get("/api/status").json()["index_entries"] == 5


def test_an_interrupted_refill_is_resumed_at_the_next_open(
        built: tuple[DataDir, dict[str, int]], make_engine: EngineMaker, monkeypatch: pytest.MonkeyPatch) -> None:
    data, _ids = built
    address = make_engine.address()
    service = ArchiveService(_moved(data, address))
    real = service.archive.current_documents

    def dies_after_two(*args: object) -> Iterator[Document]:
        documents = real(*args)  # type: ignore[arg-type]
        yield next(documents)
        yield next(documents)
        raise OSError(28, "No space left on device")  # a full disk (or kill -9) mid-refill

    monkeypatch.setattr(service.archive, "current_documents", dies_after_two)
    try:
        with pytest.raises(OSError):
            service.open_index()
    finally:
        service.close()
    service = ArchiveService(_moved(data, address))
    try:
        assert service.search(build_request("officers")).total == 5, "refilled in full, not left empty"
        assert service.check().ok
    finally:
        service.close()
    engine = make_engine.open(address)
    assert not engine.recreated, "a completed refill is not asked for again"


def test_serve_refills_the_index_at_startup_not_in_the_first_request(
        built: tuple[DataDir, dict[str, int]], make_engine: EngineMaker) -> None:
    data, _ids = built
    address = make_engine.address()
    with TestClient(create_app(_moved(data, address))):
        # No request made yet: the index is already whole.
        engine = make_engine.open(address)
        assert not engine.recreated
        assert engine.count() == 5


def test_rebuild_index_from_the_store(built: tuple[DataDir, dict[str, int]]) -> None:
    data, ids = built
    service = ArchiveService(data)
    try:
        service.index.add([service.document(ids["kept"]).document.replace(id=ORPHAN)])
        assert service.rebuild_index() == 5
        assert service.check().ok
        assert sorted(doc_id for doc_id, _ in service.index.entries()) == sorted(ids.values())
    finally:
        service.close()
