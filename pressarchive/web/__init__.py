"""The web face of the archive: HTML pages for people, a JSON API for scripts.

Both are thin layers over :class:`pressarchive.service.ArchiveService`; see
:func:`pressarchive.web.app.create_app`.
"""

from __future__ import annotations

from pressarchive.web.app import create_app

__all__ = ["create_app"]
