"""Saved searches, their alerts ("what is new since last time") and Atom feeds of searches.

A service-level package like :mod:`pressarchive.dossiers`: the CLI, the pages and the JSON
API are thin faces over :class:`SavedSearches` and :func:`search_feed`.
"""

from __future__ import annotations

from pressarchive.alerts.atom import MEDIA_TYPE, Feed, FeedEntry, atom_xml
from pressarchive.alerts.feeds import FEED_SIZE, search_feed
from pressarchive.alerts.saved import Alert, NameTaken, SavedSearches, brief_json, saved_json
from pressarchive.alerts.savedparams import check_name, link_params, params_of, request_of

__all__ = [
    "FEED_SIZE", "MEDIA_TYPE", "Alert", "Feed", "FeedEntry", "NameTaken", "SavedSearches", "atom_xml",
    "brief_json", "check_name", "link_params", "params_of", "request_of", "saved_json", "search_feed",
]
