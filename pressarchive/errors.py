"""The errors a person can cause, each with a message fit to show them as one line.

The CLI turns these into ``error: ...`` and a non-zero exit, the web API into a 4xx JSON body.
Anything else escaping is a bug, not a user error.
"""

from __future__ import annotations


class UserError(Exception):
    """Bad input from a person: a query, a date, a profile, a URL, a name.

    ``parameter`` and ``value`` name the input at fault when one is (``page``, ``0``), and
    ``position`` the character of a query where parsing failed: the API hands them to
    programs beside the message, which stays the one line a person reads.
    """

    status_code = 400

    def __init__(
        self, message: str, *, parameter: str | None = None, value: object = None, position: int | None = None,
    ) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.value = value
        self.position = position


class NotFound(UserError):
    """Something asked for by name or id does not exist."""

    status_code = 404
