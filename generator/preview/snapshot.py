"""What a catalogue folder holds on disk, as cheap signatures, and which entries changed between two looks.

Only what the loader reads counts: folders, .yaml and .yml files (a .yml file is reported), and symbolic links.
Hidden entries (an editor's swap and backup files) are left out, as the loader leaves them out."""

from __future__ import annotations

import os
from pathlib import Path

Signature = tuple[str, int, int, int]  # kind ("f" file, "d" folder, "l" link), mtime_ns, size, inode
READ = (".yaml", ".yml")


def snapshot(root: Path) -> dict[str, Signature]:
    """Every folder, YAML file and link under root by its path relative to root (folders end with /)."""
    found: dict[str, Signature] = {}
    folders = [(root, "")]
    while folders:
        folder, prefix = folders.pop()
        for entry in _entries(folder):
            rel = prefix + entry.name
            if entry.is_symlink():
                found[rel] = _link_signature(entry)
            elif entry.is_dir(follow_symlinks=False):
                found[rel + "/"] = ("d", 0, 0, 0)
                folders.append((Path(entry.path), rel + "/"))
            elif entry.name.endswith(READ) and (signature := _file_signature(entry)):
                found[rel] = signature
    return found


def changed_paths(before: dict[str, Signature], after: dict[str, Signature]) -> set[str]:
    """The paths added, removed or changed between two snapshots."""
    return {rel for rel in before.keys() | after.keys() if before.get(rel) != after.get(rel)}


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as found:
            return [entry for entry in found if not entry.name.startswith(".")]
    except OSError:  # removed while we looked: the next look sees it gone
        return []


def _file_signature(entry: os.DirEntry[str]) -> Signature | None:
    try:
        stat = entry.stat(follow_symlinks=False)
    except OSError:  # removed while we looked
        return None
    return ("f", stat.st_mtime_ns, stat.st_size, stat.st_ino)


def _link_signature(entry: os.DirEntry[str]) -> Signature:
    """A link, by what it points at (a link that goes nowhere has a signature of its own)."""
    try:
        stat = entry.stat()
    except OSError:
        return ("l", 0, -1, 0)
    return ("l", stat.st_mtime_ns, stat.st_size, stat.st_ino)
