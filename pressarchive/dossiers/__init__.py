"""Operation dossiers: everything the archive holds on one police operation, across languages
and sources, with the figures each source reported side by side and hand corrections applied.

Reads the store only (``version_operations``, ``figures``, ``corrections``); the CLI, the JSON
API and the web pages are faces over :class:`pressarchive.dossiers.service.Dossiers`.
"""

from __future__ import annotations

from pressarchive.dossiers.document_facts import DocumentFacts
from pressarchive.dossiers.dossier import Dossier
from pressarchive.dossiers.listing import OperationSummary
from pressarchive.dossiers.service import Dossiers

__all__ = ["DocumentFacts", "Dossier", "Dossiers", "OperationSummary"]
