"""The pinyin of power names, for the A–Z index and the kiosk: read with pypinyin's phrase dictionary,
so that polyphonic characters read as they do in the name (行政 xíng, 银行 háng, 重新 chóng, 单位 dān)."""

from __future__ import annotations

import hashlib
import json
import os
from functools import cache
from importlib import metadata
from pathlib import Path

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
OTHER = "#"  # the group of names that start with neither a Chinese character nor a Latin letter


@cache
def reading(name: str) -> str:
    """The name in pinyin with tone marks, syllables separated by spaces: 行政许可 → xíng zhèng xǔ kě."""
    return " ".join(part.strip() for part in _syllables(name, toned=True) if part.strip())


@cache
def plain(name: str) -> str:
    """The name in pinyin without tones, in lower case: the sort key's first part."""
    return " ".join(part.strip().lower() for part in _syllables(name, toned=False) if part.strip())


def _syllables(name: str, toned: bool) -> list[str]:
    """pypinyin's reading of the name, imported when first needed: its phrase dictionary takes a sixth of a second
    to load, which a rebuild whose names are all in Readings' file does without."""
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(name, style=Style.TONE) if toned else lazy_pinyin(name)


def initial(name: str) -> str:
    """The capital letter the name is listed under, or # when it starts with neither hanzi nor a letter."""
    return initial_of(plain(name))


def initial_of(plain_reading: str) -> str:
    """The capital letter a name of this plain() reading is listed under."""
    first = plain_reading[:1].upper()
    return first if first in LETTERS else OTHER


def sort_key(name: str) -> tuple[str, str]:
    """Order by pinyin, then by the characters themselves, so that the order is total and stable."""
    return plain(name), name


class Readings:
    """plain() and reading() of names, remembered in a file between builds (pypinyin reads a name in about 0.1 ms:
    half a second for 5,000 names); the file holds the names last asked for, and is read only when it was written
    by the same pypinyin and this same module."""

    def __init__(self, file: Path | None) -> None:
        self.file = file
        self.stamp = f"{metadata.version('pypinyin')}:{hashlib.sha256(Path(__file__).read_bytes()).hexdigest()}"
        self.known = self._load()
        self.used: dict[str, tuple[str, str]] = {}

    def plain(self, name: str) -> str:
        return self._of(name)[0]

    def reading(self, name: str) -> str:
        return self._of(name)[1]

    def _of(self, name: str) -> tuple[str, str]:
        found = self.used.get(name) or self.known.get(name) or (plain(name), reading(name))
        self.used[name] = found
        return found

    def _load(self) -> dict[str, tuple[str, str]]:
        try:
            kept = json.loads(self.file.read_bytes()) if self.file else {}
        except (OSError, ValueError):
            return {}
        if not isinstance(kept, dict) or kept.get("stamp") != self.stamp:
            return {}
        return {name: (pair[0], pair[1]) for name, pair in kept["names"].items()}

    def save(self) -> None:
        """Write the names asked for since this was made, if they are not what the file holds already."""
        if self.file is None or self.used == self.known:
            return
        data = json.dumps({"stamp": self.stamp, "names": self.used}, ensure_ascii=False, sort_keys=True)
        partial = self.file.with_name(f"{self.file.name}.{os.getpid()}.part")
        partial.write_bytes(data.encode("utf-8"))
        os.replace(partial, self.file)
