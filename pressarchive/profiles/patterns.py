"""``compile_pattern``: every regex a profile or discovery supplies runs on RE2, in linear time.

A profile's ``article`` and ``follow`` regexes come from users, and ``discover`` writes them from
what a (possibly hostile) site serves. Python's backtracking engine can take exponential time on
a pattern such as ``(a+)+$`` and a URL built to defeat it, and it does so inside C code, on the
reactor's thread, where no signal handler runs: the crawl hangs and Ctrl-C cannot end it. RE2
matches in time linear in the URL whatever the pattern, so a slow regex is impossible by
construction. Linear is not yet small: the cost per character grows with the compiled program,
so a program is held to ``MAX_PROGRAM_MEMORY`` and a text longer than ``MAX_URL_LENGTH`` (Scrapy's
``URLLENGTH_LIMIT``: a longer URL is never requested) matches nothing; the worst pattern that
compiles then costs about 50 ms a URL, an ordinary one microseconds. What RE2 refuses to compile
(lookarounds, backreferences, repetitions over 1000, a program over the budget) is a
:class:`PatternError` whose message says why, for the profile loader to name the file and the
field.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import re2

__all__ = ["MAX_PROGRAM_MEMORY", "MAX_URL_LENGTH", "PatternError", "UrlPattern", "compile_pattern", "compile_patterns"]

MAX_PROGRAM_MEMORY = 1 << 20  # bytes for one compiled regex (RE2's default is 8 MiB)
#: Scrapy's ``URLLENGTH_LIMIT`` (a test keeps them equal): profiles do not import Scrapy.
MAX_URL_LENGTH = 2083


class PatternError(ValueError):
    """A regex RE2 cannot compile; the message is RE2's reason."""


class UrlPattern:
    """A compiled RE2 regex, searched in URLs like ``re.Pattern.search``.

    RE2 works on UTF-8, and a URL taken from a JSON feed can hold a lone surrogate that UTF-8
    cannot encode; such a character is matched as ``?`` rather than raising in a callback.
    """

    __slots__ = ("pattern", "_regex")

    def __init__(self, pattern: str, regex: Any) -> None:
        self.pattern = pattern
        self._regex = regex

    def search(self, text: str) -> Any:
        """The first match of the pattern in ``text``, or None (always for an over-long text)."""
        if len(text) > MAX_URL_LENGTH:
            return None
        try:
            return self._regex.search(text)
        except UnicodeEncodeError:
            return self._regex.search(text.encode("utf-8", "replace").decode("utf-8"))

    def __repr__(self) -> str:
        return f"UrlPattern({self.pattern!r})"


def _options() -> Any:
    options = re2.Options()
    options.log_errors = False  # the reason goes into one error line, not to stderr via absl
    options.max_mem = MAX_PROGRAM_MEMORY
    return options


_OPTIONS = _options()
_LOOKAROUNDS = ("(?=", "(?!", "(?<=", "(?<!")


@lru_cache(maxsize=1024)  # discovery matches the same few patterns against thousands of URLs
def compile_pattern(pattern: str) -> UrlPattern:
    """``pattern`` compiled by RE2, or :class:`PatternError` saying why RE2 refuses it."""
    try:
        return UrlPattern(pattern, re2.compile(pattern, options=_OPTIONS))
    except re2.error as exc:
        raise PatternError(_reason(exc)) from None


def compile_patterns(patterns: tuple[str, ...] | list[str]) -> list[UrlPattern]:
    """Each of ``patterns`` compiled (they were validated when the profile was loaded)."""
    return [compile_pattern(pattern) for pattern in patterns]


def _reason(exc: Exception) -> str:
    reason = exc.args[0] if exc.args else str(exc)
    if isinstance(reason, bytes):
        reason = reason.decode("utf-8", "replace")
    reason = str(reason)
    if any(f"invalid perl operator: {op}" in reason for op in _LOOKAROUNDS):
        return f"{reason} (lookarounds are not supported: regexes are RE2 syntax)"
    if "invalid escape sequence: \\" in reason and reason[-1:].isdigit():
        return f"{reason} (backreferences are not supported: regexes are RE2 syntax)"
    if "pattern too large" in reason:
        return f"{reason} (a regex may compile to at most {MAX_PROGRAM_MEMORY // 1024} KiB)"
    return reason
