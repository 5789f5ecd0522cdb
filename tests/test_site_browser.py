"""The built site in headless Chromium: Chinese and code queries in the Pagefind search box, on a desktop
and on a 375 px phone; nothing requested from another host; no page wider than the phone."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page
from site_catalogues import FIXTURE
from sitetools import serve

from generator.publish import publish

pytestmark = [pytest.mark.browser, pytest.mark.slow]

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 800}}


@pytest.fixture(scope="module")
def base_url(tmp_path_factory) -> Iterator[str]:
    """The fixture catalogue's site, served on 127.0.0.1."""
    work = tmp_path_factory.mktemp("browser")
    publish(FIXTURE, work / "site", work / "cache", pdf=False)
    with serve(work / "site") as url:
        yield url


@pytest.fixture
def outside() -> list[str]:
    """Every URL the page requested from another host."""
    return []


@pytest.fixture(params=sorted(VIEWPORTS))
def page(request, browser: Browser, base_url: str, outside: list[str]) -> Iterator[Page]:
    """A page at the viewport's size that records requests to other hosts in outside."""
    context = browser.new_context(viewport=VIEWPORTS[request.param])
    tab = context.new_page()
    tab.on("request", lambda r: None if r.url.startswith((base_url, "data:")) else outside.append(r.url))
    yield tab
    context.close()


def search(page: Page, query: str) -> list[str]:
    """Type query into the page's search box; the result links, once Pagefind has answered."""
    box = page.locator("#search .pagefind-ui__search-input")
    box.click()
    box.press_sequentially(query)
    page.locator(".pagefind-ui__result-link").first.wait_for()
    return [a.get_attribute("href") for a in page.locator(".pagefind-ui__result-link").all()]


@pytest.mark.parametrize(
    ("start", "query", "found"),
    [
        ("", "食品经营", "FX01SJ-XK-0001"),
        ("departments/tjj/", "统计执法", "FX01TJ-CF-0001"),
        ("categories/XK/", "涉外调查", "FX01TJ-XK-0001"),
        ("", "FX01TJ-CF-0001", "FX01TJ-CF-0001"),
    ],
)
def test_a_query_finds_the_power(page: Page, outside: list[str], base_url: str, start: str, query: str, found: str):
    page.goto(base_url + start)
    links = search(page, query)
    assert links[0] == f"/powers/{found}/"
    page.locator(".pagefind-ui__result-link").first.click()
    page.wait_for_url(f"{base_url}powers/{found}/")
    assert found in page.locator(".qlqd-facts").inner_text()
    assert outside == []


def test_the_header_button_leads_to_the_search_box(page: Page, base_url: str):
    page.goto(base_url + "powers/FX01TJ-CF-0001/")
    page.locator("[data-qlqd-search-button]").click()
    page.wait_for_url(f"{base_url}#search")
    assert search(page, "食品")[0].startswith("/powers/FX01SJ-")


@pytest.mark.parametrize("path", ["", "powers/FX01TJ-CF-0001/", "departments/tjj/", "discretion/"])
def test_no_page_is_wider_than_the_screen(page: Page, outside: list[str], base_url: str, path: str):
    page.goto(base_url + path)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"]
    chart = page.locator("figure.qlqd-chart svg")
    if chart.count():
        assert chart.bounding_box()["width"] <= page.viewport_size["width"]
    assert outside == []


def result_codes(page: Page) -> list[str]:
    """The codes of the results shown (from their links: /powers/<CODE>/)."""
    return sorted(a.get_attribute("href").split("/")[2] for a in page.locator(".pagefind-ui__result-link").all())


def narrow(page: Page, filter_name: str, value: str, before: list[str]) -> list[str]:
    """Tick a value of one of the search box's filters; the codes of the results once they changed."""
    block = page.locator(".pagefind-ui__filter-block", has=page.locator(f"summary:text-is('{filter_name}')"))
    if block.get_attribute("open") is None:
        block.locator("summary").click()
    block.locator(f"input[value='{value}']").check()
    page.wait_for_function("n => document.querySelectorAll('.pagefind-ui__result-link').length !== n", arg=len(before))
    return result_codes(page)


def test_filters_narrow_the_results_by_department_and_by_category(page: Page, outside: list[str], base_url: str):
    page.goto(base_url)
    search(page, "行政")
    page.wait_for_function("document.querySelectorAll('.pagefind-ui__result-link').length > 2")
    every = result_codes(page)
    assert {code[:6] for code in every} == {"FX01TJ", "FX01SJ"} and {code[7:9] for code in every} > {"XK"}
    by_department = narrow(page, "实施部门", "复兴区统计局", every)
    assert by_department == [code for code in every if code.startswith("FX01TJ")]
    page.locator("input[name='实施部门'][value='复兴区统计局']").uncheck()
    page.wait_for_function("n => document.querySelectorAll('.pagefind-ui__result-link').length === n", arg=len(every))
    by_category = narrow(page, "权力类别", "行政许可", every)
    assert by_category == [code for code in every if code[7:9] == "XK"] and len(by_category) >= 2
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    assert outside == []
