"""Attachments (materials[].form_file, sample_file): what check refuses beyond the one case per code in
tests/bad/, what an edition holds, the copies in the site and the links on the power's page."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from generator.core.edition import make_edition
from generator.core.validate import check_catalogue, load_valid
from generator.outputs.attachments import copy_attachments
from generator.outputs.site.pages import environment, power_page

BASE = Path(__file__).parent / "bad" / "_base" / "powers"
FIXTURE = Path(__file__).parent / "fixtures" / "pdf" / "powers"
RECORD = Path("scjg", "FX01SC-XK-0001.yaml")
PDF = b"%PDF-1.4\n%%EOF\n"


def _with_form(tmp_path: Path, written: str) -> Path:
    """The base catalogue with its permit's material naming written as its blank form, and a real form beside it."""
    root = shutil.copytree(BASE, tmp_path / "powers")
    (root / "scjg" / "forms").mkdir()
    (root / "scjg" / "forms" / "a.pdf").write_bytes(PDF)
    record = root / RECORD
    text = record.read_text(encoding="utf-8").replace(
        "    form: 原件\n", f"    form: 原件\n    form_file: '{written}'\n"
    )
    record.write_text(text, encoding="utf-8")
    return root


def _codes(root: Path) -> list[str]:
    _, report = check_catalogue(root)
    return [p.code for p in report.problems]


@pytest.mark.parametrize(
    "written",
    [
        "/etc/passwd.pdf",  # absolute
        "../scjg/forms/a.pdf",  # climbs out of the department, even to come back
        "forms/../forms/a.pdf",
        "./forms/a.pdf",
        "forms//a.pdf",
        "forms\\a.pdf",  # a Windows separator
        "C:/forms/a.pdf",
        "forms/a|b.pdf",  # a character no file name on Windows may hold
    ],
)
def test_unsafe_names_are_refused_before_the_disk_is_read(tmp_path, written):
    assert _codes(_with_form(tmp_path, written)) == ["E231"]


def test_a_form_in_the_department_folder_passes(tmp_path):
    assert _codes(_with_form(tmp_path, "forms/a.pdf")) == []


def test_a_folder_named_as_a_form_is_missing(tmp_path):
    root = _with_form(tmp_path, "forms/b.pdf")
    (root / "scjg" / "forms" / "b.pdf").mkdir()
    assert _codes(root) == ["E232"]


def test_a_symlink_within_the_catalogue_is_followed(tmp_path):
    root = _with_form(tmp_path, "forms/link.pdf")
    (root / "scjg" / "forms" / "link.pdf").symlink_to("a.pdf")
    assert _codes(root) == []


def test_a_form_of_another_department_is_not_reached(tmp_path):
    root = _with_form(tmp_path, "forms/a.pdf")
    shutil.move(root / "scjg" / "forms", root / "tjj" / "forms")
    assert _codes(root) == ["E232"]


@pytest.fixture(scope="module")
def edition():
    return make_edition(load_valid(FIXTURE), "public")


def test_the_edition_holds_the_checked_files_of_the_powers_it_shows_in_full(edition):
    held = {p.code: [(a.material, a.kind, a.name) for a in p.attachments] for p in edition.powers()}
    assert held["FX01TJ-XK-0001"] == [(0, "form", "form-1.pdf"), (0, "sample", "sample-1.docx")]
    assert all(not files for code, files in held.items() if code != "FX01TJ-XK-0001")
    assert "FX01TJ-NB-0001" not in held and "FX01TJ-JC-0001" not in held  # internal; confidential (withheld)


def test_the_internal_edition_keeps_the_files_of_internal_powers_and_none_of_confidential_ones():
    internal = make_edition(load_valid(FIXTURE), "internal")
    held = {p.code: len(p.attachments) for p in internal.powers()}
    assert held["FX01TJ-NB-0001"] == 1
    assert "FX01TJ-JC-0001" not in held  # reduced to four fields in every edition
    assert "FX01TJ-JC-0001" in {w.code for w in internal.withheld()}


def test_copies_are_the_files_under_stable_names_and_nothing_else(edition, tmp_path):
    written = copy_attachments(edition, tmp_path)
    assert written == ["powers/FX01TJ-XK-0001/form-1.pdf", "powers/FX01TJ-XK-0001/sample-1.docx"]
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()) == written
    source = FIXTURE / "tjj" / "forms"
    assert (tmp_path / written[0]).read_bytes() == (source / "申请表.pdf").read_bytes()
    assert (tmp_path / written[1]).read_bytes() == (source / "申请表-示范文本.docx").read_bytes()


def test_a_form_replaced_by_a_link_after_check_stops_the_copy(tmp_path):
    root = shutil.copytree(FIXTURE, tmp_path / "powers")
    edition = make_edition(load_valid(root), "public")
    form = root / "tjj" / "forms" / "申请表.pdf"
    form.unlink()
    form.symlink_to("/etc/hostname")
    with pytest.raises(Exception, match="在检查后被删除或改动"):
        copy_attachments(edition, tmp_path / "site")


def _page(edition, code: str) -> BeautifulSoup:
    power = next(p for p in edition.powers() if p.code == code)
    return BeautifulSoup(
        power_page(environment(), power, "", edition.category_codes(), edition.catalogue), "html.parser"
    )


def test_the_power_page_links_each_form_beside_its_material(edition):
    soup = _page(edition, "FX01TJ-XK-0001")
    row = soup.select_one("td.qlqd-files").find_parent("tr")
    assert "涉外调查机构资格申请表" in row.get_text()
    links = [(a["href"], a.get_text()) for a in row.select("a")]
    assert links == [
        ("../../powers/FX01TJ-XK-0001/form-1.pdf", "空白表格"),
        ("../../powers/FX01TJ-XK-0001/sample-1.docx", "示范文本"),
    ]
    guide = [a["href"] for a in soup.select(".qlqd-downloads a")]
    assert "../../pdf/FX01TJ-XK-0001-guide.pdf" in guide


def test_a_page_without_forms_has_no_download_column(edition):
    soup = _page(edition, "FX01SJ-QR-0001")
    assert soup.select("td.qlqd-files") == [] and "表格下载" not in soup.get_text()
    assert "../../pdf/FX01SJ-QR-0001-guide.pdf" in [a["href"] for a in soup.select(".qlqd-downloads a")]
    assert "guide" not in str(_page(edition, "FX01TJ-CF-0001").select(".qlqd-downloads"))  # 依职权: no guide
