"""Turn the published data in shared/realdata/ into catalogue records, as an editor would by hand."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
PENALTY_PROCEDURE = {
    "trigger": "依职权",
    "steps": [
        {"id": "file", "name": "立案", "post": "执法科", "days": 5, "next": "investigate"},
        {
            "id": "investigate",
            "name": "调查取证",
            "post": "执法人员",
            "days": 30,
            "next": [{"to": "notify", "when": "拟作出处罚"}, {"to": "close", "when": "违法事实不成立"}],
        },
        {
            "id": "notify",
            "name": "告知",
            "post": "执法科",
            "days": 3,
            "rights": ["陈述", "申辩", "听证"],
            "next": "decide",
        },
        {"id": "decide", "name": "决定", "post": "局长办公会", "days": 7},
        {"id": "close", "name": "撤销立案", "post": "执法科", "days": 1},
    ],
}
# Inferred national task types in the Guang'an list (see its _source note).
TASK_TYPES = {"1": "行政许可", "5": "行政给付", "7": "行政确认", "8": "行政奖励", "9": "行政裁决"}


def _records(name: str) -> list[dict[str, Any]]:
    return json.loads((REALDATA / name).read_text(encoding="utf-8"))["records"]


def _law(citation: str) -> str:
    """The first 《title》 of a legal citation, or the citation's opening."""
    found = re.search(r"《([^》]+)》", citation)
    return found.group(1) if found else citation.strip()[:40]


def _common(code: str, name: str, category: str, office: str) -> dict[str, Any]:
    return {
        "code": code,
        "name": name,
        "category": category,
        "office": office,
        "responsible": f"{office}负责人",
        "disclosure": {"scope": "全社会", "forms": ["政府网站"], "timing": "长期"},
        "status": "有效",
        "effective": "2022-02-01",
    }


def jiangmen_penalties(dept_code: str) -> list[dict[str, Any]]:
    """江门 penalty discretion tables: one 行政处罚 power per numbered violation, tiers verbatim.

    Three items in the source are empty rows left by merged cells; like an editor, skip them."""
    out = []
    items = [i for i in _records("jiangmen_eco_penalty_discretion_full.json") if i["违法行为"].strip()]
    for seq, item in enumerate(items, start=1):
        violation = item["违法行为"].strip()
        tiers = [
            {"level": f"第{t['类别']}档", "facts": ";".join(t["裁量情节"]) or "—", "penalty": t["裁量标准"] or "—"}
            for t in item["裁量档次"]
        ]
        record = _common(f"FX01{dept_code}-CF-{seq:04d}", violation.splitlines()[0], "行政处罚", "执法科")
        record |= {
            "basis": [{"law": _law(item["法律依据"]), "excerpt": item["法律依据"]}],
            "procedure": PENALTY_PROCEDURE,
            "discretion": [{"violation": violation, "basis": item["法律依据"], "tiers": tiers}],
        }
        if item.get("备注", "").strip():
            record["accountability"] = [item["备注"].strip()]
        out.append(record)
    return out


def jiangmen_no_penalty(dept_code: str) -> list[dict[str, Any]]:
    """江门 list of minor violations not penalised: one 其他行政权力 power each."""
    out = []
    for seq, item in enumerate(_records("jiangmen_eco_no_penalty_list.json"), start=1):
        record = _common(
            f"FX01{dept_code}-QT-{seq:04d}", f"对{item['违法行为']}依法不予行政处罚", "其他行政权力", "法规科"
        )
        record |= {
            "basis": [{"law": _law(clause), "excerpt": clause} for clause in item["违反条款"]],
            "conditions": item["不予处罚的情节"],
            "procedure": {
                "trigger": "依职权",
                "steps": [{"id": "decide", "name": "作出不予处罚决定", "post": "法规科"}],
            },
        }
        out.append(record)
    return out


def guangan_items() -> dict[str, tuple[dict[str, Any], list[dict[str, Any]]]]:
    """广安区 item list: names and types only; the published data has no legal basis, so none is invented."""
    departments = {}
    for number, dept in enumerate(_records("sichuan_guangan_item_list.json"), start=1):
        dept_code = f"D{number:02d}"
        powers, sequences = [], {}
        for group in dept["items"]:
            for sub in group["sub_items"]:
                task = re.search(r"taskType=(\d+)", sub["link"]).group(1)
                category = TASK_TYPES.get(task, "其他行政权力")
                cat_code = {
                    "行政许可": "XK",
                    "行政给付": "GF",
                    "行政确认": "QR",
                    "行政奖励": "JL",
                    "行政裁决": "CJ",
                }.get(category, "QT")
                sequences[cat_code] = sequences.get(cat_code, 0) + 1
                record = _common(
                    f"FX01{dept_code}-{cat_code}-{sequences[cat_code]:04d}", sub["name"], category, dept["department"]
                )
                record["procedure"] = {"trigger": "依申请", "steps": [{"id": "accept", "name": "受理", "post": "窗口"}]}
                powers.append(record)
        departments[f"d{number:02d}"] = ({"name": dept["department"], "code": dept_code}, powers)
    return departments
