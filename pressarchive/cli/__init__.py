"""The ``pressarchive`` command line."""

from __future__ import annotations

from pressarchive.cli.app import cli, main

__all__ = ["cli", "main"]
