"""What the open data files share: the file record, the update date, JSON that no bidi control reaches raw."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from generator.core.edition import Edition
from generator.outputs import wording

DATA_FOLDER = "data"
LANGUAGE = "zh"
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


@dataclass(frozen=True)
class Download:
    """One file of site/data/: its name, what the 开放数据 page says of it, and its bytes."""

    name: str
    title: str
    media_type: str
    format: str
    description: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)


def updated(edition: Edition) -> dt.date:
    """The date of the data: the newest revision (or effective date) of a public power."""
    dates = [p.record.last_revised for p in edition.powers()]
    return max(dates, default=dt.date(1970, 1, 1))


def json_bytes(data: Any) -> bytes:
    """Readable UTF-8 JSON in which bidi controls and line separators are written as \\u escapes: the values stay
    exactly as the records hold them, and no control can reorder what a reader of the file sees."""
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False)
    return (_BIDI.sub(lambda m: f"\\u{ord(m[0]):04x}", text) + "\n").encode("utf-8")


def site_root(edition: Edition) -> str:
    """The site's address, percent-encoded so that it stays one IRI whatever the catalogue wrote."""
    return wording.safe_url(edition.catalogue.site_url)


def data_url(edition: Edition, name: str) -> str:
    return wording.absolute_url(site_root(edition), f"{DATA_FOLDER}/{name}")
