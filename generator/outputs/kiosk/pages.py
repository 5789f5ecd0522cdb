"""The kiosk's pages, from the public edition: the start screen, a list per department, per category and per
initial letter, and one screen per power. Paths are fixed by the edition, never by a folder name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import segno
from jinja2 import Environment, PackageLoader
from markupsafe import Markup

from generator.core.edition import Edition, EditionPower
from generator.outputs import templating
from generator.outputs.bidi import shown_value
from generator.outputs.pinyin import LETTERS, OTHER, initial, sort_key
from generator.outputs.wording import (
    NO_FEE,
    absolute_url,
    fee_text,
    limit_texts,
    power_url,
)

STATIC = ("kiosk.css", "kiosk.js")
OTHER_FILE = "other"  # the page of names under OTHER (#), which is no file name


@dataclass(frozen=True)
class Fact:
    label: str
    lines: list[str]


@dataclass(frozen=True)
class PowerView:
    """One power as the kiosk shows it."""

    code: str
    name: str
    category: str
    department: str
    facts: list[Fact]
    qr: Markup  # an inline SVG made by segno from the page's address

    @property
    def file(self) -> str:
        return f"power/{self.code}.html"


@dataclass(frozen=True)
class Group:
    """A list of powers behind a tile: a department, a category or a letter."""

    title: str
    file: str
    powers: list[PowerView]


def power_view(power: EditionPower, site_url: str) -> PowerView:
    rec, dept = power.record, power.department
    statutory, promised = limit_texts(rec.time_limit)
    facts = [
        Fact("承诺时限", [promised]),
        Fact("收费", [fee_text(f) for f in rec.fees] or [NO_FEE]),
        Fact("在哪里办", [x for x in (dept.window, dept.address) if x] or [dept.name]),
        Fact("咨询电话", [dept.phone] if dept.phone else []),
        Fact("申请材料", [m.name for m in rec.materials]),
        Fact("办理条件", list(rec.conditions)),
        Fact("法定时限", [statutory]),
        Fact("实施机关", [f"{dept.name} {rec.office}"]),
    ]
    url = absolute_url(site_url, power_url(rec.code))  # as on the printed card
    qr = Markup(segno.make(url, error="m", micro=False).svg_inline(scale=6, border=4, dark="#000", light="#fff"))
    facts = [f for f in facts if f.lines]
    return PowerView(rec.code, rec.name, rec.category, dept.name, facts, qr)


def groups(edition: Edition, views: dict[str, PowerView]) -> tuple[list[Group], list[Group], list[Group]]:
    """The departments', the categories' and the letters' lists, each in a fixed order."""
    depts = [
        Group(d.record.name, f"dept/{n}.html", [views[p.code] for p in d.powers])
        for n, d in enumerate(edition.departments, 1)
        if d.powers
    ]
    codes = edition.category_codes()
    cats = [
        Group(name, f"cat/{code}.html", [views[p.code] for p in edition.powers() if p.record.category == name])
        for name, code in codes.items()
    ]
    ordered = sorted(edition.powers(), key=lambda p: sort_key(p.record.name))
    letters = [
        Group(
            letter,
            f"az/{OTHER_FILE if letter == OTHER else letter}.html",
            [views[p.code] for p in ordered if initial(p.record.name) == letter],
        )
        for letter in [*LETTERS, OTHER]
    ]
    return depts, [c for c in cats if c.powers], letters


@cache
def environment() -> Environment:
    return templating.environment(PackageLoader("generator.outputs.kiosk", "templates"), shown_value)


def write_kiosk(edition: Edition, out: Path, advance: Callable[[int], None] = lambda _: None) -> list[str]:
    """Write the kiosk of the edition into out; the files written, relative to out."""
    catalogue = edition.catalogue
    views = {p.code: power_view(p, catalogue.site_url) for p in edition.powers()}
    depts, cats, letters = groups(edition, views)
    common = {
        "title": f"{catalogue.name}行政权力清单",
        "idle": catalogue.kiosk.idle_seconds,
        "hotline": catalogue.hotline,
    }
    env = environment()
    pages = {
        "index.html": env.get_template("start.html.j2").render(
            root="", depts=depts, cats=cats, letters=letters, **common
        )
    }
    for group in [*depts, *cats, *(g for g in letters if g.powers)]:
        pages[group.file] = env.get_template("list.html.j2").render(root="../", group=group, **common)
    for view in views.values():
        pages[view.file] = env.get_template("power.html.j2").render(root="../", power=view, **common)
    folder = resources.files("generator.outputs.kiosk") / "static"
    for name in STATIC:
        pages[name] = (folder / name).read_text(encoding="utf-8")
    for path, text in sorted(pages.items()):
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        advance(1)
    return sorted(pages)
