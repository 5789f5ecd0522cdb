"""Reading one YAML file safely, keeping the line and column of every key and value."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from generator.core.problems import GeneratorError, Problem, problem
from generator.core.yamlsyntax import colon_mistake, syntax_problem

MAX_BYTES = 1_000_000  # a power record is a few KB; a megabyte is a mistake or an attack
MAX_NODES = 50_000  # nodes after alias expansion: bounds "billion laughs"
MAX_CHARS = 2 * MAX_BYTES  # text after alias expansion: bounds one big value repeated by aliases
MAX_DEPTH = 40
COMPOSE_DEPTH = 1_000  # nesting checked before composing, far below what overflows libyaml's C stack

try:  # the C parser is many times faster; fall back to pure Python where libyaml is missing
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader

_TAG = "tag:yaml.org,2002:"
_STR = _TAG + "str"
_NULL = _TAG + "null"
_SCALAR_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
# Characters YAML refuses (C0/C1 controls other than tab and line breaks, non-characters).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")
_KIND = {dict: "映射", list: "列表", str: "文字", int: "数字", float: "数字", bool: "布尔值", type(None): "空值"}

Loc = tuple[str | int, ...]
Positions = dict[Loc, tuple[int, int]]


@dataclass(frozen=True)
class CutValue:
    """A plain value that YAML cut at a ` #`, reading the rest of the line as a comment (`note: 时限 #缩短`)."""

    loc: Loc
    at: tuple[int, int]  # the position of the #
    kept: str  # what YAML read
    comment: str  # what it dropped, from the #


@dataclass
class Parsed:
    """A file's data with the position (line, column; 1-based) of every key and value."""

    data: Any
    positions: Positions
    cut: list[CutValue] = field(default_factory=list)

    def at(self, loc: Loc) -> tuple[int, int]:
        """The position of loc, or of its nearest ancestor that has one."""
        while loc and loc not in self.positions:
            loc = loc[:-1]
        return self.positions.get(loc, (1, 1))


class YamlRejected(GeneratorError):
    """The file cannot be read; carries the problems to report."""

    def __init__(self, *found: Problem) -> None:
        super().__init__("; ".join(map(str, found)))
        self.problems = list(found)


def read_yaml(path: Path, rel: str) -> Parsed:
    """Read, decode, parse and check one file, or raise YamlRejected with the reason."""
    raw = path.read_bytes()
    if len(raw) > MAX_BYTES:
        raise YamlRejected(problem("E006", rel, size=len(raw), limit=MAX_BYTES))
    return parse_text(decode(raw, rel), rel)


def parse_text(text: str, rel: str) -> Parsed:
    """Parse and check decoded text, as read_yaml does after reading the file."""
    if not text.strip():
        raise YamlRejected(problem("E007", rel))
    node = _compose(text, rel)
    if node is None:
        raise YamlRejected(problem("E007", rel))
    return _Builder(rel, text).build(node)


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
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        try:
            raw.decode("gb18030")
            detail = "(看起来是 GBK/GB2312 编码),请在编辑器中选择「另存为 UTF-8」"
        except UnicodeDecodeError:
            detail = ",请另存为 UTF-8"
        raise YamlRejected(problem("E001", rel, (line, 1), detail=detail)) from None
    control = _CONTROL.search(text)
    if control:
        line = text.count("\n", 0, control.start()) + 1
        raise YamlRejected(problem("E010", rel, (line, 1), line=line))
    return text


def _may_nest_deeply(text: str) -> bool:
    """Cheap bound: nesting depth is at most the flow brackets plus the widest indent-and-dash prefix."""
    half = MAX_DEPTH // 2
    if text.count("[") + text.count("{") >= half:
        return True
    return any(len(line) - len(line.lstrip(" -?")) >= half for line in text.splitlines())


def _check_depth(text: str, rel: str) -> None:
    """Refuse nesting libyaml's composer cannot take: it recurses once per level and would crash the process."""
    if sum(map(text.count, "[{:-?")) <= COMPOSE_DEPTH:
        return  # every level of nesting needs one of these characters: this text cannot be that deep
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > COMPOSE_DEPTH:
                at = (event.start_mark.line + 1, event.start_mark.column + 1)
                raise YamlRejected(problem("E002", rel, at, detail="嵌套层数过多"))
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _compose(text: str, rel: str) -> yaml.Node | None:
    try:
        _check_depth(text, rel)
        return yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        raise YamlRejected(syntax_problem(text, rel, exc)) from None
    except yaml.YAMLError as exc:
        raise YamlRejected(problem("E002", rel, detail=str(exc).splitlines()[0])) from None
    except RecursionError:
        raise YamlRejected(problem("E002", rel, detail="嵌套层数过多")) from None


_CUT_BY_COMMENT = re.compile(r"[ \t]+(#[^\s#].*?)[ \t]*$")  # `value #text`: a # right before text is rarely a comment


class _Builder:
    """Turns a composed node graph into plain data, counting nodes as aliases expand."""

    def __init__(self, rel: str, text: str) -> None:
        self.rel = rel
        self.text = text
        self.lines = text.splitlines() if "#" in text else []  # YAML's line breaks, once control characters are out
        self.positions: Positions = {}
        self.count = 0
        self.chars = 0
        self.scalars = SafeConstructor()
        self.duplicates: list[Problem] = []
        self.cut: dict[tuple[int, int], CutValue] = {}

    def build(self, node: yaml.Node) -> Parsed:
        data = self.value(node, (), 0)
        if self.duplicates:
            raise YamlRejected(*self.duplicates)
        if isinstance(data, str) and not node.style:
            self.colon_mistake(node)
        if not isinstance(data, dict):
            raise YamlRejected(problem("E008", self.rel, self.mark(node), actual=_KIND.get(type(data), "其他")))
        return Parsed(data, self.positions, list(self.cut.values()))

    def colon_mistake(self, node: yaml.Node) -> None:
        """A file of plain text whose first line is meant as `key: value` (`name：统计局`): name the colon."""
        number = node.start_mark.line
        found = colon_mistake(self.text.splitlines()[number], True)
        if found:
            raise YamlRejected(problem("E002", self.rel, (number + 1, found[0]), detail=found[1]))

    def mark(self, node: yaml.Node) -> tuple[int, int]:
        return node.start_mark.line + 1, node.start_mark.column + 1

    def value(self, node: yaml.Node, loc: Loc, depth: int) -> Any:
        self.grow(node)
        if depth > MAX_DEPTH:
            raise YamlRejected(problem("E002", self.rel, self.mark(node), detail="嵌套层数过多"))
        self.positions.setdefault(loc, self.mark(node))
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, loc, depth)
        if isinstance(node, yaml.SequenceNode):
            self.check_tag(node, _TAG + "seq")
            return [self.value(item, (*loc, i), depth + 1) for i, item in enumerate(node.value)]
        self.check_tag(node, *_SCALAR_TAGS)
        if self.lines:  # a file without any # has nothing cut
            self.note_cut(node, loc)
        return self.scalar(node)

    def note_cut(self, node: yaml.Node, loc: Loc) -> None:
        """Remember a plain text (or empty) value followed on its line by `#text`, which YAML dropped."""
        end = node.end_mark
        if node.style or node.tag not in (_STR, _NULL) or end.line >= len(self.lines):
            return
        if node.tag == _NULL and (node.value or end.line != node.start_mark.line):
            return
        found = _CUT_BY_COMMENT.match(self.lines[end.line], end.column)
        if found:
            at = (end.line + 1, found.start(1) + 1)
            self.cut.setdefault(at, CutValue(loc, at, node.value, found[1]))

    def scalar(self, node: yaml.Node) -> Any:
        """The scalar's value; its text when it only looks like a number or date (2024-13-45, a huge int)."""
        if node.tag == _STR:  # most values: skip the generic constructor
            return node.value
        try:
            return self.scalars.construct_object(node)
        except (ValueError, KeyError, AttributeError, IndexError, OverflowError):
            self.scalars.recursive_objects.pop(node, None)
            return node.value

    def grow(self, node: yaml.Node) -> None:
        """Count a node and its text as aliases expand; refuse what grows past the limits."""
        self.count += 1
        pairs = node.value if isinstance(node, yaml.MappingNode) else []
        self.chars += len(node.value) if isinstance(node, yaml.ScalarNode) else sum(len(k.value) for k, _ in pairs)
        if self.count > MAX_NODES or self.chars > MAX_CHARS:
            limit = f"{MAX_NODES} 个节点" if self.count > MAX_NODES else f"{MAX_CHARS} 个字符"
            raise YamlRejected(problem("E005", self.rel, self.mark(node), limit=limit))

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
