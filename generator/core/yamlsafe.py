"""Reading one YAML file safely, keeping the line and column of every key and value."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from generator.core.problems import Problem, problem

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

# Common PyYAML problems, said in the editor's language.
_SYNTAX_HINTS = {
    "found incompatible YAML document": "不支持的 YAML 版本声明(%YAML),请删除这一行",
    "directive": "以 % 开头的行是 YAML 指令,请删除这一行(值以 % 开头时请加引号)",
    "mapping values are not allowed": "此处不能出现冒号「:」(值里有冒号时请给整个值加引号)",
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
    "found character that cannot start any token": "值不能以 @、` 或 % 等字符开头,请给整个值加引号",
    "did not find expected ',' or ']'": "方括号「[ ]」未闭合,或列表项之间缺少逗号",
    "did not find expected ',' or '}'": "花括号「{ }」未闭合,或字段之间缺少逗号",
    "did not find expected node content": "缺少内容(括号未闭合,或「-」「:」后没有值?)",
    "did not find expected alphabetic or numeric character": "锚点(&)或别名(*)缺少名称",
    "found invalid Unicode character escape code": "双引号内的 \\u 转义无效,可改用单引号",
    "did not find expected hexdecimal number": "双引号内的 \\x 或 \\u 转义无效,可改用单引号",
    "found undefined tag handle": "未定义的标签(!),请删除「!」开头的标记",
    "mapping keys are not allowed in this context": "此处不能使用「?」,请给整个值加引号",
    "did not find expected comment or line break": "此处应换行(| 或 > 之后不能再写内容)",
    "did not find expected <document start>": "缩进不一致:顶层内容结束后又出现了内容(检查开头几行的缩进和「- 」)",
    "block sequence entries are not allowed": "此处不能出现列表项「- 」(缩进不一致?)",
    "found unexpected document indicator": "引号内出现了 --- 或 ... 开头的行(引号未闭合?)",
    "found an indentation indicator equal to 0": "多行文字标记(| 或 >)后的缩进数字不能为 0",
    "did not find expected whitespace or line break": "此处缺少空格(「!」「&」「*」标记之后要有空格)",
    "tag": "标签(!)写法错误,请删除「!」开头的标记,或给整个值加引号",
    "expected '!'": "标签(!)写法错误,请删除「!」开头的标记,或给整个值加引号",
    "URI": "标签(!)写法错误,请删除「!」开头的标记,或给整个值加引号",
}


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
        unclosed = "did not find expected ',' or" in (exc.problem or "")  # point at the bracket that opened it
        no_colon = exc.context == "while scanning a simple key"  # point at the line without its colon, not the next
        mark = (exc.context_mark if unclosed or no_colon else None) or exc.problem_mark or exc.context_mark
        at = (mark.line + 1, mark.column + 1) if mark else None
        detail = f"{exc.problem or ''} {exc.context or ''}"
        if "'\\t'" in detail or "tab character" in detail or _tab_at(text, mark):
            raise YamlRejected(problem("E014", rel, at)) from None
        quote = _unclosed_quote(text, mark)
        if quote:
            detail = "引号未闭合(这一行的值以引号开头,却没有结束的引号)"
            raise YamlRejected(problem("E002", rel, quote, detail=detail)) from None
        typo = _typing_mistake(text.splitlines(), exc)
        if typo:
            raise YamlRejected(problem("E002", rel, typo[0], detail=typo[1])) from None
        hint = next((zh for en, zh in _SYNTAX_HINTS.items() if en in detail), None)
        raise YamlRejected(problem("E002", rel, at, detail=hint or (exc.problem or "无法解析"))) from None
    except yaml.YAMLError as exc:
        raise YamlRejected(problem("E002", rel, detail=str(exc).splitlines()[0])) from None
    except RecursionError:
        raise YamlRejected(problem("E002", rel, detail="嵌套层数过多")) from None


_OPEN_QUOTE = re.compile(r"""^(\s*(?:-\s+)*(?:[^\s#"'][^#]*?:\s+)?)(["'])""")
_QUOTED_REST = {'"': re.compile(r'(?:[^"\\]|\\.)*"'), "'": re.compile(r"(?:[^']|'')*'")}
_AFTER_VALUE = re.compile(r"[ \t]*(?:\r?\n|$|#|[,\]}]|:(?:[ \t\r\n]|$))")  # what may follow a closing quote


def _unclosed_quote(text: str, mark: yaml.Mark | None) -> tuple[int, int] | None:
    """The first line up to the error whose value opens a quote that no proper closing quote ends."""
    offset = 0
    for number, line in enumerate(text.split("\n")[: mark.line + 1] if mark else [], 1):
        found = _OPEN_QUOTE.match(line)
        if found:
            closing = _QUOTED_REST[found[2]].match(text, offset + found.end())
            if not closing or not _AFTER_VALUE.match(text, closing.end()):
                return number, found.end(1) + 1
        offset += len(line) + 1
    return None


# Typing mistakes behind many syntax errors, told by the line they are on.
_KEY = r"^([ \t]*(?:-[ \t]+)*)"  # indentation and list dashes before a key
_FULL_WIDTH_COLON = re.compile(_KEY + r"([^\s#:：]{1,12})[ \t]*：[ \t]*(.*)$")  # a key: a word, no sentence
_FULL_WIDTH_AFTER_NAME = re.compile(_KEY + r"([A-Za-z_][A-Za-z0-9_]*)[ \t]*：[ \t]*(.*)$")
_NO_SPACE = re.compile(_KEY + r"([A-Za-z_][A-Za-z0-9_]*):(?=[^\s/:])(.*)$")  # not a URL's ://
_PROPER_KEY = re.compile(r"^[^#]*?:(?:[ \t]|$)")
_FILLED = re.compile(_KEY + r"""([^\s#:][^#:]*?):[ \t]+(\[[ \t]*\]|\{[ \t]*\}|""|'')[ \t]*(?:#.*)?$""")
_FILLED_MEANS = {
    "[": "表示空列表,下面就不能再写列表项",
    "{": "表示空映射,下面就不能再写字段",
}
SHOWN = 20  # characters of a value repeated in a message


def shorten(text: str, limit: int = SHOWN) -> str:
    """Text as a message repeats it: at most limit characters, then an ellipsis."""
    return text if len(text) <= limit else text[:limit] + "…"


def _colon_mistake(line: str, any_key: bool) -> tuple[int, str] | None:
    """The column and explanation of a full-width colon, or a colon without a space, after a key."""
    found = (_FULL_WIDTH_COLON if any_key else _FULL_WIDTH_AFTER_NAME).match(line)
    if found:
        key, rest = found[2], shorten(found[3].rstrip())
        fixed = f"{key}: {rest}" if rest else f"{key}:"
        return line.index("：", found.end(2)) + 1, f"「{key}」后面是中文冒号「：」,应改为英文冒号加一个空格:{fixed}"
    found = _NO_SPACE.match(line)
    if found:
        key, rest = found[2], shorten(found[3].rstrip())
        return found.end(2) + 1, f"「{key}:」的冒号后面缺少空格,应写成:{key}: {rest}"
    return None


def _suspect_lines(lines: list[str], exc: yaml.MarkedYAMLError) -> list[tuple[int, bool]]:
    """Lines (0-based) that may hold a colon mistake, and whether any text may stand for the key there."""
    if exc.context == "while scanning a simple key" and exc.context_mark:
        return [(exc.context_mark.line, True)]  # the line whose key has no colon
    if "mapping values are not allowed" not in (exc.problem or "") or not exc.problem_mark:
        return []
    found = [(exc.problem_mark.line, False)]  # a colon inside a plain value: the value may have begun above
    for number in range(exc.problem_mark.line - 1, -1, -1):
        line = lines[number]
        if not line.strip() or line.lstrip().startswith("#") or _PROPER_KEY.match(line):
            break
        found.append((number, False))
    return found


def _filled_above(lines: list[str], exc: yaml.MarkedYAMLError) -> tuple[tuple[int, int], str] | None:
    """`materials: []` above list items: the [] (or {} or "") that leaves them without a place."""
    if "did not find expected key" not in (exc.problem or "") or not exc.problem_mark:
        return None
    above = exc.problem_mark.line - 1
    while above >= 0 and (not lines[above].strip() or lines[above].lstrip().startswith("#")):
        above -= 1
    found = _FILLED.match(lines[above]) if above >= 0 else None
    if not found:
        return None
    key, value = found[2], found[3]
    means = _FILLED_MEANS.get(value[0], "已经是它的值,下面就不能再写内容")
    return (above + 1, found.start(3) + 1), f"「{key}:」后面的「{value}」{means}:请删除这个「{value}」"


def _typing_mistake(lines: list[str], exc: yaml.MarkedYAMLError) -> tuple[tuple[int, int], str] | None:
    """Where and what the typing mistake behind a syntax error is, when it is one editors often make."""
    for number, any_key in _suspect_lines(lines, exc):
        found = _colon_mistake(lines[number], any_key) if number < len(lines) else None
        if found:
            return (number + 1, found[0]), found[1]
    return _filled_above(lines, exc)


def _tab_at(text: str, mark: yaml.Mark | None) -> bool:
    """True when the parser stopped at a tab (libyaml does not say so in its message)."""
    lines = text.splitlines()
    return bool(mark) and mark.line < len(lines) and lines[mark.line][mark.column : mark.column + 1] == "\t"


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
        found = _colon_mistake(self.text.splitlines()[number], True)
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
