"""The index pages' cache (generator/outputs/site/kept.py): after an edit, the index pages taken from the cache and
the few rendered again are byte for byte those a build without a cache makes, and only pages that list what changed
are rendered."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from site_catalogues import FIXTURE, large_catalogue
from sitetools import tree_digest

from generator.core.edition import Edition, make_edition
from generator.core.validate import load_valid
from generator.outputs.site import pages as site_pages
from generator.outputs.site.kept import Fingerprints, KeptPages, PageSite, reads_whole_site
from generator.outputs.site.pages import environment, index_pages
from generator.publish import publish

FIRST = "d00/FX01D00-XK-0002.yaml"  # a 行政许可 of the first department


@pytest.fixture(scope="module")
def original(tmp_path_factory) -> Path:
    """700 powers in two departments of 350: long department, category, A–Z and section lists, split into parts."""
    return large_catalogue(tmp_path_factory.mktemp("index-cache") / "powers", 700, 350)


def edition_of(powers: Path) -> Edition:
    return make_edition(load_valid(powers), "public")


def entries(cache: Path) -> set[str]:
    return {p.name for p in (cache / "pages").iterdir()}


def rebuilt(original: Path, tmp_path: Path, edit) -> tuple[dict[str, str], dict[str, str], int]:
    """The index pages after the edit from a cache of the pages before it, the same without a cache (cold), and
    the number of pages rendered into the cache by the rebuild."""
    powers, cache = tmp_path / "powers", tmp_path / "cache"
    shutil.copytree(original, powers)
    index_pages(edition_of(powers), cache)
    before = entries(cache)
    edit(powers)
    edition = edition_of(powers)
    incremental = index_pages(edition, cache)
    after = entries(cache)
    assert all(name.endswith(".md") for name in after)  # nothing half written left
    return incremental, index_pages(edition), len(after - before)


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def step_name(powers: Path) -> None:
    replace(powers / FIRST, "name: 受理\n", "name: 受理登记\n")


def power_name(powers: Path) -> None:
    replace(powers / FIRST, "name: 食品经营许可(", "name: 餐饮服务许可(")


def revision(powers: Path) -> None:
    replace(powers / FIRST, "revisions:\n", "revisions:\n- date: 2025-06-01\n  note: 调整材料\n")


def category(powers: Path) -> None:
    """A 行政许可 becomes a 行政确认: its code names the category, so it is renamed too."""
    old = powers / FIRST
    replace(old, "category: 行政许可", "category: 行政确认")
    replace(old, "code: FX01D00-XK-0002", "code: FX01D00-QR-0700")
    old.rename(old.with_name("FX01D00-QR-0700.yaml"))


def department(powers: Path) -> None:
    """The power moves to the second department: its code names the department, so it is renamed too."""
    old = powers / FIRST
    replace(old, "code: FX01D00-XK-0002", "code: FX01D01-XK-0700")
    old.rename(powers / "d01" / "FX01D01-XK-0700.yaml")


def catalogue_name(powers: Path) -> None:
    replace(powers / "_catalogue.yaml", "name: 测试区人民政府", "name: 测试区人民政府（新）")


# The pages given the edited power, for a step's new name (16): the law index and its department's 2 pages of it;
# its department's page and its 4 parts by category (a part holds its department); its category's page; the A–Z
# page and its letter's 2 pages; its department's 4 公开目录 pages. A new name adds its new letter's page, a new
# revision the newest changes, a new category that category's page; a move renders the same for both departments.
# (The 6 pages that read the whole edition are rendered every time and never kept: not counted here.)
@pytest.mark.parametrize(
    ("edit", "rendered"),
    [(step_name, 16), (power_name, 17), (revision, 17), (category, 17), (department, 27), (catalogue_name, None)],
)
def test_an_edit_renders_the_pages_that_list_what_changed_and_equals_a_cold_build(original, tmp_path, edit, rendered):
    incremental, cold, count = rebuilt(original, tmp_path, edit)
    assert incremental == cold
    kept = len(entries(tmp_path / "cache"))
    assert count == (kept if rendered is None else rendered)  # a new catalogue name renders every page again


def test_a_rebuild_of_the_same_catalogue_renders_no_kept_page_and_keeps_the_cache(original, tmp_path):
    incremental, cold, count = rebuilt(original, tmp_path, lambda powers: None)
    assert incremental == cold and count == 0
    assert len(entries(tmp_path / "cache")) == len(incremental) - 6  # all but the six pages that read the edition


def test_a_template_change_renders_every_page_again(original, tmp_path, monkeypatch):
    templates = tmp_path / "templates"
    shutil.copytree(site_pages.TEMPLATES, templates)
    monkeypatch.setattr(site_pages, "TEMPLATES", templates)
    edition, cache = edition_of(original), tmp_path / "cache"
    index_pages(edition, cache)
    before = entries(cache)
    replace(templates / "directory.md.j2", "{% from", "{## a comment ##}\n{% from")
    replace(templates / "department.md.j2", "<h1>", '<h1 class="qlqd-new">')
    after = index_pages(edition, cache)
    assert not before & entries(cache) and len(entries(cache)) == len(before)
    assert after == index_pages(edition)
    assert all('class="qlqd-new"' in after[p] for p in ("departments/d00/index.md", "departments/d01/index.md"))


def test_pages_that_read_the_whole_edition_are_rendered_every_time_the_others_get_the_site_s_name_and_codes():
    env = environment()
    names = sorted(p.name for p in site_pages.TEMPLATES.glob("*.md.j2") if p.name != "power.md.j2")
    whole = [name for name in names if reads_whole_site(env, name)]
    assert whole == [
        "accessibility.md.j2",
        "categories.md.j2",
        "departments.md.j2",
        "directories.md.j2",
        "home.md.j2",
        "opendata.md.j2",
    ]
    assert [f.name for f in dataclasses.fields(PageSite)] == ["site_name", "category_codes"]


def test_a_kept_page_s_template_that_reads_more_of_the_site_fails_loudly(tmp_path):
    from jinja2 import DictLoader, UndefinedError

    env = environment()
    env.loader = DictLoader({"sneaky.md.j2": "{{ site['edition'] }}", "named.md.j2": "{{ site.site_name }}"})
    edition = edition_of(FIXTURE)
    kept = KeptPages(env, site_pages.SiteContext.of(edition), edition, site_pages.TEMPLATES, tmp_path / "cache")
    assert reads_whole_site(env, "sneaky.md.j2")  # a subscript is no attribute a PageSite holds: rendered every time
    assert [kept.page("named.md.j2", "") for _ in range(2)] == ["复兴区人民政府行政权力清单"] * 2
    assert kept.rendered == 1  # the second time from the cache
    assert kept.page("sneaky.md.j2", "").startswith("Edition(") and kept.rendered == 2  # given the whole site
    kept.page_site = PageSite("x", {})  # what a kept page is given: reading more of it fails
    with pytest.raises(UndefinedError):
        kept._render("sneaky.md.j2", "", kept.page_site, {})


def test_values_are_told_apart_by_what_they_hold():
    from markupsafe import Markup

    prints = Fingerprints()
    pairs = [
        ("a", Markup("a")),
        (["a", "b"], ["ab"]),
        ((1,), [1]),
        ({"a": 1}, {"a": "1"}),
        (1, True),
        ("", None),
        (Path("a"), "a"),
    ]
    assert all(prints.of(one) != prints.of(other) for one, other in pairs)
    assert prints.of(["x", 1]) == Fingerprints().of(["x", 1])
    with pytest.raises(TypeError):
        prints.of(object())
    with pytest.raises(TypeError):
        prints.of(lambda: pairs)  # a closure holds values no hash can see


@pytest.mark.slow
def test_a_build_after_moving_a_confidential_power_equals_a_cold_build(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    powers, cache = tmp_path / "powers", tmp_path / "cache"
    shutil.copytree(FIXTURE, powers)
    publish(powers, tmp_path / "site", cache, pdf=False)
    moved = powers / "tjj" / "FX01TJ-JC-0001.yaml"  # withheld: listed by its department, with no page
    replace(moved, "code: FX01TJ-JC-0001", "code: FX01SJ-JC-0002")
    moved.rename(powers / "scjg" / "FX01SJ-JC-0002.yaml")
    publish(powers, tmp_path / "site", cache, pdf=False)
    publish(powers, tmp_path / "cold", tmp_path / "cold-cache", pdf=False)
    assert tree_digest(tmp_path / "site") == tree_digest(tmp_path / "cold")
    page = (tmp_path / "site" / "departments" / "{}" / "index.html").as_posix()
    assert "FX01SJ-JC-0002" in Path(page.format("scjg")).read_text(encoding="utf-8")  # withheld, by its new department
    assert "FX01TJ-JC-0001" not in Path(page.format("tjj")).read_text(encoding="utf-8")
