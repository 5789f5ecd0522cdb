"""The field reference for editors, as Markdown tables generated from the model and the error codes."""

from __future__ import annotations

import re
import typing
from typing import Any

from pydantic import BaseModel

from generator.core.fieldnames import inner_model
from generator.core.model import KIND_TITLES, KINDS
from generator.core.problems import MESSAGES

_PLACEHOLDER = re.compile(r"\{\w+\}")
_FILES = {"catalogue": "_catalogue.yaml", "department": "<部门>/_department.yaml", "power": "<部门>/<编码>.yaml"}


def _rows(model: type[BaseModel], prefix: str = "") -> list[str]:
    rows = []
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        required = "必填" if info.is_required() else "可选"
        rows.append(f"| `{path}` | {info.title} | {required} | {_cell(info.description or '')} |")
        inner = inner_model(info.annotation)
        if inner:
            rows.extend(_rows(inner, f"{path}.{'[].' if _is_list(info.annotation) else ''}".replace(".[].", "[].")))
    return rows


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _is_list(annotation: Any) -> bool:
    return typing.get_origin(annotation) is list or any(_is_list(a) for a in typing.get_args(annotation))


def field_reference() -> str:
    """Markdown: one table per file kind, then the table of problem codes ({…} shown as …)."""
    parts = []
    for kind in ("catalogue", "department", "power"):
        model = KINDS[kind]
        parts.append(f"### {KIND_TITLES[kind]} `{_FILES[kind]}`\n")
        parts.append("| 字段 | 名称 | 必填 | 说明 |\n| --- | --- | --- | --- |")
        parts.append("\n".join(_rows(model)) + "\n")
    parts.append("### 检查代码\n\nE 开头为错误(必须修正),W 开头为警告(`check --strict` 时也视为失败)。\n")
    parts.append("| 代码 | 提示 |\n| --- | --- |")
    rows = (f"| {code} | {_cell(_PLACEHOLDER.sub('…', text))} |" for code, text in MESSAGES.items())
    parts.append("\n".join(rows) + "\n")
    return "\n".join(parts)
