"""The moment a search must give up, checked at every step whose cost the query decides.

One :class:`Deadline` is made when a search (or "more like this") starts and is passed to
every step that can grow with the query or the index: expanding wildcards, reading posting
lists, matching phrases, counting facets, building snippets. Each checks it often enough
that a search stops within a few milliseconds of the limit, so a search over the limit costs
the server the limit and no more.
"""

from __future__ import annotations

import time

from pressarchive.index.errors import QueryTooExpensive


class Deadline:
    """A time limit in seconds from now; :meth:`check` raises once it has passed."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    def check(self) -> None:
        """Raise :class:`QueryTooExpensive` if the time is up."""
        if time.monotonic() > self.at:
            raise self.error()

    def error(self) -> QueryTooExpensive:
        """The error a search past this deadline raises."""
        return QueryTooExpensive(
            f"query too expensive: it ran longer than {self.seconds:g} s;"
            " try a narrower query (fewer wildcards or OR terms, or add filters)"
        )
