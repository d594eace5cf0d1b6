"""The store's schema migrations (pressarchive/store/migrate.py, store/migrations) on SQLite and
a real PostgreSQL: new databases, archives from before migrations (the last schema before them
and the very first one) brought forward with every row kept, older and newer revisions, a
migration cut short, several processes opening at once, and schema.py agreeing with the
migrations (Alembic's autogenerate comparison finds nothing to add)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from pressarchive.errors import UserError
from pressarchive.store import Archive, migrate, schema
from pressarchive.store.migrations import VERSIONS, alembic_config, baseline, head_revision
from tests.conftest import CLI, REPO

SCHEMAS = Path(__file__).parent / "fixtures" / "schemas"
#: Archives from before migrations: the last schema before them, and the first archive core.
OLD_SHAPES = ("baseline", "oldest")
ROWS_PER_TABLE = 3


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'archive.sqlite'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def engine(db_url: str) -> Iterator[sa.Engine]:
    made = sa.create_engine(db_url)
    yield made
    made.dispose()


# -- building archives as earlier versions left them ------------------------------------------


def build_old_archive(engine: sa.Engine, shape: str) -> dict[str, list[dict[str, Any]]]:
    """Create the tables of ``shape`` with its DDL as SQLAlchemy wrote it then, fill every table
    with rows, and return them by table."""
    lines = (SCHEMAS / f"{shape}.{engine.dialect.name}.sql").read_text("utf-8").splitlines()
    ddl = "\n".join(line for line in lines if not line.startswith("--"))
    statements = [statement for statement in ddl.split(";\n") if statement.strip()]
    with engine.begin() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)
        tables = sa.MetaData()
        tables.reflect(conn)
        for table in tables.sorted_tables:
            conn.execute(table.insert(), [_row(table, n) for n in range(1, ROWS_PER_TABLE + 1)])
    return table_rows(engine)


def _row(table: sa.Table, n: int) -> dict[str, Any]:
    """Row ``n`` of ``table``: ids and references are ``n`` (the parents' rows exist), texts
    name their column, and the versions name operations for the ``version_operations`` step."""
    row = {}
    for column in table.columns:
        if column.primary_key and column.name == "id":
            continue  # numbered by the database: 1, 2, 3, as the references expect
        row[column.name] = _value(table.name, column, n)
    return row


def _value(table: str, column: sa.Column[Any], n: int) -> Any:
    kind = column.type
    if table == "versions" and column.name == "operations":
        return [f"Operation Kestrel {n}"]
    if table == "data_steps" and column.name == "name" and n == 1:
        return "version_operations"  # the last schema's archives had run it
    if isinstance(kind, sa.JSON):
        return {"n": n}
    if isinstance(kind, sa.DateTime):
        return datetime(2024, 1, n, 12, 0, n)
    if isinstance(kind, sa.Date):
        return date(2024, 1, n)
    if isinstance(kind, sa.Integer):
        return n
    if isinstance(kind, sa.Float):
        return n + 0.5
    if isinstance(kind, sa.LargeBinary):
        return bytes([n]) * 8
    text = f"{table}.{column.name}.{n}"
    length = getattr(kind, "length", None)
    return text[-length:] if length else text


def table_rows(engine: sa.Engine) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, in primary-key order."""
    tables = sa.MetaData()
    tables.reflect(engine)
    with engine.connect() as conn:
        return {
            table.name: [dict(row._mapping) for row in conn.execute(sa.select(table).order_by(*table.primary_key))]
            for table in tables.sorted_tables if table.name != migrate.VERSION_TABLE
        }


def schema_differences(engine: sa.Engine, metadata: sa.MetaData = schema.metadata) -> list[Any]:
    """What Alembic's autogenerate would write to make the database match ``metadata``."""
    with engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)


def run_alembic(engine: sa.Engine, name: str, target: str) -> None:
    """Alembic's own ``upgrade``/``downgrade`` to ``target``, on a connection as store/migrate.py gives."""
    with engine.begin() as conn:
        config = alembic_config()
        config.attributes["connection"] = conn
        getattr(command, name)(config, target)


def open_archive(url: str) -> None:
    Archive(url).close()


# -- the revisions themselves ---------------------------------------------------------------------


def test_revisions_form_one_line_named_after_their_files() -> None:
    """The head read from the file names (no Alembic import on open) is Alembic's own head."""
    script = ScriptDirectory.from_config(alembic_config())
    assert script.get_heads() == [head_revision()]
    chain = [rev.revision for rev in script.walk_revisions()][::-1]
    assert chain == [f"{n:04d}" for n in range(1, len(chain) + 1)]
    assert sorted(path.name.split("_", 1)[0] for path in VERSIONS.glob("[0-9]*_*.py")) == chain


def test_new_database_is_created_at_head(db_url: str, engine: sa.Engine) -> None:
    assert migrate.upgrade(engine) == [f"schema created at revision {head_revision()}"]
    assert migrate.schema_revision(engine) == head_revision()
    assert migrate.upgrade(engine) == []
    assert schema_differences(engine) == []
    assert [row["name"] for row in table_rows(engine)["data_steps"]] == ["version_operations"]


def test_revisions_from_nothing_make_what_schema_py_declares(engine: sa.Engine) -> None:
    """Every revision in turn on an empty database: a change to schema.py without its revision
    (or a revision that does something else) shows here as a difference."""
    run_alembic(engine, "upgrade", "head")
    assert schema_differences(engine) == []


def test_the_comparison_sees_a_column_schema_py_would_add(engine: sa.Engine) -> None:
    migrate.upgrade(engine)
    changed = sa.MetaData()
    for table in schema.metadata.sorted_tables:
        table.to_metadata(changed)
    changed.tables["runs"].append_column(sa.Column("added_later", sa.Text, nullable=True))
    assert [diff[0] for diff in schema_differences(engine, changed)] == ["add_column"]


def test_up_to_date_open_costs_one_query(engine: sa.Engine) -> None:
    migrate.upgrade(engine)
    statements: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    assert migrate.upgrade(engine) == []
    assert statements == [f"SELECT version_num FROM {migrate.VERSION_TABLE}"]


def test_up_to_date_open_does_not_import_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'archive.sqlite'}"
    open_archive(url)
    code = (f"import sys; from pressarchive.store import Archive; Archive({url!r}).close(); "
            "print(sorted(m for m in sys.modules if m.startswith('alembic')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert result.stdout.strip() == "[]"


def test_older_revision_goes_forward_and_0002_goes_back(db_url: str, engine: sa.Engine) -> None:
    run_alembic(engine, "upgrade", "0001")
    assert "frontier" not in {c["name"] for c in sa.inspect(engine).get_columns("runs")}
    with engine.begin() as conn:
        conn.execute(baseline.runs.insert().values(started_at=datetime(2024, 1, 1), status="finished", sources=["a"]))
    open_archive(db_url)
    assert migrate.schema_revision(engine) == head_revision()
    assert schema_differences(engine) == []
    run_alembic(engine, "downgrade", "0001")  # SQLite drops the columns by copying the table
    assert {c["name"] for c in sa.inspect(engine).get_columns("runs")} == set(baseline.runs.c.keys())
    assert len(table_rows(engine)["runs"]) == 1


# -- archives from before migrations --------------------------------------------------------------


@pytest.mark.parametrize("shape", OLD_SHAPES)
def test_archive_from_before_migrations_comes_forward_with_every_row(
    shape: str, db_url: str, engine: sa.Engine,
) -> None:
    before = build_old_archive(engine, shape)
    assert all(len(rows) == ROWS_PER_TABLE for rows in before.values())
    open_archive(db_url)
    after = table_rows(engine)
    assert migrate.schema_revision(engine) == head_revision()
    for table, rows in before.items():
        kept = [{key: row[key] for key in rows[0]} for row in after[table]]
        assert kept == rows, table
    assert set(after) == set(schema.metadata.tables)
    assert [row["frontier"] for row in after["runs"]] == [None] * len(before.get("runs", []))
    if shape == "oldest":  # the data step filled version_operations from each version's operations
        assert [(row["version_id"], row["name"]) for row in after["version_operations"]] == [
            (n, f"Operation Kestrel {n}") for n in range(1, ROWS_PER_TABLE + 1)
        ]
    assert schema_differences(engine) == []
    archive = Archive(db_url)  # and it takes new rows (its id sequences were not disturbed)
    try:
        run = archive.start_run(["police"], datetime(2025, 1, 1))
    finally:
        archive.close()
    assert run == len(before.get("runs", [])) + 1


def test_development_archive_that_already_has_0002s_columns_comes_forward(db_url: str, engine: sa.Engine) -> None:
    """A build between the columns' declaration and migrations added them at open, unversioned."""
    build_old_archive(engine, "baseline")
    with engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE runs ADD COLUMN frontier TEXT")
    open_archive(db_url)
    assert migrate.schema_revision(engine) == head_revision()
    assert schema_differences(engine) == []


def test_migration_cut_short_leaves_the_archive_as_it_was(
    db_url: str, engine: sa.Engine, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A data step that fails after the tables and columns were added: all of it is undone."""
    before = build_old_archive(engine, "oldest")

    def failing(conn: Connection) -> None:
        raise RuntimeError("cut short")

    monkeypatch.setattr(baseline, "DATA_STEPS", (*baseline.DATA_STEPS, ("failing", failing)))
    with pytest.raises(RuntimeError, match="cut short"):
        open_archive(db_url)
    assert table_rows(engine) == before
    assert not sa.inspect(engine).has_table(migrate.VERSION_TABLE)
    assert {c["name"] for c in sa.inspect(engine).get_columns("captures")} == set(before["captures"][0])
    monkeypatch.undo()
    open_archive(db_url)
    assert migrate.schema_revision(engine) == head_revision()


# -- a database a newer pressarchive wrote --------------------------------------------------------


def test_newer_revision_is_refused_and_left_untouched(db_url: str, engine: sa.Engine) -> None:
    migrate.upgrade(engine)
    with engine.begin() as conn:
        conn.execute(sa.text(f"UPDATE {migrate.VERSION_TABLE} SET version_num = '9999'"))
        conn.execute(sa.text("ALTER TABLE runs DROP COLUMN worker"))  # as if 9999 had dropped it
    before = table_rows(engine)
    with pytest.raises(UserError, match=r"schema revision 9999, which this pressarchive does not know .*newer"):
        open_archive(db_url)
    assert table_rows(engine) == before and migrate.schema_revision(engine) == "9999"
    assert "worker" not in {c["name"] for c in sa.inspect(engine).get_columns("runs")}


def test_cli_refuses_a_newer_archive_in_one_line(tmp_path: Path) -> None:
    cli = CLI(tmp_path / "data")
    cli.data.mkdir()
    engine = sa.create_engine(f"sqlite:///{cli.data / 'archive.sqlite'}")
    migrate.upgrade(engine)
    with engine.begin() as conn:
        conn.execute(sa.text(f"UPDATE {migrate.VERSION_TABLE} SET version_num = '9999'"))
    result = cli("status")
    assert result.returncode != 0
    assert result.stderr.startswith("error: the archive's database is at schema revision 9999")
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


# -- readers and status ---------------------------------------------------------------------------


def test_read_only_sqlite_archive_opens_when_up_to_date_and_says_why_it_cannot_migrate(tmp_path: Path) -> None:
    path = tmp_path / "archive.sqlite"
    open_archive(f"sqlite:///{path}")
    read_only = f"sqlite:///file:{path}?mode=ro&uri=true"
    open_archive(read_only)  # up to date: only read
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP TABLE {migrate.VERSION_TABLE}"))  # as made before migrations
    with pytest.raises(UserError, match=r"has no schema revision yet and this pressarchive needs \d+, but it may "
                                        r"not change the database \(attempt to write a readonly database\)"):
        open_archive(read_only)
    assert migrate.schema_revision(engine) is None


@pytest.mark.postgres
def test_postgres_role_that_may_only_read_opens_when_up_to_date(postgres_url: str) -> None:
    """``serve`` may run as a role that only reads: fine once the schema is current; before,
    one clear line instead of a permission error's traceback."""
    owner = sa.create_engine(postgres_url)
    role = f"reader_{os.getpid()}"
    reader_url = sa.make_url(postgres_url).set(username=role).render_as_string(hide_password=False)
    with owner.begin() as conn:
        conn.execute(sa.text(f"CREATE ROLE {role} LOGIN"))
        conn.execute(sa.text(f"GRANT USAGE ON SCHEMA public TO {role}"))
        conn.execute(sa.text(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO {role}"))
    try:
        build_old_archive(owner, "baseline")
        with pytest.raises(UserError, match=r"has no schema revision yet .* may not change the database \(permission"):
            open_archive(reader_url)
        open_archive(postgres_url)  # the owner migrates
        reader = Archive(reader_url)
        try:
            assert migrate.schema_revision(reader.engine) == head_revision() and reader.stats()["captures"] == 3
        finally:
            reader.close()
    finally:
        with owner.begin() as conn:
            conn.execute(sa.text(f"DROP OWNED BY {role}"))
            conn.execute(sa.text(f"DROP ROLE {role}"))
        owner.dispose()


def test_reading_command_brings_an_old_archive_forward_and_status_shows_the_revision(tmp_path: Path) -> None:
    """Readers migrate too, as the open-time upgrade did: a read is always at the code's schema."""
    cli = CLI(tmp_path / "data")
    cli.data.mkdir()
    engine = sa.create_engine(f"sqlite:///{cli.data / 'archive.sqlite'}")
    build_old_archive(engine, "baseline")
    with engine.begin() as conn:  # no documents: the index refilled from the store stays empty
        for table in ("lineage", "signatures", "lsh_buckets", "collection_items", "version_operations",
                      "figures", "removals", "versions", "documents"):
            conn.execute(sa.text(f"DELETE FROM {table}"))
    status = cli.json("status")
    assert status["schema_revision"] == head_revision() and status["captures"] == ROWS_PER_TABLE
    assert migrate.schema_revision(engine) == head_revision()
    text = cli("status", check=True).stdout
    assert f"schema_revision {head_revision()}" in " ".join(text.split())


# -- several processes opening at once ------------------------------------------------------------


@pytest.mark.parametrize("start", ["empty", "baseline"])
def test_concurrent_openers_one_migrates_the_others_wait(
    start: str, db_url: str, engine: sa.Engine, tmp_path: Path,
) -> None:
    """Three processes open the same database at the same moment (three crawlers starting):
    exactly one migrates; the others wait for it and then see the newest schema."""
    before = build_old_archive(engine, "baseline") if start == "baseline" else {}
    folder = tmp_path / "openers"
    folder.mkdir()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    openers = [
        subprocess.Popen([sys.executable, "-m", "tests.migration_opener", db_url, str(folder)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO, env=env)
        for _ in range(3)
    ]
    deadline = time.monotonic() + 120
    while len(list(folder.glob("ready-*"))) < len(openers):
        assert time.monotonic() < deadline and all(p.poll() is None for p in openers), "an opener did not start"
        time.sleep(0.02)
    (folder / "go").touch()
    results = []
    for process in openers:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        results.append(json.loads(out))
    migrated = [r["done"] for r in results if r["done"]]
    assert len(migrated) == 1, results
    assert all(r["revision"] == r["head"] == head_revision() for r in results)
    assert all({"frontier", "worker"} <= set(r["runs_columns"]) for r in results)
    if before:
        after = table_rows(engine)
        assert all(len(after[table]) == len(rows) for table, rows in before.items())


# -- writing the next revision --------------------------------------------------------------------


def test_next_revision_is_written_from_what_schema_py_adds(tmp_path: Path) -> None:
    """``python -m pressarchive.store.migrations`` numbers it after the head and writes the
    operations that make the migrated database what schema.py declares (here, a new table)."""
    from pressarchive.store.migrations.__main__ import write_revision

    added = sa.Table("trial_notes", schema.metadata, sa.Column("id", sa.Integer, primary_key=True))
    try:
        script = write_revision("trial notes", f"sqlite:///{tmp_path / 'compare.sqlite'}", tmp_path)
    finally:
        schema.metadata.remove(added)
    number = f"{int(head_revision()) + 1:04d}"
    assert script is not None and Path(script.path) == tmp_path / f"{number}_trial_notes.py"
    written = Path(script.path).read_text("utf-8")
    assert f"revision = '{number}'" in written and f"down_revision = '{head_revision()}'" in written
    assert "op.create_table('trial_notes'" in written and "op.drop_table('trial_notes')" in written
    assert not list(VERSIONS.glob(f"{number}_*"))


def test_the_switch_to_wal_waits_for_another_opener_and_other_errors_pass() -> None:
    """SQLite may answer "database is locked" at once to the WAL switch while another process
    creates the same archive: it is tried again; any other error is the caller's."""
    import sqlite3

    from pressarchive.store.engine import _use_wal

    class Cursor:
        def __init__(self, failures: list[str]) -> None:
            self.failures = failures
            self.calls = 0

        def execute(self, sql: str) -> None:
            self.calls += 1
            if self.failures:
                raise sqlite3.OperationalError(self.failures.pop(0))

    locked = Cursor(["database is locked", "database is locked"])
    _use_wal(locked)
    assert locked.calls == 3
    with pytest.raises(sqlite3.OperationalError, match="disk I/O error"):
        _use_wal(Cursor(["disk I/O error"]))
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        _use_wal(Cursor(["database is locked"] * 100), seconds=0.1)
