"""The Traditional Chinese edition (zh-hant/): every page converted by OpenCC by phrase, codes, URLs, phone numbers
and citation numbers kept, linked both ways to the Simplified page, valid, with no broken link, no markup the data could
add, and a search index that finds a power by its Traditional name."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import opencc
import pytest
import yaml
from bs4 import BeautifulSoup
from hostile import hostile_catalogue
from linkcheck import broken_links
from site_catalogues import FIXTURE
from sitetools import CHROMIUM, CHROMIUM_ARGS, build, nu_errors, serve

from generator.outputs.traditional import convert_page, convert_words

# What must read the same in both scripts: codes, phone numbers, addresses, and the numbers of citations.
KEPT = re.compile(
    r"FX01[A-Z]{2}-[A-Z]{2}-\d{4}|\d{3,4}-\d{7,8}|https?://[A-Za-z0-9._~:/?#@!$&'()*+,;=%-]+|〔\d{4}〕\d+|\d+"
)
HANT = opencc.OpenCC("s2hk.json").convert


def with_traditional(source: Path, root: Path, config: str = "s2hk") -> Path:
    """A copy of the catalogue at source whose _catalogue.yaml asks for the Traditional edition."""
    shutil.copytree(source, root)
    path = root / "_catalogue.yaml"
    catalogue = yaml.safe_load(path.read_text(encoding="utf-8"))
    path.write_text(yaml.safe_dump({**catalogue, "traditional": config}, allow_unicode=True), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("traditional")
    done = build(with_traditional(FIXTURE, work / "powers"), work / "site", work / "cache")
    assert done.returncode == 0, done.stdout + done.stderr
    return work / "site"


def pages(site: Path) -> list[str]:
    """The Simplified pages, as paths in the site (each has its Traditional twin under zh-hant/, but the hall's
    display screen page, which is not part of the site's editions)."""
    found = (p.relative_to(site) for p in site.rglob("*.html"))
    return sorted(p.as_posix() for p in found if p.parts[0] not in ("zh-hant", "display"))


def twin(site: Path, path: str) -> BeautifulSoup:
    """The Traditional page of a Simplified one, without the note it adds (that its PDFs are Simplified)."""
    soup = BeautifulSoup((site / "zh-hant" / path).read_text(encoding="utf-8"), "html.parser")
    note = soup.find(class_="qlqd-hant-note")
    assert path == "404.html" or (note is not None and "PDF" in note.get_text()), path  # not found: no content
    if note is not None:
        note.decompose()
    return soup


def test_a_page_converts_words_and_keeps_codes_urls_phones_and_citation_numbers():
    page = (
        '<html lang="zh"><head><link rel="canonical" href="https://qlqd.example.gov.cn/powers/A/"></head><body>'
        '<a href="../../zh-hant/powers/A/" class="md-header__button qlqd-script" hreflang="zh-Hant" lang="zh-Hant">'
        "繁體</a>"
        "<!--qlqd-hant-note-->"
        '<h2 id="cat-统计">食品经营许可</h2><p title="办理时限">FX01SJ-XK-0001 电话 0310-7612300，'
        "依据国办发〔2019〕54号</p>"
        '<a href="../../departments/统计局/">统计局</a> <a href="../../pdf/FX01SJ-XK-0001.pdf">下载</a>'
        '<dd data-pagefind-filter="实施部门">市场监督管理局</dd></body></html>'
    )
    done = convert_page(page, HANT, "https://qlqd.example.gov.cn/")
    soup = BeautifulSoup(done, "html.parser")
    assert soup.html["lang"] == "zh-Hant"
    assert soup.h2.get_text() == "食品經營許可" and soup.h2["id"] == "cat-统计"  # an id is an address: kept
    facts = soup.find("p", title=True)
    assert facts.get_text() == "FX01SJ-XK-0001 電話 0310-7612300，依據國辦發〔2019〕54號"
    assert facts["title"] == "辦理時限"
    assert [a["href"] for a in soup.find_all("a")] == [
        "../../../powers/A/",
        "../../departments/统计局/",
        "../../../pdf/FX01SJ-XK-0001.pdf",
    ]
    back = soup.find("a", class_="qlqd-script")
    assert (back.get_text(), back["hreflang"]) == ("简体", "zh-Hans")
    assert soup.dd["data-pagefind-filter"] == "實施部門" and soup.dd.get_text() == "市場監督管理局"
    assert "PDF" in soup.find(class_="qlqd-hant-note").get_text()
    assert soup.find("link", rel="canonical")["href"] == "https://qlqd.example.gov.cn/zh-hant/powers/A/"


def test_conversion_is_by_phrase_not_by_character():
    assert convert_words("<p>头发</p><p>发展</p><p>干部</p><p>干燥</p>", HANT) == (
        "<p>頭髮</p><p>發展</p><p>幹部</p><p>乾燥</p>"
    )
    taiwan = opencc.OpenCC("s2twp.json").convert
    assert convert_words("<p>打印文件</p>", taiwan) == "<p>列印檔案</p>"  # s2twp: Taiwan's words too


@pytest.mark.slow
def test_every_page_has_its_traditional_twin_with_the_same_codes_numbers_and_markup(site):
    simplified = pages(site)
    assert "powers/FX01SJ-XK-0001/index.html" in simplified
    for path in simplified:
        source = BeautifulSoup((site / path).read_text(encoding="utf-8"), "html.parser")
        converted = twin(site, path)
        assert KEPT.findall(converted.get_text()) == KEPT.findall(source.get_text()), path
        shape = [(tag.name, sorted(tag.attrs)) for tag in source.find_all(True)]
        assert [(tag.name, sorted(tag.attrs)) for tag in converted.find_all(True)] == shape, path
        assert [i["id"] for i in converted.find_all(id=True)] == [i["id"] for i in source.find_all(id=True)], path
    power = BeautifulSoup((site / "zh-hant/powers/FX01SJ-XK-0001/index.html").read_text("utf-8"), "html.parser")
    assert power.h1.get_text(strip=True) == "食品經營許可"


@pytest.mark.slow
def test_each_page_links_to_the_same_page_in_the_other_script(site):
    for path in pages(site):
        if path == "404.html":
            continue
        folder = path.removesuffix("index.html")
        link = BeautifulSoup((site / path).read_text("utf-8"), "html.parser").find("a", class_="qlqd-script")
        back = BeautifulSoup((site / "zh-hant" / path).read_text("utf-8"), "html.parser").find(
            "a", class_="qlqd-script"
        )
        assert _resolve(path, link["href"]) == f"zh-hant/{folder}", path
        assert _resolve(f"zh-hant/{path}", back["href"]) == folder, path


def _resolve(page: str, href: str) -> str:
    """The folder an href names, from the site's root, as seen from the page at page."""
    parts = page.split("/")[:-1]
    for part in href.split("/"):
        if part == "..":
            parts.pop()
        elif part not in (".", ""):
            parts.append(part)
    return "/".join(parts) + ("/" if parts else "")


@pytest.mark.slow
def test_the_traditional_site_has_no_broken_link_and_valid_html(site):
    assert broken_links(site, "https://qlqd.example.gov.cn/") == []
    kinds = ["index.html", "powers/FX01SJ-XK-0001/index.html", "departments/tjj/index.html", "az/index.html"]
    assert nu_errors([site / "zh-hant" / path for path in kinds]) == []


@pytest.mark.slow
def test_hostile_text_adds_no_markup_to_a_traditional_page(tmp_path):
    powers, _ = hostile_catalogue(tmp_path / "hostile")
    done = build(with_traditional(powers, tmp_path / "powers"), tmp_path / "site", tmp_path / "cache")
    assert done.returncode == 0, done.stdout + done.stderr
    for path in pages(tmp_path / "site"):
        source = BeautifulSoup((tmp_path / "site" / path).read_text("utf-8"), "html.parser")
        converted = twin(tmp_path / "site", path)
        assert [t.name for t in converted.find_all(True)] == [t.name for t in source.find_all(True)], path
        assert [t.attrs for t in converted.find_all("script")] == [t.attrs for t in source.find_all("script")], path


@pytest.fixture(scope="module")
def served(site) -> Iterator[str]:
    with serve(site) as url:
        yield url


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 375, "height": 800}])
def test_a_traditional_query_finds_its_power_in_the_traditional_edition(served, viewport):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport=viewport)
        page.goto(served + "zh-hant/")
        box = page.locator("#search .pagefind-ui__search-input")
        box.click()
        box.press_sequentially("食品經營許可")
        page.locator(".pagefind-ui__result-link").first.wait_for()
        first = page.locator(".pagefind-ui__result-link").first
        assert first.get_attribute("href") == "/zh-hant/powers/FX01SJ-XK-0001/"
        first.click()
        page.wait_for_url(f"{served}zh-hant/powers/FX01SJ-XK-0001/")
        assert page.locator("h1").inner_text().strip() == "食品經營許可"
        page.locator("a.qlqd-script").click()
        page.wait_for_url(f"{served}powers/FX01SJ-XK-0001/")
        assert page.locator("h1").inner_text().strip() == "食品经营许可"
        browser.close()
