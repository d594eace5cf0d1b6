"""The server's malloc settings apply where glibc is and change nothing elsewhere."""

from __future__ import annotations

import ctypes
import sys

import pytest

from pressarchive.mallocsettings import tune_malloc


def test_glibc_takes_the_settings() -> None:
    libc_has_mallopt = sys.platform.startswith("linux") and hasattr(ctypes.CDLL(None), "mallopt")
    if not libc_has_mallopt:
        pytest.skip("no glibc mallopt here")
    assert tune_malloc() is True


def test_elsewhere_nothing_is_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")
    assert tune_malloc() is False
