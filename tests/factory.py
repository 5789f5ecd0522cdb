"""Small valid records as dicts, and a writer that lays them out as a catalogue folder."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

CATALOGUE: dict[str, Any] = {
    "name": "测试区人民政府",
    "region": "FX",
    "division": "01",
    "site_url": "https://qlqd.example.gov.cn/",
    "hotline": "12345",
    "supervision": [{"name": "区纪委监委", "phone": "0310-1234567"}],
    "complaints": [{"channel": "电话", "contact": "12345"}],
}


def department(code: str = "TJ", name: str = "测试区统计局") -> dict[str, Any]:
    return {"name": name, "code": code, "address": "人民路1号", "phone": "0310-7654321", "window": "3号窗口"}


def power(code: str = "FX01TJ-XK-0001", category: str = "行政许可", **overrides: Any) -> dict[str, Any]:
    """A valid power record; overrides replace top-level fields (None deletes one)."""
    record: dict[str, Any] = {
        "code": code,
        "name": "统计调查项目审批",
        "category": category,
        "office": "统计科",
        "responsible": "统计科科长",
        "basis": [{"law": "中华人民共和国统计法", "articles": "第十二条"}],
        "disclosure": {"scope": "全社会", "forms": ["政府网站"], "timing": "长期"},
        "fees": [],
        "time_limit": {"unit": "工作日", "statutory": 20, "promised": 10},
        "procedure": {
            "trigger": "依申请",
            "steps": [
                {"id": "accept", "name": "受理", "post": "窗口", "days": 1, "next": "review"},
                {
                    "id": "review",
                    "name": "审查",
                    "post": "统计科",
                    "days": 5,
                    "next": [{"to": "approve", "when": "符合条件"}, {"to": "refuse", "when": "不符合条件"}],
                },
                {"id": "approve", "name": "批准", "post": "局长", "days": 2},
                {"id": "refuse", "name": "不予批准", "post": "局长", "days": 1},
            ],
        },
        "rights": ["申请行政复议", "提起行政诉讼"],
        "status": "有效",
        "effective": "2024-01-01",
        "revisions": [{"date": "2024-01-01", "note": "首次公布"}],
    }
    if category == "行政处罚":
        record["discretion"] = [
            {"violation": "拒报统计资料", "tiers": [{"level": "轻微", "facts": "首次", "penalty": "警告"}]}
        ]
    for key, value in overrides.items():
        if value is None:
            record.pop(key, None)
        else:
            record[key] = value
    return copy.deepcopy(record)


def write_catalogue(root: Path, departments: dict[str, tuple[dict, list[dict]]], catalogue: dict | None = None) -> Path:
    """Write _catalogue.yaml and {slug: (department, [powers])} under root; return root."""
    root.mkdir(parents=True, exist_ok=True)
    dump(root / "_catalogue.yaml", catalogue or CATALOGUE)
    for slug, (dept, powers) in departments.items():
        (root / slug).mkdir(exist_ok=True)
        dump(root / slug / "_department.yaml", dept)
        for record in powers:
            dump(root / slug / f"{record['code']}.yaml", record)
    return root


def dump(path: Path, data: Any) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
