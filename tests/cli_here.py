"""Runs the ``pressarchive`` CLI inside the test process, for checks that need no crawl.

A subprocess costs a Python start-up of a few seconds on a loaded machine; commands that
only read the archive or fail before doing anything are as real in-process, through the same
``main`` and its error policy.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pressarchive.cli.app import main


def run_here(capsys: pytest.CaptureFixture[str], data: Path | str, *args: str) -> tuple[int, str, str]:
    """``pressarchive --data DATA ARGS...`` in this process: (exit status, stdout, stderr)."""
    capsys.readouterr()
    try:
        main(["--data", str(data), *args])
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err
