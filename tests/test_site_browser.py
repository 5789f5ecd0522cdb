"""The built site in headless Chromium: Chinese and code queries in the Pagefind search box, on a desktop
and on a 375 px phone; nothing requested from another host; no page wider than the phone."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from site_catalogues import FIXTURE
from sitetools import CHROMIUM, CHROMIUM_ARGS, serve

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


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


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
