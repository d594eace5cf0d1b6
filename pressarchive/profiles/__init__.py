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

__all__ = [
    "Profile",
    "ProfileError",
    "builtin_profiles",
    "domain_allowed",
    "get_builtin",
    "load_profile",
    "profile_from_dict",
]
