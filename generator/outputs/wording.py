"""What readers are told in the same words wherever they read it (the site, the flowcharts, the printed sheets):
time limits, legal basis, fees, dates, the flowchart's legend, and where each page and PDF of the site lives.

Site paths and URLs are relative to the site's root. A page's URL ends in "/" and MkDocs makes it from the
Markdown file <url>index.md. A department's folder name may hold any character: file paths keep it as
written, links percent-encode it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import NamedTuple
from urllib.parse import quote

from generator.core.model import Basis, Fee, PowerRecord, Revision, TimeLimit

NO_RULE = "无明确规定"  # a time limit, condition, right or channel that no rule sets
NO_FEE = "不收费"

# ---- time limits -------------------------------------------------------------------------------------


def days_text(days: int | None, unit: str) -> str:
    """A power's 法定 or 承诺时限: 20 -> 20 个工作日; 0 -> 即办; None -> 无明确规定."""
    if days is None:
        return NO_RULE
    return "即办" if days == 0 else f"{days} 个{unit}"


def limit_texts(limit: TimeLimit | None) -> tuple[str, str]:
    """A power's (法定时限, 承诺时限)."""
    limit = limit or TimeLimit()
    return days_text(limit.statutory, limit.unit), days_text(limit.promised, limit.unit)


def step_days_text(days: int, unit: str, *, compact: bool = False) -> str:
    """A step's limit: 5 -> 5 个工作日; 0 -> 即时. Compact (5个工作日) in the narrow boxes of a printed chart."""
    if days == 0:
        return "即时"
    return f"{days}{'' if compact else ' '}个{unit}"


def saving_text(limit: TimeLimit | None) -> str:
    """How much shorter the promised limit is than the statutory one, e.g. 比法定时限缩短 50%."""
    if limit is None or limit.statutory is None or limit.promised is None or limit.statutory == 0:
        return ""
    if limit.promised == limit.statutory:
        return "与法定时限相同"
    percent = (200 * (limit.statutory - limit.promised) + limit.statutory) // (2 * limit.statutory)  # half up
    return f"比法定时限缩短 {percent}%"


# ---- legal basis, fees, dates --------------------------------------------------------------------------


def basis_text(basis: Basis) -> str:
    """A legal basis on one line: 《法律名称》条款, the title marks added unless the editor wrote them."""
    law = basis.law if basis.law.startswith("《") else f"《{basis.law}》"
    return law + (basis.articles or "")


def fee_text(fee: Fee) -> str:
    """A fee on one line: 项目:标准(依据:收费依据)."""
    return f"{fee.item}:{fee.standard}(依据:{fee.basis})"


def fee_lines(fees: Sequence[Fee]) -> list[str]:
    """A power's fees, one line each, or 不收费."""
    return [fee_text(f) for f in fees] or [NO_FEE]


def web_date(day: dt.date) -> str:
    """A date as the site shows it: 2023-03-01."""
    return day.isoformat()


def printed_date(day: dt.date) -> str:
    """A date as the sheets print it: 2023年3月1日."""
    return f"{day.year}年{day.month}月{day.day}日"


# ---- revisions and status ------------------------------------------------------------------------------

NEW, CHANGED = "新增", "变更"
HALTED = ("暂停", "取消")  # a power with one of these statuses keeps its page, with a banner saying so


def revision_kind(record: PowerRecord, revision: Revision) -> str:
    """What a revision did, as the 修订动态 page and the feeds say it: the newest revision of a suspended or
    cancelled power is its 暂停 or 取消, the first one 新增, any other 变更."""
    at = record.revisions.index(revision)
    if at == len(record.revisions) - 1 and record.status in HALTED:
        return record.status
    return NEW if at == 0 else CHANGED


def status_notice(record: PowerRecord) -> str:
    """The banner of a suspended or cancelled power: since when (its newest revision), and why; "" otherwise."""
    if record.status not in HALTED:
        return ""
    done = "暂停实施" if record.status == "暂停" else "取消"
    why = ":" + record.revisions[-1].note.rstrip("。") if record.revisions else ""
    return f"本事项已于 {web_date(record.last_revised)} {done}{why}。"


# ---- the flowchart's legend ----------------------------------------------------------------------------


class Arrow(NamedTuple):
    style: str  # how it is drawn: DOT's edge style and the sheets' CSS class ("" for a plain line)
    name: str
    meaning: str


ARROWS = (
    Arrow("", "实线箭头", "依次办理"),
    Arrow("dashed", "虚线箭头", "按所注条件分支"),
    Arrow("bold", "粗线箭头", "转交另一岗位办理"),
)
PRINTED_BOX = "步骤、承办岗位、办理时限"  # what a box of a printed chart holds (the web chart names its fields)
FILTER_DEPARTMENT, FILTER_CATEGORY = "实施部门", "权力类别"  # the search box's filters (Pagefind's filter names)
INTERNAL_MARK = "内部公开"  # an internal-scope power, as the internal edition marks it in pages, lists and search
ROBOTS_NOINDEX = "User-agent: *\nDisallow: /\n"  # the internal edition's robots.txt
DIRECTORY_DEFAULT_TIMING = "自形成或者变更之日起20个工作日内"  # 公开时限 where no record gives one (国办发〔2019〕54号)

# ---- the site's paths and URLs -------------------------------------------------------------------------

HOME = ""
DEPARTMENTS = "departments/"
CATEGORIES = "categories/"
WITHHELD = "withheld/"
FEES = "fees/"
DISCRETION = "discretion/"
CHANGES = "changes/"
DATA = "data/"  # 开放数据: the page, with the downloads beside it
LAWS = "laws/"  # 法律依据索引
FEED = "feed.xml"  # an Atom feed, beside the page it belongs to (the home page, each department's page)
DISPLAY = "display/"  # the hall's display screen: a page of its own, outside the theme
ACCESSIBILITY = "accessibility/"  # the 无障碍说明: generated, since it names the catalogue's contacts
AZ_INDEX = "az/"  # 按拼音索引
DIRECTORY = "directory/"  # 公开目录, one page per department
FLOWCHART_GUIDE = "flowchart-guide/"  # hand-written: content/flowchart-guide.md
PDF_FOLDER = "pdf"
HANT_FOLDER = "zh-hant"  # the Traditional Chinese edition of the site (outputs/traditional.py)
HANT_NOTE = "本页为繁体中文版，由简体中文版自动转换；PDF 文件（办事明白卡、流程图海报、权力清单）只有简体中文版。"
CATALOGUE_PDF = f"{PDF_FOLDER}/catalogue.pdf"


def byte_size(size: int) -> str:
    """A file's size as the site shows it: 372 KB, 5.7 KB, 812 字节."""
    if size < 1000:
        return f"{size} 字节"
    kb = size / 1000
    return f"{kb:.1f} KB" if kb < 100 else f"{kb:.0f} KB" if kb < 1000 else f"{kb / 1000:.1f} MB"


def page_path(url: str) -> str:
    """The Markdown file of a page whose URL needs no encoding: departments/ -> departments/index.md."""
    return f"{url}index.md"


def directory_url(slug: str) -> str:
    return f"{DIRECTORY}{quote(slug, safe='')}/"


def directory_page_path(slug: str) -> str:
    return f"{DIRECTORY}{slug}/index.md"


def power_url(code: str) -> str:
    return f"powers/{code}/"


def power_page_path(code: str) -> str:
    return page_path(power_url(code))


def category_url(code: str) -> str:
    return f"{CATEGORIES}{code}/"


def category_page_path(code: str) -> str:
    return page_path(category_url(code))


def department_url(slug: str) -> str:
    return f"{DEPARTMENTS}{quote(slug, safe='')}/"


def department_page_path(slug: str) -> str:
    return f"{DEPARTMENTS}{slug}/index.md"


def department_category_url(slug: str, code: str) -> str:
    """A long department's powers of one category, on pages of their own."""
    return f"{department_url(slug)}{code}/"


def department_category_page_path(slug: str, code: str) -> str:
    return f"{DEPARTMENTS}{slug}/{code}/index.md"


def department_category_anchor(slug: str, code: str) -> str:
    """A category's heading on a department's page (a department of one page)."""
    return f"{department_url(slug)}#cat-{code}"


def section_department_url(section: str, slug: str) -> str:
    """One department's part of a long section list: fees/<slug>/."""
    return f"{section}{quote(slug, safe='')}/"


def section_department_page_path(section: str, slug: str) -> str:
    return f"{section}{slug}/index.md"


def numbered_url(url: str, number: int) -> str:
    """Page `number` of a list cut into pages: the first at url, the others at url + 2/, 3/ …"""
    return url if number == 1 else f"{url}{number}/"


def numbered_page_path(path: str, number: int) -> str:
    return path if number == 1 else f"{path.removesuffix('index.md')}{number}/index.md"


def attachment_path(code: str, name: str) -> str:
    """A power's attachment (a blank or a sample filled-in form) in the site: powers/<CODE>/form-1.pdf."""
    return f"{power_url(code)}{name}"


ATTACHMENT_LABELS = {"form": "空白表格", "sample": "示范文本"}
ATTACHMENT_WHERE = "空白表格和示范文本可扫码到网站本事项页面下载,或到服务窗口领取"


def card_pdf(code: str) -> str:
    """The power's A4 办事明白卡."""
    return f"{PDF_FOLDER}/{code}.pdf"


def poster_pdf(code: str) -> str:
    """The power's A3 流程图海报."""
    return f"{PDF_FOLDER}/{code}-a3.pdf"


def guide_pdf(code: str) -> str:
    """The power's 办事指南 (a public power started on application)."""
    return f"{PDF_FOLDER}/{code}-guide.pdf"


def department_pdf(slug: str) -> str:
    """The department's 职权目录 booklet."""
    return f"{PDF_FOLDER}/dept/{slug}.pdf"


def department_pdf_url(slug: str) -> str:
    return f"{PDF_FOLDER}/dept/{quote(slug, safe='')}.pdf"


def area_name(government: str) -> str:
    """The area a government serves, for machine-readable data: 复兴区人民政府 -> 复兴区."""
    return government.removesuffix("人民政府") or government


def absolute_url(site_url: str, url: str) -> str:
    """A URL of the site on its host, for the QR codes: https://host/ + powers/<CODE>/."""
    return f"{site_url.rstrip('/')}/{url}"


def safe_url(url: str) -> str:
    """The catalogue's site_url percent-encoded so that it cannot break out of an attribute or XML text."""
    quoted = quote(url, safe="/:%-._~@!$()*+,;=")
    return quoted if quoted.endswith("/") else quoted + "/"


# ---- phone numbers ------------------------------------------------------------------------------------

PHONE = re.compile(r"\+?[0-9][0-9 ()\-]*[0-9]")


def tel_href(text: str) -> str | None:
    """A `tel:` link for a text that is one phone number and nothing else (0310-7654321, 12345), else None:
    an address or a sentence with a number in it stays plain text."""
    number = text.strip()
    if not PHONE.fullmatch(number) or sum(c.isdigit() for c in number) < 3:
        return None
    return "tel:" + "".join(c for c in number if c.isdigit() or c == "+")
