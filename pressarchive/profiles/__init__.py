"""Source profiles: the TOML format, its validation and the built-in press rooms."""

from __future__ import annotations

from pressarchive.profiles.loader import (
    Profile,
    ProfileError,
    builtin_profiles,
    domain_allowed,
    get_builtin,
    load_profile,
    profile_from_dict,
)
from pressarchive.profiles.patterns import (
    MAX_URL_LENGTH,
    PatternError,
    UrlPattern,
    compile_pattern,
    compile_patterns,
)

__all__ = [
    "MAX_URL_LENGTH",
    "PatternError",
    "Profile",
    "ProfileError",
    "UrlPattern",
    "builtin_profiles",
    "compile_pattern",
    "compile_patterns",
    "domain_allowed",
    "get_builtin",
    "load_profile",
    "profile_from_dict",
]
