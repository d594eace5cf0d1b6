"""The README documents every command, every API endpoint and the query language's pieces."""

from __future__ import annotations

import re
from pathlib import Path

from pressarchive.cli.app import cli
from pressarchive.cli import commands  # noqa: F401  (registers the subcommands)
from pressarchive.web.api import router

README = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")


def test_every_command_is_in_the_cli_reference() -> None:
    missing = [name for name in cli.commands if f"`pressarchive {name}" not in README]
    assert missing == []


def test_every_api_endpoint_is_listed() -> None:
    paths = {re.sub(r"\{\w+\}", "{id}", route.path) for route in router.routes}  # type: ignore[attr-defined]
    assert {"/api/search", "/api/doc/{id}/similar", "/api/check"} <= paths
    assert [path for path in sorted(paths) if f"`GET {path}" not in README] == []


def test_query_language_section_has_the_examples() -> None:
    section = README.split("## Query language", 1)[1].split("\n## ", 1)[0]
    for piece in ("OR", "NOT", '"child protection"', "deten*", "title:", "body:", "operation:tantalio",
                  "country:PT", "agency:", "source:", "language:", "published:[2017-01-01 TO 2017-12-31]",
                  "--since", "query too expensive", "bad query", "400"):
        assert piece in section, piece
