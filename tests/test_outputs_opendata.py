"""Open data and change notices from the sample catalogue: the CPSV-AP export conforms to the official SHACL
shapes (and a broken one does not), catalogue.json to its own schema, the CSV round-trips to the same codes, DCAT
gives every file's true size, every power page's JSON-LD names its code, the Atom feeds are complete and stable."""

from __future__ import annotations

import copy
import csv
import io
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st
from pyshacl import validate
from rdflib import Graph, URIRef

from generator.core.edition import Edition, make_edition
from generator.core.validate import load_valid
from generator.outputs import wording
from generator.outputs.feeds import department_feed, feed_xml
from generator.outputs.opendata import downloads, size_slot, write_downloads
from generator.outputs.opendata.common import _dumps, json_bytes
from generator.outputs.opendata.runs import FOLDER as RUNS_FOLDER
from generator.outputs.site.pages import render_pages

SAMPLE = Path(__file__).resolve().parent.parent / "powers"
SHAPES = Path(__file__).resolve().parents[2] / "shared" / "standards" / "cpsv-ap-3.2.0" / "shacl" / "cpsv-ap-SHACL.ttl"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def files(edition: Edition) -> dict[str, bytes]:
    return {f.name: f.data for f in downloads(edition).files}


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES)


def conforms(document: bytes, shapes: Graph) -> tuple[bool, str]:
    ok, _, text = validate(Graph().parse(data=document, format="json-ld"), shacl_graph=shapes)
    return ok, text


def test_cpsv_export_conforms_to_the_official_shapes(files, shapes, edition):
    ok, report = conforms(files["cpsv-ap.jsonld"], shapes)
    assert ok, report[:3000]
    graph = Graph().parse(data=files["cpsv-ap.jsonld"], format="json-ld")
    services = set(graph.subjects(predicate=None, object=cpsv_term("PublicService")))
    assert len(services) == len(edition.powers())


def cpsv_term(name: str) -> URIRef:
    return URIRef("http://purl.org/vocab/cpsv#" + name)


def test_a_broken_cpsv_export_fails_the_shapes(files, shapes):
    document = json.loads(files["cpsv-ap.jsonld"])
    broken = copy.deepcopy(document)
    del broken["@graph"][0]["hasCompetentAuthority"]  # mandatory
    ok, report = conforms(json_bytes(broken), shapes)
    assert not ok and "hasCompetentAuthority" in report
    untyped = copy.deepcopy(document)
    untyped["@graph"][0]["hasCost"][0].pop("@type")  # a linked node without its class
    ok, report = conforms(json_bytes(untyped), shapes)
    assert not ok and "Cost" in report


def test_cpsv_context_is_inline_and_working_days_are_no_duration(files, edition):
    document = json.loads(files["cpsv-ap.jsonld"])
    assert isinstance(document["@context"], dict)
    assert not [v for v in document["@context"].values() if isinstance(v, str) and v.endswith(".jsonld")]
    by_code = {s["identifier"]: s for s in document["@graph"]}
    for power in edition.powers():
        limit, service = power.record.time_limit, by_code[power.code]
        if limit and limit.promised and limit.unit == "工作日":
            assert "processingTime" not in service and f"承诺时限:{limit.promised} 个工作日" in service["description"]
        elif limit and limit.promised is not None:
            assert service["processingTime"] == f"P{limit.promised}D"


def test_catalogue_json_gives_each_form_s_address_on_the_site(files, edition):
    powers = {p["code"]: p for p in json.loads(files["catalogue.json"])["powers"]}
    shown = [p for p in edition.powers() if p.attachments]
    assert shown  # the sample has forms
    for power in shown:
        forms = powers[power.code]["forms"]
        assert [(f["material"], f["kind"]) for f in forms] == [(a.material + 1, a.kind) for a in power.attachments]
        assert [f["url"].rsplit("/", 1)[-1] for f in forms] == [a.name for a in power.attachments]
        assert all(f["url"].startswith(wording.safe_url(edition.catalogue.site_url)) for f in forms)
    assert all(powers[p.code]["forms"] == [] for p in edition.powers() if not p.attachments)


def test_catalogue_json_conforms_to_its_schema(files, edition):
    data, schema = json.loads(files["catalogue.json"]), json.loads(files["catalogue.schema.json"])
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(data)
    assert [p["code"] for p in data["powers"]] == [p.code for p in edition.powers()]
    assert [sorted(w) for w in data["withheld"]] == [["category", "code", "name", "reason"]] * len(edition.withheld())
    assert schema["version"] == data["schema_version"]
    laws = {law["name"]: law for law in data["laws"]}
    assert laws["中华人民共和国行政处罚法"]["effective"] == "2021-07-15"  # from powers/_laws.yaml
    cited = {b.law.strip("《》") for p in edition.powers() for b in p.record.basis}
    assert set(laws) == cited
    wrong = copy.deepcopy(data)
    wrong["powers"][0]["time_limit"] = {"unit": "小时"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(wrong, schema)


def test_csv_opens_in_excel_and_round_trips_to_the_same_codes(files, edition):
    raw = files["catalogue.csv"]
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["项目名称", "权力编码", "权力类别"]
    assert [row[1] for row in rows[1:]] == [p.code for p in edition.powers()]
    assert {len(row) for row in rows} == {len(rows[0])}


def test_dcat_gives_each_file_its_size_and_type(files):
    document = json.loads(files["dcat.jsonld"])
    graph = Graph().parse(data=files["dcat.jsonld"], format="json-ld")
    assert len(graph) > 20
    dataset = document["@graph"][0]["dataset"]
    sizes = {d["downloadURL"].rsplit("/", 1)[1]: int(d["byteSize"]) for d in dataset["distribution"]}
    assert sizes == {name: len(data) for name, data in files.items() if name != "dcat.jsonld"}
    assert all(d["mediaType"]["@id"].startswith("https://www.iana.org/") for d in dataset["distribution"])


def test_the_data_page_gets_each_file_s_size_after_the_files_are_written(edition, tmp_path):
    markdown = render_pages(edition, {})[wording.page_path(wording.DATA)]
    slots = [size_slot(n) for n in range(len(downloads(edition).files))]
    assert all(slot in markdown for slot in slots)  # what the engine renders holds no size: it stays the same
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "index.html").write_text(markdown, encoding="utf-8")
    write_downloads(edition, tmp_path)
    page = (tmp_path / "data" / "index.html").read_text(encoding="utf-8")
    assert "QLQDSIZESLOT" not in page
    cells = [td.get_text() for td in BeautifulSoup(page, "html.parser").select("tbody tr td:nth-of-type(4)")]
    sizes = [wording.byte_size((tmp_path / "data" / f.name).stat().st_size) for f in downloads(edition).files]
    assert cells == sizes


_TEXT = st.text(max_size=12)  # any code point, lone surrogates too
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | _TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
    max_leaves=25,
)


@settings(max_examples=2000, deadline=None)
@given(_JSON)
def test_the_fast_json_writer_writes_what_the_standard_library_writes(value):
    assert _dumps(value) == json.dumps(value, ensure_ascii=False, indent=2)


def test_files_are_the_same_bytes_every_time(files, edition):
    assert {f.name: f.data for f in downloads(edition).files} == files
    assert feed_xml(edition, "t", "") == feed_xml(edition, "t", "")


def test_every_power_page_names_its_code_in_json_ld(edition):
    pages = render_pages(edition, {})
    for power in edition.powers():
        page = BeautifulSoup(pages[wording.power_page_path(power.code)], "html.parser")
        [script] = page.find_all("script", type="application/ld+json")
        data = json.loads(script.string)
        assert data["@type"] == "GovernmentService" and data["identifier"] == power.code
        assert data["provider"] == {
            "@type": "GovernmentOrganization",
            "name": power.department.name,
            "url": "https://qlqd.example.gov.cn/" + wording.department_url(power.dept_slug),
        }
        assert data["serviceType"] == power.record.category and data["areaServed"]["name"] == "复兴区"


def _feed(data: bytes) -> ET.Element:
    root = ET.fromstring(data)
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{name}") is not None, name
    for entry in root.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated", "link", "summary"):
            assert entry.find(f"{ATOM}{name}") is not None, name
    return root


def test_the_feed_has_an_entry_per_revision_newest_first(edition):
    root = _feed(feed_xml(edition, "修订动态", ""))
    entries = root.findall(f"{ATOM}entry")
    revisions = sorted(((r.date, p.code) for p in edition.powers() for r in p.record.revisions), reverse=True)
    assert len(entries) == len(revisions)
    dates = [e.find(f"{ATOM}updated").text[:10] for e in entries]
    assert dates == sorted(dates, reverse=True)
    assert root.find(f"{ATOM}updated").text == entries[0].find(f"{ATOM}updated").text
    ids = [e.find(f"{ATOM}id").text for e in entries]
    assert len(set(ids)) == len(ids)
    suspended = [e for e in entries if "FX01YJ-XK-0002" in e.find(f"{ATOM}title").text]
    assert suspended[0].find(f"{ATOM}title").text.startswith("暂停:")
    assert suspended[-1].find(f"{ATOM}title").text.startswith("新增:")


def test_a_department_feed_holds_its_revisions_once_each(edition):
    whole = _feed(feed_xml(edition, "修订动态", ""))
    seen = []
    for dept in edition.departments:
        root = _feed(department_feed(edition, dept))
        ids = [e.find(f"{ATOM}id").text for e in root.findall(f"{ATOM}entry")]
        assert len(ids) == sum(len(p.record.revisions) for p in dept.powers)
        assert all(any(f"/powers/{p.code}/" in i for p in dept.powers) for i in ids)
        seen += ids
    assert sorted(seen) == sorted(e.find(f"{ATOM}id").text for e in whole.findall(f"{ATOM}entry"))


def test_the_changes_page_says_what_the_feed_says(edition):
    pages = render_pages(edition, {})
    page = BeautifulSoup(pages["changes/index.md"], "html.parser")
    rows = [[td.get_text() for td in tr.find_all("td")] for tr in page.select("tbody tr")]
    entries = _feed(feed_xml(edition, "修订动态", "")).findall(f"{ATOM}entry")
    assert len(rows) == len(entries)
    for row, entry in zip(rows, entries, strict=True):
        date, kind, power, _, note = row
        assert entry.find(f"{ATOM}summary").text.startswith(f"{date} {kind}:{note}")
        assert entry.find(f"{ATOM}title").text.startswith(f"{kind}:{power.split('FX')[0]}")


def test_a_suspended_power_keeps_its_page_with_a_banner(edition):
    pages = render_pages(edition, {})
    page = BeautifulSoup(pages["powers/FX01YJ-XK-0002/index.md"], "html.parser")
    banner = page.select_one(".qlqd-banner")
    assert banner.get_text().startswith("本事项已于 2025-12-20 暂停实施:")
    others = [p for p in edition.powers() if p.record.status == "有效"]
    assert (
        BeautifulSoup(pages[wording.power_page_path(others[0].code)], "html.parser").select_one(".qlqd-banner") is None
    )


def test_the_law_index_lists_every_cited_law_with_its_date_and_powers(edition):
    page = BeautifulSoup(render_pages(edition, {})["laws/index.md"], "html.parser")
    rows = {tr.td.contents[0].strip(): tr for tr in page.select("table.qlqd-laws tbody tr")}
    cited = {b.law.strip("《》"): [] for p in edition.powers() for b in p.record.basis}
    for power in edition.powers():
        for law in {b.law.strip("《》") for b in power.record.basis}:
            cited[law].append(power.code)
    assert set(rows) == set(cited)
    penalty = rows["中华人民共和国行政处罚法"]
    assert penalty.time["datetime"] == "2021-07-15"
    assert [c.get_text() for c in penalty.select(".qlqd-code")] == sorted(cited["中华人民共和国行政处罚法"])
    assert rows["中华人民共和国统计法"].find_all("td")[1].get_text() == "未登记"  # not in powers/_laws.yaml


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((folder / "data").iterdir())}


def test_kept_runs_give_the_same_files_and_an_edit_makes_one_department_s_runs_again(tmp_path):
    powers, cache = tmp_path / "powers", tmp_path / "cache"
    shutil.copytree(SAMPLE, powers)
    edition = make_edition(load_valid(powers), "public")
    write_downloads(edition, tmp_path / "cold")
    write_downloads(edition, tmp_path / "first", cache)
    write_downloads(edition, tmp_path / "again", cache)
    assert _files(tmp_path / "cold") == _files(tmp_path / "first") == _files(tmp_path / "again")
    departments = [d for d in edition.departments if d.powers]
    kept = {p.name for p in (cache / RUNS_FOLDER).iterdir()}
    assert len(kept) == 3 * len(departments)  # catalogue.json, catalogue.csv and cpsv-ap.jsonld, by department
    record = next(powers.glob(f"{departments[0].slug}/*.yaml"))
    record.write_text(record.read_text(encoding="utf-8").replace("name: ", "name: 新", 1), encoding="utf-8")
    edited = make_edition(load_valid(powers), "public")
    write_downloads(edited, tmp_path / "edited-cold")
    write_downloads(edited, tmp_path / "edited", cache)
    assert _files(tmp_path / "edited") == _files(tmp_path / "edited-cold") != _files(tmp_path / "cold")
    now = {p.name for p in (cache / RUNS_FOLDER).iterdir()}
    assert len(now - kept) == 3 and len(now) == len(kept)  # the department's three runs made again, the old pruned
