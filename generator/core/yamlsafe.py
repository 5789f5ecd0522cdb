"""Reading one YAML file safely, keeping the line and column of every key and value."""

from __future__ import annotations

import codecs
import re
import sys
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from generator.core.problems import GeneratorError, Problem, problem
from generator.core.yamlsyntax import colon_mistake, syntax_problem

MAX_BYTES = 1_000_000  # a power record is a few KB; a megabyte is a mistake or an attack
MAX_NODES = 50_000  # nodes after alias expansion: bounds "billion laughs"
MAX_CHARS = 2 * MAX_BYTES  # text after alias expansion: bounds one big value repeated by aliases
MAX_DEPTH = 40
COMPOSE_DEPTH = 1_000  # nesting checked before composing, far below what overflows libyaml's C stack
SCANNED = 2_000  # up to this many keys and items, a position is looked up by a pass over them rather than indexed

try:  # the C parser is many times faster; fall back to pure Python where libyaml is missing
    _SafeLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _SafeLoader = yaml.SafeLoader
_RESOLVER = Resolver()  # the safe loaders' resolver; it has no path resolvers: a tag depends on the text alone


@lru_cache(maxsize=256)  # the keys and the common values of every file, and no more than 256 texts kept alive
def _resolved(kind: type, value: str | None, implicit: tuple[bool, bool] | bool) -> str:
    """The tag the safe loader gives an untagged node, remembered: most keys and many values recur in every file."""
    return _RESOLVER.resolve(kind, value, implicit)


class _Loader(_SafeLoader):
    """The safe loader, with the types of recent texts remembered (a Python call per node is much of parsing)."""

    resolve = staticmethod(_resolved)


_TAG = "tag:yaml.org,2002:"
_STR = _TAG + "str"
_NULL = _TAG + "null"
_SCALAR_TAGS = frozenset(_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp"))
_SEQ, _MAP, _MERGE = _TAG + "seq", _TAG + "map", _TAG + "merge"
# Characters YAML refuses (C0/C1 controls other than tab and line breaks, non-characters).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")
_PLAIN = frozenset((str, int, float, bool, type(None)))  # what JSON and marshal hold; YAML also gives dates
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
    marks: array[int]  # 0-based line, column and depth of the data, then of each key and list item in it, in order
    parts: list[str | int]  # the key or index of each of those but the first
    cut: list[CutValue] = field(default_factory=list)
    typed: list[tuple[Loc, Any]] = field(default_factory=list)  # each value of another type than _PLAIN's (dates)

    @cached_property
    def positions(self) -> Positions:
        """The position of every location, worked out from the marks when first asked."""
        lines, columns, depths = self.marks[0::3], self.marks[1::3], self.marks[2::3]
        found: Positions = {(): (lines[0] + 1, columns[0] + 1)}
        loc: list[str | int] = []
        for line, column, depth, part in zip(lines[1:], columns[1:], depths[1:], self.parts, strict=True):
            del loc[depth - 1 :]
            loc.append(part)
            found[tuple(loc)] = (line + 1, column + 1)
        return found

    def at(self, loc: Loc) -> tuple[int, int]:
        """The position of loc, or of its nearest ancestor that has one."""
        if len(self.parts) <= SCANNED:
            return self.scan(loc)
        while loc and loc not in self.positions:  # a long file may have as many problems: index it once
            loc = loc[:-1]
        return self.positions.get(loc, (1, 1))

    def scan(self, loc: Loc) -> tuple[int, int]:
        """at() by one pass over the marks: an index kept for every record would take about as much memory as it."""
        marks, matched = self.marks, 0
        found = (marks[0] + 1, marks[1] + 1)
        for i, part in enumerate(self.parts, 1):
            depth = marks[3 * i + 2]
            if matched == len(loc) or depth <= matched:  # found, or past the part of the file that holds loc
                break
            if depth == matched + 1 and part == loc[matched]:
                matched += 1
                found = (marks[3 * i] + 1, marks[3 * i + 1] + 1)
        return found

    def without_data(self) -> Parsed:
        """The positions alone, once a record holds the content: most of a large catalogue's memory otherwise."""
        return replace(self, data=None, typed=[])

    @classmethod
    def later(cls, unpack: Callable[[], tuple[array[int], list[str | int]]]) -> Parsed:
        """without_data() of a parse without cut values, whose marks and parts unpack() gives when first asked: the
        load's cache keeps them for every record, and few are ever asked for."""
        parsed = cls.__new__(cls)
        parsed.__dict__.update(data=None, cut=[], typed=[], _unpack=unpack)
        return parsed

    def __getattr__(self, name: str) -> Any:
        """The marks and parts of a parse made by later(), unpacked now (called only for a missing attribute)."""
        unpack = self.__dict__.get("_unpack") if name in ("marks", "parts") else None
        if unpack is None:
            raise AttributeError(name)
        self.marks, self.parts = unpack()
        del self.__dict__["_unpack"]
        return self.__dict__[name]


class YamlRejected(GeneratorError):
    """The file cannot be read; carries the problems to report."""

    def __init__(self, *found: Problem) -> None:
        super().__init__("; ".join(map(str, found)))
        self.problems = list(found)


def read_yaml(path: Path, rel: str) -> Parsed:
    """Read, decode, parse and check one file, or raise YamlRejected with the reason."""
    return parse_bytes(path.read_bytes(), rel)


def parse_bytes(raw: bytes, rel: str) -> Parsed:
    """Decode, parse and check a file's bytes, as read_yaml does after reading them."""
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
        self.marks: array[int] = array("I")
        self.parts: list[str | int] = []
        self.count = 0
        self.chars = 0
        self.scalars = SafeConstructor()
        self.duplicates: list[Problem] = []
        self.cut: dict[tuple[int, int], CutValue] = {}
        self.typed: list[tuple[Loc, Any]] = []

    def build(self, node: yaml.Node) -> Parsed:
        self.marks.extend((node.start_mark.line, node.start_mark.column, 0))
        data = self.value(node, (), 0)
        if self.duplicates:
            raise YamlRejected(*self.duplicates)
        if isinstance(data, str) and not node.style:
            self.colon_mistake(node)
        if not isinstance(data, dict):
            raise YamlRejected(problem("E008", self.rel, self.mark(node), actual=_KIND.get(type(data), "其他")))
        return Parsed(data, self.marks, self.parts, list(self.cut.values()), self.typed)

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
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, loc, depth)
        if isinstance(node, yaml.SequenceNode):
            return self.sequence(node, loc, depth)
        if node.tag not in _SCALAR_TAGS:
            self.refuse_tag(node)
        if self.lines:  # a file without any # has nothing cut
            self.note_cut(node, loc)
        return node.value if node.tag == _STR else self.scalar(node, loc)  # most values are text: no constructor

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

    def scalar(self, node: yaml.Node, loc: Loc) -> Any:
        """A typed scalar's value; its text when it only looks like a number or date (2024-13-45, a huge int)."""
        try:
            value = self.scalars.construct_object(node)
        except (ValueError, KeyError, AttributeError, IndexError, OverflowError):
            self.scalars.recursive_objects.pop(node, None)
            return node.value
        if type(value) not in _PLAIN:
            self.typed.append((loc, value))
        return value

    def grow(self, node: yaml.Node) -> None:
        """Count a node and its text as aliases expand; refuse what grows past the limits."""
        self.count += 1
        if isinstance(node, yaml.ScalarNode):
            self.chars += len(node.value)
        elif isinstance(node, yaml.MappingNode):
            self.chars += sum(len(key.value) for key, _ in node.value)
        if self.count > MAX_NODES or self.chars > MAX_CHARS:
            limit = f"{MAX_NODES} 个节点" if self.count > MAX_NODES else f"{MAX_CHARS} 个字符"
            raise YamlRejected(problem("E005", self.rel, self.mark(node), limit=limit))

    def sequence(self, node: yaml.SequenceNode, loc: Loc, depth: int) -> list[Any]:
        if node.tag != _SEQ:
            self.refuse_tag(node)
        items, marks, parts = [], self.marks, self.parts
        for i, item in enumerate(node.value):
            marks.extend((item.start_mark.line, item.start_mark.column, depth + 1))
            parts.append(i)
            items.append(self.value(item, (*loc, i), depth + 1))
        return items

    def mapping(self, node: yaml.MappingNode, loc: Loc, depth: int) -> dict[str, Any]:
        if node.tag != _MAP:
            self.refuse_tag(node)
        result: dict[str, Any] = {}
        marks, parts = self.marks, self.parts
        for key_node, value_node in node.value:
            if key_node.tag not in _SCALAR_TAGS or not isinstance(key_node, yaml.ScalarNode):
                self.refuse_key(key_node)
            key = sys.intern(key_node.value)  # one string for a key in every file: less to send and to keep
            if key in result:
                self.duplicate(node, key_node)
                continue
            marks.extend((key_node.start_mark.line, key_node.start_mark.column, depth + 1))
            parts.append(key)
            result[key] = self.value(value_node, (*loc, key), depth + 1)
        return result

    def duplicate(self, node: yaml.MappingNode, key_node: yaml.ScalarNode) -> None:
        """E003 for a key written again in the same mapping, naming the line of its first use."""
        first = next(k for k, _ in node.value if k.value == key_node.value).start_mark.line + 1
        self.duplicates.append(problem("E003", self.rel, self.mark(key_node), key=key_node.value, first=first))

    def refuse_key(self, node: yaml.Node) -> None:
        """A key that is a merge (<<), not text, or tagged as something else than a plain value."""
        if node.tag == _MERGE:
            raise YamlRejected(problem("E015", self.rel, self.mark(node)))
        if not isinstance(node, yaml.ScalarNode):
            raise YamlRejected(problem("E002", self.rel, self.mark(node), detail="字段名必须是文字"))
        self.refuse_tag(node)

    def refuse_tag(self, node: yaml.Node) -> None:
        """E004: a tag other than those of plain values, lists and mappings (!!python/…, !!binary, !!set)."""
        raise YamlRejected(problem("E004", self.rel, self.mark(node), tag=node.tag.replace(_TAG, "!!")))
