"""The Jinja2 environment every output renders with: HTML escaped, strict about undefined names, blocks trimmed,
and each value passed through the output's finalize (which shows hostile and invisible text as text)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jinja2 import BaseLoader, Environment, StrictUndefined


def environment(loader: BaseLoader, finalize: Callable[[Any], Any], **options: Any) -> Environment:
    """An environment for the templates loader finds; options add to (or change) the common settings."""
    settings: dict[str, Any] = {
        "autoescape": True,
        "undefined": StrictUndefined,
        "trim_blocks": True,
        "lstrip_blocks": True,
        "keep_trailing_newline": True,
    }
    return Environment(loader=loader, finalize=finalize, **(settings | options))
