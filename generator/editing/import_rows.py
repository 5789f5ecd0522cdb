"""A spreadsheet row of the import, and the record values it fills in.

A blank cell fills in nothing: a new record keeps the template's placeholder there, an existing one its value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from generator.core.model import SCOPE_INTERNAL, SCOPE_PUBLIC, SCOPE_SPECIFIC, PowerRecord
from generator.editing.sheets import (
    Header,
    RowError,
    cell_text,
    cell_value,
    parse_basis,
    parse_days,
    parse_fees,
    parse_steps,
    split_list,
)
from generator.outputs.spreadsheet import cell_texts

_SPLIT_FORMS = re.compile(r"[、,,;;/]|或|和|及")


@dataclass
class Row:
    """One data row: where it is and its cells by field; a blank cell is None and fills in nothing."""

    sheet: str | None  # the sheet's name when the file has several
    number: int
    cells: dict[str, list[Any]]

    @property
    def label(self) -> str:
        return f"{sheet_label(self.sheet)}第 {self.number} 行"

    def first(self, name: str) -> Any:
        return next((v for v in self.cells.get(name, []) if v is not None), None)

    def text(self, name: str) -> str:
        return cell_text(self.first(name))

    def all(self, name: str) -> list[Any]:
        return [v for v in self.cells.get(name, []) if v is not None]

    def without(self, names: set[str]) -> Row:
        """The row with these fields left blank."""
        return Row(self.sheet, self.number, {f: v for f, v in self.cells.items() if f not in names})


def sheet_label(sheet: str | None) -> str:
    return f"工作表「{sheet}」" if sheet else ""


def unchanged_cells(row: Row, existing: PowerRecord | None) -> set[str]:
    """Fields whose cell holds exactly what export writes for the record: nothing there to change.
    The two time limits go together, so that a unit given for one is checked against the other."""
    if existing is None:
        return set()
    exported = cell_texts(existing)
    same = {f for f, text in exported.items() if row.first(f) is not None and row.text(f) == cell_value(text)}
    return same if {"statutory", "promised"} <= same else same - {"statutory", "promised"}


def convert_row(row: Row, category: str, header: Header) -> dict[str, Any]:
    """The record values a row fills in (without code); RowError when it cannot be converted."""
    values: dict[str, Any] = {"category": category}
    _office(row, values)
    basis = parse_basis(row.all("basis"))
    if basis:
        values["basis"] = basis
    _disclosure(row, values)
    if row.text("fees"):
        values["fees"] = parse_fees(row.first("fees"), row.text("fee_basis"))
    _time_limit(row, header, values)
    for name in ("conditions", "materials"):
        items = split_list(row.first(name))
        if items:
            values[name] = [{"name": i} for i in items] if name == "materials" else items
    _procedure(row, values)
    if row.text("reason"):
        values["confidential"] = {"reason": row.text("reason")}
    return values


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


def _time_limit(row: Row, header: Header, values: dict[str, Any]) -> None:
    limit: dict[str, Any] = {}
    units = set()
    for name in ("statutory", "promised"):
        cell = row.first(name)
        if cell is None:
            continue  # left blank: a new record keeps the placeholder, an existing one its value
        days, unit = parse_days(cell, header.units.get(name))
        limit[name] = days  # None: the sheet says there is none, so the line is left out
        if unit and days is not None:
            units.add(unit)
    if len(units) > 1:
        raise RowError("法定时限和承诺时限的单位不同(工作日和自然日),请统一后再导入")
    if limit == {"statutory": None, "promised": None}:
        values["time_limit"] = None  # no time limit at all: the record leaves 办理时限 out
    elif limit:
        values["time_limit"] = {"unit": units.pop()} | limit if units else limit


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
