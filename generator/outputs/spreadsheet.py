"""The columns of the catalogue's spreadsheet in the order of the 职权目录 form: after the form's nine columns come
the statutory and promised time limits with their unit. Every column is written so that `import` reads it back as the
same values (fees as 项目:标准(依据:文件), time limits as 20个自然日), so a department can export its sheet, edit it
and import it again. outputs/workbook.py writes the file for `export`; the open data's CSV has the same columns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from generator.core.edition import Edition, EditionPower
from generator.core.model import PowerRecord
from generator.core.problems import GeneratorError
from generator.outputs.wording import NO_RULE, basis_text, fee_lines


@dataclass(frozen=True)
class Column:
    """A column of the 职权目录: its header, the field import reads it into, its width, and its text."""

    title: str
    field: str  # as editing.sheets.HEADERS names it, so that import reads the column back
    width: int
    text: Callable[[PowerRecord], str]


class UnknownDepartment(GeneratorError):
    """A department asked for by name that the catalogue does not have; the message lists the known ones."""


def days(record: PowerRecord, name: str) -> str:
    """A time limit with its unit as import reads it back (20个自然日), or 无明确规定."""
    limit = record.time_limit
    value = getattr(limit, name) if limit else None
    return NO_RULE if limit is None or value is None else f"{value}个{limit.unit}"


# The seed's 职权目录 columns (附件3) in its order, then the time limits with their unit.
COLUMNS = (
    Column("项目名称", "name", 36, lambda r: r.name),
    Column("权力编码", "code", 18, lambda r: r.code),
    Column("权力类别", "category", 12, lambda r: r.category),
    Column("权力依据", "basis", 48, lambda r: "\n".join(map(basis_text, r.basis))),
    Column("公开形式", "forms", 18, lambda r: "、".join(r.disclosure.forms)),
    Column("公开范围", "scope", 10, lambda r: r.disclosure.scope),
    Column("公开时间", "timing", 10, lambda r: r.disclosure.timing),
    Column("收费及依据标准", "fees", 30, lambda r: "\n".join(fee_lines(r.fees))),
    Column("承办科室和负责人", "office_responsible", 24, lambda r: f"{r.office}(负责人:{r.responsible})"),
    Column("法定时限", "statutory", 12, lambda r: days(r, "statutory")),
    Column("承诺时限", "promised", 12, lambda r: days(r, "promised")),
)


def row_of(power: EditionPower) -> tuple[str, ...]:
    """One power in the columns of the 职权目录."""
    return tuple(column.text(power.record) for column in COLUMNS)


def cell_texts(record: PowerRecord) -> dict[str, str]:
    """What export writes for a record, by the field import reads each column into (不公开理由 as reason)."""
    texts = {column.field: column.text(record) for column in COLUMNS}
    return texts | ({"reason": record.confidential.reason} if record.confidential else {})


def one_department(edition: Edition, slug: str) -> Edition:
    """The edition with one department only, or UnknownDepartment naming the known ones."""
    found = [d for d in edition.departments if d.slug == slug]
    if not found:
        known = "、".join(d.slug for d in edition.departments) or "(无)"
        raise UnknownDepartment(f"未知部门「{slug}」。已有部门:{known}")
    return replace(edition, departments=found)
