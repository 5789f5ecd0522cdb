"""`fmt`: rewrite record files into the canonical form, keeping editors' comments.

The canonical form: keys in the order of the model's fields (unknown keys after them, as
written); two-space indentation with list dashes indented under their key; text plain where
YAML reads it back as the same text and in double quotes otherwise; numbers written where text
is expected put in quotes (hotline: "12345"); dates as YYYY-MM-DD. A comment stays with the key
it stands above, and is indented like it.

Two passes: keys are reordered by moving whole lines (key_order, so comments travel with their key), then
ruamel.yaml rewrites the scalars and the indentation. The result is read back with the
generator's own reader and must hold the same data, or the file is left alone.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.emitter import Emitter
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, FoldedScalarString, LiteralScalarString

from generator.core.loader import CATALOGUE_FILE, DEPARTMENT_FILE
from generator.core.model import CatalogueRecord, DepartmentRecord, PowerRecord, Record
from generator.core.problems import GeneratorError, Problem, problem, shown
from generator.core.yamlsafe import YamlRejected, decode, parse_text
from generator.editing.key_order import is_flow, reorder
from generator.editing.model_keys import ScalarKind, key_rank, scalar_kind, sub_model

_STR_TAG = "tag:yaml.org,2002:str"
_PYYAML_RESOLVER = yaml.resolver.Resolver()
_DATE_TEXT = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")
_BLOCK_HEADER = re.compile(r"(?:^\s*-|:)\s+[|>][-+1-9]*(?:\s+#.*)?\s*$")
PARALLEL_FROM = 200  # files; below this, starting worker processes costs more than it saves


class FormatRefused(GeneratorError):
    """The file cannot be formatted; carries the problems to show."""

    def __init__(self, *found: Problem) -> None:
        super().__init__("; ".join(map(str, found)))
        self.problems = list(found)


def model_for(path: Path) -> type[Record]:
    """The record kind a file holds, by its name."""
    if path.name == CATALOGUE_FILE:
        return CatalogueRecord
    if path.name == DEPARTMENT_FILE:
        return DepartmentRecord
    return PowerRecord


def _yaml() -> YAML:
    rt = YAML()
    rt.indent(mapping=2, sequence=4, offset=2)
    rt.width = 1_000_000  # never fold long text
    rt.allow_unicode = True
    return rt


_RT = _yaml()
_RUAMEL_RESOLVER = _RT.resolver
_EMITTER = Emitter(io.StringIO(), allow_unicode=True)


# --- how text is written ---------------------------------------------------------------------


def needs_quotes(text: str, in_flow: bool = False) -> bool:
    """True when plain text would be read back as something else (by YAML 1.1 or 1.2) or cannot be plain."""
    for resolver in (_PYYAML_RESOLVER, _RUAMEL_RESOLVER):
        node_type = yaml.ScalarNode if resolver is _PYYAML_RESOLVER else ScalarNode
        if resolver.resolve(node_type, text, (True, False)) != _STR_TAG:
            return True
    analysis = _EMITTER.analyze_scalar(text)
    return not (analysis.allow_flow_plain if in_flow else analysis.allow_block_plain)


def styled(text: str, in_flow: bool = False) -> str:
    """Text in its canonical style: plain, double-quoted, or a literal block when it has line breaks."""
    if "\n" in text and not in_flow:
        return LiteralScalarString(text)
    return DoubleQuotedScalarString(text) if needs_quotes(text, in_flow) else text


def scalar_text(value: Any) -> str:
    """One scalar as it appears in a canonical file (for text written by hand, e.g. the template)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, dt.date)):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    text = str(value)
    if needs_quotes(text) or "\n" in text:
        return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid double-quoted YAML scalar
    return text


def as_date(value: Any) -> dt.date | None:
    """A date from a YAML date or from text such as 2024/1/5, 2024.1.5 or 2024年1月5日."""
    if type(value) is dt.date:
        return value
    match = _DATE_TEXT.match(value) if isinstance(value, str) else None
    if not match:
        return None
    try:
        return dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


# --- pass 2: scalars, with the generator's own reading of the file as the truth ---------------


@dataclass
class _Normaliser:
    """Rewrites scalars in the ruamel tree and builds the data the result must read back as."""

    def node(self, rt: Any, data: Any, model: type[BaseModel] | None, kind: ScalarKind, in_flow: bool) -> tuple:
        if isinstance(rt, CommentedMap) and isinstance(data, dict):
            return rt, self.mapping(rt, data, model, in_flow or is_flow(rt))
        if isinstance(rt, CommentedSeq) and isinstance(data, list) and len(rt) == len(data):
            flow = in_flow or is_flow(rt)
            expected = []
            for i, item in enumerate(rt):
                new, want = self.node(item, data[i], model, kind, flow)
                if new is not item:
                    rt[i] = new
                expected.append(want)
            return rt, expected
        return self.scalar(rt, data, kind, in_flow)

    def mapping(self, rt: CommentedMap, data: dict, model: type[BaseModel] | None, flow: bool) -> dict:
        expected = {}
        for key in list(rt):
            name = key if key in data else str(key)
            new, want = self.node(rt[key], data.get(name), sub_model(model, key), scalar_kind(model, key), flow)
            if new is not rt[key]:
                rt[key] = new
            expected[name] = want
        if is_flow(rt):
            rank = dict(zip(rt, key_rank(model, list(rt)), strict=True))
            for key in sorted(rt, key=rank.__getitem__):
                rt.move_to_end(key)
        return expected

    def scalar(self, rt: Any, data: Any, kind: ScalarKind, in_flow: bool) -> tuple:
        if kind == "date" and (day := as_date(data)) is not None:
            return day, day
        if isinstance(data, str):
            if isinstance(rt, (LiteralScalarString, FoldedScalarString)) and rt == data:
                return rt, data
            return styled(data, in_flow), data
        if kind == "str" and type(data) is int and type(rt) is int and rt == data:
            return DoubleQuotedScalarString(str(data)), str(data)
        return rt, data


def _block_scalar_lines(lines: list[str]) -> set[int]:
    """Lines inside literal or folded blocks: a # there is text, not a comment."""
    inside: set[int] = set()
    for i, line in enumerate(lines):
        if i in inside or not _BLOCK_HEADER.search(line):
            continue
        indent = len(line) - len(line.lstrip(" "))
        j = i + 1
        while j < len(lines) and (not lines[j].strip() or len(lines[j]) - len(lines[j].lstrip(" ")) > indent):
            inside.add(j)
            j += 1
    return inside


def align_comments(text: str) -> str:
    """Indent each full-line comment at least as deep as the line it stands above."""
    lines = text.split("\n")
    skip = _block_scalar_lines(lines)
    want = 0
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i]
        stripped = line.lstrip(" ")
        if i in skip or not stripped:
            continue
        indent = len(line) - len(stripped)
        if not stripped.startswith("#"):
            want = indent
        elif indent < want:
            lines[i] = " " * want + stripped
    return "\n".join(lines)


# --- the whole file ---------------------------------------------------------------------------


def format_text(text: str, model: type[Record], rel: str) -> str:
    """The canonical form of one file's text, or FormatRefused (YAML errors, or a change of meaning)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    parsed = parse_text(text, rel)  # the generator's own reading: limits, tags, duplicates
    try:
        tree = _RT.load(text)
        lines = text.split("\n")
        reordered = "\n".join(reorder(lines, tree, model, 0, len(lines)))
        if reordered != text:  # most files are in order already: parse again only when lines moved
            tree = _RT.load(reordered)
    except YAMLError as exc:
        raise FormatRefused(problem("E002", rel, detail=str(exc).splitlines()[0])) from None
    tree, expected = _Normaliser().node(tree, parsed.data, model, "other", False)
    out = io.StringIO()
    _RT.dump(tree, out)
    result = align_comments(out.getvalue())
    if parse_text(result, rel).data != expected:
        detail = "格式化后内容会改变,已保留原文件,请检查引号和特殊字符"
        raise FormatRefused(problem("E002", rel, detail=detail))
    return result


def format_file(path: Path, rel: str) -> tuple[str, str]:
    """(original text, canonical text) of one file; raises FormatRefused or YamlRejected."""
    raw = path.read_bytes()
    original = decode(raw, rel)
    return raw.decode("utf-8", errors="replace"), format_text(original, model_for(path), rel)


def record_files(paths: list[Path]) -> list[Path]:
    """Every .yaml file named by paths (files as given; folders searched without following symbolic
    links, so that fmt never writes outside them; hidden entries skipped), sorted, without duplicates."""
    found: set[Path] = set()
    for path in paths:
        if not path.is_dir():
            found.add(path)
            continue
        for folder, dirs, files in os.walk(path):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            found.update(
                Path(folder, f)
                for f in files
                if f.endswith(".yaml") and not f.startswith(".") and not Path(folder, f).is_symlink()
            )
    return sorted(found)


def formatted(path: Path) -> tuple[str, str] | list[Problem]:
    """(original, canonical) text of one file, or the problems that stop it being formatted."""
    rel = shown(path)
    try:
        return format_file(path, rel)
    except (YamlRejected, FormatRefused) as exc:
        return exc.problems
    except OSError as exc:
        return [problem("E002", rel, detail=f"无法读取文件({exc.strerror})")]


def format_files(files: list[Path], check_only: bool) -> tuple[list[Path], list[Problem]]:
    """Rewrite files in canonical form (check_only: leave them): the files that changed, or would, and the problems
    of those that cannot be formatted."""
    changed, failed = [], []
    if len(files) >= PARALLEL_FROM and (os.cpu_count() or 1) > 1:
        with ProcessPoolExecutor() as pool:
            results = list(pool.map(formatted, files, chunksize=16))
    else:
        results = [formatted(path) for path in files]
    for path, result in zip(files, results, strict=True):
        if isinstance(result, list):
            failed.extend(result)
        elif result[0] != result[1]:
            changed.append(path)
            if not check_only:
                path.write_text(result[1], encoding="utf-8", newline="\n")
    return changed, failed
