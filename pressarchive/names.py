"""Names people give to what they keep: saved searches and collections.

A name is shown in listings and is one segment of its thing's addresses
(``/saved/NAME/feed.atom``, ``/collections/NAME``), so both kinds follow one rule: 1 to
:data:`MAX_NAME_CHARS` characters, no ``/`` (it would split the segment), not ``.`` or ``..``
(a browser resolves ``/saved/../feed.atom`` to ``/feed.atom``), no control characters (they
drive terminals), no format characters (a right-to-left override reorders what a listing
shows), and no lone surrogates (bytes that were not UTF-8 on a command line, which the
database cannot store).
"""

from __future__ import annotations

import unicodedata

from pressarchive.errors import UserError

MAX_NAME_CHARS = 100
#: Unicode categories refused in a name, with why: control, format, lone surrogate.
_REFUSED = {
    "Cc": "control characters are not allowed",
    "Cf": "invisible format characters (such as a right-to-left override) are not allowed",
    "Cs": "bytes that are not UTF-8 are not allowed",
}


def check_name(name: str, what: str) -> str:
    """``name`` without surrounding spaces, or a UserError saying what a ``what`` (``"saved
    search"``, ``"collection"``) name may hold."""
    name = name.strip()
    if not name:
        raise UserError(f"a {what} needs a name")
    if len(name) > MAX_NAME_CHARS:
        raise UserError(f"{what} name too long: {len(name)} characters, at most {MAX_NAME_CHARS}")
    for char in name:
        reason = _REFUSED.get(unicodedata.category(char))
        if reason is not None:
            raise UserError(f"bad {what} name {name[:40]!r}: {reason}")
    if "/" in name:
        raise UserError(f"bad {what} name {name[:40]!r}: '/' is not allowed")
    if name in (".", ".."):
        raise UserError(f"bad {what} name {name!r}: '.' and '..' are not allowed (in an address they "
                        "mean this folder and the one above)")
    return name
