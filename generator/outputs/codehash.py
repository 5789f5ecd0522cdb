"""The hash of the code that makes the outputs: the caches of pages and files are keyed by it, so that any change to
the outputs wing (its modules, templates and styles) or to the generator's version makes them anew."""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import metadata
from pathlib import Path

OUTPUTS = Path(__file__).resolve().parent


@cache
def outputs_digest() -> str:
    """The generator's version and every file of the outputs wing, by path and bytes; read once per process."""
    digest = hashlib.sha256(metadata.version("qlqd-generator").encode())
    for path in sorted(p for p in OUTPUTS.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(OUTPUTS).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()
