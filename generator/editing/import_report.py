"""The report of an import: one line per file written, the notes, the refused rows grouped by reason."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.core.problems import shown
from generator.core.validate import check_catalogue
from generator.editing.import_rows import Row, sheet_label
from generator.editing.importer import ImportResult, Written


@dataclass
class ImportReport:
    """The lines to show, and how many errors check finds in the files written (placeholders left to fill in)."""

    lines: list[str]
    errors: int


def import_report(result: ImportResult, file: Path, root: Path, dept: str) -> ImportReport:
    """The summary line, the files written with the errors left in each, the notes, the refused rows, the backup."""
    errors = _errors_by_file(root, [w.rel for w in result.written]) if result.written else {}
    lines = [f"从 {file.name} 导入到部门 {dept}:{_summary(result)}"]
    lines += [_written_line(w, root, errors[w.rel]) for w in result.written]
    lines += [f"  注意:{row.label}:{note}" for row, note in result.notes]
    if result.refused:
        lines.append(f"以下 {len(result.refused)} 行未导入:")
        lines += [f"  {rows}:{reason}" for rows, reason in _grouped(result.refused)]
    if result.backup:
        lines.append(f"修改前的文件已备份到 {shown(result.backup)}/(check 不读取这个目录;核对无误后可以删除)")
    if any(errors.values()):
        lines.append("每一处待填写或改正的内容,请运行 python -m generator check 查看(有行号和说明)")
    return ImportReport(lines, sum(errors.values()))


def _summary(result: ImportResult) -> str:
    actions = [w.action for w in result.written]
    parts = [f"{action} {actions.count(action)} 个" for action in ("新增", "更新", "替换") if action in actions]
    parts += [f"未改变 {result.unchanged} 个"] if result.unchanged else []
    parts += [f"{len(result.refused)} 行未导入"] if result.refused else []
    return ",".join(parts) or "表格中没有事项"


def _written_line(written: Written, root: Path, errors: int) -> str:
    line = f"  {written.action} {shown(root / written.rel)}  {written.name}({written.row.label})"
    line += f":{'、'.join(written.fields)}" if written.fields else ""
    line += f";原文件备份为 {shown(written.backup)}" if written.backup else ""
    line += f";待填写或改正 {errors} 处" if errors else ""
    return line


def _errors_by_file(root: Path, rels: list[str]) -> dict[str, int]:
    """How many errors check finds in each of these files."""
    _, report = check_catalogue(root, shown_as=root)
    wanted, counts = set(rels), dict.fromkeys(rels, 0)
    for item in report.errors:
        rel = "/".join(item.path.split("/")[-2:])  # whichever way check writes the path, it ends dept/file
        if rel in wanted:
            counts[rel] += 1
    return counts


def _grouped(refused: list[tuple[Row, str]]) -> list[tuple[str, str]]:
    """Refused rows with the same reason on one line: 第 3–5、9 行."""
    by_reason: dict[str, list[Row]] = {}
    for row, reason in refused:
        by_reason.setdefault(reason, []).append(row)
    return [(_row_numbers(rows), reason) for reason, rows in by_reason.items()]


def _row_numbers(rows: list[Row]) -> str:
    by_sheet: dict[str | None, list[int]] = {}
    for row in rows:
        by_sheet.setdefault(row.sheet, []).append(row.number)
    return "、".join(f"{sheet_label(sheet)}第 {_ranges(numbers)} 行" for sheet, numbers in by_sheet.items())


def _ranges(numbers: list[int]) -> str:
    """3、4、5、9 as 3–5、9."""
    spans: list[list[int]] = []
    for n in sorted(numbers):
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    return "、".join(str(a) if a == b else f"{a}–{b}" for a, b in spans)
