"""Placeholder: filled in by issue 12 work in progress."""

from __future__ import annotations
