"""The typed model of the three file kinds: the catalogue, a department, a power.

Field titles are the Chinese names editors know; they feed error messages, the JSON
Schema and the `new` template, so each is written once, here.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

CODE_PATTERN = r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{2,4}-[A-Z]{2}-[0-9]{4}$"
SCOPE_PUBLIC, SCOPE_INTERNAL, SCOPE_SPECIFIC = "全社会", "部门内部", "特定对象"
PENALTY = "行政处罚"

DEFAULT_CATEGORIES: list[tuple[str, str]] = [
    ("行政许可", "XK"),
    ("行政处罚", "CF"),
    ("行政强制", "QZ"),
    ("行政征收", "ZS"),
    ("行政给付", "GF"),
    ("行政检查", "JC"),
    ("行政确认", "QR"),
    ("行政奖励", "JL"),
    ("行政裁决", "CJ"),
    ("其他行政权力", "QT"),
    ("内部管理", "NB"),
]


def none_as_empty(value: Any) -> Any:
    """A list field written with nothing under it (`laws:`, `issued:`) is an empty list."""
    return [] if value is None else value


def F(title: str, description: str = "", **kwargs: Any) -> Any:
    """A field with its Chinese title and description."""
    return Field(title=title, description=description or title, **kwargs)


Text = Annotated[str, Field(min_length=1)]
# Day counts: whole numbers (a YAML `yes` is not 1 day), at most ten years.
DAYS: dict[str, Any] = {"strict": True, "ge": 0, "le": 3650}


class Record(BaseModel):
    """Base of every file part: unknown keys are errors, numbers are accepted as text."""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True, str_strip_whitespace=True, frozen=True)


class Supervisor(Record):
    name: Text = F("监督机构", "监督制约机构名称,如 区纪委监委")
    phone: str | None = F("监督电话", "监督机构的联系电话", default=None)
    address: str | None = F("监督地址", "监督机构的地址或网址", default=None)


class Complaint(Record):
    channel: Text = F("投诉渠道", "投诉举报方式,如 电话、网站、信箱")
    contact: Text = F("投诉联系方式", "电话号码、网址或地址")


class CategoryDef(Record):
    name: Text = F("类别名称", "权力类别名称,如 行政许可")
    code: str = F("类别代码", "两位大写字母,如 XK", pattern=r"^[A-Z]{2}$")


DISPLAY_LATEST, DISPLAY_POPULAR = "最近修订", "常用事项"


class KioskSettings(Record):
    idle_seconds: int = F(
        "无操作返回时间", "触摸屏无人操作多少秒后回到首页,默认 120", default=120, strict=True, ge=5, le=3600
    )


class DisplaySettings(Record):
    cycle_seconds: int = F("每屏停留秒数", "电子显示屏每屏停留的秒数,默认 15", default=15, strict=True, ge=3, le=600)
    shows: list[Literal["最近修订", "常用事项"]] = F(
        "显示内容", "按顺序轮播:最近修订、常用事项,默认两者都显示", default_factory=lambda: ["最近修订", "常用事项"]
    )
    latest: int = F("最近修订条数", "显示最近修订的事项数,默认 8", default=8, strict=True, ge=1, le=50)
    popular: list[str] = F(
        "常用事项", "各部门常用事项的权力编码,按显示顺序;不填时显示各部门依申请办理的事项", default_factory=list
    )


class CatalogueRecord(Record):
    """_catalogue.yaml: the publishing government."""

    name: Text = F("发布机关", "发布权力清单的人民政府,如 复兴区人民政府")
    region: str = F("地区编码", "两位大写字母,如 FX", pattern=r"^[A-Z]{2}$")
    division: str = F("行政区划代码", '两位数字,请加引号,如 "01"', pattern=r"^[0-9]{2}$")
    site_url: str = F("网站地址", "公开网站的地址,用于二维码和站点地图", pattern=r"^https?://\S+$")
    hotline: str | None = F("政务服务热线", "如 12345", default=None)
    supervision: list[Supervisor] = F("监督制约", "所有事项默认的监督机构及联系方式", default_factory=list)
    complaints: list[Complaint] = F("投诉举报途径", "所有事项默认的投诉渠道", default_factory=list)
    categories: list[CategoryDef] | None = F("权力类别", "可选;不填时使用默认的 11 个类别", default=None)
    licence: str | None = F("开放数据许可", "可选;开放数据下载的许可说明,如 知识共享署名 4.0 (CC BY 4.0)", default=None)
    kiosk: KioskSettings = F("触摸屏", "政务服务大厅触摸屏版(build --kiosk)的设置", default_factory=KioskSettings)
    display: DisplaySettings = F(
        "电子显示屏", "网站 display/ 页面(大厅电子显示屏)的设置", default_factory=DisplaySettings
    )
    traditional: Literal["s2twp", "s2hk", "s2tw", "s2t"] | None = F(
        "繁体中文版",
        "可选;填 OpenCC 的转换配置即在网站的 zh-hant/ 下生成繁体中文版:s2twp(台湾正体,含用语)、s2hk(香港)、"
        "s2tw(台湾正体)、s2t(通用繁体)",
        default=None,
    )

    def category_codes(self) -> dict[str, str]:
        """Category name to its two-letter code."""
        pairs = [(c.name, c.code) for c in self.categories] if self.categories else DEFAULT_CATEGORIES
        return dict(pairs)


class DepartmentRecord(Record):
    """<dept>/_department.yaml: one department."""

    name: Text = F("部门名称", "如 复兴区统计局")
    code: str = F("单位业务代码", "2 至 4 位大写字母或数字,如 TJ", pattern=r"^[A-Z0-9]{2,4}$")
    address: str | None = F("办公地址", default=None)
    phone: str | None = F("联系电话", default=None)
    window: str | None = F("服务窗口", "首问负责的服务窗口,如 区政务服务中心3号窗口", default=None)
    supervision: list[Supervisor] = F("监督制约", "本部门事项的监督机构,与发布机关的合并", default_factory=list)
    complaints: list[Complaint] = F("投诉举报途径", "本部门事项的投诉渠道,与发布机关的合并", default_factory=list)


class Basis(Record):
    law: Text = F("法律法规名称", "如 中华人民共和国统计法")
    articles: str | None = F("条款", "如 第三十七条至第四十一条", default=None)
    excerpt: str | None = F("条文摘录", default=None)


class Disclosure(Record):
    scope: Literal["全社会", "部门内部", "特定对象"] = F("公开范围", "全社会、部门内部 或 特定对象")
    forms: list[Text] = F("公开形式", "如 [政府网站, 政务公开栏]", min_length=1)
    timing: Literal["长期", "随时", "阶段性"] = F("公开时间", "长期、随时 或 阶段性")


class Fee(Record):
    item: Text = F("收费项目")
    standard: Text = F("收费标准", "如 每本10元;有幅度的按下限执行")
    basis: Text = F("收费依据", "收费的法律或文件依据,如 发改价格〔2015〕XX号")


class TimeLimit(Record):
    unit: Literal["工作日", "自然日"] = F("时限单位", "工作日 或 自然日", default="工作日")
    statutory: int | None = F("法定时限", "整数;0 表示即办;不填表示无明确规定", default=None, **DAYS)
    promised: int | None = F("承诺时限", "整数;原则上比法定时限缩短三分之一以上", default=None, **DAYS)


class Material(Record):
    name: Text = F("材料名称")
    copies: int | None = F("份数", default=None, strict=True, ge=0, le=999)
    form: Literal["原件", "复印件", "电子件"] | None = F("材料形式", "原件、复印件 或 电子件", default=None)
    form_file: str | None = F(
        "空白表格", "表格文件,相对于部门目录的路径,如 forms/申请表.pdf;PDF、DOCX、XLSX、PNG 或 JPG", default=None
    )
    sample_file: str | None = F(
        "示范文本", "填写示范文本文件,相对于部门目录的路径,如 forms/申请表-示范.pdf", default=None
    )


class Branch(Record):
    to: str = F("下一步", "下一步骤的编号(id)", pattern=r"^[a-z0-9_]+$")
    when: str | None = F("条件", "走向这一步的条件", default=None)


def _is_step_id(value: Any) -> bool:
    """Text or a whole number (`id: 2` is read as the text "2"), as a step id may be written."""
    return isinstance(value, (str, int)) and not isinstance(value, bool)


def _next_as_list(value: Any) -> Any:
    """`next: id` is shorthand for one unconditional branch, and so is an id in the list: `next: [step2]`."""
    if isinstance(value, list):
        return [{"to": str(item)} if _is_step_id(item) else item for item in value]
    return [{"to": str(value)}] if _is_step_id(value) else value


_STEP_ID_SCHEMA = {"type": "string", "pattern": r"^[a-z0-9_]+$", "description": "下一步骤的编号"}
_NEXT_SCHEMA = {
    "anyOf": [
        _STEP_ID_SCHEMA,
        {
            "type": "array",
            "items": {"anyOf": [Branch.model_json_schema(), _STEP_ID_SCHEMA]},
            "description": "分支:[{to: 编号, when: 条件}];不带条件的也可只写编号,如 [step2]",
        },
    ]
}
NextSteps = Annotated[list[Branch], BeforeValidator(_next_as_list), WithJsonSchema(_NEXT_SCHEMA)]


class Step(Record):
    id: str = F("步骤编号", "本事项内唯一,小写字母、数字和下划线", pattern=r"^[a-z0-9_]+$")
    name: Text = F("步骤名称", "如 受理、审查、决定")
    post: Text = F("承办岗位", "办理这一步的科室或岗位")
    days: int | None = F("步骤时限", "本步骤的时限,单位同办理时限;0 表示即时", default=None, **DAYS)
    does: str | None = F("办理内容", default=None)
    next: NextSteps = F("下一步", "一个步骤编号,或分支列表 [{to, when}];不填表示结束", default_factory=list)
    disclose: str | None = F("公开内容", "本步骤公开的内容", default=None)
    rights: list[Text] = F("当事人权利", "本步骤当事人享有的权利,如 陈述、申辩、听证", default_factory=list)


class Procedure(Record):
    trigger: Literal["依申请", "依职权"] = F("启动方式", "依申请 或 依职权")
    steps: list[Step] = F("办理步骤", "按办理顺序,第一步为起点", min_length=1)


class Tier(Record):
    level: Text = F("裁量档次", "如 轻微、一般、严重")
    facts: Text = F("违法情节")
    penalty: Text = F("处罚标准")


class Discretion(Record):
    violation: Text = F("违法行为")
    basis: str | None = F("裁量依据", default=None)
    tiers: list[Tier] = F("裁量档次", min_length=1)


class Responsibility(Record):
    stage: Text = F("环节")
    duty: Text = F("责任事项")


class Confidential(Record):
    reason: Text = F("不公开理由", "如 涉及国家秘密")


class Revision(Record):
    date: dt.date = F("修订日期", "如 2024-01-01")
    note: Text = F("修订说明")


class PowerRecord(Record):
    """<dept>/<CODE>.yaml: one administrative power (权力事项)."""

    code: str = F("权力编码", "地区+区划+单位代码-类别代码-4位序号,如 FX01TJ-CF-0001", pattern=CODE_PATTERN)
    name: Text = F("项目名称", "权力事项名称")
    category: Text = F("权力类别", "如 行政许可、行政处罚")
    office: Text = F("承办科室")
    responsible: Text = F("负责人", "负责岗位,也可写姓名")
    basis: list[Basis] = F("权力依据", "法律法规及条款,至少一项", min_length=1)
    disclosure: Disclosure = F("公开", "公开范围、形式和时间")
    fees: list[Fee] = F("收费", "空列表表示不收费", default_factory=list)
    time_limit: TimeLimit | None = F("办理时限", "不填表示无明确规定", default=None)
    conditions: list[Text] = F("行使条件", "办理条件或启动条件", default_factory=list)
    materials: list[Material] = F("申请材料", default_factory=list)
    procedure: Procedure | None = F("权力运行流程", "生成流程图的步骤", default=None)
    rights: list[Text] = F("相对人权利", "如 陈述、申辩、申请听证、申请行政复议、提起行政诉讼", default_factory=list)
    supervision: list[Supervisor] = F("监督制约", "与部门和发布机关的合并", default_factory=list)
    complaints: list[Complaint] = F("投诉举报途径", "与部门和发布机关的合并", default_factory=list)
    discretion: list[Discretion] | None = F("自由裁量基准", "仅行政处罚事项填写", default=None)
    responsibilities: list[Responsibility] = F("责任事项", default_factory=list)
    accountability: list[Text] = F("追责情形", default_factory=list)
    confidential: Confidential | None = F("涉密不宜公开", "填写不公开理由;只公开编码、名称、类别和理由", default=None)
    status: Literal["有效", "暂停", "取消"] = F("状态", "有效、暂停 或 取消")
    effective: dt.date = F("生效日期", "如 2024-01-01")
    revisions: list[Revision] = F("修订记录", "按日期从旧到新,最新的放在最后", default_factory=list)

    @property
    def is_internal(self) -> bool:
        return self.disclosure.scope == SCOPE_INTERNAL

    @property
    def last_revised(self) -> dt.date:
        return self.revisions[-1].date if self.revisions else self.effective


KINDS: dict[str, type[Record]] = {
    "power": PowerRecord,
    "department": DepartmentRecord,
    "catalogue": CatalogueRecord,
}
KIND_TITLES = {"power": "权力事项", "department": "部门信息", "catalogue": "发布机关"}
