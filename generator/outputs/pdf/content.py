"""What the sheets print: the edition's records turned into plain text, ready for the templates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from generator.core.edition import Edition, EditionDepartment, EditionPower, Withheld
from generator.core.fingerprint import record_version
from generator.core.model import CatalogueRecord, Material, PowerRecord, Step
from generator.outputs.wording import (
    ATTACHMENT_WHERE,
    INTERNAL_MARK,
    absolute_url,
    basis_text,
    fee_lines,
    limit_texts,
    power_url,
    printed_date,
    step_days_text,
)


def material_text(material: Material) -> str:
    detail = "".join(
        part for part in (material.form or "", f"{material.copies}份" if material.copies is not None else "") if part
    )
    return f"{material.name}({detail})" if detail else material.name


def step_text(step: Step, unit: str) -> str:
    """One step of the 流程时限表: 受理(综合窗口,1 个工作日)."""
    detail = [step.post]
    if step.days is not None:
        detail.append(step_days_text(step.days, unit))
    return f"{step.name}({','.join(detail)})"


def step_lines(record: PowerRecord) -> list[str]:
    """The steps in the order editors wrote them, one line each with its post and limit."""
    if record.procedure is None:
        return []
    unit = record.time_limit.unit if record.time_limit else "工作日"
    return [step_text(s, unit) for s in record.procedure.steps]


@dataclass(frozen=True)
class Contact:
    """One line of 监督制约 or 投诉举报: who or how, then the contact."""

    label: str
    detail: str


@dataclass(frozen=True)
class PowerSheet:
    """Everything a 办事明白卡 or a poster prints about one public power."""

    code: str
    name: str
    category: str
    status: str
    department: str
    office: str
    responsible: str
    window: str
    phone: str
    address: str
    trigger: str
    basis: list[str]
    conditions: list[str]
    materials: list[str]
    fees: list[str]
    statutory: str
    promised: str
    steps: list[str]
    rights: list[str]
    supervision: list[Contact]
    complaints: list[Contact]
    hotline: str
    url: str
    revised: str
    version: str
    card_svg: str = ""  # the flowchart, top to bottom for the card's side column
    poster_svg: str = ""  # the flowchart, left to right across the poster
    chart_label: str = ""
    parts: tuple[str, ...] = ()  # the sheet's chart in parts, when it is too long to print whole (pages.py)
    parts_across: bool = False  # the parts run top to bottom, side by side (else left to right, one under another)
    forms: str = ""  # the line saying where to get the materials' forms, when any has an attachment
    internal: str = ""  # 内部公开 for an internal-scope power (only the internal edition prints one)


def forms_line(power: EditionPower) -> str:
    """Which materials have a blank or sample filled-in form, and where to get them; "" when none has."""
    numbers = sorted({a.material for a in power.attachments})
    if not numbers:
        return ""
    names = "、".join(power.record.materials[n].name for n in numbers)
    return f"{names}的{ATTACHMENT_WHERE}"


def power_sheet(power: EditionPower, catalogue: CatalogueRecord) -> PowerSheet:
    rec, dept = power.record, power.department
    statutory, promised = limit_texts(rec.time_limit)
    return PowerSheet(
        code=rec.code,
        name=rec.name,
        category=rec.category,
        status=rec.status,
        internal=INTERNAL_MARK if rec.is_internal else "",
        department=dept.name,
        office=rec.office,
        responsible=rec.responsible,
        window=dept.window or "",
        phone=dept.phone or "",
        address=dept.address or "",
        trigger=rec.procedure.trigger if rec.procedure else "",
        basis=[basis_text(b) for b in rec.basis],
        conditions=list(rec.conditions),
        materials=[material_text(m) for m in rec.materials],
        fees=fee_lines(rec.fees),
        statutory=statutory,
        promised=promised,
        steps=step_lines(rec),
        rights=list(rec.rights),
        supervision=[Contact(s.name, "、".join(x for x in (s.phone, s.address) if x)) for s in power.supervision],
        complaints=[Contact(c.channel, c.contact) for c in power.complaints],
        hotline=catalogue.hotline or "",
        url=absolute_url(catalogue.site_url, power_url(rec.code)),
        revised=printed_date(rec.last_revised),
        version=record_version(rec),
        forms=forms_line(power),
    )


@dataclass(frozen=True)
class CatalogueRow:
    """One row of the 职权目录 table, with the seed's columns."""

    name: str
    code: str
    category: str
    basis: list[str]
    disclosure: str
    fees: list[str]
    office: str


@dataclass(frozen=True)
class ProcessRow:
    """One row of the 流程时限表."""

    name: str
    code: str
    post: str
    steps: list[str]
    statutory: str
    promised: str


def catalogue_row(record: PowerRecord) -> CatalogueRow:
    d = record.disclosure
    return CatalogueRow(
        name=record.name,
        code=record.code,
        category=record.category,
        basis=[basis_text(b) for b in record.basis],
        disclosure=f"{'、'.join(d.forms)} / {d.scope} / {d.timing}",
        fees=fee_lines(record.fees),
        office=f"{record.office} / {record.responsible}",
    )


def process_row(record: PowerRecord) -> ProcessRow:
    statutory, promised = limit_texts(record.time_limit)
    return ProcessRow(
        name=record.name,
        code=record.code,
        post=f"{record.office}({record.responsible})",
        steps=step_lines(record),
        statutory=statutory,
        promised=promised,
    )


@dataclass(frozen=True)
class Chapter:
    """One department's part of a booklet."""

    anchor: str
    name: str
    details: list[Contact]
    rows: list[CatalogueRow]
    withheld: list[Withheld]
    process: list[ProcessRow]


@dataclass(frozen=True)
class Booklet:
    """A 职权目录 booklet: one department's, or the whole catalogue's."""

    title: str
    issuer: str
    dated: str
    url: str
    chapters: list[Chapter] = field(default_factory=list)

    @property
    def shown(self) -> int:
        return sum(len(c.rows) for c in self.chapters)

    @property
    def withheld(self) -> int:
        return sum(len(c.withheld) for c in self.chapters)


def chapter(dept: EditionDepartment) -> Chapter:
    rec = dept.record
    details = [
        Contact(label, value)
        for label, value in (("办公地址", rec.address), ("联系电话", rec.phone), ("服务窗口", rec.window))
        if value
    ]
    records = [p.record for p in dept.powers]
    return Chapter(
        anchor=f"dept-{dept.slug}",
        name=rec.name,
        details=details,
        rows=[catalogue_row(r) for r in records],
        withheld=list(dept.withheld),
        process=[process_row(r) for r in records],
    )


def newest_date(departments: list[EditionDepartment]) -> dt.date | None:
    """The newest revision date among the shown powers: a booklet's date, deterministic."""
    days = [p.record.last_revised for d in departments for p in d.powers]
    return max(days) if days else None


def booklet(edition: Edition, departments: list[EditionDepartment], title: str) -> Booklet:
    newest = newest_date(departments)
    return Booklet(
        title=title,
        issuer=edition.catalogue.name,
        dated=printed_date(newest) if newest else "",
        url=edition.catalogue.site_url,
        chapters=[chapter(d) for d in departments],
    )
