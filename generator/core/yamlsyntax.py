"""Syntax errors of a YAML file, told where the editor's mistake is and in the editor's words.

PyYAML names the place where it gave up, often a line below the mistake, in English. For the mistakes
editors often make (an unclosed quote, a full-width colon, `key: []` above list items, a tab) the problem
points at the mistake itself and says how to write the line instead.
"""

from __future__ import annotations

import re

import yaml

from generator.core.problems import Problem, problem

SHOWN = 20  # characters of a value repeated in a message


def shorten(text: str, limit: int = SHOWN) -> str:
    """Text as a message repeats it: at most limit characters, then an ellipsis."""
    return text if len(text) <= limit else text[:limit] + "…"


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


def colon_mistake(line: str, any_key: bool) -> tuple[int, str] | None:
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
        found = colon_mistake(lines[number], any_key) if number < len(lines) else None
        if found:
            return (number + 1, found[0]), found[1]
    return _filled_above(lines, exc)


def _tab_at(text: str, mark: yaml.Mark | None) -> bool:
    """True when the parser stopped at a tab (libyaml does not say so in its message)."""
    lines = text.splitlines()
    return bool(mark) and mark.line < len(lines) and lines[mark.line][mark.column : mark.column + 1] == "\t"


def syntax_problem(text: str, rel: str, exc: yaml.MarkedYAMLError) -> Problem:
    """The problem to report for a syntax error PyYAML raised on text: E014 for a tab, else E002 with a hint."""
    unclosed = "did not find expected ',' or" in (exc.problem or "")  # point at the bracket that opened it
    no_colon = exc.context == "while scanning a simple key"  # point at the line without its colon, not the next
    mark = (exc.context_mark if unclosed or no_colon else None) or exc.problem_mark or exc.context_mark
    at = (mark.line + 1, mark.column + 1) if mark else None
    detail = f"{exc.problem or ''} {exc.context or ''}"
    if "'\\t'" in detail or "tab character" in detail or _tab_at(text, mark):
        return problem("E014", rel, at)
    quote = _unclosed_quote(text, mark)
    if quote:
        return problem("E002", rel, quote, detail="引号未闭合(这一行的值以引号开头,却没有结束的引号)")
    typo = _typing_mistake(text.splitlines(), exc)
    if typo:
        return problem("E002", rel, typo[0], detail=typo[1])
    hint = next((zh for en, zh in _SYNTAX_HINTS.items() if en in detail), None)
    return problem("E002", rel, at, detail=hint or (exc.problem or "无法解析"))
