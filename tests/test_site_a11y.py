"""Accessibility of the built site in headless Chromium (issue 12): axe-core's WCAG 2.0/2.1 A and AA rules and
best practices on every kind of page of the sample and of a hostile-text catalogue, at 1280 and 375 px, in the
standard look and in the 长辈版 (there also WCAG's 7:1 contrast); the 长辈版's type, lines, targets and motion;
a keyboard-only walk; the phone layout. axe-core comes from node_modules/ (`make setup`, package-lock.json)."""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup
from hostile import hostile_catalogue
from playwright.sync_api import Browser, BrowserContext, Page
from sitetools import serve

from generator.publish import publish

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "powers"
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"desktop": 1280, "phone": 375}
SENIOR = "qlqd-senior"  # the class on <html> and the localStorage key
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
AXE_RUN = """async (tags) => {
  const senior = document.documentElement.classList.contains("qlqd-senior");
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    rules: {"color-contrast-enhanced": {enabled: senior}},
  });
  return result.violations.map(v => v.id + ": " + v.nodes.map(n => n.target.join(" ")).join(" | "));
}"""
POWER = "powers/FX01TJ-CF-0001/"  # a penalty with a flowchart, law excerpts and discretion tables


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> Iterator[dict[str, tuple[Path, str]]]:
    """The sample catalogue's site and a hostile one, built and served: name -> (folder, base URL)."""
    assert AXE.is_file(), "axe-core is missing: `make setup` installs it (npm ci)"
    work = tmp_path_factory.mktemp("a11y")
    hostile, _ = hostile_catalogue(work / "hostile")
    with contextlib.ExitStack() as stack:
        built = {}
        for name, powers in (("sample", SAMPLE), ("hostile", hostile)):
            publish(powers, work / name, work / f"{name}-cache", pdf=False)
            built[name] = (work / name, stack.enter_context(serve(work / name)))
        yield built


def context(browser: Browser, width: int, senior: bool = False, **options) -> BrowserContext:
    """A browser context at width, with the 长辈版 remembered from an earlier visit when senior."""
    made = browser.new_context(viewport={"width": width, "height": 800}, **options)
    if senior:
        made.add_init_script(f"localStorage.setItem('{SENIOR}', '1')")
    return made


def page_kinds(site: Path) -> list[str]:
    """The URL paths of one page of every kind: each section and hand-written page, the first and the longest
    page of each folder of generated pages (departments, categories, powers ...), and the 404 page."""
    kinds: dict[tuple[str, int], list[Path]] = defaultdict(list)
    for page in sorted(site.rglob("index.html")):
        parts = page.parent.relative_to(site).parts
        kinds[parts[:1], len(parts)].append(page)
    chosen = {page for pages in kinds.values() for page in (pages[0], max(pages, key=lambda p: p.stat().st_size))}
    urls = ["/".join(quote(part) for part in p.parent.relative_to(site).parts) for p in sorted(chosen)]
    return [url + "/" if url else "" for url in urls] + ["404.html"]


def axe_violations(page: Page, url: str) -> list[str]:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return axe_here(page)


def axe_here(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    return [f"{page.url} {v}" for v in page.evaluate(AXE_RUN, TAGS)]


def search(page: Page, query: str) -> None:
    box = page.locator("#search input")
    box.click()
    box.press_sequentially(query)
    page.locator(".pagefind-ui__result-link").first.wait_for()


@pytest.mark.parametrize("mode", ["standard", "senior"])
@pytest.mark.parametrize("width", sorted(WIDTHS))
@pytest.mark.parametrize("catalogue", ["sample", "hostile"])
def test_axe_finds_no_violation_on_any_kind_of_page(browser, sites, catalogue: str, width: str, mode: str):
    folder, base = sites[catalogue]
    kinds = page_kinds(folder)
    assert len(kinds) >= (16 if catalogue == "sample" else 10), kinds
    tab = context(browser, WIDTHS[width], senior=mode == "senior").new_page()
    found = [v for url in kinds for v in axe_violations(tab, base + url)]
    tab.goto(base)
    search(tab, "统计" if catalogue == "sample" else "FX01TJ")  # the search box with its results shown
    found += axe_here(tab)
    assert tab.evaluate(f"document.documentElement.classList.contains('{SENIOR}')") == (mode == "senior")
    tab.context.close()
    assert found == []


def test_every_kind_of_page_is_checked(sites):
    kinds = page_kinds(sites["sample"][0])
    for url in ["", "departments/", "categories/", "withheld/", "fees/", "discretion/", "changes/", "about/"]:
        assert url in kinds, url
    for url in ["flowchart-guide/", "fields/", "editing/", "accessibility/", "404.html"]:
        assert url in kinds, url
    assert any(url.startswith("powers/") for url in kinds)
    assert any(url.startswith("departments/") and url.count("/") == 2 for url in kinds)
    assert any(url.startswith("categories/") and url.count("/") == 2 for url in kinds)


# ---- 长辈版 -------------------------------------------------------------------------------------------

TEXT_SIZES = """() => {
  const small = [];
  for (const el of document.querySelectorAll(".md-header *, .md-main *, .md-footer *")) {
    if (el.closest("svg, [hidden], .md-sidebar--secondary[hidden]")) continue;
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    const box = el.getBoundingClientRect();
    if (!own || !box.width || !box.height || getComputedStyle(el).visibility === "hidden") continue;
    const style = getComputedStyle(el);
    const size = parseFloat(style.fontSize);
    const line = style.lineHeight === "normal" ? 0 : parseFloat(style.lineHeight);
    if (size < 18 || line < 1.3 * size) small.push(el.tagName + "." + el.className + " " + size + "/" + line);
  }
  return small;
}"""
TARGETS = """() => {
  const selector = "button, summary, input, .md-header__button, .md-nav__link, .qlqd-downloads a, .qlqd-skip, .md-top";
  return [...document.querySelectorAll(selector)].filter(el => {
    const box = el.getBoundingClientRect();
    const shown = box.width && box.height && getComputedStyle(el).visibility !== "hidden";
    return shown && (box.width < 44 || box.height < 44);
  }).map(el => el.tagName + "." + el.className + " " + el.getBoundingClientRect().height);
}"""
MOVING = """() => [...document.querySelectorAll("*")].filter(el => {
  const s = getComputedStyle(el);
  return s.transitionDuration.split(",").some(d => parseFloat(d) > 0) || s.animationName !== "none";
}).map(el => el.tagName + "." + el.className)"""


@pytest.mark.parametrize("width", sorted(WIDTHS))
@pytest.mark.parametrize("path", ["", POWER])
def test_the_senior_mode_has_large_type_lines_targets_and_no_motion(browser, sites, width: str, path: str):
    tab = context(browser, WIDTHS[width], senior=True).new_page()
    tab.goto(sites["sample"][1] + path)
    if path == POWER:
        tab.locator(".qlqd-basis summary").first.click()
    assert tab.evaluate(TEXT_SIZES) == []
    assert tab.evaluate(TARGETS) == []
    assert tab.evaluate(MOVING) == []
    tab.context.close()


def test_the_switch_is_remembered_across_pages_and_applied_before_the_page_is_drawn(browser, sites):
    base = sites["sample"][1]
    made = context(browser, WIDTHS["phone"])
    # Whether <html> has the class when <body> first appears, i.e. before anything is drawn.
    made.add_init_script(
        "new MutationObserver((_, o) => { if (document.body) { window.seniorAtBody ="
        " document.documentElement.classList.contains('qlqd-senior'); o.disconnect(); } })"
        ".observe(document, {childList: true, subtree: true});"
    )
    tab = made.new_page()
    tab.goto(base)
    switch = tab.get_by_role("button", name="长辈版")
    assert switch.get_attribute("aria-pressed") == "false"
    standard = tab.evaluate("parseFloat(getComputedStyle(document.querySelector('.md-typeset')).fontSize)")
    switch.click()
    assert switch.get_attribute("aria-pressed") == "true"
    assert tab.evaluate("parseFloat(getComputedStyle(document.querySelector('.md-typeset')).fontSize)") > standard
    tab.goto(base + POWER)
    assert tab.evaluate("window.seniorAtBody") is True
    assert tab.get_by_role("button", name="长辈版").get_attribute("aria-pressed") == "true"
    tab.get_by_role("button", name="长辈版").click()
    tab.goto(base)
    assert tab.evaluate("window.seniorAtBody") is False
    made.close()


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_the_senior_mode_scales_to_30px_text_without_loss_of_content(browser, sites, width: str):
    tab = context(browser, WIDTHS[width], senior=True).new_page()
    for path in ["", POWER, "departments/tjj/", "accessibility/"]:
        tab.goto(sites["sample"][1] + path)
        tab.evaluate("document.documentElement.style.fontSize = (30 / 1.05) + 'px'")  # as a browser's text size
        assert tab.evaluate("parseFloat(getComputedStyle(document.querySelector('.md-typeset')).fontSize)") >= 29.9
        assert tab.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width], path
        cut = tab.evaluate(
            "[...document.querySelectorAll('.md-typeset dd, .md-typeset p, .md-typeset li, .md-typeset h1')]"
            ".filter(el => el.getBoundingClientRect().right > innerWidth + 1).map(el => el.textContent.slice(0, 30))"
        )
        assert cut == [], path
    tab.context.close()


def test_system_preferences_for_contrast_and_motion_are_honoured(browser, sites):
    made = context(browser, WIDTHS["desktop"], reduced_motion="reduce", contrast="more")
    tab = made.new_page()
    tab.goto(sites["sample"][1] + POWER)
    assert tab.evaluate(MOVING) == []
    colours = tab.evaluate(
        "['.md-typeset', '.qlqd-facts dt'].map(s => getComputedStyle(document.querySelector(s)).color)"
    )
    assert colours == ["rgb(0, 0, 0)", "rgb(43, 43, 43)"]  # 21:1 and 14:1 on white
    assert tab.evaluate(f"document.documentElement.classList.contains('{SENIOR}')") is False
    made.close()


PRINTED = "['.md-typeset', '.qlqd-facts dd', 'h1', '.qlqd-grid']"


def test_printing_a_page_is_the_same_in_the_senior_mode(browser, sites):
    sizes = []
    for senior in (False, True):
        tab = context(browser, WIDTHS["desktop"], senior=senior).new_page()
        tab.emulate_media(media="print")
        tab.goto(sites["sample"][1] + POWER)
        sizes.append(tab.evaluate(f"{PRINTED}.map(s => getComputedStyle(document.querySelector(s)).fontSize)"))
        tab.context.close()
    assert sizes[0] == sizes[1]


# ---- the keyboard --------------------------------------------------------------------------------------

FOCUSED = """() => {
  const el = document.activeElement;
  const box = el.getBoundingClientRect();
  const style = getComputedStyle(el);
  return {
    tag: el.tagName, text: (el.getAttribute("aria-label") || el.textContent || "").trim().slice(0, 40),
    href: el.getAttribute("href") || "", ring: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    seen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
      && box.top < innerHeight && box.left < innerWidth,
  };
}"""


def tab_until(page: Page, wanted: str, visited: list[dict], key: str = "Tab", limit: int = 250) -> None:
    """Press key until the focused element matches the CSS selector wanted; every stop is recorded in visited."""
    for _ in range(limit):
        page.keyboard.press(key)
        visited.append(page.evaluate(FOCUSED))
        if page.evaluate("(s) => document.activeElement.matches(s)", wanted):
            return
    raise AssertionError(f"{wanted} not reached by {key}: {visited[-5:]}")


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_a_keyboard_only_walk_from_the_home_page_into_a_power(browser, sites, width: str):
    base = sites["sample"][1]
    tab = context(browser, WIDTHS[width]).new_page()
    tab.goto(base)
    visited: list[dict] = []
    tab_until(tab, ".qlqd-skip", visited, limit=1)  # the first stop: the skip link, shown when focused
    tab.keyboard.press("Enter")
    tab.wait_for_function("location.hash === '#qlqd-main'", timeout=10_000)  # the jump may land after the key
    assert tab.url == base + "#qlqd-main"
    tab_until(tab, "#search input", visited)
    tab.keyboard.type("FX01TJ-CF-0001")
    tab.locator(".pagefind-ui__result-link").first.wait_for()
    tab_until(tab, ".pagefind-ui__result-link", visited)
    tab.keyboard.press("Enter")
    tab.wait_for_url(base + POWER)
    tab_until(tab, ".qlqd-downloads a", visited)  # the PDFs come before the law
    tab_until(tab, ".qlqd-basis summary", visited)
    assert tab.locator(".qlqd-basis details").first.get_attribute("open") is None
    tab.keyboard.press("Enter")
    assert tab.locator(".qlqd-basis details").first.get_attribute("open") == ""
    assert tab.locator(".qlqd-basis details p").first.is_visible()
    tab_until(tab, "[data-qlqd-senior]", visited, key="Shift+Tab")
    tab.keyboard.press("Enter")
    assert tab.evaluate(f"document.documentElement.classList.contains('{SENIOR}')") is True
    assert tab.locator("[data-qlqd-senior]").get_attribute("aria-pressed") == "true"
    tab.keyboard.press("Space")
    assert tab.evaluate(f"document.documentElement.classList.contains('{SENIOR}')") is False
    visited.append(tab.evaluate(FOCUSED))
    hidden = [f"{s['tag']} {s['text']} {s['ring']} {s['seen']}" for s in visited if not (s["ring"] and s["seen"])]
    assert hidden == [], hidden  # every stop on the way was on the screen, with a focus ring
    tab.context.close()


def test_on_a_phone_the_keyboard_opens_and_closes_the_navigation(browser, sites):
    tab = context(browser, WIDTHS["phone"]).new_page()
    tab.goto(sites["sample"][1] + POWER)
    visited: list[dict] = []
    tab_until(tab, "[data-qlqd-drawer]", visited, limit=5)
    assert tab.locator("[data-qlqd-drawer]").get_attribute("aria-label") == "导航菜单"
    tab.keyboard.press("Enter")
    assert tab.locator("[data-qlqd-drawer]").get_attribute("aria-expanded") == "true"
    tab.wait_for_function("document.activeElement.closest('.md-sidebar--primary') !== null")
    tab_until(tab, ".md-sidebar--primary a[href$='fees/']", visited)
    tab.keyboard.press("Escape")
    assert tab.evaluate("document.activeElement.matches('[data-qlqd-drawer]')")
    assert tab.locator("[data-qlqd-drawer]").get_attribute("aria-expanded") == "false"
    tab.wait_for_timeout(300)  # the drawer slides away
    visited.append(tab.evaluate(FOCUSED))
    assert [s["text"] for s in visited if not (s["ring"] and s["seen"])] == []
    tab.context.close()


# ---- the phone -----------------------------------------------------------------------------------------


def test_on_a_phone_the_key_facts_fit_and_phone_numbers_can_be_called(browser, sites):
    tab = context(browser, WIDTHS["phone"]).new_page()
    tab.goto(sites["sample"][1] + POWER)
    assert tab.evaluate("document.documentElement.scrollWidth") <= WIDTHS["phone"]
    facts = tab.locator(".qlqd-facts")
    box = facts.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTHS["phone"]
    text = facts.inner_text()
    for label in ["承诺时限", "收费", "服务窗口", "咨询电话"]:
        assert label in text
    assert tab.locator(".qlqd-facts a[href='tel:03107654321']").inner_text() == "0310-7654321"
    assert tab.locator("#complaints + .qlqd-section a[href='tel:12345']").count() == 1
    assert tab.locator("#supervision + .qlqd-section a[href^='tel:0310']").count() >= 1
    sections = "[...document.querySelectorAll('.qlqd-section')].map(s => s.getBoundingClientRect().right)"
    assert max(tab.evaluate(sections)) <= WIDTHS["phone"]  # wider tables scroll inside their section
    viewport = tab.locator("meta[name=viewport]").get_attribute("content")
    assert "user-scalable" not in viewport and "maximum-scale" not in viewport  # charts can be pinch-zoomed
    tab.context.close()


def test_on_a_phone_a_table_that_scrolls_says_so_and_takes_the_keyboard(browser, sites):
    tab = context(browser, WIDTHS["phone"]).new_page()
    tab.goto(sites["sample"][1] + "departments/tjj/")
    wide = tab.locator(".qlqd-scrolls")
    assert wide.count() >= 1
    for n in range(wide.count()):
        table = wide.nth(n)
        assert table.get_attribute("tabindex") == "0" and table.get_attribute("role") == "region"
        assert "可左右滚动" in table.get_attribute("aria-label")
        assert "可左右滑动" in table.evaluate("el => getComputedStyle(el, '::before').content")
    table = wide.first
    table.focus()
    tab.keyboard.press("ArrowRight")
    tab.wait_for_function("(el) => el.scrollLeft > 0", arg=table.element_handle())
    tab.context.close()


# ---- the markup ----------------------------------------------------------------------------------------


def test_every_page_has_the_skip_link_the_switch_and_the_early_script(sites):
    folder, _ = sites["sample"]
    for path in [folder / "index.html", folder / POWER / "index.html", folder / "404.html"]:
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        skip = page.select_one("a.qlqd-skip")
        assert skip["href"] == "#qlqd-main" and page.find(id="qlqd-main") is not None
        switch = page.select_one("header button[data-qlqd-senior]")
        assert switch.get_text(strip=True) == "长辈版" and switch["aria-pressed"] == "false"
        assert any(SENIOR in script.get_text() for script in page.head.find_all("script"))
    assert "找不到该页面" in (folder / "404.html").read_text(encoding="utf-8")
