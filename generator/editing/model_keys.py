"""What a record model expects at a key: the model of a nested mapping, the kind of a scalar, the key order."""

from __future__ import annotations

import datetime as dt
import typing
from typing import Any, Literal

from pydantic import BaseModel

from generator.core.fieldnames import inner_model

ScalarKind = Literal["date", "str", "other"]
Model = type[BaseModel] | None


def _field(model: type[BaseModel] | None, key: object) -> Any:
    return model.model_fields.get(key) if model and isinstance(key, str) else None


def sub_model(model: type[BaseModel] | None, key: object) -> type[BaseModel] | None:
    info = _field(model, key)
    return inner_model(info.annotation) if info else None


def _leaves(annotation: Any) -> set[Any]:
    if typing.get_origin(annotation) is Literal:
        return {str}
    args = typing.get_args(annotation)
    if not args:
        return {annotation}
    return set().union(*(_leaves(a) for a in args if not isinstance(a, str)))


def scalar_kind(model: type[BaseModel] | None, key: object) -> ScalarKind:
    """What a scalar at this key (or in the list at this key) should be."""
    info = _field(model, key)
    leaves = _leaves(info.annotation) if info else set()
    if dt.date in leaves:
        return "date"
    return "str" if str in leaves else "other"


def key_rank(model: type[BaseModel] | None, keys: list[Any]) -> list[int]:
    """Canonical positions of keys: model fields first in model order, then unknown keys as written."""
    fields = list(model.model_fields) if model else []
    return [fields.index(k) if k in fields else len(fields) + i for i, k in enumerate(keys)]
