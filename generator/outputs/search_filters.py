"""The search filters (实施部门, 权力类别) in a stable order: Pagefind writes a filter's values, and the list of filters
in its metadata, in the order of a hash map, which changes from run to run; the files are named by a hash of their
bytes, so the names change too. Each bundle is rewritten here as Pagefind wrote it but in sorted order, its filter and
metadata files renamed by a hash of their new bytes and its entry file pointing at them: the same pages give the same
bytes.

Pagefind's files are gzip-compressed, start with a signature and hold CBOR (the filter: [name, [[value, [page
numbers]], …]]; the metadata: [version, pages, index chunks, filters [[name, file hash], …], sorts, meta fields]).
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path
from typing import Any

import cbor2

SIGNATURE = b"pagefind_dcd"
META_FILTERS = 3  # the metadata's list of filters: [[name, file hash], …]
FILTER_HASH, META_HASH = 7, 10  # the hex digits of the hash Pagefind names each kind of file by


class UnknownFormat(ValueError):
    """A Pagefind file that is not what this module knows: a Pagefind update changed the format."""


def sort_filters(bundle: Path) -> None:
    """Rewrite the bundle's filters and metadata in sorted order, each file named by its bytes (in place)."""
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for language, info in sorted(entry["languages"].items()):
        meta_path = bundle / f"pagefind.{info['hash']}.pf_meta"
        meta = read(meta_path)
        if not (isinstance(meta, list) and len(meta) > META_FILTERS and isinstance(meta[META_FILTERS], list)):
            raise UnknownFormat(f"{meta_path.name}: not Pagefind's metadata")
        if not meta[META_FILTERS]:
            continue  # no filter: Pagefind's files as they are
        filters = [_sorted_filter(bundle / "filter", language, name, old) for name, old in meta[META_FILTERS]]
        meta[META_FILTERS] = sorted(filters)
        info["hash"] = _store(meta_path, bundle, f"pagefind.{language}_{{}}.pf_meta", meta, META_HASH, language)
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _sorted_filter(folder: Path, language: str, name: str, old: str) -> list[str]:
    """The filter file `old` rewritten with its values in order; [name, its new hash]."""
    path = folder / f"{old}.pf_filter"
    content = read(path)
    if not (isinstance(content, list) and len(content) == 2 and isinstance(content[1], list)):
        raise UnknownFormat(f"{path.name}: not a Pagefind filter")
    content[1] = sorted(content[1], key=lambda value: str(value[0]))
    return [name, _store(path, folder, f"{language}_{{}}.pf_filter", content, FILTER_HASH, language)]


def _store(old: Path, folder: Path, pattern: str, content: Any, digits: int, language: str) -> str:
    """content written in Pagefind's form to folder under a name made of its hash (old removed); that name's hash."""
    data = encode(content)
    digest = f"{language}_{hashlib.sha256(data).hexdigest()[:digits]}"
    old.unlink()
    (folder / pattern.format(digest.removeprefix(f"{language}_"))).write_bytes(data)
    return digest


def read(path: Path) -> Any:
    """A Pagefind file's content."""
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise UnknownFormat(f"{path.name}: no Pagefind signature")
    return cbor2.loads(data[len(SIGNATURE) :])


def encode(content: Any) -> bytes:
    """Content as Pagefind writes it, compressed without a time stamp."""
    return gzip.compress(SIGNATURE + cbor2.dumps(content), compresslevel=9, mtime=0)
