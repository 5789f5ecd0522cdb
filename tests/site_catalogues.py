"""Catalogues the site tests build: one whose every text is hostile, and a large one made from the fixture."""

from __future__ import annotations

import copy
from pathlib import Path

import yaml
from factory import CATALOGUE, department, dump, power, write_catalogue

FIXTURE = Path(__file__).parent / "fixtures" / "site"

PAYLOAD = '<script>alert(1)</script>[x](javascript:alert(1)){{ 7*191 }}{% raw %}"\'&amp;=HYPERLINK("http://x")\u202e'


def hostile_catalogue(root: Path) -> Path:
    """One department, one penalty: HTML, a javascript: link, Jinja, a formula and a bidi control in every text."""
    p = PAYLOAD
    steps = [
        {
            "id": "a",
            "name": p,
            "post": p,
            "days": 1,
            "does": p,
            "disclose": p,
            "rights": [p],
            "next": [{"to": "b", "when": p}],
        },
        {"id": "b", "name": p, "post": p, "days": 1},
    ]
    record = power(
        "FX01TJ-CF-0001",
        "行政处罚",
        name=p,
        office=p,
        responsible=p,
        basis=[{"law": p, "articles": p, "excerpt": p}],
        disclosure={"scope": "全社会", "forms": [p], "timing": "长期"},
        fees=[{"item": p, "standard": p, "basis": p}],
        conditions=[p],
        materials=[{"name": p, "copies": 1, "form": "原件"}],
        procedure={"trigger": "依职权", "steps": steps},
        rights=[p],
        supervision=[{"name": p, "phone": p, "address": p}],
        complaints=[{"channel": p, "contact": p}],
        discretion=[{"violation": p, "basis": p, "tiers": [{"level": p, "facts": p, "penalty": p}]}],
        responsibilities=[{"stage": p, "duty": p}],
        accountability=[p],
        revisions=[{"date": "2024-01-01", "note": p}],
    )
    dept = department() | {"name": p, "address": p, "phone": p, "window": p}
    return write_catalogue(root, {"odd dept&x": (dept, [record])}, CATALOGUE | {"name": p})


def large_catalogue(root: Path, count: int, per_department: int = 100) -> Path:
    """count public powers: the fixture's public records in turn, renumbered, in departments of per_department."""
    sources = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(FIXTURE.glob("*/FX01*.yaml"))]
    sources = [r for r in sources if "confidential" not in r and r["disclosure"]["scope"] == "全社会"]
    root.mkdir(parents=True, exist_ok=True)
    dump(root / "_catalogue.yaml", CATALOGUE)
    for n in range(count):
        dept_code = f"D{n // per_department:02d}"
        folder = root / dept_code.lower()
        if not folder.exists():
            folder.mkdir()
            dump(folder / "_department.yaml", department(dept_code, f"复兴区第{n // per_department + 1}局"))
        record = copy.deepcopy(sources[n % len(sources)])
        category_code = record["code"].split("-")[1]
        record["code"] = f"FX01{dept_code}-{category_code}-{n % 10000:04d}"
        record["name"] = f"{record['name']}(第{n + 1}项)"
        dump(folder / f"{record['code']}.yaml", record)
    return root
