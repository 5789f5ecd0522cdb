"""The cache key of every PDF: the hash of exactly what it is made of, computed without rendering it.

A file is a pure function of its data (a sheet with its chart's DOT source, a chapter, a booklet) and of what every
file shares: this package's code, templates and styles, the code of the charts and of the wording and bidi helpers
the templates use, Graphviz's version and the versions of the libraries that render and rewrite PDFs. A file is
rendered again only when its key changes.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import metadata
from pathlib import Path

from generator.outputs.flowchart.render import dot_command, dot_version

FORMAT_VERSION = "pdf-2"  # bump when the files change for the same key (a system font upgraded, say)
LIBRARIES = ("weasyprint", "pydyf", "pypdf", "uharfbuzz", "segno", "jinja2")
PACKAGE = Path(__file__).parent
SHARED = ("bidi.py", "wording.py", "flowchart")  # the code of generator.outputs that shapes the printed sheets


@cache
def common_key() -> str:
    """What every PDF shares: the format, the libraries and Graphviz, this package's files and the shared code."""
    digest = hashlib.sha256(FORMAT_VERSION.encode())
    for name in LIBRARIES:
        digest.update(f"\0{name}={metadata.version(name)}".encode())
    digest.update(b"\0" + dot_version(dot_command()).encode())
    for path in [*_files(PACKAGE), *(p for name in SHARED for p in _files(PACKAGE.parent / name))]:
        digest.update(b"\0" + path.relative_to(PACKAGE.parent).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _files(path: Path) -> list[Path]:
    """The file, or the folder's code, templates and styles, in a fixed order."""
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in (".py", ".html", ".css", ".j2"))


def data_key(kind: str, data: object) -> str:
    """The key of a file of that kind made of data: plain values and dataclasses (a sheet, a chapter)."""
    return text_key(kind, json.dumps(data, default=vars, sort_keys=True, ensure_ascii=False))


def text_key(kind: str, text: str) -> str:
    """The key of a file of that kind made of text (a booklet's frame: its HTML)."""
    return hashlib.sha256("\0".join((common_key(), kind, text)).encode("utf-8")).hexdigest()
