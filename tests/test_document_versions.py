"""Word-level diffs and citations on their own, and the ``diff``, ``cite`` and ``show
--version`` commands over an archive with two versions of a release."""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pressarchive.citations import CitedVersion, bibtex_url, latex
from pressarchive.versions import word_diff
from tests.cli_here import run_here
from tests.document_archive import PDF, SCRIPT_PAGE, DocumentArchive, build

# -- word diffs -----------------------------------------------------------------------------------

WORDS = st.lists(st.sampled_from(["police", "arrested", "3,500", "people", ".", ",", " ", "\n", "Europol",
                                  "e-mail", "  ", "déténus", "!"]), max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(WORDS, WORDS)
def test_segments_give_back_both_texts(old: str, new: str) -> None:
    segments = word_diff(old, new)
    assert "".join(s.text for s in segments if s.op != "inserted") == old
    assert "".join(s.text for s in segments if s.op != "deleted") == new
    assert all(s.text for s in segments)
    assert all(a.op != b.op for a, b in itertools.pairwise(segments))  # neighbours merged


def test_changed_words_are_whole_words_and_numbers() -> None:
    segments = word_diff("Police arrested 3,500 people.\nServers seized.\n",
                         "Police arrested 3,600 people.\nServers seized.\n")
    assert [(s.op, s.text) for s in segments] == [
        ("equal", "Police arrested "), ("deleted", "3,500"), ("inserted", "3,600"),
        ("equal", " people.\nServers seized.\n"),
    ]


def test_unchanged_paragraphs_stay_whole() -> None:
    old = "First paragraph stays.\nSecond one changes here.\nThird stays too."
    new = "First paragraph stays.\nSecond one changed here.\nThird stays too."
    segments = word_diff(old, new)
    assert segments[0].text == "First paragraph stays.\nSecond one " and segments[-1].text == " here.\nThird stays too."
    assert [s.text for s in segments if s.op != "equal"] == ["changes", "changed"]


def test_identical_and_empty_texts() -> None:
    assert [(s.op, s.text) for s in word_diff("same text", "same text")] == [("equal", "same text")]
    assert word_diff("", "") == []
    assert [(s.op, s.text) for s in word_diff("", "new")] == [("inserted", "new")]


def test_every_paragraph_edited_still_shows_words() -> None:
    old = "\n".join(f"Paragraph {n} says the police arrested {n} people. It ends here." for n in range(200))
    new = old.replace("arrested", "detained")
    segments = word_diff(old, new)
    assert [s.text for s in segments if s.op == "deleted"] == ["arrested"] * 200
    assert [s.text for s in segments if s.op == "inserted"] == ["detained"] * 200


def test_pathological_texts_are_compared_in_bounded_time() -> None:
    few_words = " ".join(["the", "of"][n % 3 % 2] for n in range(60_000))
    cases = [(few_words, few_words.replace("the of", "of the", 500)),
             (few_words + ".\n" + few_words, few_words + "!\n" + few_words.replace("of", "a", 9))]
    for old, new in cases:
        started = time.perf_counter()
        segments = word_diff(old, new)
        assert time.perf_counter() - started < 5
        assert "".join(s.text for s in segments if s.op != "inserted") == old
        assert "".join(s.text for s in segments if s.op != "deleted") == new


# -- citations ------------------------------------------------------------------------------------


def _cited(**changes: object) -> CitedVersion:
    fields: dict[str, object] = dict(
        doc_id=12, version=3, author="Polícia Judiciária", title="Operation “Kestrel”: 38 arrested",
        published=date(2017, 12, 1), url="https://pj.example/press/kestrel?id=5&lang=pt",
        permalink="https://archive.example/doc/12?version=3", captured=datetime(2024, 1, 2, 3, 4, 5),
        accessed=date(2026, 5, 6),
    )
    fields.update(changes)
    return CitedVersion(**fields)  # type: ignore[arg-type]


def test_apa_and_chicago() -> None:
    cited = _cited()
    assert cited.apa() == (
        "Polícia Judiciária. (2017, December 1). Operation “Kestrel”: 38 arrested [Press release; archived "
        "version 3, captured January 2, 2024]. https://pj.example/press/kestrel?id=5&lang=pt. Retrieved "
        "May 6, 2026, from https://archive.example/doc/12?version=3"
    )
    assert cited.chicago() == (
        "Polícia Judiciária. \u201cOperation “Kestrel”: 38 arrested.\u201d Press release, December 1, 2017. "
        "https://pj.example/press/kestrel?id=5&lang=pt. Archived version 3, captured January 2, 2024. "
        "Accessed May 6, 2026. https://archive.example/doc/12?version=3."
    )
    undated = _cited(published=None, title="Why?", author="Police Inc.")
    assert undated.apa().startswith("Police Inc. (n.d.). Why? [Press release;")
    assert "\u201cWhy?\u201d Press release, n.d." in undated.chicago()


def test_bibtex_escapes_latex_and_keeps_urls_verbatim() -> None:
    cited = _cited(author="A & B {C}", title="50% of $1 ~ #2_x ^ back\\slash",
                   url="https://pj.example/a b/{x}?q=1%202#frag")
    entry = cited.bibtex()
    assert entry.startswith("@misc{pressarchive12v3,\n") and entry.endswith("\n}")
    lines = dict(line.strip().rstrip(",").split(" = ", 1) for line in entry.splitlines()[1:-1])
    assert lines["author"] == r"{{A \& B \{C\}}}"
    assert lines["title"] == (r"{{50\% of \$1 \textasciitilde{} \#2\_x \textasciicircum{} "
                              r"back\textbackslash{}slash}}")
    assert lines["url"] == "{https://archive.example/doc/12?version=3}"
    assert lines["urldate"] == "{2026-05-06}" and lines["year"] == "{2017}" and lines["date"] == "{2017-12-01}"
    assert lines["howpublished"] == r"{Press release, \url{https://pj.example/a\%20b/\%7Bx\%7D?q=1\%202\#frag}}"
    assert lines["note"] == "{Archived by pressarchive, version 3, captured 2024-01-02}"
    unescaped = re.sub(r"\\[{}]", "", entry)
    assert unescaped.count("{") == unescaped.count("}")  # braces balanced once escapes are set aside


def test_latex_and_url_helpers() -> None:
    assert latex("  a\n b  ") == "a b"
    assert latex("{}") == r"\{\}"
    assert bibtex_url("https://x.example/ü{}") == "https://x.example/%C3%BC%7B%7D"


# -- the commands ---------------------------------------------------------------------------------


class Here:
    """The CLI run in this process (``tests/cli_here.py``), answering like :class:`tests.conftest.CLI`."""

    def __init__(self, data: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.data, self.capsys = data, capsys

    def __call__(self, *args: str, check: bool = False) -> subprocess.CompletedProcess[str]:
        code, out, err = run_here(self.capsys, self.data, *args)
        assert code == 0 or not check, err
        return subprocess.CompletedProcess(args, code, out, err)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, module_store_db: str | None) -> DocumentArchive:
    return build(tmp_path_factory.mktemp("cli") / "data", module_store_db)


@pytest.fixture
def archive(built: DocumentArchive, capsys: pytest.CaptureFixture[str]) -> tuple[Here, DocumentArchive]:
    return Here(built.data.root, capsys), built


def test_diff_command(archive: tuple[Here, DocumentArchive]) -> None:
    cli, built = archive
    doc_id = str(built.ids["avalanche"])
    text = cli("diff", doc_id, check=True).stdout
    assert text.startswith(f"document {doc_id}: version 1 (2024-01-01 12:00:00 UTC) -> version 2 ")
    assert "6 words added, 1 removed" in text
    assert "title: Avalanche botnet dismantled{+: update+}" in text
    assert "Police arrested [-five-]{+seven+} people in Berlin." in text
    body = json.loads(cli("diff", doc_id, "2", "1", "--json", check=True).stdout)
    assert (body["from"]["number"], body["to"]["number"]) == (2, 1)
    assert body["summary"] == {"words_added": 1, "words_removed": 6, "changed": True}
    same = cli("diff", str(built.ids["pdf"]), check=True).stdout
    assert "no changes in title or text" in same


@pytest.mark.parametrize(("args", "message"), [
    (("1",), "error: give two version numbers (A B) or none"),
    (("1", "9"), "error: document 1 has no version 9 (it has versions 1 to 2)"),
    (("0", "1"), "error: Invalid value for '[A B]'"),
])
def test_diff_command_errors(archive: tuple[Here, DocumentArchive], args: tuple[str, ...], message: str) -> None:
    cli, built = archive
    result = cli("diff", str(built.ids["avalanche"]), *args)
    assert result.returncode != 0 and result.stdout == ""
    assert result.stderr.startswith(message) and len(result.stderr.strip().splitlines()) == 1
    unknown = cli("diff", "999")
    assert unknown.returncode == 1 and unknown.stderr.strip() == "error: no document with id 999"


def test_cite_command(archive: tuple[Here, DocumentArchive]) -> None:
    cli, built = archive
    doc_id = str(built.ids["avalanche"])
    bibtex = cli("cite", doc_id, "--version", "1", "--style", "bibtex", "--accessed", "2026-01-02", check=True).stdout
    assert bibtex.startswith(f"@misc{{pressarchive{doc_id}v1,\n  author = {{{{Police A \\& \\{{Co\\}}}}}},")
    assert f"url = {{/doc/{doc_id}?version=1}}" in bibtex and "urldate = {2026-01-02}" in bibtex
    everything = cli("cite", doc_id, "--accessed", "2026-01-02", check=True).stdout
    assert everything.startswith("apa:\nPolice A & {Co}. (2016, December 1). Avalanche botnet dismantled: update")
    assert "\nchicago:\n" in everything and "\nbibtex:\n@misc{" in everything
    body = json.loads(cli("cite", doc_id, "--json", check=True).stdout)
    assert body["version"] == 2 and body["accessed"] in (
        datetime.now(UTC).date().isoformat(), (datetime.now(UTC) - timedelta(minutes=1)).date().isoformat(),
    )
    assert body["permalink"] == f"/doc/{doc_id}?version=2"


def test_cite_command_uses_the_base_url(archive: tuple[Here, DocumentArchive], monkeypatch: pytest.MonkeyPatch) -> None:
    cli, built = archive
    monkeypatch.setenv("PRESSARCHIVE_BASE_URL", "https://archive.example/")
    body = json.loads(cli("cite", str(built.ids["avalanche"]), "--version", "1", "--json", check=True).stdout)
    assert body["permalink"] == f"https://archive.example/doc/{built.ids['avalanche']}?version=1"


@pytest.mark.parametrize(("args", "message"), [
    (("--version", "5"), "error: document 1 has no version 5"),
    (("--accessed", "soon"), "error: bad --accessed date 'soon': expected YYYY-MM-DD"),
    (("--style", "mla"), "error: Invalid value for '--style'"),
])
def test_cite_command_errors(archive: tuple[Here, DocumentArchive], args: tuple[str, ...], message: str) -> None:
    cli, _built = archive
    result = cli("cite", "1", *args)
    assert result.returncode != 0 and result.stderr.startswith(message)
    assert len(result.stderr.strip().splitlines()) == 1


def test_show_version(archive: tuple[Here, DocumentArchive], tmp_path: Path) -> None:
    cli, built = archive
    doc_id = str(built.ids["avalanche"])
    old = json.loads(cli("show", doc_id, "--version", "1", "--json", check=True).stdout)
    assert (old["version"], old["current_version"], old["title"]) == (1, 2, "Avalanche botnet dismantled")
    assert all(v["warc_record_id"].startswith("<urn:uuid:") for v in old["versions"])
    text = cli("show", doc_id, "--version", "1", check=True).stdout
    assert "Police arrested five people in Berlin." in text and "<urn:uuid:" in text
    missing = cli("show", doc_id, "--version", "3")
    assert missing.returncode == 1 and missing.stderr.strip().startswith("error: document 1 has no version 3")


def test_original_command_writes_the_archived_bytes(archive: tuple[Here, DocumentArchive], tmp_path: Path) -> None:
    cli, built = archive
    doc_id = str(built.ids["avalanche"])
    out = tmp_path / "page.html"
    result = cli("original", doc_id, "--output", str(out), check=True)
    assert out.read_bytes() == SCRIPT_PAGE and result.stdout == ""
    assert result.stderr.startswith(f"document {doc_id} version 2: https://police.example.org/press/avalanche "
                                    "captured 2024-02-01 08:30:00 UTC, HTTP 200, text/html; charset=utf-8, ")
    assert "<urn:uuid:" in result.stderr
    piped = subprocess.run(  # to a pipe, the bytes go to standard output (a real process: real bytes)
        [sys.executable, "-m", "pressarchive", "--data", str(cli.data), "original", str(built.ids["pdf"])],
        capture_output=True, timeout=120, cwd=Path(__file__).resolve().parents[1],
        env={key: value for key, value in os.environ.items() if key != "PRESSARCHIVE_DATA"},
    )
    assert piped.returncode == 0 and piped.stdout == PDF
    first = cli("original", doc_id, "--version", "1", "-o", str(out), check=True)
    assert out.read_bytes().startswith(b"<p>Police arrested five") and "version 1:" in first.stderr


def test_original_command_errors(archive: tuple[Here, DocumentArchive], tmp_path: Path) -> None:
    cli, built = archive
    lost = cli("original", str(built.ids["lost"]), "-o", str(tmp_path / "x"))
    assert lost.returncode == 1 and lost.stderr.startswith(
        f"error: the archived original is not available: WARC file {built.warc_files['lost']} is missing")
    assert not (tmp_path / "x").exists()
    bad = cli("original", str(built.ids["avalanche"]), "--version", "4", "-o", str(tmp_path / "x"))
    assert bad.returncode == 1 and "has no version 4" in bad.stderr
