"""The ``pressarchive`` command group, its global options and its error policy.

Every subcommand is a thin face over :mod:`pressarchive.service` or the crawler. A person's
mistake (bad query, date, profile, URL, unwritable directory, a directory holding no archive,
one another command is writing) prints one ``error:`` line and exits non-zero; only a bug
may print a traceback. Commands that read open the archive with :meth:`Context.service`,
which creates nothing; commands that write run inside :meth:`Context.writing`.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from pressarchive import __version__
from pressarchive.cli.terminal import clean
from pressarchive.datadir import (
    DataDir, DataDirError, prepare_data_dir, require_archive, resolve_data_dir, writer_lock,
)
from pressarchive.errors import UserError
from pressarchive.dbaddress import redact
from pressarchive.index.engines import parse_address
from pressarchive.service import ArchiveService
from pressarchive.writefailure import describe, is_database_server_failure, is_storage_failure


class Context:
    """What the global options resolve to, shared by every subcommand."""

    def __init__(self, data_option: str | None, index_option: str | None = None,
                 index_from_environment: bool = False, db_option: str | None = None,
                 db_from_environment: bool = False) -> None:
        self.data_option = data_option
        self.index_option = index_option
        self.index_from_environment = index_from_environment  # $PRESSARCHIVE_INDEX, not --index
        self.db_option = db_option
        self.db_from_environment = db_from_environment  # $PRESSARCHIVE_DB, not --db

    @property
    def data(self) -> DataDir:
        return resolve_data_dir(self.data_option, index=self.index_option, db=self.db_option)

    def command_line(self, *args: str) -> str:
        """``pressarchive ARGS`` acting on the same archive and index, quoted for a shell
        (what a message suggests running next; a password in the index address is hidden).
        An address from ``$PRESSARCHIVE_INDEX`` is left to it: written out, its password
        hidden, it would override the environment's working one."""
        data = ["--data", self.data_option] if self.data_option else []
        given = self.index_option and not self.index_from_environment
        index = ["--index", parse_address(self.index_option).redacted()] if given else []
        db = ["--db", redact(self.db_option)] if self.db_option and not self.db_from_environment else []
        return shlex.join(["pressarchive", *data, *index, *db, *args])

    def service(self) -> ArchiveService:
        """The archive of a data directory that already holds one (a reader creates nothing)."""
        return ArchiveService(require_archive(self.data))

    @contextmanager
    def writing(self, create: bool = True, shared: bool = False) -> Iterator[DataDir]:
        """The data directory under its writer lock: created if ``create``, else it must hold an archive.

        Crawl, add, demo, index and check --repair write; a second writer fails at once,
        before it changes anything, naming the process that holds the lock. ``shared``: the
        processes of one shared crawl (``crawl --frontier``) hold it together.
        """
        data = self.data if create else require_archive(self.data)
        with writer_lock(data, shared=shared):
            prepared = prepare_data_dir(data)
            # A writer indexes what it writes: a bad engine address or config.toml is refused
            # before anything is written, not found by every indexing round afterwards.
            parse_address(prepared.index_address)
            yield prepared


pass_context = click.make_pass_decorator(Context)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--data", "data_option", metavar="DIR", envvar="PRESSARCHIVE_DATA",
    help="Data directory (archive.sqlite, warc/, index/). Default: $PRESSARCHIVE_DATA or the per-user data directory.",
)
@click.option(
    "--index", "index_option", metavar="ADDRESS", envvar="PRESSARCHIVE_INDEX",
    help="Search engine: whoosh (default, in DIR/index), whoosh:///DIR or opensearch+http://HOST:PORT/INDEX."
         " Default: $PRESSARCHIVE_INDEX, else the data directory's config.toml, else whoosh.",
)
@click.option(
    "--db", "db_option", metavar="URL", envvar="PRESSARCHIVE_DB",
    help="Store database: postgresql+psycopg://USER@HOST:PORT/NAME (or sqlite:///FILE)."
         " Default: $PRESSARCHIVE_DB, else the data directory's config.toml, else DIR/archive.sqlite.",
)
@click.version_option(__version__, prog_name="pressarchive")
@click.pass_context
def cli(ctx: click.Context, data_option: str | None, index_option: str | None, db_option: str | None) -> None:
    """Crawl, archive and search public press releases about law-enforcement operations."""
    environment = click.core.ParameterSource.ENVIRONMENT
    ctx.obj = Context(data_option, index_option, ctx.get_parameter_source("index_option") == environment,
                      db_option, ctx.get_parameter_source("db_option") == environment)


def fail(message: str, code: int = 1) -> None:
    # Messages may quote what a person typed or a site sent: no control characters reach the terminal.
    click.echo(f"error: {clean(message)}", err=True)
    sys.exit(code)


def main(argv: list[str] | None = None) -> Any:
    """Run the CLI, turning user errors into one line and an exit status."""
    try:
        # Inside the try: importing the commands takes a while, and Ctrl-C meanwhile is an
        # interruption like any other, not a traceback.
        from pressarchive.cli import commands  # noqa: F401  (registers the subcommands)

        return cli.main(args=argv, prog_name="pressarchive", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.UsageError as exc:
        hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
        fail(f"{exc.format_message()}{hint}", 2)
    except click.ClickException as exc:
        fail(exc.format_message())
    except (UserError, DataDirError) as exc:
        fail(str(exc))
    except (click.Abort, KeyboardInterrupt):
        fail("interrupted", 130)
    except Exception as exc:
        if not is_storage_failure(exc):
            raise  # a bug: its traceback is what a report needs
        where = "the store's database server" if is_database_server_failure(exc) else "the data directory"
        fail(f"cannot write to {where}: {describe(exc)}")
