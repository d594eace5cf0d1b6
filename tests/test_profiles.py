from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pressarchive.errors import NotFound
from pressarchive.profiles import ProfileError, builtin_profiles, get_builtin, load_profile, profile_from_dict

VALID = {
    "name": "police", "title": "Police press room", "agency": "Example Police", "country": "es",
    "language": "ES", "start_urls": ["https://police.example/press/"],
    "article": [r"/press/releases/"], "follow": [r"/press/\?page=\d+"], "since": "2019-01-01",
}


def test_valid_profile_is_normalised() -> None:
    profile = profile_from_dict(VALID)
    assert profile.country == "ES" and profile.language == "es"
    assert profile.allowed_domains == ("police.example",)
    assert profile.since == date(2019, 1, 1)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "Bad Name"}, "name"),
        ({"country": "XX"}, "country"),
        ({"language": "zz"}, "language"),
        ({"article": []}, "article"),
        ({"article": ["(unclosed"]}, "article"),
        ({"start_urls": ["ftp://police.example/"]}, "start_urls"),
        ({"start_urls": []}, "start_urls"),
        ({"allowed_domains": ["other.example"]}, "allowed_domains"),
        ({"since": "last year"}, "since"),
        ({"follow": 3}, "follow"),
        ({"startURLs": ["x"]}, "startURLs"),
        ({"start_urls": ["http://abcdefghijklmnop.onion/"]}, "start_urls"),
        ({"extractor": "no-such-site"}, "extractor"),
    ],
)
def test_errors_name_the_field(change: dict[str, object], field: str) -> None:
    with pytest.raises(ProfileError, match=f"field '{field}'"):
        profile_from_dict({**VALID, **change})


def test_load_profile_errors(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="no such file"):
        load_profile(tmp_path / "missing.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("name = 'x\n", "utf-8")
    with pytest.raises(ProfileError, match="not valid TOML"):
        load_profile(broken)


def test_builtin_profiles_are_valid_and_lookup_fails_clearly() -> None:
    for name, profile in builtin_profiles().items():
        assert profile.name == name and profile.article
    with pytest.raises(NotFound, match="unknown source 'nope'"):
        get_builtin("nope")
