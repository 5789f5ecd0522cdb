"""Nothing leaks: canaries planted in every field of confidential and internal-scope powers appear in
no public output: pages, charts, search index (files and queries), sitemap, PDFs, exports, open data files
(JSON, CSV, CPSV-AP, DCAT), Atom feeds, the law index, attachments, the display screen page and the kiosk edition."""

from __future__ import annotations

import gzip
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from canary import PUBLIC_FORM, canary_catalogue
from click.testing import CliRunner
from sitetools import CHROMIUM, CHROMIUM_ARGS, serve

from generator.commands import main

pytestmark = pytest.mark.slow


def _texts(path: Path) -> list[bytes]:
    """Every readable form of a built file: raw, decompressed, or extracted text."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":  # gzip: sitemap.xml.gz and Pagefind's index chunks
        return [data, gzip.decompress(data)]
    if path.suffix == ".pdf":
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True).stdout
        info = subprocess.run(["pdfinfo", "-enc", "UTF-8", str(path)], capture_output=True, check=True).stdout
        return [text, info]
    if zipfile.is_zipfile(path):  # xlsx
        with zipfile.ZipFile(path) as archive:
            return [archive.read(name) for name in archive.namelist()]
    return [data]


def _corpus(out: Path) -> dict[str, str]:
    """Relative path -> lowercased text of everything an output holds."""
    corpus = {}
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        corpus[path.relative_to(out).as_posix()] = b"\n".join(_texts(path)).decode("utf-8", "replace").lower()
    return corpus


def list_withheld_laws(root: Path) -> list[str]:
    """A law index naming every law the confidential and internal powers cite (canaries), with a canary note:
    the site's 法律依据索引 must list none of them, since no public power cites them."""
    laws = []
    for path in sorted(root.glob("tjj/FX*.yaml")):
        record = yaml.safe_load(path.read_text(encoding="utf-8"))
        if record.get("confidential") or record["disclosure"]["scope"] == "部门内部":
            laws += [b["law"] for b in record["basis"]]
    entries = [{"name": law, "effective": "2024-03-01", "note": "CANARYLAWNOTEQ"} for law in laws]
    (root / "_laws.yaml").write_text(yaml.safe_dump({"laws": entries}, allow_unicode=True), encoding="utf-8")
    return ["CANARYLAWNOTEQ"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    work = tmp_path_factory.mktemp("leak")
    root, never, public = canary_catalogue(work / "powers")
    never = [*never, *list_withheld_laws(root)]
    out = work / "site"
    result = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--powers", str(root), "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    kiosk = CliRunner().invoke(main, ["build", "--kiosk", "--powers", str(root), "--out", str(out / "kiosk")])
    assert kiosk.exit_code == 0, kiosk.output  # the kiosk edition is walked with the site
    export = CliRunner().invoke(main, ["export", "--powers", str(root), "--xlsx", str(out / "catalogue.xlsx")])
    assert export.exit_code == 0, export.output
    return out, never, public


def test_outputs_were_built_and_hold_the_public_fields(built):
    out, _, public = built
    corpus = _corpus(out)
    kinds = {Path(name).suffix for name in corpus}
    assert {".html", ".pdf", ".xlsx", ".gz", ".json", ".csv", ".jsonld", ".xml"} <= kinds, kinds
    assert any(name.startswith("pagefind/") for name in corpus)
    news = ["data/catalogue.json", "data/catalogue.csv", "data/cpsv-ap.jsonld", "data/dcat.jsonld", "feed.xml"]
    assert set(news) | {"departments/tjj/feed.xml", "laws/index.html", "data/index.html"} <= corpus.keys()
    withheld = [text for text in public if text != PUBLIC_FORM]  # the confidential power's four public fields
    assert all(text.lower() in corpus["data/catalogue.json"] for text in withheld)
    assert {"display/index.html", "kiosk/index.html", "kiosk/power/FX01TJ-XK-0001.html"} <= corpus.keys()
    assert any(name.startswith("zh-hant/pagefind/") for name in corpus)  # the Traditional edition is walked too
    everything = "\n".join(corpus.values())
    for text in public:  # the four public fields of the confidential power are published: the test can see
        assert text.lower() in everything


def test_only_the_public_power_s_form_is_copied_and_its_page_links_it(built):
    out, _, _ = built
    forms = sorted(p.relative_to(out).as_posix() for p in out.glob("powers/*/form-*"))
    assert forms == ["powers/FX01TJ-XK-0001/form-1.png"]
    page = (out / "powers" / "FX01TJ-XK-0001" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../powers/FX01TJ-XK-0001/form-1.png"' in page


def test_no_canary_in_any_file(built):
    out, never, _ = built
    leaks = [(name, c) for name, text in _corpus(out).items() for c in never if c.lower() in text]
    assert leaks == []


@pytest.mark.browser
def test_no_canary_found_by_the_search_index(built):
    from playwright.sync_api import sync_playwright

    out, never, _ = built
    with serve(out) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(url)
        counts = page.evaluate(SEARCH_ALL, [*never, "统计调查项目审批"])
        hant = page.evaluate(SEARCH_ALL.replace("/pagefind/", "/zh-hant/pagefind/"), [*never, "統計調查項目審批"])
        browser.close()
    assert counts.pop() > 0 and hant.pop() > 0  # the control query finds the public power: the indexes work
    assert [(c, n) for c, n in zip(never, counts, strict=True) if n] == []
    assert [(c, n) for c, n in zip(never, hant, strict=True) if n] == []


SEARCH_ALL = """async (queries) => {
  // Pagefind splits a code at '-' and matches pages sharing a part, so a hit alone proves nothing:
  // count the results whose text, title or address really holds the query.
  const pagefind = await import('/pagefind/pagefind.js');
  const counts = [];
  for (const q of queries) {
    const found = await Promise.all((await pagefind.search(q)).results.map((r) => r.data()));
    const text = (d) => (d.url + ' ' + d.content + ' ' + JSON.stringify(d.meta)).toLowerCase();
    counts.push(found.filter((d) => text(d).includes(q.toLowerCase())).length);
  }
  return counts;
}"""


# ---- the internal edition: internal-scope powers shown, confidential ones still reduced ------------------------


@pytest.fixture(scope="module")
def internal_built(tmp_path_factory):
    work = tmp_path_factory.mktemp("leak-internal")
    root, never, public = canary_catalogue(work / "powers")
    out = work / "site"
    command = [sys.executable, "-m", "generator", "build", "--powers", str(root), "--out", str(out)]
    result = subprocess.run([*command, "--edition", "internal"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    internal = [c for c in never if c.startswith("CANARYI")]
    # the internal and confidential power is reduced here as the public edition reduces a confidential one
    both = yaml.safe_load((root / "tjj" / "FX01TJ-NB-0002.yaml").read_text(encoding="utf-8"))
    shown = [both["code"], both["name"], both["confidential"]["reason"]]
    never = [c for c in never if c not in internal and c != "FX01TJ-NB-0001" and not any(c in s for s in shown)]
    return out, never, internal, [*public, *shown]


def _internal_name(out: Path) -> str:
    """The internal power's name (a canary) as its page's heading shows it."""
    page = BeautifulSoup((out / "powers" / "FX01TJ-NB-0001" / "index.html").read_text(encoding="utf-8"), "html.parser")
    mark = page.h1.find(class_="qlqd-internal")
    assert mark is not None and mark.get_text() == "内部公开"
    return page.h1.get_text().removesuffix("内部公开").strip()


def test_the_public_build_has_no_internal_power_and_the_internal_build_has_them(built, internal_built):
    public_out, *_ = built
    internal_out, _, internal, _ = internal_built
    assert not (public_out / "powers" / "FX01TJ-NB-0001").exists()
    assert _internal_name(internal_out) in internal  # the internal power's page, marked, with its own name
    everything = "\n".join(_corpus(internal_out).values())
    assert [c for c in internal if c.lower() not in everything] == []  # every field of it is shown somewhere


def test_the_internal_build_still_publishes_only_four_fields_of_a_confidential_power(internal_built):
    out, never, _, public = internal_built
    corpus = _corpus(out)
    everything = "\n".join(corpus.values())
    assert all(text.lower() in everything for text in public)
    assert [(name, c) for name, text in corpus.items() for c in never if c.lower() in text] == []


def test_every_page_of_the_internal_build_says_it_is_internal_and_keeps_robots_out(internal_built, built):
    out, *_ = internal_built
    pages = sorted(out.rglob("*.html"))
    marks = ("qlqd-internal-banner", '<meta name="robots" content="noindex, nofollow">')
    unmarked = [p.name for p in pages if not all(mark in p.read_text(encoding="utf-8") for mark in marks)]
    assert pages and unmarked == []
    assert (out / "robots.txt").read_text(encoding="utf-8") == "User-agent: *\nDisallow: /\n"
    public_out, *_ = built
    public_pages = [p.read_text(encoding="utf-8") for p in public_out.rglob("*.html")]
    assert not any(mark in text for text in public_pages for mark in marks)  # the display page has a noindex of its own
    assert not (public_out / "robots.txt").exists()


@pytest.mark.browser
def test_the_internal_search_finds_the_internal_power_and_no_confidential_detail(internal_built):
    from playwright.sync_api import sync_playwright

    out, never, _, _ = internal_built
    with serve(out) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(url)
        name = _internal_name(out)
        counts = page.evaluate(SEARCH_ALL, [*never, name])
        title = page.evaluate(FIRST_TITLE, name)
        browser.close()
    assert counts.pop() > 0 and "【内部公开】" in title
    assert [(c, n) for c, n in zip(never, counts, strict=True) if n] == []


FIRST_TITLE = """async (query) => {
  const pagefind = await import('/pagefind/pagefind.js');
  const [first] = (await pagefind.search(query)).results;
  return (await first.data()).meta.title;
}"""
