"""Source profiles: one TOML file describes one press room and how to crawl it.

A profile is data, not code, so that a researcher can add a newsroom without writing Python.
Validation happens here, once, and every error names the file and the field, because a
profile is hand-written and a typo must not turn into a silent empty crawl.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pycountry

from pressarchive.errors import NotFound, UserError
from pressarchive.isodate import iso_date
from pressarchive.record import SOURCE_KINDS
from pressarchive.profiles.patterns import PatternError, compile_pattern
from pressarchive.urls import host_of, is_http_url

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
LIST_FIELDS = ("start_urls", "allowed_domains", "sitemap_urls", "feed_urls", "follow", "article", "wayback")
TEXT_FIELDS = ("name", "title", "agency", "country", "language", "notes", "based_on", "extractor", "kind")
KNOWN_FIELDS = frozenset(LIST_FIELDS + TEXT_FIELDS + ("since",))


class ProfileError(UserError):
    """A profile file that cannot be used; the message names the file and the field."""


@dataclass(frozen=True)
class Profile:
    """A validated press-room description."""

    name: str
    title: str = ""
    agency: str = ""
    country: str = ""
    language: str = ""
    start_urls: tuple[str, ...] = ()
    allowed_domains: tuple[str, ...] = ()
    sitemap_urls: tuple[str, ...] = ()
    feed_urls: tuple[str, ...] = ()
    follow: tuple[str, ...] = ()
    article: tuple[str, ...] = ()
    since: date | None = None
    notes: str = ""
    based_on: str = ""
    extractor: str = ""
    kind: str = "press_room"
    #: Wayback Machine URL patterns of the source's releases (``crawl --history`` imports their captures).
    wayback: tuple[str, ...] = ()
    origin: str = field(default="", compare=False)

    @property
    def entry_urls(self) -> tuple[str, ...]:
        return self.start_urls + self.sitemap_urls + self.feed_urls


def load_profile(path: str | Path) -> Profile:
    """Read and validate a profile file."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProfileError(f"profile {path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"profile {path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"profile {path}: not valid TOML: {exc}") from None
    return profile_from_dict(raw, origin=str(path))


def profile_from_dict(raw: dict[str, Any], origin: str = "<profile>") -> Profile:
    """Validate raw profile fields (from TOML or built in code) into a :class:`Profile`."""
    def fail(name: str, message: str) -> ProfileError:
        return ProfileError(f"profile {origin}: field {name!r}: {message}")

    unknown = sorted(set(raw) - KNOWN_FIELDS)
    if unknown:
        raise fail(unknown[0], f"unknown field (known: {', '.join(sorted(KNOWN_FIELDS))})")
    values: dict[str, Any] = {"origin": origin}
    for name in TEXT_FIELDS:
        values[name] = _text(raw, name, fail)
    for name in LIST_FIELDS:
        values[name] = _string_list(raw, name, fail)
    values["since"] = _since(raw.get("since"), fail)
    _check_semantics(values, fail)
    return Profile(**values)


def _text(raw: dict[str, Any], name: str, fail: Any) -> str:
    value = raw.get(name, "")
    if not isinstance(value, str):
        raise fail(name, f"expected a string, got {type(value).__name__}")
    return value.strip()


def _string_list(raw: dict[str, Any], name: str, fail: Any) -> tuple[str, ...]:
    value = raw.get(name, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise fail(name, "expected a list of strings")
    return tuple(item.strip() for item in value if item.strip())


def _since(value: Any, fail: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return iso_date(value)
        except ValueError:
            pass
    raise fail("since", f"expected a date YYYY-MM-DD, got {value!r}")


def _check_semantics(values: dict[str, Any], fail: Any) -> None:
    if not NAME_RE.match(values["name"]):
        raise fail("name", "required: lower-case letters, digits, '-' or '_' (at most 64)")
    country = values["country"]
    if country and pycountry.countries.get(alpha_2=country.upper()) is None:
        raise fail("country", f"{country!r} is not an ISO 3166 alpha-2 country code")
    values["country"] = country.upper()
    language = values["language"]
    if language and pycountry.languages.get(alpha_2=language.lower()) is None:
        raise fail("language", f"{language!r} is not an ISO 639-1 language code")
    values["language"] = language.lower()
    values["kind"] = values["kind"] or SOURCE_KINDS[0]
    if values["kind"] not in SOURCE_KINDS:
        raise fail("kind", f"{values['kind']!r}: expected one of {', '.join(SOURCE_KINDS)}")
    _check_urls(values, fail)
    for name in ("follow", "article"):
        for pattern in values[name]:
            try:
                compile_pattern(pattern)
            except PatternError as exc:
                raise fail(name, f"bad regular expression {pattern!r}: {exc}") from None
    if not values["article"]:
        raise fail("article", "required: at least one regex of press-release URLs")
    if values["extractor"]:
        from pressarchive.extract import site_extractor_names

        if values["extractor"] not in site_extractor_names():
            known = ", ".join(site_extractor_names())
            raise fail("extractor", f"unknown site extractor {values['extractor']!r} (known: {known})")


def _check_urls(values: dict[str, Any], fail: Any) -> None:
    if not (values["start_urls"] or values["sitemap_urls"] or values["feed_urls"]):
        raise fail("start_urls", "required: at least one of start_urls, sitemap_urls, feed_urls")
    domains = tuple(domain.lower().lstrip(".") for domain in values["allowed_domains"])
    for name in ("start_urls", "sitemap_urls", "feed_urls"):
        for url in values[name]:
            if not is_http_url(url):
                raise fail(name, f"{url!r} is not an absolute http(s) URL")
            if host_of(url).rstrip(".").endswith(".onion"):  # "x.onion." is the same host
                raise fail(name, f"{url!r}: .onion addresses are never crawled")
    entry_urls = values["start_urls"] + values["sitemap_urls"] + values["feed_urls"]
    if not domains:
        domains = tuple(dict.fromkeys(host_of(url) for url in entry_urls))
    for url in entry_urls:
        if not domain_allowed(host_of(url), domains):
            raise fail("allowed_domains", f"{url!r} is outside the allowed domains {list(domains)}")
    values["allowed_domains"] = domains
    _check_wayback(values, fail)


def _check_wayback(values: dict[str, Any], fail: Any) -> None:
    """Each Wayback pattern must be one the CDX API takes, inside the allowed domains."""
    from pressarchive.wayback.cdx import check_pattern, pattern_host

    for pattern in values["wayback"]:
        try:
            check_pattern(pattern)
        except UserError as exc:
            raise fail("wayback", str(exc)) from None
        if not domain_allowed(pattern_host(pattern), values["allowed_domains"]):
            raise fail("wayback", f"{pattern!r} is outside the allowed domains {list(values['allowed_domains'])}")


def domain_allowed(host: str, domains: tuple[str, ...]) -> bool:
    """Whether ``host`` is one of ``domains`` or a subdomain of one."""
    return any(host == domain or host.endswith("." + domain) for domain in domains)


def builtin_profiles() -> dict[str, Profile]:
    """The profiles shipped inside the package, by name."""
    folder = resources.files("pressarchive.profiles") / "builtin"
    profiles = {}
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if entry.name.endswith(".toml"):
            profile = profile_from_dict(tomllib.loads(entry.read_text("utf-8")), origin=entry.name)
            profiles[profile.name] = profile
    return profiles


def get_builtin(name: str) -> Profile:
    """A built-in profile by name, or an error listing the names there are."""
    profiles = builtin_profiles()
    if name not in profiles:
        known = ", ".join(profiles) or "none"
        raise NotFound(f"unknown source {name!r} (built-in sources: {known}; or use --profile FILE)")
    return profiles[name]
