"""The errors a person can cause, each with a message fit to show them as one line.

The CLI turns these into ``error: ...`` and a non-zero exit, the web API into a 4xx JSON body.
Anything else escaping is a bug, not a user error.
"""

from __future__ import annotations


class UserError(Exception):
    """Bad input from a person: a query, a date, a profile, a URL, a name."""

    status_code = 400


class NotFound(UserError):
    """Something asked for by name or id does not exist."""

    status_code = 404
