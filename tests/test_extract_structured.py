"""Tests for the structured metadata pages declare (JSON-LD, Open Graph) and its use.

The fixture pages are fictitious releases written for these tests; the JSON-LD in them is
damaged on purpose in the ways publishers' CMSs damage it.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from trafilatura import load_html

from pressarchive.extract import extract_document
from pressarchive.extract.dates import parse_declared_date
from pressarchive.extract.fragments import html_to_text
from pressarchive.extract.jsonld import json_ld_objects, parse_block
from pressarchive.extract.structured import StructuredData, read_structured
from pressarchive.record import Document

URL = "https://police.example/news/2021/06/01/port-raids"
HEADLINE = "Forged customs papers seized in port raids"
PARAGRAPHS = [
    "Officers of the regional police searched nine warehouses on the edge of the harbour "
    "district and seized forged customs stamps, blank shipping documents and four laptops "
    "that had been used to plan the transports.",
    "Investigators believe the group relabelled containers of cigarettes as furniture parts to "
    "avoid excise duties for at least two years, at a cost to the public purse estimated in "
    "the millions.",
    "Five suspects were detained and will be brought before an investigating judge this week. "
    "The inquiry continues and further arrests have not been ruled out.",
]
PT_PARAGRAPHS = [
    "A polícia regional realizou buscas em nove armazéns junto ao porto e apreendeu carimbos "
    "aduaneiros falsificados, documentos de transporte em branco e quatro computadores.",
    "Segundo os investigadores, o grupo alterava os rótulos de contentores de tabaco para "
    "fugir aos impostos especiais de consumo durante pelo menos dois anos.",
]


def ld(obj: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


def page(
    head: str = "",
    *,
    h1: str = HEADLINE,
    title: str = "Port raids | Example Police",
    paragraphs: list[str] = PARAGRAPHS,
    lang: str = "en",
) -> bytes:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    heading = f"<h1>{h1}</h1>" if h1 else ""
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>{head}</head>
<body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>
<main><article>{heading}
{body}
</article></main>
<footer><p>Example Police. Privacy notice. Accessibility statement.</p></footer>
</body></html>""".encode()


def structured(head: str, url: str = URL) -> StructuredData:
    tree = load_html(f"<html><head>{head}</head><body><p>x</p></body></html>")
    return read_structured(tree, url, today=date(2024, 1, 1))


def extract(body: bytes, url: str = URL) -> Document:
    doc = extract_document(body, url, "text/html; charset=utf-8")
    assert doc is not None
    return doc


ARTICLE = {
    "@context": "https://schema.org",
    "@type": "NewsArticle",
    "headline": HEADLINE,
    "datePublished": "2021-06-03T09:15:00+02:00",
    "dateModified": "2021-06-04T10:00:00+02:00",
    "inLanguage": "en-GB",
    "publisher": {"@type": "Organization", "name": "Example Police"},
}


# --------------------------------------------------------------------------- JSON-LD reading

def test_article_fields() -> None:
    data = structured(ld(ARTICLE))
    assert data.headlines == (HEADLINE,)
    assert data.published == date(2021, 6, 3)
    assert data.modified == date(2021, 6, 4)
    assert data.language == "en"
    assert data.publisher == "Example Police"


def test_graph_with_site_objects() -> None:
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "@id": "https://police.example/#website", "name": "Example Police"},
            {"@type": "Organization", "name": "Example Police", "foundingDate": "1990-05-01"},
            {"@type": "WebPage", "@id": URL + "#webpage", "url": URL, "name": "Port raids | Example Police",
             "datePublished": "2021-06-02T08:00:00+00:00"},
            {"@type": ["NewsArticle", "Article"], "@id": URL + "#article", "headline": HEADLINE,
             "mainEntityOfPage": {"@id": URL + "#webpage"}, "datePublished": "2021-06-03"},
        ],
    }
    data = structured(ld(graph))
    assert data.headlines == (HEADLINE, "Port raids | Example Police")
    assert data.published == date(2021, 6, 3)  # the article's date, not the page object's


def test_top_level_list_and_several_blocks() -> None:
    site = ld([{"@type": "Organization", "name": "Example Police"}, {"@type": "WebSite", "name": "x"}])
    data = structured(site + ld([ARTICLE]))
    assert data.headlines == (HEADLINE,)
    assert data.published == date(2021, 6, 3)


@pytest.mark.parametrize(
    "block",
    [
        # HTML-escaped quotes, as some templates print the JSON through an escaping filter
        '{&quot;@type&quot;: &quot;NewsArticle&quot;, &quot;headline&quot;: &quot;Port raids&quot;, '
        '&quot;datePublished&quot;: &quot;2021-06-03&quot;}',
        # a trailing comma
        '{"@type": "NewsArticle", "headline": "Port raids", "datePublished": "2021-06-03",}',
        # a raw line break inside a string
        '{"@type": "NewsArticle", "headline": "Port\nraids", "datePublished": "2021-06-03"}',
        # a CDATA wrapper
        '//<![CDATA[\n{"@type": "NewsArticle", "headline": "Port raids", "datePublished": "2021-06-03"}\n//]]>',
        # two objects in one block, the first one the site's
        '{"@type": "WebSite", "name": "Example Police"}\n'
        '{"@type": "NewsArticle", "headline": "Port raids", "datePublished": "2021-06-03"};',
    ],
)
def test_damaged_json_is_repaired(block: str) -> None:
    data = structured(f'<script type="application/ld+json">{block}</script>')
    assert data.headlines == ("Port raids",)
    assert data.published == date(2021, 6, 3)


def test_unreadable_block_is_skipped() -> None:
    broken = '<script type="application/ld+json">{"@type": "NewsArticle", "headline": </script>'
    assert structured(broken) == StructuredData()
    assert structured(broken + ld(ARTICLE)).headlines == (HEADLINE,)
    assert parse_block("not json at all") == []
    assert parse_block("") == []


def test_entities_and_whitespace_in_values() -> None:
    data = structured(ld({"@type": "NewsArticle", "headline": "Police &amp; customs\n  close  a tunnel"}))
    assert data.headlines == ("Police & customs close a tunnel",)


def test_type_prefixes_and_type_case() -> None:
    tree = load_html(ld({"@type": "http://schema.org/ReportageNewsArticle", "headline": "A"}) + "<p>x</p>")
    assert len(json_ld_objects(tree)) == 1
    assert read_structured(tree, URL).headlines == ("A",)


def test_listing_page_articles_are_not_the_page() -> None:
    items = [
        {"@type": "NewsArticle", "headline": "First release", "url": "https://police.example/news/1",
         "datePublished": "2021-05-01"},
        {"@type": "NewsArticle", "headline": "Second release", "url": "https://police.example/news/2",
         "datePublished": "2021-05-02"},
    ]
    assert structured(ld(items), url="https://police.example/news/") == StructuredData()
    data = structured(ld(items), url="http://www.police.example/news/2/")
    assert data.headlines == ("Second release",)
    assert data.published == date(2021, 5, 2)


def test_items_of_an_item_list_are_ignored() -> None:
    listing = {"@type": "CollectionPage", "mainEntity": {"@type": "ItemList", "itemListElement": [
        {"@type": "ListItem", "item": {"@type": "NewsArticle", "headline": "Other release",
                                       "datePublished": "2021-05-01"}}]}}
    assert structured(ld(listing)) == StructuredData()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("en", "en"),
        ("pt-PT", "pt"),
        ({"@type": "Language", "name": "Spanish", "alternateName": "es"}, "es"),
        (["fr-BE", "nl-BE"], "fr"),
        ("", ""),
    ],
)
def test_in_language_shapes(value: object, expected: str) -> None:
    assert structured(ld({"@type": "NewsArticle", "headline": "A", "inLanguage": value})).language == expected


# --------------------------------------------------------------------------- dates

@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2021-06-03T23:30:00-05:00", date(2021, 6, 3)),  # the publisher's day, not UTC's
        ("2021-06-03T00:30:00+09:00", date(2021, 6, 3)),
        ("2021-06-03T09:15:00Z", date(2021, 6, 3)),
        ("2021-06-03T09:15:00.000+0200", date(2021, 6, 3)),
        ("2021-06-03 09:15", date(2021, 6, 3)),
        ("2021-06-03T09:15:00 CEST", date(2021, 6, 3)),
        ("3 June 2021", date(2021, 6, 3)),
        ("2031-01-01T00:00:00Z", None),  # in the future
        ("1970-01-01T00:00:00Z", None),  # an epoch placeholder
        ("1989-12-31", None),
        ("yesterday", None),
        ("", None),
        (1622710800, None),  # not a string
    ],
)
def test_declared_dates(value: object, expected: date | None) -> None:
    assert parse_declared_date(value, today=date(2024, 1, 1)) == expected


def test_date_priority_article_then_open_graph_then_page() -> None:
    og = '<meta property="article:published_time" content="2021-06-02T10:00:00+02:00">'
    page_obj = ld({"@type": "WebPage", "url": URL, "datePublished": "2021-06-01"})
    assert structured(ld(ARTICLE) + og + page_obj).published == date(2021, 6, 3)
    assert structured(og + page_obj).published == date(2021, 6, 2)
    assert structured(page_obj).published == date(2021, 6, 1)
    future = ld({**ARTICLE, "datePublished": "2030-01-01T00:00:00Z"})
    assert structured(future + og).published == date(2021, 6, 2)


def test_open_graph_title_and_name_attribute() -> None:
    head = ('<meta property="og:title" content="Port raids: five detained">'
            '<meta name="article:published_time" content="2021-06-03">'
            '<meta property="og:type" content="article"><meta property="og:site_name" content="Example Police">')
    data = structured(head)
    assert data.headlines == ("Port raids: five detained",)
    assert data.published == date(2021, 6, 3)
    assert data.publisher == "Example Police"


# --------------------------------------------------------------------------- in extract_document

def test_json_ld_date_wins_over_htmldate_guess() -> None:
    # htmldate takes 2021-06-01 from the URL; the page declares 3 June (a late evening in UTC-5).
    head = ld({**ARTICLE, "datePublished": "2021-06-03T23:30:00-05:00"})
    assert extract(page(head)).published == date(2021, 6, 3)
    assert extract(page()).published == date(2021, 6, 1)


def test_published_time_meta_wins_over_htmldate_guess() -> None:
    meta = '<meta property="article:published_time" content="2021-06-04T08:00:00+02:00">'
    assert extract(page(meta)).published == date(2021, 6, 4)


def test_implausible_declared_date_leaves_htmldate_guess() -> None:
    head = ld({**ARTICLE, "datePublished": "2099-01-01T00:00:00Z"})
    assert extract(page(head)).published == date(2021, 6, 1)


def test_headline_lets_the_h1_win_over_a_generic_og_title() -> None:
    generic = "News | Example Police"
    og = f'<meta property="og:title" content="{generic}">'
    assert extract(page(og, title=generic)).title == "News"
    # HTML-escaped JSON-LD, which trafilatura cannot read: only our reading knows the headline.
    escaped = ('<script type="application/ld+json">{&quot;@type&quot;: &quot;NewsArticle&quot;, '
               f'&quot;headline&quot;: &quot;{HEADLINE}&quot;}}</script>')
    assert extract(page(og + escaped, title=generic)).title == HEADLINE


def test_in_language_is_the_language_hint() -> None:
    # Too short for detection: the hint decides, and inLanguage beats a template's lang="en".
    short = ["Dois suspeitos detidos no porto."]
    head = ld({"@type": "NewsArticle", "headline": "Buscas no porto", "inLanguage": "pt-PT"})
    doc = extract_document(page(head, h1="Buscas no porto", paragraphs=short), URL)
    assert doc is not None and doc.language == "pt"


def test_article_body_when_the_html_has_no_text() -> None:
    # An app shell: trafilatura finds only the loading notice.
    article_body = f"<p>{PT_PARAGRAPHS[0]}</p>\n<p>{PT_PARAGRAPHS[1]}</p>"
    declared = ld({"@type": "NewsArticle", "headline": "Buscas no porto &amp; armazéns",
                   "datePublished": "2021-06-03T09:00:00+01:00", "articleBody": article_body})
    shell = f"""<!DOCTYPE html><html lang="pt"><head><meta charset="utf-8">
<title>Buscas no porto | Polícia Exemplo</title>{declared}
</head><body><div id="app">A carregar…</div><script src="/app.js"></script></body></html>"""
    doc = extract(shell.encode())
    assert doc.text == "\n".join(PT_PARAGRAPHS)
    assert doc.title == "Buscas no porto & armazéns"
    assert doc.published == date(2021, 6, 3)
    assert doc.language == "pt"


def test_plain_text_article_body_keeps_its_lines() -> None:
    body = "First line of a short notice about the raids.\n\nSecond line &amp; the end of it."
    data = structured(ld({"@type": "NewsArticle", "headline": "A", "articleBody": body}))
    assert data.body == "First line of a short notice about the raids.\nSecond line & the end of it."
    assert structured(ld({"@type": "NewsArticle", "headline": "A", "articleBody": "Read more"})).body == ""


def test_html_to_text_keeps_paragraphs_and_drops_markup() -> None:
    fragment = ('<p>One\n  paragraph <a href="/x">with a link</a>&nbsp;and&amp;entity.</p>\n\n'
                '<script>var x = 1;</script><ul><li>first item</li><li>second<br>line</li></ul>'
                '<!-- a comment --><div><p>nested</p> tail</div>')
    assert html_to_text(fragment) == (
        "One paragraph with a link and&entity.\nfirst item\nsecond\nline\nnested\ntail"
    )
    assert html_to_text("") == ""
    assert html_to_text("plain text, no tags") == "plain text, no tags"
