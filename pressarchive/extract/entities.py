"""The facts a document's text states, added after its text is final: countries, agencies, figures.

They are worked out from the clean title and text only (never from the page's markup), so
re-running the extractors over an archived capture (``pressarchive reprocess``) finds the same
facts from the same text, and an improved extractor reaches every archived version.
"""

from __future__ import annotations

from pressarchive.extract.agencies import find_agencies
from pressarchive.extract.countries import find_countries
from pressarchive.extract.figures import find_figures
from pressarchive.record import Document


def annotate(doc: Document, home: str = "") -> Document:
    """``doc`` with the countries, agencies and reported figures its title and text mention.

    ``home`` is the publishing source's country: it tells which "National Police" a release
    means when the text names none (the document's own ``country`` is set later, by the crawler).
    """
    return doc.replace(
        countries=find_countries(doc.title, doc.text),
        agencies=find_agencies(doc.title, doc.text, home=home),
        figures=find_figures(doc.text, doc.language),
    )
