"""Procedures of a given shape, as records: so many steps, so many branch points, short or long texts, the
branches spread along the main line or all from one step. For the printed sheets' legibility tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import factory

FAN_OUT = 5  # the side steps of the one step that branches to many (six ways out, with the main line)

MAIN = ["线索登记", "立案", "调查取证", "补充调查", "调查终结报告", "案件审核", "法制审核", "事先告知", "集体讨论"]
MAIN += ["作出决定", "送达", "执行", "执行情况复查", "结案", "归档", "回访"]
SIDE = ["销案", "听证", "陈述申辩复核", "移送司法机关", "不予处罚决定", "申请强制执行", "分期缴纳审批", "补正材料"]
POSTS = ["执法人员", "执法检查科", "法制审核员", "局长办公会", "综合执法大队"]
LONG_NAME = "对案件事实证据和适用依据进行全面审查并提出处理意见"
LONG_POST = "区综合行政执法局法制审核科审核人员(两名以上)"
LONG_WHEN = "当事人在规定期限内书面提出听证申请的情形"


def procedure(steps: int, branches: int, *, long: bool = False, fan_out: bool = False) -> list[dict[str, Any]]:
    """A procedure of `steps` steps with `branches` branch points. Each branch point has one side step beside
    the main line, which by turns ends on its own or joins the main line again two steps on; with fan_out, one
    step branches to all the side steps at once (the other branch points as before, with one side step each)."""
    fan = FAN_OUT if fan_out else 1
    sides = branches - 1 + fan
    main = steps - sides
    points = [round((n + 1) * (main - 1) / (branches + 1)) for n in range(branches)]
    ids = [f"m{n}" for n in range(main)]
    records = [_step(ids[n], n, MAIN, long) for n in range(main)]
    for n in range(main - 1):
        records[n]["next"] = ids[n + 1]
    side = 0
    for number, point in enumerate(points):
        count = fan if number == 0 else 1
        branches_here = [{"to": ids[point + 1], "when": LONG_WHEN if long else "违法事实清楚"}]
        for _ in range(count):
            step = _step(f"s{side}", side, SIDE, long)
            rejoin = point + 3
            if side % 2 and rejoin < main:
                step["next"] = ids[rejoin]
            records.append(step)
            branches_here.append({"to": step["id"], "when": LONG_WHEN if long else f"情形{side + 1}"})
            side += 1
        records[point]["next"] = branches_here
    return records


def _step(step_id: str, n: int, names: list[str], long: bool) -> dict[str, Any]:
    name = f"{LONG_NAME}{n + 1}" if long else names[n % len(names)]
    step: dict[str, Any] = {"id": step_id, "name": name, "post": LONG_POST if long else POSTS[n % len(POSTS)]}
    step["days"] = 1 + n % 5
    if long and n % 3 == 0:
        step["disclose"] = "出示行政执法证件并告知当事人享有的陈述申辩权利"
        step["rights"] = ["陈述", "申辩", "听证", "申请回避"]
    return step


def branch_points(steps: list[dict[str, Any]]) -> int:
    return sum(1 for step in steps if isinstance(step.get("next"), list) and len(step["next"]) > 1)


SHAPES = {  # name -> (steps, branch points, long texts, all side steps from one step)
    "5-steps": (5, 1, False, False),
    "10-steps": (10, 2, False, False),
    "15-steps": (15, 4, False, False),
    "20-steps": (20, 6, False, False),
    "20-steps-long": (20, 6, True, False),
    "20-steps-fan": (20, 6, True, True),
}


def catalogue(root: Path, shapes: dict[str, tuple[int, int, bool, bool]] = SHAPES) -> dict[str, str]:
    """A catalogue with a 行政处罚 power per shape; the code of each shape's power."""
    codes = {}
    powers = []
    for number, (name, (steps, branches, long, fan)) in enumerate(shapes.items(), 1):
        code = f"FX01TJ-CF-{number:04d}"
        record = factory.power(code, "行政处罚", name=f"对统计违法行为的行政处罚({name})")
        record["time_limit"] = {"unit": "工作日", "statutory": 90, "promised": 90}
        record["procedure"] = {"trigger": "依职权", "steps": procedure(steps, branches, long=long, fan_out=fan)}
        powers.append(record)
        codes[name] = code
    factory.write_catalogue(root, {"tjj": (factory.department(), powers)})
    return codes
