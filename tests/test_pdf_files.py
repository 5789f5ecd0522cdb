"""The PDF files themselves, rendered from the fixture catalogue: sizes, fonts, text, QR codes, versions,
edges, what is left out, that splitting a shared document gives the same file as rendering alone, that a booklet
put together from its parts keeps its contents, links and outline, and that a run after an edit renders only
what the edit changed and gives the bytes of a run from scratch."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from generator.commands import main
from generator.core.edition import make_edition
from generator.core.validate import load_valid
from generator.outputs.pdf import write_pdfs
from generator.outputs.pdf.content import Booklet, booklet
from generator.outputs.pdf.html import booklet_html, chapter_html
from generator.outputs.pdf.jobs import with_charts
from generator.outputs.pdf.join import join
from generator.outputs.pdf.keys import data_key
from generator.outputs.pdf.render import render_chapter, render_frame, render_sheets
from generator.outputs.pdf.writer import Store, frame, plan, sheet_sources

pytestmark = pytest.mark.slow

FIXTURE = Path(__file__).parent / "fixtures" / "pdf" / "powers"
A4, A4_WIDE, A3_WIDE = (595, 842), (842, 595), (1191, 842)
PUBLIC = ["FX01SJ-QR-0001", "FX01TJ-CF-0001", "FX01TJ-XK-0001"]
GUIDES = ["FX01SJ-QR-0001", "FX01TJ-XK-0001"]
HIDDEN = ["保密核查科", "密级核查专用条款甲", "秘密启动条件乙", "秘密核查步骤丙", "保密核查岗丁"]
INTERNAL = ["FX01TJ-NB-0001", "机关内部经费支出审批", "财务科内部岗戊", "内部审批步骤庚", "内部财务管理规定己"]


def run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def text_of(path: Path, *options: str) -> str:
    return run("pdftotext", "-enc", "UTF-8", *options, str(path), "-")


def flat(text: str) -> str:
    """Extracted text without the line breaks and spaces that wrapping puts in."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def built(tmp_path_factory, edition):
    work = tmp_path_factory.mktemp("pdf")
    stale = work / "site" / "pdf" / "FX01TJ-JC-0001.pdf"  # left by an older build, before it became confidential
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"%PDF-1.7 stale")
    written = write_pdfs(edition, work / "site", work / "cache")
    return work, written


@pytest.fixture(scope="module")
def pdf_dir(built):
    return built[0] / "site" / "pdf"


def test_writes_the_files_of_the_public_edition_and_removes_stale_ones(built, pdf_dir):
    names = sorted(p.relative_to(pdf_dir).as_posix() for p in pdf_dir.rglob("*.pdf"))
    expected = [f"{c}.pdf" for c in PUBLIC] + [f"{c}-a3.pdf" for c in PUBLIC]
    expected += [f"{c}-guide.pdf" for c in GUIDES]  # the public powers started on application
    expected += ["catalogue.pdf", "dept/scj.pdf", "dept/tjj.pdf"]
    assert names == sorted(expected)
    assert sorted(built[1]) == sorted(pdf_dir / n for n in expected)


def page_sizes(path: Path) -> set[tuple[int, int]]:
    return {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in PdfReader(path).pages}


def test_page_sizes(pdf_dir):
    for code in PUBLIC:
        assert page_sizes(pdf_dir / f"{code}.pdf") == {A4}
        assert page_sizes(pdf_dir / f"{code}-a3.pdf") == {A3_WIDE}
    for name in ("catalogue.pdf", "dept/tjj.pdf", "dept/scj.pdf"):
        sizes = page_sizes(pdf_dir / name)
        assert A4 in sizes and sizes <= {A4, A4_WIDE}  # cover and contents upright, the tables across


def test_every_sheet_is_one_page(pdf_dir):
    for code in PUBLIC:
        assert len(PdfReader(pdf_dir / f"{code}.pdf").pages) == 1
        assert len(PdfReader(pdf_dir / f"{code}-a3.pdf").pages) == 1


def test_fonts_are_noto_cjk_and_embedded(pdf_dir):
    for path in sorted(pdf_dir.rglob("*.pdf")):
        rows = run("pdffonts", str(path)).splitlines()[2:]
        assert rows, path
        for row in rows:
            assert "Noto" in row.split()[0], row
            assert re.search(r"\byes\s+yes\s+yes\b", row), f"{path.name}: {row}"  # emb sub uni


def test_card_text_holds_the_fields(pdf_dir):
    text = flat(text_of(pdf_dir / "FX01TJ-XK-0001.pdf"))
    for field in (
        "涉外调查机构资格认定初审",
        "FX01TJ-XK-0001",
        "行政许可",
        "复兴区统计局",
        "综合法规科",
        "《中华人民共和国统计法》第二十三条",
        "依法设立并具有独立法人资格的调查机构",
        "涉外调查机构资格申请表(原件2份)",
        "资格证书工本费:每本10至20元",
        "法定时限:20 个工作日",
        "承诺时限:10 个工作日",
        "区纪委监委:0310-1234567",
        "区统计局机关纪委",
        "要求说明理由",
        "政务服务热线:12345",
        "修订日期:2023年3月1日",
        "https://qlqd.example.gov.cn/powers/FX01TJ-XK-0001/",
        "权力运行流程图",
    ):
        assert flat(field) in text, field


def test_card_says_where_to_get_the_forms(pdf_dir):
    text = flat(text_of(pdf_dir / "FX01TJ-XK-0001.pdf"))
    assert flat("涉外调查机构资格申请表的空白表格和示范文本可扫码到网站本事项页面下载,或到服务窗口领取") in text
    assert "空白表格" not in flat(text_of(pdf_dir / "FX01TJ-CF-0001.pdf"))


def test_guide_is_a4_and_holds_the_card_and_the_detail(pdf_dir):
    path = pdf_dir / "FX01TJ-XK-0001-guide.pdf"
    assert page_sizes(path) == {A4}
    text = flat(text_of(path))
    assert "办事指南" in text and "办事指南" in run("pdfinfo", "-enc", "UTF-8", str(path))
    card = flat(text_of(pdf_dir / "FX01TJ-XK-0001.pdf"))
    for field in (
        "涉外调查机构资格认定初审",
        "FX01TJ-XK-0001",
        "综合法规科",
        "《中华人民共和国统计法》第二十三条",
        "依法设立并具有独立法人资格的调查机构",
        "法定时限:20 个工作日",
        "承诺时限:10 个工作日",
        "区纪委监委:0310-1234567",
        "政务服务热线:12345",
        "https://qlqd.example.gov.cn/powers/FX01TJ-XK-0001/",
    ):
        assert flat(field) in text and flat(field) in card, field
    for detail in (
        "表格获取",
        "网站下载(见附件)",
        "收费依据",
        "https://qlqd.example.gov.cn/powers/FX01TJ-XK-0001/form-1.pdf",
        "https://qlqd.example.gov.cn/powers/FX01TJ-XK-0001/sample-1.docx",
        "涉外调查机构资格申请表空白表格",
        "涉外调查机构资格申请表示范文本",
    ):
        assert flat(detail) in text, detail
    for step in edition_steps("FX01TJ-XK-0001"):
        assert flat(step) in text, step


def edition_steps(code: str) -> list[str]:
    """The names of a fixture record's steps, as written."""
    record = (FIXTURE / "tjj" / f"{code}.yaml").read_text(encoding="utf-8")
    return re.findall(r"^      name: (.+)$", record, re.M)


def test_guide_qr_code_decodes_to_the_page_url(pdf_dir, tmp_path):
    run(
        "pdftoppm",
        "-r",
        "150",
        "-png",
        "-f",
        "1",
        "-l",
        "1",
        str(pdf_dir / "FX01TJ-XK-0001-guide.pdf"),
        str(tmp_path / "p"),
    )
    decoded = run("zbarimg", "--raw", "-q", str(next(tmp_path.glob("p*.png")))).strip()
    assert decoded == "https://qlqd.example.gov.cn/powers/FX01TJ-XK-0001/"


def test_guide_without_attachments_says_so(pdf_dir):
    text = flat(text_of(pdf_dir / "FX01SJ-QR-0001-guide.pdf"))
    assert "十一、附件无" in text and "如需表格" in text


def test_card_without_fee_or_limit_says_so(pdf_dir):
    text = flat(text_of(pdf_dir / "FX01SJ-QR-0001.pdf"))
    assert "不收费" in text and "法定时限:无明确规定" in text and "承诺时限:无明确规定" in text


def test_record_text_prints_as_written(pdf_dir):
    for name in ("FX01SJ-QR-0001.pdf", "FX01SJ-QR-0001-a3.pdf", "catalogue.pdf"):
        text = flat(text_of(pdf_dir / name))
        assert flat("食品经营备案确认<script>alert(1)</script>{{ 7*191 }}") in text, name
        assert "1337" not in text


def test_poster_holds_the_title_and_seven_elements(pdf_dir):
    text = flat(text_of(pdf_dir / "FX01TJ-CF-0001-a3.pdf"))
    for field in (
        "对统计违法行为的行政处罚",
        "启动条件",
        "依举报:接到公民、法人或其他组织的举报",
        "调查取证(执法人员,5 个工作日)",
        "法定时限:30 个工作日",
        "区统计局机关纪委:0310-7654322",
        "申请听证",
        "投诉举报",
        "修订日期:2024年6月15日",
    ):
        assert flat(field) in text, field


@pytest.mark.parametrize("name", ["FX01TJ-CF-0001.pdf", "FX01TJ-CF-0001-a3.pdf"])
def test_flowchart_text_and_its_legend_are_in_the_pdf(pdf_dir, name):
    text = flat(text_of(pdf_dir / name))
    for item in ("1.立案", "2.调查取证", "6.撤销立案", "公开:出示执法证件", "拟作出处罚", "办结", "按所注条件分支"):
        assert flat(item.replace(":", "：")) in text, item


def test_every_sheet_shows_its_whole_chart_and_legend_on_its_first_page(pdf_dir):
    """The card's chart floats beside its text: were it taller than the page, its end would go onto the next
    sheet of the shared document. Every sheet shows the last key of its own legend, once, on its first page."""
    for name in [f"{c}.pdf" for c in PUBLIC] + [f"{c}-a3.pdf" for c in PUBLIC]:
        first = flat(text_of(pdf_dir / name, "-f", "1", "-l", "1"))
        assert first.count("转交另一岗位办理") == 1, name
        assert first.index("权力运行流程图") < first.index("转交另一岗位办理"), name


def word_sizes(path: Path, words: set[str]) -> list[float]:
    """The font size (pt) of every word of the PDF that is one of words: a Noto Sans CJK line box is 1.448 em."""
    bbox = text_of(path, "-bbox")
    found = re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', bbox)
    return [(float(y1) - float(y0)) / 1.448 for y0, y1, word in found if word in words]


def test_chart_text_is_large_on_paper(pdf_dir):
    chart_only = {"办结", "撤销立案", "局长办公会", "拟作出"}  # a step, a post, a branch: the chart's words alone
    poster = word_sizes(pdf_dir / "FX01TJ-CF-0001-a3.pdf", chart_only)
    card = word_sizes(pdf_dir / "FX01TJ-CF-0001.pdf", chart_only)
    assert len(poster) >= 4 and min(poster) >= 12  # legible from a metre away
    assert len(card) >= 4 and min(card) >= 10.5  # as large as the card's body text, for this short procedure


@pytest.mark.parametrize("name", ["FX01TJ-CF-0001.pdf", "FX01TJ-CF-0001-a3.pdf"])
def test_qr_code_decodes_to_the_page_url(pdf_dir, tmp_path, name):
    run("pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(pdf_dir / name), str(tmp_path / "page"))
    image = next(tmp_path.glob("page*.png"))
    decoded = run("zbarimg", "--raw", "-q", str(image)).strip()
    assert decoded == "https://qlqd.example.gov.cn/powers/FX01TJ-CF-0001/"


def test_version_on_the_sheet_changes_with_the_record_and_only_then(edition, tmp_path):
    power = next(p for p in edition.powers() if p.code == "FX01TJ-CF-0001")
    changed = dataclasses.replace(power, record=power.record.model_copy(update={"office": "执法检查二科"}))
    editions = [edition, dataclasses.replace(edition, departments=[_with(d, changed) for d in edition.departments])]
    versions, files = [], []
    for n, ed in enumerate([*editions, edition]):
        out = tmp_path / f"out{n}"
        write_pdfs(ed, out, tmp_path / f"cache{n}")  # a cache each: every file is rendered anew
        card = out / "pdf" / "FX01TJ-CF-0001.pdf"
        versions.append(re.search(r"版本:\s*([0-9a-f]{8})", text_of(card)).group(1))
        files.append(card.read_bytes())
    assert versions[0] != versions[1]
    assert versions[0] == versions[2]
    assert files[0] == files[2]  # and the same bytes


def _with(dept, power):
    powers = [power if p.code == power.code else p for p in dept.powers]
    return dataclasses.replace(dept, powers=powers)


def test_split_file_is_the_same_as_the_sheet_rendered_alone(edition, tmp_path):
    sheets = with_charts("card", sheet_sources(edition, "card"), tmp_path / "charts")
    together = render_sheets("card", sheets)
    alone = [render_sheets("card", [sheet])[0] for sheet in sheets]
    assert len(together) == len(sheets) and together == alone


def test_cached_files_are_reused(built, edition):
    work, _ = built
    before = {p: p.stat().st_mtime_ns for p in (work / "cache" / "pdf").glob("*.pdf")}
    out = work / "again"
    write_pdfs(edition, out, work / "cache")
    after = {p: p.stat().st_mtime_ns for p in (work / "cache" / "pdf").glob("*.pdf")}
    assert after == before
    assert (out / "pdf" / "catalogue.pdf").read_bytes() == (work / "site" / "pdf" / "catalogue.pdf").read_bytes()


def test_an_edit_renders_only_what_it_changed_and_gives_the_bytes_of_a_run_from_scratch(built, edition, tmp_path):
    """A record of tjj edited: its card, its poster, tjj's chapter and the two booklets that hold it are made
    again (with their frames if the pages moved), nothing of scj; what is no longer used leaves the cache; and
    every file is the same as a run with an empty cache gives."""
    cache = shutil.copytree(built[0] / "cache", tmp_path / "cache")
    before = set((cache / "pdf").iterdir())
    edited = _edited(edition, "FX01TJ-CF-0001", office="执法检查二科")
    write_pdfs(edited, tmp_path / "incremental", cache)
    store = Store(cache / "pdf")
    outputs = {o.path: o for o in plan(edited)}
    tjj = outputs["pdf/dept/tjj.pdf"].booklet
    scj = outputs["pdf/dept/scj.pdf"].booklet
    chapter = data_key("chapter", tjj.chapters[0])
    expected = {
        outputs[f"pdf/{name}.pdf"].key for name in ("FX01TJ-CF-0001", "FX01TJ-CF-0001-a3", "dept/tjj", "catalogue")
    }
    frames = {frame(book, store)[1] for book in (tjj, outputs["pdf/catalogue.pdf"].booklet)}
    made = {p.name for p in set((cache / "pdf").iterdir()) - before}
    assert {f"{key}.pdf" for key in expected} | {f"{chapter}.pdf", f"{chapter}.json"} <= made
    assert made - {f"{key}.pdf" for key in expected | frames} == {f"{chapter}.pdf", f"{chapter}.json"}
    assert data_key("chapter", scj.chapters[0]) in {p.stem for p in before}  # scj's chapter: kept, not made again
    assert {p.name for p in (cache / "pdf").iterdir()} == {p.name for p in _used(store, outputs.values())}
    write_pdfs(edited, tmp_path / "scratch", tmp_path / "empty cache")
    assert _tree(tmp_path / "incremental") == _tree(tmp_path / "scratch")


def _edited(edition, code, **changes):
    """The edition with one record changed."""
    power = next(p for p in edition.powers() if p.code == code)
    changed = dataclasses.replace(power, record=power.record.model_copy(update=changes))
    return dataclasses.replace(edition, departments=[_with(d, changed) for d in edition.departments])


def _used(store, outputs):
    """Every file the cache should hold for these outputs: theirs, their chapters' (with anchors) and frames'."""
    books = [o.booklet for o in outputs if o.booklet is not None]
    chapters = {data_key("chapter", c) for book in books for c in book.chapters}
    keys = {o.key for o in outputs} | chapters | {frame(book, store)[1] for book in books}
    return [store.file(key) for key in keys] + [store.file(key, ".json") for key in chapters]


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_booklet_keeps_its_outline_destinations_and_contents_links(pdf_dir):
    """Put together from a frame and a chapter per department, the booklet is one document: its outline runs
    cover, contents, then each department with its three sections, each at its page; every link of the contents
    goes to the page of the heading it names; each page carries its own number once."""
    reader = PdfReader(pdf_dir / "catalogue.pdf")
    outline = _outline(reader, reader.outline)
    sections = ["一、职权目录", "二、涉密不宜公开行政职权目录", "三、流程时限表"]
    assert [title for title, _ in outline] == [
        "复兴区人民政府",
        "目录",
        "复兴区市场监督管理局",
        *sections,
        "复兴区统计局",
        *sections,
    ]
    assert [page for _, page in outline] == [0, 1, 2, 2, 2, 2, 3, 3, 3, 3]
    dests = {name: reader.get_destination_page_number(d) for name, d in reader.named_destinations.items()}
    assert dests["dept-scj"] == 2 and dests["dept-tjj"] == 3 and dests["dept-tjj-process"] == 3
    links = [a.get_object()["/Dest"] for a in reader.pages[1].get("/Annots") or []]
    assert set(links) == set(dests) and len(links) == 3 * len(dests)
    assert reader.trailer["/Root"]["/Lang"] == "zh-CN" and reader.metadata.title == "复兴区人民政府 行政职权目录"
    for number in range(2, len(reader.pages) + 1):
        page = flat(text_of(pdf_dir / "catalogue.pdf", "-f", str(number), "-l", str(number)))
        assert re.findall(r"第\d+页共\d+页", page) == [f"第{number}页共{len(reader.pages)}页"], number


def _outline(reader, items, found=None):
    """The outline as (title, page index) pairs, depth first."""
    found = [] if found is None else found
    for item in items:
        if isinstance(item, list):
            _outline(reader, item, found)
        else:
            found.append((item.title, reader.get_destination_page_number(item)))
    return found


def test_nothing_of_confidential_or_internal_powers_is_printed(pdf_dir):
    for path in sorted(pdf_dir.rglob("*.pdf")):
        text = text_of(path) + run("pdfinfo", "-enc", "UTF-8", str(path))
        for secret in HIDDEN + INTERNAL:
            assert secret not in flat(text), f"{secret} in {path.name}"


def test_booklet_lists_the_confidential_power_with_its_four_fields(pdf_dir):
    for name in ("catalogue.pdf", "dept/tjj.pdf"):
        text = flat(text_of(pdf_dir / name))
        assert "涉密不宜公开行政职权目录" in text
        assert flat("FX01TJ-JC-0001 重大国情国力调查数据核查 行政检查 涉及国家秘密") in flat(
            text_of(pdf_dir / name, "-layout")
        )
    assert "FX01TJ-JC-0001" not in text_of(pdf_dir / "dept/scj.pdf")


def test_booklet_has_the_seed_columns_page_numbers_and_contents(pdf_dir):
    path = pdf_dir / "catalogue.pdf"
    pages = len(PdfReader(path).pages)
    text = flat(text_of(path))
    for column in (
        "项目名称",
        "权力编码",
        "权力类别",
        "权力依据",
        "公开形式/范围/时间",
        "收费及依据标准",
        "承办科室和负责人",
    ):
        assert column in text, column
    for column in ("承办岗位", "办理流程", "法定时限", "承诺时限", "不公开理由"):
        assert column in text, column
    for number in range(2, pages + 1):
        assert f"第{number}页共{pages}页" in text
    contents = flat(text_of(path, "-f", "2", "-l", "2"))
    tjj_page = next(n for n in range(3, pages + 1) if "复兴区统计局" in text_of(path, "-f", str(n), "-l", str(n)))
    assert re.search(rf"复兴区统计局\.+{tjj_page}", contents), contents


def test_long_tables_run_over_pages_with_their_headers(tmp_path):
    edition = make_edition(load_valid(_many_powers(tmp_path / "powers", 40)), "public")
    book = booklet(edition, edition.departments, edition.catalogue.name)
    path = tmp_path / "long.pdf"
    path.write_bytes(booklet_pdf(book))
    pages = len(PdfReader(path).pages)
    table_pages = [n for n in range(3, pages + 1) if "FX01TJ-XK-" in text_of(path, "-f", str(n), "-l", str(n))]
    assert len(table_pages) >= 3
    for n in table_pages:
        assert "项目名称" in text_of(path, "-f", str(n), "-l", str(n)), n


def booklet_pdf(book: Booklet) -> bytes:
    """A booklet rendered and put together as the PDF stage does, without a cache."""
    chapters = [render_chapter(chapter_html(c)) for c in book.chapters]
    leaves = {c.anchor: anchors for c, (_, anchors) in zip(book.chapters, chapters, strict=True)}
    return join(render_frame(booklet_html(book, leaves)), [pdf for pdf, _ in chapters])


def _many_powers(root: Path, count: int) -> Path:
    shutil.copytree(FIXTURE, root)
    template = (root / "tjj" / "FX01TJ-XK-0001.yaml").read_text(encoding="utf-8")
    for n in range(2, count + 1):
        code = f"FX01TJ-XK-{n:04d}"
        (root / "tjj" / f"{code}.yaml").write_text(template.replace("FX01TJ-XK-0001", code), encoding="utf-8")
    return root


def test_nothing_is_cut_at_the_page_edges(pdf_dir):
    edge = 5 * 72 / 25.4  # what most printers cannot print on: 5 mm
    for path in sorted(pdf_dir.rglob("*.pdf")):
        bbox = text_of(path, "-bbox")
        for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', bbox, re.S):
            width, height = float(page.group(1)), float(page.group(2))
            for word in re.finditer(
                r'xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)"', page.group(3)
            ):
                x0, y0, x1, y1 = (float(v) for v in word.groups())
                assert edge <= x0 and edge <= y0 and x1 <= width - edge and y1 <= height - edge, (
                    f"{path.name}: {word.group(0)}"
                )


def test_booklet_text_is_at_least_10_5_points(pdf_dir):
    bbox = text_of(pdf_dir / "catalogue.pdf", "-bbox")
    heights = [float(b) - float(a) for a, b in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', bbox)]
    # a Noto Sans CJK line box is 1.448 em high: 10.5 pt text gives words 15.2 pt high
    assert min(heights) >= 10.5 * 1.448 - 0.1


def test_cli_writes_the_pdfs_under_out(tmp_path):
    result = CliRunner().invoke(
        main, ["pdf", "--powers", str(FIXTURE), "--out", str(tmp_path / "site"), "--cache", str(tmp_path / "c")]
    )
    assert result.exit_code == 0, result.output
    assert "已生成 11 个 PDF 文件" in result.output
    assert (tmp_path / "site" / "pdf" / "dept" / "tjj.pdf").is_file()


def test_cli_refuses_a_broken_catalogue_and_writes_nothing(tmp_path):
    powers = tmp_path / "powers"
    shutil.copytree(FIXTURE, powers)
    record = next(powers.glob("*/FX01*.yaml"))
    record.write_text(record.read_text(encoding="utf-8").replace("status: 有效", "status: 作废"), encoding="utf-8")
    result = CliRunner().invoke(main, ["pdf", "--powers", str(powers), "--out", str(tmp_path / "site")])
    assert result.exit_code == 1
    assert "E104 「状态」的值「作废」无效" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "site").exists()
