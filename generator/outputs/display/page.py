"""The display screen's slides, from the public edition, and the page that cycles through them."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from jinja2 import Environment, PackageLoader

from generator.core.edition import Edition, EditionPower
from generator.core.model import DISPLAY_LATEST, DISPLAY_POPULAR
from generator.outputs import templating
from generator.outputs.bidi import shown_value
from generator.outputs.wording import DISPLAY, NO_FEE, days_text, fee_text, page_path, web_date

ROWS_PER_SLIDE = 3  # latest revisions on one screen: each row in large type, up to four lines
POPULAR_DEFAULT = 12  # without display.popular: this many powers started on application, department by department


@dataclass(frozen=True)
class Change:
    name: str
    department: str
    date: str
    note: str


@dataclass(frozen=True)
class Popular:
    name: str
    department: str
    promised: str
    fee: str
    window: str


@dataclass(frozen=True)
class Slide:
    kind: str  # "latest" or "popular"
    title: str
    changes: tuple[Change, ...] = ()
    power: Popular | None = None


def latest(edition: Edition, count: int) -> list[Change]:
    """The count powers revised last, newest first (ties by code)."""
    powers = sorted(edition.powers(), key=lambda p: (-p.record.last_revised.toordinal(), p.code))[:count]
    return [
        Change(
            p.record.name,
            p.department.name,
            web_date(p.record.last_revised),
            p.record.revisions[-1].note if p.record.revisions else "首次公布",
        )
        for p in powers
    ]


def popular_powers(edition: Edition) -> list[EditionPower]:
    """display.popular in its order; without it, the powers started on application, department by department."""
    by_code = {p.code: p for p in edition.powers()}
    chosen = edition.catalogue.display.popular
    if chosen:
        return [by_code[code] for code in chosen if code in by_code]
    applied = [p for p in edition.powers() if p.record.procedure and p.record.procedure.trigger == "依申请"]
    return applied[:POPULAR_DEFAULT]


def popular(power: EditionPower) -> Popular:
    rec, dept = power.record, power.department
    unit = rec.time_limit.unit if rec.time_limit else "工作日"
    promised = days_text(rec.time_limit.promised if rec.time_limit else None, unit)
    fee = ";".join(fee_text(f) for f in rec.fees) or NO_FEE
    return Popular(rec.name, dept.name, promised, fee, dept.window or dept.address or dept.name)


def slides(edition: Edition) -> list[Slide]:
    """The slides in the order the catalogue's display.shows names their kinds."""
    settings = edition.catalogue.display
    found: list[Slide] = []
    for kind in settings.shows:
        if kind == DISPLAY_LATEST:
            changes = latest(edition, settings.latest)
            for start in range(0, len(changes), ROWS_PER_SLIDE):
                found.append(Slide("latest", "最近更新的事项", changes=tuple(changes[start : start + ROWS_PER_SLIDE])))
        elif kind == DISPLAY_POPULAR:
            found += [Slide("popular", "常用事项", power=popular(p)) for p in popular_powers(edition)]
    return found


@cache
def environment() -> Environment:
    return templating.environment(PackageLoader("generator.outputs.display", "templates"), shown_value)


def display_page(edition: Edition) -> str:
    catalogue = edition.catalogue
    return (
        environment()
        .get_template("display.html.j2")
        .render(
            title=f"{catalogue.name}行政权力清单",
            hotline=catalogue.hotline,
            cycle=catalogue.display.cycle_seconds,
            slides=slides(edition),
        )
    )


def write_display(edition: Edition, site_dir: Path) -> list[str]:
    """Write the display page into the site; its path in the site. The hall's screen shows the public edition: an
    internal edition's site has none."""
    if edition.kind != "public":
        return []
    path = page_path(DISPLAY).removesuffix(".md") + ".html"
    target = site_dir / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(display_page(edition), encoding="utf-8")
    return [path]
