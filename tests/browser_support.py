"""What every browser test needs: Debian's chromium through Playwright (PyPI), a real server
over an archive on loopback, and a place for the screenshots kept as test artefacts.

The fixtures are a pytest plugin (``conftest.py`` loads it); a browser test module takes
``pytestmark`` from here so it skips when there is no browser. Browser downloads fail here,
so chromium is Debian's (``executable_path``). Screenshots go to ``PRESSARCHIVE_ARTIFACTS``
(default ``test-artifacts/`` at the top of the checkout, ignored by git) so CI can keep them.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
HAVE_PLAYWRIGHT = importlib.util.find_spec("playwright") is not None
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or not HAVE_PLAYWRIGHT, reason="Debian's chromium or PyPI's playwright is not installed",
)

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ARTIFACTS_ENV = "PRESSARCHIVE_ARTIFACTS"
#: Viewports the screenshot tests use.
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def artifact_path(name: str) -> Path:
    """Where a test artefact (a screenshot) named ``name`` is written; the folder is made."""
    root = Path(os.environ.get(ARTIFACTS_ENV) or Path(__file__).resolve().parent.parent / "test-artifacts")
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def serve(app: Any) -> Iterator[str]:
    """Run ``app`` under uvicorn on a free loopback port for as long as the generator lives."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def web(crawled: dict[str, Any]) -> Iterator[str]:
    """The read-only web face over the crawled sample press room."""
    from pressarchive.datadir import resolve_data_dir
    from pressarchive.web import create_app

    yield from serve(create_app(resolve_data_dir(crawled["cli"].data)))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def watched_page(browser: Any, **context_options: Any) -> Any:
    """A new page in its own context whose console messages are kept in ``console_messages``."""
    page = browser.new_context(**context_options).new_page()
    page.console_messages = []
    page.on("console", lambda message: page.console_messages.append(message.text))
    return page


@pytest.fixture(scope="module")
def page(browser: Any) -> Iterator[Any]:
    page = watched_page(browser, accept_downloads=True)
    yield page
    page.context.close()
