"""Tests for pressarchive.extract: bytes in, Document out.

The fixture pages are written for these tests (fictitious releases in realistic agency
markup: navigation, cookie banner, related links, footer) so that every expectation is known.
The last tests score extraction on the shared ground-truth pages when they are present.
"""

from __future__ import annotations

import gzip
import importlib.util
import io
import json
import os
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from pressarchive.extract import (
    ExtractionError,
    detect_language,
    extract_document,
    find_operations,
    normalise_operation,
)
from pressarchive.extract.dates import find_text_date
from pressarchive.extract.encoding import decode_html
from pressarchive.extract.html import page_language
from pressarchive.extract.titles import strip_site_name
from pressarchive.record import Document

# --------------------------------------------------------------------------- fixture pages

EN_PARAGRAPHS = [
    "Investigators from six countries, supported by Europol, have dismantled a criminal "
    "network that laundered the proceeds of cocaine trafficking through a chain of currency "
    "exchange offices. The action day on 10 December 2019 was the final phase of Operation "
    "Tantalio, which began in 2017 with a tip from a bank compliance officer.",
    "Officers carried out 42 house searches and arrested 23 suspects. They seized cash worth "
    "€3.4 million, two kilograms of cocaine, luxury watches and eleven vehicles. Financial "
    "investigators froze 130 bank accounts held by front companies in four jurisdictions.",
    "The network is believed to have moved more than €90 million over three years, splitting "
    "deposits into small amounts to stay below reporting thresholds and shipping the rest as "
    "bulk cash hidden in delivery vans.",
    "Europol facilitated the exchange of information, provided analytical support and "
    "deployed a mobile office to the coordination centre during the action day.",
]
ES_PARAGRAPHS = [
    "La Guardia Civil, con el apoyo de Europol, ha desarticulado en la operación denominada "
    "“TANTALIO” una organización criminal dedicada al blanqueo de capitales procedentes del "
    "narcotráfico a través de casas de cambio de divisas en la Costa del Sol.",
    "Los agentes han practicado 18 registros domiciliarios y han detenido a 14 personas, "
    "entre ellas los dos cabecillas de la red. Se han intervenido 1,2 millones de euros en "
    "efectivo, joyas, relojes de lujo y seis vehículos de alta gama.",
    "La investigación comenzó hace dos años, cuando los investigadores detectaron movimientos "
    "de dinero sospechosos entre varias sociedades pantalla con sede en Málaga y en Marbella.",
    "Los detenidos han sido puestos a disposición del juzgado de instrucción, que ha decretado "
    "prisión provisional para seis de ellos.",
]
IT_PARAGRAPHS = [
    "La Polizia di Stato ha concluso l'operazione «Tantalio», coordinata dalla Direzione "
    "distrettuale antimafia di Milano, contro un'organizzazione che riciclava i proventi del "
    "traffico di stupefacenti attraverso uffici di cambio valuta.",
    "Nel corso dell'operazione sono state eseguite ventitré misure cautelari e sono stati "
    "sequestrati beni per un valore complessivo di oltre quattro milioni di euro, tra cui "
    "immobili, orologi di lusso e autovetture.",
    "Le indagini, avviate nel 2017, hanno ricostruito una fitta rete di società di comodo "
    "intestate a prestanome residenti in Lombardia, in Spagna e in Portogallo.",
    "Gli arrestati dovranno rispondere, a vario titolo, di associazione per delinquere "
    "finalizzata al riciclaggio e all'autoriciclaggio.",
]


def agency_page(
    *,
    lang: str = "en",
    title_tag: str,
    h1: str,
    paragraphs: list[str],
    head_extra: str = "",
    before_text: str = "",
    charset_meta: str = '<meta charset="utf-8">',
) -> str:
    """A press-release page as agencies publish them, with all the usual boilerplate."""
    body = "\n".join(f"      <p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
  {charset_meta}
  <title>{title_tag}</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  {head_extra}
</head>
<body>
  <div id="cookie-banner" class="cookie-consent">
    <p>We use cookies to improve your browsing experience. By clicking Accept you consent to
    our use of analytics cookies. Read our cookie policy for more information.</p>
    <button>Accept all cookies</button> <button>Reject</button>
  </div>
  <header>
    <nav class="main-menu"><ul>
      <li><a href="/">Home</a></li><li><a href="/about">About us</a></li>
      <li><a href="/newsroom">Newsroom</a></li><li><a href="/crime-areas">Crime areas</a></li>
      <li><a href="/careers">Careers and procurement</a></li><li><a href="/contact">Contact</a></li>
    </ul></nav>
    <div class="breadcrumb"><a href="/">Home</a> &gt; <a href="/newsroom">Newsroom</a></div>
  </header>
  <main>
    <article class="press-release">
      <h1 class="page-title">{h1}</h1>
      {before_text}
{body}
    </article>
    <aside class="related-news">
      <h2>Related news</h2>
      <ul>
        <li><a href="/news/1">Twelve arrests in crackdown on counterfeit medicines sold
          online</a></li>
        <li><a href="/news/2">Joint action days target trafficking of firearms across the
          Balkans</a></li>
        <li><a href="/news/3">Cybercrime centre publishes its annual threat assessment</a></li>
      </ul>
    </aside>
  </main>
  <footer>
    <p>Copyright Example Agency. All rights reserved. Privacy statement. Legal notice.
    Follow us on social media. Subscribe to our newsletter for the latest press releases.</p>
  </footer>
</body>
</html>"""


def en_page(**overrides: str) -> bytes:
    page = {
        "title_tag": "Money laundering network dismantled in six countries | Example Agency",
        "h1": "Money laundering network dismantled in six countries",
        "head_extra": '<meta property="og:title" content="Money laundering network dismantled '
        'in six countries | Example Agency">',
        "before_text": '<p class="date"><time datetime="2019-12-10">10 December 2019</time></p>',
        **overrides,
    }
    return agency_page(paragraphs=EN_PARAGRAPHS, **page).encode("utf-8")


EN_URL = "https://www.example-agency.eu/newsroom/news/money-laundering-network-dismantled"


def extract(body: bytes, url: str = EN_URL, content_type: str | None = "text/html") -> Document:
    """extract_document, asserting that it found a document."""
    doc = extract_document(body, url, content_type)
    assert doc is not None
    return doc


# --------------------------------------------------------------------------- HTML

def test_html_main_text_without_boilerplate() -> None:
    doc = extract(en_page())
    assert doc.url == EN_URL
    assert "dismantled a criminal network" in doc.text
    assert "froze 130 bank accounts" in doc.text
    assert "€3.4 million" in doc.text
    for boilerplate in ("cookies", "Careers and procurement", "Related news",
                        "counterfeit medicines", "All rights reserved"):
        assert boilerplate not in doc.text
    assert (doc.source, doc.agency, doc.country) == ("", "", "")


def test_html_fields_english() -> None:
    doc = extract(en_page())
    assert doc.title == "Money laundering network dismantled in six countries"
    assert doc.language == "en"
    assert doc.published == date(2019, 12, 10)
    assert doc.operations == ("Tantalio",)


def test_text_does_not_repeat_the_headline() -> None:
    doc = extract(en_page())
    assert doc.text.startswith("Investigators from six countries")
    assert doc.title not in doc.text


def test_lone_headline_wins_over_a_title_naming_only_the_site() -> None:
    doc = extract(en_page(title_tag="Example Agency", head_extra=""))
    assert doc.title == "Money laundering network dismantled in six countries"


def test_lone_headline_wins_over_a_section_title_tag() -> None:
    doc = extract(en_page(title_tag="Example Agency - Press release", head_extra=""))
    assert doc.title == "Money laundering network dismantled in six countries"


def test_title_prefers_visible_headline_over_suffixed_og_title() -> None:
    doc = extract(en_page(
        h1="Europol supports Operation Tantalio against money launderers",
        title_tag="Europol supports Operation Tantalio against money launderers | Example Agency",
        head_extra='<meta property="og:title" content="Europol supports Operation Tantalio '
        'against money launderers | Example Agency">',
    ))
    assert doc.title == "Europol supports Operation Tantalio against money launderers"


def test_title_tag_suffix_stripped_without_headline() -> None:
    site_name = '<meta property="og:site_name" content="Example Agency">'
    doc = extract(en_page(h1="", head_extra=site_name))
    assert doc.title == "Money laundering network dismantled in six countries"


def test_site_name_stripping_keeps_headlines_that_start_with_the_agency() -> None:
    url = "https://www.europol.europa.eu/news/x"
    assert strip_site_name("Europol supports Operation Tantalio | Europol", None, url) == (
        "Europol supports Operation Tantalio"
    )
    assert strip_site_name("Europol - Operation Chemosh ends", "Europol", url) == (
        "Operation Chemosh ends"
    )
    assert strip_site_name("Three arrested - drugs seized in port", None, url) == (
        "Three arrested - drugs seized in port"
    )


def test_date_from_time_element_in_article() -> None:
    assert extract(en_page()).published == date(2019, 12, 10)


def test_date_only_in_time_datetime_attribute() -> None:
    # No date in the visible text or the URL: only the machine-readable attribute has it.
    paragraphs = [p.replace("on 10 December 2019 ", "") for p in EN_PARAGRAPHS]
    html = agency_page(
        title_tag="Network dismantled | Example Agency",
        h1="Network dismantled",
        paragraphs=paragraphs,
        before_text='<time datetime="2019-12-10">Press release</time>',
    )
    assert "2019" not in extract(html.encode()).text
    assert extract(html.encode()).published == date(2019, 12, 10)


def test_bare_year_is_not_a_publication_date() -> None:
    # htmldate would pad "began in 2017" to 2017-01-01; a release's date must be a real day.
    paragraphs = [p.replace("on 10 December 2019 ", "") for p in EN_PARAGRAPHS]
    html = agency_page(title_tag="Network dismantled | Example Agency", h1="Network dismantled",
                       paragraphs=paragraphs)
    assert extract(html.encode()).published is None


def test_date_from_published_time_meta_and_json_ld() -> None:
    meta = '<meta property="article:published_time" content="2019-03-14T09:00:00+01:00">'
    assert extract(en_page(before_text="", head_extra=meta)).published == date(2019, 3, 14)
    json_ld = ('<script type="application/ld+json">{"@context": "https://schema.org", '
               '"@type": "NewsArticle", "headline": "Network dismantled", '
               '"datePublished": "2017-06-21T10:00:00+02:00"}</script>')
    assert extract(en_page(before_text="", head_extra=json_ld)).published == date(2017, 6, 21)


def test_html_spanish_release() -> None:
    html = agency_page(
        lang="es",
        title_tag="La Guardia Civil desarticula una red de blanqueo de capitales - Guardia Civil",
        h1="La Guardia Civil desarticula una red de blanqueo de capitales",
        paragraphs=ES_PARAGRAPHS,
        before_text='<span class="fecha">'
        '<time datetime="2017-11-23T10:15:00+01:00">23/11/2017</time></span>',
    )
    doc = extract(html.encode(), "https://www.guardiacivil.es/es/prensa/noticias/6400.html")
    assert doc.title == "La Guardia Civil desarticula una red de blanqueo de capitales"
    assert doc.language == "es"
    assert doc.published == date(2017, 11, 23)
    assert doc.operations == ("Tantalio",)
    assert "“TANTALIO”" in doc.text


def test_html_italian_release() -> None:
    html = agency_page(
        lang="it",
        title_tag="Operazione Tantalio: ventitré misure cautelari | Polizia di Stato",
        h1="Operazione Tantalio: ventitré misure cautelari",
        paragraphs=IT_PARAGRAPHS,
        head_extra='<meta property="article:published_time" content="2017-11-24T08:00:00+01:00">',
    )
    doc = extract(html.encode(), "https://www.poliziadistato.it/articolo/operazione-tantalio")
    assert doc.title == "Operazione Tantalio: ventitré misure cautelari"
    assert doc.language == "it"
    assert doc.published == date(2017, 11, 24)
    assert doc.operations == ("Tantalio",)


def test_page_without_main_text_gives_none() -> None:
    html = agency_page(title_tag="Newsroom | Example Agency", h1="", paragraphs=[])
    assert extract_document(html.encode(), "https://www.example-agency.eu/newsroom") is None
    assert extract_document(b"", "https://www.example-agency.eu/empty") is None


# --------------------------------------------------------------------------- encodings

CP1252_SENTENCE = "Se han intervenido 1,2 millones de € y la “operación” culminó en Málaga."


def cp1252_page(charset_meta: str) -> bytes:
    html = agency_page(
        lang="es",
        title_tag="Operación Tantalio: golpe al blanqueo en Málaga",
        h1="Operación Tantalio: golpe al blanqueo en Málaga",
        paragraphs=[*ES_PARAGRAPHS, CP1252_SENTENCE],
        charset_meta=charset_meta,
    )
    return html.encode("cp1252")


def test_cp1252_declared_in_http_header() -> None:
    body = cp1252_page(charset_meta="")
    doc = extract(body, "https://www.guardiacivil.es/x.html", "text/html; charset=windows-1252")
    assert CP1252_SENTENCE in doc.text
    assert doc.title == "Operación Tantalio: golpe al blanqueo en Málaga"


def test_cp1252_declared_only_in_meta() -> None:
    body = cp1252_page(charset_meta='<meta charset="windows-1252">')
    doc = extract(body, "https://www.guardiacivil.es/x.html", "text/html")
    assert CP1252_SENTENCE in doc.text
    assert doc.operations == ("Tantalio",)


def test_header_charset_wins_over_meta() -> None:
    html = '<html><head><meta charset="utf-8"></head><body>Málaga “€”</body></html>'
    body = html.encode("cp1252")
    assert "Málaga “€”" in decode_html(body, "text/html; charset=windows-1252")


def test_undeclared_cp1252_is_detected() -> None:
    assert CP1252_SENTENCE in decode_html(cp1252_page(charset_meta=""), None)


# --------------------------------------------------------------------------- PDF

def make_pdf(lines: list[str], metadata: dict[str, str] | None = None) -> bytes:
    """A one-page PDF that shows ``lines`` in Helvetica (WinAnsi, so accents and € work)."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    font = DictionaryObject({
        NameObject("/Type"): NameObject("/Font"),
        NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica"),
        NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
    })
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
    )
    escaped = (line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") for line in lines)
    shown = [f"({line}) Tj T*" for line in escaped]
    operators = ["BT", "/F1 11 Tf", "14 TL", "60 780 Td", *shown, "ET"]
    content = DecodedStreamObject()
    content.set_data("\n".join(operators).encode("cp1252"))
    page.replace_contents(content)
    if metadata:
        writer.add_metadata(metadata)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PDF_LINES = [
    "Nota de prensa",
    "La Guardia Civil culmina la operación 'Tantalio' contra el blanqueo de capitales",
    "Madrid, 23 de noviembre de 2017",
    "La Guardia Civil ha detenido a 14 personas e intervenido 1,2 millones de € en efectivo",
    "en una investigación sobre casas de cambio de divisas de la Costa del Sol.",
]


def test_pdf_with_metadata() -> None:
    info = {"/Title": "Operación Tantalio", "/CreationDate": "D:20171123093000+01'00'"}
    body = make_pdf(PDF_LINES, info)
    doc = extract(body, "https://www.guardiacivil.es/prensa/nota.pdf", "application/pdf")
    assert doc.title == "Operación Tantalio"
    assert "intervenido 1,2 millones de € en efectivo" in doc.text
    assert doc.published == date(2017, 11, 23)
    assert doc.language == "es"
    assert doc.operations == ("Tantalio",)


def test_pdf_without_metadata_uses_first_line_and_text_date() -> None:
    body = make_pdf(PDF_LINES[1:], {"/Title": "Microsoft Word - nota_prensa_v2.docx"})
    doc = extract(body, "https://www.guardiacivil.es/descargas/nota", content_type=None)
    assert doc.title == PDF_LINES[1]
    assert doc.published == date(2017, 11, 23)


def test_pdf_sniffed_from_magic_or_url() -> None:
    body = make_pdf(PDF_LINES)
    generic = extract(body, "https://x.example/download?id=1", "application/octet-stream")
    assert generic.title == "Nota de prensa"
    assert extract(body, "https://x.example/nota.pdf", None).language == "es"


def test_pdf_url_answering_with_html_is_html() -> None:
    doc = extract(en_page(), "https://x.example/report.pdf", content_type=None)
    assert doc.title == "Money laundering network dismantled in six countries"


def test_corrupt_pdf_raises() -> None:
    body = make_pdf(PDF_LINES)
    with pytest.raises(ExtractionError):
        extract_document(body[: len(body) // 2], "https://x.example/nota.pdf", "application/pdf")
    with pytest.raises(ExtractionError):
        extract_document(b"%PDF-1.7\nnot a pdf\n", "https://x.example/a.pdf", "application/pdf")


def test_pdf_without_text_gives_none() -> None:
    assert extract_document(make_pdf([]), "https://x.example/scan.pdf", "application/pdf") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Press release\nThe Hague, 10 December 2019\nEuropol ...", date(2019, 12, 10)),
        ("Comunicato stampa - Roma, 24 novembre 2017", date(2017, 11, 24)),
        ("Wiesbaden, 10. Dezember 2019 - Das BKA ...", date(2019, 12, 10)),
        ("Lisboa, 5 de março de 2019", date(2019, 3, 5)),
        ("Communiqué du 10/12/2019 : la police ...", date(2019, 12, 10)),
        ("Published December 10, 2019 by the press office", date(2019, 12, 10)),
        ("ref 2019-12-10", date(2019, 12, 10)),
        ("no date here, only 2019 and 31/02/2019", None),
    ],
)
def test_text_dates(text: str, expected: date | None) -> None:
    assert find_text_date(text, today=date(2024, 1, 1)) == expected


# --------------------------------------------------------------------------- language

@pytest.mark.parametrize(
    ("paragraphs", "expected"),
    [(EN_PARAGRAPHS, "en"), (ES_PARAGRAPHS, "es"), (IT_PARAGRAPHS, "it")],
)
def test_detect_language(paragraphs: list[str], expected: str) -> None:
    assert detect_language(" ".join(paragraphs), default="xx") == expected


def test_language_falls_back_for_short_text() -> None:
    assert detect_language("Operazione Tantalio", default="it") == "it"
    assert detect_language("Nota de prensa", default="pt-BR") == "pt"
    assert detect_language("", default="") == ""


def test_language_overrides_a_wrong_page_declaration() -> None:
    html = agency_page(lang="en", title_tag="Operazione Tantalio", h1="Operazione Tantalio",
                       paragraphs=IT_PARAGRAPHS)
    assert extract(html.encode(), "https://www.poliziadistato.it/a").language == "it"


def test_page_language_declaration() -> None:
    from trafilatura import load_html

    assert page_language(load_html('<html lang="es-ES"><body><p>x</p></body></html>')) == "es"
    meta = '<html><head><meta property="og:locale" content="pt_PT"></head><body></body></html>'
    assert page_language(load_html(meta)) == "pt"


# --------------------------------------------------------------------------- operations

@pytest.mark.parametrize(
    "text",
    [
        "Europol supported Operation Tantalio against money laundering.",
        "OPERATION TANTALIO: 23 ARRESTS IN SIX COUNTRIES",
        "an operation codenamed Tantalio was launched in 2017",
        "La Guardia Civil, en la Operación Tantalio, detuvo a 14 personas.",
        "Culmina la operación 'Tantalio' en Málaga.",
        "la operación denominada “TANTALIO”, llevada a cabo por la Guardia Civil",
        "una operación bautizada como Tantalio",
        "L'operazione, denominata «Tantalio», ha portato a 23 arresti.",
        "Operazione Tantalio: sequestri per quattro milioni",
        "L'opération « Tantalio » a permis d'interpeller douze personnes.",
        "l'opération baptisée Tantalio",
        "A Polícia Judiciária, na operação chamada ‘Tantalio’, deteve cinco suspeitos.",
        "Operação Tantalio: PJ detém cinco suspeitos",
        "Im Rahmen der Operation Tantalio nahmen die Ermittler zwanzig Verdächtige fest.",
        "Die Operation „Tantalio“ wurde von Europol koordiniert.",
        "eine Operation namens Tantalio",
    ],
)
def test_operation_in_each_language(text: str) -> None:
    assert find_operations(text) == ("Tantalio",)


@pytest.mark.parametrize(
    "text",
    [
        "The Operation was carried out in May.",
        "Operation The network was dismantled.",
        "Europol's operational centre in The Hague.",
        "an operation Europol coordinated",
        "Operation In Spain and Portugal",
        "Die Operation Der Polizei",
        "El operativo y la operación La Guardia Civil",
        "Il giorno dell'operazione Il questore ha parlato",
        "Operation December",
        "Operação Segunda-feira",
        "Opération Lundi",
        "Cooperation Tantalio",
        "Joint Operation Dismantles Drug Ring In Spain",
        "the operation was successful",
    ],
)
def test_operation_false_positives(text: str) -> None:
    assert find_operations(text) == ()


def test_operations_order_dedup_and_multiword() -> None:
    title = "Operation Chemosh follows OPERATION TANTALIO"
    text = ("In 2019 Operation Chemosh targeted the same clans. Operation Tantalio (2017) and "
            "la operación Tantalio are one. Operation Trojan Shield: a separate case.")
    assert find_operations(title, text) == ("Chemosh", "Tantalio", "Trojan Shield")


def test_title_case_headline_needs_confirmation() -> None:
    headline = "Europol Backs Operation Tantalio Against Mafia Clans"
    assert find_operations(headline) == ()
    body = "The investigation, Operation Tantalio, ended."
    assert find_operations(headline, body) == ("Tantalio",)


def test_operation_names_keep_accents_and_numerals() -> None:
    found = find_operations("la operación «ÁGUILA»", "Operation PANGEA XIV")
    assert found == ("Águila", "Pangea XIV")
    assert normalise_operation("Águila") == "aguila"


def test_normalise_operation() -> None:
    assert normalise_operation("TANTALIO") == "tantalio"
    assert normalise_operation("Operación") == "operacion"
    assert normalise_operation(" Trojan  Shield ") == "trojan shield"
    assert normalise_operation("Lake-Nix") == normalise_operation("lake nix")


# --------------------------------------------------------------------------- shared test data

REPO = Path(__file__).resolve().parents[1]
GroundTruth = tuple[ModuleType, list[dict[str, Any]]]  # metric module, scored pages
TESTDATA = Path(os.environ.get("PRESSARCHIVE_TESTDATA") or REPO.parent / "shared" / "testdata")


@pytest.fixture(scope="module")
def ground_truth() -> GroundTruth:
    """The test set's metric module and every third of its pages, with extraction results."""
    if not (TESTDATA / "ground_truth.jsonl").is_file():
        pytest.skip(f"shared test data not found at {TESTDATA}")
    path = TESTDATA / "tools" / "evaluate.py"
    spec = importlib.util.spec_from_file_location("testdata_evaluate", path)
    assert spec is not None and spec.loader is not None
    metrics = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(metrics)
    with open(TESTDATA / "ground_truth.jsonl", encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines][::3]
    for record in records:
        if record.get("text") or record.get("date"):
            with gzip.open(TESTDATA / record["file"], "rb") as page:
                try:
                    record["doc"] = extract_document(page.read(), record.get("url") or "")
                except ExtractionError:
                    record["doc"] = None
    return metrics, records


def test_ground_truth_main_text_f1(ground_truth: GroundTruth) -> None:
    metrics, records = ground_truth
    pairs = [
        (r["text"], r["doc"].text if r["doc"] else "")
        for r in records
        if r.get("text") and str(r["id"]).startswith(("aeb-", "atf-"))
    ]
    assert len(pairs) > 80
    assert metrics.text_scores(pairs, n_boot=10)["f1"] >= 0.90


def test_ground_truth_date_accuracy(ground_truth: GroundTruth) -> None:
    _, records = ground_truth
    dated = [r for r in records if r.get("date")]
    hits = [
        bool(r["doc"] and r["doc"].published and r["doc"].published.isoformat() == r["date"])
        for r in dated
    ]
    assert len(hits) > 100
    assert sum(hits) / len(hits) >= 0.80


def test_layout_tables_are_unwrapped_but_data_tables_kept() -> None:
    from lxml import html as lxml_html

    from pressarchive.extract.layout import unwrap_layout_tables

    page = lxml_html.fromstring(
        "<html><body><table><tr><td><p>Menu</p></td><td><h1>Release</h1><p>Body text.</p>"
        "<table><tr><th>Country</th><th>Arrests</th></tr><tr><td>Spain</td><td>12</td></tr></table>"
        "</td></tr></table></body></html>"
    )
    assert unwrap_layout_tables(page) == 1
    (data_table,) = page.xpath("//table")
    assert data_table.xpath(".//td/text()") == ["Spain", "12"]


def test_release_laid_out_in_tables_comes_out_as_prose() -> None:
    body = (
        "<html lang='es'><body><table width='100%'><tr><td class='nav'><ul><li><a href='/'>Inicio</a></li>"
        "<li><a href='/prensa'>Prensa</a></li></ul></td><td><h1>Operación Marea: nueve detenidos</h1>"
        + "".join(f"<p>Los agentes de la policía han detenido a nueve personas en la fase {i} de la "
                  "operación, desarrollada en varias provincias con el apoyo de Europol.</p>" for i in range(4))
        + "</td></tr></table></body></html>"
    ).encode()
    doc = extract_document(body, "https://police.example/prensa/1.html", "text/html; charset=utf-8")
    assert doc is not None and "|" not in doc.text
    assert "Los agentes de la policía han detenido" in doc.text
