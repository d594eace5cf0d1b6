"""End to end on loopback: crawl the sample press room with the real CLI, then search and show.

The expectations (17 releases, which words are in which language, what must never be
requested) are the sample room's documented contents: pressarchive/sampleroom/README.md.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any


from pressarchive.warc import read_response

RELEASES = 17
LANGUAGES = {"en": 7, "es": 5, "it": 3, "fr": 1, "pt": 1}
KESTREL_EN = "/press/releases/2019/operation-kestrel-international-action-against-online-child-abuse.html"
LANTERN_EN = "/press/releases/2019/operation-lantern-cocaine-seized-at-puerto-alcena.html"
LANTERN_ES = "/press/releases/2019/operacion-lantern-cocaina-intervenida-puerto-alcena.html"
SALTMARSH_PDF = "/press/releases/2019/operation-saltmarsh-illegal-firearms-workshop-dismantled.pdf"
MEDIA = re.compile(r"\.(jpe?g|png|gif|mp4|mp3|zip)(\?|$)|^/media/")


def all_docs(crawled: dict[str, Any], query: str = "", **filters: str) -> dict[str, Any]:
    args = ["search", query, "--limit", "100"]
    for name, value in filters.items():
        args += [f"--{name}", value]
    return crawled["cli"].json(*args)


def doc_by_path(crawled: dict[str, Any], path: str) -> dict[str, Any]:
    hits = [hit for hit in all_docs(crawled)["hits"] if hit["url"].endswith(path)]
    assert len(hits) == 1, f"{path}: {len(hits)} documents"
    return crawled["cli"].json("show", str(hits[0]["id"]))


def test_crawl_summary(crawled: dict[str, Any]) -> None:
    summary = crawled["first"].stderr
    assert re.search(r"│ sample\s+│\s+\d+\s+│\s+17\s+│\s+0\s+│\s+0\s+│", summary), summary
    assert "indexed 17 new or changed documents" in summary


def test_every_release_archived_once(crawled: dict[str, Any]) -> None:
    status = crawled["cli"].json("status")
    assert status["documents"] == RELEASES and status["versions"] == RELEASES
    assert status["indexed"] == RELEASES and status["index_entries"] == RELEASES
    result = all_docs(crawled)
    assert result["total"] == RELEASES
    assert result["facets"]["language"] == LANGUAGES
    urls = [hit["url"] for hit in result["hits"]]
    assert len(set(urls)) == RELEASES
    assert not any("utm_" in url or "#" in url or "/news/" in url or "/drafts/" in url for url in urls)


def test_robots_txt_obeyed_and_media_never_requested(crawled: dict[str, Any]) -> None:
    requests = crawled["requests"]
    assert "/robots.txt" in requests
    assert not [path for path in requests if path.startswith(("/press/drafts/", "/search"))]
    assert not [path for path in requests if MEDIA.search(path)]
    assert "Nightjar" not in all_docs(crawled)["facets"]["operation"]


def test_pagination_sitemap_feed_and_redirect_followed(crawled: dict[str, Any]) -> None:
    requests = crawled["requests"]
    for path in ("/press/", "/press/?page=2", "/press/?page=3", "/sitemap.xml",
                 "/sitemap-releases.xml", "/feed.xml", "/news/lantern-cocaine-seizure"):
        assert path in requests, path
    assert not [path for path in requests if "utm_" in path], "tracking variants are not requested"
    paths = {hit["url"].split("127.0.0.1", 1)[1].split("/", 1)[1] for hit in all_docs(crawled)["hits"]}
    assert "press/releases/2019/operacao-meridian-rede-fraude-investimentos-desmantelada.html" in paths  # sitemap only
    assert "press/releases/2019/online-safety-advice-for-parents-and-carers.html" in paths  # feed only


def test_redirected_release_is_one_document(crawled: dict[str, Any]) -> None:
    doc = doc_by_path(crawled, LANTERN_EN)
    assert doc["operations"] == ["Lantern"] and len(doc["versions"]) == 1


def test_windows_1252_page_has_correct_accents(crawled: dict[str, Any]) -> None:
    doc = doc_by_path(crawled, LANTERN_ES)
    assert doc["title"].startswith("Operación Lantern") and doc["language"] == "es"
    assert "cocaína" in doc["text"] and "\ufffd" not in doc["text"] and "Ã" not in doc["text"]


def test_pdf_release_is_a_document(crawled: dict[str, Any]) -> None:
    doc = doc_by_path(crawled, SALTMARSH_PDF)
    assert "Saltmarsh" in doc["title"] and doc["operations"] == ["Saltmarsh"]
    assert doc["language"] == "en" and "firearms" in doc["text"]


def test_provenance_points_into_the_warc(crawled: dict[str, Any]) -> None:
    doc = doc_by_path(crawled, KESTREL_EN)
    (version,) = doc["versions"][:1]
    warc = crawled["cli"].data / "warc" / version["warc_file"]
    record = read_response(warc, version["warc_offset"])
    assert record.url == doc["url"] and record.status == 200
    assert hashlib.sha256(record.body).hexdigest() == version["sha256"]
    assert b"Kestrel" in record.body
    assert version["warc_record_id"] == record.record_id and record.record_id.startswith("<urn:uuid:")
    assert version["requested_url"] == doc["url"] and version["status"] == 200


def test_search_by_operation_across_languages(crawled: dict[str, Any]) -> None:
    by_field = all_docs(crawled, "operation:kestrel")
    by_option = all_docs(crawled, "", operation="Kestrel")
    for result in (by_field, by_option):
        assert result["total"] == 3
        assert result["facets"]["language"] == {"en": 1, "es": 1, "it": 1}
        assert result["facets"]["operation"] == {"Kestrel": 3}
    assert all_docs(crawled)["facets"]["operation"] == {"Meridian": 4, "Kestrel": 3, "Lantern": 3, "Saltmarsh": 2}


def test_search_json_shape(crawled: dict[str, Any]) -> None:
    result = crawled["cli"].json("search", "kestrel", "--limit", "1")
    assert set(result) == {
        "query", "total", "page", "limit", "last_page", "sort", "hits", "facets", "interval", "histogram",
        "timeline", "expansions",
    }
    assert result["query"] == "kestrel" and result["total"] == 3 and len(result["hits"]) == 1
    (hit,) = result["hits"]
    assert set(hit) == {
        "id", "url", "title", "published", "source", "language", "operations", "score", "snippet",
        "highlights", "cluster", "similar",
    }
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", hit["published"])
    assert set(result["facets"]) == {
        "language", "source", "source_country", "country", "agency", "year", "operation",
    }
    assert sum(result["facets"]["language"].values()) == 3, "facets count all matches, not the page"
    # Three releases of one day: the timeline counts by day.
    assert result["interval"] == "day"
    assert sum(result["histogram"].values()) == 3
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", m) for m in result["histogram"])


def test_show_json_shape(crawled: dict[str, Any]) -> None:
    doc = doc_by_path(crawled, KESTREL_EN)
    for key in ("id", "url", "title", "published", "source", "language", "operations", "versions"):
        assert key in doc
    assert doc["published"] == "2019-12-10" and doc["source"] == "sample" and doc["country"] == "ES"
    for version in doc["versions"]:
        assert {"captured", "sha256", "text", "warc_file", "warc_offset"} <= set(version)


def test_date_filters(crawled: dict[str, Any]) -> None:
    assert all_docs(crawled, "", since="2019-12-01")["total"] == 4
    assert all_docs(crawled, "", until="2018-12-31")["total"] == 2
    assert all_docs(crawled, "published:[2019-06-01 TO 2019-06-30]")["total"] == 4


def test_recrawl_unchanged_then_changed_page_gives_two_versions(crawled: dict[str, Any]) -> None:
    cli, room = crawled["cli"], crawled["room"]
    again = cli("crawl", "--profile", str(crawled["profile"]), "--delay", "0", check=True)
    assert re.search(r"│ sample\s+│\s+\d+\s+│\s+0\s+│\s+0\s+│\s+17\s+│", again.stderr), again.stderr
    assert cli.json("status")["versions"] == RELEASES
    room.revision = 2
    try:
        changed = cli("crawl", "--profile", str(crawled["profile"]), "--delay", "0", check=True)
    finally:
        room.revision = 1
    assert re.search(r"│ sample\s+│\s+\d+\s+│\s+0\s+│\s+1\s+│\s+16\s+│", changed.stderr), changed.stderr
    doc = doc_by_path(crawled, KESTREL_EN)
    assert [v["number"] for v in doc["versions"]] == [1, 2]
    assert "38 arrests" in doc["versions"][0]["text"] and "41 arrests" in doc["versions"][1]["text"]
    assert "41 arrests" in doc["text"]
    assert doc["versions"][0]["sha256"] != doc["versions"][1]["sha256"]
    status = cli.json("status")
    assert (status["documents"], status["versions"], status["indexed"]) == (RELEASES, RELEASES + 1, RELEASES)
    assert all_docs(crawled, '"41 arrests"')["total"] == 1


def test_index_rebuild_from_store(crawled: dict[str, Any]) -> None:
    before = without_scores(all_docs(crawled, "operation:meridian"))
    out = crawled["cli"]("index", "--rebuild", check=True)
    assert f"rebuilt index with {RELEASES} documents" in out.stdout
    assert without_scores(all_docs(crawled, "operation:meridian")) == before


def without_scores(result: dict[str, Any]) -> dict[str, Any]:
    """A search result without the hits' scores: BM25 sums its statistics per index segment,
    so a rebuild (one segment instead of several) changes the last digits, not the order."""
    return {**result, "hits": [{k: v for k, v in hit.items() if k != "score"} for hit in result["hits"]]}


def test_reports_written(crawled: dict[str, Any]) -> None:
    reports = sorted((crawled["cli"].data / "reports").glob("crawl-*.json"))
    assert reports, "each crawl leaves a JSON report"
    import json

    summary = json.loads(reports[0].read_text())["summaries"][0]
    assert summary["source"] == "sample" and summary["errors"] == 0
