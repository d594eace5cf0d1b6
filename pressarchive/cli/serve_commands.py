"""Commands that serve: the web UI and JSON API, and the self-contained demo.

The server answers only to the Host names it is served on (the ``--host`` address, plus
``localhost``/``127.0.0.1``/``[::1]`` on loopback, plus ``--allow-host`` names), so a page
on another domain that is made to resolve to this machine (DNS rebinding) gets a 400.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import click
from rich.console import Console

from pressarchive.cli.app import Context, cli, pass_context
from pressarchive.cli.crawl_commands import run_and_report
from pressarchive.datadir import DataDir, prepare_data_dir, require_archive
from pressarchive.service import QUERY_TIME_LIMIT

host_option = click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
port_option = click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on."
)


def _check_hosts(_ctx: click.Context, _param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...]:
    from pressarchive.web.security import split_host

    for item in value:
        if split_host(item) is None:
            raise click.BadParameter(f"{item!r} is not NAME or NAME:PORT")
    return value


allow_host_option = click.option(
    "--allow-host", "allow_hosts", multiple=True, metavar="NAME[:PORT]", callback=_check_hosts,
    help="Also answer requests for this Host (e.g. the public name of a reverse proxy); repeatable.",
)


def serve_app(
    data: DataDir, host: str, port: int, query_time_limit: float = QUERY_TIME_LIMIT,
    allow_hosts: Sequence[str] = (), write_token: str | None = None, announce: str | None = None,
) -> None:
    """Serve the archive in ``data``; ``announce`` is said on stderr once the search engine is open."""
    import uvicorn

    from pressarchive.mallocsettings import tune_malloc
    from pressarchive.web import create_app
    from pressarchive.web.security import AllowedHosts

    tune_malloc()  # before the request threads start: memory that does not grow with them
    allowed = AllowedHosts.for_address(host, port, allow_hosts)
    app = create_app(
        data, query_time_limit=query_time_limit, allowed_hosts=allowed, write_token=write_token,
    )
    # Open (and refill if need be) the search engine before listening: an engine that cannot
    # be reached is one error line here, where inside the server's startup it is a traceback.
    app.state.service.open_index()
    if announce:
        click.echo(announce, err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


@cli.command()
@host_option
@port_option
@allow_host_option
@click.option(
    "--query-time-limit", default=QUERY_TIME_LIMIT, show_default=True, metavar="SECONDS",
    type=click.FloatRange(min=0.01), help="Stop a search after this long with a 'query too expensive' error.",
)
@click.option(
    "--write-token-file", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
    help="Allow writes over HTTP (hand corrections, collections, ...) to requests carrying "
    "the token in FILE (at least 16 characters); or set the token itself in $PRESSARCHIVE_WRITE_TOKEN. "
    "Without either the web face is read-only.",
)
@click.option(
    "--corrections-token-file", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
    envvar="PRESSARCHIVE_CORRECTIONS_TOKEN_FILE", hidden=True,
    help="Deprecated name of --write-token-file.",
)
@pass_context
def serve(
    ctx: Context, host: str, port: int, allow_hosts: tuple[str, ...], query_time_limit: float,
    write_token_file: Path | None, corrections_token_file: Path | None,
) -> None:
    """Serve the search UI and JSON API (reference at /docs, schema at /openapi.json)."""
    data = require_archive(ctx.data)  # serving reads: a mistyped --data is an error, not an empty archive
    token = write_token(write_token_file, corrections_token_file)
    serve_app(data, host, port, query_time_limit, allow_hosts, token,
              announce=f"serving {data.root} on http://{host}:{port}/  (Ctrl-C to stop)"
              + ("; writes allowed with the token" if token else "; read-only"))


def write_token(token_file: Path | None, deprecated_file: Path | None) -> str | None:
    """The write token from ``--write-token-file``, its deprecated name, or ``$PRESSARCHIVE_WRITE_TOKEN``
    (a file named on the command line wins over the environment); None: read-only.

    The environment variable holds the token itself, so a service manager can pass it without
    a file on disk; a file keeps it out of the process's environment."""
    from pressarchive.errors import UserError
    from pressarchive.web.writeaccess import TOKEN_ENV, checked_token, read_token_file

    if token_file and deprecated_file:
        raise UserError("give --write-token-file only (--corrections-token-file is its deprecated name)")
    if deprecated_file:
        click.echo("warning: --corrections-token-file is deprecated: use --write-token-file", err=True)
    chosen = token_file or deprecated_file
    if chosen:
        return read_token_file(chosen)
    from_env = os.environ.get(TOKEN_ENV)
    return checked_token(from_env, f"${TOKEN_ENV}") if from_env else None


@cli.command()
@host_option
@port_option
@click.option("--no-serve", is_flag=True, help="Crawl and index the sample press room, then exit.")
@pass_context
def demo(ctx: Context, host: str, port: int, no_serve: bool) -> None:
    """Crawl the bundled sample press room on 127.0.0.1 into a fresh data directory and serve it.

    Without --data a new temporary directory is used. No network beyond loopback is needed.
    """
    from pressarchive.profiles import profile_from_dict
    from pressarchive.sampleroom import SamplePressRoom

    started = time.monotonic()
    root = ctx.data_option or tempfile.mkdtemp(prefix="pressarchive-demo-")
    ctx.data_option = str(Path(root))
    data = prepare_data_dir(ctx.data)  # with the run's --index, as the crawl and the server use it
    room = SamplePressRoom()
    base_url = room.start()
    console = Console(stderr=True)
    console.print(f"sample press room at {base_url}/press/ ; data directory {data.root}", markup=False)
    try:
        profile = profile_from_dict(room.profile(), origin="sample press room")
        run_and_report(ctx, [profile], delay=0.0)
        console.print(f"ready in {time.monotonic() - started:.1f} s; try `pressarchive --data {data.root} "
                      "operation Kestrel` for an operation's dossier", markup=False)
        if not no_serve:
            console.print(f"search at http://{host}:{port}/search?q=operation , operations at "
                          f"http://{host}:{port}/operations  (Ctrl-C to stop)", markup=False)
            serve_app(data, host, port)
    finally:
        room.stop()
