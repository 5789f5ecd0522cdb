"""The catalogue as a spreadsheet (XLSX, with openpyxl), written by `export`: the columns of outputs/spreadsheet.py.

Every column is written so that `import` reads it back as the same values (fees as 项目:标准(依据:文件), time limits as
20个自然日), so a department can export its sheet, edit it and import it again. Built from an edition only: the public
edition leaves out internal-scope powers and lists confidential ones, by code, name, category and reason alone, on a
separate sheet. Cells are always stored as text, never as formulas, and the file's bytes depend only on the catalogue
(and SOURCE_DATE_EPOCH). A module of its own: openpyxl takes a tenth of a second to import, which a build need not pay.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from generator.core.edition import Edition, EditionPower
from generator.outputs.spreadsheet import COLUMNS, row_of

WITHHELD_COLUMNS = ("项目名称", "权力编码", "权力类别", "不公开理由")
MAIN_SHEET, WITHHELD_SHEET = "行政职权目录", "涉密不宜公开目录"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # not allowed in XLSX XML
_ZIP_EPOCH = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)  # the earliest time a zip entry can carry


def _ordered(edition: Edition) -> list[EditionPower]:
    """Powers by department, then category in the catalogue's order, then code."""
    order = {name: i for i, name in enumerate(edition.category_codes())}
    return [
        p
        for d in edition.departments
        for p in sorted(d.powers, key=lambda p: (order.get(p.record.category, 99), p.code))
    ]


def put(ws: Worksheet, row: int, column: int, text: str) -> None:
    """Write text as text: a value that a spreadsheet would run as a formula is stored as a plain string."""
    cell = ws.cell(row, column)
    cell.value = _ILLEGAL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))  # XML reads CR as LF anyway
    cell.data_type = "s"  # openpyxl would otherwise store "=…" as a formula
    if text.startswith(_FORMULA_START):
        cell.quotePrefix = True  # Excel and WPS show it as typed text, even after editing the cell
    cell.alignment = Alignment(wrap_text=True, vertical="top")


def _sheet(ws: Worksheet, header: tuple[str, ...], rows: list[tuple[str, ...]], widths: tuple[int, ...]) -> None:
    for column, (title, width) in enumerate(zip(header, widths, strict=True), start=1):
        put(ws, 1, column, title)
        ws.cell(1, column).font = Font(bold=True)
        ws.column_dimensions[ws.cell(1, column).column_letter].width = width
    for r, values in enumerate(rows, start=2):
        for c, text in enumerate(values, start=1):
            put(ws, r, c, text)
    ws.freeze_panes = "A2"


def workbook(edition: Edition, stamp: dt.datetime) -> Workbook:
    book = Workbook()
    main = book.active
    main.title = MAIN_SHEET
    titles, widths = tuple(c.title for c in COLUMNS), tuple(c.width for c in COLUMNS)
    _sheet(main, titles, [row_of(p) for p in _ordered(edition)], widths)
    withheld = [(w.name, w.code, w.category, w.reason) for w in sorted(edition.withheld(), key=lambda w: w.code)]
    _sheet(book.create_sheet(WITHHELD_SHEET), WITHHELD_COLUMNS, withheld, (36, 18, 12, 36))
    props = book.properties
    props.creator = props.lastModifiedBy = edition.catalogue.name
    props.title = f"{edition.catalogue.name}行政职权目录"
    props.created = props.modified = stamp.replace(tzinfo=None)
    return book


def timestamp(edition: Edition) -> dt.datetime:
    """SOURCE_DATE_EPOCH when set, else the newest revision date among the powers shown."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return max(dt.datetime.fromtimestamp(int(epoch), dt.UTC), _ZIP_EPOCH)
    dates = [p.record.last_revised for p in edition.powers()]
    newest = max(dates, default=_ZIP_EPOCH.date())
    return max(dt.datetime(newest.year, newest.month, newest.day, tzinfo=dt.UTC), _ZIP_EPOCH)


def xlsx_bytes(edition: Edition) -> bytes:
    """The workbook as bytes that depend only on the edition and SOURCE_DATE_EPOCH."""
    stamp = timestamp(edition)
    raw = io.BytesIO()
    ExcelWriter(workbook(edition, stamp), zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED)).save()
    return _fixed_zip(raw.getvalue(), stamp)


def _fixed_zip(data: bytes, stamp: dt.datetime) -> bytes:
    """The same archive with every entry's time set to stamp (zip stores the local time of writing)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info))
    return out.getvalue()
