"""The A–Z index (按拼音索引) and each department's 公开目录 (国办发〔2019〕54号): every power once, under the letter
of its name's pinyin read as a phrase, and one directory row of eight columns per power."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from factory import department, power, write_catalogue
from site_catalogues import FIXTURE

from generator.core.edition import make_edition
from generator.core.validate import load_valid
from generator.outputs import pinyin, wording
from generator.outputs.site import splits
from generator.outputs.site.pages import index_pages

SAMPLE = Path(__file__).resolve().parent.parent / "powers"
# Common power names whose first character is polyphonic, with the letter and reading they must get.
POLYPHONIC = [
    ("行政事业性收费许可", "X", "xíng zhèng shì yè xìng shōu fèi xǔ kě"),
    ("银行业金融机构设立审批", "Y", "yín háng yè jīn róng jī gòu shè lì shěn pī"),
    ("重新核发排污许可证", "C", "chóng xīn hé fā pái wū xǔ kě zhèng"),
    ("重大行政处罚决定备案", "Z", "zhòng dà xíng zhèng chǔ fá jué dìng bèi àn"),
    ("单位内部治安保卫检查", "D", "dān wèi nèi bù zhì ān bǎo wèi jiǎn chá"),
    ("长期护理保险定点机构确认", "C", "cháng qī hù lǐ bǎo xiǎn dìng diǎn jī gòu què rèn"),
    ("会计师事务所执业许可", "K", "kuài jì shī shì wù suǒ zhí yè xǔ kě"),
]
HEADERS = ["公开事项", "公开内容（要素）", "公开依据", "公开时限", "公开主体", "公开渠道和载体", "公开对象", "公开方式"]


def html(page: str) -> BeautifulSoup:
    return BeautifulSoup(page, "html.parser")


@contextlib.contextmanager
def rows_per_page(rows: int) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(splits, "MAX_ROWS", rows)
        yield


def az_entries(pages: dict[str, str]) -> list[tuple[str, str, str]]:
    """(letter, code, reading) of every entry of the A–Z index, whether on one page or split by letter."""
    found = []
    for path, text in sorted(pages.items()):
        if not path.startswith(wording.AZ_INDEX):
            continue
        soup = html(text)
        for item in soup.select("ul.qlqd-az li"):
            heading = item.find_parent("ul").find_previous_sibling("h2")
            letter = heading.get_text() if heading else path.split("/")[1].replace("other", "#")
            found.append((letter, item.select_one(".qlqd-code").get_text(), item.select_one(".qlqd-pinyin").get_text()))
    return found


def test_the_a_z_index_lists_every_public_power_once_under_its_letter():
    edition = make_edition(load_valid(SAMPLE), "public")
    entries = az_entries(index_pages(edition))
    names = {p.code: p.record.name for p in edition.powers()}
    assert sorted(code for _, code, _ in entries) == sorted(names)
    for letter, code, shown in entries:
        assert letter == pinyin.initial(names[code]) and shown == pinyin.reading(names[code]), code
    plain = [pinyin.sort_key(names[code]) for _, code, _ in entries]
    assert plain == sorted(plain)  # in pinyin order throughout


def test_polyphonic_names_are_listed_under_the_letter_of_their_phrase_reading(tmp_path):
    records = [power(f"FX01TJ-XK-{n:04d}", name=name) for n, (name, _, _) in enumerate(POLYPHONIC, 1)]
    edition = make_edition(load_valid(write_catalogue(tmp_path, {"tjj": (department(), records)})), "public")
    entries = az_entries(index_pages(edition))
    expected = [(letter, f"FX01TJ-XK-{n:04d}", shown) for n, (_, letter, shown) in enumerate(POLYPHONIC, 1)]
    assert sorted(entries) == sorted(expected)
    letters = [a.get_text() for a in html(index_pages(edition)["az/index.md"]).select("nav.qlqd-letters a")]
    assert letters == sorted({letter for _, letter, _ in POLYPHONIC})


def test_a_long_a_z_index_is_split_by_letter_and_still_lists_every_power_once():
    edition = make_edition(load_valid(SAMPLE), "public")
    with rows_per_page(2):
        pages = index_pages(edition)
    entries = az_entries(pages)
    assert sorted(code for _, code, _ in entries) == sorted(p.code for p in edition.powers())
    letters = html(pages["az/index.md"]).select("table.qlqd-counts tbody a")
    assert {a["href"].removeprefix("../") for a in letters} == {
        f"az/{pinyin.initial(p.record.name)}/" for p in edition.powers()
    }
    assert any(path.count("/") == 3 for path in pages if path.startswith("az/"))  # a letter on numbered pages


def directory_rows(text: str) -> list[dict[str, str]]:
    table = html(text).select_one("table.qlqd-directory")
    headers = [th.get_text() for th in table.select("thead th")]
    assert headers == HEADERS
    rows = [[td.get_text(" ", strip=True) for td in tr.find_all("td")] for tr in table.select("tbody tr")]
    return [dict(zip(headers, row, strict=True)) for row in rows]


def test_each_department_has_a_directory_row_of_eight_columns_per_power():
    edition = make_edition(load_valid(FIXTURE), "public")
    pages = index_pages(edition)
    for dept in edition.departments:
        rows = directory_rows(pages[wording.directory_page_path(dept.slug)]) if dept.powers else []
        assert [row["公开事项"].split()[-1] for row in rows] == [p.code for p in dept.powers]
        for row, shown in zip(rows, dept.powers, strict=True):
            record = shown.record
            assert row["公开时限"].startswith("自形成或者变更之日起20个工作日内")
            assert row["公开主体"] == dept.record.name
            assert row["公开渠道和载体"] == "、".join(record.disclosure.forms)
            assert (row["公开对象"], row["公开方式"]) == ("全社会", "主动公开")
            assert row["公开依据"].startswith("《中华人民共和国政府信息公开条例》")
            assert all(f"《{b.law}》" in row["公开依据"] for b in record.basis)
            assert row["公开内容（要素）"].startswith("事项名称、权力编码、权力类别、实施主体、权力依据")
            assert ("办理流程" in row["公开内容（要素）"]) == (record.procedure is not None)
    listed = [a["href"] for a in html(pages["directory/index.md"]).select("tbody a")]
    assert listed == [f"../directory/{d.slug}/" for d in edition.departments]


def test_the_internal_directory_lists_internal_powers_as_internal_and_no_confidential_one():
    edition = make_edition(load_valid(FIXTURE), "internal")
    rows = directory_rows(index_pages(edition)["directory/tjj/index.md"])
    by_code = {row["公开事项"].split()[-1]: row for row in rows}
    assert (by_code["FX01TJ-NB-0001"]["公开对象"], by_code["FX01TJ-NB-0001"]["公开方式"]) == ("部门内部", "内部公开")
    assert "FX01TJ-QT-0001" not in by_code  # confidential: in no edition's directory


def test_a_long_directory_is_cut_into_numbered_pages():
    edition = make_edition(load_valid(FIXTURE), "public")
    with rows_per_page(3):  # a directory page holds a third of another list's rows: one here
        pages = index_pages(edition)
    dept = next(d for d in edition.departments if len(d.powers) > 1)
    paths = [wording.numbered_page_path(wording.directory_page_path(dept.slug), n) for n in range(1, 10)]
    shown = [row["公开事项"].split()[-1] for path in paths if path in pages for row in directory_rows(pages[path])]
    assert shown == [p.code for p in dept.powers]
    pager = html(pages[paths[1]]).select_one("nav.qlqd-pager")
    assert pager is not None and "第 2 页" in pager.get_text()
