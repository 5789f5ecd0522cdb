"""A diff report in Markdown, to paste into a pull request."""

from __future__ import annotations

import re

from generator.editing.diff import DiffReport
from generator.editing.diff_fields import FieldChange

MAX_CELL = 300  # characters of a value shown in the Markdown table; JSON has all of it
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")


def md(text: str, limit: int = MAX_CELL) -> str:
    """Text safe inside a Markdown table cell."""
    if len(text) > limit:
        text = text[:limit] + "…"
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\r", "").replace("\n", "<br>")


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def _changes_table(changes: list[FieldChange]) -> list[str]:
    rows = [[f"{md(c.title)}<br>`{c.field}`", md(c.before) or "(无)", md(c.after) or "(无)"] for c in changes]
    return _table(["字段", "修改前", "修改后"], rows)


def to_markdown(report: DiffReport) -> str:
    out = ["## 权力清单变更报告", "", f"比较:`{md(report.old)}` → `{md(report.new)}`", ""]
    counts = [
        f"新增 {len(report.added)} 项",
        f"删除 {len(report.removed)} 项",
        f"编码变更 {len(report.recoded)} 项",
        f"修改 {len(report.changed)} 项",
    ]
    out += [",".join(counts) + "。", ""]
    out += _flags_section(report) + _laws_section(report) + _lists_section(report) + _changed_section(report)
    out += _check_section(report)
    return "\n".join(out).rstrip("\n") + "\n"


def _flags_section(report: DiffReport) -> list[str]:
    if not report.flags:
        return [
            "### 需要重点审查",
            "",
            "没有需要特别注意的变更(承诺时限、收费、依据、公开范围、办理步骤、修订记录)。",
            "",
        ]
    out = ["### ⚠️ 需要重点审查", ""]
    out += [f"- **{md(f.code)} {md(f.name)}**:{md(f.message, 1000)}" for f in report.flags]
    return [*out, ""]


def _laws_section(report: DiffReport) -> list[str]:
    """Law amendments recorded in _laws.yaml and the powers each makes due within 20 working days."""
    if not report.laws:
        return []
    out = ["### 法律法规修改", ""]
    for law in report.laws:
        when = f"{law.before} → {law.after}" if law.before else f"{law.after}(新登记)"
        out += [f"- **{md(law.law)}** 修改施行:{when};引用它的事项最迟应在 {law.deadline} 修订"]
        out += [f"  - {md(p.code)} {md(p.name)}(`{p.path}`)" for p in law.due] or ["  - 没有需要修订的事项"]
    return [*out, ""]


def _lists_section(report: DiffReport) -> list[str]:
    out: list[str] = []
    if report.added:
        out += ["### 新增事项", ""]
        for ref in report.added:
            rows = [[md(f.title), md(f.text, 1000)] for f in ref.facts]
            out += [f"#### {md(ref.code)} {md(ref.name)}", "", f"文件:`{ref.path}`", ""]
            out += [*_table(["要点", "内容"], rows), ""]
    if report.removed:
        rows = [[md(r.code), md(r.name), md(r.category), f"`{r.path}`"] for r in report.removed]
        out += ["### 删除事项", "", *_table(["权力编码", "项目名称", "权力类别", "文件"], rows), ""]
    if report.unreadable:
        out += ["### 无法读取的文件", "", "以下文件有错误,无法比较(见下方检查结果):", ""]
        out += [f"- `{path}`" for path in report.unreadable] + [""]
    return out


def _changed_section(report: DiffReport) -> list[str]:
    out: list[str] = []
    if report.recoded:
        out += ["### 编码变更", ""]
        for change in report.recoded:
            out += [f"#### {md(change.old_code)} → {md(change.code)} {md(change.name)}", ""]
            out += (_changes_table(change.changes) if change.changes else ["内容未变。"]) + [""]
    if report.changed:
        out += ["### 修改事项", ""]
        for change in report.changed:
            out += [f"#### {md(change.code)} {md(change.name)}", "", f"文件:`{change.path}`", ""]
            out += [*_changes_table(change.changes), ""]
    if report.departments:
        out += ["### 部门和发布机关信息", ""]
        for change in report.departments:
            out += [f"#### {md(change.name)}(`{change.path}`)", "", *_changes_table(change.changes), ""]
    return out


def _check_section(report: DiffReport) -> list[str]:
    errors, warnings = len(report.check.errors), len(report.check.warnings)
    mark = "❌" if errors else "✅"
    out = ["### 检查结果(新版本)", "", f"{mark} {errors} 个错误,{warnings} 个警告", ""]
    problems = report.check.sorted()
    if problems:
        out += ["<details><summary>全部问题</summary>", "", "```text"]
        out += [str(p).replace("```", "'''") for p in problems]
        out += ["```", "", "</details>", ""]
    return out
