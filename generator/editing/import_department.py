"""A department that does not exist yet, created by `import --dept-name --dept-code`."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import ValidationError

from generator.core.loader import DEPARTMENT_FILE
from generator.core.model import DepartmentRecord
from generator.core.problems import shown
from generator.core.yamlsafe import YamlRejected, read_yaml
from generator.editing.fmt import format_text, scalar_text
from generator.editing.new import TargetError

_DEPT_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def ensure_department(root: Path, slug: str, name: str | None, code: str | None, command: str) -> str | None:
    """Create the department from --dept-name and --dept-code when it has no _department.yaml.

    Returns a line for the report; TargetError says how to create it when no name is given."""
    info = root / slug / DEPARTMENT_FILE
    if not root.is_dir():
        return None  # department_target says so
    if info.exists() or info.is_symlink():
        return f"部门 {slug} 已存在,未使用 --dept-name 和 --dept-code" if name or code else None
    if not name:
        raise TargetError(_missing_department(root, slug, command))
    if not _DEPT_SLUG.match(slug):
        raise TargetError(f"部门目录名「{slug}」只能用小写字母、数字、- 和 _,如 jyj")
    record = _department_record(name, code)
    for other in sorted(root.glob(f"*/{DEPARTMENT_FILE}")):
        if _dept_code(other) == record.code:
            raise TargetError(f"单位业务代码「{record.code}」已由部门 {other.parent.name} 使用,请换一个 --dept-code")
    _write_department(info, record, f"{slug}/{DEPARTMENT_FILE}")
    return f"已新建部门 {shown(info)}:{record.name},单位业务代码 {record.code}"


def _write_department(info: Path, record: DepartmentRecord, rel: str) -> None:
    text = "\n".join(
        [
            "# 部门信息,由 import 新建。可补充 address(办公地址)、phone(联系电话)、window(服务窗口)等。",
            f"name: {scalar_text(record.name)}",
            f"code: {scalar_text(record.code)}",
        ]
    )
    info.parent.mkdir(exist_ok=True)
    info.write_text(format_text(text + "\n", DepartmentRecord, rel), encoding="utf-8", newline="\n")


def _department_record(name: str, code: str | None) -> DepartmentRecord:
    if not code:
        raise TargetError(
            "用 --dept-name 新建部门时,还需要 --dept-code 单位业务代码"
            "(2 至 4 位大写字母或数字,如 JY;它是本部门权力编码的一部分,不能与其他部门重复)"
        )
    try:
        return DepartmentRecord(name=name, code=code.strip().upper())
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            info = DepartmentRecord.model_fields[str(err["loc"][0])]
            problems.append(f"「{info.title}」格式不正确:{info.description}")
        raise TargetError(";".join(problems)) from None


def _dept_code(path: Path) -> str | None:
    if path.parent.name.startswith("."):
        return None
    try:
        data = read_yaml(path, path.name).data
    except (YamlRejected, OSError):
        return None
    return str(data.get("code")) if isinstance(data, dict) else None


def _missing_department(root: Path, slug: str, command: str) -> str:
    known = sorted(p.parent.name for p in root.glob(f"*/{DEPARTMENT_FILE}") if not p.parent.name.startswith("."))
    info = shown(root / slug / DEPARTMENT_FILE)
    return "\n".join(
        [
            f"部门「{slug}」还不存在:没有 {info}。已有部门:{'、'.join(known) or '(无)'}",
            "如果部门目录名写错了,请改用上面列出的已有部门。要新建这个部门,可以让 import 一起创建,",
            "写上部门全称和单位业务代码(2 至 4 位大写字母或数字,是本部门权力编码的一部分,不能与其他部门重复),例如:",
            f"  {command} --dept-name 复兴区教育局 --dept-code JY",
            f"也可以先手工新建文件 {info},内容例如下面两行,然后再运行导入命令:",
            "  name: 复兴区教育局",
            "  code: JY",
        ]
    )
