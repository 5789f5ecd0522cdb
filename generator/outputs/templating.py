"""The Jinja2 environment every output renders with: HTML escaped, strict about undefined names, blocks trimmed,
and each value passed through the output's finalize (which shows hostile and invisible text as text).

Given a folder, an environment keeps its templates compiled there (Jinja's bytecode cache), so that a process loads
them instead of compiling them again. Jinja checks only its bytecode format and Python's version in what it loads,
not its own version nor the environment's settings: the folder is named by the hash of Jinja's version, Python's and
the outputs wing's code (which holds the settings), and the folders of any other are removed."""

from __future__ import annotations

import hashlib
import shutil
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import BaseLoader, Environment, FileSystemBytecodeCache, StrictUndefined

from generator.outputs.codehash import outputs_digest

COMPILED = "templates"  # the compiled templates' folder, under the build's cache


def environment(
    loader: BaseLoader, finalize: Callable[[Any], Any], compiled: Path | None = None, **options: Any
) -> Environment:
    """An environment for the templates loader finds, kept compiled in the folder compiled (if given); options add to
    (or change) the common settings."""
    settings: dict[str, Any] = {
        "autoescape": True,
        "undefined": StrictUndefined,
        "trim_blocks": True,
        "lstrip_blocks": True,
        "keep_trailing_newline": True,
    }
    if compiled is not None:
        compiled.mkdir(parents=True, exist_ok=True)
        settings["bytecode_cache"] = FileSystemBytecodeCache(str(compiled))
    return Environment(loader=loader, finalize=finalize, **(settings | options))


@cache
def compiled_folder(cache_dir: Path) -> Path:
    """The folder of compiled templates for this Jinja, Python and code under the build's cache folder; once per
    process, the others there (another version's) and what a killed process left half written are removed."""
    parts = [jinja2.__version__, sys.implementation.cache_tag, sys.version, outputs_digest()]
    folder = cache_dir / COMPILED / hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]
    if folder.parent.is_dir():
        for other in folder.parent.iterdir():
            if other != folder:
                shutil.rmtree(other, ignore_errors=True)
    if folder.is_dir():
        for partial in folder.rglob("*.tmp"):
            partial.unlink(missing_ok=True)
    return folder
