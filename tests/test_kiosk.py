"""The kiosk edition (build --kiosk): a separate offline site for the hall's touch screen. Its links stay inside
it; in Chromium at 1080×1920 and 1920×1080 no text is under 24 px and no target under 60 px; a power is found by
touches alone and its QR code reads as its page's address; it returns to the start after the idle time."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from generator.commands import main
from generator.core.edition import make_edition
from generator.core.validate import load_valid

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "powers"
FIXTURE = Path(__file__).parent / "fixtures" / "pdf" / "powers"
IDLE = 5  # seconds: the test catalogue's kiosk.idle_seconds (the default is 120)
SCREENS = {"portrait": {"width": 1080, "height": 1920}, "landscape": {"width": 1920, "height": 1080}}


def build_kiosk(powers: Path, out: Path, idle: int | None = None) -> Path:
    if idle is not None:
        powers = shutil.copytree(powers, out.parent / "powers")
        catalogue = powers / "_catalogue.yaml"
        catalogue.write_text(catalogue.read_text(encoding="utf-8") + f"kiosk:\n  idle_seconds: {idle}\n", "utf-8")
    result = CliRunner().invoke(main, ["build", "--kiosk", "--powers", str(powers), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "已生成触摸屏版" in result.output
    return out


@pytest.fixture(scope="module")
def kiosk(tmp_path_factory) -> Path:
    return build_kiosk(SAMPLE, tmp_path_factory.mktemp("kiosk") / "kiosk", idle=IDLE)


def pages(root: Path) -> list[Path]:
    return sorted(root.rglob("*.html"))


def test_every_public_power_has_its_screen_and_no_other(kiosk):
    edition = make_edition(load_valid(SAMPLE), "public")
    screens = sorted(p.stem for p in (kiosk / "power").glob("*.html"))
    assert screens == sorted(p.code for p in edition.powers())


def test_withheld_and_internal_powers_are_not_in_the_kiosk(tmp_path):
    out = build_kiosk(FIXTURE, tmp_path / "kiosk")
    text = "\n".join(p.read_text(encoding="utf-8") for p in pages(out))
    for hidden in ("FX01TJ-NB-0001", "机关内部经费支出审批", "FX01TJ-JC-0001", "保密核查科", "秘密启动条件乙"):
        assert hidden not in text


def test_no_link_leaves_the_kiosk(kiosk):
    """Every link and resource is relative and names a file of the kiosk; nothing is a PDF or a download."""
    for page in pages(kiosk):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        refs = [a.get("href") for a in soup.find_all(href=True)] + [s.get("src") for s in soup.find_all(src=True)]
        assert soup.find_all("a", href=False) == [] and not soup.select("[download], [target], form, iframe")
        for ref in refs:
            parts = urlsplit(ref)
            assert not parts.scheme and not parts.netloc and not ref.startswith("/"), (page, ref)
            assert not ref.lower().endswith(".pdf"), (page, ref)
            assert (page.parent / parts.path).resolve().is_file(), (page, ref)


def test_every_list_is_reached_from_the_start_screen(kiosk):
    start = BeautifulSoup((kiosk / "index.html").read_text(encoding="utf-8"), "html.parser")
    linked = {a["href"] for a in start.select("a.tile")}
    lists = {p.relative_to(kiosk).as_posix() for p in pages(kiosk) if p.parent.name in ("dept", "cat", "az")}
    assert linked == lists
    letters = [t.get_text(strip=True) for t in start.select(".letters .tile")]
    assert letters == [*"ABCDEFGHIJKLMNOPQRSTUVWXYZ", "#"]


def test_the_a_to_z_lists_by_pinyin_initial(kiosk):
    """食品经营许可 (shí) is under S and nowhere else; every power is under exactly one letter."""
    names = {
        p.stem: [
            a.select_one(".name").get_text()
            for a in BeautifulSoup(p.read_text("utf-8"), "html.parser").select("a.power")
        ]
        for p in (kiosk / "az").glob("*.html")
    }
    assert "食品经营许可" in names["S"]
    assert all(not n.startswith("食品") for letter, group in names.items() if letter != "S" for n in group)
    assert sum(len(group) for group in names.values()) == len(list((kiosk / "power").glob("*.html")))


def test_two_builds_are_identical(kiosk, tmp_path):
    again = build_kiosk(SAMPLE, tmp_path / "kiosk", idle=IDLE)
    assert {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()} == {
        p.relative_to(kiosk): p.read_bytes() for p in kiosk.rglob("*") if p.is_file()
    }


# ---- in Chromium ---------------------------------------------------------------------------------------------

MEASURE = """() => {
  const small = [], tiny = [];
  for (const el of document.querySelectorAll('body *')) {
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    const what = el.tagName + ' ' + el.textContent.trim().slice(0, 20);
    if (own && parseFloat(style.fontSize) < 24) small.push(what + ' ' + style.fontSize);
    if (el.matches('a, button')) {
      const box = el.getBoundingClientRect();
      if (box.width < 60 || box.height < 60) tiny.push(what + ' ' + box.width + 'x' + box.height);
    }
  }
  return {small, tiny, wide: document.documentElement.scrollWidth > innerWidth};
}"""


@pytest.fixture
def screen(request, browser, kiosk) -> Iterator:
    """A page at the screen's size, opened from the local folder; every request not for a kiosk file fails the test."""
    context = browser.new_context(viewport=SCREENS[request.param], has_touch=True)
    tab = context.new_page()
    outside: list[str] = []
    tab.on(
        "request",
        lambda r: None if r.url.startswith(kiosk.as_uri()) or r.url.startswith("data:") else outside.append(r.url),
    )
    yield tab
    context.close()
    assert outside == []


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("screen", sorted(SCREENS), indirect=True)
def test_text_and_targets_are_large_enough_on_every_page(screen, kiosk):
    problems = {}
    for page in pages(kiosk):
        screen.goto(page.as_uri())
        found = screen.evaluate(MEASURE)
        if found["small"] or found["tiny"] or found["wide"]:
            problems[page.relative_to(kiosk).as_posix()] = found
    assert problems == {}


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("screen", sorted(SCREENS), indirect=True)
def test_a_power_is_found_by_touches_and_its_key_facts_and_qr_are_on_the_first_screen(screen, kiosk, tmp_path):
    screen.goto((kiosk / "index.html").as_uri())
    screen.get_by_role("link", name=re.compile("复兴区市场监督管理局")).tap()
    screen.wait_for_url("**/dept/3.html")
    screen.get_by_role("link", name=re.compile("^食品经营许可")).tap()
    screen.wait_for_url("**/power/FX01SJ-XK-0001.html")
    height = screen.viewport_size["height"]
    for selector in (
        "h1",
        ".fact:nth-child(1)",
        ".fact:nth-child(2)",
        ".fact:nth-child(3)",
        ".qr svg",
        ".qr figcaption",
    ):
        box = screen.locator(selector).bounding_box()
        assert box is not None and box["y"] + box["height"] <= height, selector
    assert [t.inner_text() for t in screen.locator(".fact dt").all()][:3] == ["承诺时限", "收费", "在哪里办"]
    screen.locator(".qr").screenshot(path=str(tmp_path / "qr.png"))
    decoded = subprocess.run(["zbarimg", "--raw", "-q", str(tmp_path / "qr.png")], capture_output=True, text=True)
    assert decoded.stdout.strip() == "https://qlqd.example.gov.cn/powers/FX01SJ-XK-0001/"
    screen.get_by_role("button", name="返回").tap()
    screen.wait_for_url("**/dept/3.html")
    screen.get_by_role("link", name="首页").tap()
    screen.wait_for_url("**/index.html")
    screen.get_by_role("link", name="S", exact=True).tap()
    screen.wait_for_url("**/az/S.html")
    assert screen.get_by_role("link", name=re.compile("^食品经营许可")).count() == 1


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("screen", ["portrait"], indirect=True)
def test_it_returns_to_the_start_after_the_idle_time_and_a_touch_restarts_the_wait(screen, kiosk):
    screen.goto((kiosk / "power" / "FX01SJ-XK-0001.html").as_uri())
    screen.wait_for_timeout((IDLE - 2) * 1000)
    screen.touchscreen.tap(500, 1500)  # a touch on the text: no link, but the resident is still there
    screen.wait_for_timeout((IDLE - 2) * 1000)
    assert screen.url.endswith("/power/FX01SJ-XK-0001.html")  # IDLE + 2 s after opening, 3 s after the touch
    screen.wait_for_url("**/index.html", timeout=(IDLE + 2) * 1000)
    assert screen.url == (kiosk / "index.html").as_uri()
