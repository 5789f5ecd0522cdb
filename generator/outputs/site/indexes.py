"""Two more ways in: the A–Z index (按拼音索引) of every power the edition shows, by the pinyin of its name, and the
公开目录 of each department, laid out as the State Council's grassroots standard directory (国办发〔2019〕54号)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from generator.core.edition import Edition, EditionDepartment, EditionPower
from generator.core.model import PowerRecord
from generator.outputs import pinyin, wording
from generator.outputs.site import splits

T = TypeVar("T")

# 公开方式 by 公开范围: the scope a record gives says who may see it, and so how it is disclosed.
WAYS = {"全社会": "主动公开", "特定对象": "依申请公开", "部门内部": wording.INTERNAL_MARK}
DISCLOSURE_LAW = "《中华人民共和国政府信息公开条例》"
TIMINGS = {"长期": "长期公开", "随时": "随时公开", "阶段性": "阶段性公开"}


@dataclass(frozen=True)
class Entry:
    """A power in the A–Z index, with its name's reading."""

    power: EditionPower
    reading: str


@dataclass(frozen=True)
class Letter:
    letter: str
    entries: list[Entry]


def az_letters(edition: Edition, readings: pinyin.Readings | None = None) -> list[Letter]:
    """Every power the edition shows, once, grouped by the initial of its name's pinyin (A–Z, then #); readings
    may hold the names' pinyin from an earlier build."""
    readings = readings or pinyin.Readings(None)
    ordered = sorted(edition.powers(), key=lambda p: (readings.plain(p.record.name), p.record.name, p.code))
    groups: dict[str, list[Entry]] = {}
    for power in ordered:
        name = power.record.name
        groups.setdefault(pinyin.initial_of(readings.plain(name)), []).append(Entry(power, readings.reading(name)))
    order = [*pinyin.LETTERS, pinyin.OTHER]
    return [Letter(letter, groups[letter]) for letter in order if letter in groups]


@dataclass(frozen=True)
class DirectoryRow:
    """One 公开事项 of a department's 公开目录: the eight columns of the standard directory."""

    power: EditionPower
    elements: str  # 公开内容（要素）
    basis: str  # 公开依据
    timing: str  # 公开时限
    owner: str  # 公开主体
    channels: str  # 公开渠道和载体
    audience: str  # 公开对象
    way: str  # 公开方式


def directory_rows(dept: EditionDepartment) -> list[DirectoryRow]:
    """The department's 公开目录, one row per power it shows, in code order."""
    return [directory_row(power) for power in dept.powers]


def directory_row(power: EditionPower) -> DirectoryRow:
    record = power.record
    scope = record.disclosure.scope
    return DirectoryRow(
        power=power,
        elements="、".join(elements_of(power)),
        basis="；".join(dict.fromkeys([DISCLOSURE_LAW, *(_titled(b.law) for b in record.basis)])),
        timing=f"{wording.DIRECTORY_DEFAULT_TIMING}；{TIMINGS[record.disclosure.timing]}",
        owner=power.department.name,
        channels="、".join(record.disclosure.forms),
        audience=scope,
        way=WAYS[scope],
    )


def _titled(law: str) -> str:
    """A law's name between book-title marks, as a citation prints it."""
    return law if law.startswith("《") else f"《{law}》"


def elements_of(power: EditionPower) -> list[str]:
    """What the power's page publishes, named as the directory's 公开内容（要素）."""
    record: PowerRecord = power.record
    shown = ["事项名称", "权力编码", "权力类别", "实施主体", "权力依据"]
    optional = [
        ("办理条件", record.conditions),
        ("申请材料", record.materials),
        ("办理流程", record.procedure),
        ("办理时限", record.time_limit),
        ("收费标准", record.fees),
        ("自由裁量基准", record.discretion),
        ("相对人权利", record.rights),
        ("责任事项", record.responsibilities),
        ("监督方式", power.supervision),
        ("投诉举报途径", power.complaints),
    ]
    return shown + [name for name, value in optional if value]


@dataclass(frozen=True)
class Listing(Generic[T]):
    """A list on numbered pages of at most `limit` rows: the first at url (path), the others at url + 2/, 3/ …"""

    url: str
    path: str
    items: Sequence[T]
    limit: int

    def sheets(self) -> list[splits.Sheet[T]]:
        runs = splits.cut(self.items, splits.one_row, self.limit)
        return [splits.Sheet(wording.numbered_page_path(self.path, n), n, len(runs), run) for n, run in enumerate(runs, 1)]

    def page_urls(self) -> list[str]:
        return [wording.numbered_url(self.url, sheet.number) for sheet in self.sheets()]


def letter_slug(letter: str) -> str:
    """The folder of a letter's pages in a long A–Z index: az/B/, and az/other/ for #."""
    return "other" if letter == pinyin.OTHER else letter


def directory_limit() -> int:
    """The rows of one 公开目录 page: a row of eight columns weighs about three rows of another list."""
    return splits.MAX_ROWS // 3


def index_section_pages(edition: Edition, page: Callable[..., str], readings: pinyin.Readings) -> dict[str, str]:
    """The A–Z index, the 公开目录's list of departments, and each department's 公开目录 (long ones cut into pages)."""
    return az_pages(edition, page, readings) | directory_pages(edition, page)


def az_pages(edition: Edition, page: Callable[..., str], readings: pinyin.Readings) -> dict[str, str]:
    """The A–Z index on one page; a long one lists the letters there, each letter on its own numbered pages."""
    letters = az_letters(edition, readings)
    if not splits.is_long(sum(len(group.entries) for group in letters)):
        return {wording.page_path(wording.AZ_INDEX): page("az.md.j2", "../", letters=letters, parts=[])}
    parts = []
    for group in letters:
        url = f"{wording.AZ_INDEX}{letter_slug(group.letter)}/"
        parts.append((group.letter, Listing(url, wording.page_path(url), group.entries, splits.MAX_ROWS)))
    pages = {wording.page_path(wording.AZ_INDEX): page("az.md.j2", "../", letters=letters, parts=parts)}
    for letter, part in parts:
        for sheet in part.sheets():
            pages[sheet.path] = page("az_letter.md.j2", splits.root_of(sheet.path), letter=letter, part=part, sheet=sheet)
    return pages


def directory_pages(edition: Edition, page: Callable[..., str]) -> dict[str, str]:
    """The list of departments, and each department's 公开目录 on pages of at most directory_limit() rows."""
    pages = {wording.page_path(wording.DIRECTORY): page("directories.md.j2", "../")}
    for dept in edition.departments:
        url, path = wording.directory_url(dept.slug), wording.directory_page_path(dept.slug)
        part = Listing(url, path, directory_rows(dept), directory_limit())
        for sheet in part.sheets():
            root = splits.root_of(sheet.path)
            pages[sheet.path] = page("directory.md.j2", root, dept=dept, part=part, sheet=sheet)
    return pages
