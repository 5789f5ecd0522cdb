"""The law index, _laws.yaml: the laws a catalogue rests on, each with the date its latest amendment took effect.

Optional. When a law listed here took effect after a power citing it was last revised, the power's record and
flowchart are due for revision within 20 working days (seed 002; 政府信息公开条例 第二十六条): `check` warns
once that deadline has passed (W207, law_rules.py), and the public site lists every cited law with the powers
that cite it (法律依据索引). A law is matched by its exact name; title marks 《》 around it do not count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated

from pydantic import BeforeValidator

from generator.core.model import F, Record, Text, none_as_empty
from generator.core.yamlsafe import Parsed

LAWS_FILE = "_laws.yaml"
REVISION_DAYS = 20  # working days after an amendment takes effect within which a power must be revised


class Law(Record):
    name: Text = F("法律法规名称", "与事项「权力依据」中写的名称完全一致,如 中华人民共和国统计法")
    effective: dt.date = F("最近修正施行日期", "最近一次修改(修正、修订)的施行日期,如 2024-09-13")
    note: str | None = F("说明", "可选,如 2024年9月13日第十四届全国人大常委会第十一次会议修正", default=None)


class LawsRecord(Record):
    """_laws.yaml: the law index."""

    laws: Annotated[list[Law], BeforeValidator(none_as_empty)] = F(
        "法律法规", "清单引用的法律法规,每项写名称和最近修正施行日期", default_factory=list
    )


def law_key(name: str) -> str:
    """The name a law is matched by: without surrounding title marks and spaces."""
    return name.strip().removeprefix("《").removesuffix("》").strip()


@dataclass
class Laws:
    """The law index as read, with the line of every entry."""

    record: LawsRecord
    source: Parsed | None = None

    def by_name(self) -> dict[str, Law]:
        """Each law by its key; a law listed twice counts with its latest amendment."""
        found: dict[str, Law] = {}
        for law in self.record.laws:
            key = law_key(law.name)
            if key not in found or law.effective > found[key].effective:
                found[key] = law
        return found

    def line_of(self, law: Law) -> int | None:
        """The line of a law's entry in _laws.yaml."""
        if self.source is None:
            return None
        return self.source.at(("laws", self.record.laws.index(law), "effective"))[0]
