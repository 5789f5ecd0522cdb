"""`fmt`: rewrite record files into the canonical form, keeping editors' comments.

The canonical form: keys in the order of the model's fields (unknown keys after them, as
written); two-space indentation with list dashes indented under their key; text plain where
YAML reads it back as the same text and in double quotes otherwise; numbers written where text
is expected put in quotes (hotline: "12345"); dates as YYYY-MM-DD. A comment stays with the key
it stands above, and is indented like it.

Two passes: keys are reordered by moving whole lines (so comments travel with their key), then
ruamel.yaml rewrites the scalars and the indentation. The result is read back with the
generator's own reader and must hold the same data, or the file is left alone.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import sys
import typing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import click
import yaml
from pydantic import BaseModel
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.emitter import Emitter
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, FoldedScalarString, LiteralScalarString

from generator.commands.common import powers_option
from generator.core.fieldnames import inner_model
from generator.core.loader import CATALOGUE_FILE, DEPARTMENT_FILE
from generator.core.model import CatalogueRecord, DepartmentRecord, PowerRecord, Record
from generator.core.problems import Problem, problem, shown
from generator.core.yamlsafe import YamlRejected, decode, parse_text

_STR_TAG = "tag:yaml.org,2002:str"
_PYYAML_RESOLVER = yaml.resolver.Resolver()
_DATE_TEXT = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")
_BLOCK_HEADER = re.compile(r"(?:^\s*-|:)\s+[|>][-+1-9]*(?:\s+#.*)?\s*$")
PARALLEL_FROM = 200  # files; below this, starting worker processes costs more than it saves
ScalarKind = Literal["date", "str", "other"]
Model = type[BaseModel] | None


class FormatRefused(Exception):
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


# --- what the model expects at a key --------------------------------------------------------


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


# --- pass 1: key order, moving whole lines ----------------------------------------------------


def _is_flow(node: Any) -> bool:
    return bool(node.fa.flow_style())


def _is_comment(line: str) -> bool:
    return line.lstrip().startswith("#")


def _lead(lines: list[str], line: int, lower: int) -> int:
    """First line of the comments directly above line (no blank line between)."""
    while line > lower and _is_comment(lines[line - 1]):
        line -= 1
    return line


def _within(lines_of: list[int], start: int, end: int) -> bool:
    return all(start <= n < end for n in lines_of) and lines_of == sorted(lines_of)


def reorder(lines: list[str], node: Any, model: Model, start: int, end: int) -> list[str]:
    """Lines start..end holding node, with every block mapping's keys in canonical order."""
    if isinstance(node, CommentedMap) and node and not _is_flow(node):
        return _reorder_map(lines, node, model, start, end)
    if isinstance(node, CommentedSeq) and node and not _is_flow(node):
        return _reorder_seq(lines, node, model, start, end)
    return lines[start:end]


def _reorder_seq(lines: list[str], node: CommentedSeq, model: Model, start: int, end: int) -> list[str]:
    items = [node.lc.item(i)[0] for i in range(len(node))]
    if not _within(items, start, end):
        return lines[start:end]
    leads = [_lead(lines, n, start if i == 0 else items[i - 1] + 1) for i, n in enumerate(items)]
    out = lines[start : leads[0]]
    for i, item in enumerate(node):
        stop = leads[i + 1] if i + 1 < len(node) else end
        out += lines[leads[i] : items[i]]
        if isinstance(item, CommentedMap) and item and not _is_flow(item):
            out += _reorder_map(lines, item, model, items[i], stop)
        else:
            out += lines[items[i] : stop]
    return out


def _reorder_map(lines: list[str], node: CommentedMap, model: Model, start: int, end: int) -> list[str]:
    keys = list(node)
    at = [node.lc.key(k)[0] for k in keys]
    if not _within(at, start, end) or len(set(at)) != len(at):
        return lines[start:end]
    leads = []
    for i, line in enumerate(at):
        after_block = i > 0 and isinstance(node[keys[i - 1]], (LiteralScalarString, FoldedScalarString))
        leads.append(line if after_block else _lead(lines, line, start if i == 0 else at[i - 1] + 1))
    tail = end  # blank lines closing the mapping stay at its end, whichever key comes last
    while tail > at[-1] + 1 and not lines[tail - 1].strip():
        tail -= 1
    pieces = []
    for i, key in enumerate(keys):
        stop = leads[i + 1] if i + 1 < len(keys) else tail
        value = reorder(lines, node[key], sub_model(model, key), at[i] + 1, stop)
        pieces.append((lines[leads[i] : at[i] + 1] + value, at[i] - leads[i]))
    rank = key_rank(model, keys)
    order = sorted(range(len(keys)), key=rank.__getitem__)
    if order != sorted(order):
        pieces = _move_dash(lines, node, keys, at, pieces, order)
    return lines[start : leads[0]] + [line for piece, _ in pieces for line in piece] + lines[tail:end]


def _move_dash(lines: list[str], node: CommentedMap, keys: list, at: list[int], pieces: list, order: list[int]) -> list:
    """Reorder pieces; in a list item ("- key: …") the dash moves to the new first key."""
    column = node.lc.key(keys[0])[1]
    prefix = lines[at[0]][:column]
    if not prefix.strip():
        return [pieces[i] for i in order]
    first, key_line = pieces[0]
    first = [*first[:key_line], " " * column + first[key_line][column:], *first[key_line + 1 :]]
    pieces = [(first, key_line), *pieces[1:]]
    new_first, new_line = pieces[order[0]]
    if new_first[new_line][:column].strip():
        return pieces  # an unusual layout: keep the order rather than risk it
    new_first = [*new_first[:new_line], prefix + new_first[new_line][column:], *new_first[new_line + 1 :]]
    pieces[order[0]] = (new_first, new_line)
    return [pieces[i] for i in order]


# --- pass 2: scalars, with the generator's own reading of the file as the truth ---------------


@dataclass
class _Normaliser:
    """Rewrites scalars in the ruamel tree and builds the data the result must read back as."""

    def node(self, rt: Any, data: Any, model: type[BaseModel] | None, kind: ScalarKind, in_flow: bool) -> tuple:
        if isinstance(rt, CommentedMap) and isinstance(data, dict):
            return rt, self.mapping(rt, data, model, in_flow or _is_flow(rt))
        if isinstance(rt, CommentedSeq) and isinstance(data, list) and len(rt) == len(data):
            flow = in_flow or _is_flow(rt)
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
        if _is_flow(rt):
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


@click.command("fmt")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@powers_option
@click.option("--check", "check_only", is_flag=True, help="只列出需要格式化的文件,不改写;有则以 1 退出(用于 CI)")
def fmt_command(paths: tuple[Path, ...], powers: Path, check_only: bool) -> None:
    """把记录文件改写为统一格式(字段顺序、引号、日期),保留注释。"""
    targets = list(paths) or [powers]
    missing = [p for p in targets if not p.exists()]
    if missing:
        for path in missing:
            click.echo(f"找不到文件或目录:{shown(path)}", err=True)
        sys.exit(2)
    changed, failed = format_files(record_files(targets), check_only)
    _summary(changed, failed, check_only)
    sys.exit(1 if failed or (check_only and changed) else 0)


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


def _summary(changed: list[Path], failed: list[Problem], check_only: bool) -> None:
    for path in changed:
        click.echo(f"{'需要格式化' if check_only else '已格式化'}:{shown(path)}")
    for item in failed:
        click.echo(f"无法格式化 {item}", err=True)
    if check_only and changed:
        click.echo(f"{len(changed)} 个文件需要格式化,请运行 python -m generator fmt", err=True)
    elif not changed and not failed:
        click.echo("所有文件格式正确")
