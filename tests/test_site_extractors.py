"""Tests for site-specific extractors: the registry, the fallback, and Europol's payload.

The Europol fixture is shaped like the site's release pages as far as the evidence in
``pressarchive/extract/sites/europol.py`` shows them (an application shell, the release in a
``window.SERVER_DATA`` assignment with PHP-style JSON escapes, site-wide footer texts and
taxonomy terms beside ``NodeLoader.node``); the release itself is fictitious and written for
these tests, and the name of the key that holds footer and terms is made up.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest

from pressarchive.extract import SiteResult, extract_document, register_site_extractor, site_extractor_names
from pressarchive.extract.sites import SITE_EXTRACTORS, get_site_extractor
from pressarchive.extract.sites import europol

URL = "https://www.europol.europa.eu/media-press/newsroom/news/forged-vehicle-papers-network-taken-down"
TITLE = "Forged vehicle papers: network taken down in joint action day"
PARAGRAPHS = [
    "Police officers in four countries, supported by Europol, have taken down a network that "
    "sold forged registration papers for stolen vehicles. The joint action day of Operation "
    "Larchwood took place on 9 March 2021.",
    "Investigators searched eleven premises and seized blank certificates, a printing press "
    "and twenty-two vehicles whose identification numbers had been altered.",
    "Europol's analysts linked the cases & supported the exchange of information between "
    "the investigating authorities from the start of the inquiry in 2019.",
]
FOOTER = "The agency handles personal data received through this site in line with its data protection rules."
# 2021-03-09 23:30 UTC is already 10 March in The Hague.
PUBLISHED = int(datetime(2021, 3, 9, 23, 30, tzinfo=UTC).timestamp())


def body_html() -> str:
    first, second, third = PARAGRAPHS
    linked = third.replace("Europol's analysts", '<a href="/about-europol">Europol\'s analysts</a>')
    return f"<p>{first}</p>\n\n<p>{second}</p>\n\n<p>{linked.replace(' & ', ' &amp; ')}</p>\n"


def payload(**node: Any) -> dict[str, Any]:
    release = {
        "id": 9001,
        "type": "news",
        "title": TITLE,
        "alias": "/media-press/newsroom/news/forged-vehicle-papers-network-taken-down",
        "published": PUBLISHED,
        "navigation": {"previous": "/media-press/newsroom/news/a", "next": "/media-press/newsroom/news/b"},
        "updated": PUBLISHED + 86400 * 30,
        "body": body_html(),
        **node,
    }
    return {
        "SiteLayout": {
            "footer": {
                "footer-top": "<p>\r\n\u00a9 2021</p>\r\n",
                "footer-bottom-second": f"<p>{FOOTER}</p>\r\n",
            },
            "terms": {"tags": [], "languages": [{"id": 1, "title": "English"}, {"id": 2, "title": "Dutch"}]},
        },
        "NodeLoader": {"node": release},
    }


def php_json(value: object) -> str:
    """JSON as PHP's json_encode writes it: ASCII only, slashes escaped."""
    return json.dumps(value, ensure_ascii=True, separators=(",", ":")).replace("/", "\\/")


def europol_page(script: str, *, article: str = "") -> bytes:
    """An application shell with ``script`` as its data; ``article`` is server-rendered HTML."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Europol</title>
  <link rel="stylesheet" href="/static/css/app.css">
</head>
<body>
  <div id="app"><div class="loading">Loading application. Please wait</div>{article}</div>
  <script>{script}</script>
  <script src="/static/js/app.js"></script>
</body>
</html>""".encode()


def server_data_script(data: object) -> str:
    return f"window.SERVER_DATA={php_json(data)};"


RENDERED_ARTICLE = "<main><article><h1>Vehicle papers case closed</h1>" + "".join(
    f"<p>{p}</p>" for p in PARAGRAPHS
) + "</article></main>"


@pytest.fixture
def registry() -> Iterator[dict[str, Any]]:
    """The registry, restored after the test whatever the test registers."""
    saved = dict(SITE_EXTRACTORS)
    yield SITE_EXTRACTORS
    SITE_EXTRACTORS.clear()
    SITE_EXTRACTORS.update(saved)


# --------------------------------------------------------------------------- Europol

def test_europol_release_from_the_payload() -> None:
    doc = extract_document(europol_page(server_data_script(payload())), URL, extractor="europol")
    assert doc is not None
    assert doc.title == TITLE
    assert doc.text == "\n".join(PARAGRAPHS)
    assert doc.published == date(2021, 3, 10)
    assert doc.language == "en"
    assert doc.operations == ("Larchwood",)
    assert FOOTER not in doc.text and "Loading application" not in doc.text


def test_generic_extraction_misses_the_payload() -> None:
    doc = extract_document(europol_page(server_data_script(payload())), URL)
    assert doc is None or PARAGRAPHS[1] not in doc.text


def test_europol_reader_directly() -> None:
    page = europol_page("if (window.SERVER_DATA == null) {}\n" + server_data_script(payload())).decode()
    found = europol.extract(page, URL)
    assert found == SiteResult(title=TITLE, text="\n".join(PARAGRAPHS), published=date(2021, 3, 10))


@pytest.mark.parametrize(
    "published",
    [str(PUBLISHED), PUBLISHED * 1000, "2021-03-10T00:30:00+01:00"],
)
def test_europol_date_shapes(published: object) -> None:
    page = europol_page(server_data_script(payload(published=published))).decode()
    found = europol.extract(page, URL)
    assert found is not None and found.published == date(2021, 3, 10)


@pytest.mark.parametrize("published", [None, "soon", 4102444800, True])
def test_europol_unusable_date_is_left_to_htmldate(published: object) -> None:
    page = europol_page(server_data_script(payload(published=published))).decode()
    found = europol.extract(page, URL)
    assert found is not None and found.published is None and found.text


def test_europol_title_entities_and_markup_in_body() -> None:
    body = "<h3>Results</h3><ul><li>11 searches</li><li>22 vehicles</li></ul><p>Two&nbsp;lines<br>here.</p>"
    page = europol_page(server_data_script(payload(title="Papers &amp; plates", body=body))).decode()
    found = europol.extract(page, URL)
    assert found is not None
    assert found.title == "Papers & plates"
    assert found.text == "Results\n11 searches\n22 vehicles\nTwo lines\nhere."


@pytest.mark.parametrize(
    "script",
    [
        "",  # no payload: a server-rendered page
        "window.SERVER_DATA=" + php_json(payload())[:-40],  # truncated payload
        "window.SERVER_DATA={\"NodeLoader\":{\"node\":{\"title\":\"x\"};",  # broken JSON
        server_data_script({"NodeLoader": {"node": None}}),
        server_data_script({"NodeLoader": []}),
        server_data_script(payload(body="")),  # a node without a body
        server_data_script(payload(body="<p>  </p>")),
        "window.SERVER_DATA=[1, 2];",
    ],
)
def test_europol_falls_back_to_generic_extraction(script: str) -> None:
    body = europol_page(script, article=RENDERED_ARTICLE)
    assert europol.extract(body.decode(), URL) is None
    doc = extract_document(body, URL, extractor="europol")
    assert doc is not None
    assert doc == extract_document(body, URL)
    assert PARAGRAPHS[1] in doc.text


# --------------------------------------------------------------------------- registry

def test_builtins_are_registered_like_user_extractors() -> None:
    assert "europol" in site_extractor_names()
    assert SITE_EXTRACTORS["europol"] is europol.extract
    assert get_site_extractor("europol") is europol.extract
    assert list(site_extractor_names()) == sorted(SITE_EXTRACTORS)


def test_unknown_extractor_name() -> None:
    with pytest.raises(ValueError, match=r"unknown site extractor 'nope' \(known: .*europol.*\)"):
        extract_document(b"<html><body><p>x</p></body></html>", URL, extractor="nope")
    with pytest.raises(ValueError, match="unknown site extractor"):  # whatever the capture
        extract_document(b"%PDF-1.7\n", "https://x.example/a.pdf", extractor="nope")


def test_no_extractor_name_means_generic(registry: dict[str, Any]) -> None:
    page = europol_page("", article=RENDERED_ARTICLE)
    assert extract_document(page, URL, extractor="") == extract_document(page, URL, extractor=None)


def test_user_extractor_gets_decoded_page_and_url(registry: dict[str, Any]) -> None:
    calls: list[tuple[str, str]] = []

    def spy(page: str, url: str) -> SiteResult | None:
        calls.append((page, url))
        return None

    assert register_site_extractor("spy", spy) is spy
    body = europol_page("", article=RENDERED_ARTICLE.replace("case closed", "case cl\u00f6sed"))
    doc = extract_document(body.decode().encode("cp1252"), URL, "text/html; charset=windows-1252", extractor="spy")
    assert doc is not None and doc.title == "Vehicle papers case cl\u00f6sed"
    ((page, url),) = calls
    assert "case cl\u00f6sed" in page and url == URL


def test_partial_result_overrides_generic_fields(registry: dict[str, Any]) -> None:
    def partial(page: str, url: str) -> SiteResult:
        return SiteResult(title="Title from the site", published=date(2020, 1, 2), language="nl")

    register_site_extractor("partial", partial)
    doc = extract_document(europol_page("", article=RENDERED_ARTICLE), URL, extractor="partial")
    assert doc is not None
    assert (doc.title, doc.published, doc.language) == ("Title from the site", date(2020, 1, 2), "nl")
    assert PARAGRAPHS[1] in doc.text  # the text is still trafilatura's


def test_site_text_without_title_takes_the_page_title(registry: dict[str, Any]) -> None:
    register_site_extractor("text-only", lambda page, url: SiteResult(text="\n".join(PARAGRAPHS)))
    head = '<meta property="article:published_time" content="2021-03-11T09:00:00+01:00">'
    title = f"<title>{TITLE} | Europol</title>{head}".encode()
    body = europol_page("", article="").replace(b"<title>Europol</title>", title)
    doc = extract_document(body, URL, extractor="text-only")
    assert doc is not None
    assert (doc.title, doc.text, doc.published) == (TITLE, "\n".join(PARAGRAPHS), date(2021, 3, 11))


def test_a_user_extractor_can_replace_a_builtin(registry: dict[str, Any]) -> None:
    register_site_extractor("europol", lambda page, url: None)
    doc = extract_document(europol_page(server_data_script(payload())), URL, extractor="europol")
    assert doc is None or PARAGRAPHS[1] not in doc.text


@pytest.mark.parametrize("name", ["", "Europol", "euro pol", "-x", "ä"])
def test_bad_extractor_names(registry: dict[str, Any], name: str) -> None:
    with pytest.raises(ValueError, match="bad site extractor name"):
        register_site_extractor(name, europol.extract)
    with pytest.raises(TypeError):
        register_site_extractor("fine-name", "not callable")  # type: ignore[arg-type]
