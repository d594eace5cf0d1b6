"""The snapshot pages: the list, one snapshot with its files and its diff, the files themselves.

A bundle's files are served as they lie on disk, read-only, as downloads: under a name folded to
ASCII (``Content-Disposition: attachment``), with ``nosniff``, and only the four names a bundle
holds (any other file name is a 404, so no path can reach outside the bundle's folder).
Everything comes from :class:`pressarchive.snapshots.SnapshotService`, as the CLI's.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse

from pressarchive.alerts import link_params
from pressarchive.snapshots import MEDIA_TYPES, Manifest
from pressarchive.snapshots.bundle import download_name
from pressarchive.web import urls
from pressarchive.web.deps import Service
from pressarchive.web.render import render
from pressarchive.web.snapshots_api import SnapshotName, live_diff

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

#: Documents listed on a snapshot's page per list (frozen, added, removed, changed); the
#: manifest and the JSON twin hold every one.
SHOWN = 500


def live_url(manifest: Manifest) -> str:
    """Where today's results of what made the snapshot are: its search, or its collection."""
    if manifest.collection is not None:
        return urls.collection_url(manifest.collection)
    return urls.search_url(link_params(manifest.search or {}))


@router.get(urls.SNAPSHOTS)
def snapshots_page(service: Service) -> HTMLResponse:
    """Every snapshot, newest first."""
    found, broken = service.snapshots.listing()
    return render("snapshots.html", snapshots=found, unreadable=broken, live_url=live_url,
                  json_url=urls.api_snapshots_url())


@router.get(urls.SNAPSHOT)
def snapshot_page(name: SnapshotName, service: Service) -> HTMLResponse:
    """One snapshot: what it froze, its files to download, and how it differs from today."""
    manifest = service.snapshots.manifest(name)
    diff, diff_error = live_diff(service, manifest)
    return render(
        "snapshot.html", manifest=manifest, files=service.snapshots.files(manifest.name), diff=diff,
        diff_error=diff_error, shown=SHOWN, live=live_url(manifest), json_url=urls.api_snapshot_url(manifest.name),
    )


@router.get(urls.SNAPSHOT_FILE)
def snapshot_file(name: SnapshotName, file: str, service: Service) -> FileResponse:
    """One file of the bundle, as a download."""
    found = service.snapshots.file(name, file)
    return FileResponse(
        found.path, media_type=MEDIA_TYPES[found.name],
        headers={"Content-Disposition": f'attachment; filename="{download_name(found.path.parent.name, found.name)}"',
                 "X-Content-Type-Options": "nosniff"},
    )
