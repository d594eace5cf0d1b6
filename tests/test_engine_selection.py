"""Which search engine an archive uses: the address, where it comes from, and what shows it.

Addresses are parsed and redacted; ``config.toml`` is read and written without losing what a
person put there; the run's ``--index`` beats ``$PRESSARCHIVE_INDEX``, which beats
``config.toml``, which beats the default; ``status`` (text, JSON, web page, API) names the
engine and never its password; every command uses the chosen engine, a crawl's indexing
process too; and a bad address, a malformed ``config.toml`` or an engine that cannot be
opened is one ``error:`` line, never a traceback.
"""

from __future__ import annotations

import json
import os
import stat
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from pressarchive.dataconfig import ConfigError, DataConfig, read_config, write_index
from pressarchive.datadir import DataDir
from pressarchive.index.engines import (
    ENGINES, EngineAddressError, EngineOptions, EngineUnavailable, open_engine, parse_address,
)
from pressarchive.index.whooshindex.searchindex import SearchIndex
from pressarchive.record import Document
from pressarchive.service import ArchiveService
from pressarchive.web import create_app
from tests import fake_engine
from tests.archive_builder import Builder
from tests.cli_here import run_here

PASSWORD = "s3cret-pw"


# -- addresses ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "scheme", "kind"), [
    (None, "whoosh", "whoosh"),
    ("  ", "whoosh", "whoosh"),
    ("whoosh", "whoosh", "whoosh"),
    ("whoosh:///srv/index", "whoosh", "whoosh"),
    ("opensearch+http://127.0.0.1:9200/press", "opensearch+http", "opensearch"),
    ("OpenSearch+HTTPS://search.example:443/press", "opensearch+https", "opensearch"),
])
def test_addresses_name_their_engine(text: str | None, scheme: str, kind: str) -> None:
    address = parse_address(text)
    assert (address.scheme, address.kind) == (scheme, kind)


@pytest.mark.parametrize("text", ["foo://x", "elasticsearch://h:9200/i", "opensearch://h:9200/i", "whooshy", "sqlite"])
def test_an_unknown_address_is_a_clear_error_listing_the_known_ones(text: str) -> None:
    with pytest.raises(EngineAddressError) as raised:
        parse_address(text)
    message = str(raised.value)
    assert repr(text) in message and "whoosh:///DIR" in message and "opensearch+http://HOST:PORT/INDEX" in message


def test_an_address_that_is_not_text_is_a_clear_error() -> None:
    # A command-line byte that is not UTF-8 arrives as a lone surrogate: such an address
    # cannot be written to config.toml, so a move must refuse it before filling, not after.
    with pytest.raises(EngineAddressError, match="not UTF-8"):
        parse_address("whoosh:///srv/\udcff")


def test_redaction_hides_the_password_and_only_it() -> None:
    address = parse_address(f"opensearch+https://archivist:{PASSWORD}@search.example:9200/press")
    assert address.redacted() == "opensearch+https://archivist:***@search.example:9200/press"
    assert address.hide_password(f"cannot reach {address.text}") == f"cannot reach {address.redacted()}"
    plain = parse_address("opensearch+http://search.example:9200/press")
    assert plain.redacted() == plain.text and plain.hide_password("x") == "x"
    assert parse_address("whoosh").redacted() == "whoosh"


@pytest.mark.parametrize(("text", "shown"), [
    (f"opensearch+http://u:{PASSWORD}@search.example:notaport/press", "opensearch+http://u:***@search.example:notaport/press"),
    (f"opensearch+http://u:{PASSWORD}@search.example:99999/press", "opensearch+http://u:***@search.example:99999/press"),
    (f"opensearch+http://u:{PASSWORD}@[::1]:9200/press", "opensearch+http://u:***@[::1]:9200/press"),
    (f"opensearch+http://:{PASSWORD}@h:1/x", "opensearch+http://:***@h:1/x"),
    # A password with an unencoded "/" or "#" ends the host for urllib: hidden all the same.
    ("opensearch+http://u:pass/word@h:1/x", "opensearch+http://u:***@h:1/x"),
    ("opensearch+http://u:pass#word@h:1/x", "opensearch+http://u:***@h:1/x"),
    ("whoosh:///srv/a:b@c/index", "whoosh:///srv/a:b@c/index"),  # a path, not a user
])
def test_redaction_of_addresses_that_do_not_parse_fully(text: str, shown: str) -> None:
    # A port that is no number must not turn the redaction itself into a ValueError (a traceback).
    assert parse_address(text).redacted() == shown


@pytest.mark.parametrize("text", [
    f"opensearch://u:{PASSWORD}@search.example:9200/press",  # "+http" forgotten
    f"opensearch+htp://u:{PASSWORD}@search.example:9200/press",
    f"elasticsearch://u:{PASSWORD}@search.example:9200/press",
])
def test_an_unknown_address_never_shows_its_password(text: str) -> None:
    with pytest.raises(EngineAddressError) as raised:
        parse_address(text)
    assert PASSWORD not in str(raised.value) and "u:***@search.example:9200/press" in str(raised.value)


@pytest.mark.parametrize("text", [
    f"opensearch+http://u:{PASSWORD}@[::1:9200/press", "opensearch+http://[::1:9200/press",
    "whoosh:///tmp/a%00b",  # a directory name with a NUL byte (os.mkdir raises ValueError)
    f"opensearch+http://u:{PASSWORD}@a b:9200/press", "opensearch+http://%zz:9200/press",  # no host names
])
def test_a_malformed_address_is_one_error_line(
    text: str, archive: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    assert PASSWORD not in parse_address(text).redacted()
    code, out, err = run_here(capsys, archive, "--index", text, "status")
    assert code == 1 and err.startswith("error: ") and err.count("\n") == 1, err
    assert PASSWORD not in out + err


def test_an_address_with_a_bad_port_and_a_password_is_one_error_line(
    archive: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    address = f"opensearch+http://u:{PASSWORD}@127.0.0.1:notaport/press"
    for args in (["--index", address, "status"], ["index", "--rebuild", "--to", address]):
        code, out, err = run_here(capsys, archive, *args)
        assert code == 1 and err.startswith("error: ") and err.count("\n") == 1, err
        assert PASSWORD not in out + err


@pytest.mark.parametrize("text", ["whoosh://host/dir", "whoosh:relative/dir", "whoosh://[::1/dir"])
def test_a_whoosh_address_needs_an_absolute_directory(text: str, tmp_path: Path) -> None:
    with pytest.raises(EngineAddressError, match="whoosh:///ABSOLUTE/DIR"):
        open_engine(text, EngineOptions(tmp_path / "index"))


def test_a_whoosh_directory_that_cannot_be_made_is_engine_unavailable(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    with pytest.raises(EngineUnavailable, match=f"cannot open the whoosh index at {blocker}/index"):
        open_engine(f"whoosh://{blocker}/index", EngineOptions(tmp_path / "index"))


def test_an_engine_whose_code_is_not_installed_is_engine_unavailable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    monkeypatch.setitem(ENGINES, "absent+http", "pressarchive.index.no_such_engine:open_it")
    with pytest.raises(EngineUnavailable, match="the absent engine is not available in this installation"):
        open_engine("absent+http://h:1/i", EngineOptions(tmp_path / "index"))
    assert EngineUnavailable("x").status_code == 503  # the web answers "service unavailable"


def test_the_whoosh_engine_is_opened_where_its_address_says(tmp_path: Path) -> None:
    default = open_engine("whoosh", EngineOptions(tmp_path / "index"))
    elsewhere = open_engine(f"whoosh://{tmp_path}/other", EngineOptions(tmp_path / "index"))
    try:
        assert default.describe() == f"whoosh at {tmp_path / 'index'}"
        assert elsewhere.describe() == f"whoosh at {tmp_path / 'other'}"
        assert (tmp_path / "other").is_dir()
    finally:
        default.close()
        elsewhere.close()


# -- config.toml -------------------------------------------------------------------------------

def test_a_missing_config_means_the_defaults(tmp_path: Path) -> None:
    assert read_config(tmp_path / "config.toml") == DataConfig(index=None)
    assert DataDir(tmp_path).index_address == "whoosh"


@pytest.mark.parametrize(("text", "wording"), [
    ("index = [", "cannot read"),
    ("index = 3\n", "index must be a string"),
    ("\xff\xfe", "cannot read"),
])
def test_a_malformed_config_is_an_error_never_ignored(tmp_path: Path, text: str, wording: str) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(ConfigError, match=wording):
        read_config(path)
    with pytest.raises(ConfigError):
        write_index(path, "whoosh")
    assert path.read_bytes() == text.encode("latin-1")  # refused, not edited


def test_writing_the_index_keeps_every_other_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    original = (
        "# the archive of the press office\n"
        "index = \"whoosh\"  # the default\n"
        "note = \"kept\"\n"
        "\n"
        "[team]\n"
        "name = \"desk\"\n"
        "index = \"not the engine\"\n"
    )
    path.write_text(original)
    write_index(path, "opensearch+http://127.0.0.1:9200/press")
    text = path.read_text()
    assert text == original.replace('index = "whoosh"  # the default\n',
                                     'index = "opensearch+http://127.0.0.1:9200/press"\n')
    assert read_config(path).index == "opensearch+http://127.0.0.1:9200/press"


def test_writing_the_index_adds_it_above_the_first_table_or_at_the_end(tmp_path: Path) -> None:
    tables = tmp_path / "tables.toml"
    tables.write_text("# notes\n[team]\nname = \"desk\"\n")
    write_index(tables, "whoosh:///srv/index")
    assert tables.read_text() == "# notes\nindex = \"whoosh:///srv/index\"\n[team]\nname = \"desk\"\n"
    plain = tmp_path / "plain.toml"
    plain.write_text("note = \"no newline at the end\"")
    write_index(plain, "whoosh")
    assert plain.read_text() == "note = \"no newline at the end\"\nindex = \"whoosh\"\n"
    fresh = tmp_path / "fresh.toml"
    write_index(fresh, "whoosh")
    assert fresh.read_text() == "index = \"whoosh\"\n"
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o644


def test_an_address_is_stored_as_given_and_a_password_makes_the_file_private(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    address = f"opensearch+https://archivist:{PASSWORD}\"\\x@search.example:9200/press"
    write_index(path, address)
    assert read_config(path).index == address
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not [p for p in tmp_path.iterdir() if p.name != "config.toml"]  # no temporary file left


# -- precedence and the CLI --------------------------------------------------------------------

@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """A data directory with two documents, indexed in the default engine."""
    data = DataDir(tmp_path / "data")
    service = ArchiveService(data)
    try:
        service.archive.upsert_source("police-a", agency="Police A", country="DE", language="en")
        builder = Builder(service)
        for name in ("kestrel", "zeppelin"):
            builder.add(Document(
                url=f"https://police.example/{name}", title=f"Operation {name}", text=f"Officers of {name} acted.",
                language="en", published=date(2021, 3, 4), source="police-a",
            ))
        service.index_pending()
    finally:
        service.close()
    return data.root


def _status(capsys: pytest.CaptureFixture[str], root: Path, *options: str) -> dict[str, object]:
    code, out, err = run_here(capsys, root, *options, "status", "--json")
    assert code == 0, err
    return json.loads(out)


def test_option_beats_environment_beats_config_beats_default(
    archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PRESSARCHIVE_INDEX", raising=False)
    assert _status(capsys, archive)["index"] == f"whoosh at {archive / 'index'}"
    (archive / "config.toml").write_text(f'index = "whoosh://{tmp_path}/from-config"\n')
    assert _status(capsys, archive)["index"] == f"whoosh at {tmp_path / 'from-config'}"
    monkeypatch.setenv("PRESSARCHIVE_INDEX", f"whoosh://{tmp_path}/from-env")
    assert _status(capsys, archive)["index"] == f"whoosh at {tmp_path / 'from-env'}"
    chosen = _status(capsys, archive, "--index", f"whoosh://{tmp_path}/from-option")
    assert chosen["index"] == f"whoosh at {tmp_path / 'from-option'}"
    assert chosen["index_address"] == f"whoosh://{tmp_path}/from-option" and chosen["index_engine"] == "whoosh"
    # Each engine it was pointed at was new, so each was filled from the store on opening.
    assert chosen["index_entries"] == 2


def test_status_text_names_the_engine(archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_here(capsys, archive, "status")
    assert code == 0
    lines = dict(line.split(None, 1) for line in out.splitlines())
    assert lines["index_engine"] == "whoosh" and lines["index_address"] == "whoosh"
    assert lines["index"] == f"whoosh at {archive / 'index'}"


def test_no_face_of_status_shows_the_password(
    archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake_engine.register(monkeypatch)
    address = fake_engine.fake_address(tmp_path / "fake", PASSWORD)
    code, out, err = run_here(capsys, archive, "--index", address, "status", "--json")
    assert code == 0, err
    shown = json.loads(out)
    assert shown["index_engine"] == "fake"
    assert shown["index_address"] == "fake+http://archivist:***@search.example:9200" + str(tmp_path / "fake")
    assert shown["index"] == f"fake at {shown['index_address']}"  # the engine's own wording, password hidden
    code, out, err = run_here(capsys, archive, "--index", address, "status")
    assert PASSWORD not in out + err and "***" in out
    with TestClient(create_app(DataDir(archive, index_option=address))) as client:
        api = client.get("/api/status").json()
        page = client.get("/status").text
    # The public web names the kind of engine only: no host, user, index name or directory.
    assert api["index_engine"] == "fake" and "index_address" not in api and "index" not in api
    assert PASSWORD not in json.dumps(api) and PASSWORD not in page
    assert "search.example" not in json.dumps(api) and "search.example" not in page and "archivist" not in page


def test_index_option_passes_through_to_search(
    archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    other = tmp_path / "other"
    service = ArchiveService(DataDir(archive))
    try:
        kestrel = [doc for doc in service.archive.current_documents() if "kestrel" in doc.title]
    finally:
        service.close()
    with SearchIndex(other) as index:
        index.rebuild(kestrel)  # an engine holding one of the two documents
    code, out, _ = run_here(capsys, archive, "--index", f"whoosh://{other}", "search", "zeppelin", "--json")
    assert code == 0 and json.loads(out)["total"] == 0
    code, out, _ = run_here(capsys, archive, "--index", f"whoosh://{other}", "search", "kestrel", "--json")
    assert code == 0 and json.loads(out)["total"] == 1
    code, out, _ = run_here(capsys, archive, "search", "zeppelin", "--json")
    assert code == 0 and json.loads(out)["total"] == 1  # the default engine has both


@pytest.mark.parametrize("args", [
    ("status",), ("search", "kestrel"), ("index",), ("check", "--repair"), ("similar", "1"),
])
def test_a_bad_address_is_one_error_line(
    archive: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...],
) -> None:
    def contents() -> list[str]:  # a writer's empty lock file aside
        return sorted(p.name for p in archive.iterdir() if p.name != ".lock")

    before = contents()
    code, out, err = run_here(capsys, archive, "--index", "foo://x", *args)
    assert code == 1 and out == ""
    assert err.splitlines() == ["error: unknown index address 'foo://x': use one of whoosh, whoosh:///DIR, "
                                "opensearch+http://HOST:PORT/INDEX"]
    assert contents() == before


def test_a_malformed_config_is_one_error_line(archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (archive / "config.toml").write_text("index = [\n")
    for args in (("status",), ("search", "kestrel"), ("index",)):
        code, out, err = run_here(capsys, archive, *args)
        assert code == 1 and out == ""
        assert len(err.splitlines()) == 1 and err.startswith(f"error: cannot read {archive / 'config.toml'}: ")


def test_an_engine_that_cannot_be_opened_is_one_error_line(
    archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    for args in (("status",), ("search", "kestrel"), ("serve", "--port", "0")):
        code, out, err = run_here(capsys, archive, "--index", f"whoosh://{blocker}/index", *args)
        assert code == 1 and out == ""
        assert err.splitlines() == [f"error: cannot open the whoosh index at {blocker}/index: Not a directory"]


def test_a_crawl_indexes_into_the_engine_the_option_names(tmp_path: Path) -> None:
    """``demo`` crawls in worker processes of its own: they index into ``--index``'s engine,
    and the data directory gets no embedded index of its own."""
    from tests.conftest import CLI

    root = tmp_path / "data"
    elsewhere = tmp_path / "elsewhere"
    result = CLI(root)("--index", f"whoosh://{elsewhere}", "demo", "--no-serve")
    assert result.returncode == 0, result.stderr
    status = json.loads(CLI(root)("--index", f"whoosh://{elsewhere}", "status", "--json", check=True).stdout)
    assert status["index"] == f"whoosh at {elsewhere}"
    assert status["index_entries"] == status["documents"] == status["indexed"] > 0
    assert not (root / "index").exists()
    assert os.listdir(elsewhere)


def test_the_web_tells_the_public_the_engine_failed_but_not_where_it_is(
    archive: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    from tests.opensearchnode import free_port

    address = f"opensearch+http://archivist:s3cret@127.0.0.1:{free_port()}/press-private"  # nothing listens
    # No lifespan (which opens the engine and refuses to start): the engine failing after start-up.
    client = TestClient(create_app(DataDir(archive, index_option=address)))
    api = client.get("/api/search", params={"q": "harbour"})
    page = client.get("/search", params={"q": "harbour"})
    assert api.status_code == page.status_code == 503
    assert api.json()["error"].startswith("the search engine cannot answer now")
    for shown in (api.text, page.text):
        assert "127.0.0.1" not in shown and "press-private" not in shown and "s3cret" not in shown
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "press-private" in logged or "127.0.0.1" in logged  # the operator's log says which engine
    assert "s3cret" not in logged
