"""How a view reaches the app's one :class:`ArchiveService` (a FastAPI dependency)."""

from __future__ import annotations

import os
from typing import Annotated

from fastapi import Depends, Request

from pressarchive.permalinks import BASE_URL_ENV
from pressarchive.service import ArchiveService


def get_service(request: Request) -> ArchiveService:
    service: ArchiveService = request.app.state.service
    return service


Service = Annotated[ArchiveService, Depends(get_service)]


def public_base_url(request: Request) -> str:
    """The archive's public address for absolute links (permalinks in citations, exports,
    feeds): ``PRESSARCHIVE_BASE_URL`` when set, since behind a reverse proxy the address a
    request reached (``request.base_url``) is the proxy's backend, not what readers cite."""
    return os.environ.get(BASE_URL_ENV) or str(request.base_url)
