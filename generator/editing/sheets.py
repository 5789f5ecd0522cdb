"""Reading a department's spreadsheet (XLSX or CSV) into rows, finding its header, and reading its cells.

Government spreadsheets have a title row above the header, header cells merged across two rows
or columns, blank rows, and numbers where text is meant; this module hides all of that. The cell
readers understand what departments write (二十个工作日, 受理→审查→决定, 《法》第X条) and what
`export` writes, so that an exported sheet reads back as the same values.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.core.problems import GeneratorError

# Field -> the header texts that name it, as departments write them.
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("事项名称", "职权名称", "项目名称", "权力名称", "权力事项名称", "行政职权名称", "职权事项", "权力事项"),
    "code": ("权力编码", "职权编码", "事项编码", "编码"),
    "category": ("职权类别", "事项类型", "权力类别", "权力类型", "职权类型", "事项类别", "类别", "类型"),
    "basis": ("实施依据", "设定依据", "权力依据", "法律依据", "法定依据", "依据"),
    "office_responsible": ("承办科室和负责人", "承办科室及负责人"),
    "office": ("承办机构", "承办科室", "承办部门", "责任科室", "办理科室", "承办单位"),
    "responsible": ("负责人", "责任人", "责任岗位"),
    "statutory": ("法定时限", "法定期限", "法定办结时限", "法定办理时限"),
    "promised": ("承诺时限", "承诺期限", "承诺办结时限", "承诺办理时限"),
    "fees": ("收费标准", "收费及依据标准", "收费情况", "是否收费", "收费"),
    "fee_basis": ("收费依据",),
    "procedure": ("办理流程", "办理程序", "运行流程", "办事流程", "流程"),
    "conditions": ("办理条件", "受理条件", "申请条件", "行使条件"),
    "materials": ("申请材料", "申报材料", "所需材料", "提交材料"),
    "forms": ("公开形式", "公开方式"),
    "scope": ("公开范围",),
    "timing": ("公开时间", "公开时限"),
    "trigger": ("行使方式", "启动方式"),
    "reason": ("不公开理由", "不予公开理由", "不宜公开理由", "涉密理由"),
    "skip": ("序号", "备注", "公开内容", "实施主体", "实施部门"),
}
_SYNONYMS = sorted(((s, f) for f, names in HEADERS.items() for s in names), key=lambda p: -len(p[0]))
_BRACKETS = re.compile(r"[((【\[].*?[))】\]]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\u2028\u2029]")
HEADER_SEARCH_ROWS = 30

_NUMBERED = r"(?<!\d)[0-9]{1,2}[、.．)](?!\d)|[((][0-9一二三四五六七八九十]{1,3}[))]|[①-⑳]"
_SPLIT_LIST = re.compile(rf"[\n;;]+|{_NUMBERED}")
_SPLIT_STEPS = re.compile(rf"\s*(?:→|->|—>|－>|⇒|➔|➝|⟶|\n|;|;|{_NUMBERED})\s*")
_LAW = re.compile(r"《([^》]+)》([^《;;\n]*)")
_NO_FEE = re.compile(r"^(?:不收费|免费|无收费|不收取)|^(?:无|否|0|0元|/|-|—)$")
# One fee as export writes it, 项目:标准(依据:文件), or a bare standard as departments write it.
_FEE = re.compile(r"^(?:(?P<item>[^::《》\n]{1,30})[::])?(?P<standard>.+?)(?:[((]依据[::](?P<basis>.+)[))])?$")
_NONE_TIME = {"无", "无规定", "无明确规定", "/", "-", "—", "不适用", "无法定时限"}
_INSTANT = {"即办", "即时", "当场", "当场办结", "即时办结", "立即"}
_EDGES = re.compile(r"^[\s。,,、.;;和及]+|[\s。,,、.;;和及]+$")
_DAYS = re.compile(r"[\d零一二三四五六七八九十百两]+个?(工作日|自然日|日历日|日|天)?(内)?")
_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2}


class SpreadsheetError(GeneratorError):
    """The file cannot be read as a spreadsheet; the message says why, in Chinese."""


class RowError(GeneratorError):
    """A row that cannot become a record; the message is the reason."""


@dataclass
class Sheet:
    """One worksheet: rows as (row number as the editor sees it, cell values)."""

    name: str
    rows: list[tuple[int, list[Any]]]


@dataclass
class Header:
    """Where a sheet's data starts, and which columns hold which field."""

    data_from: int  # index into Sheet.rows
    columns: dict[str, list[int]] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)  # statutory/promised -> unit named in the header


def cell_value(value: Any) -> Any:
    """A cell as plain data: stripped text, whole numbers as int, dates as dates, blanks as None."""
    if isinstance(value, str):
        text = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n").replace("\u3000", " ")).strip()
        return text or None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def read_sheets(path: Path) -> list[Sheet]:
    """Every sheet of an XLSX file, or the one table of a CSV file."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise SpreadsheetError(f"找不到文件:{path}")
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix in (".csv", ".txt"):
        return [_read_csv(path)]
    if suffix == ".xls":
        raise SpreadsheetError("不支持旧版 .xls 文件,请在 Excel 或 WPS 中「另存为」.xlsx 或 CSV 后再导入")
    raise SpreadsheetError(f"不支持的文件类型「{path.suffix or '无扩展名'}」,请使用 .xlsx 或 .csv 文件")


def _read_xlsx(path: Path) -> list[Sheet]:
    import openpyxl  # only the import command needs it

    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or mislabelled file
        reason = f"文件已损坏或不是 xlsx 格式({type(exc).__name__})"
        raise SpreadsheetError(f"无法读取电子表格 {path.name}:{reason}") from None
    sheets = []
    for ws in book.worksheets:
        grid = [[cell_value(v) for v in row] for row in ws.iter_rows(values_only=True)]
        for merged in ws.merged_cells.ranges:  # a merged cell's value belongs to every cell it covers
            value = grid[merged.min_row - 1][merged.min_col - 1]
            for r in range(merged.min_row - 1, min(merged.max_row, len(grid))):
                for c in range(merged.min_col - 1, min(merged.max_col, len(grid[r]))):
                    grid[r][c] = value
        sheets.append(Sheet(ws.title, list(enumerate(grid, start=1))))
    return sheets


def _read_csv(path: Path) -> Sheet:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SpreadsheetError(f"无法识别 {path.name} 的文字编码,请另存为 UTF-8 编码的 CSV")
    if "\x00" in text:
        raise SpreadsheetError(f"{path.name} 不是文本格式的 CSV 文件")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = [[cell_value(v) for v in row] for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as exc:
        raise SpreadsheetError(f"无法读取 CSV 文件 {path.name}:{exc}") from None
    return Sheet(path.stem, list(enumerate(rows, start=1)))


def _normal(text: str) -> str:
    return re.sub(r"\s+", "", _BRACKETS.sub("", text))


def header_field(value: Any) -> str | None:
    """The field a header cell names, if any."""
    if not isinstance(value, str):
        return None
    text = _normal(value)
    for synonym, name in _SYNONYMS:
        if text == synonym:
            return name
    for synonym, name in _SYNONYMS:
        if len(synonym) > 1 and text.startswith(synonym):
            return name
    return None


def _unit(value: Any) -> str | None:
    text = str(value or "")
    if "工作日" in text:
        return "工作日"
    if "自然日" in text or "天" in text:
        return "自然日"
    return None


def cell_at(cells: list[Any], column: int) -> Any:
    """The cell in a column, None past the end of a short row."""
    return cells[column] if column < len(cells) else None


def _row_fields(cells: list[Any]) -> dict[int, str]:
    return {i: f for i, v in enumerate(cells) if (f := header_field(v))}


def _continues(top: list[Any], below: list[Any], top_fields: dict[int, str]) -> dict[int, str]:
    """Fields named by a second header row (under merged cells), or {} when below is data."""
    found: dict[int, str] = {}
    for i, value in enumerate(below):
        above = top[i] if i < len(top) else None
        if value is None or value == above:
            continue
        name = header_field(value) or (header_field(f"{value}{above}") if isinstance(above, str) else None)
        if name is None:
            return {}
        found[i] = name
    return found if set(found.values()) - set(top_fields.values()) or found.keys() - top_fields.keys() else {}


def find_header(sheet: Sheet) -> Header | None:
    """The header of a sheet: the first row naming the item name and at least one other field."""
    rows = sheet.rows
    for index, (_, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        fields = _row_fields(cells)
        if "name" not in fields.values() or len(set(fields.values())) < 2:
            continue
        below = rows[index + 1][1] if index + 1 < len(rows) else []
        extra = _continues(cells, below, fields)
        merged = {**fields, **extra}
        header = Header(index + (2 if extra else 1))
        for column, name in sorted(merged.items()):
            header.columns.setdefault(name, []).append(column)
            texts = [cell_at(cells, column), cell_at(below, column) if extra else None]
            unit = next((u for u in map(_unit, texts) if u), None)
            if unit and name in ("statutory", "promised"):
                header.units[name] = unit
        return header
    return None


# --- cells as departments write them ------------------------------------------------------


def cell_text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _trim(text: str) -> str:
    """Text without the punctuation and joining words around it."""
    return _EDGES.sub("", text)


def _cn_number(text: str) -> int | None:
    """Small Chinese numerals: 五, 十五, 二十, 三十五, 一百二十."""
    if not text or any(c not in _CN_DIGITS and c not in "十百" for c in text):
        return None
    total, current = 0, 0
    for char in text:
        if char == "百":
            total, current = total + (current or 1) * 100, 0
        elif char == "十":
            total, current = total + (current or 1) * 10, 0
        else:
            current = _CN_DIGITS[char]
    return total + current


def parse_days(value: Any, header_unit: str | None) -> tuple[int | None, str | None]:
    """(days, unit) from 20, 20.0, "20个工作日", "二十日", "即办"; (None, None) where none is set."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value, header_unit
    text = re.sub(r"[\s()()]+", "", cell_text(value))
    if text in _NONE_TIME:
        return None, None
    if text in _INSTANT:
        return 0, header_unit
    unit = "工作日" if "工作日" in text else ("自然日" if re.search(r"自然日|天|日历日", text) else header_unit)
    match = re.match(r"^(\d+)", text)
    number = int(match[1]) if match else _cn_number(re.match(r"^[零一二三四五六七八九十百两]*", text)[0])
    if number is None or not _DAYS.fullmatch(text):
        raise RowError(f"无法识别的时限「{text}」,请写成天数,如 20 或 20个工作日")
    return number, unit


def split_list(value: Any) -> list[str]:
    """Items of a cell listing several things: lines, semicolons, or numbered 1. 2. ①②."""
    parts = (_trim(p) for p in _SPLIT_LIST.split(cell_text(value)))
    return [p for p in parts if p]


def parse_basis(values: list[Any]) -> list[dict[str, str]]:
    """《法律》第X条 entries from one or more basis cells."""
    found: list[dict[str, str]] = []
    for value in values:
        text = cell_text(value)
        laws = _LAW.findall(text)
        if laws:
            for law, articles in laws:
                entry = {"law": law.strip()}
                if _trim(articles):
                    entry["articles"] = _trim(articles)
                found.append(entry)
        else:
            found.extend({"law": part} for part in split_list(text))
    unique = {(e["law"], e.get("articles")): e for e in found}
    return list(unique.values())


def parse_fees(value: Any, basis: str) -> list[dict[str, str]]:
    """Fees from a cell: [] for 不收费; one fee a line, as 项目:标准(依据:文件) or a bare standard."""
    text = cell_text(value)
    if _NO_FEE.match(text):
        return []
    fees = []
    for line in filter(None, map(str.strip, text.split("\n"))):
        parts = _FEE.match(line)
        fee = {k: v.strip() for k, v in parts.groupdict().items() if v and v.strip()} if parts else {"standard": line}
        if basis and "basis" not in fee:
            fee["basis"] = basis
        fees.append(fee)
    return fees


def parse_steps(value: Any, post: str | None) -> list[dict[str, Any]]:
    """Linear steps from 受理→审查→决定 (or one step per line); posts default to the office."""
    names = [n for n in map(_trim, _SPLIT_STEPS.split(cell_text(value))) if n]
    steps = []
    for i, name in enumerate(names, start=1):
        step: dict[str, Any] = {"id": f"step{i}", "name": name}
        if post:
            step["post"] = post
        if i < len(names):
            step["next"] = f"step{i + 1}"
        steps.append(step)
    return steps
