"""The document page and its companions: any version by permalink, word-level diffs, the
provenance of every version, the archived original served inert, and citations; each with its
JSON twin and its errors."""

from __future__ import annotations

import codecs
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from lxml import html as lxml_html

from pressarchive.datadir import DataDir
from pressarchive.provenance import EvidenceMissing, read_original
from pressarchive.record import Document
from pressarchive.service import ArchiveService
from pressarchive.store import Capture
from pressarchive.warc import ArchivedResponse, Exchange, RotatingWarcWriter, read_response
from pressarchive.web import create_app
from pressarchive.web.original import page_encoding, with_banner
from pressarchive.web.security import CONTENT_SECURITY_POLICY, DOCUMENT_PAGE_POLICY
from tests.document_archive import PDF, RELEASE, SCRIPT_PAGE, DocumentArchive, build, write_capture
from tests.web_pages import page


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> DocumentArchive:
    return build(tmp_path_factory.mktemp("docs"))


@pytest.fixture(scope="module")
def client(built: DocumentArchive) -> TestClient:
    with TestClient(create_app(built.data)) as client:
        yield client  # type: ignore[misc]


# -- versions on the page ---------------------------------------------------------------------


def test_page_shows_the_current_version_and_lists_every_version(client: TestClient, built: DocumentArchive) -> None:
    doc_id = built.ids["avalanche"]
    tree = page(client, f"/doc/{doc_id}")
    assert tree.cssselect("h1")[0].text_content() == "Avalanche botnet dismantled: update"
    assert "Europol supported the operation." in tree.cssselect(".text")[0].text_content()
    assert not tree.cssselect(".notice.old-version")
    rows = tree.cssselect(".versions tbody tr")
    assert [row.cssselect("th a")[0].get("href") for row in rows] == [f"/doc/{doc_id}?version=1",
                                                                       f"/doc/{doc_id}?version=2"]
    assert rows[1].get("aria-current") == "true"
    links = [a.get("href") for a in rows[1].cssselect(".version-links a")]
    assert links == [f"/doc/{doc_id}?version=2", f"/doc/{doc_id}/raw?version=2", f"/doc/{doc_id}/diff?from=1&to=2"]


def test_version_permalink_shows_that_versions_title_and_text(client: TestClient, built: DocumentArchive) -> None:
    doc_id = built.ids["avalanche"]
    tree = page(client, f"/doc/{doc_id}?version=1")
    assert tree.cssselect("h1")[0].text_content() == "Avalanche botnet dismantled"
    assert [p.text_content() for p in tree.cssselect(".text p")] == [
        "Police arrested five people in Berlin.", "Servers were seized.",
    ]
    notice = tree.cssselect(".notice.old-version")[0]
    assert "version 1 of 2" in notice.text_content() and "2024-01-01 12:00:00 UTC" in notice.text_content()
    assert [a.get("href") for a in notice.cssselect("a")] == [f"/doc/{doc_id}", f"/doc/{doc_id}/diff?from=1&to=2"]
    assert tree.cssselect(".versions tbody tr")[0].get("aria-current") == "true"
    assert tree.cssselect(".facts .archived-copy a")[0].get("href") == f"/doc/{doc_id}/raw?version=1"
    assert tree.cssselect('link[rel=alternate]')[0].get("href") == f"/api/doc/{doc_id}?version=1"


def test_current_version_by_number_has_no_notice(client: TestClient, built: DocumentArchive) -> None:
    tree = page(client, f"/doc/{built.ids['avalanche']}?version=2")
    assert not tree.cssselect(".notice.old-version")
    assert tree.cssselect("h1")[0].text_content() == "Avalanche botnet dismantled: update"


@pytest.mark.parametrize(("query", "status", "message"), [
    ("version=3", 404, "has no version 3 (it has versions 1 to 2)"),
    ("version=0", 400, "bad version"),
    ("version=abc", 400, "bad version 'abc'"),
    ("version=-1", 400, "bad version"),
])
def test_bad_version_on_the_page(client: TestClient, built: DocumentArchive, query: str, status: int,
                                 message: str) -> None:
    tree = page(client, f"/doc/{built.ids['avalanche']}?{query}", status=status)
    assert message in tree.cssselect(".error")[0].text_content()


def test_api_doc_takes_a_version(client: TestClient, built: DocumentArchive) -> None:
    doc_id = built.ids["avalanche"]
    body = client.get(f"/api/doc/{doc_id}?version=1").json()
    assert (body["version"], body["current_version"]) == (1, 2)
    assert body["title"] == "Avalanche botnet dismantled" and "five" in body["text"]
    assert [v["number"] for v in body["versions"]] == [1, 2]
    current = client.get(f"/api/doc/{doc_id}").json()
    assert (current["version"], current["current_version"]) == (2, 2) and "seven" in current["text"]
    missing = client.get(f"/api/doc/{doc_id}?version=7")
    assert missing.status_code == 404 and "no version 7" in missing.json()["error"]
    assert client.get(f"/api/doc/{doc_id}?version=x").status_code == 400


# -- provenance ---------------------------------------------------------------------------------


def test_every_version_shows_its_provenance(client: TestClient, built: DocumentArchive) -> None:
    doc_id = built.ids["avalanche"]
    service = ArchiveService(built.data)
    versions = service.archive.get_document(doc_id).versions  # type: ignore[union-attr]
    service.close()
    tree = page(client, f"/doc/{doc_id}")
    for row, version in zip(tree.cssselect(".versions tbody tr"), versions, strict=True):
        facts = dict(zip([dt.text_content() for dt in row.cssselect(".provenance dt")],
                         [dd.text_content().strip() for dd in row.cssselect(".provenance dd")], strict=True))
        record = read_response(built.data.warc_dir / version.capture.warc_file, version.capture.warc_offset)
        assert facts == {
            "Requested URL": "https://police.example.org/press/avalanche",
            "Final URL": "https://police.example.org/press/avalanche",
            "HTTP status": "200",
            "WARC file": f"{version.capture.warc_file} at offset {version.capture.warc_offset}",
            "WARC-Record-ID": record.record_id,
            "Payload SHA-256": version.capture.payload_sha256,
            "Text SHA-256": version.text_sha256,
        }
        assert re.fullmatch(r"<urn:uuid:[0-9a-f-]{36}>", record.record_id)


def test_missing_record_ids_are_read_from_the_warc_once_and_stored(tmp_path: Path) -> None:
    built = build(tmp_path)
    doc_id = built.ids["avalanche"]
    service = ArchiveService(built.data)
    before = service.archive.get_document(doc_id)
    assert before is not None and [v.capture.warc_record_id for v in before.versions] == [None, None]
    service.close()
    with TestClient(create_app(built.data)) as client:
        ids = [v["warc_record_id"] for v in client.get(f"/api/doc/{doc_id}").json()["versions"]]
    assert all(ids) and ids[0] != ids[1]
    for version in before.versions:  # the store has them now: the WARC files are no longer needed
        (built.data.warc_dir / version.capture.warc_file).unlink()
    service = ArchiveService(built.data)
    after = service.archive.get_document(doc_id)
    service.close()
    assert after is not None and [v.capture.warc_record_id for v in after.versions] == ids
    with TestClient(create_app(built.data)) as client:
        assert [v["warc_record_id"] for v in client.get(f"/api/doc/{doc_id}").json()["versions"]] == ids


def test_a_lost_warc_file_leaves_the_record_id_unknown(client: TestClient, built: DocumentArchive) -> None:
    tree = page(client, f"/doc/{built.ids['lost']}")
    assert "unknown" in tree.cssselect(".provenance .record-id")[0].text_content()
    assert client.get(f"/api/doc/{built.ids['lost']}").json()["versions"][0]["warc_record_id"] is None


# -- diffs --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["../outside.warc.gz", "/tmp/outside.warc.gz", "sub/x.warc.gz", "", ".."])
def test_a_warc_file_name_never_leads_out_of_the_warc_directory(tmp_path: Path, name: str) -> None:
    warc_dir = tmp_path / "warc"
    (warc_dir / "sub").mkdir(parents=True)
    writer = RotatingWarcWriter(tmp_path, prefix="outside")
    location = writer.write(Exchange(
        url="https://x.example/", method="GET", request_headers=[], status=200, reason="OK",
        response_headers=[("Content-Type", "text/html")], body=b"<p>secret</p>",
        captured_at=datetime(2024, 1, 1, tzinfo=UTC),
    ))
    writer.close()
    outside = tmp_path / location.warc_file
    for target in (tmp_path / "outside.warc.gz", warc_dir / "sub" / "x.warc.gz"):
        target.write_bytes(outside.read_bytes())
    name = name.replace("/tmp/", f"{tmp_path}/")
    capture = Capture("s", "https://x.example/", 200, "text/html", 13, datetime(2024, 1, 1), "0" * 64,
                      name, location.offset)
    with pytest.raises(EvidenceMissing, match="not available"):
        read_original(warc_dir, capture)


def test_diff_page_marks_inserted_and_deleted_words(client: TestClient, built: DocumentArchive) -> None:
    doc_id = built.ids["avalanche"]
    tree = page(client, f"/doc/{doc_id}/diff")  # defaults: previous against current
    assert "versions 1 and 2" in tree.cssselect("h1")[0].text_content()
    body = tree.cssselect(".diff-body .diff-text")[0]
    assert [d.text_content() for d in body.cssselect("del")] == ["five"]
    assert [i.text_content() for i in body.cssselect("ins")] == ["seven", "\nEuropol supported the operation."]
    assert [i.text_content() for i in tree.cssselect(".diff-title ins")] == [": update"]
    summary = tree.cssselect(".summary")[0].text_content()
    assert "6 words added, 1 word removed" in summary  # seven, update, Europol supported the operation
    # Reading the page without its marks gives back each version's text exactly.
    old = "".join(node.text_content() for node in body if node.tag != "ins")
    assert old == "Police arrested five people in Berlin.\nServers were seized."
    selects = {s.get("name"): s.cssselect("option[selected]")[0].get("value") for s in tree.cssselect("form select")}
    assert selects == {"from": "1", "to": "2"}


def test_diff_any_two_versions_either_way(client: TestClient, built: DocumentArchive) -> None:
    doc_id = built.ids["avalanche"]
    body = client.get(f"/api/doc/{doc_id}/diff?from=2&to=1").json()
    assert (body["from"]["number"], body["to"]["number"]) == (2, 1)
    assert body["summary"] == {"words_added": 1, "words_removed": 6, "changed": True}
    same = client.get(f"/api/doc/{doc_id}/diff?from=1&to=1").json()
    assert same["summary"]["changed"] is False and {s["op"] for s in same["text"]} == {"equal"}
    joined = "".join(s["text"] for s in client.get(f"/api/doc/{doc_id}/diff").json()["text"] if s["op"] != "deleted")
    assert joined == client.get(f"/api/doc/{doc_id}").json()["text"]


def test_single_version_document_diff_says_so(client: TestClient, built: DocumentArchive) -> None:
    tree = page(client, f"/doc/{built.ids['pdf']}/diff")
    assert "only one version" in tree.cssselect(".summary")[0].text_content()
    assert not page(client, f"/doc/{built.ids['pdf']}").cssselect(".versions form")


@pytest.mark.parametrize(("query", "status", "message"), [
    ("from=1&to=9", 404, "no version 9"),
    ("from=9", 404, "no version 9"),
    ("from=abc&to=1", 400, "bad from 'abc'"),
    ("to=0", 400, "bad to"),
])
def test_bad_diff_versions(client: TestClient, built: DocumentArchive, query: str, status: int, message: str) -> None:
    doc_id = built.ids["avalanche"]
    response = client.get(f"/api/doc/{doc_id}/diff?{query}")
    assert response.status_code == status and message in response.json()["error"]
    assert set(response.json()) >= {"error"}
    tree = page(client, f"/doc/{doc_id}/diff?{query}", status=status)
    assert message in tree.cssselect(".error")[0].text_content()


def test_diff_of_an_unknown_document(client: TestClient) -> None:
    assert client.get("/api/doc/99999/diff").status_code == 404
    assert client.get("/doc/99999/diff").status_code == 404


def test_archived_text_in_a_diff_stays_text(tmp_path: Path) -> None:
    service = ArchiveService(DataDir(tmp_path))
    doc_id, _ = write_capture(service, RELEASE, b"x", datetime(2024, 1, 1))
    write_capture(service, RELEASE.replace(text=RELEASE.text + " <script>alert(1)</script> & <b>x</b>"), b"y",
                  datetime(2024, 1, 2))
    service.close()
    with TestClient(create_app(DataDir(tmp_path))) as client:
        response = client.get(f"/doc/{doc_id}/diff")
    tree = lxml_html.fromstring(response.text)
    assert not tree.cssselect("script, b")
    assert "<script>alert(1)</script> & <b>x</b>" in tree.cssselect(".diff-body ins")[0].text_content()


# -- the archived original ------------------------------------------------------------------------


def test_raw_original_is_the_archived_bytes_under_a_banner(client: TestClient, built: DocumentArchive) -> None:
    doc_id = built.ids["avalanche"]
    response = client.get(f"/doc/{doc_id}/raw")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["x-content-type-options"] == "nosniff"
    policy = response.headers["content-security-policy"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split("; ")}
    assert directives["sandbox"] == [] and directives["default-src"] == ["'none'"]
    assert directives["script-src"] == ["'none'"] and directives["img-src"] == ["'none'"]
    assert directives["style-src"][0].startswith("'nonce-")
    body = response.content
    banner_start, banner_end = body.index(b"<style nonce="), body.index(b"</div>") + len(b"</div>")
    assert body[:banner_start] == b"<!DOCTYPE html>"  # the doctype stays first: same rendering mode
    assert body[:banner_start] + body[banner_end:] == SCRIPT_PAGE  # nothing else changed
    banner = lxml_html.fromstring(body[banner_start:banner_end]).text_content()
    assert "Archived copy of https://police.example.org/press/avalanche" in " ".join(banner.split())
    assert "captured at 2024-02-01 08:30:00 UTC by pressarchive" in banner
    assert "Links and images of the original are not loaded" in banner
    nonce = directives["style-src"][0][len("'nonce-"):-1]
    assert f'<style nonce="{nonce}">'.encode() in body
    assert client.get(f"/doc/{doc_id}/raw").headers["content-security-policy"] != policy  # a fresh nonce


def test_raw_banner_links_back_and_names_the_version(client: TestClient, built: DocumentArchive) -> None:
    doc_id = built.ids["avalanche"]
    response = client.get(f"/doc/{doc_id}/raw?version=1")
    tree = lxml_html.fromstring(response.content)
    banner = tree.get_element_by_id("pressarchive-banner")
    assert banner.cssselect("a")[0].get("href") == f"/doc/{doc_id}?version=1"
    assert "version 1" in banner.text_content() and "2024-01-01 12:00:00 UTC" in banner.text_content()
    assert response.content.endswith(b"<p>Police arrested five people in Berlin.\nServers were seized.</p>")


def test_raw_keeps_the_archived_charset(client: TestClient, built: DocumentArchive) -> None:
    response = client.get(f"/doc/{built.ids['latin']}/raw")
    assert response.headers["content-type"] == "text/html; charset=windows-1252"
    assert "Caf\u00e9 raid \u20ac5".encode("cp1252") in response.content
    assert "Caf\u00e9 raid \u20ac5" in response.content.decode("cp1252")


def test_raw_pdf_is_a_sandboxed_download(client: TestClient, built: DocumentArchive) -> None:
    doc_id = built.ids["pdf"]
    response = client.get(f"/doc/{doc_id}/raw")
    assert response.status_code == 200 and response.content == PDF
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == f'attachment; filename="pressarchive-{doc_id}-v1.pdf"'
    assert response.headers["content-security-policy"].startswith("sandbox; default-src 'none'")
    assert response.headers["x-content-type-options"] == "nosniff"


def test_raw_with_its_warc_file_gone_is_a_clear_404(client: TestClient, built: DocumentArchive) -> None:
    tree = page(client, f"/doc/{built.ids['lost']}/raw", status=404)
    message = tree.cssselect(".error")[0].text_content()
    assert f"WARC file {built.warc_files['lost']} is missing" in message and "pressarchive check" in message


@pytest.mark.parametrize(("path", "status"), [("/raw?version=5", 404), ("/raw?version=x", 400)])
def test_raw_bad_version(client: TestClient, built: DocumentArchive, path: str, status: int) -> None:
    page(client, f"/doc/{built.ids['avalanche']}{path}", status=status)


def test_raw_of_an_unknown_document(client: TestClient) -> None:
    page(client, "/doc/424242/raw", status=404)


# -- citations ------------------------------------------------------------------------------------


def test_page_cites_the_version_shown_with_copy_buttons(client: TestClient, built: DocumentArchive) -> None:
    doc_id = built.ids["avalanche"]
    response = client.get(f"/doc/{doc_id}?version=1")
    assert response.headers["content-security-policy"] == DOCUMENT_PAGE_POLICY
    assert "script-src 'self'" in DOCUMENT_PAGE_POLICY and "unsafe-inline" not in DOCUMENT_PAGE_POLICY
    tree = lxml_html.fromstring(response.text)
    citations = {pre.get("id"): pre.text_content() for pre in tree.cssselect(".cite pre")}
    assert set(citations) == {"cite-apa", "cite-chicago", "cite-bibtex"}
    assert f"http://testserver/doc/{doc_id}?version=1" in citations["cite-apa"]
    assert "@misc{pressarchive" in citations["cite-bibtex"] and r"Police A \& \{Co\}" in citations["cite-bibtex"]
    buttons = tree.cssselect(".cite button.copy")
    assert [b.get("data-copy") for b in buttons] == ["cite-apa", "cite-chicago", "cite-bibtex"]
    assert all(b.get("hidden") is not None for b in buttons)  # shown by the script only
    scripts = tree.cssselect("script")
    assert [s.get("src") for s in scripts] == ["/static/copy.js"] and not scripts[0].text_content().strip()


def test_copy_script_is_served_and_other_pages_keep_no_scripts(client: TestClient) -> None:
    script = client.get("/static/copy.js")
    assert script.status_code == 200 and "navigator.clipboard" in script.text
    assert client.get("/search").headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'none'" in CONTENT_SECURITY_POLICY


def test_api_cite(client: TestClient, built: DocumentArchive) -> None:
    doc_id = built.ids["avalanche"]
    body = client.get(f"/api/doc/{doc_id}/cite?version=1&accessed=2026-03-04").json()
    assert body["permalink"] == f"http://testserver/doc/{doc_id}?version=1"
    assert (body["version"], body["accessed"], body["captured"]) == (1, "2026-03-04", "2024-01-01T12:00:00Z")
    assert body["author"] == "Police A & {Co}" and body["title"] == "Avalanche botnet dismantled"
    assert body["citations"]["apa"] == (
        "Police A & {Co}. (2016, December 1). Avalanche botnet dismantled [Press release; archived version 1, "
        "captured January 1, 2024]. https://police.example.org/press/avalanche. Retrieved March 4, 2026, "
        f"from http://testserver/doc/{doc_id}?version=1"
    )
    current = client.get(f"/api/doc/{doc_id}/cite").json()
    assert current["version"] == 2 and current["title"] == "Avalanche botnet dismantled: update"
    untitled_source = client.get(f"/api/doc/{built.ids['pdf']}/cite").json()
    assert untitled_source["author"] == "Plain Press Room"  # no agency: the source's title
    assert "n.d." in untitled_source["citations"]["apa"]
    for query, status in (("version=9", 404), ("version=z", 400), ("accessed=yesterday", 400)):
        response = client.get(f"/api/doc/{doc_id}/cite?{query}")
        assert response.status_code == status and "error" in response.json(), query


@pytest.mark.parametrize(("body", "content_type", "encoding", "expected"), [
    (codecs.BOM_UTF8 + b"<!-- c --> <!doctype html><p>x</p>", "text/html", "utf-8",
     codecs.BOM_UTF8 + b"<!-- c --> <!doctype html><b>B&#233;</b><p>x</p>"),
    (b"<p>no doctype</p>", "", "utf-8", b"<b>B&#233;</b><p>no doctype</p>"),
    (b"<!-- <!doctype html> --><p>x</p>", "text/html", "utf-8",
     b"<b>B&#233;</b><!-- <!doctype html> --><p>x</p>"),  # a doctype in a comment is none
    ('<meta charset="iso-8859-2"><p>\u0159</p>'.encode("iso-8859-2"), "text/html", "iso-8859-2",
     b'<b>B&#233;</b><meta charset="iso-8859-2"><p>\xf8</p>'),
    (codecs.BOM_UTF16_LE + "<!DOCTYPE html><p>\u00e9</p>".encode("utf-16-le"), "text/html", "utf-16le",
     codecs.BOM_UTF16_LE + "<!DOCTYPE html><b>B&#233;</b><p>\u00e9</p>".encode("utf-16-le")),
    ("<!doctype html><p>\u00e9</p>".encode("utf-16-be"), "text/html; charset=utf-16", "utf-16be",
     "<!doctype html><b>B&#233;</b><p>\u00e9</p>".encode("utf-16-be")),  # no BOM: the bytes show the order
    ("<!-- \ud800 --><!doctype html><p>x</p>".encode("utf-16-le", "surrogatepass"), "text/html; charset=utf-16le",
     "utf-16le", "<b>B&#233;</b><!-- \ud800 --><!doctype html><p>x</p>".encode("utf-16-le", "surrogatepass")),
    (b'<meta charset="iso-2022-jp"><!doctype html>', "", "iso-2022-jp",
     b'<b>B&#233;</b><meta charset="iso-2022-jp"><!doctype html>'),  # shift states: first, in ASCII state
])
def test_banner_goes_after_the_doctype_in_the_pages_encoding(
    body: bytes, content_type: str, encoding: str, expected: bytes,
) -> None:
    original = ArchivedResponse(url="https://x.example/", date="", status=200, content_type=content_type, body=body)
    assert page_encoding(original) == encoding
    assert with_banner(body, "<b>B\u00e9</b>", encoding) == expected


def test_invalid_bytes_before_the_doctype_cannot_move_the_banner_into_the_page() -> None:
    """Each invalid byte decoded to U+FFFD re-encodes to three bytes: an offset found in the
    decoded text would land 1,200 bytes on, inside the comment that follows the doctype."""
    body = (b"<!-- " + b"\xff" * 600 + b" --><!doctype html><!-- " + b"x" * 2000 + b" -->"
            b"<html><body><p id=page>page</p></body></html>")
    original = ArchivedResponse(url="https://x.example/", date="", status=200,
                                content_type="text/html; charset=utf-8", body=body)
    shown = with_banner(body, '<div id="banner">B</div>', page_encoding(original) or "")
    doctype_end = body.index(b"<!doctype html>") + len(b"<!doctype html>")
    assert shown == body[:doctype_end] + b'<div id="banner">B</div>' + body[doctype_end:]
    assert lxml_html.document_fromstring(shown).body[0].get("id") == "banner"


@pytest.mark.parametrize(("content_type", "body", "encoding"), [
    ("text/html; charset=tis-620", b"<p>\xa1</p>", "windows-874"),
    ("text/html; charset=cp874", b"<p>\xa1</p>", "windows-874"),
    ("text/html; charset=big5-hkscs", b"<p>x</p>", "big5"),
    ("text/html; charset=iso-8859-1", b"<p>\xe9</p>", "windows-1252"),
    ("text/html; charset=latin-1", b"<p>\xe9</p>", "windows-1252"),
    ("text/html; charset=shift_jis", b"<p>x</p>", "shift_jis"),
    ("text/html; charset=koi8-r", b"<p>x</p>", "koi8-r"),
    ("text/html; charset=utf-16", "<p>x</p>".encode("utf-16-le"), "utf-16le"),
    ("text/html; charset=utf-16", "<p>x</p>".encode("utf-16-be"), "utf-16be"),
    ("text/html", codecs.BOM_UTF16_BE + "<p>x</p>".encode("utf-16-be"), "utf-16be"),
    ("text/html", codecs.BOM_UTF32_BE + "<p>x</p>".encode("utf-32-be"), None),  # no browser reads UTF-32
])
def test_the_charset_sent_is_the_name_browsers_know(content_type: str, body: bytes, encoding: str | None) -> None:
    original = ArchivedResponse(url="https://x.example/", date="", status=200, content_type=content_type, body=body)
    assert page_encoding(original) == encoding


@pytest.mark.parametrize(("body", "encoding"), [
    (b"(\xb5/\xfd not really zstd", "zstd"),  # a content coding the WARC reader cannot undo
    (codecs.BOM_UTF32_LE + "<p>UTF-32</p>".encode("utf-32-le"), "identity"),  # a charset no browser reads
])
def test_a_body_no_browser_could_read_is_a_download(tmp_path: Path, body: bytes, encoding: str) -> None:
    service = ArchiveService(DataDir(tmp_path))
    writer = RotatingWarcWriter(service.data.warc_dir, prefix="odd")
    location = writer.write(Exchange(
        url="https://x.example/z", method="GET", request_headers=[], status=200, reason="OK",
        response_headers=[("Content-Type", "text/html"), ("Content-Encoding", encoding)], body=body,
        captured_at=datetime(2024, 1, 1, tzinfo=UTC),
    ))
    writer.close()
    capture = service.archive.record_capture(Capture(
        "s", "https://x.example/z", 200, "text/html", len(body), datetime(2024, 1, 1), "0" * 64,
        location.warc_file, location.offset,
    ))
    doc_id = service.archive.save_document(Document("https://x.example/z", "Z", "Zed.", "en"), capture).document_id
    service.close()
    with TestClient(create_app(DataDir(tmp_path))) as client:
        response = client.get(f"/doc/{doc_id}/raw")
    assert response.headers["content-type"] == "application/octet-stream" and response.content == body
    assert response.headers["content-disposition"].startswith("attachment;")
