"""The import of a department's catalogue from a spreadsheet into power files (the `import` command's work).

A row is a new power, or an existing one of the department (the code it gives, or the same name).
A new power is written from the template, so what the sheet did not say stays a placeholder that
`check` names. An existing record changes only on request: --update sets just the fields the row
fills in and keeps the rest of the file (other fields, comments, key order); --replace rebuilds it
from the row. Either way the old file is first copied to a backup folder that `check` does not read.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from generator.core.ledger import LEDGER_FILE, LedgerError
from generator.core.model import PowerRecord
from generator.core.powercodes import category_choices, resolve_category
from generator.core.problems import shown
from generator.core.rules import CODE_PARTS
from generator.core.yamlsafe import YamlRejected, decode, read_yaml
from generator.editing.fmt import FormatRefused
from generator.editing.import_merge import merge_text
from generator.editing.import_rows import Row, convert_row, unchanged_cells
from generator.editing.new import DeptTarget, render_power
from generator.editing.sheets import (
    Header,
    RowError,
    Sheet,
    SpreadsheetError,
    cell_at,
    cell_text,
    find_header,
    header_field,
)

Mode = Literal["keep", "update", "replace"]
BACKUP_DIR = ".import-backup"  # in the catalogue folder: the loader and fmt skip hidden folders
_KEEP_EXISTING = "本部门已有这些事项,未修改(如需用表格内容更新,请加 --update:只改表格中填写了的字段,其余内容保留)"


@dataclass
class Written:
    """One file written, for the report."""

    row: Row
    rel: str
    name: str
    action: str  # 新增, 更新 or 替换
    fields: list[str] = field(default_factory=list)
    backup: Path | None = None


@dataclass
class ImportResult:
    """What an import did: the files written, the rows that changed nothing, the refused rows and the notes."""

    written: list[Written] = field(default_factory=list)
    unchanged: int = 0
    refused: list[tuple[Row, str]] = field(default_factory=list)
    notes: list[tuple[Row, str]] = field(default_factory=list)
    backup: Path | None = None  # the folder holding this import's copies of changed files

    def new_codes(self) -> list[str]:
        return [Path(w.rel).stem for w in self.written if w.action == "新增"]


@dataclass
class Backup:
    """Copies of the files an import changes, in a folder of the catalogue that check does not read."""

    root: Path
    folder: Path | None = None

    def keep(self, path: Path, rel: str) -> Path:
        if self.folder is None:
            base = self.root / BACKUP_DIR
            base.mkdir(exist_ok=True)
            ignore = base / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# import 修改文件前的备份,不提交到仓库\n*\n", encoding="utf-8")
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            folder, n = base / stamp, 1
            while folder.exists():
                n += 1
                folder = base / f"{stamp}-{n}"
            self.folder = folder
        kept = self.folder / rel
        kept.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, kept)
        return kept


@dataclass
class Importer:
    """Turns rows into files under one department: new records, and existing ones as the mode allows."""

    target: DeptTarget
    mode: Mode
    result: ImportResult = field(default_factory=ImportResult)
    seen: dict[str, Row] = field(default_factory=dict)  # name or code -> the row that took it, in this import
    backup: Backup = field(init=False)

    def __post_init__(self) -> None:
        self.backup = Backup(self.target.root)

    def sheet(self, sheet: Sheet, several: bool) -> bool:
        header = find_header(sheet)
        if header is None:
            return False
        for number, cells in sheet.rows[header.data_from :]:
            if not any(v is not None for v in cells):
                continue  # blank row
            by_field = {f: [cell_at(cells, c) for c in cols] for f, cols in header.columns.items()}
            row = Row(sheet.name if several else None, number, by_field)
            if header_field(row.text("name")) == "name":
                continue  # the header repeated inside the data, as when sheets are pasted together
            try:
                self.row(row, header)
            except RowError as exc:
                self.result.refused.append((row, str(exc)))
            except YamlRejected as exc:
                self.result.refused.append((row, f"已有文件有错误,请先修正:{exc.problems[0]}"))
        return True

    def row(self, row: Row, header: Header) -> None:
        name = re.sub(r"\s+", " ", row.text("name"))
        if not name:
            raise RowError("缺少项目名称")
        category = self.category(row)
        given = self.sheet_code(row, category)
        code = self.existing(row, name, category, given)
        if code in self.seen and self.restates(row, code):
            return  # the same power again with nothing new, as on the internal export's 涉密 sheet
        if name in self.seen:
            raise RowError(f"项目名称与{self.seen[name].label}重复")
        if code in self.seen:
            raise RowError(f"与{self.seen[code].label}是同一事项({code})")
        if code is None:
            self.seen[name] = row
            self.new(row, name, convert_row(row, category, header), given)
            return
        if self.mode == "keep":
            raise RowError(_KEEP_EXISTING)
        self.seen[name] = self.seen[code] = row
        rel = f"{self.target.slug}/{code}.yaml"
        if (self.target.root / rel).is_symlink():
            raise RowError(f"{rel} 是符号链接,未写入")
        if self.mode == "replace":
            self.replace(row, rel, name, convert_row(row, category, header))
        else:
            self.update(row, rel, name, header, category)

    def restates(self, row: Row, code: str) -> bool:
        """True when every cell the row fills in says what the record already holds."""
        rel = f"{self.target.slug}/{code}.yaml"
        filled = {f for f in row.cells if f != "skip" and row.first(f) is not None}
        return filled <= unchanged_cells(row, _valid_record(self.target.root / rel, rel))

    def category(self, row: Row) -> str:
        raw = row.first("category")
        if raw is None:
            raise RowError("缺少权力类别")
        found = resolve_category(raw, self.target.category_codes())
        if found is None:
            raise RowError(
                f"无法识别的权力类别「{cell_text(raw)}」,可用:{category_choices(self.target.category_codes())}"
            )
        return found

    def sheet_code(self, row: Row, category: str) -> str | None:
        """The code the row gives, completed (3 → FX01JY-QR-0003); None, with a note, when it does not fit."""
        raw = row.text("code")
        if not raw:
            return None
        cat_code = self.target.category_codes()[category]
        if raw.isdigit() and len(raw) <= 4:
            raw = f"{self.target.prefix}-{cat_code}-{int(raw):04d}"
        parts = CODE_PARTS.match(raw)
        own = parts is not None and parts["prefix"] + parts["dept"] == self.target.prefix
        if parts and not own and parts["prefix"] == self.target.prefix[:4]:
            raise RowError(
                f"编码属于其他部门,未导入到 {self.target.slug}(整个清单导出的表格,请改用 export --dept "
                f"{self.target.slug} 只导出本部门;确属本部门的新事项,请删去该行的编码)"
            )
        if own and parts["cat"] == cat_code:
            return raw
        if own and (self.target.folder() / f"{raw}.yaml").is_file():
            raise RowError(f"与已有事项 {raw} 的权力类别不同,请手工修改该文件")
        self.result.notes.append((row, f"表格中的编码「{raw}」不符合本部门的编码规则,已重新编码"))
        return None

    def existing(self, row: Row, name: str, category: str, given: str | None) -> str | None:
        """The code of the department's record this row is about: the one it gives, or the same name."""
        by_name = self.target.names.get(name)
        if given and (self.target.folder() / f"{given}.yaml").is_file():
            if by_name and by_name != given:
                raise RowError(f"编码 {given} 与项目名称不符:名称「{name}」是已有事项 {by_name},请核对")
            return given
        if by_name and given:
            self.result.notes.append(
                (row, f"表格中的编码 {given} 与同名已有事项 {by_name} 不同,按名称对应到 {by_name}")
            )
        parts = CODE_PARTS.match(by_name or "")
        if by_name and (not parts or parts["cat"] != self.target.category_codes()[category]):
            raise RowError(f"与已有事项 {by_name} 的权力类别不同,请手工修改该文件")
        return by_name

    def new(self, row: Row, name: str, values: dict[str, Any], given: str | None) -> None:
        if given and given in self.target.issued - self.target.codes:
            self.result.notes.append((row, f"表格中的编码 {given} 曾经发出过(见编码台账),不再使用,已重新编码"))
        free = given and given not in self.target.codes | self.target.issued
        code = given if free else self.target.take_code(values["category"])
        self.target.codes.add(code)
        rel = f"{self.target.slug}/{code}.yaml"
        destination = self.target.root / rel
        if destination.is_symlink():
            raise RowError(f"{rel} 是符号链接,未写入")
        self.seen[code] = row
        _write(destination, self.render(row, {"code": code, "name": name, **values}))
        self.result.written.append(Written(row, rel, name, "新增"))

    def render(self, row: Row, values: dict[str, Any]) -> str:
        header_lines = (
            f'# 由 import 从电子表格导入({row.label})。请把所有 "" 处填写完整,',
            "# 并核对导入的内容;填好后运行 python -m generator check。",
        )
        try:
            return render_power(values, header_lines)
        except (FormatRefused, YamlRejected) as exc:
            raise RowError(f"内容含有无法写入 YAML 的字符({exc})") from None

    def replace(self, row: Row, rel: str, name: str, values: dict[str, Any]) -> None:
        text = self.render(row, {"code": Path(rel).stem, "name": name, **values})
        path = self.target.root / rel
        kept = self.backup.keep(path, rel)
        _write(path, text)
        self.result.written.append(Written(row, rel, name, "替换", backup=kept))

    def update(self, row: Row, rel: str, name: str, header: Header, category: str) -> None:
        path = self.target.root / rel
        try:
            original = decode(path.read_bytes(), rel)
        except OSError as exc:
            raise RowError(f"无法读取已有文件 {rel}({exc.strerror})") from None
        record = _valid_record(path, rel)
        carried = row.without(unchanged_cells(row, record))
        values = {"name": name, **convert_row(carried, category, header)}
        try:
            text, changed = merge_text(original.replace("\r\n", "\n"), values, rel)
        except FormatRefused as exc:
            raise RowError(f"无法写入 {rel}:{exc}") from None
        if not changed:
            self.result.unchanged += 1
            return
        self.backup.keep(path, rel)
        _write(path, text)
        self.result.written.append(Written(row, rel, name, "更新", changed))


def _valid_record(path: Path, rel: str) -> PowerRecord | None:
    """The record in the file, if it is valid on its own."""
    try:
        return PowerRecord.model_validate(read_yaml(path, rel).data)
    except (YamlRejected, ValidationError, OSError):
        return None


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="\n")


def run_import(path: Path, sheets: list[Sheet], target: DeptTarget, mode: Mode) -> ImportResult:
    """Every row of the sheets into the department's files; SpreadsheetError when no sheet has a header."""
    importer = Importer(target, mode)
    found = [importer.sheet(sheet, len(sheets) > 1) for sheet in sheets]
    if not any(found):
        wanted = "至少包含「事项名称」(或 职权名称、项目名称)和「权力类别」等"
        raise SpreadsheetError(f"{path.name} 中找不到表头:需要一行列名,{wanted}")
    importer.result.backup = importer.backup.folder
    return importer.result


def record_codes(target: DeptTarget, codes: list[str]) -> tuple[bool, str | None]:
    """Enter the codes issued to new records in the code ledger, starting it if need be: (done, a line to show)."""
    ledger = target.root / LEDGER_FILE
    started = not ledger.exists()
    if not codes:
        return True, None
    try:
        target.record(codes)
    except LedgerError as exc:
        return False, f"{exc}\n新事项的编码未能记入编码台账;修正后请运行 python -m generator ledger 补记"
    return True, f"已创建编码台账 {shown(ledger)}(记录发出过的每个编码,请与新文件一起提交)" if started else None
