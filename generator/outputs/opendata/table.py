"""catalogue.csv: one row per public power in the seed's 职权目录 column order (the columns of `export`), then its
department, page and status; UTF-8 with a byte order mark so that Excel and WPS open it as UTF-8.

A cell a spreadsheet would run as a formula (starting with = + - @ or a tab) gets a leading apostrophe, and bidi
controls are shown as their code points, as on the site: the file is read by people in spreadsheets.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from generator.core.edition import Edition, EditionPower
from generator.outputs import wording
from generator.outputs.bidi import visible_controls
from generator.outputs.opendata.common import Download, site_root
from generator.outputs.opendata.runs import Runs
from generator.outputs.spreadsheet import COLUMNS, row_of

CSV_FILE = "catalogue.csv"
EXTRA_COLUMNS = ("实施部门", "状态", "页面地址")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(text: str) -> str:
    """A value as a cell that shows it as written."""
    shown = visible_controls(text)
    return "'" + shown if shown.startswith(_FORMULA_START) else shown


def csv_chunks(edition: Edition, runs: Runs) -> Iterator[bytes]:
    """catalogue.csv (with its byte order mark), a department's rows at a time."""
    yield ("\ufeff" + _line([*(c.title for c in COLUMNS), *EXTRA_COLUMNS])).encode("utf-8")
    root = site_root(edition)

    def row(power: EditionPower) -> bytes:
        page = wording.absolute_url(root, wording.power_url(power.code))
        extra = (power.department.name, power.record.status, page)
        return _line([cell(text) for text in (*row_of(power), *extra)]).encode("utf-8")

    yield from runs.of("catalogue.csv", row)


def _line(cells: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(cells)
    return out.getvalue()


def csv_file(edition: Edition, runs: Runs) -> Download:
    return Download(
        CSV_FILE,
        "职权目录（CSV）",
        "text/csv",
        "CSV",
        "每个公开事项一行，列的顺序同职权目录（项目名称、权力编码、权力类别、权力依据、公开形式、公开范围、公开时间、"
        "收费及依据标准、承办科室和负责人），其后是法定时限、承诺时限、实施部门、状态和页面地址；"
        "UTF-8 编码（带 BOM），可用 Excel 或 WPS 直接打开",
        lambda: csv_chunks(edition, runs),
    )
