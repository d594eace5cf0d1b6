"""``import-warc`` as a function: files checked, read into one import session, a report written."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime

from pressarchive.datadir import DataDir
from pressarchive.imports.importer import ArchiveImporter
from pressarchive.imports.inputs import ArchiveFile
from pressarchive.imports.session import ImportOptions, ImportSession, Progress
from pressarchive.imports.summary import ImportSummary
from pressarchive.profiles import Profile


def import_archive_files(data: DataDir, files: list[ArchiveFile], options: ImportOptions,
                         profiles: Mapping[str, Profile], on_progress: Progress | None = None) -> ImportSummary:
    """Import ``files`` (checked by :func:`check_inputs`) into the archive at ``data``; the
    caller holds the writer lock. A JSON report goes to the data directory's ``reports/``."""
    started = datetime.now(UTC)
    with ImportSession(data, options, profiles, on_progress=on_progress) as session:
        importer = ArchiveImporter(session)
        try:
            for item in files:
                importer.import_file(item)
        finally:
            importer.originals.close()
    summary = session.summary
    report = {"command": "import-warc", "started": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
              "inputs": [str(item.path) for item in files], "source": options.source, **summary.to_json()}
    name = f"import-{started.strftime('%Y%m%dT%H%M%S%fZ')}.json"
    (data.reports_dir / name).write_text(json.dumps(report, indent=2), "utf-8")
    return summary
