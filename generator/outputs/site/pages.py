"""Stage 3: the site's pages, as Markdown around inert HTML, from an edition (public or internal) and its charts.

Every value that comes from a record reaches a page through Jinja2 with autoescape, inside raw
HTML blocks that Markdown leaves alone, so it is shown as written and never interpreted. The only
Markdown a page holds is fixed headings (for the table of contents) and front matter whose title
is a JSON string of already-escaped text.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup, escape

from generator.outputs import templating
from generator.core.edition import Edition, EditionDepartment, EditionPower, Withheld
from generator.core.model import CatalogueRecord, PowerRecord, Revision, Step
from generator.outputs import pinyin, wording
from generator.outputs.bidi import visible_controls
from generator.outputs.flowchart import chart_label, dot_source, render_svgs
from generator.outputs.lawindex import cited_laws, law_rows
from generator.outputs.opendata import downloads, size_slot, updated
from generator.outputs.site.indexes import index_section_pages
from generator.outputs.site.kept import KeptPages
from generator.outputs.site.shells import Page, parse_page
from generator.outputs.site.splits import by_category, by_department, category_shares, is_long, part_pages

TEMPLATES = Path(__file__).parent / "templates"
LATEST_ON_HOME = 10
LATEST_ON_CHANGES = 200

# Bidirectional controls would reorder what a reader sees; they are shown as their code points instead.


def inert(value: object) -> Markup:
    """A value as HTML text: escaped, with bidi controls made visible."""
    if isinstance(value, Markup):
        return value
    return escape(visible_controls(str(value)))


def search_box_text(value: object) -> Markup:
    """A search filter's value, escaped three times: Pagefind (1.5) decodes a filter's text twice (&amp;lt; becomes
    <) and its search box shows the value as HTML, so that is what leaves it escaped once, shown as written (a
    Pagefind that decoded once would show the escapes, never run them; tests/test_reliability_injection.py)."""
    return Markup(escape(str(escape(str(inert(value))))))


def front_matter(title: str, hide: tuple[str, ...] = (), **flags: bool) -> Markup:
    """YAML front matter: the title as a JSON string of escaped text (themes print it as HTML), the
    parts of the theme to hide (toc, navigation) and the page's flags (qlqd_search, qlqd_index)."""
    lines = ["---", "title: " + json.dumps(str(inert(title)))]
    lines += [f"hide: [{', '.join(hide)}]"] if hide else []
    lines += [f"{key}: true" for key, on in sorted(flags.items()) if on]
    return Markup("\n".join([*lines, "---", ""]))


# ---- time limits ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    statutory: str
    promised: str
    saving: str


def limits_of(record: PowerRecord) -> Limits:
    return Limits(*wording.limit_texts(record.time_limit), wording.saving_text(record.time_limit))


def step_days(step: Step, record: PowerRecord) -> str:
    unit = record.time_limit.unit if record.time_limit else "工作日"
    return "" if step.days is None else wording.step_days_text(step.days, unit)


# ---- procedure ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NextLink:
    number: int
    step: Step
    when: str | None


@dataclass(frozen=True)
class StepView:
    number: int
    step: Step
    days: str
    next: list[NextLink]


def step_views(record: PowerRecord) -> list[StepView]:
    """The procedure as numbered steps, each with the numbered steps it leads to."""
    if record.procedure is None:
        return []
    steps = record.procedure.steps
    number = {s.id: i for i, s in enumerate(steps, 1)}
    by_id = {s.id: s for s in steps}
    views = []
    for i, step in enumerate(steps, 1):
        nexts = [NextLink(number[b.to], by_id[b.to], b.when) for b in step.next if b.to in by_id]
        views.append(StepView(i, step, step_days(step, record), nexts))
    return views


def procedure_outline(record: PowerRecord) -> str:
    """The route in one line, the steps grouped by distance from the first: 受理 → 审查 → 批准/不予批准."""
    if record.procedure is None:
        return ""
    steps = record.procedure.steps
    by_id = {s.id: s for s in steps}
    depth = {steps[0].id: 0}
    queue = [steps[0].id]
    for sid in queue:
        for branch in by_id[sid].next:
            if branch.to in by_id and branch.to not in depth:
                depth[branch.to] = depth[sid] + 1
                queue.append(branch.to)
    layers: dict[int, list[str]] = defaultdict(list)
    for step in steps:
        layers[depth.get(step.id, max(depth.values()) + 1)].append(step.name)
    return " → ".join("/".join(layers[d]) for d in sorted(layers))


# ---- grouping -----------------------------------------------------------------------------------


@dataclass
class CategoryView:
    name: str
    code: str
    powers: list[EditionPower] = field(default_factory=list)
    withheld: list[Withheld] = field(default_factory=list)


def categories_of(edition: Edition, powers: Iterable[EditionPower], withheld: Iterable[Withheld]) -> list[CategoryView]:
    """The edition's categories in their defined order, each with the given powers and withheld items."""
    views = {name: CategoryView(name, code) for name, code in edition.category_codes().items()}
    for power in powers:
        views[power.record.category].powers.append(power)
    for item in withheld:
        views[item.category].withheld.append(item)
    return list(views.values())


@dataclass(frozen=True)
class Change:
    power: EditionPower
    revision: Revision


def changes_of(edition: Edition, limit: int) -> list[Change]:
    """The newest revisions of public powers, newest first (ties by code)."""
    found = [Change(p, r) for p in edition.powers() for r in p.record.revisions]
    found.sort(key=lambda c: (-c.revision.date.toordinal(), c.power.code, c.revision.note))
    return found[:limit]


@dataclass(frozen=True)
class FeeRow:
    power: EditionPower
    item: str
    standard: str
    basis: str


def fee_rows(edition: Edition) -> list[FeeRow]:
    return [row for dept in edition.departments for row in _fees_of(dept)]


# ---- rendering ----------------------------------------------------------------------------------


def environment(compiled: Path | None = None) -> Environment:
    """The site's environment, its templates kept compiled under compiled (templating.compiled_folder) if given."""
    env = templating.environment(
        FileSystemLoader(TEMPLATES),
        inert,
        compiled / "site" if compiled else None,
        comment_start_string="{##",  # "{#" starts a Markdown heading id: ## 权力依据 {#basis}
        comment_end_string="##}",
    )
    env.globals.update(
        front_matter=front_matter,
        search_box_text=search_box_text,
        limits_of=limits_of,
        step_views=step_views,
        procedure_outline=procedure_outline,
        size_slot=size_slot,
        wording=wording,
    )
    return env


@dataclass
class SiteContext:
    """What every page template may use."""

    edition: Edition
    site_name: str
    categories: list[CategoryView]
    category_codes: dict[str, str]

    @classmethod
    def of(cls, edition: Edition) -> SiteContext:
        cats = categories_of(edition, edition.powers(), edition.withheld())
        return cls(edition, site_title(edition), cats, edition.category_codes())


def site_title(edition: Edition) -> str:
    return f"{edition.catalogue.name}行政权力清单"


def site_pages(edition: Edition, chart_cache: Path) -> dict[str, str]:
    """Every generated page, with the flowcharts rendered in one batch (cached by content)."""
    return render_pages(edition, render_charts(edition, chart_cache))


def render_charts(edition: Edition, chart_cache: Path) -> dict[str, str]:
    """Code -> inline SVG flowchart of every power the edition shows that has a procedure."""
    powers = [p for p in edition.powers() if p.record.procedure]
    sources = {p.code: dot_source(p, edition.catalogue) for p in powers}
    return render_svgs(sources, chart_cache, {p.code: chart_label(p) for p in powers})


def render_pages(edition: Edition, charts: Mapping[str, str]) -> dict[str, str]:
    """Every generated page of the public site, keyed by its path under the docs folder.

    charts maps a power's code to its inline-ready SVG (trusted: made by generator.outputs.flowchart).
    """
    pages = index_pages(edition)
    env = environment()
    codes = edition.category_codes()
    for power in edition.powers():
        pages[wording.power_page_path(power.code)] = power_page(
            env, power, charts.get(power.code), codes, edition.catalogue
        )
    return pages


def power_page(
    env: Environment, power: EditionPower, chart: str | None, category_codes: dict[str, str], catalogue: CatalogueRecord
) -> str:
    """One power's page; chart is its inline-ready SVG (trusted: made by generator.outputs.flowchart)."""
    shown = Markup(chart) if chart is not None else None
    values = {"power": power, "chart": shown, "site": PowerContext(category_codes), "ld": schema_org(power, catalogue)}
    return env.get_template("power.md.j2").render(root="../../", **values)


def sample_power_pages(edition: Edition, compiled: Path | None = None) -> list[Page]:
    """The first power's page, parsed: every power page is of its kind, so its shell serves them all."""
    powers = edition.powers()[:1]
    codes, catalogue, env = edition.category_codes(), edition.catalogue, environment(compiled)
    return [parse_page(wording.power_page_path(p.code), power_page(env, p, "", codes, catalogue)) for p in powers]


_SCRIPT_BREAKERS = re.compile("[<>&\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def schema_org(power: EditionPower, catalogue: CatalogueRecord) -> Markup:
    """The power as schema.org JSON-LD (GovernmentService), for a <script type="application/ld+json">: < > & and
    bidi controls are written as \\u escapes, so that no record text can end the script element or reorder text."""
    root = wording.safe_url(catalogue.site_url)
    provider = {"@type": "GovernmentOrganization", "name": power.department.name}
    data = {
        "@context": "https://schema.org",
        "@type": "GovernmentService",
        "identifier": power.code,
        "name": power.record.name,
        "serviceType": power.record.category,
        "provider": provider | {"url": wording.absolute_url(root, wording.department_url(power.dept_slug))},
        "url": wording.absolute_url(root, wording.power_url(power.code)),
        "areaServed": {"@type": "AdministrativeArea", "name": wording.area_name(catalogue.name)},
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Markup(_SCRIPT_BREAKERS.sub(lambda m: f"\\u{ord(m[0]):04x}", text))


@dataclass(frozen=True)
class PowerContext:
    """What a power page uses of the whole site: small enough to send to another process."""

    category_codes: dict[str, str]


def index_pages(edition: Edition, cache: Path | None = None, compiled: Path | None = None) -> dict[str, str]:
    """Every generated page but the powers' own: the sections, departments and categories. With a cache folder, a
    page whose inputs are those of a page the last build made there is taken from it (generator/outputs/site/kept.py)."""
    site = SiteContext.of(edition)
    kept = KeptPages(environment(compiled), site, edition, TEMPLATES, cache / "pages" if cache else None)
    readings = pinyin.Readings(cache / "pinyin.json" if cache else None)
    page = kept.page
    pages = section_pages(edition, page) | department_pages(edition, site, page)
    pages |= index_section_pages(edition, page, readings)
    kept.prune()
    readings.save()
    return pages


def section_pages(edition: Edition, page: Callable[..., str]) -> dict[str, str]:
    """The home page and the sections; a long section list is split by department, on pages of its own."""
    withheld = by_department(edition, wording.WITHHELD, _withheld_of)
    fees = by_department(edition, wording.FEES, _fees_of)
    discretion = by_department(edition, wording.DISCRETION, _penalties_of, _violations)
    laws = by_department(edition, wording.LAWS, lambda dept: law_rows(edition, dept))
    pages = {
        wording.page_path(wording.HOME): page("home.md.j2", "", changes=changes_of(edition, LATEST_ON_HOME)),
        wording.page_path(wording.DEPARTMENTS): page("departments.md.j2", "../"),
        wording.page_path(wording.CATEGORIES): page("categories.md.j2", "../"),
        wording.page_path(wording.WITHHELD): page(
            "withheld.md.j2", "../", withheld=sorted(edition.withheld(), key=_code), parts=withheld
        ),
        wording.page_path(wording.FEES): page("fees.md.j2", "../", rows=fee_rows(edition), parts=fees),
        wording.page_path(wording.DISCRETION): page(
            "discretion.md.j2", "../", powers=_penalties(edition), parts=discretion
        ),
        wording.page_path(wording.CHANGES): page(
            "changes.md.j2", "../", changes=changes_of(edition, LATEST_ON_CHANGES), limit=LATEST_ON_CHANGES
        ),
        wording.page_path(wording.DATA): page("opendata.md.j2", "../", data=downloads(edition), updated=updated(edition)),
        wording.page_path(wording.LAWS): page("laws.md.j2", "../", laws=cited_laws(edition), parts=laws),
        wording.page_path(wording.ACCESSIBILITY): page("accessibility.md.j2", "../"),
    }
    pages |= part_pages(page, "withheld_part.md.j2", withheld)
    pages |= part_pages(page, "fees_part.md.j2", fees)
    pages |= part_pages(page, "laws_part.md.j2", laws)
    return pages | part_pages(page, "discretion_part.md.j2", discretion)


def department_pages(edition: Edition, site: SiteContext, page: Callable[..., str]) -> dict[str, str]:
    """Each department's and category's page, and a long department's pages of one category each."""
    groups = {d.slug: [g for g in categories_of(edition, d.powers, []) if g.powers] for d in edition.departments}
    long = [d for d in edition.departments if is_long(len(d.powers))]
    parts = {(d.slug, g.code): by_category(d, g.name, g.code, g.powers) for d in long for g in groups[d.slug]}
    pages = {}
    for dept in edition.departments:
        split = [parts[dept.slug, g.code] for g in groups[dept.slug]] if is_long(len(dept.powers)) else []
        path = wording.department_page_path(dept.slug)
        pages[path] = page("department.md.j2", "../../", dept=dept, groups=groups[dept.slug], parts=split)
    for cat in site.categories:
        shares = category_shares(edition, cat.code, groups, parts) if is_long(len(cat.powers)) else []
        if cat.powers:
            pages[wording.category_page_path(cat.code)] = page("category.md.j2", "../../", cat=cat, parts=shares)
    return pages | part_pages(page, "department_category.md.j2", parts.values())


def _code(item: Withheld) -> str:
    return item.code


def _penalties(edition: Edition) -> list[EditionPower]:
    return [p for p in edition.powers() if p.record.discretion]


def _withheld_of(dept: EditionDepartment) -> list[Withheld]:
    return dept.withheld


def _fees_of(dept: EditionDepartment) -> list[FeeRow]:
    return [FeeRow(p, f.item, f.standard, f.basis) for p in dept.powers for f in p.record.fees]


def _penalties_of(dept: EditionDepartment) -> list[EditionPower]:
    return [p for p in dept.powers if p.record.discretion]


def _violations(power: EditionPower) -> int:
    """The rows a penalty fills in the discretion table: one per violation."""
    return len(power.record.discretion)
