"""What a 办事指南 prints: for a public power started on application (依申请), everything its card has, plus the
full materials list with where to get each form, the fees with their basis, the whole procedure step by step
and the attachments (blank and sample filled-in forms) with their addresses on the site."""

from __future__ import annotations

from dataclasses import dataclass

from generator.core.edition import Edition, EditionPower
from generator.core.model import CatalogueRecord
from generator.outputs.pdf.content import PowerSheet, power_sheet
from generator.outputs.pdf.layout import ChartImage, fit
from generator.outputs.wording import (
    ATTACHMENT_LABELS,
    absolute_url,
    attachment_path,
    step_days_text,
)

ON_APPLICATION = "依申请"
GUIDE_CHART_MM = (186.0, 190.0)  # the chart's box: the page's width, most of its height


@dataclass(frozen=True)
class MaterialRow:
    number: int
    name: str
    form: str
    copies: str
    where: str  # where to get the form


@dataclass(frozen=True)
class FeeRow:
    item: str
    standard: str
    basis: str


@dataclass(frozen=True)
class StepRow:
    number: int
    name: str
    post: str
    days: str
    does: str
    rights: str
    disclose: str
    next: list[str]


@dataclass(frozen=True)
class AttachmentRow:
    material: str
    label: str  # 空白表格 or 示范文本
    url: str


@dataclass(frozen=True)
class GuideSheet:
    """A power's 办事指南: its card's facts, and the detail the card has no room for."""

    code: str
    name: str
    sheet: PowerSheet
    materials: list[MaterialRow]
    fees: list[FeeRow]
    steps: list[StepRow]
    attachments: list[AttachmentRow]
    chart_label: str = ""
    guide_svg: str = ""  # the flowchart, top to bottom, across the page

    @property
    def chart(self) -> ChartImage:
        return fit(self.guide_svg, *GUIDE_CHART_MM)


def has_guide(power: EditionPower) -> bool:
    """A guide is printed for every power the edition shows in full that starts on application."""
    procedure = power.record.procedure
    return procedure is not None and procedure.trigger == ON_APPLICATION


def guide_powers(edition: Edition) -> list[EditionPower]:
    return [p for p in edition.powers() if has_guide(p)]


def guide_sheet(power: EditionPower, catalogue: CatalogueRecord) -> GuideSheet:
    rec = power.record
    window = power.department.window or power.department.name
    attachments = [
        AttachmentRow(
            rec.materials[a.material].name,
            ATTACHMENT_LABELS[a.kind],
            absolute_url(catalogue.site_url, attachment_path(rec.code, a.name)),
        )
        for a in power.attachments
    ]
    with_files = {a.material for a in power.attachments}
    materials = [
        MaterialRow(
            i + 1,
            m.name,
            m.form or "",
            "" if m.copies is None else str(m.copies),
            f"网站下载(见附件),或到{window}领取" if i in with_files else f"如需表格,请到{window}领取",
        )
        for i, m in enumerate(rec.materials)
    ]
    return GuideSheet(
        code=rec.code,
        name=rec.name,
        sheet=power_sheet(power, catalogue),
        materials=materials,
        fees=[FeeRow(f.item, f.standard, f.basis) for f in rec.fees],
        steps=step_rows(power),
        attachments=attachments,
    )


def step_rows(power: EditionPower) -> list[StepRow]:
    """Every step in the order written, with its post, limit, work, rights, disclosure and where it leads."""
    rec = power.record
    if rec.procedure is None:
        return []
    unit = rec.time_limit.unit if rec.time_limit else "工作日"
    steps = rec.procedure.steps
    number = {s.id: i for i, s in enumerate(steps, 1)}
    rows = []
    for i, s in enumerate(steps, 1):
        nexts = [f"{b.when + ':' if b.when else ''}第 {number[b.to]} 步" for b in s.next if b.to in number]
        rows.append(
            StepRow(
                number=i,
                name=s.name,
                post=s.post,
                days="" if s.days is None else step_days_text(s.days, unit),
                does=s.does or "",
                rights="、".join(s.rights),
                disclose=s.disclose or "",
                next=nexts or ["办结"],
            )
        )
    return rows
