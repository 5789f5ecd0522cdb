"""`import FILE --dept SLUG`: a department's existing catalogue from a spreadsheet into power files.

Each row becomes a power file written from the template, so what the sheet did not say stays a
placeholder that `check` names. Rows that cannot be converted are listed with their row numbers
and reasons; an existing record is replaced only with --force.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from .cliutil import powers_option
from .codes import category_choices, resolve_category
from .fmt import FormatRefused
from .model import SCOPE_INTERNAL, SCOPE_PUBLIC, SCOPE_SPECIFIC
from .rules import CODE_PARTS
from .spreadsheet import Header, Sheet, SpreadsheetError, find_header, header_field, read_sheets
from .template import DeptTarget, TargetError, department_target, print_todo, render_power
from .yamlsafe import YamlRejected

_NUMBERED = r"(?<!\d)[0-9]{1,2}[、.．)](?!\d)|[((][0-9一二三四五六七八九十]{1,3}[))]|[①-⑳]"
_SPLIT_LIST = re.compile(rf"[\n;;]+|{_NUMBERED}")
_SPLIT_STEPS = re.compile(rf"\s*(?:→|->|—>|－>|⇒|➔|➝|⟶|\n|;|;|{_NUMBERED})\s*")
_SPLIT_FORMS = re.compile(r"[、,,;;/]|或|和|及")
_LAW = re.compile(r"《([^》]+)》([^《;;\n]*)")
_NO_FEE = re.compile(r"^(?:不收费|免费|无收费|不收取)|^(?:无|否|0|0元|/|-|—)$")
_NONE_TIME = {"无", "无规定", "无明确规定", "/", "-", "—", "不适用", "无法定时限"}
_INSTANT = {"即办", "即时", "当场", "当场办结", "即时办结", "立即"}
_EDGES = re.compile(r"^[\s。,,、.;;和及]+|[\s。,,、.;;和及]+$")
_DAYS = re.compile(r"[\d零一二三四五六七八九十百两]+个?(工作日|自然日|日历日|日|天)?(内)?")
_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2}


class RowError(Exception):
    """A row that cannot become a record; the message is the reason."""


def _text(value: Any) -> str:
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
    text = re.sub(r"[\s()()]+", "", _text(value))
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
    parts = (_trim(p) for p in _SPLIT_LIST.split(_text(value)))
    return [p for p in parts if p]


def parse_basis(values: list[Any]) -> list[dict[str, str]]:
    """《法律》第X条 entries from one or more basis cells."""
    found: list[dict[str, str]] = []
    for value in values:
        text = _text(value)
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


def parse_steps(value: Any, post: str | None) -> list[dict[str, Any]]:
    """Linear steps from 受理→审查→决定 (or one step per line); posts default to the office."""
    names = [n for n in map(_trim, _SPLIT_STEPS.split(_text(value))) if n]
    steps = []
    for i, name in enumerate(names, start=1):
        step: dict[str, Any] = {"id": f"step{i}", "name": name}
        if post:
            step["post"] = post
        if i < len(names):
            step["next"] = f"step{i + 1}"
        steps.append(step)
    return steps


def _scope(text: str) -> str:
    if "内部" in text:
        return SCOPE_INTERNAL
    if "特定" in text or "相对人" in text or "当事人" in text:
        return SCOPE_SPECIFIC
    return SCOPE_PUBLIC if "社会" in text or "公众" in text else text


def _timing(text: str) -> str:
    for word in ("长期", "随时", "阶段性"):
        if word in text:
            return word
    return "随时" if "及时" in text or "临时" in text else text


@dataclass
class Row:
    """One data row: where it is and its cells by field."""

    label: str
    cells: dict[str, list[Any]]

    def first(self, name: str) -> Any:
        return next((v for v in self.cells.get(name, []) if v is not None), None)

    def text(self, name: str) -> str:
        return _text(self.first(name))

    def all(self, name: str) -> list[Any]:
        return [v for v in self.cells.get(name, []) if v is not None]


def convert_row(row: Row, category: str, header: Header) -> dict[str, Any]:
    """The record values a row gives (without code); RowError when it cannot be converted."""
    values: dict[str, Any] = {"category": category}
    _office(row, values)
    basis = parse_basis(row.all("basis"))
    if basis:
        values["basis"] = basis
    _disclosure(row, values)
    _fees(row, values)
    _time_limit(row, header, values)
    for name in ("conditions", "materials"):
        items = split_list(row.first(name))
        if items:
            values[name] = [{"name": i} for i in items] if name == "materials" else items
    _procedure(row, values)
    if row.text("reason"):
        values["confidential"] = {"reason": row.text("reason")}
    return values


def _office(row: Row, values: dict[str, Any]) -> None:
    combined = row.text("office_responsible")
    if combined:
        match = re.match(r"^(.+?)[\s/、,,;;((]+(?:负责人[::]?)?(.+?)[))]?$", combined)
        values["office"], person = (match[1], match[2]) if match else (combined, "")
        if person:
            values["responsible"] = person
    if row.text("office"):
        values["office"] = row.text("office")
    if row.text("responsible"):
        values["responsible"] = row.text("responsible")


def _disclosure(row: Row, values: dict[str, Any]) -> None:
    disclosure: dict[str, Any] = {}
    if row.text("scope"):
        disclosure["scope"] = _scope(row.text("scope"))
    forms = [f.strip() for f in _SPLIT_FORMS.split(row.text("forms")) if f.strip()]
    if forms:
        disclosure["forms"] = forms
    if row.text("timing"):
        disclosure["timing"] = _timing(row.text("timing"))
    if disclosure:
        values["disclosure"] = disclosure


def _fees(row: Row, values: dict[str, Any]) -> None:
    text = row.text("fees")
    if not text and not row.cells.get("fees"):
        return
    if not text or _NO_FEE.match(text):
        values["fees"] = []
        return
    fee: dict[str, Any] = {"standard": text}
    if row.text("fee_basis"):
        fee["basis"] = row.text("fee_basis")
    values["fees"] = [fee]


def _time_limit(row: Row, header: Header, values: dict[str, Any]) -> None:
    if "statutory" not in header.columns and "promised" not in header.columns:
        return
    limit: dict[str, Any] = {}
    units = set()
    for name in ("statutory", "promised"):
        if name not in header.columns:
            continue
        cell = row.first(name)
        if cell is None:
            continue  # left blank: stays a placeholder for the editor
        days, unit = parse_days(cell, header.units.get(name))
        limit[name] = days  # None: the sheet says there is none, so the line is left out
        if unit and days is not None:
            units.add(unit)
    if len(units) > 1:
        raise RowError("法定时限和承诺时限的单位不同(工作日和自然日),请统一后再导入")
    if units:
        limit["unit"] = units.pop()
    if limit:
        values["time_limit"] = limit


def _procedure(row: Row, values: dict[str, Any]) -> None:
    procedure: dict[str, Any] = {}
    trigger = row.text("trigger")
    if "申请" in trigger:
        procedure["trigger"] = "依申请"
    elif "职权" in trigger:
        procedure["trigger"] = "依职权"
    steps = parse_steps(row.first("procedure"), values.get("office"))
    if steps:
        procedure["steps"] = steps
    if procedure:
        values["procedure"] = procedure


@dataclass
class ImportResult:
    written: list[tuple[str, str, str]] = field(default_factory=list)  # (row label, rel path, name)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (row label, reason)
    notes: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Importer:
    """Turns rows into files under one department, giving codes and guarding existing records."""

    target: DeptTarget
    force: bool
    result: ImportResult = field(default_factory=ImportResult)
    seen: dict[str, str] = field(default_factory=dict)  # name -> row label, within this import

    def sheet(self, sheet: Sheet, label_sheet: bool) -> bool:
        header = find_header(sheet)
        if header is None:
            return False
        for number, cells in sheet.rows[header.data_from :]:
            if not any(v is not None for v in cells):
                continue  # blank row
            label = f"工作表「{sheet.name}」第 {number} 行" if label_sheet else f"第 {number} 行"
            row = Row(label, {f: [_cell(cells, c) for c in cols] for f, cols in header.columns.items()})
            if header_field(row.text("name")) == "name":
                continue  # the header repeated inside the data, as when sheets are pasted together
            try:
                self.row(row, header)
            except RowError as exc:
                self.result.refused.append((label, str(exc)))
        return True

    def row(self, row: Row, header: Header) -> None:
        name = re.sub(r"\s+", " ", row.text("name"))
        if not name:
            raise RowError("缺少项目名称")
        if name in self.seen:
            raise RowError(f"项目名称与{self.seen[name]}重复")
        category = self.category(row)
        values = convert_row(row, category, header)
        code = self.code_for(row, name, category)
        self.seen[name] = row.label
        values = {"code": code, "name": name, **values}
        rel = f"{self.target.slug}/{code}.yaml"
        header_lines = (
            f'# 由 import 从电子表格导入({row.label})。请把所有 "" 处填写完整,',
            "# 并核对导入的内容;填好后运行 python -m generator check。",
        )
        try:
            text = render_power(values, header_lines)
        except (FormatRefused, YamlRejected) as exc:
            raise RowError(f"内容含有无法写入 YAML 的字符({exc})") from None
        destination = self.target.root / rel
        if destination.is_symlink():
            raise RowError(f"{rel} 是符号链接,未写入")
        destination.write_text(text, encoding="utf-8")
        self.result.written.append((row.label, rel, name))

    def category(self, row: Row) -> str:
        raw = row.first("category")
        if raw is None:
            raise RowError("缺少权力类别")
        found = resolve_category(raw, self.target.category_codes())
        if found is None:
            raise RowError(f"无法识别的权力类别「{_text(raw)}」,可用:{category_choices(self.target.category_codes())}")
        return found

    def code_for(self, row: Row, name: str, category: str) -> str:
        """The existing record's code (with --force), a usable code from the sheet, or the next free one."""
        existing = self.target.names.get(name)
        if existing:
            if not self.force:
                where = f"{self.target.slug}/{existing}.yaml"
                raise RowError(f"本部门已有同名事项 {where},未覆盖(如需用表格内容替换,请加 --force)")
            parts = CODE_PARTS.match(existing)
            if not parts or parts["cat"] != self.target.category_codes()[category]:
                raise RowError(f"与已有事项 {existing} 的权力类别不同,请手工修改该文件")
            return existing
        given = self.given_code(row, category)
        return given or self.target.take_code(category)

    def given_code(self, row: Row, category: str) -> str | None:
        raw = row.text("code")
        if not raw:
            return None
        cat_code = self.target.category_codes()[category]
        if raw.isdigit() and len(raw) <= 4:
            raw = f"{self.target.prefix}-{cat_code}-{int(raw):04d}"
        parts = CODE_PARTS.match(raw)
        if parts and parts["prefix"] + parts["dept"] == self.target.prefix and parts["cat"] == cat_code:
            if raw in self.target.codes:
                if not self.force:
                    raise RowError(f"编码 {raw} 已被使用,未覆盖(如需用表格内容替换,请加 --force)")
                return raw
            self.target.codes.add(raw)
            return raw
        self.result.notes.append((row.label, f"表格中的编码「{raw}」不符合本部门的编码规则,已重新编码"))
        return None


def _cell(cells: list[Any], column: int) -> Any:
    return cells[column] if column < len(cells) else None


def run_import(path: Path, target: DeptTarget, force: bool) -> ImportResult:
    sheets = read_sheets(path)
    importer = Importer(target, force)
    found = [importer.sheet(sheet, len(sheets) > 1) for sheet in sheets]
    if not any(found):
        wanted = "至少包含「事项名称」(或 职权名称、项目名称)和「权力类别」等"
        raise SpreadsheetError(f"{path.name} 中找不到表头:需要一行列名,{wanted}")
    return importer.result


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--dept", required=True, help="导入到的部门(目录名),如 tjj")
@click.option("--force", is_flag=True, help="用表格内容替换同名或同编码的已有事项")
@powers_option
def import_command(file: Path, dept: str, force: bool, powers: Path) -> None:
    """从电子表格(XLSX 或 CSV)导入部门的权力事项,自动分配编码。"""
    try:
        target = department_target(powers, dept)
        result = run_import(file, target, force)
    except (TargetError, SpreadsheetError) as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    _report(result, file)
    errors = print_todo(powers, [rel for _, rel, _ in result.written]) if result.written else 0
    sys.exit(1 if result.refused or errors else 0)


def _report(result: ImportResult, file: Path) -> None:
    click.echo(f"从 {file.name} 导入 {len(result.written)} 个事项:")
    for label, rel, name in result.written:
        click.echo(f"  {label} → {rel}  {name}")
    for label, note in result.notes:
        click.echo(f"  注意:{label}:{note}")
    if result.refused:
        click.echo(f"以下 {len(result.refused)} 行未导入:")
        for label, reason in result.refused:
            click.echo(f"  {label}:{reason}")
