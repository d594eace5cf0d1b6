"""What only a real layout shows: the search, document, dossier and operations pages at desktop
and phone widths, each kept as a full-page screenshot (``test-artifacts/screenshots/``).

A screenshot alone proves nothing, so each page is also measured in the browser where it was
drawn: no sideways scrolling on a phone, nothing wider than the screen outside a scrolling table,
no text spilling out of its box, the search box and first result above the fold, the stylesheet
applied under the Content-Security-Policy, readable contrast, and the accessibility basics
(one h1, a language, landmarks, labelled inputs, images with a text alternative).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pressarchive.web import urls
from tests.browser_support import DESKTOP, PHONE, artifact_path, watched_page
from tests.browser_support import pytestmark  # noqa: F401  (skips without a browser)

WIDTHS = {"desktop": DESKTOP, "phone": PHONE}
#: The printable width of an A4 page at 96 dpi inside the stylesheet's 14 mm side margins.
A4_PRINTED = {"width": 688, "height": 1000}
#: A query that finds several documents in several languages, so facets and the timeline show.
QUERY = "operation"
#: How much of a long result title must show above the fold: its first line (px).
FIRST_LINE = 40
#: A screenshot smaller than this is a blank or broken page, not a drawn one.
MIN_PNG_BYTES = 20_000
#: WCAG 2.1 AA: normal text 4.5:1; large text (24px, or 18.66px bold) 3:1.
AA_NORMAL, AA_LARGE = 4.5, 3.0
#: WCAG 2.1 AA for the boundary of a form control (non-text contrast).
AA_CONTROL = 3.0

# Every check below runs as the body of ``(arg) => {...}`` after this: how a finding is named,
# and the colour contrast of WCAG 2.1 (relative luminance).
DESCRIBE = """const describe = (el, what) =>
  `${el.tagName.toLowerCase()}.${typeof el.className === "string" ? el.className : ""} ${what}: `
  + el.textContent.trim().slice(0, 50);
const all = () => Array.from(document.body.querySelectorAll("*"));
const rgba = (text) => (text.match(/[\\d.]+/g) || []).map(Number);
const background = (el) => {
  for (let up = el; up; up = up.parentElement) {
    const [r, g, b, a = 1] = rgba(getComputedStyle(up).backgroundColor);
    if (a > 0) return [r, g, b];
  }
  return [255, 255, 255];
};
const linear = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
const luminance = ([r, g, b]) => 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
const ratio = (a, b) => {
  const [light, dark] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (light + 0.05) / (dark + 0.05);
};"""

# Elements poking out to the right of the viewport, ignoring what sits inside a box that scrolls
# or clips on its own (a wide table in its overflow-x:auto wrapper) and what is off-screen on
# purpose (the skip link waits at left:-999px).
WIDER_THAN_VIEWPORT = """
const width = document.documentElement.clientWidth;
const clipped = (el) => {
  for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
    if (getComputedStyle(up).overflowX !== "visible") return true;
  }
  return false;
};
const sticking = (el) => {
  const r = el.getBoundingClientRect();
  return r.width > 0 && r.right > width + 1 && r.left >= 0;
};
return all().filter((el) => sticking(el) && !clipped(el))
  .map((el) => describe(el, `right=${Math.round(el.getBoundingClientRect().right)}`));"""

# Boxes whose own content is wider than they are and spills out (overflow visible): long URLs,
# hashes or words that do not wrap. Boxes that scroll or clip on purpose are left alone.
TEXT_SPILLING = """
const spills = (el) => {
  const style = getComputedStyle(el);
  if (["inline", "none"].includes(style.display) || style.display.startsWith("table")) return false;
  if (style.overflowX !== "visible" || el.closest("svg") || el.clientWidth === 0) return false;
  return el.scrollWidth > el.clientWidth + 1;
};
return all().filter(spills).map((el) => describe(el, `${el.scrollWidth}>${el.clientWidth}`));"""

# The accessibility basics a machine can check.
ACCESSIBILITY = """
const named = (el) => (el.labels && Array.from(el.labels).some((l) => l.textContent.trim()))
  || (el.getAttribute("aria-label") || "").trim() || el.getAttribute("aria-labelledby");
const found = (selector, bad) => Array.from(document.querySelectorAll(selector)).filter(bad)
  .map((el) => el.outerHTML.slice(0, 80));
return {
  h1: document.querySelectorAll("h1").length,
  lang: document.documentElement.getAttribute("lang") || "",
  header: document.querySelectorAll("body > header, [role=banner]").length,
  nav: document.querySelectorAll("nav, [role=navigation]").length,
  main: document.querySelectorAll("main, [role=main]").length,
  unlabelled: found("input, select, textarea", (el) => el.type !== "hidden" && !named(el)),
  images_without_alt: found("img", (el) => !el.hasAttribute("alt")),
  graphics_without_name: found("svg[role=img]", (el) => !named(el)),
  unnamed_links: found("a[href]", (el) => !el.textContent.trim() && !named(el)),
};"""

# Text whose colour is too close to the colour behind it (WCAG 2.1 relative luminance); ``arg``
# is the least ratio for normal and for large text.
LOW_CONTRAST = """
const [normal, large] = arg;
const ownText = (el) => Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent.trim());
const drawn = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 && r.right > 0; };
const bad = [];
for (const el of all().filter((el) => ownText(el) && drawn(el) && !el.closest("svg"))) {
  const style = getComputedStyle(el);
  const size = parseFloat(style.fontSize);
  const isLarge = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
  const found = ratio(rgba(style.color).slice(0, 3), background(el));
  if (found < (isLarge ? large : normal)) bad.push(describe(el, found.toFixed(2)));
}
return bad;"""

# Form controls whose edge cannot be seen against what is behind them (WCAG 2.1 1.4.11 asks
# 3:1 of a control's boundary): either its border or its own fill must stand out.
FAINT_CONTROLS = """
const controls = Array.from(document.querySelectorAll("input, select, button, textarea"))
  .filter((el) => !["hidden", "checkbox", "radio"].includes(el.type) && el.getBoundingClientRect().width > 0);
return controls.filter((el) => {
  const style = getComputedStyle(el), behind = background(el.parentElement);
  const edge = ratio(rgba(style.borderTopColor).slice(0, 3), behind);
  const fill = ratio(background(el), behind);
  return Math.max(edge, fill) < arg;
}).map((el) => describe(el, el.outerHTML.slice(0, 60)));"""


def check(page: Any, body: str, arg: Any = None) -> Any:
    """Run one of the checks above in ``page`` and return what it found."""
    return page.evaluate(f"(arg) => {{ {DESCRIBE}\n{body} }}", arg)


@pytest.fixture(scope="module")
def kestrel(web: str) -> dict[str, Any]:
    """The English Kestrel release as the JSON API gives it: the document the pages show."""
    import httpx

    found = httpx.get(web + urls.api_search_url({"q": "kestrel", "language": "en"})).json()
    return httpx.get(web + urls.api_doc_url(found["hits"][0]["id"])).json()


@pytest.fixture(scope="module")
def snapshot(crawled: dict[str, Any]) -> str:
    """A snapshot of the Kestrel releases, made with the CLI: the snapshot page shows it."""
    crawled["cli"]("snapshot", "create", "kestrel-2026", "kestrel", check=True)
    return "kestrel-2026"


@pytest.fixture(scope="module")
def pages(web: str, kestrel: dict[str, Any], snapshot: str) -> dict[str, str]:
    """The address of each page the screenshots show."""
    return {
        "search": web + urls.search_url({"q": QUERY}),
        "document": web + urls.doc_url(kestrel["id"]),
        "operations": web + urls.operations_url(),
        "dossier": web + urls.operation_url(kestrel["operations"][0]),
        "status": web + urls.status_url(),
        "api": web + urls.api_docs_url(),
        "sources": web + urls.sources_url(),
        "collections": web + urls.collections_url(),
        "saved": web + urls.saved_url(),
        "snapshots": web + urls.snapshots_url(),
        "snapshot": web + urls.snapshot_url(snapshot),
    }


def opened(browser: Any, url: str, **context_options: Any) -> Any:
    page = watched_page(browser, **context_options)
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    return page


@pytest.fixture
def shown(browser: Any, pages: dict[str, str], request: pytest.FixtureRequest) -> Iterator[Any]:
    """A page opened at one width; the test's parameters name the page and the width."""
    name, width = request.node.callspec.params["name"], request.node.callspec.params["width"]
    page = opened(browser, pages[name], viewport=WIDTHS[width])
    yield page
    page.context.close()


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk, the first after the 8-byte signature."""
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR", f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])


PAGES = ["search", "document", "dossier", "operations", "status", "api", "sources", "collections", "saved",
         "snapshots", "snapshot"]


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("name", PAGES)
def test_page_screenshot_and_layout(shown: Any, name: str, width: str) -> None:
    viewport = WIDTHS[width]
    assert shown.evaluate("document.documentElement.scrollWidth") <= viewport["width"], "the page scrolls sideways"
    assert check(shown, WIDER_THAN_VIEWPORT) == []
    assert check(shown, TEXT_SPILLING) == []

    path = artifact_path(f"screenshots/{name}-{width}.png")
    path.unlink(missing_ok=True)
    tall = shown.evaluate("document.documentElement.scrollHeight")
    shown.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > MIN_PNG_BYTES, f"{path} is nearly empty"
    png_width, png_height = png_size(path)
    assert png_width == viewport["width"], f"{path} is {png_width}px wide, the viewport {viewport['width']}px"
    assert abs(png_height - max(tall, viewport["height"])) <= 1, "the screenshot holds the whole page"


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("name", PAGES)
def test_page_styled_accessible_and_within_its_policy(shown: Any, name: str, width: str) -> None:
    rules = shown.evaluate("Array.from(document.styleSheets).reduce((n, s) => n + s.cssRules.length, 0)")
    assert rules > 20, "the stylesheet loads under the CSP"
    assert "system-ui" in shown.evaluate("getComputedStyle(document.body).fontFamily"), "the stylesheet is applied"
    blocked = [text for text in shown.console_messages if "Content Security Policy" in text or "Refused" in text]
    assert not blocked, blocked

    found = check(shown, ACCESSIBILITY)
    assert found["h1"] == 1, f"{found['h1']} h1 elements"
    assert found["lang"] == "en"
    assert found["header"] and found["nav"] and found["main"] == 1
    assert found["unlabelled"] == []
    assert found["images_without_alt"] == [] and found["graphics_without_name"] == []
    assert found["unnamed_links"] == []
    assert check(shown, LOW_CONTRAST, [AA_NORMAL, AA_LARGE]) == []
    assert check(shown, FAINT_CONTROLS, AA_CONTROL) == []


@pytest.mark.parametrize("name", PAGES)
def test_dark_colours_keep_their_contrast(browser: Any, pages: dict[str, str], name: str) -> None:
    page = opened(browser, pages[name], viewport=DESKTOP, color_scheme="dark")
    try:
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") != "rgb(255, 255, 255)"
        assert check(page, LOW_CONTRAST, [AA_NORMAL, AA_LARGE]) == []
        assert check(page, FAINT_CONTROLS, AA_CONTROL) == []
    finally:
        page.context.close()


# Where keyboard focus is and whether its ring can be seen (3:1 against the page behind it).
FOCUSED = """
const el = document.activeElement, style = getComputedStyle(el), box = el.getBoundingClientRect();
return {text: el.textContent.trim(), tag: el.tagName.toLowerCase(), outline: style.outlineStyle,
        width: parseFloat(style.outlineWidth), left: box.left, right: box.right,
        contrast: ratio(rgba(style.outlineColor).slice(0, 3), background(el.parentElement))};"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_keyboard_focus_is_visible(browser: Any, pages: dict[str, str], scheme: str) -> None:
    page = opened(browser, pages["search"], viewport=PHONE, color_scheme=scheme)
    try:
        page.keyboard.press("Tab")
        focused = check(page, FOCUSED)
        assert focused["text"] == "Skip to content", "the first Tab reaches the skip link"
        assert focused["left"] >= 0 and focused["right"] <= PHONE["width"], "the skip link shows when focused"
        for _ in range(8):  # the brand, the site's links, the search box, the button
            assert focused["outline"] != "none" and focused["width"] >= 2, focused
            assert focused["contrast"] >= AA_CONTROL, focused
            page.keyboard.press("Tab")
            focused = check(page, FOCUSED)
    finally:
        page.context.close()


def test_error_page_fits_and_is_accessible(browser: Any, web: str) -> None:
    page = watched_page(browser, viewport=PHONE)
    try:
        response = page.goto(web + urls.doc_url(999_999))
        assert response is not None and response.status == 404
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        found = check(page, ACCESSIBILITY)
        assert (found["h1"], found["lang"], found["main"]) == (1, "en", 1) and found["nav"]
        assert check(page, LOW_CONTRAST, [AA_NORMAL, AA_LARGE]) == []
    finally:
        page.context.close()


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("name", ["search"])
def test_search_box_and_first_result_above_the_fold(shown: Any, name: str, width: str) -> None:
    height = WIDTHS[width]["height"]
    for selector in ("input#q", "li.hit h3 a"):
        box = shown.locator(selector).first.bounding_box()
        first_line = min(box["height"], FIRST_LINE) if box else 0
        assert box is not None and box["y"] >= 0 and box["y"] + first_line <= height, (
            f"{selector} is not above the fold at {width} width: {box}")
    assert shown.locator(".histogram .bar").count() > 0, "the timeline is drawn"
    assert shown.locator(".facets .facet").count() > 0, "the facets are shown"


def test_document_prints_with_its_provenance(browser: Any, pages: dict[str, str], kestrel: dict[str, Any]) -> None:
    """A journalist prints a release: the text and where it came from, not the site around it."""
    from pypdf import PdfReader

    page = opened(browser, pages["document"], viewport=A4_PRINTED)
    try:
        page.emulate_media(media="print")
        assert not page.locator(".site-header nav").is_visible(), "the site's navigation is not printed"
        assert check(page, WIDER_THAN_VIEWPORT) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= A4_PRINTED["width"]
        cut = page.evaluate("""() => Array.from(document.querySelectorAll(".table-scroll"))
          .filter((box) => box.scrollWidth > box.clientWidth + 1).length""")
        assert cut == 0, "a table is cut off on paper"
        shot = artifact_path("screenshots/document-print.png")
        page.screenshot(path=str(shot), full_page=True)
        assert png_size(shot)[0] == A4_PRINTED["width"]
        pdf = artifact_path("screenshots/document-print.pdf")
        page.pdf(path=str(pdf), format="A4")
    finally:
        page.context.close()
    printed = "".join("".join(p.extract_text().split()) for p in PdfReader(pdf).pages)
    version = kestrel["versions"][-1]
    for shown_text in (kestrel["title"], kestrel["url"], version["sha256"], version["warc_file"]):
        assert "".join(shown_text.split()) in printed, f"{shown_text!r} is not on the printed page"
    assert "Morelikethis" not in printed and "Skiptocontent" not in printed


def test_the_checks_catch_a_broken_page(browser: Any, pages: dict[str, str]) -> None:
    """The checks above find what they look for: a page spoilt on purpose fails each of them."""
    page = opened(browser, pages["document"], viewport=PHONE)
    try:
        page.evaluate("""() => {
          const main = document.querySelector("main");
          main.insertAdjacentHTML("beforeend",
            '<div id="spoilt-wide">wide box</div><p id="spoilt-long">' + "x".repeat(300) + "</p>"
            + '<p id="spoilt-pale">pale text</p>'
            + '<input id="spoilt-field"><img src="/static/none.png"><h1>a second h1</h1>');
          document.getElementById("spoilt-wide").style.width = "40rem";  // CSSOM: the CSP allows it
          document.getElementById("spoilt-long").style.whiteSpace = "nowrap";
          document.getElementById("spoilt-pale").style.color = "#cccccc";
          document.getElementById("spoilt-field").style.borderColor = "#eeeeee";
        }""")
        assert page.evaluate("document.documentElement.scrollWidth") > PHONE["width"]
        assert any("wide box" in found for found in check(page, WIDER_THAN_VIEWPORT))
        assert any("xxxx" in found for found in check(page, TEXT_SPILLING))
        assert any("pale text" in found for found in check(page, LOW_CONTRAST, [AA_NORMAL, AA_LARGE]))
        assert any("spoilt-field" in found for found in check(page, FAINT_CONTROLS, AA_CONTROL))
        found = check(page, ACCESSIBILITY)
        assert found["h1"] == 2 and found["unlabelled"] and found["images_without_alt"]
    finally:
        page.context.close()
