"""Integrity of the built sample site: no broken internal link, valid HTML on every page type, and nothing
loaded from another host (a government site must work on an intranet)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from linkcheck import broken_links
from sitetools import CHROMIUM, CHROMIUM_ARGS, build, cli, nu_errors, serve

SAMPLE = Path(__file__).resolve().parent.parent / "powers"
# One page of each type: the address of a page whose path is filled in from the sample.
PAGE_TYPES = {
    "home": "index.html",
    "departments": "departments/index.html",
    "department": "departments/{dept}/index.html",
    "categories": "categories/index.html",
    "category": "categories/{category}/index.html",
    "power": "powers/{power}/index.html",
    "penalty": "powers/{penalty}/index.html",
    "withheld": "withheld/index.html",
    "fees": "fees/index.html",
    "discretion": "discretion/index.html",
    "changes": "changes/index.html",
    "a-z index": "az/index.html",
    "directories": "directory/index.html",
    "directory": "directory/{dept}/index.html",
    "about": "about/index.html",
    "fields": "fields/index.html",
    "flowchart guide": "flowchart-guide/index.html",
    "editing guide": "editing/index.html",
    "not found": "404.html",
}
# Elements whose URL attribute the browser fetches as a page loads (not <a>, not <link rel=canonical>).
RESOURCE_ATTRIBUTES = {"script": "src", "img": "src", "source": "src", "iframe": "src", "video": "src", "audio": "src"}
RESOURCE_LINKS = {"stylesheet", "icon", "preload", "modulepreload", "manifest", "prefetch", "apple-touch-icon"}
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)|@import\s+['"]([^'"]+)""")


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("integrity")
    done = build(SAMPLE, work / "site", work / "cache")
    assert done.returncode == 0, done.stdout + done.stderr
    return work / "site"


@pytest.fixture(scope="module")
def page_paths(sample_site, edition) -> dict[str, str]:
    """Page type -> path of one such page in the built sample."""
    penalty = next(p for p in edition.powers() if p.record.discretion)
    names = {
        "dept": edition.departments[0].slug,
        "category": edition.category_codes()[penalty.record.category],
        "power": next(p for p in edition.powers() if p.record.category != penalty.record.category).code,
        "penalty": penalty.code,
    }
    paths = {kind: path.format(**names) for kind, path in PAGE_TYPES.items()}
    assert all((sample_site / path).is_file() for path in paths.values()), paths
    return paths


# ---- links --------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_every_internal_link_of_the_sample_site_resolves(sample_site, edition):
    assert broken_links(sample_site, edition.catalogue.site_url) == []


def test_the_link_checker_finds_missing_files_fragments_and_stylesheet_urls(tmp_path):
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "style.css").write_text("body{background:url(img/x.png)} @import 'gone.css';", encoding="utf-8")
    (site / "a" / "index.html").write_text('<h2 id="here">A</h2><a href="../#top">home</a>', encoding="utf-8")
    links = [
        "a/",  # a folder: its index.html
        "a/#here",
        "a/#nowhere",
        "b/",
        "style.css",
        "https://qlqd.example.gov.cn/a/",  # the published address is this site
        "https://qlqd.example.gov.cn/c/",
        "https://www.gov.cn/",  # another site: not checked
        "mailto:x@example.gov.cn",
        "../../outside.html",
    ]
    anchors = "".join(f'<a href="{link}">x</a>' for link in links)
    (site / "index.html").write_text(f'<link rel="stylesheet" href="style.css"><p id="top">{anchors}</p>', "utf-8")
    (site / "sitemap.xml").write_text("<urlset><url><loc>https://qlqd.example.gov.cn/d/</loc></url></urlset>", "utf-8")
    assert broken_links(site, "https://qlqd.example.gov.cn/") == [
        "index.html: ../../outside.html (no such file)",
        "index.html: a/#nowhere (no id 'nowhere' in a/index.html)",
        "index.html: b/ (no such file)",
        "index.html: https://qlqd.example.gov.cn/c/ (no such file)",
        "sitemap.xml: https://qlqd.example.gov.cn/d/ (no such file)",
        "style.css: gone.css (no such file)",
        "style.css: img/x.png (no such file)",
    ]


# ---- valid HTML ---------------------------------------------------------------------------------------


@pytest.mark.slow
def test_one_page_of_each_type_is_valid_html(sample_site, page_paths):
    assert nu_errors([sample_site / path for path in page_paths.values()]) == []


# ---- nothing from another host --------------------------------------------------------------------------


@pytest.mark.slow
def test_no_page_or_stylesheet_names_a_resource_on_another_host(sample_site):
    outside = []
    for path in sorted(sample_site.rglob("*.html")):
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        urls = [t.get(attr) for name, attr in RESOURCE_ATTRIBUTES.items() for t in page.find_all(name)]
        urls += [t.get("href") for t in page.find_all("link") if RESOURCE_LINKS & set(t.get("rel", []))]
        urls += [t.get("href") or t.get("xlink:href") for t in page.find_all(["image", "use"])]
        outside += [(path.name, u) for u in urls if u and (urlsplit(u).netloc or u.startswith("//"))]
    for path in sorted(sample_site.rglob("*.css")):
        for found in _CSS_URL.finditer(path.read_text(encoding="utf-8")):
            url = found.group(1) or found.group(2)
            if not url.startswith("data:") and (urlsplit(url).netloc or url.startswith("//")):
                outside.append((path.name, url))
    assert outside == []


@pytest.mark.slow
@pytest.mark.browser
def test_pages_load_only_from_this_site_in_a_browser(sample_site, page_paths):
    from playwright.sync_api import sync_playwright

    requested: dict[str, list[str]] = {}
    with serve(sample_site) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.on("request", lambda r: requested.setdefault(page.url, []).append(r.url))
        for path in page_paths.values():
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
        page.goto(base)
        page.locator("#search .pagefind-ui__search-input").fill("统计")
        page.locator(".pagefind-ui__result-link").first.wait_for()
        page.wait_for_load_state("networkidle")
        browser.close()
    urls = [url for found in requested.values() for url in found]
    assert len(urls) > 3 * len(page_paths)  # pages, stylesheets, scripts, fonts and the search index were seen
    assert any("/pagefind/" in url and url.endswith(".pf_fragment") for url in urls)
    assert [url for url in urls if not url.startswith((base, "data:", "blob:"))] == []


@pytest.mark.slow
@pytest.mark.browser
def test_the_menu_is_closed_again_after_going_back(sample_site):
    """The toggles lost their (invalid) autocomplete="off": the page closes a menu the browser restores open."""
    from playwright.sync_api import sync_playwright

    with serve(sample_site) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 375, "height": 800})
        page.goto(base + "about/")
        page.click("header [data-qlqd-drawer]")  # the menu button, in place of the label (assets/a11y.js)
        opened = page.eval_on_selector("#__drawer", "e => e.checked")
        page.evaluate("document.querySelector(\"nav.md-nav--primary a[href='../fees/']\").click()")
        page.wait_for_url("**/fees/")
        page.go_back()
        page.wait_for_load_state("networkidle")
        closed = not page.eval_on_selector("#__drawer", "e => e.checked")
        browser.close()
    assert opened and closed


# ---- the internal edition -------------------------------------------------------------------------------------

# The internal edition's own kinds of page: its banner, an internal power, and the lists that mark it.
INTERNAL_PAGES = ["index.html", "powers/FX01TJ-NB-0001/index.html", "departments/tjj/index.html", "az/index.html"]


@pytest.fixture(scope="module")
def internal_site(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("integrity-internal")
    done = cli("build", "--powers", SAMPLE, "--out", work / "site", "--cache", work / "cache", "--edition", "internal")
    assert done.returncode == 0, done.stdout + done.stderr
    return work / "site"


@pytest.mark.slow
def test_the_internal_site_has_no_broken_link_and_valid_html(internal_site, edition):
    assert broken_links(internal_site, edition.catalogue.site_url) == []
    assert nu_errors([internal_site / path for path in [*INTERNAL_PAGES, "directory/tjj/index.html"]]) == []
