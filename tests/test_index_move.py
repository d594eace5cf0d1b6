"""``index --rebuild --to ADDRESS``: moving an archive to another engine, resumably.

Moves between two Whoosh directories (the OpenSearch case runs in the contract suite): the
target is filled from the store, checked, and recorded in ``config.toml``; a run stopped after
its first batch (in-process by an interruption, or by ``kill -9`` in a subprocess) is
continued by the next one, which adds only what is missing and deletes what the store no
longer holds; a run after a complete one adds nothing; the previous engine stays as it was
and can be gone back to; nothing prints the address's password.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from pressarchive.dataconfig import read_config
from pressarchive.datadir import DataDir, writer_lock
from pressarchive.errors import UserError
from pressarchive.index.engines import EngineOptions, open_engine
from pressarchive.record import Document
from pressarchive import service as service_module
from pressarchive.service import ArchiveService, build_request
from pressarchive.store import schema
from tests import fake_engine
from tests.archive_builder import Builder
from tests.cli_here import run_here
from tests.conftest import REPO

DOCUMENTS = 12
BATCH = 5


def _doc(n: int, text: str | None = None) -> Document:
    return Document(
        url=f"https://police.example/release-{n}", title=f"Release {n}",
        text=text or f"Officers report case {n} in the harbour.", language="en",
        published=date(2022, 5, 1 + n), source="police-a",
    )


@pytest.fixture
def data(tmp_path: Path) -> DataDir:
    """An archive of twelve documents, indexed in the default engine."""
    data = DataDir(tmp_path / "data")
    service = ArchiveService(data)
    try:
        service.archive.upsert_source("police-a", agency="Police A", country="DE", language="en")
        builder = Builder(service)
        for n in range(DOCUMENTS):
            builder.add(_doc(n))
        service.index_pending()
    finally:
        service.close()
    return data


def _entries(address: str, data: DataDir) -> list[tuple[int, int | None]]:
    engine = open_engine(address, EngineOptions(data.index_dir))
    try:
        return sorted(engine.entries())
    finally:
        engine.close()


class Interrupted(KeyboardInterrupt):
    """Ctrl-C arriving right after a batch was committed."""


def _interrupt_after_first_batch(count: int) -> None:
    raise Interrupted


def _move_interrupted(data: DataDir, address: str) -> None:
    service = ArchiveService(data)
    try:
        with pytest.raises(Interrupted):
            service.move_index(address, batch=BATCH, on_batch=_interrupt_after_first_batch)
    finally:
        service.close()


def test_a_move_fills_checks_and_switches(
    data: DataDir, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    other = tmp_path / "other"
    before = sorted(os.listdir(data.index_dir))
    code, out, err = run_here(capsys, data.root, "index", "--rebuild", "--to", f"whoosh://{other}")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].startswith(f"added {DOCUMENTS} documents to whoosh at {other} in ")
    assert lines[0].endswith("documents/s); 0 were already there, 0 deleted")
    assert lines[1] == f"checked: it holds each of the store's {DOCUMENTS} current documents exactly once"
    assert lines[2] == (f"from now on commands use whoosh://{other} (recorded in {data.config_file}); "
                        f"to go back: pressarchive --data {data.root} index --rebuild --to whoosh")
    assert read_config(data.config_file).index == f"whoosh://{other}"
    assert len(_entries(f"whoosh://{other}", data)) == DOCUMENTS
    assert sorted(os.listdir(data.index_dir)) == before  # the previous engine is left as it was

    code, out, _ = run_here(capsys, data.root, "status", "--json")
    status = json.loads(out)
    assert (status["index"], status["index_entries"], status["indexed"]) == (f"whoosh at {other}", DOCUMENTS, DOCUMENTS)
    code, out, _ = run_here(capsys, data.root, "search", "harbour", "--json")
    assert code == 0 and json.loads(out)["total"] == DOCUMENTS
    # The filled engine is complete: opening it asks for no refill from the store.
    service = ArchiveService(DataDir(data.root))
    try:
        assert service.index.recreated is False and service.index_pending() == 0
    finally:
        service.close()


def test_a_second_run_adds_nothing(data: DataDir, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    address = f"whoosh://{tmp_path / 'other'}"
    assert run_here(capsys, data.root, "index", "--rebuild", "--to", address)[0] == 0
    code, out, err = run_here(capsys, data.root, "index", "--rebuild", "--to", address, "--json")
    assert code == 0
    report = json.loads(out)
    counts = (report["added"], report["already_there"], report["deleted"], report["documents"])
    assert counts == (0, DOCUMENTS, 0, DOCUMENTS)
    assert report["check"]["ok"] is True and report["index_address"] == address
    assert report["index"] == f"whoosh at {tmp_path / 'other'}" and report["previous_address"] == address
    assert err == f"already there: {DOCUMENTS} documents at their current version; adding 0\n"


def test_an_interrupted_move_is_continued_not_restarted(
    data: DataDir, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    address = f"whoosh://{tmp_path / 'other'}"
    _move_interrupted(data, address)
    assert len(_entries(address, data)) == BATCH  # the first batch was committed
    assert read_config(data.config_file).index is None  # the archive still uses its previous engine
    code, out, _ = run_here(capsys, data.root, "status", "--json")
    assert json.loads(out)["index"] == f"whoosh at {data.index_dir}"

    code, out, err = run_here(capsys, data.root, "index", "--rebuild", "--to", address, "--json")
    assert code == 0, err
    report = json.loads(out)
    assert (report["added"], report["already_there"]) == (DOCUMENTS - BATCH, BATCH)
    assert f"already there: {BATCH} documents at their current version; adding {DOCUMENTS - BATCH}" in err
    assert len(_entries(address, data)) == DOCUMENTS
    assert read_config(data.config_file).index == address


def test_a_move_stopped_by_sigterm_says_how_to_continue(
    data: DataDir, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    address = f"whoosh://{tmp_path / 'other'}"
    real = service_module.fill_engine

    def terminated_after_first_batch(archive: Any, target: Any, *, on_batch: Any, **options: Any) -> Any:
        def then_stop(count: int) -> None:
            on_batch(count)
            os.kill(os.getpid(), signal.SIGTERM)

        return real(archive, target, **{**options, "batch": BATCH}, on_batch=then_stop)

    monkeypatch.setattr(service_module, "fill_engine", terminated_after_first_batch)
    code, out, err = run_here(capsys, data.root, "index", "--rebuild", "--to", address)
    assert code == 128 + signal.SIGTERM and out == ""
    assert err == (f"interrupted: {BATCH} documents were added to {address}, and stay there; the archive still "
                   f"uses its previous index; `pressarchive --data {data.root} index --rebuild --to {address}` "
                   "continues\n")
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL  # put back
    assert read_config(data.config_file).index is None
    monkeypatch.undo()
    code, out, err = run_here(capsys, data.root, "index", "--rebuild", "--to", address, "--json")
    assert code == 0 and json.loads(out)["added"] == DOCUMENTS - BATCH


def test_a_continued_move_catches_up_with_the_store(
    data: DataDir, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    """Between the stopped run and the next, a document got a new version, and the target
    holds an entry the store never had: the next run replaces the one and deletes the other."""
    address = f"whoosh://{tmp_path / 'other'}"
    _move_interrupted(data, address)
    service = ArchiveService(data)
    try:
        first = next(service.archive.current_documents([1]))
        Builder(service).add(_doc(0, "Officers corrected the report: zeppelin."), when=datetime(2024, 6, 1))
        service.index_pending()
    finally:
        service.close()
    target = open_engine(address, EngineOptions(data.index_dir))
    try:
        target.add([first.replace(id=999, url="https://police.example/ghost")])
    finally:
        target.close()

    code, out, err = run_here(capsys, data.root, "index", "--rebuild", "--to", address, "--json")
    assert code == 0, err
    report = json.loads(out)
    assert (report["added"], report["deleted"], report["already_there"]) == (DOCUMENTS - BATCH + 1, 2, BATCH - 1)
    entries = dict(_entries(address, data))
    assert sorted(entries) == list(range(1, DOCUMENTS + 1)) and entries[1] == 2
    code, out, _ = run_here(capsys, data.root, "search", "zeppelin", "--json")
    assert json.loads(out)["total"] == 1


def test_a_move_killed_after_its_first_batch_is_continued(data: DataDir, tmp_path: Path) -> None:
    """``kill -9`` right after a commit, in a process of its own: nothing to clean up after it."""
    address = f"whoosh://{tmp_path / 'other'}"
    script = textwrap.dedent(f"""
        import os, signal
        from pathlib import Path
        from pressarchive.datadir import DataDir
        from pressarchive.service import ArchiveService

        def kill(count):
            os.kill(os.getpid(), signal.SIGKILL)

        ArchiveService(DataDir(Path({str(data.root)!r}))).move_index({address!r}, batch={BATCH}, on_batch=kill)
    """)
    killed = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert len(_entries(address, data)) == BATCH and read_config(data.config_file).index is None

    service = ArchiveService(data)
    try:
        moved = service.move_index(address, batch=BATCH)
    finally:
        service.close()
    assert (moved.fill.added, moved.fill.already, moved.fill.check.ok) == (DOCUMENTS - BATCH, BATCH, True)
    assert read_config(data.config_file).index == address


def test_going_back_fills_the_previous_engine_again_from_scratch(
    data: DataDir, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    """The index left behind missed what changed while another engine was in use, some of it
    invisible to a comparison by version (a cluster): it is filled again, not patched."""
    address = f"whoosh://{tmp_path / 'other'}"
    assert run_here(capsys, data.root, "index", "--rebuild", "--to", address)[0] == 0
    service = ArchiveService(DataDir(data.root))
    try:  # archived while the other engine was in use: the default index lacks it
        Builder(service).add(_doc(DOCUMENTS, "A new release about a zeppelin."))
        assert service.index_pending() == 1
    finally:
        service.close()
    left_behind = open_engine("whoosh", EngineOptions(data.index_dir))
    try:
        left_behind.add([_doc(5).replace(id=5, version=1, cluster=77)])  # as if clustered later
    finally:
        left_behind.close()
    code, out, err = run_here(capsys, data.root, "index", "--rebuild", "--to", "whoosh", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert (report["added"], report["already_there"], report["previous_address"]) == (DOCUMENTS + 1, 0, address)
    assert report["check"]["ok"] and read_config(data.config_file).index == "whoosh"
    code, out, _ = run_here(capsys, data.root, "search", "zeppelin", "--json")
    assert json.loads(out)["total"] == 1
    code, out, _ = run_here(capsys, data.root, "search", "--cluster", "77", "--json")
    assert json.loads(out)["total"] == 0  # the entry that went stale is gone
    assert not (data.root / "index-move-pending").exists()


def test_onto_the_engine_in_use_pending_documents_go_in_again(
    data: DataDir, capsys: pytest.CaptureFixture[str],
) -> None:
    """A document re-clustered since it was indexed has its current version in the index, yet
    its entry is stale: the store's pending mark, not the version, says so."""
    service = ArchiveService(data)
    try:
        with service.archive.engine.begin() as conn:
            conn.execute(sa.update(schema.documents).where(schema.documents.c.id == 5)
                         .values(cluster_id=77, indexed_version=None))
    finally:
        service.close()
    code, out, err = run_here(capsys, data.root, "index", "--rebuild", "--to", "whoosh", "--json")
    assert code == 0, err
    assert (json.loads(out)["added"], json.loads(out)["already_there"]) == (1, DOCUMENTS - 1)
    code, out, _ = run_here(capsys, data.root, "search", "--cluster", "77", "--json")
    assert [hit["id"] for hit in json.loads(out)["hits"]] == [5]
    code, out, _ = run_here(capsys, data.root, "status", "--json")
    assert json.loads(out)["indexed"] == DOCUMENTS


def test_an_interrupted_move_is_remembered_only_for_its_own_target(
    data: DataDir, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    first, second = f"whoosh://{tmp_path / 'first'}", f"whoosh://{tmp_path / 'second'}"
    _move_interrupted(data, first)
    state = (data.root / "index-move-pending").read_text()
    assert "whoosh" not in state and len(state.strip()) == 64  # a digest: no address, no password on disk
    _move_interrupted(data, second)
    # Back to the first: its entries may have gone stale meanwhile, so it is filled from scratch.
    code, out, err = run_here(capsys, data.root, "index", "--rebuild", "--to", first, "--json")
    assert code == 0, err
    assert (json.loads(out)["added"], json.loads(out)["already_there"]) == (DOCUMENTS, 0)


def test_a_target_that_disagrees_after_filling_is_not_switched_to(
    data: DataDir, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake_engine.register(monkeypatch)
    fake_engine.LOST.add(3)  # an engine that loses a document it was given
    address = fake_engine.fake_address(tmp_path / "fake")
    code, out, err = run_here(capsys, data.root, "index", "--rebuild", "--to", address)
    assert code == 1 and out == ""
    assert err.splitlines() == [
        "error: the index at fake+http://archivist:***@search.example:9200" + str(tmp_path / "fake")
        + " does not match the store after filling (1 missing); the archive still uses its previous index: "
        "run the command again",
    ]
    assert not data.config_file.exists()


def test_the_password_is_stored_but_never_printed(
    data: DataDir, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake_engine.register(monkeypatch)
    address = fake_engine.fake_address(tmp_path / "fake", "pw-never-shown")
    for args in ((), ("--json",)):
        code, out, err = run_here(capsys, data.root, "index", "--rebuild", "--to", address, *args)
        assert code == 0, err
        assert "pw-never-shown" not in out + err and "archivist:***@" in out
    assert read_config(data.config_file).index == address  # stored as given
    code, out, err = run_here(capsys, data.root, "--index", "whoosh", "index", "--rebuild", "--to", address)
    assert "note: --index or $PRESSARCHIVE_INDEX names whoosh, which overrides config.toml" in err
    assert "pw-never-shown" not in out + err


def test_a_suggested_command_leaves_an_address_from_the_environment_to_it(
    data: DataDir, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    # "--index ADDRESS" with the password shown as *** would override the environment's
    # working address with one that cannot log in: the suggestion names no --index then.
    fake_engine.register(monkeypatch)
    monkeypatch.setenv("PRESSARCHIVE_INDEX", fake_engine.fake_address(tmp_path / "fake"))
    code, out, err = run_here(capsys, data.root, "index", "--rebuild", "--to", f"whoosh://{tmp_path / 'w'}")
    assert code == 0, err
    back = next(line for line in out.splitlines() if "to go back:" in line)
    assert "--index" not in back and "s3cret-pw" not in out + err


def test_bad_uses_are_one_error_line_and_change_nothing(
    data: DataDir, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run_here(capsys, data.root, "index", "--to", f"whoosh://{tmp_path / 'other'}")
    assert code == 2 and err.startswith("error: --to moves the archive to another engine: give it with --rebuild")
    code, out, err = run_here(capsys, data.root, "index", "--rebuild", "--to", "foo://x")
    assert code == 1 and err.splitlines() == [
        "error: unknown index address 'foo://x': use one of whoosh, whoosh:///DIR, opensearch+http://HOST:PORT/INDEX"]
    code, out, err = run_here(capsys, data.root, "index", "--rebuild", "--to", "whoosh:relative")
    assert code == 1 and err.startswith("error: bad index address 'whoosh:relative'")
    assert not data.config_file.exists() and not (tmp_path / "other").exists()
    with writer_lock(data, "pressarchive crawl sample"):
        code, out, err = run_here(capsys, data.root, "index", "--rebuild", "--to", f"whoosh://{tmp_path / 'other'}")
    assert code == 1 and "is in use by process" in err and "pressarchive crawl sample" in err
    assert not data.config_file.exists()


def test_moving_an_empty_archive_leaves_an_engine_that_needs_no_refill(tmp_path: Path) -> None:
    data = DataDir(tmp_path / "data")
    ArchiveService(data).close()
    service = ArchiveService(data)
    try:
        moved = service.move_index(f"whoosh://{tmp_path / 'other'}")
    finally:
        service.close()
    assert (moved.fill.documents, moved.fill.added, moved.fill.check.ok) == (0, 0, True)
    service = ArchiveService(DataDir(data.root))
    try:
        assert service.index.recreated is False
        assert service.search(build_request("harbour")).total == 0
    finally:
        service.close()


def test_a_move_needs_no_open_previous_engine(data: DataDir, tmp_path: Path) -> None:
    """The store is the truth: the engine in use is neither opened nor needed to move away from it."""
    (data.root / "config.toml").write_text(f'index = "whoosh://{tmp_path}/gone/index"\n')
    (tmp_path / "gone").write_text("a file where the old engine's directory was")
    service = ArchiveService(data)
    try:
        moved = service.move_index(f"whoosh://{tmp_path / 'new'}")
    finally:
        service.close()
    assert moved.fill.added == DOCUMENTS and moved.fill.check.ok
    with pytest.raises(UserError):
        open_engine(f"whoosh://{tmp_path}/gone/index", EngineOptions(data.index_dir))
