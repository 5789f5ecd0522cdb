"""A row's values merged into an existing record's YAML (`import --update`): only the fields the row fills in
change; the rest of the file stays as it was (other fields, comments, key order)."""

from __future__ import annotations

import copy
import io
import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from generator.core.fieldnames import inner_model
from generator.core.model import PowerRecord
from generator.core.yamlsafe import parse_text
from generator.editing.fmt import _yaml, format_text, scalar_text
from generator.editing.sheets import RowError, cell_text

# List fields whose entries are matched to the record's by these keys: a matched entry keeps its other fields.
_ENTRY_KEYS: dict[str, tuple[str, ...]] = {"basis": ("law", "articles"), "materials": ("name",), "fees": ("standard",)}
_RT = _yaml()


def plain(value: Any) -> Any:
    """YAML tree data as plain Python values, for comparing."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _entry_key(entry: Any, keys: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(re.sub(r"[《》\s]", "", cell_text(entry.get(k))) for k in keys)


def _entries(old: Any, new: list[dict[str, Any]], keys: tuple[str, ...], model: type[BaseModel]) -> list[Any]:
    """The row's entries; one matching an old entry by keys is the old one (other fields and comments kept),
    updated with what the row says; a new one gets "" for the required fields the row does not give."""
    olds: dict[tuple[str, ...], Any] = {}
    for entry in old if isinstance(old, list) else []:
        if isinstance(entry, dict):
            olds.setdefault(_entry_key(entry, keys), entry)
    required = [name for name, info in model.model_fields.items() if info.is_required()]
    out: list[Any] = []
    for entry in new:
        match = olds.pop(_entry_key(entry, keys), None)
        if match is None:
            out.append({name: entry.get(name, "") for name in required} | entry)
            continue
        kept = copy.deepcopy(match)
        for key, value in entry.items():
            if key not in keys and plain(kept.get(key)) != value:
                kept[key] = value
        out.append(kept)
    return out


def _steps(old: Any, new: list[dict[str, Any]]) -> list[Any]:
    """The row's steps in its order, linked one after another; a step of the same name as an old one is the
    old one, keeping its id, post, days and the rest."""
    olds = [s for s in old if isinstance(s, dict)] if isinstance(old, list) else []
    if [cell_text(s.get("name")) for s in olds] == [s["name"] for s in new]:
        return old
    by_name: dict[str, Any] = {}
    for step in olds:
        by_name.setdefault(cell_text(step.get("name")), step)
    steps = [copy.deepcopy(by_name.pop(s["name"])) if s["name"] in by_name else dict(s) for s in new]
    kept = {cell_text(s.get("id")) for s in steps if isinstance(s, CommentedMap)}
    fresh = (f"step{n}" for n in itertools.count(1) if f"step{n}" not in kept)
    for step in steps:
        if not isinstance(step, CommentedMap):
            step["id"] = next(fresh)
    for step, following in zip(steps, [s["id"] for s in steps[1:]] + [None], strict=True):
        if following:
            step["next"] = following
        else:
            step.pop("next", None)
    return steps


def _like(old: Any, new: list[Any]) -> list[Any]:
    """A new list written in the old one's style ([a, b] stays on one line)."""
    if isinstance(old, CommentedSeq) and old.fa.flow_style():
        seq = CommentedSeq(new)
        seq.fa.set_flow_style()
        return seq
    return new


@dataclass
class Merger:
    """Sets a row's values into a record's YAML tree, keeping everything the row does not fill in."""

    changed: list[str] = field(default_factory=list)  # Chinese titles of the fields that changed

    def mapping(self, tree: CommentedMap, values: dict[str, Any], model: type[BaseModel], indent: int = 0) -> None:
        for key, value in values.items():
            info = model.model_fields[key]
            old, sub = tree.get(key), inner_model(info.annotation)
            if isinstance(value, dict) and isinstance(old, CommentedMap) and sub is not None:
                self.mapping(old, value, sub, indent + 2)
                continue
            new = self.value(key, old, value, sub)
            if new is None:
                if key in tree:
                    del tree[key]
                    self.changed.append(info.title or key)
            elif plain(new) != plain(old):
                tree[key] = new
                _comment_after(tree, key, indent)
                self.changed.append(info.title or key)

    def value(self, key: str, old: Any, new: Any, sub: type[BaseModel] | None) -> Any:
        """What the tree should hold at key; None to leave the key out."""
        if isinstance(new, dict):
            return {k: v for k, v in new.items() if v is not None} or None
        if not isinstance(new, list):
            return new
        if key == "steps":
            return _steps(old, new)
        if key in _ENTRY_KEYS and sub is not None:
            new = _entries(old, new, _ENTRY_KEYS[key], sub)
        return _like(old, new)


def _comment_after(tree: CommentedMap, key: str, indent: int) -> None:
    """Keep a comment at the end of a changed line two spaces after the new value."""
    token = tree.ca.items.get(key, [None] * 3)[2]
    if token is not None and not isinstance(tree[key], (list, dict)):
        token.column = indent + len(f"{key}: {scalar_text(tree[key])}") + 2


def merge_text(text: str, values: dict[str, Any], rel: str) -> tuple[str, list[str]]:
    """The record text with values merged in, in canonical form, and the titles of the fields that changed."""
    parse_text(text, rel)  # the generator's own limits: size, aliases, tags, duplicate keys
    try:
        tree = _RT.load(text)
    except YAMLError as exc:
        raise RowError(f"已有文件 {rel} 无法读取({str(exc).splitlines()[0]}),请先用 check 查看并修正") from None
    if not isinstance(tree, CommentedMap):
        raise RowError(f"已有文件 {rel} 不是一个事项记录,请先用 check 查看并修正")
    for step in values.get("procedure", {}).get("steps", []):
        step.setdefault("post", cell_text(values.get("office") or tree.get("office")))
    merger = Merger()
    merger.mapping(tree, values, PowerRecord)
    if not merger.changed:
        return text, []
    out = io.StringIO()
    _RT.dump(tree, out)
    return format_text(out.getvalue(), PowerRecord, rel), list(dict.fromkeys(merger.changed))
