"""Citing an archived version: APA, Chicago and BibTeX, each naming the version's permalink.

A citation names what was read and where it can be read again: the release (author, title,
date, original address) and the archived copy (the permalink of the version, which always
shows that text, and when it was captured). The *access date* is the day the citation is made
(today unless given): the day the reader saw the archive's copy; the capture date says when
the archive took it from the source. The author is the publishing source's agency (from its
profile), else the source's title, else its name: press releases are corporate-authored.

BibTeX is an ``@misc`` entry for biblatex or BibTeX with ``url``/``urldate``: text fields have
LaTeX's special characters escaped (``\\ { } # $ % & _ ~ ^``), the corporate author is braced
so it is not split into names, and URLs are made ASCII with braces and backslashes
percent-encoded so they survive verbatim fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from w3lib.url import safe_url_string

from pressarchive.isodate import utc_iso

#: The citation styles, in the order pages list them.
STYLES: tuple[str, ...] = ("apa", "chicago", "bibtex")
STYLE_NAMES = {"apa": "APA", "chicago": "Chicago", "bibtex": "BibTeX"}
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
_LATEX = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "#": r"\#", "$": r"\$", "%": r"\%", "&": r"\&",
    "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}
_LATEX_SPECIAL = re.compile("|".join(re.escape(char) for char in _LATEX))


@dataclass(frozen=True, slots=True)
class CitedVersion:
    """What a citation names: the release and the archived version of it that was read."""

    doc_id: int
    version: int
    author: str
    title: str
    published: date | None
    url: str
    permalink: str
    captured: datetime
    accessed: date

    def apa(self) -> str:
        published = (f"{self.published.year}, {MONTHS[self.published.month - 1]} {self.published.day}"
                     if self.published else "n.d.")
        return (
            f"{_sentence(self.author)} ({published}). {_clean(self.title) or 'Untitled'} [Press release; "
            f"archived version {self.version}, captured {_long(self.captured.date())}]. {_clean(self.url)}. "
            f"Retrieved {_long(self.accessed)}, from {self.permalink}"
        )

    def chicago(self) -> str:
        published = _long(self.published) if self.published else "n.d."
        return (
            f"{_sentence(self.author)} \u201c{_sentence(self.title or 'Untitled')}\u201d Press release, "
            f"{published}. {_clean(self.url)}. Archived version {self.version}, captured "
            f"{_long(self.captured.date())}. Accessed {_long(self.accessed)}. {self.permalink}."
        )

    def bibtex(self) -> str:
        fields = [("author", "{" + latex(self.author) + "}"), ("title", "{" + latex(self.title) + "}")]
        if self.published:
            fields += [("year", str(self.published.year)), ("date", self.published.isoformat())]
        fields += [
            ("url", bibtex_url(self.permalink)),
            ("urldate", self.accessed.isoformat()),
            ("howpublished", "Press release, \\url{" + _url_argument(self.url) + "}"),
            ("note", f"Archived by pressarchive, version {self.version}, captured "
                     f"{self.captured.date().isoformat()}"),
        ]
        body = "".join(f"  {name} = {{{value}}},\n" for name, value in fields)
        return f"@misc{{{self.key},\n{body}}}"

    @property
    def key(self) -> str:
        return f"pressarchive{self.doc_id}v{self.version}"

    def formats(self) -> dict[str, str]:
        """Style -> citation text, in :data:`STYLES` order."""
        return {"apa": self.apa(), "chicago": self.chicago(), "bibtex": self.bibtex()}

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.doc_id, "version": self.version, "permalink": self.permalink,
            "author": self.author, "title": self.title,
            "published": self.published.isoformat() if self.published else None, "url": self.url,
            "captured": utc_iso(self.captured),
            "accessed": self.accessed.isoformat(), "citations": self.formats(),
        }


def latex(text: str) -> str:
    """``text`` for a BibTeX text field: whitespace collapsed, LaTeX's special characters escaped."""
    return _LATEX_SPECIAL.sub(lambda match: _LATEX[match.group()], _clean(text))


def bibtex_url(url: str) -> str:
    """``url`` for a verbatim ``url`` field: ASCII, with nothing that would unbalance braces."""
    return safe_url_string(_clean(url)).replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")


def _url_argument(url: str) -> str:
    """``url`` as the argument of ``\\url`` inside a text field (``%`` and ``#`` escaped)."""
    return bibtex_url(url).replace("%", r"\%").replace("#", r"\#")


def _clean(text: str) -> str:
    return " ".join(text.split())


def _sentence(text: str) -> str:
    """``text`` ending with a full stop (unless it ends with one, or with ? or !)."""
    text = _clean(text)
    return text if text.endswith((".", "?", "!")) else f"{text}."


def _long(day: date) -> str:
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"
