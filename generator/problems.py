"""Problems as data: every defect found in a catalogue, with where it is and what it means."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

# Every code the generator can report, with its Chinese message template.
# Codes are stable: tests pin them, CI bots match on them. Never reuse a retired code.
MESSAGES: dict[str, str] = {
    # Reading files (E0xx)
    "E001": "文件不是 UTF-8 编码{detail}",
    "E002": "YAML 格式错误:{detail}",
    "E003": "重复的字段「{key}」(第 {first} 行已出现)",
    "E004": "不允许的 YAML 标签 {tag}:记录里只能写文字、数字、日期、列表和映射",
    "E005": "文件内容过多,或别名(&/*)展开后过大(超过 {limit}),已拒绝读取",
    "E006": "文件过大({size} 字节,上限 {limit} 字节)",
    "E007": "文件为空",
    "E008": "文件顶层应为映射(「字段: 值」的形式),实际是{actual}",
    "E009": "符号链接指向权力清单目录之外({target}),已拒绝读取",
    "E010": "文件含有 NUL 等控制字符(第 {line} 行),可能不是文本文件",
    "E011": "缺少发布机关文件 _catalogue.yaml",
    "E012": "部门目录缺少部门信息文件 _department.yaml",
    "E013": "权力事项文件应放在部门目录中(powers/<部门>/<编码>.yaml)",
    "E014": "请用空格缩进,不要使用 Tab 制表符",
    "E015": "不支持 YAML 合并键「<<」,请直接写出各字段",
    "E016": "文件扩展名应为 .yaml",
    "E017": "权力清单目录不存在:{detail}",
    "E018": "符号链接形成循环,无法读取",
    # Fields (E1xx)
    "E101": "缺少必填字段「{title}」({where})",
    "E102": "未知字段「{key}」{hint}",
    "E103": "「{title}」应为{expected}",
    "E104": "「{title}」的值「{value}」无效,可选值:{expected}",
    "E105": "「{title}」格式不正确:{expected}",
    "E106": "「{title}」不能为空",
    "E107": "「{title}」不能为负数",
    "E108": "「{title}」应为日期,如 2024-01-01",
    "E109": "「{title}」不能超过 {limit}",
    # Rules across fields and records (E2xx errors, W2xx warnings)
    "E201": "文件名「{stem}」与权力编码「{code}」不一致,应为 {code}.yaml",
    "E202": "权力编码「{code}」重复,另见 {other}",
    "E203": "权力编码「{code}」的地区和区划代码应为「{expected}」(见 _catalogue.yaml)",
    "E204": "权力编码「{code}」的单位业务代码应为「{expected}」(见 {dept}/_department.yaml)",
    "E205": "权力编码「{code}」的类别代码应为「{expected}」(权力类别为{category})",
    "E206": "未知的权力类别「{category}」,可选:{expected}",
    "E207": "承诺时限({promised})不能超过法定时限({statutory})",
    "E208": "办理流程最长路径共 {total} {unit}({route}),超过承诺时限 {promised} {unit}",
    "E209": "步骤「{step}」的下一步「{target}」不存在{hint}",
    "E210": "步骤「{step}」从第一步无法到达",
    "E211": "办理流程存在循环:{cycle}",
    "E212": "步骤编号「{step}」重复",
    "E213": "缺少权力运行流程(procedure),至少需要一个步骤",
    "E214": "行政处罚事项必须填写自由裁量基准(discretion)",
    "E215": "只有行政处罚事项才能填写自由裁量基准(discretion),本事项为{category}",
    "E216": "最近修订日期 {date} 晚于今天",
    "E217": "最近修订日期 {date} 早于生效日期 {effective}",
    "E218": "单位业务代码「{code}」与 {other} 重复",
    "W201": "{category}({cat_code})的事项序号不连续,缺少:{missing}",
    "W202": "承诺时限({promised})超过法定时限({statutory})的三分之二,原则上应比法定时限缩短三分之一以上",
    "W203": "已设承诺时限,但步骤「{step}」未填写时限(days)",
    "W204": "修订记录应按日期从旧到新排列,最新的一条放在最后",
}


@dataclass(frozen=True, order=True)
class Problem:
    """One defect: where it is (path relative to the catalogue root, line, column) and what it is."""

    path: str
    line: int | None
    column: int | None
    code: str
    message: str
    field: str = ""

    @property
    def is_error(self) -> bool:
        return self.code.startswith("E")

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        return f"{where}: {self.code} {self.message}"


def problem(code: str, path: str, at: tuple[int, int] | None = None, field: str = "", /, **values: object) -> Problem:
    """Build a problem from its code's message template."""
    line, column = at if at else (None, None)
    shown = {key: " ".join(v.splitlines()) if isinstance(v, str) else v for key, v in values.items()}  # one line each
    return Problem(path, line, column, code, MESSAGES[code].format(**shown), field)


@dataclass
class Report:
    """Every problem a load found, in the order of files and lines."""

    problems: list[Problem] = field(default_factory=list)
    records: int = 0  # power files read, valid or not

    def add(self, item: Problem) -> None:
        self.problems.append(item)

    def extend(self, items: list[Problem]) -> None:
        self.problems.extend(items)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    def sorted(self) -> list[Problem]:
        return sorted(set(self.problems), key=lambda p: (p.path, p.line or 0, p.column or 0, p.code, p.message))

    def to_json(self) -> str:
        return json.dumps([asdict(p) for p in self.sorted()], ensure_ascii=False, indent=2)


class GeneratorError(Exception):
    """Base of the generator's own exceptions."""


class CatalogueInvalid(GeneratorError):
    """A catalogue has errors, so nothing may be built from it."""

    def __init__(self, report: Report) -> None:
        super().__init__(f"{len(report.errors)} 个错误")
        self.report = report
