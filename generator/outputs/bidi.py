"""Bidi control characters, shown rather than obeyed: no record can reorder what a reader sees."""

from __future__ import annotations

import re

_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def visible_controls(text: str) -> str:
    """Bidi control characters replaced by a visible 〔U+202E〕 marker (pages and printed sheets)."""
    return _BIDI.sub(lambda m: f"〔U+{ord(m.group()):04X}〕", text)


def shown_value(value: object) -> object:
    """A Jinja finalize: record text with its bidi controls made visible; markup a template made, as it is."""
    return visible_controls(value) if isinstance(value, str) and not hasattr(value, "__html__") else value
