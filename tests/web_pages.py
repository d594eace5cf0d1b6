"""Helpers shared by the tests of the web face: fetch a page as a tree, read a link's query."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient
from lxml import html as lxml_html


def page(client: TestClient, url: str, status: int = 200) -> lxml_html.HtmlElement:
    """``url`` fetched with ``client``, asserting its status and that it is HTML, parsed."""
    response = client.get(url)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/html")
    return lxml_html.fromstring(response.text)


def query_of(href: str) -> dict[str, str]:
    """The query parameters of ``href``, the last value of each."""
    return {key: values[-1] for key, values in parse_qs(urlsplit(href).query).items()}
