"""Reading one YAML file safely, keeping the line and column of every key and value."""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from .problems import Problem, problem

MAX_BYTES = 1_000_000  # a power record is a few KB; a megabyte is a mistake or an attack
MAX_NODES = 50_000  # nodes after alias expansion: bounds "billion laughs"
MAX_DEPTH = 40

try:  # the C parser is many times faster; fall back to pure Python where libyaml is missing
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_KIND = {dict: "映射", list: "列表", str: "文字", int: "数字", float: "数字", bool: "布尔值", type(None): "空值"}

Loc = tuple[str | int, ...]
Positions = dict[Loc, tuple[int, int]]

# Common PyYAML problems, said in the editor's language.
_SYNTAX_HINTS = {
    "mapping values are not allowed here": "此处不能出现冒号「:」(值里有冒号时请给整个值加引号)",
    "could not find expected ':'": "缺少冒号「:」,或缩进不一致",
    "did not find expected key": "缩进不一致,或列表项与字段混写",
    "did not find expected '-' indicator": "列表项缩进不一致",
    "found undefined alias": "使用了未定义的别名(*)",
    "found unexpected end of stream": "文件意外结束(引号或括号未闭合?)",
    "found unknown escape character": "双引号内有无效的转义字符(\\),可改用单引号",
    "expected a single document": "文件中只能有一个 YAML 文档(不要使用 ---)",
    "but found another document": "文件中只能有一个 YAML 文档(不要使用 ---)",
    "found duplicate anchor": "锚点(&)名称重复",
    "expected <block end>, but found": "缩进不一致",
    "while scanning a quoted scalar": "引号未闭合",
    "found unexpected ':'": "此处不能出现冒号「:」",
}


@dataclass
class Parsed:
    """A file's data with the position (line, column; 1-based) of every key and value."""

    data: Any
    positions: Positions

    def at(self, loc: Loc) -> tuple[int, int]:
        """The position of loc, or of its nearest ancestor that has one."""
        while loc and loc not in self.positions:
            loc = loc[:-1]
        return self.positions.get(loc, (1, 1))


class YamlRejected(Exception):
    """The file cannot be read; carries the problems to report."""

    def __init__(self, *found: Problem) -> None:
        super().__init__("; ".join(map(str, found)))
        self.problems = list(found)


def read_yaml(path: Path, rel: str) -> Parsed:
    """Read, decode, parse and check one file, or raise YamlRejected with the reason."""
    raw = path.read_bytes()
    if len(raw) > MAX_BYTES:
        raise YamlRejected(problem("E006", rel, size=len(raw), limit=MAX_BYTES))
    text = decode(raw, rel)
    if not text.strip():
        raise YamlRejected(problem("E007", rel))
    node = _compose(text, rel)
    if node is None:
        raise YamlRejected(problem("E007", rel))
    return _Builder(rel).build(node)


def decode(raw: bytes, rel: str) -> str:
    """Decode UTF-8 (with or without BOM); tell GBK and UTF-16 files apart with a hint."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise YamlRejected(problem("E001", rel, detail="(是 UTF-16 编码),请另存为 UTF-8"))
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise YamlRejected(problem("E010", rel, (line, 1), line=line))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        try:
            raw.decode("gb18030")
            detail = "(看起来是 GBK/GB2312 编码),请在编辑器中选择「另存为 UTF-8」"
        except UnicodeDecodeError:
            detail = ",请另存为 UTF-8"
        raise YamlRejected(problem("E001", rel, (line, 1), detail=detail)) from None


def _compose(text: str, rel: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at = (mark.line + 1, mark.column + 1) if mark else None
        detail = f"{exc.problem or ''} {exc.context or ''}"
        if "'\\t'" in detail or "\\t" in repr(exc.problem):
            raise YamlRejected(problem("E014", rel, at)) from None
        hint = next((zh for en, zh in _SYNTAX_HINTS.items() if en in detail), None)
        raise YamlRejected(problem("E002", rel, at, detail=hint or (exc.problem or "无法解析"))) from None
    except yaml.YAMLError as exc:
        raise YamlRejected(problem("E002", rel, detail=str(exc).splitlines()[0])) from None
    except RecursionError:
        raise YamlRejected(problem("E002", rel, detail="嵌套层数过多")) from None


class _Builder:
    """Turns a composed node graph into plain data, counting nodes as aliases expand."""

    def __init__(self, rel: str) -> None:
        self.rel = rel
        self.positions: Positions = {}
        self.count = 0
        self.scalars = SafeConstructor()
        self.duplicates: list[Problem] = []

    def build(self, node: yaml.Node) -> Parsed:
        data = self.value(node, (), 0)
        if self.duplicates:
            raise YamlRejected(*self.duplicates)
        if not isinstance(data, dict):
            raise YamlRejected(problem("E008", self.rel, self.mark(node), actual=_KIND.get(type(data), "其他")))
        return Parsed(data, self.positions)

    def mark(self, node: yaml.Node) -> tuple[int, int]:
        return node.start_mark.line + 1, node.start_mark.column + 1

    def value(self, node: yaml.Node, loc: Loc, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise YamlRejected(problem("E005", self.rel, self.mark(node), limit=MAX_NODES))
        if depth > MAX_DEPTH:
            raise YamlRejected(problem("E002", self.rel, self.mark(node), detail="嵌套层数过多"))
        self.positions.setdefault(loc, self.mark(node))
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, loc, depth)
        if isinstance(node, yaml.SequenceNode):
            self.check_tag(node, _TAG + "seq")
            return [self.value(item, (*loc, i), depth + 1) for i, item in enumerate(node.value)]
        self.check_tag(node, *_SCALAR_TAGS)
        return self.scalars.construct_object(node)

    def mapping(self, node: yaml.MappingNode, loc: Loc, depth: int) -> dict[str, Any]:
        self.check_tag(node, _TAG + "map")
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _TAG + "merge":
                raise YamlRejected(problem("E015", self.rel, self.mark(key_node)))
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlRejected(problem("E002", self.rel, self.mark(key_node), detail="字段名必须是文字"))
            self.check_tag(key_node, *_SCALAR_TAGS)
            key = key_node.value
            if key in result:
                first = self.positions[(*loc, key)][0]
                self.duplicates.append(problem("E003", self.rel, self.mark(key_node), key=key, first=first))
                continue
            self.positions[(*loc, key)] = self.mark(key_node)
            result[key] = self.value(value_node, (*loc, key), depth + 1)
        return result

    def check_tag(self, node: yaml.Node, *allowed: str) -> None:
        if node.tag not in allowed:
            raise YamlRejected(problem("E004", self.rel, self.mark(node), tag=node.tag.replace(_TAG, "!!")))
