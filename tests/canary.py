"""A catalogue whose confidential and internal-scope powers carry a unique canary in every text field."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from factory import CATALOGUE, department, dump, power, write_catalogue

_ENUMS = {"scope", "timing", "form", "unit", "trigger", "status", "category", "code", "effective", "date"}


def full_power(code: str, category: str) -> dict[str, Any]:
    """A record with every optional field filled in, so that every field can carry a canary."""
    record = power(code, category)
    record["basis"] = [{"law": "法", "articles": "条", "excerpt": "摘录"}, {"law": "法二", "articles": "条二"}]
    record["disclosure"]["forms"] = ["政府网站", "政务公开栏"]
    record["fees"] = [{"item": "工本费", "standard": "每本10元", "basis": "价格文件"}]
    record["conditions"] = ["条件一", "条件二"]
    record["materials"] = [{"name": "申请书", "copies": 1, "form": "原件"}]
    for step in record["procedure"]["steps"]:
        step |= {"does": "内容", "disclose": "公开", "rights": ["陈述"]}
    record["supervision"] = [{"name": "监督", "phone": "电话", "address": "地址"}]
    record["complaints"] = [{"channel": "渠道", "contact": "联系"}]
    record["responsibilities"] = [{"stage": "环节", "duty": "责任"}]
    record["accountability"] = ["追责"]
    record["revisions"] = [{"date": "2024-01-01", "note": "说明"}]
    if category == "行政处罚":
        tier = {"level": "档", "facts": "情", "penalty": "罚"}
        record["discretion"] = [{"violation": "违法", "basis": "依据", "tiers": [tier]}]
    return record


def plant(record: dict[str, Any], tag: str, keep: set[str] = frozenset()) -> list[str]:
    """Replace every free-text value (and step id) with a unique canary; return the canaries planted."""
    counter, planted = itertools.count(1), []

    def canary() -> str:
        planted.append(f"CANARY{tag}X{next(counter):03d}Q")
        return planted[-1]

    ids = {s["id"]: canary().lower() for s in record["procedure"]["steps"]}

    def walk(value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return {k: walk(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, key) for v in value]
        if key in ("id", "to") or key == "next":
            return ids[value]
        if isinstance(value, str) and key not in _ENUMS:
            return canary()
        return value

    for step in record["procedure"]["steps"]:
        if isinstance(step.get("next"), str):
            step["next"] = [{"to": step["next"]}]
    record.update({k: walk(v, k) for k, v in record.items() if k not in keep})
    return planted


def canary_catalogue(root: Path) -> tuple[Path, list[str], list[str]]:
    """Write the catalogue; return (root, canaries that must never be public, strings that must be public)."""
    secret = full_power("FX01TJ-CF-0002", "行政处罚")
    secret_canaries = plant(secret, "S", keep={"code", "name", "category", "confidential"})
    secret["confidential"] = {"reason": "涉及国家秘密SECRETREASON"}
    secret["name"] = "涉密事项PUBLICNAME"
    internal = full_power("FX01TJ-NB-0001", "内部管理")
    internal_canaries = plant(internal, "I", keep={"code", "category"})
    internal["disclosure"]["scope"] = "部门内部"
    internal_secret = full_power("FX01TJ-NB-0002", "内部管理")
    both_canaries = plant(internal_secret, "B", keep={"code", "category"})
    internal_secret["disclosure"]["scope"] = "部门内部"
    internal_secret["confidential"] = {"reason": "内部且涉密的理由CANARYBREASONQ"}
    public = [full_power("FX01TJ-XK-0001", "行政许可"), full_power("FX01TJ-CF-0001", "行政处罚")]
    catalogue = {**CATALOGUE, "traditional": "s2hk"}  # the zh-hant/ edition too: walked like every other output
    write_catalogue(root, {"tjj": (department(), [*public, secret, internal, internal_secret])}, catalogue)
    files = [
        attach(root, record, f"CANARY{tag}FILEQ")
        for record, tag in ((secret, "S"), (internal, "I"), (internal_secret, "B"))
    ]
    shown = attach(root, public[0], PUBLIC_FORM)
    never = [*secret_canaries, *internal_canaries, *both_canaries, "CANARYBREASONQ", "FX01TJ-NB-0001", "FX01TJ-NB-0002"]
    return root, [*never, *files], ["FX01TJ-CF-0002", "涉密事项PUBLICNAME", "SECRETREASON", shown]


PUBLIC_FORM = "PUBLICFORMFILECONTENT"  # in the blank form of the public permit: copied into the site


def attach(root: Path, record: dict[str, Any], content: str) -> str:
    """Give the record's first material a blank form (an image holding content, which outputs show raw); content."""
    name = f"forms/{record['code']}.png"
    path = root / "tjj" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + content.encode("ascii"))
    record["materials"][0]["form_file"] = name
    dump(root / "tjj" / f"{record['code']}.yaml", record)
    return content
