"""Problems as data: every defect found in a catalogue, with where it is and what it means."""

from __future__ import annotations

import json
import os
import posixpath
from dataclasses import asdict, dataclass, field
from pathlib import Path

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
    # What check was asked to look at (E025 and E026 exit 2: the command line, not the catalogue, is wrong)
    "E025": (
        "不属于任何权力清单:所在目录及其上级目录中都没有发布机关文件 _catalogue.yaml。"
        "请检查权力清单目录(如 python -m generator check powers),或其中的部门目录、记录文件"
    ),
    "E026": "不是记录文件:check 只能检查权力清单目录、部门目录或 .yaml 记录文件",
    "E027": "文件不存在:请检查文件名,以及路径是否从当前目录写起(如 powers/tjj/FX01TJ-XK-0001.yaml)",
    # Fields (E1xx)
    "E101": "缺少必填字段「{title}」({where})",
    "E102": "未知字段「{key}」{hint}",
    "E103": "「{title}」应为{expected}",
    "E104": "「{title}」的值「{value}」无效,可选值:{expected}",
    "E105": "「{title}」格式不正确:{expected}",
    "E106": "「{title}」不能为空",
    "E107": "「{title}」不能为负数",
    "E108": "「{title}」应为日期,如 2024-01-01{detail}",
    "E109": "「{title}」不能超过 {limit}",
    "E110": (
        "「{title}」的值在「#」处断开:空格后的「{comment}」被当作注释丢掉了,只读到「{kept}」;"
        "如果「#」是内容,请给整个值加英文双引号,写成 {quoted};如果是注释,请另起一行写"
    ),
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
    "E219": "编码台账中的「{value}」不是权力编码,应如 FX01TJ-CF-0001(地区+区划+单位代码-类别代码-4位序号)",
    "E220": (
        "编码「{code}」已发出,但找不到它的事项文件{where}:如果文件被误删,请从 git 历史中恢复;"
        "如果事项已取消,请登记注销:python -m generator ledger --withdraw {code} --reason 注销原因"
    ),
    "E221": (
        "编码「{code}」已于 {date} 注销({file} 第 {line} 行),不能再使用:新事项请用 python -m generator new"
        " 取得新编码;如果是误注销,请删去 {file} 中的这条注销记录"
    ),
    # Attachments: materials[].form_file and sample_file (attachments.py)
    "E231": (
        "附件路径「{path}」不可用:请写从部门目录起的相对路径,用 / 分隔,不以 / 开头,"
        "不含「..」和特殊字符,如 forms/申请表.pdf"
    ),
    "E232": "附件「{path}」不存在:应放在部门目录 {dept}/ 中,路径从部门目录写起",
    "E233": "附件「{path}」的文件类型不允许,只能是 {allowed} 文件",
    "E234": "附件「{path}」的内容不是 {kind} 文件,请检查文件是否损坏或扩展名是否改过",
    "E235": "附件「{path}」过大({size} 字节,上限 {limit} 字节),请压缩或拆分",
    "E236": "附件「{path}」是指向权力清单目录之外的符号链接({target}),已拒绝",
    "E237": "电子显示屏的常用事项「{code}」{why},不能在显示屏上显示(见 display.popular)",
    "W201": "{category}({cat_code})的事项序号不连续,缺少:{missing}",
    "W202": "承诺时限({promised})超过法定时限({statutory})的三分之二,原则上应比法定时限缩短三分之一以上",
    "W203": "已设承诺时限,但步骤「{step}」未填写时限(days)",
    "W204": "修订记录应按日期从旧到新排列,最新的一条放在最后",
    "W205": (
        "编码「{code}」未记入编码台账 _codes.yaml:新事项请用 python -m generator new 创建;"
        "已有的事项请运行 python -m generator ledger 补记"
    ),
    "W206": "编码「{code}」在编码台账中重复(第 {first} 行已有),请删去这一行",
    "W207": (
        "权力依据「{law}」的修改自 {effective} 起施行,本事项最近修订于 {revised}:"
        "应在施行后 {days} 个工作日内(期限 {deadline})修订事项和流程图,已逾期 {overdue} 个工作日{fallback}"
    ),
    "W211": "本事项不在公开网站上全文公开(涉密或部门内部),附件「{path}」不会发布",
}


@dataclass(frozen=True, order=True)
class Problem:
    """One defect: where it is (path relative to the catalogue root, line, column) and what it is.

    root is the catalogue folder as the command line named it ("powers"): printed in front of path, so that
    the path shown opens from where the command ran. Empty when the problem is printed relative to the root."""

    path: str
    line: int | None
    column: int | None
    code: str
    message: str
    field: str = ""
    root: str = ""

    @property
    def is_error(self) -> bool:
        return self.code.startswith("E")

    @property
    def shown_path(self) -> str:
        """The path as printed: root joined with path."""
        return posixpath.join(self.root, self.path) if self.root else self.path

    def to_dict(self) -> dict[str, object]:
        """As JSON shows it: path is the printed path, as in the text output."""
        data = asdict(self)
        del data["root"]
        return data | {"path": self.shown_path}

    def __str__(self) -> str:
        where = self.shown_path
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        return f"{where}: {self.code} {self.message}"


def problem(code: str, path: str, at: tuple[int, int] | None = None, field: str = "", /, **values: object) -> Problem:
    """Build a problem from its code's message template."""
    line, column = at if at else (None, None)
    shown = {key: " ".join(v.splitlines()) if isinstance(v, str) else v for key, v in values.items()}  # one line each
    return Problem(path, line, column, code, MESSAGES[code].format(**shown), field)


def shown(path: Path | str) -> str:
    """A path as commands print it: normalised, with forward slashes; "" for the current folder."""
    text = Path(os.path.normpath(path)).as_posix()
    return "" if text == "." else text


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
        return sorted(set(self.problems), key=lambda p: (p.shown_path, p.line or 0, p.column or 0, p.code, p.message))

    def to_json(self) -> str:
        return json.dumps([p.to_dict() for p in self.sorted()], ensure_ascii=False, indent=2)


class GeneratorError(Exception):
    """Base of the generator's own exceptions."""


class CatalogueInvalid(GeneratorError):
    """A catalogue has errors, so nothing may be built from it."""

    def __init__(self, report: Report) -> None:
        super().__init__(f"{len(report.errors)} 个错误")
        self.report = report

    def describe(self, root: object, limit: int | None = None) -> str:
        """The errors for an editor, one per line (the first `limit` of them), under a line naming the catalogue."""
        lines = [str(p) for p in self.report.sorted() if p.is_error]
        shown = lines[:limit] if limit else lines
        more = [f"……另有 {len(lines) - len(shown)} 个错误"] if len(lines) > len(shown) else []
        return "\n".join([f"权力清单 {root} 有 {len(lines)} 个错误,请先修正(可运行 check 查看):", *shown, *more])
