"""Injection across every public output at once: a catalogue whose every text is hostile (HTML, JavaScript,
javascript: links in Markdown, Jinja, DOT, spreadsheet formulas, bidi controls) is built with `build` and
`export --xlsx`; every page, chart, search index entry, PDF and cell must show it as inert text."""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import zipfile
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote, urlsplit
from xml.etree import ElementTree

import openpyxl
import pytest
from bs4 import BeautifulSoup
from hostile import FOLDER, JINJA_RESULT, PIECES, SCRIPT, SITE_URL, hostile_catalogue
from linkcheck import URL_ATTRIBUTES, broken_links, html_links
from pypdf import PdfReader
from site_catalogues import FIXTURE
from sitetools import CHROMIUM, CHROMIUM_ARGS, build, cli, nu_errors, serve

from generator.core.edition import make_edition
from generator.core.validate import load_valid
from generator.outputs.bidi import visible_controls

pytestmark = pytest.mark.slow

BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Elements that load, run or embed something: a page may only have those its theme puts there.
ACTIVE = {"script", "iframe", "object", "embed", "img", "base", "form", "foreignobject", "meta", "link", "use"}
RAW_IN_SCRIPTS = [*PIECES, '"><script>', "{{7*191}}"]
CHART_ELEMENTS = {"svg", "g", "title", "desc", "text", "path", "polygon", "polyline", "ellipse", "defs"}


class Built(NamedTuple):
    powers: Path
    site: Path
    xlsx: Path
    benign: Path
    planted: list[str]
    kiosk: Path  # build --kiosk of the hostile catalogue
    benign_kiosk: Path


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    work = tmp_path_factory.mktemp("injection")
    powers, planted = hostile_catalogue(work / "powers")
    for source, out in [(powers, work / "site"), (FIXTURE, work / "benign")]:
        done = build(source, out, work / "cache")
        assert done.returncode == 0, done.stdout + done.stderr
    for source, out in [(powers, work / "kiosk"), (FIXTURE, work / "benign-kiosk")]:
        done = cli("build", "--kiosk", "--powers", source, "--out", out)
        assert done.returncode == 0, done.stdout + done.stderr
    done = cli("export", "--powers", powers, "--xlsx", work / "catalogue.xlsx")
    assert done.returncode == 0, done.stdout + done.stderr
    return Built(
        powers, work / "site", work / "catalogue.xlsx", work / "benign", planted, work / "kiosk", work / "benign-kiosk"
    )


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def shown(text: str) -> str:
    """Text as a page shows it: bidi controls as visible markers, runs of whitespace as one space."""
    return " ".join(visible_controls(text).split())


def squeezed(text: str) -> str:
    """Text without any whitespace: how it compares with text that was wrapped onto lines."""
    return "".join(text.split())


def markup_of(site: Path) -> set[tuple[str, str]]:
    """Every (element, attribute) pair the site's pages use, with ("element", "") for each element."""
    pairs = set()
    for path in pages(site):
        for tag in soup(path).find_all(True):
            pairs |= {(tag.name, "")} | {(tag.name, name) for name in tag.attrs}
    return pairs


def text_outputs(site: Path) -> dict[str, str]:
    """Every file the data reaches as text: pages, sitemap, search index (decompressed); not the theme's assets, nor
    the images of the hand-written pages."""
    found = {}
    for path in sorted(site.rglob("*")):
        name = path.relative_to(site).as_posix()
        if not path.is_file() or name.startswith("assets/") or path.suffix in (".pdf", ".js", ".css", ".wasm", ".png"):
            continue
        data = path.read_bytes()
        found[name] = (gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data).decode("utf-8", "replace")
    return found


def pdf_text(path: Path) -> str:
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return done.stdout.decode("utf-8")


# ---- pages ------------------------------------------------------------------------------------------


def test_pages_hold_no_element_or_attribute_that_a_benign_catalogue_does_not_produce(built):
    extra = markup_of(built.site) - markup_of(built.benign)
    assert extra == set()


def own_image(tag, page: Path, site: Path) -> bool:
    """An image of the hand-written pages (the editors' guide's screenshots): a file of the site's images/ folder."""
    src = tag.get("src") or ""
    if tag.name != "img" or urlsplit(src).scheme or urlsplit(src).netloc:
        return False
    target = (page.parent / urlsplit(src).path).resolve()
    return target.is_file() and target.parent == (site / "images").resolve()


def test_no_page_runs_or_loads_anything_from_the_data(built):
    for path in pages(built.site):
        page = soup(path)
        handlers = [(t.name, a) for t in page.find_all(True) for a in t.attrs if a.lower().startswith("on")]
        assert handlers == [], path
        for link in html_links(page):
            scheme = urlsplit("".join(link.split())).scheme.lower()
            assert scheme in ("", "http", "https"), (path, link)
        for script in page.find_all("script"):  # the theme's; site_url reaches one only percent-encoded
            if script.get("type") == "application/ld+json":  # data, not code: nothing in it may end the element
                assert "<" not in script.string and json.loads(script.string)["@type"] == "GovernmentService", path
                continue
            assert not [raw for raw in RAW_IN_SCRIPTS if raw in script.get_text()], path
            assert script.get("src") is None or not urlsplit(script["src"]).netloc, path
        loading = [t for t in page.find_all(ACTIVE) if t.name in ("img", "iframe", "object", "embed", "base")]
        active = [t.name for t in loading if not own_image(t, path, built.site)]
        assert active == [], path


def test_every_hostile_text_shows_as_written(built):
    everything = " ".join(" ".join(soup(path).get_text().split()) for path in pages(built.site))
    missing = [text for text in built.planted if shown(text) not in everything]
    assert missing == []
    page = soup(built.site / "powers" / "FX01TJ-CF-0001" / "index.html")
    assert page.h1.get_text() == visible_controls(built.planted[1])  # the penalty's name, its first text
    text = page.get_text()
    for piece in PIECES:
        assert piece in text
    assert "〔U+202E〕反向〔U+2066〕隔离" in text


def test_jinja_is_never_evaluated_and_bidi_controls_never_reach_a_text_output(built):
    outputs = text_outputs(built.site)
    assert {"index.html", "sitemap.xml", "pagefind/pagefind-entry.json"} <= outputs.keys()
    assert [name for name, text in outputs.items() if JINJA_RESULT in text] == []
    assert [name for name, text in outputs.items() if BIDI.search(text)] == []
    page = outputs["powers/FX01TJ-CF-0001/index.html"]
    assert "{{ 7*191 }}" in page and "{% raw %}" in page


def test_hostile_urls_and_folder_names_stay_inside_their_attributes(built):
    page = soup(built.site / "index.html")
    canonical = page.find("link", rel="canonical")["href"]
    assert canonical.startswith("https://qlqd.example.gov.cn/%22%3E%3Cscript%3Ealert(1)%3C/script%3E")
    sitemap = (built.site / "sitemap.xml").read_text(encoding="utf-8")
    assert "<script>" not in sitemap and "%3Cscript%3E" in sitemap
    assert (built.site / "departments" / FOLDER / "index.html").is_file()
    assert (built.site / "pdf" / "dept" / f"{FOLDER}.pdf").is_file()
    assert broken_links(built.site, SITE_URL) == []


def test_hostile_pages_are_valid_html(built):
    assert nu_errors(pages(built.site)) == []


def test_json_ld_of_a_power_page_holds_the_text_as_written(built):
    page = soup(built.site / "powers" / "FX01TJ-CF-0001" / "index.html")
    data = json.loads(page.find("script", type="application/ld+json").string)
    assert data["identifier"] == "FX01TJ-CF-0001" and data["name"] == built.planted[1]
    assert data["url"].startswith("https://qlqd.example.gov.cn/%22%3E%3Cscript%3E")


# ---- open data and feeds ------------------------------------------------------------------------------


def test_open_data_holds_the_text_exactly_and_feeds_as_text(built):
    data = json.loads((built.site / "data" / "catalogue.json").read_text(encoding="utf-8"))
    values = json.dumps(data, ensure_ascii=False)
    missing = [text for text in built.planted if json.dumps(text, ensure_ascii=False)[1:-1] not in values]
    assert missing == []  # exactly as written, bidi controls included (as \u escapes in the file)
    for name in ("cpsv-ap.jsonld", "dcat.jsonld", "catalogue.schema.json"):
        json.loads((built.site / "data" / name).read_text(encoding="utf-8"))
    rows = (built.site / "data" / "catalogue.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK(" in rows and "\n=HYPERLINK" not in rows  # a formula is shown, never run
    feeds = [built.site / "feed.xml", built.site / "departments" / FOLDER / "feed.xml"]
    for path in feeds:
        root = ElementTree.fromstring(path.read_bytes())
        titles = [e.findtext("{http://www.w3.org/2005/Atom}title") for e in root]
        assert any(SCRIPT in (t or "") for t in titles), path  # markup stays text


def test_the_kiosk_shows_hostile_text_as_written_and_runs_nothing_of_it(built):
    assert markup_of(built.kiosk) - markup_of(built.benign_kiosk) == set()
    page = soup(built.kiosk / "power" / "FX01TJ-CF-0001.html")
    assert page.h1.get_text() == visible_controls(built.planted[1])  # the penalty's name, its first text
    for path in pages(built.kiosk):
        page = soup(path)
        assert [(t.name, a) for t in page.find_all(True) for a in t.attrs if a.lower().startswith("on")] == []
        assert [s["src"].rsplit("/", 1)[-1] for s in page.find_all("script")] == ["kiosk.js"], path
        text = path.read_text(encoding="utf-8")
        assert JINJA_RESULT not in text and not BIDI.search(text), path
    assert nu_errors(pages(built.kiosk)) == []


# ---- charts -----------------------------------------------------------------------------------------


def test_charts_hold_the_text_as_svg_text_only(built):
    for code in ("FX01TJ-CF-0001", "FX01TJ-XK-0001"):
        chart = soup(built.site / "powers" / code / "index.html").select_one("figure.qlqd-chart svg")
        assert chart is not None, code
        assert {t.name for t in chart.find_all(True)} | {"svg"} <= CHART_ELEMENTS, code
        assert not [
            a for t in chart.find_all(True) for a in t.attrs if a.lower().startswith("on") or a in URL_ATTRIBUTES
        ]
        text = squeezed("".join(t.get_text() for t in chart.find_all("text")))
        for piece in [*PIECES, "反向隔离"]:  # the chart drops bidi controls (flowchart_text.clean)
            assert squeezed(piece) in text, (code, piece)
        assert JINJA_RESULT not in text and not BIDI.search(str(chart))


# ---- search -----------------------------------------------------------------------------------------


def test_the_search_index_holds_the_text_as_text(built):
    fragments = []
    for path in sorted((built.site / "pagefind" / "fragment").iterdir()):
        data = gzip.decompress(path.read_bytes())
        fragments.append(json.loads(data[data.index(b"{") :]))
    titles = sorted(f["meta"]["title"] for f in fragments)
    powers = make_edition(load_valid(built.powers), "public").powers()
    assert titles == sorted(f"{shown(p.record.name)}（{p.code}）" for p in powers)
    for fragment in fragments:
        content = fragment["content"].replace("\u200b", "")  # Pagefind marks word breaks with zero-width spaces
        assert "<script>alert(1)</script>" in content and JINJA_RESULT not in content


# ---- PDFs -------------------------------------------------------------------------------------------


def test_pdfs_show_the_text_as_written_and_hold_no_action(built):
    files = sorted((built.site / "pdf").rglob("*.pdf"))
    # a card, a poster and a 办事指南 (both start on application) per public power; the department's and the
    # whole catalogue's booklets
    assert len(files) == 2 * 3 + 2
    for path in files:
        text = pdf_text(path)
        compact = squeezed(text)
        for piece in PIECES:
            assert squeezed(piece) in compact, (path.name, piece)
        assert JINJA_RESULT not in text, path.name
        assert not BIDI.search(text), path.name
        assert "〔U+202E〕反向〔U+2066〕隔离" in compact, path.name
        reader = PdfReader(path)
        assert not BIDI.search(reader.metadata.title), path.name
        assert_no_pdf_action(reader)


def assert_no_pdf_action(reader: PdfReader) -> None:
    """No JavaScript, launch or outside link anywhere: links only jump inside the document."""
    root = reader.trailer["/Root"]
    assert "/OpenAction" not in root and "/AA" not in root
    assert "/JavaScript" not in root.get("/Names", {})
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None:
                assert action["/S"] == "/GoTo" or (action["/S"] == "/URI" and action["/URI"].startswith("http"))


# ---- the spreadsheet ----------------------------------------------------------------------------------


def test_spreadsheet_cells_are_text_never_formulas(built):
    book = openpyxl.load_workbook(built.xlsx)
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert len(cells) > 20
    for cell in cells:
        assert cell.data_type != "f", cell.coordinate
        if str(cell.value).startswith(("=", "+", "-", "@")):
            assert cell.quotePrefix, (cell.parent.title, cell.coordinate)
    main, withheld = book.worksheets
    assert main["A2"].value == built.planted[1]  # the text exactly as written, formula and all
    assert withheld["A2"].value.startswith('=HYPERLINK("http://evil.example","x") SECRETNAME')
    with zipfile.ZipFile(built.xlsx) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert sheets and not any(re.search(r"<f[ >]", xml) for xml in sheets)


# ---- in a browser -------------------------------------------------------------------------------------


@pytest.mark.browser
def test_hostile_pages_run_nothing_and_load_nothing_in_a_browser(built):
    from playwright.sync_api import sync_playwright

    dialogs, outside = [], []
    with serve(built.site) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("request", lambda r: None if r.url.startswith((base, "data:")) else outside.append(r.url))
        for path in pages(built.site):
            page.goto(base + quote(path.relative_to(built.site).as_posix()))
            page.wait_for_load_state("networkidle")
        page.goto(base)
        excerpts = []
        for query in ("alert", "onerror", "script"):
            box = page.locator("#search .pagefind-ui__search-input")
            box.fill(query)
            page.locator(".pagefind-ui__result-excerpt").first.wait_for()
            excerpts += page.eval_on_selector_all(
                ".pagefind-ui__result", "els => els.map(e => [...e.querySelectorAll('*')].map(c => c.tagName))"
            )
        filters = page.eval_on_selector_all(  # the search filters' labels: text, and the hostile names as written
            ".pagefind-ui__filter-label", "els => els.map(e => [e.children.length, e.textContent])"
        )
        browser.close()
    assert dialogs == [] and outside == []
    assert filters and all(children == 0 for children, _ in filters), filters
    labels = {re.sub(r" \(\d+\)$", "", " ".join(label.split())) for _, label in filters}  # less the count "(2)"
    assert {shown(text) for text in built.planted} & labels  # the hostile department and category, as written
    assert excerpts and {tag for tags in excerpts for tag in tags} <= {"DIV", "P", "A", "MARK", "UL", "LI"}
