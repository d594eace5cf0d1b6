"""Filling the archive's past from the Wayback Machine.

The CDX API lists a URL pattern's captures; a Scrapy spider fetches each one raw (``id_``
mode) at a polite rate and the import session (:mod:`pressarchive.imports`) archives and
extracts it with its capture time and its Wayback URL as origin.

Modules: :mod:`~pressarchive.wayback.cdx` (the CDX API's query and pages, dates, patterns: no
Scrapy, so profiles can check their patterns with it), :mod:`~pressarchive.wayback.captures`,
:mod:`~pressarchive.wayback.spider`, :mod:`~pressarchive.wayback.pipeline`,
:mod:`~pressarchive.wayback.run` (:func:`run_wayback`), :mod:`~pressarchive.wayback.summary`.
"""

from __future__ import annotations
