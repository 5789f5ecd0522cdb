"""The public site's pages as generated Markdown (generator/pages.py), without MkDocs."""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit

import markdown
import pytest
import yaml
from bs4 import BeautifulSoup
from linkcheck import broken_links
from site_catalogues import PAYLOAD, hostile_catalogue, large_catalogue
from sitetools import nu_errors

from generator.core.edition import Edition, make_edition
from generator.core.model import TimeLimit
from generator.core.validate import load_valid
from generator.outputs import wording
from generator.outputs.bidi import visible_controls
from generator.outputs.site import pages as pages_module
from generator.outputs.site import splits
from generator.outputs.site.pages import front_matter, procedure_outline, render_pages
from generator.outputs.wording import days_text, saving_text, step_days_text
from generator.publish import publish, source_date_epoch

FIXTURE = Path(__file__).parent / "fixtures" / "site"
CONFIDENTIAL = "FX01TJ-JC-0001"
INTERNAL = "FX01TJ-NB-0001"
# Words that occur only in the confidential record's unpublished fields and in the internal record.
SECRET_WORDS = ["机密甲", "内部乙丙"]
CHART = '<svg role="img" aria-label="{label}"><title>{label}</title></svg>'


def charts_for(edition: Edition) -> dict[str, str]:
    return {p.code: CHART.format(label=p.code) for p in edition.powers()}


@pytest.fixture(scope="module")
def pages(edition: Edition) -> dict[str, str]:
    return render_pages(edition, charts_for(edition))


def split(page: str) -> tuple[dict, str]:
    """Front matter (parsed as MkDocs does, with YAML) and the Markdown body."""
    _, head, body = page.split("---\n", 2)
    return yaml.safe_load(head), body


def to_html(page: str) -> BeautifulSoup:
    """The page body through Python-Markdown with the extensions mkdocs.yml enables."""
    _, body = split(page)
    return BeautifulSoup(markdown.markdown(body, extensions=["attr_list", "toc"]), "html.parser")


def test_every_public_power_has_a_page_and_no_other_power_does(edition, pages):
    power_pages = {path.split("/")[1] for path in pages if path.startswith("powers/")}
    assert power_pages == {p.code for p in edition.powers()}
    assert CONFIDENTIAL not in power_pages and INTERNAL not in power_pages


def test_index_pages_exist(pages):
    for path in ["index.md", "departments/index.md", "categories/index.md", "withheld/index.md", "fees/index.md"]:
        assert path in pages
    assert {"departments/tjj/index.md", "departments/scjg/index.md", "categories/CF/index.md"} <= set(pages)
    assert "discretion/index.md" in pages and "changes/index.md" in pages


def test_internal_power_appears_nowhere(pages):
    for path, text in pages.items():
        assert INTERNAL not in text, path
        assert "内部乙丙" not in text, path


def test_confidential_power_appears_only_as_its_four_fields(pages):
    holding = sorted(path for path, text in pages.items() if CONFIDENTIAL in text)
    assert holding == ["departments/tjj/index.md", "withheld/index.md"]
    for path in holding:
        row = next(tr for tr in to_html(pages[path]).find_all("tr") if CONFIDENTIAL in tr.get_text())
        assert [td.get_text() for td in row.find_all("td")] == [
            CONFIDENTIAL,
            "涉密统计资料保管检查",
            "行政检查",
            "涉及国家秘密",
        ]
    for path, text in pages.items():
        assert "机密甲" not in text, path


def test_power_page_has_every_section(pages):
    soup = to_html(pages["powers/FX01TJ-CF-0001/index.md"])
    ids = [h["id"] for h in soup.find_all("h2")]
    assert ids == [
        "basis",
        "conditions",
        "fees",
        "time-limit",
        "flowchart",
        "procedure",
        "rights",
        "supervision",
        "complaints",
        "discretion",
        "responsibilities",
        "accountability",
        "revisions",
    ]
    assert soup.find("h1").get_text() == "对统计违法行为的行政处罚"
    text = soup.get_text()
    assert "FX01TJ-CF-0001" in text and "执法检查科科长" in text and "复兴区统计局" in text
    assert "比法定时限缩短 50%" in text and "不收费" in text
    assert soup.select_one("details summary").get_text() == "条文摘录"
    assert soup.select_one('figure.qlqd-chart svg[role="img"]')["aria-label"] == "FX01TJ-CF-0001"
    assert [td.get_text() for td in soup.select("#discretion ~ div table tbody tr")[1].find_all("td")] == [
        "严重",
        "拒不改正或造成严重后果",
        "处五万元以上二十万元以下罚款",
    ]
    assert [li.get_text() for li in soup.select(".qlqd-revisions li")] == [
        "2024-06-01 压缩承诺时限",
        "2024-01-01 首次公布",
    ]


def test_power_page_lists_the_procedure_as_numbered_text(pages):
    soup = to_html(pages["powers/FX01TJ-CF-0001/index.md"])
    steps = soup.select("ol.qlqd-steps > li")
    assert [li.strong.get_text() for li in steps] == ["立案", "调查取证", "告知", "决定", "送达", "撤销立案"]
    branches = [li.get_text() for li in steps[1].select("ul ul li")]
    assert branches == ["拟作出处罚：第 3 步 告知", "违法事实不成立：第 6 步 撤销立案"]
    assert steps[1].select("ul ul a")[1]["href"] == "#step-close"
    assert "当事人权利：陈述、申辩、听证" in steps[2].get_text()
    assert "下一步：办结" in steps[4].get_text()


def test_power_page_links_its_pdfs_department_and_category(pages):
    hrefs = [a["href"] for a in to_html(pages["powers/FX01TJ-XK-0001/index.md"]).find_all("a")]
    for href in ["../../pdf/FX01TJ-XK-0001.pdf", "../../pdf/FX01TJ-XK-0001-a3.pdf", "../../departments/tjj/"]:
        assert href in hrefs
    assert "../../categories/XK/" in hrefs


def test_missing_limits_fees_and_materials_are_said_plainly(pages):
    food = to_html(pages["powers/FX01SJ-XK-0001/index.md"]).select_one(".qlqd-limits").get_text(" ")
    assert "10 个工作日" in food and "无明确规定" in food and "缩短" not in food
    inspection = to_html(pages["powers/FX01SJ-JC-0001/index.md"])
    assert inspection.select_one(".qlqd-limits").get_text(" ").count("无明确规定") == 2
    assert inspection.find("h2", id="materials") is None
    assert "暂停" in inspection.get_text()
    on_the_spot = to_html(pages["powers/FX01SJ-QR-0001/index.md"]).select_one(".qlqd-limits").get_text(" ")
    assert on_the_spot.count("即办") == 2


def test_fees_are_listed_with_their_basis(pages):
    page = to_html(pages["powers/FX01TJ-XK-0001/index.md"])
    assert [td.get_text() for td in page.select("#fees ~ div tbody td")[:3]] == [
        "证书工本费",
        "每本10至20元",
        "发改价格〔2015〕XX号",
    ]
    public = to_html(pages["fees/index.md"])
    rows = public.select("tbody tr")
    assert len(rows) == 1 and "证书工本费" in rows[0].get_text() and "发改价格〔2015〕XX号" in rows[0].get_text()


def test_department_page_has_powers_by_category_and_the_time_limit_table(pages):
    soup = to_html(pages["departments/tjj/index.md"])
    assert [h.get_text() for h in soup.select("h3")] == ["行政许可（1 项）", "行政处罚（1 项）"]
    rows = soup.select("table.qlqd-timetable tbody tr")
    cells = [[td.get_text(" ") for td in row.find_all("td")] for row in rows]
    assert [c[1:] for c in cells] == [
        [
            "执法检查科",
            "执法检查科科长",
            "立案 → 调查取证 → 告知/撤销立案 → 决定 → 送达",
            "30 个工作日",
            "15 个工作日 比法定时限缩短 50%",
        ],
        [
            "统计科",
            "统计科科长",
            "受理 → 审查 → 准予认定/不予认定并说明理由",
            "20 个工作日",
            "10 个工作日 比法定时限缩短 50%",
        ],
    ]
    assert "../../pdf/dept/tjj.pdf" in [a["href"] for a in soup.find_all("a")]
    assert soup.select_one("#search")["data-root"] == "../../"


def test_home_page_counts_searches_and_shows_the_latest_changes(pages):
    meta, _ = split(pages["index.md"])
    assert meta == {"title": "复兴区人民政府行政权力清单", "qlqd_search": True, "qlqd_feed": True}
    soup = to_html(pages["index.md"])
    counts = {tr.td.get_text(): [td.get_text() for td in tr.find_all("td")[1:]] for tr in soup.select("tbody tr")}
    assert counts["行政检查"] == ["1", "1"] and counts["复兴区统计局"] == ["2", "1"]
    assert soup.select_one("#search") is not None
    latest = [li.get_text() for li in soup.select(".qlqd-revisions li")]
    assert latest[0] == "2024-06-01 对统计违法行为的行政处罚：压缩承诺时限"
    assert "pdf/catalogue.pdf" in [a["href"] for a in soup.find_all("a")]


def test_category_page_lists_its_powers_with_their_departments(pages):
    soup = to_html(pages["categories/XK/index.md"])
    rows = [[td.get_text(" ") for td in tr.find_all("td")] for tr in soup.select("tbody tr")]
    assert rows == [
        ["食品经营许可 FX01SJ-XK-0001", "复兴区市场监督管理局", "无明确规定"],
        ["涉外调查机构资格认定 FX01TJ-XK-0001", "复兴区统计局", "10 个工作日"],
    ]
    assert soup.select_one("#search") is not None


def test_only_power_pages_are_indexed_for_search(pages):
    for path, text in pages.items():
        meta, _ = split(text)
        assert meta.get("qlqd_index", False) == path.startswith("powers/"), path


def test_discretion_index_links_each_violation(pages):
    soup = to_html(pages["discretion/index.md"])
    assert [a["href"] for a in soup.select("tbody a") if "discretion-" in a["href"]] == [
        "../powers/FX01TJ-CF-0001/#discretion-1"
    ]


def test_time_limit_texts():
    assert days_text(20, "工作日") == "20 个工作日"
    assert days_text(0, "自然日") == "即办"
    assert days_text(None, "工作日") == "无明确规定"
    assert step_days_text(5, "自然日") == "5 个自然日"
    assert step_days_text(0, "工作日") == "即时"  # a step done on the spot; a power with a limit of 0 is 即办
    assert step_days_text(5, "工作日", compact=True) == "5个工作日"  # a printed chart's narrow box
    assert saving_text(TimeLimit(statutory=20, promised=10)) == "比法定时限缩短 50%"
    assert saving_text(TimeLimit(statutory=3, promised=2)) == "比法定时限缩短 33%"
    assert saving_text(TimeLimit(statutory=8, promised=5)) == "比法定时限缩短 38%"  # 37.5 rounds half up
    assert saving_text(TimeLimit(statutory=10, promised=10)) == "与法定时限相同"
    assert (
        saving_text(TimeLimit(statutory=10))
        == saving_text(None)
        == saving_text(TimeLimit(statutory=0, promised=0))
        == ""
    )


def test_procedure_outline_layers_branches(edition):
    record = next(p.record for p in edition.powers() if p.code == "FX01TJ-XK-0001")
    assert procedure_outline(record) == "受理 → 审查 → 准予认定/不予认定并说明理由"


# ---- injection: every record value is inert text ----------------------------------------------------


def test_hostile_text_is_shown_as_written_and_never_interpreted(tmp_path):
    edition = make_edition(load_valid(hostile_catalogue(tmp_path / "powers")), "public")
    pages = render_pages(edition, charts_for(edition))
    shown = visible_controls(PAYLOAD)
    for path, page in pages.items():
        assert "\u202e" not in page, path
        soup = to_html(page)
        scripts = soup.find_all("script")
        assert [s["type"] for s in scripts] == (["application/ld+json"] if path.startswith("powers/") else []), path
        for script in scripts:  # data only, and nothing in it can end the element
            assert "<" not in script.string and json.loads(script.string)["@type"] == "GovernmentService"
        hrefs = [a["href"] for a in soup.find_all("a")]  # no scheme but tel: and a number (the catalogue's hotline)
        assert not [h for h in hrefs if urlsplit(h).scheme and not re.fullmatch(r"tel:\+?[0-9]+", h)], path
        assert "1337" not in soup.get_text(), path
        if path.startswith(("powers/", "departments/odd")):
            assert soup.get_text().count(shown) >= 3, path
    title, _ = split(pages["powers/FX01TJ-CF-0001/index.md"])
    assert html.unescape(title["title"]) == shown  # escaped once: themes print the title as HTML
    dept_links = [a["href"] for a in to_html(pages["index.md"]).find_all("a") if "departments/odd" in a["href"]]
    assert dept_links == ["departments/odd%20dept%26x/"]


def test_front_matter_title_is_escaped_json():
    meta, _ = split(front_matter('a"b<c>') + "body")
    assert meta == {"title": "a&#34;b&lt;c&gt;"}


def test_internal_pages_mark_internal_powers_and_still_reduce_confidential_ones(edition):
    internal = render_pages(make_edition(load_valid(FIXTURE), "internal"), {})
    public = render_pages(edition, {})
    assert "powers/FX01TJ-NB-0001/index.md" in internal and "powers/FX01TJ-NB-0001/index.md" not in public
    assert "powers/FX01TJ-QT-0001/index.md" not in internal  # confidential: reduced in every edition
    page = to_html(internal["powers/FX01TJ-NB-0001/index.md"])
    assert page.find("h1").find(class_="qlqd-internal").get_text() == "内部公开"
    listed = to_html(internal["departments/tjj/index.md"]).find("a", href="../../powers/FX01TJ-NB-0001/")
    assert listed.find_next_sibling(class_="qlqd-internal").get_text() == "内部公开"
    assert not any("qlqd-internal" in text for text in public.values())


def test_the_build_date_is_the_newest_revision_unless_given(edition, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert source_date_epoch(edition) == int(dt.datetime(2024, 6, 1, tzinfo=dt.UTC).timestamp())
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert source_date_epoch(edition) == 1700000000


# ---- long lists: split by department or category, cut into numbered pages ----------------------------------

SECTIONS = ("fees/", "discretion/", "withheld/")
CONTENT = Path(__file__).resolve().parent.parent / "content"
SCALE = 100_000 // 2_000  # the 2,000-record catalogue below stands for one of 100,000
MAX_PAGE_AT_SCALE = 300 * 1024 - 30 * 1024  # 300 KB, less what the theme adds around a page's body (≤ 30 KB)


@contextlib.contextmanager
def rows_per_page(rows: int, changes: int | None = None) -> Iterator[None]:
    """Pages render with lists split above `rows` rows (and `changes` revisions on the changes page)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(splits, "MAX_ROWS", rows)
        if changes is not None:
            patch.setattr(pages_module, "LATEST_ON_CHANGES", changes)
        yield


@pytest.fixture(scope="module")
def split_pages(edition: Edition) -> dict[str, str]:
    """The fixture's pages with every non-empty list split, and every part of more than one row cut into pages."""
    with rows_per_page(0):
        return render_pages(edition, charts_for(edition))


@pytest.fixture(scope="module")
def larger(tmp_path_factory) -> Edition:
    """60 public powers in 3 departments."""
    return make_edition(load_valid(large_catalogue(tmp_path_factory.mktemp("larger") / "powers", 60, 20)), "public")


def target(path: str, href: str) -> str:
    """The page (or file) a link of the page at path names, as a path under the docs folder, with its #fragment."""
    url = urljoin("http://site.invalid/" + quote(path.removesuffix("index.md")), href)
    parts = urlsplit(url)
    found = unquote(parts.path).removeprefix("/")
    found = found + "index.md" if found == "" or found.endswith("/") else found
    return found + (f"#{parts.fragment}" if parts.fragment else "")


def links(pages: dict[str, str], path: str) -> list[str]:
    hrefs = [a["href"] for a in to_html(pages[path]).find_all("a", href=True)]
    return [target(path, href) for href in hrefs if not href.startswith("tel:")]  # a phone number is no page


def reachable(pages: dict[str, str], start: str, within: str) -> list[str]:
    """The other pages whose path starts with the pattern `within` that links lead to from start, through such pages."""
    found, queue = [], [start]
    for path in queue:
        for link in links(pages, path):
            page = link.split("#")[0]
            if page.endswith("index.md") and re.match(within, page) and page not in found and page != start:
                found.append(page)
                queue.append(page)
    return found


def texts(pages: dict[str, str], paths: list[str], selector: str) -> list[str]:
    return [tag.get_text() for path in paths for tag in to_html(pages[path]).select(selector)]


def test_short_lists_keep_their_one_page(pages):
    assert not [path for path in pages if path.startswith(SECTIONS) and path.count("/") > 1]
    assert not [path for path in pages if path.startswith("departments/") and path.count("/") > 2]


def test_a_long_section_list_is_split_by_department(split_pages):
    assert {"fees/tjj/index.md", "discretion/tjj/index.md", "withheld/tjj/index.md"} <= set(split_pages)
    fees = to_html(split_pages["fees/index.md"])
    assert [a["href"] for a in fees.select("tbody a")] == ["../fees/tjj/"]
    assert [th.get_text() for th in fees.select("thead th")] == ["实施部门", "收费项目"]
    part = to_html(split_pages["fees/tjj/index.md"])
    assert part.h1.get_text() == "收费项目公示：复兴区统计局"
    assert "证书工本费" in part.select_one("tbody tr").get_text()
    assert split(split_pages["withheld/tjj/index.md"])[0] == {"title": "涉密不宜公开目录：复兴区统计局"}
    holding = sorted(path for path, text in split_pages.items() if CONFIDENTIAL in text)
    assert holding == ["departments/tjj/index.md", "withheld/tjj/index.md"]
    assert not [path for path, text in split_pages.items() if "机密甲" in text or INTERNAL in text]


def test_a_long_department_is_split_by_category_and_a_long_category_by_department(split_pages):
    dept = to_html(split_pages["departments/scjg/index.md"])
    assert [a["href"] for a in dept.select("#powers ~ div tbody a")] == [
        f"../../departments/scjg/{c}/" for c in ("XK", "JC", "QR")
    ]
    assert dept.find("h2", id="time-limits") is None  # on the pages of each category
    category = to_html(split_pages["categories/XK/index.md"])
    assert [a["href"] for a in category.select("tbody a")] == [
        "../../departments/scjg/XK/",
        "../../departments/tjj/XK/",
    ]
    part = to_html(split_pages["departments/tjj/XK/index.md"])
    assert part.h1.get_text() == "复兴区统计局：行政许可"
    assert [h["id"] for h in part.find_all("h2")] == ["powers", "time-limits"]
    assert "../../../categories/XK/" in [a["href"] for a in part.find_all("a")]


def test_a_long_category_links_a_short_department_to_the_category_on_its_page(larger):
    with rows_per_page(20):  # departments of 20 powers keep their page; 行政许可 has 24
        pages = render_pages(larger, {})
    hrefs = [a["href"] for a in to_html(pages["categories/XK/index.md"]).select("tbody a")]
    assert hrefs == [f"../../departments/{slug}/#cat-XK" for slug in ("d00", "d01", "d02")]
    assert not [path for path in pages if path.startswith("departments/") and path.count("/") > 2]


def test_a_long_part_is_cut_into_numbered_pages(larger):
    with rows_per_page(2):
        pages = render_pages(larger, {})
    first, second = to_html(pages["departments/d00/XK/index.md"]), to_html(pages["departments/d00/XK/2/index.md"])
    assert len(first.select("ul.qlqd-list li")) == 2
    assert first.select_one(".qlqd-pager [aria-current=page]").get_text() == "1"
    folder = "departments/d00/XK/"
    assert rows_of(pages, [f"{folder}index.md"], ".qlqd-pager a") == [f"{folder}{n}/index.md" for n in (2, 3, 4)]
    assert second.h1.get_text() == "复兴区第1局：行政许可（第 2 页）"
    assert rows_of(pages, [f"{folder}2/index.md"], ".qlqd-pager a") == [
        f"{folder}{n}index.md" for n in ("", "3/", "4/")
    ]


@pytest.mark.parametrize("rows", [0, 1, 2, 7, 20])
def test_every_record_appears_once_across_the_split_pages(larger, rows):
    """Following the links from a split page reaches every row of its list once (sorted: codes are unique)."""
    whole = render_pages(larger, {})
    with rows_per_page(rows):
        pages = render_pages(larger, {})
    for dept in larger.departments:
        start = wording.department_page_path(dept.slug)
        split = [start, *reachable(pages, start, re.escape(start.removesuffix("index.md")))]
        assert sorted(texts(pages, split, "ul.qlqd-list .qlqd-code")) == sorted(p.code for p in dept.powers)
    for code in ("XK", "CF", "JC", "QR"):
        expected = sorted(p.code for p in larger.powers() if p.code.split("-")[1] == code)
        assert sorted(listed_in_category(pages, code)) == expected
    for section, selector in [("fees/", "tbody .qlqd-code"), ("discretion/", "tbody a[href*='#discretion-']")]:
        start = f"{section}index.md"
        split = [start, *reachable(pages, start, section)]
        assert sorted(rows_of(pages, split, selector)) == sorted(rows_of(whole, [start], selector))


def listed_in_category(pages: dict[str, str], code: str) -> list[str]:
    """The codes a category's page lists, or, split, those its links lead to: a category's heading on a
    department's page, or a department's own pages of the category."""
    start = f"categories/{code}/index.md"
    found = texts(pages, [start], "table.qlqd-powers .qlqd-code")
    for link in links(pages, start):
        page, _, fragment = link.partition("#")
        if fragment == f"cat-{code}":
            heading = to_html(pages[page]).find(id=fragment)
            found += [tag.get_text() for tag in heading.find_next_sibling("ul").select(".qlqd-code")]
        elif re.fullmatch(f"departments/[^/]+/{code}/index.md", page):
            split = [page, *reachable(pages, page, re.escape(page.removesuffix("index.md")))]
            found += texts(pages, split, "ul.qlqd-list .qlqd-code")
    return found


def rows_of(pages: dict[str, str], paths: list[str], selector: str) -> list[str]:
    """The text of each element the selector finds on the pages, or where it is a link, the page it names."""
    found = [(path, tag) for path in paths for tag in to_html(pages[path]).select(selector)]
    return [target(path, tag["href"]) if tag.name == "a" else tag.get_text() for path, tag in found]


def test_every_link_of_the_split_pages_names_a_page_and_an_id_in_it(split_pages):
    known = set(split_pages) | {f"{page.stem}/index.md" for page in CONTENT.glob("*.md")}
    for path in split_pages:
        if path.startswith("powers/"):
            continue
        for link in links(split_pages, path):
            page, _, fragment = link.partition("#")
            files = page.startswith(("pdf/", "data/")) or page.rpartition("/")[2] == wording.FEED  # written beside
            assert page in known or files, (path, link)
            if fragment and page in split_pages:
                assert to_html(split_pages[page]).find(id=fragment) is not None, (path, link)


def test_split_pages_keep_hostile_text_inert_and_encode_the_department_folder(tmp_path):
    edition = make_edition(load_valid(hostile_catalogue(tmp_path / "powers")), "public")
    with rows_per_page(0):
        pages = render_pages(edition, charts_for(edition))
    shown = visible_controls(PAYLOAD)
    for path in ["fees/odd dept&x/index.md", "discretion/odd dept&x/index.md", "departments/odd dept&x/CF/index.md"]:
        soup = to_html(pages[path])
        assert soup.find("script") is None and "1337" not in soup.get_text(), path
        assert soup.h1.get_text().count(shown) >= 1, path
        assert html.unescape(split(pages[path])[0]["title"]).count(shown) >= 1, path
    assert [a["href"] for a in to_html(pages["fees/index.md"]).select("tbody a")] == ["../fees/odd%20dept%26x/"]
    assert "../../departments/odd%20dept%26x/CF/" in [
        a["href"] for a in to_html(pages["categories/CF/index.md"]).find_all("a")
    ]


def test_the_largest_listing_page_scales_to_under_300_kb_at_100000_records(tmp_path):
    """2,000 records with every list limit 50 times smaller split as 100,000 records do; a page's size there is
    at most its size here with each list row 50 times over."""
    edition = make_edition(load_valid(large_catalogue(tmp_path / "powers", 2000)), "public")
    with rows_per_page(splits.MAX_ROWS // SCALE, changes=pages_module.LATEST_ON_CHANGES // SCALE):
        pages = render_pages(edition, {})
    at_scale = {path: scaled_size(text) for path, text in pages.items() if not path.startswith("powers/")}
    largest = max(at_scale, key=at_scale.get)
    assert at_scale[largest] < MAX_PAGE_AT_SCALE, (largest, at_scale[largest])


def scaled_size(page: str) -> int:
    """The page's size in bytes with every line of a list (a table row, a list item) SCALE times over."""
    rows = sum(len(line.encode()) + 1 for line in page.splitlines() if line.startswith(("<tr>", "<li>")))
    return len(page.encode()) + (SCALE - 1) * rows


@pytest.mark.slow
def test_a_built_site_of_split_pages_has_no_broken_link_and_valid_html(tmp_path):
    with rows_per_page(0):
        publish(FIXTURE, tmp_path / "site", tmp_path / "cache", pdf=False)
    site = tmp_path / "site"
    broken = broken_links(site, "https://qlqd.example.gov.cn/")
    assert [link for link in broken if not link.endswith(".pdf (no such file)")] == []  # built without the PDFs
    kinds = ["fees/tjj", "discretion/tjj", "withheld/tjj", "departments/tjj/XK", "departments/scjg/XK/2"]
    assert nu_errors([site / kind / "index.html" for kind in kinds]) == []
