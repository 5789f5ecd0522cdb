"""Chinese names of fields, looked up along an error's location in the model."""

from __future__ import annotations

import difflib
import typing
from typing import Any

from pydantic import BaseModel

Loc = tuple[str | int, ...]


def inner_model(annotation: Any) -> type[BaseModel] | None:
    """The model inside list[...], X | None, Annotated[...], if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = inner_model(arg)
        if found:
            return found
    return None


def _walk(model: type[BaseModel], loc: Loc) -> tuple[type[BaseModel] | None, str]:
    """The model that holds loc's last field, and that field's Chinese title."""
    title = ""
    current: type[BaseModel] | None = model
    for part in loc:
        if isinstance(part, int) or current is None:
            continue
        info = current.model_fields.get(part)
        if info is None:
            return current, title
        title = info.title or part
        current = inner_model(info.annotation)
    return current, title


def title_of(model: type[BaseModel], loc: Loc) -> str:
    """The Chinese title of the field at loc, e.g. ('time_limit', 'promised') -> 承诺时限."""
    names = [p for p in loc if isinstance(p, str)]
    if not names:
        return "记录"
    _, title = _walk(model, loc)
    return title or names[-1]


def description_of(model: type[BaseModel], loc: Loc) -> str:
    """The description of the field at loc: what its value should look like."""
    holder, _ = _walk(model, loc[:-1])
    info = holder.model_fields.get(loc[-1]) if holder and isinstance(loc[-1], str) else None
    return info.description if info and info.description else "格式不符"


def dotted(loc: Loc) -> str:
    """A location as editors see it in YAML: procedure.steps[2].post."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def unknown_key_hint(model: type[BaseModel], loc: Loc) -> str:
    """Suggest the field an unknown key was probably meant to be."""
    holder, _ = _walk(model, loc[:-1])
    if holder is None or not isinstance(loc[-1], str):
        return ""
    known = list(holder.model_fields)
    by_title = {info.title: name for name, info in holder.model_fields.items()}  # 状态: → status
    close = [by_title[loc[-1]]] if loc[-1] in by_title else difflib.get_close_matches(loc[-1], known, n=1, cutoff=0.6)
    if close:
        return f",是否应为「{close[0]}」({holder.model_fields[close[0]].title})?"
    return ",可用字段:" + "、".join(known)
