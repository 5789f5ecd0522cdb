"""The fields that differ between two records of one model, each with its YAML path and its title."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from generator.core.fieldnames import title_of

# The field that names an item of a list, so that a diff follows items rather than positions.
IDENTITY = {
    "steps": "id",
    "next": "to",
    "basis": "law",
    "fees": "item",
    "materials": "name",
    "discretion": "violation",
    "tiers": "level",
    "supervision": "name",
    "complaints": "contact",
    "responsibilities": "stage",
    "categories": "name",
}


@dataclass
class FieldChange:
    field: str  # as in YAML: time_limit.promised
    title: str  # as editors say it: 办理时限 承诺时限
    before: str
    after: str


@dataclass(frozen=True)
class Item:
    """A list item in a location, named by its identity field (a step by its id)."""

    key: str


def _shown(value: Any) -> str:
    if value is None or value == []:
        return ""
    if isinstance(value, list):
        return "、".join(map(str, value))
    return str(value)


def _item_keys(name: object, items: list[Any]) -> list[Any]:
    """Item(identity) for each item where the identity is unique in the list, else the positions."""
    ident = IDENTITY.get(name) if isinstance(name, str) else None
    keys = [str(v.get(ident)) for v in items if isinstance(v, dict)] if ident else []
    if ident and len(keys) == len(items) and len(set(keys)) == len(keys):
        return [Item(k) for k in keys]
    return list(range(len(items)))


def flatten(data: Any, loc: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """(location, shown value) of every leaf; a list of plain values is one leaf."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from flatten(value, (*loc, key))
    elif isinstance(data, list) and any(isinstance(v, dict) for v in data):
        for key, value in zip(_item_keys(loc[-1] if loc else None, data), data, strict=True):
            yield from flatten(value, (*loc, key))
    else:
        yield loc, _shown(data)


def _dotted(loc: tuple) -> str:
    parts = []
    for i, part in enumerate(loc):
        if isinstance(part, (int, Item)):
            parts.append(f"[{part.key if isinstance(part, Item) else part}]")
        else:
            parts.append(f".{part}" if i else part)
    return "".join(parts)


def _title(model: type[BaseModel], loc: tuple) -> str:
    plain = tuple(0 if isinstance(p, Item) else p for p in loc)
    parts = []
    for i, part in enumerate(loc):
        if isinstance(part, Item):
            parts.append(f"「{part.key}」")
        elif isinstance(part, int):
            parts.append(f"第{part + 1}项")
        else:
            parts.append(title_of(model, plain[: i + 1]))
    return " ".join(parts)


def field_changes(model: type[BaseModel], old: BaseModel | None, new: BaseModel | None) -> list[FieldChange]:
    """Every leaf that differs between two records of one model, in the model's order."""
    before = dict(flatten(old.model_dump(mode="json", exclude_none=True))) if old else {}
    after = dict(flatten(new.model_dump(mode="json", exclude_none=True))) if new else {}
    locs = list(dict.fromkeys([*before, *after]))
    return [
        FieldChange(_dotted(loc), _title(model, loc), before.get(loc, ""), after.get(loc, ""))
        for loc in locs
        if before.get(loc, "") != after.get(loc, "")
    ]
