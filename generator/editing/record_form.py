"""A power record as the browser's form holds it, and back: the data a record file would hold.

The form sends JSON: dates as text, every step's `next` as a list of branches, an optional text left empty as "".
`form_to_data` turns that into the data a file holds, in the model's order: optional values left empty are left
out, a date is a date, and `next` takes its usual short form (`next: step2`) when it has one branch without a
condition. What the form sends is never trusted: it is written as YAML text and read back by the same safe reader
as every file before it is checked or saved (record_save)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel

from generator.core.model import PowerRecord, Step
from generator.core.yamlsafe import MAX_DEPTH
from generator.editing.model_keys import key_rank, scalar_kind, sub_model

MAX_ITEMS = 2_000  # list items anywhere in one record: a form sending more is refused (with the request size limit)


class FormRefused(ValueError):
    """What the browser sent is not a form of a record (a list for the top, too many items)."""


def form_to_data(values: Any, model: type[BaseModel] = PowerRecord) -> dict[str, Any]:
    """The record data of a form's values, keys in model order; FormRefused when it is not a record at all."""
    if not isinstance(values, dict):
        raise FormRefused("表单内容应为映射")
    if _depth(values) > MAX_DEPTH:
        raise FormRefused(f"表单内容嵌套超过 {MAX_DEPTH} 层")
    counted = [0]
    return _mapping(values, model, counted)


def _depth(value: Any) -> int:
    """How deeply lists and mappings nest in value (without recursion: the value may nest very deeply)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def _mapping(values: dict[str, Any], model: type[BaseModel] | None, counted: list[int]) -> dict[str, Any]:
    fields = model.model_fields if model else {}
    out: dict[str, Any] = {}
    keys = [str(k) for k in values]
    for key in [k for _, k in sorted(zip(key_rank(model, keys), keys, strict=True))]:
        info = fields.get(key)
        required = bool(info and info.is_required())
        value = _value(values[key], model, key, counted)
        if model is Step and key == "next":
            value = _short_next(value)
        if _empty(value) and not required:
            continue
        out[key] = value
    return out


def _value(value: Any, model: type[BaseModel] | None, key: str, counted: list[int]) -> Any:
    if isinstance(value, dict):
        return _mapping(value, sub_model(model, key), counted)
    if isinstance(value, list):
        counted[0] += len(value)
        if counted[0] > MAX_ITEMS:
            raise FormRefused(f"表单中的列表项超过 {MAX_ITEMS} 个")
        items = [_value(item, model, key, counted) for item in value]
        return [item for item in items if not _empty(item)]
    if isinstance(value, str):
        value = value.strip()
        if scalar_kind(model, key) == "date":
            return _date(value)
    return value


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == {}


def _date(text: str) -> dt.date | str:
    """A date from the form's YYYY-MM-DD; anything else stays text, for the check to name."""
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 else text
    except ValueError:
        return text


def _short_next(branches: Any) -> Any:
    """`next` as files usually write it: nothing, one step's id, or the list of branches."""
    if not isinstance(branches, list):
        return branches
    kept = [branch for branch in branches if not (isinstance(branch, dict) and not branch.get("to"))]
    if len(kept) == 1 and isinstance(kept[0], dict) and set(kept[0]) == {"to"}:
        return kept[0]["to"]
    return kept or None


def data_to_form(data: Any, model: type[BaseModel] | None = PowerRecord, key: str = "") -> Any:
    """The form's values of a record's data: dates as text, `next` as a list of branches."""
    if isinstance(data, dict):
        sub = model if not key else sub_model(model, key)
        return {k: data_to_form(v, sub, str(k)) for k, v in data.items()}
    if model is Step and key == "next":
        return [branch if isinstance(branch, dict) else {"to": str(branch)} for branch in _as_list(data)]
    if isinstance(data, list):
        return [data_to_form(item, model, key) if isinstance(item, dict) else _scalar(item) for item in data]
    return _scalar(data)


def _as_list(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    return value if isinstance(value, list) else [value]


def _scalar(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value
