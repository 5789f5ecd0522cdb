"""The schema the browser editor builds its form from: the model's JSON Schema, made plain for a form library.

One source of truth: every label, help text, select and repeatable group comes from the model (its field titles
and descriptions, its enumerations, its lists of sub-records). What a form library cannot show well is made plain
here: references are inlined, "X or nothing" becomes X (an optional field is one the form may leave out), a
step's `next` is always a list of branches, and the categories are the catalogue's own. The limits a value must
keep (patterns, lengths, ranges) are left out on purpose: the server checks every value with the same rules as
`check` and shows its Chinese messages, so the form never shows a second, different wording of a rule.
"""

from __future__ import annotations

from typing import Any

from generator.core.model import Branch, PowerRecord

_CHECKED_ON_THE_SERVER = ("pattern", "minLength", "maxLength", "minimum", "maximum", "minItems", "default")
_LIST_LAYOUT = {"conditions", "rights", "accountability", "forms"}  # lists of plain text: one line each


def form_schema(categories: list[str]) -> dict[str, Any]:
    """The power form's schema, with the catalogue's categories as the choices of 权力类别."""
    schema = PowerRecord.model_json_schema()
    defs = schema.pop("$defs", {})
    plain = _plain(schema, defs, "")
    plain["title"] = "权力事项"
    plain["properties"]["category"]["enum"] = list(categories)
    plain["properties"]["code"]["readOnly"] = True
    plain["properties"]["code"]["options"] = {"inputAttributes": {"readonly": "readonly"}}
    return plain


def _plain(node: Any, defs: dict[str, Any], name: str) -> Any:
    """A schema node with references inlined, optional types made plain and server-side limits dropped."""
    if isinstance(node, list):
        return [_plain(item, defs, name) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target = defs[node["$ref"].rsplit("/", 1)[-1]]
        return _plain({**target, **{k: v for k, v in node.items() if k != "$ref"}}, defs, name)
    if name == "next" and "anyOf" in node:
        return _branches(node, defs)
    if "anyOf" in node:
        chosen = [option for option in node["anyOf"] if option.get("type") != "null"]
        if len(chosen) == 1:
            rest = {k: v for k, v in node.items() if k != "anyOf"}
            return _plain({**chosen[0], **rest}, defs, name)
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _CHECKED_ON_THE_SERVER:
            continue
        if key == "properties":
            out[key] = {field: _plain(sub, defs, field) for field, sub in value.items()}
        else:
            out[key] = _plain(value, defs, name)
    return _layout(out, name)


def _branches(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    """`next` as the form shows it: a list of branches {to, when}; one without a condition is saved as `next: to`."""
    branch = _plain(Branch.model_json_schema(), defs, "")
    branch["title"] = "分支"
    return {
        "type": "array",
        "title": node.get("title", "下一步"),
        "description": node.get("description", ""),
        "items": branch,
        "format": "table",
    }


def _layout(node: dict[str, Any], name: str) -> dict[str, Any]:
    """How the form lays a node out: short lists as tables, the item titles of repeatable groups."""
    if node.get("type") == "array":
        node.setdefault("options", {})
        if name in _LIST_LAYOUT:
            node["format"] = "table"
        items = node.get("items", {})
        if isinstance(items, dict) and items.get("type") == "string":
            items.setdefault("title", node.get("title", name))
        if isinstance(items, dict) and items.get("type") == "object":
            items["title"] = node.get("title", name)
            items.setdefault("headerTemplate", "{{ i1 }}. {{ self.name }}{{ self.law }}{{ self.item }}{{ self.level }}")
    if node.get("type") == "object":
        node.pop("additionalProperties", None)
    return node
