"""``python -m pressarchive`` runs the CLI."""

from pressarchive.cli import main

if __name__ == "__main__":  # not when a worker's fork server imports the parent's main module
    main()
