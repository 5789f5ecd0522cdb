"""The accessibility parts of the generated pages, without a browser (issue 12): phone numbers as `tel:` links,
the search box's visible name, and the 无障碍说明 with the catalogue's contacts."""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest
import yaml
from bs4 import BeautifulSoup
from factory import CATALOGUE, department, power, write_catalogue
from site_catalogues import PAYLOAD, hostile_catalogue

from generator.core.edition import make_edition
from generator.core.validate import load_valid
from generator.outputs import wording
from generator.outputs.site.pages import render_pages

FIXTURE = Path(__file__).parent / "fixtures" / "site"
REPO = Path(__file__).resolve().parents[1]
STATEMENT = wording.page_path(wording.ACCESSIBILITY)


def to_html(page: str) -> BeautifulSoup:
    """A generated page's body through Python-Markdown with the site's extensions."""
    body = page.split("---\n", 2)[2]
    return BeautifulSoup(markdown.markdown(body, extensions=["attr_list", "toc"]), "html.parser")


def pages_of(powers: Path) -> dict[str, str]:
    return render_pages(make_edition(load_valid(powers), "public"), {})


@pytest.fixture(scope="module")
def pages(edition) -> dict[str, str]:
    return render_pages(edition, {})


@pytest.mark.parametrize(
    ("text", "href"),
    [
        ("0310-7654321", "tel:03107654321"),
        ("12345", "tel:12345"),
        (" +86 (310) 765-4321 ", "tel:+863107654321"),
        ("12", None),  # too short for a number
        ("0310-7654321 转 8001", None),  # more than a number: left as written
        ("区政务服务中心二楼", None),
        ("https://www.12315.cn/", None),
        ("2024-01-01 起", None),
        (PAYLOAD, None),
    ],
)
def test_only_a_text_that_is_one_phone_number_becomes_a_tel_link(text: str, href: str | None):
    assert wording.tel_href(text) == href


def test_phone_numbers_on_the_pages_can_be_called(pages):
    power = to_html(pages["powers/FX01TJ-CF-0001/index.md"])
    facts = {div.dt.get_text(): div.dd for div in power.select(".qlqd-facts > div")}
    assert facts["咨询电话"].a["href"] == "tel:03107654321" and facts["咨询电话"].get_text() == "0310-7654321"
    supervision = [a["href"] for a in power.select("#supervision + div a")]
    assert "tel:03101234567" in supervision and "tel:03107654322" in supervision
    complaints = {li.get_text(): li.a for li in power.select("#complaints + div li")}
    assert complaints["电话：12345"]["href"] == "tel:12345"
    assert complaints["网站：https://qlqd.example.gov.cn/complaints/"] is None  # not a number: plain text
    home = to_html(pages["index.md"])
    assert home.select_one(".qlqd-intro a[href='tel:12345']").get_text() == "12345"
    department = to_html(pages["departments/tjj/index.md"])
    assert department.select_one("a[href='tel:03107654321']") is not None
    listing = to_html(pages["departments/index.md"])
    assert listing.select_one("a[href='tel:03107654321']") is not None


def test_every_search_box_has_a_visible_name(pages):
    boxes = [path for path, text in pages.items() if 'id="search"' in text]
    assert {"index.md", "departments/tjj/index.md", "categories/CF/index.md"} <= set(boxes)
    for path in boxes:
        label = to_html(pages[path]).find(id="search-label")
        assert label.get_text() == "搜索权力事项" and label.find_next_sibling()["id"] == "search", path
    assert 'setAttribute("aria-labelledby", "search-label")' in (REPO / "theme/assets/search.js").read_text()


def test_the_statement_names_the_standard_the_checks_and_the_catalogue_contacts(pages):
    soup = to_html(pages[STATEMENT])
    assert yaml.safe_load(pages[STATEMENT].split("---\n", 2)[1])["title"] == "无障碍说明"
    assert [h["id"] for h in soup.find_all("h2")] == ["standard", "senior", "checking", "contact"]
    text = soup.get_text()
    assert "GB/T 37668-2019" in text and "WCAG" in text and "axe-core" in text and "长辈版" in text
    contact = soup.select("#contact + div li")
    assert [li.get_text() for li in contact] == [
        "政务服务热线：12345",
        "电话：12345",
        "网站：https://qlqd.example.gov.cn/complaints/",
    ]
    assert contact[0].a["href"] == "tel:12345"
    assert "复兴区人民政府" in soup.select_one("#contact + div p").get_text()


def test_the_statement_without_contacts_points_to_the_power_pages(tmp_path):
    catalogue = {k: v for k, v in CATALOGUE.items() if k not in ("hotline", "complaints")}
    powers = write_catalogue(
        tmp_path / "powers", {"tjj": (department(), [power("FX01TJ-CF-0001", "行政处罚")])}, catalogue
    )
    soup = to_html(pages_of(powers)[STATEMENT])
    assert [li.get_text() for li in soup.select("#contact + div li")] == ["各事项页面「投诉举报」一节所列的联系方式"]


def test_the_statement_shows_hostile_contacts_as_text(tmp_path):
    soup = to_html(pages_of(hostile_catalogue(tmp_path / "powers"))[STATEMENT])
    assert soup.find("script") is None
    assert "<script>alert(1)</script>" in soup.select_one("#contact + div p").get_text()  # the catalogue's name
    assert [a["href"] for a in soup.select("#contact + div a")] == ["tel:12345", "tel:12345"]


def test_the_statement_is_in_the_navigation():
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    assert "      - 无障碍说明: accessibility/index.md" in config
