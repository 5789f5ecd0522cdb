"""Long lists on pages of at most MAX_ROWS rows, so that no page grows with the catalogue.

A list of more than MAX_ROWS rows is split: a section's list (fees, discretion, withheld) by department
(fees/<slug>/), a department's powers by category (departments/<slug>/<code>/), and a category's page lists
each department's share instead of the powers. A part still longer is cut into numbered pages (its URL, then
2/, 3/ …). A list of at most MAX_ROWS rows keeps its one page, as every page of a small catalogue does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from generator.core.edition import Edition, EditionDepartment, EditionPower
from generator.outputs import wording

# Rows of one list on one page. A department's page spends the most on a row, up to ~0.7 KB for a power with
# a long name (its list and its time-limit table): 300 rows stay near 210 KB, under 300 KB with the theme.
MAX_ROWS = 300

T = TypeVar("T")


class Group(Protocol):
    """A department's powers of one category (pages.CategoryView)."""

    code: str
    powers: list[EditionPower]


def one_row(_: object) -> int:
    """The rows most items fill."""
    return 1


def is_long(rows: int) -> bool:
    """True for a list that is split: longer than MAX_ROWS rows."""
    return rows > MAX_ROWS


def cut(items: Sequence[T], weight: Callable[[T], int], limit: int) -> list[list[T]]:
    """items in runs of at most limit rows, in order (an item of more rows alone); always at least one run."""
    runs: list[list[T]] = [[]]
    rows = 0
    for item in items:
        rows += weight(item)
        if rows > limit and runs[-1]:
            runs.append([])
            rows = weight(item)
        runs[-1].append(item)
    return runs


@dataclass(frozen=True)
class Sheet(Generic[T]):
    """One page of a part: its Markdown file, its number among the part's pages (of how many) and what it lists."""

    path: str
    number: int
    of: int
    items: Sequence[T]


@dataclass(frozen=True)
class Part(Generic[T]):
    """One department's share of a split list (of one category, for a department's powers), on its pages."""

    dept: EditionDepartment
    url: str  # of its first page, from the site's root
    path: str
    items: Sequence[T]
    weight: Callable[[T], int] = one_row  # the table rows an item fills
    category: str = ""  # the category's name, for a department's powers of one category

    @property
    def count(self) -> int:
        return len(self.items)

    def sheets(self) -> list[Sheet[T]]:
        runs = cut(self.items, self.weight, MAX_ROWS)
        return [Sheet(wording.numbered_page_path(self.path, n), n, len(runs), run) for n, run in enumerate(runs, 1)]

    def page_urls(self) -> list[str]:
        """The URL of each of its pages, from the site's root."""
        return [wording.numbered_url(self.url, sheet.number) for sheet in self.sheets()]


def by_department(
    edition: Edition,
    section: str,
    items_of: Callable[[EditionDepartment], Sequence[T]],
    weight: Callable[[T], int] = one_row,
) -> list[Part[T]]:
    """A section's list by department (section/<slug>/) when it is long, else no part: it keeps its one page."""
    url, path = wording.section_department_url, wording.section_department_page_path
    parts = [
        Part(d, url(section, d.slug), path(section, d.slug), items, weight)
        for d in edition.departments
        if (items := items_of(d))
    ]
    return parts if is_long(sum(weight(item) for part in parts for item in part.items)) else []


def by_category(dept: EditionDepartment, name: str, code: str, powers: Sequence[EditionPower]) -> Part[EditionPower]:
    """A department's powers of one category, on their own pages (departments/<slug>/<code>/)."""
    url, path = wording.department_category_url(dept.slug, code), wording.department_category_page_path(dept.slug, code)
    return Part(dept, url, path, powers, category=name)


@dataclass(frozen=True)
class Share:
    """A department's share of a long category: where its powers of the category are listed, and how many."""

    dept: EditionDepartment
    url: str
    count: int


def category_shares(
    edition: Edition, code: str, groups: Mapping[str, Sequence[Group]], parts: Mapping[tuple[str, str], Part]
) -> list[Share]:
    """Each department's share of a category: its pages of the category if it is split, else its page's heading."""
    shares = []
    for dept in edition.departments:
        for group in groups[dept.slug]:
            if group.code == code:
                part = parts.get((dept.slug, code))
                url = part.url if part else wording.department_category_anchor(dept.slug, code)
                shares.append(Share(dept, url, len(group.powers)))
    return shares


def part_pages(page: Callable[..., str], template: str, parts: Iterable[Part]) -> dict[str, str]:
    """Every page of every part: page(template, root, part=, sheet=) renders one."""
    return {s.path: page(template, root_of(s.path), part=p, sheet=s) for p in parts for s in p.sheets()}


def root_of(path: str) -> str:
    """The relative way from a page to the site's root: fees/<slug>/index.md -> ../../."""
    return "../" * path.count("/")
