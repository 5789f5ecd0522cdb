"""The hall's display screen page (display/): what it shows as the catalogue file says, and, in Chromium at
1920×1080, one slide at a time in large type, cycling by itself at the catalogue's pace and starting over."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sitetools import CHROMIUM, CHROMIUM_ARGS

from generator.core.edition import make_edition
from generator.core.model import DisplaySettings
from generator.core.validate import check_catalogue, load_valid
from generator.outputs.display import display_page, write_display

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "powers"
FIXTURE = Path(__file__).parent / "fixtures" / "pdf" / "powers"
CYCLE = 3  # seconds: the shortest cycle the catalogue file allows


def with_display(edition, **settings):
    """The edition with the catalogue's display settings replaced."""
    catalogue = edition.catalogue.model_copy(update={"display": DisplaySettings(**settings)})
    return dataclasses.replace(edition, catalogue=catalogue)


def slides(html: str) -> list[BeautifulSoup]:
    return BeautifulSoup(html, "html.parser").select("section.slide")


@pytest.fixture(scope="module")
def sample():
    return make_edition(load_valid(SAMPLE), "public")


def test_by_default_it_shows_the_latest_revisions_then_the_powers_started_on_application(sample):
    shown = slides(display_page(sample))
    latest = [s for s in shown if "latest" in s["class"]]
    names = [n.get_text() for s in latest for n in s.select(".name")]
    newest = sorted(sample.powers(), key=lambda p: (-p.record.last_revised.toordinal(), p.code))[:8]
    assert names == [p.record.name for p in newest]
    assert "2026-03-02" in latest[0].get_text()  # the newest revision of the sample, first
    popular = [s.select_one(".name").get_text() for s in shown if "popular" in s["class"]]
    assert len(popular) == 12 and "建设项目环境影响报告表审批" in popular
    assert [s["class"][1] for s in shown] == ["latest"] * len(latest) + ["popular"] * 12
    assert all(s.has_attr("hidden") for s in shown[1:]) and not shown[0].has_attr("hidden")


def test_the_catalogue_file_sets_the_cycle_the_kinds_and_the_powers(sample):
    edition = with_display(sample, cycle_seconds=40, shows=["常用事项"], popular=["FX01SJ-XK-0001", "FX01ZR-XK-0001"])
    html = display_page(edition)
    assert BeautifulSoup(html, "html.parser").body["data-cycle"] == "40"
    shown = slides(html)
    assert [s.select_one(".name").get_text() for s in shown] == ["食品经营许可", "乡村建设规划许可"]
    first = shown[0].get_text(" ", strip=True)
    assert "食品经营许可" in first and "承诺时限" in first and "不收费" in first and "区政务服务中心" in first
    assert not any("latest" in s["class"] for s in shown)


def test_an_unknown_or_unpublished_popular_power_is_an_error(tmp_path):
    root = shutil.copytree(FIXTURE, tmp_path / "powers")
    with (root / "_catalogue.yaml").open("a", encoding="utf-8") as f:
        f.write("display:\n  popular: [FX01TJ-XK-0001, FX01TJ-JC-0001, FX01TJ-NB-0001, FX01TJ-XK-0099]\n")
    _, report = check_catalogue(root)
    messages = sorted(p.message for p in report.problems if p.code == "E237")
    assert len(messages) == 3
    assert any("FX01TJ-XK-0099」不存在" in m for m in messages)
    assert sum("不公开" in m for m in messages) == 2


def test_withheld_and_internal_powers_never_show(tmp_path):
    edition = make_edition(load_valid(FIXTURE), "public")
    html = display_page(with_display(edition, latest=50))
    for hidden in ("FX01TJ-NB-0001", "机关内部经费支出审批", "重大国情国力调查数据核查", "保密核查科"):
        assert hidden not in html


@pytest.mark.browser
@pytest.mark.slow
def test_it_cycles_by_itself_in_large_type_and_starts_over(tmp_path):
    from playwright.sync_api import sync_playwright

    edition = with_display(make_edition(load_valid(FIXTURE), "public"), cycle_seconds=CYCLE)
    [written] = write_display(edition, tmp_path)
    page_file = tmp_path / written
    count = len(slides(page_file.read_text(encoding="utf-8")))
    assert count == 3  # the three public powers' revisions on one slide, the two started on application
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        outside: list[str] = []
        page.on("request", lambda r: None if r.url == page_file.as_uri() else outside.append(r.url))
        page.goto(page_file.as_uri())
        seen = [page.evaluate(VISIBLE)]
        for _ in range(count):
            page.wait_for_timeout(CYCLE * 1000)
            seen.append(page.evaluate(VISIBLE))
        browser.close()
    assert outside == []
    assert [s["shown"] for s in seen] == [[0], [1], [2], [0]]  # one at a time, in order, then from the start
    assert [s["at"] for s in seen] == ["1", "2", "3", "1"]
    for state in seen:
        assert state["smallest"] >= 48, state  # 48 px on a 1920×1080 screen: legible from five metres
        assert not state["cut"], state  # the slide's text fits the screen


VISIBLE = """() => {
  const slides = [...document.querySelectorAll('.slide')];
  const shown = slides.map((s, i) => [s, i]).filter(([s]) => s.getBoundingClientRect().height > 0).map(([, i]) => i);
  let smallest = Infinity;
  for (const el of document.querySelectorAll('body *')) {
    if (!el.getClientRects().length) continue;
    if ([...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()))
      smallest = Math.min(smallest, parseFloat(getComputedStyle(el).fontSize));
  }
  const slide = slides[shown[0]];
  return {shown, smallest, at: document.getElementById('at').textContent,
          cut: slide.scrollHeight > slide.clientHeight || document.documentElement.scrollWidth > innerWidth};
}"""


def test_an_internal_edition_s_site_has_no_display_page(tmp_path):
    assert write_display(make_edition(load_valid(FIXTURE), "internal"), tmp_path) == []
    assert list(tmp_path.iterdir()) == []
