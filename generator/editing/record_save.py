"""The text a form's record is saved as: for a file, its own text with only the changed values changed; for a new
power, what `new` writes given the same values. Both in `fmt`'s canonical form, so a save never reformats a file.

A file's text is changed in place (ruamel.yaml's round trip): a value the form did not change keeps its node, its
quoting and the comments around it, even where the form would write it another way (`next: [step2]`); a changed
value is replaced where it stands, keeping the comment at the end of its line; a new key goes where the model
puts it; a key the form dropped is removed. `fmt` then writes the result (format_text), as it would the file."""

from __future__ import annotations

import hashlib
import io
from typing import Any

from pydantic import BaseModel
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from generator.core.model import PENALTY, PowerRecord, Step, TimeLimit, _next_as_list
from generator.core.yamlsafe import parse_text
from generator.editing.fmt import _RT, format_text
from generator.editing.model_keys import key_rank, sub_model
from generator.editing.new import render_power

# Optional fields that `new` writes as "" placeholders unless told to leave them out (new._DECIDE).
_LEFT_OUT = {PowerRecord: ("time_limit", "procedure", "revisions"), TimeLimit: ("statutory", "promised")}


def text_hash(text: str | bytes) -> str:
    """The version of a file the editor opened: a save over another version is refused."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return hashlib.sha256(raw).hexdigest()


def new_text(data: dict[str, Any]) -> str:
    """The file `new` writes for a power, given every value the form holds, in `fmt`'s form."""
    values = _leave_out_unset(dict(data), PowerRecord)
    if values.get("category") != PENALTY:
        values.pop("discretion", None)
    return render_power(values)


def _leave_out_unset(values: dict[str, Any], model: type[BaseModel]) -> dict[str, Any]:
    """None for every optional field `new` would write as a placeholder, so that it is left out instead."""
    for name in _LEFT_OUT.get(model, ()):
        values.setdefault(name, None)
    for name, value in values.items():
        sub = sub_model(model, name)
        if isinstance(value, dict) and sub:
            values[name] = _leave_out_unset(dict(value), sub)
        elif isinstance(value, list) and sub:
            values[name] = [_leave_out_unset(dict(v), sub) if isinstance(v, dict) else v for v in value]
    if model is Step:
        values.setdefault("days", None)
    return values


def edited_text(original: str, data: dict[str, Any], rel: str) -> str:
    """The file's text with the form's data in place of its own, comments kept, in `fmt`'s form."""
    original = original.replace("\r\n", "\n").replace("\r", "\n")
    old = parse_text(original, rel).data  # what check reads: the truth a value is compared with
    tree = _RT.load(original)
    _merge_map(tree, old, data, PowerRecord)
    out = io.StringIO()
    _RT.dump(tree, out)
    return format_text(out.getvalue(), PowerRecord, rel)


def _same(old: Any, new: Any, key: object) -> bool:
    if key == "next":
        return _next_as_list(old) == _next_as_list(new)
    return type(old) is type(new) and old == new if not isinstance(old, (dict, list)) else old == new


def _merge_map(node: CommentedMap, old: dict[str, Any], new: dict[str, Any], model: type[BaseModel] | None) -> None:
    for key in [k for k in node if k not in new]:
        del node[key]
    for key, value in new.items():
        if key in node:
            node[key] = _merge_value(node[key], old.get(key), value, sub_model(model, key), key)
            continue
        keys = list(node)
        rank = key_rank(model, [*keys, key])
        node.insert(sum(r < rank[-1] for r in rank[:-1]), key, value)


def _merge_value(node: Any, old: Any, new: Any, model: type[BaseModel] | None, key: object) -> Any:
    """The node for a new value: the old node when the value is the same, changed in place where it can be."""
    if _same(old, new, key):
        return node
    if isinstance(node, CommentedMap) and isinstance(new, dict) and isinstance(old, dict):
        _merge_map(node, old, new, model)
        return node
    if isinstance(node, CommentedSeq) and isinstance(new, list) and isinstance(old, list):
        for i, item in enumerate(new[: len(node)]):
            node[i] = _merge_value(node[i], old[i] if i < len(old) else None, item, model, i)
        del node[len(new) :]
        node.extend(new[len(node) :])
        return node
    return new
