"""The cross-language thesaurus's data: the built-in file and a data directory's override.

How engines search with it (``~word``, the expand switch, the cap) is in the contract suite,
``tests/contract/test_thesaurus.py``."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh.lang import stopwords_for_language

from pressarchive.errors import UserError
from pressarchive.index.languages import GROUPS
from pressarchive.index.thesaurus import THESAURUS_LANGUAGES, builtin_thesaurus, load_thesaurus

def test_data_directory_file_replaces_adds_and_removes_concepts(tmp_path: Path) -> None:
    (tmp_path / "thesaurus.toml").write_text(
        '[arrest]\nen = ["arrest"]\nnl = ["aanhouding"]\n\n'
        '[doxxing]\nen = ["doxxing"]\nde = ["Doxing"]\n\n'
        "[grooming]\n", "utf-8",
    )
    thesaurus = load_thesaurus(tmp_path)
    assert thesaurus.terms_for("arrest") == ["arrest", "aanhouding"]
    assert thesaurus.terms_for("detención") is None  # the replaced concept's old terms are gone
    assert thesaurus.terms_for("doxing") == ["doxxing", "Doxing"]
    assert thesaurus.terms_for("grooming") is None
    assert thesaurus.terms_for("sextortion") == builtin_thesaurus().terms_for("sextortion")
    assert load_thesaurus(tmp_path / "absent") is builtin_thesaurus()


@pytest.mark.parametrize("text", [
    "[arrest]\nxx = [\"a\"]\n", "[arrest]\nen = \"arrest\"\n", "arrest = 1\n", "[arrest\n",
    "[arrest]\nen = [\"\"]\n",
])
def test_a_bad_override_file_is_a_user_error(tmp_path: Path, text: str) -> None:
    (tmp_path / "thesaurus.toml").write_text(text, "utf-8")
    with pytest.raises(UserError, match="thesaurus.toml"):
        load_thesaurus(tmp_path)


def test_the_builtin_data_covers_the_languages_without_stop_words() -> None:
    concepts = builtin_thesaurus().concepts
    assert len(concepts) >= 30
    stops = {word for group in GROUPS if group in THESAURUS_LANGUAGES
             for word in stopwords_for_language(group)}
    for concept, terms in concepts.items():
        single = [term for term in terms if " " not in term]
        assert not {term.lower() for term in single} & stops, concept
    text = (Path(__file__).parents[1] / "pressarchive/index/data/thesaurus.toml").read_text("utf-8")
    for concept in concepts:
        table = text.split(f"[{concept}]\n", 1)[1].split("\n\n", 1)[0]
        assert {line.split(" = ")[0] for line in table.splitlines()} == set(THESAURUS_LANGUAGES), concept
