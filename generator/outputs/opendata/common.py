"""What the open data files share: the file record, the update date, JSON that no bidi control reaches raw."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import orjson

from generator.core.edition import Edition
from generator.outputs import wording

DATA_FOLDER = "data"
LANGUAGE = "zh"
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


@dataclass(frozen=True)
class Download:
    """One file of site/data/: its name, what the 开放数据 page says of it, and its bytes, made in pieces each time
    they are asked for (a catalogue of 100,000 powers makes files of hundreds of MB: none is ever held whole)."""

    name: str
    title: str
    media_type: str
    format: str
    description: str
    chunks: Callable[[], Iterable[bytes]]

    @property
    def data(self) -> bytes:
        return b"".join(self.chunks())

    @cached_property
    def size(self) -> int:
        return sum(len(chunk) for chunk in self.chunks())

    def write(self, path: Path) -> int:
        """Write the file, piece by piece; its size."""
        size = 0
        with path.open("wb") as out:
            for chunk in self.chunks():
                size += out.write(chunk)
        self.__dict__["size"] = size  # what size would count again
        return size


def updated(edition: Edition) -> dt.date:
    """The date of the data: the newest revision (or effective date) of a public power."""
    dates = [p.record.last_revised for p in edition.powers()]
    return max(dates, default=dt.date(1970, 1, 1))


def json_bytes(data: Any) -> bytes:
    """Readable UTF-8 JSON in which bidi controls and line separators are written as \\u escapes: the values stay
    exactly as the records hold them, and no control can reorder what a reader of the file sees."""
    return _escaped(_dumps(data) + "\n")


ITEMS = b",\n"  # between two items of json_chunks' list


def json_chunks(head: dict[str, Any], key: str, runs: Iterable[bytes], tail: dict[str, Any]) -> Iterator[bytes]:
    """json_bytes({**head, key: [*items], **tail}), byte for byte, made a run of items at a time: each run is one or
    more items as json_item writes them, joined by ITEMS."""
    before = [f"  {_dumps(name)}: {_nested(value, 1)}" for name, value in head.items()]
    yield _escaped("{\n" + "".join(member + ",\n" for member in before) + f"  {_dumps(key)}: [")
    empty = True
    for run in runs:
        yield (b"\n" if empty else ITEMS) + run
        empty = False
    after = [f"  {_dumps(name)}: {_nested(value, 1)}" for name, value in tail.items()]
    yield _escaped(("]" if empty else "\n  ]") + "".join(",\n" + member for member in after) + "\n}\n")


def json_item(value: Any) -> bytes:
    """An item of json_chunks' list, as json_bytes writes it there."""
    return _escaped("    " + _nested(value, 2))


def _dumps(value: Any) -> str:
    """json.dumps(value, ensure_ascii=False, indent=2), byte for byte, made by orjson (the standard library indents in
    pure Python, most of this stage's time). The data hold no floats, which orjson would write otherwise; what orjson
    refuses (a lone surrogate, a key that is not a string) is left to the standard library."""
    try:
        return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode("utf-8")
    except (orjson.JSONEncodeError, TypeError):
        return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=False)


def _nested(value: Any, depth: int) -> str:
    """value as json.dumps with indent=2 writes it depth levels in (a newline inside a JSON string is escaped)."""
    return _dumps(value).replace("\n", "\n" + "  " * depth)


def _escaped(text: str) -> bytes:
    return _BIDI.sub(lambda m: f"\\u{ord(m[0]):04x}", text).encode("utf-8")


def site_root(edition: Edition) -> str:
    """The site's address, percent-encoded so that it stays one IRI whatever the catalogue wrote."""
    return wording.safe_url(edition.catalogue.site_url)


def data_url(edition: Edition, name: str) -> str:
    return wording.absolute_url(site_root(edition), f"{DATA_FOLDER}/{name}")
