"""The whole public site built with `python -m generator build`, checked with an HTML parser."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from site_catalogues import FIXTURE, PAYLOAD, hostile_catalogue, large_catalogue
from sitetools import build, tree_digest

from generator.core.problems import CatalogueInvalid
from generator.engine import MKDOCS_YML
from generator.outputs import wording
from generator.outputs.bidi import visible_controls
from generator.publish import publish

pytestmark = pytest.mark.slow

CONFIDENTIAL = "FX01TJ-JC-0001"
INTERNAL = "FX01TJ-NB-0001"
MAX_POWER_PAGE = 60 * 1024
SITE_NAME = "复兴区人民政府行政权力清单"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def readable(path: Path) -> str:
    """A built file's text, gzip-compressed ones (sitemap, Pagefind chunks) decompressed; PDFs are left out."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data.decode("utf-8", "replace")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("site")
    done = build(FIXTURE, work / "site", work / "cache")
    assert done.returncode == 0, done.stdout + done.stderr
    return work / "site"


def test_every_public_power_has_its_page_with_flowchart_and_text_list(site, edition):
    for power in edition.powers():
        page = soup(site / "powers" / power.code / "index.html")
        body = page.select_one("[data-pagefind-body]")
        assert body is not None and body.h1.get_text(strip=True) == power.record.name
        chart = body.select_one('figure.qlqd-chart svg[role="img"]')
        assert chart is not None and power.record.name in chart["aria-label"], power.code
        steps = body.select("ol.qlqd-steps > li")
        assert [li.strong.get_text() for li in steps] == [s.name for s in power.record.procedure.steps]
        assert page.title.get_text() == f"{power.record.name} - {SITE_NAME}"


def test_every_page_type_exists(site):
    for path in [
        "index.html",
        "departments/index.html",
        "departments/tjj/index.html",
        "categories/index.html",
        "categories/XK/index.html",
        "withheld/index.html",
        "fees/index.html",
        "discretion/index.html",
        "changes/index.html",
        "about/index.html",
        "flowchart-guide/index.html",
        "fields/index.html",
    ]:
        assert (site / path).is_file(), path
    assert soup(site / "index.html").html["lang"] == "zh"


def test_confidential_powers_appear_only_as_the_four_fields(site):
    holding = []
    for path in sorted(p for p in site.rglob("*") if p.is_file() and p.suffix != ".pdf"):
        text = readable(path)
        assert "机密甲" not in text, path  # words only in its unpublished fields
        if CONFIDENTIAL in text:
            holding.append(path.relative_to(site).as_posix())
    assert holding == ["data/catalogue.json", "departments/tjj/index.html", "withheld/index.html"]
    withheld = json.loads((site / "data" / "catalogue.json").read_text(encoding="utf-8"))["withheld"]
    assert [w for w in withheld if w["code"] == CONFIDENTIAL] == [
        {"code": CONFIDENTIAL, "name": "涉密统计资料保管检查", "category": "行政检查", "reason": "涉及国家秘密"}
    ]
    for name in holding[1:]:
        row = next(tr for tr in soup(site / name).select("tbody tr") if CONFIDENTIAL in tr.get_text())
        assert [td.get_text() for td in row.find_all("td")] == [
            CONFIDENTIAL,
            "涉密统计资料保管检查",
            "行政检查",
            "涉及国家秘密",
        ]
    assert not (site / "powers" / CONFIDENTIAL).exists()


def test_internal_powers_appear_nowhere(site):
    for path in (p for p in site.rglob("*") if p.is_file() and p.suffix != ".pdf"):
        text = readable(path)
        assert INTERNAL not in text and "内部乙丙" not in text, path


def test_power_pages_stay_small(site):
    sizes = {p.parent.name: p.stat().st_size for p in (site / "powers").glob("*/index.html")}
    assert sizes and max(sizes.values()) < MAX_POWER_PAGE, sizes


def test_search_index_holds_the_power_pages_in_chinese(site, edition):
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert entry["languages"]["zh"]["page_count"] == len(edition.powers())
    assert (site / "pagefind" / "pagefind-ui.js").is_file()
    for path in ["index.html", "departments/tjj/index.html", "categories/XK/index.html"]:
        page = soup(site / path)
        assert page.select_one("#search") is not None, path
        assert any(s["src"].endswith("pagefind/pagefind-ui.js") for s in page.select("script[src]")), path


def test_pages_load_nothing_from_another_host(site):
    for path in site.rglob("*.html"):
        page = soup(path)
        sources = [t.get("src") for t in page.select("[src]")] + [t["href"] for t in page.select("link[href]")]
        outside = [s for s in sources if urlsplit(s).netloc and not s.startswith("https://qlqd.example.gov.cn/")]
        assert outside == [], path


def test_sitemap_lists_public_pages_at_the_catalogue_address(site, edition):
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    for power in edition.powers():
        assert f"<loc>https://qlqd.example.gov.cn/powers/{power.code}/</loc>" in sitemap
    assert "<lastmod>2024-06-01</lastmod>" in sitemap  # the newest revision, not the day of the build


def test_a_second_build_is_byte_identical(site, tmp_path):
    done = build(FIXTURE, tmp_path / "again", tmp_path / "cache")
    assert done.returncode == 0, done.stderr
    assert tree_digest(tmp_path / "again") == tree_digest(site)


def test_a_bad_catalogue_leaves_the_previous_site_as_it_was(site, tmp_path):
    out = tmp_path / "site"
    shutil.copytree(site, out)
    before = tree_digest(out)
    powers = shutil.copytree(FIXTURE, tmp_path / "powers")
    (powers / "tjj" / "FX01TJ-XK-0001.yaml").write_text("code: [unclosed\n", encoding="utf-8")
    done = build(powers, out, tmp_path / "cache")
    assert done.returncode == 1
    assert "tjj/FX01TJ-XK-0001.yaml" in done.stderr and "Traceback" not in done.stderr
    assert tree_digest(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "powers", "site"]
    assert [p.name for p in (tmp_path / "cache").iterdir()] == ["load"]  # the parses of the files, for the next build


def test_a_failure_while_building_leaves_the_previous_site_and_no_temporary_folder(site, tmp_path):
    out = tmp_path / "site"
    shutil.copytree(site, out)
    before = tree_digest(out)
    blocked = tmp_path / "cache"
    blocked.mkdir()
    (blocked / "site-charts").write_text("a file where the chart cache folder should be", encoding="utf-8")
    done = build(FIXTURE, out, blocked)
    assert done.returncode == 1 and "原有的" in done.stderr and "Traceback" not in done.stderr
    assert tree_digest(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "site"]


def test_hostile_text_stays_inert_in_the_built_pages(tmp_path):
    out = tmp_path / "site"
    publish(hostile_catalogue(tmp_path / "powers"), out, tmp_path / "cache", pdf=False)
    shown = visible_controls(PAYLOAD)
    page = soup(out / "powers" / "FX01TJ-CF-0001" / "index.html")
    assert page.title.get_text() == f"{shown} - {shown}行政权力清单"
    assert page.h1.get_text() == shown
    code = [s for s in page.find_all("script") if s.get("type") != "application/ld+json"]
    assert "alert(1)" not in "".join(s.get_text() for s in code)
    [data] = page.find_all("script", type="application/ld+json")  # data: its text as written, but no element end
    assert "<" not in data.string and json.loads(data.string)["name"] == PAYLOAD
    assert not [a["href"] for a in page.find_all("a", href=True) if a["href"].startswith("javascript")]
    assert "1337" not in page.get_text() and "\u202e" not in page.decode()
    assert page.get_text().count(shown) >= 20


def test_a_large_catalogue_keeps_power_pages_small(tmp_path):
    """2,000 records: the navigation holds sections and index pages only, so a power page does not grow."""
    powers = large_catalogue(tmp_path / "powers", 2000)
    out = tmp_path / "site"
    publish(powers, out, tmp_path / "cache", pdf=False)
    pages = list((out / "powers").glob("*/index.html"))
    assert len(pages) == 2000
    assert max(p.stat().st_size for p in pages) < MAX_POWER_PAGE
    nav_links = soup(pages[0]).select("nav.md-nav--primary a[href]")
    assert not [a["href"] for a in nav_links if "/powers/" in a["href"]]
    chunks = list((out / "pagefind").rglob("index/*"))  # above SHARD_PAGES pages, in several shards
    assert len(chunks) > 1 and max(p.stat().st_size for p in chunks) < 200 * 1024


def test_mkdocs_run_by_hand_on_a_broken_catalogue_names_the_problems_without_a_traceback(tmp_path):
    """`mkdocs build` without `build` loads the catalogue itself, through the core, and refuses it in Chinese."""
    powers = tmp_path / "powers"
    shutil.copytree(FIXTURE, powers)
    (powers / "tjj" / "_department.yaml").unlink()
    env = {**os.environ, "QLQD_POWERS": str(powers), "QLQD_CACHE": str(tmp_path / "cache"), "NO_MKDOCS_2_WARNING": "1"}
    env.pop("QLQD_PAGES", None)
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(MKDOCS_YML), "-d", str(tmp_path / "s")]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    assert done.returncode != 0
    assert "E012 部门目录缺少部门信息文件 _department.yaml" in done.stderr
    assert "Traceback" not in done.stderr


def test_publish_refuses_a_broken_catalogue_with_every_problem(tmp_path):
    powers = tmp_path / "powers"
    shutil.copytree(FIXTURE, powers)
    (powers / "tjj" / "_department.yaml").unlink()
    with pytest.raises(CatalogueInvalid) as failed:
        publish(powers, tmp_path / "site", tmp_path / "cache", pdf=False)
    assert "E012" in failed.value.describe(powers)
    assert not (tmp_path / "site").exists()


def test_feeds_are_announced_where_they_are(site):
    """The home page and every department page name their Atom feed in the head, and it is there, beside them."""
    pages = [site / "index.html", *sorted((site / "departments").glob("*/index.html"))]
    assert len(pages) > 2
    for page in pages:
        [link] = soup(page).head.find_all("link", rel="alternate", type="application/atom+xml")
        feed = page.parent / link["href"]
        assert feed.is_file(), page
        assert feed.read_bytes().startswith(b"<?xml") and b"<feed" in feed.read_bytes()
    assert not soup(site / "changes" / "index.html").head.find_all("link", type="application/atom+xml")


def test_open_data_page_links_every_file_with_its_size(site):
    page = soup(site / "data" / "index.html")
    rows = page.select("table.qlqd-data tbody tr")
    names = [row.a["href"] for row in rows]
    assert names == ["catalogue.json", "catalogue.schema.json", "catalogue.csv", "cpsv-ap.jsonld", "dcat.jsonld"]
    for row, name in zip(rows, names, strict=True):
        size = (site / "data" / name).stat().st_size
        assert row.find_all("td")[3].get_text() == wording.byte_size(size), name
    nav = [a.get_text(strip=True) for a in soup(site / "index.html").select("nav a")]
    assert "开放数据" in nav and "法律依据索引" in nav
