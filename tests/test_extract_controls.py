"""Control characters never leave extraction, whichever path read the page.

A page that puts ESC/CSI sequences in its title or text must not be able to drive the
terminal of whoever reads the archive later; lxml happens to drop them from HTML text, so each
of the other paths (JSON-LD, a site extractor's payload, a PDF) is tried on its own, plus HTML
for C1 characters and DEL, which lxml keeps.
"""

from __future__ import annotations

import json

import pytest

from pressarchive.extract import extract_document
from pressarchive.extract.controls import CONTROL, strip_controls
from pressarchive.record import Document
from tests.test_extract import EN_PARAGRAPHS, EN_URL, agency_page, make_pdf
from tests.test_site_extractors import URL as EUROPOL_URL
from tests.test_site_extractors import europol_page, payload, server_data_script

#: Controls only, so that what is left around them is exactly the surrounding text.
ATTACK = "\x1b\x9b\x07\x7f\x00\x85\x1f"


def assert_clean(doc: Document | None) -> Document:
    assert doc is not None
    for value in (doc.title, doc.text, doc.language, *doc.operations):
        assert not CONTROL.search(value), repr(value)
    return doc


def test_strip_controls_keeps_tab_newline_and_letters() -> None:
    assert strip_controls(f"a\tb\nc{ATTACK}d é €") == "a\tb\ncd é €"


def test_html_text_and_title() -> None:
    page = agency_page(
        title_tag="t",
        h1=f"Port raids{ATTACK} in Rotterdam",
        paragraphs=[f"{EN_PARAGRAPHS[0]}{ATTACK}", *EN_PARAGRAPHS[1:]],
    )
    doc = assert_clean(extract_document(page.encode(), EN_URL, "text/html; charset=utf-8"))
    assert doc.title == "Port raids in Rotterdam"


def test_json_ld_headline_and_article_body() -> None:
    ld = {
        "@type": "NewsArticle",
        "headline": "JSONLD \x1b[31mheadline\x9b2J",
        "articleBody": f"Operation Kestrel\x1b[1m ended{ATTACK}. " + EN_PARAGRAPHS[1],
        "datePublished": "2021-06-03",
    }
    script = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    page = f"<html lang='en'><head>{script}</head><body><div id='app'></div></body></html>"
    doc = assert_clean(extract_document(page.encode(), EN_URL, "text/html"))
    assert doc.title == "JSONLD [31mheadline2J"
    # (U+0085 and U+001F split lines in Python, so the body may break there: no harm)
    assert doc.text.startswith("Operation Kestrel[1m ended")
    assert doc.operations == ("Kestrel",)


def test_site_extractor_payload() -> None:
    body = europol_page(
        server_data_script(
            payload(title=f"Forged papers{ATTACK}", body=f"<p>{EN_PARAGRAPHS[0]}\x1b]0;owned\x07</p><p>B{ATTACK}</p>")
        )
    )
    doc = assert_clean(extract_document(body, EUROPOL_URL, extractor="europol"))
    assert doc.title == "Forged papers"
    assert "]0;owned" in doc.text


@pytest.mark.parametrize("where", ["title", "text"])
def test_pdf_title_and_text(where: str) -> None:
    lines = [
        "Nota de prensa",
        "La Guardia Civil culmina la operacion Tantalio contra el blanqueo",
        "Madrid, 23 de noviembre de 2017",
        "La Guardia Civil ha detenido a 14 personas",
    ]
    info = {"/Title": "Operacion Tantalio"}
    controls = "\x1b\x07\x7f\x01\x1f"  # a PDF's WinAnsi text has no C1 characters
    if where == "title":
        info["/Title"] = f"Operacion{controls} Tantalio"
    else:
        lines[3] += f"\x1b[2J{controls}"
    doc = assert_clean(extract_document(make_pdf(lines, info), "https://g.example/nota.pdf", "application/pdf"))
    assert doc.title == "Operacion Tantalio"
