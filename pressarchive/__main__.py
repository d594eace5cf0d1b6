"""``python -m pressarchive`` runs the CLI."""

from pressarchive.cli import main

main()
