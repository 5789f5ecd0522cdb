"""Which pages differ between the site served and the one built to replace it: the pages to reload."""

from __future__ import annotations

import filecmp
import os
from pathlib import Path

from generator.preview.updates import page_address


def changed_pages(old: Path, new: Path) -> list[str]:
    """The addresses of the HTML pages that differ between two sites, or that only one of them has."""
    before, after = _pages(old), _pages(new)
    changed = before.keys() ^ after.keys()
    changed |= {path for path in before.keys() & after.keys() if not _same(before[path], after[path], old, new, path)}
    return sorted(page_address(path) for path in changed)


def _pages(site: Path) -> dict[str, int]:
    """Every HTML page of a site by its path, with its inode (read with the folder: no file is opened)."""
    found: dict[str, int] = {}
    folders = [(site, "")]
    while folders:
        folder, prefix = folders.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append((Path(entry.path), f"{prefix}{entry.name}/"))
                elif entry.name.endswith(".html"):
                    found[prefix + entry.name] = entry.inode()
    return found


def _same(inode: int, other: int, old: Path, new: Path, path: str) -> bool:
    """True for one file (a page both sites link from the page cache) or two files of the same bytes."""
    try:
        return inode == other or filecmp.cmp(old / path, new / path, shallow=False)
    except OSError:
        return False
