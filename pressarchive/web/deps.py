"""How a view reaches the app's one :class:`ArchiveService` (a FastAPI dependency)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from pressarchive.service import ArchiveService


def get_service(request: Request) -> ArchiveService:
    service: ArchiveService = request.app.state.service
    return service


Service = Annotated[ArchiveService, Depends(get_service)]
