"""Commands that serve: the web UI and JSON API, and the self-contained demo."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import click
from rich.console import Console

from pressarchive.cli.app import Context, cli, pass_context
from pressarchive.cli.crawl_commands import run_and_report
from pressarchive.datadir import DataDir, prepare_data_dir, require_archive, resolve_data_dir
from pressarchive.service import QUERY_TIME_LIMIT

host_option = click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
port_option = click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on."
)


def serve_app(data: DataDir, host: str, port: int, query_time_limit: float = QUERY_TIME_LIMIT) -> None:
    import uvicorn

    from pressarchive.web import create_app

    app = create_app(data, query_time_limit=query_time_limit)
    uvicorn.run(app, host=host, port=port, log_level="warning")


@cli.command()
@host_option
@port_option
@click.option(
    "--query-time-limit", default=QUERY_TIME_LIMIT, show_default=True, metavar="SECONDS",
    type=click.FloatRange(min=0.01), help="Stop a search after this long with a 'query too expensive' error.",
)
@pass_context
def serve(ctx: Context, host: str, port: int, query_time_limit: float) -> None:
    """Serve the search UI and JSON API (OpenAPI at /docs)."""
    data = require_archive(ctx.data)  # serving reads: a mistyped --data is an error, not an empty archive
    click.echo(f"serving {data.root} on http://{host}:{port}/  (Ctrl-C to stop)", err=True)
    serve_app(data, host, port, query_time_limit)


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
    data = prepare_data_dir(resolve_data_dir(root))
    room = SamplePressRoom()
    base_url = room.start()
    console = Console(stderr=True)
    console.print(f"sample press room at {base_url}/press/ ; data directory {data.root}", markup=False)
    try:
        profile = profile_from_dict(room.profile(), origin="sample press room")
        run_and_report(ctx, [profile], delay=0.0)
        console.print(f"ready in {time.monotonic() - started:.1f} s", markup=False)
        if not no_serve:
            console.print(f"search at http://{host}:{port}/search?q=operation  (Ctrl-C to stop)", markup=False)
            serve_app(data, host, port)
    finally:
        room.stop()
