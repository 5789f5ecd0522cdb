"""Benchmark: the PDF stage (cards, posters, department booklets, the catalogue's) for BENCH_PDF_RECORDS synthetic
public powers (default 1,000) in BENCH_PDF_DEPARTMENTS departments (default 40, as ../shared/bench/synth.py makes
them), or for the catalogue folder BENCH_PDF_POWERS: cold (an empty cache), again with nothing changed, and after
one step of one record renamed. Each run prints its wall time, the CPU time of this process and of its workers,
the files rendered again and the load average, since the machine may be shared. An edit renders its department's
chapter again, so its time grows with the size of the department (BENCH_PDF_DEPARTMENTS=5: 200 powers each).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import random
import resource
import tempfile
import time
from pathlib import Path

from generator.core.catalogue import Catalogue, Department, Power
from generator.core.edition import Edition, EditionPower, make_edition
from generator.core.model import CatalogueRecord, DepartmentRecord, PowerRecord
from generator.core.validate import load_valid
from generator.outputs.pdf import write_pdfs

CATEGORIES = [("行政许可", "XK"), ("行政处罚", "CF"), ("行政检查", "JC"), ("行政确认", "QR"), ("行政征收", "ZS")]
SUBJECTS = [
    "建设工程",
    "食品经营",
    "道路运输",
    "危险化学品",
    "统计调查",
    "排污",
    "林木采伐",
    "药品零售",
    "特种设备",
    "户外广告",
    "城市绿地",
    "水利工程",
    "文物保护",
    "人力资源服务",
    "劳务派遣",
    "民办学校",
    "医疗机构",
]
ACTS = ["许可", "备案", "审批", "登记", "年度检验", "变更", "延续", "注销", "核准", "监督检查"]
LAWS = [
    "中华人民共和国行政许可法",
    "中华人民共和国行政处罚法",
    "中华人民共和国安全生产法",
    "中华人民共和国食品安全法",
    "中华人民共和国道路运输条例",
    "河北省安全生产条例",
    "危险化学品安全管理条例",
    "中华人民共和国统计法",
    "建设工程质量管理条例",
    "中华人民共和国水污染防治法",
]
POSTS = ["综合受理窗口", "业务科", "法制科", "分管副局长", "局长办公会", "执法大队", "审批科", "监督检查科"]
STEP_NAMES = ["受理", "材料审查", "现场核查", "专家评审", "集体讨论", "决定", "制证", "送达"]
MATERIALS = [
    "申请书",
    "营业执照",
    "法定代表人身份证明",
    "场所使用证明",
    "安全管理制度",
    "专业技术人员资格证书",
    "设备清单及检验报告",
    "环境影响评价文件",
    "授权委托书",
    "近三年无重大违法行为的书面承诺",
]
CODE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


def departments(count: int) -> list[tuple[str, str, str]]:
    """count departments as ../shared/bench/synth.py names them: slug, name and code (DA, DB, …, DA1, …)."""
    codes = ["D" + CODE_LETTERS[d % 24] + ("" if d < 24 else str(d // 24)) for d in range(count)]
    return [(code.lower(), f"复兴区第{d + 1}局", code) for d, code in enumerate(codes)]


def _steps(rng: random.Random) -> list[dict]:
    count = rng.randint(4, 7)
    names = STEP_NAMES[:count]
    steps = []
    for n, name in enumerate(names):
        step = {
            "id": f"s{n}",
            "name": name,
            "post": rng.choice(POSTS),
            "days": rng.randint(0, 3),
            "does": f"对申请事项进行{name},{rng.choice(['依法作出处理', '提出审查意见', '报请审核'])}",
        }
        if n + 1 < count:
            step["next"] = f"s{n + 1}"
        if n == 1:
            step["next"] = [{"to": "s2", "when": "材料齐全、符合法定形式"}, {"to": "refuse", "when": "不符合条件"}]
        steps.append(step)
    steps.append({"id": "refuse", "name": "不予受理", "post": "综合受理窗口", "days": 0, "rights": ["要求说明理由"]})
    return steps


def synthetic_record(rng: random.Random, dept_code: str, category: tuple[str, str], seq: int) -> dict:
    """One realistic public power: typical lengths of names, bases, conditions, materials and steps."""
    name, code = category
    subject = rng.choice(SUBJECTS)
    record = {
        "code": f"FX01{dept_code}-{code}-{seq:04d}",
        "name": f"{subject}{rng.choice(ACTS)}" if name != "行政处罚" else f"对未经许可从事{subject}经营活动的行政处罚",
        "category": name,
        "office": rng.choice(POSTS[1:]),
        "responsible": "科长",
        "basis": [
            {"law": law, "articles": f"第{rng.randint(2, 90)}条第{rng.randint(1, 3)}款"}
            for law in rng.sample(LAWS, rng.randint(1, 3))
        ],
        "disclosure": {"scope": "全社会", "forms": ["政府网站", "政务公开栏"], "timing": "长期"},
        "fees": []
        if rng.random() < 0.7
        else [{"item": "证书工本费", "standard": "每本10元", "basis": "冀价行费〔2015〕12号"}],
        "time_limit": {"unit": "工作日", "statutory": 20, "promised": 10},
        "conditions": [
            f"申请人{rng.choice(['具有', '取得', '配备'])}{rng.choice(MATERIALS)}所要求的条件,"
            f"且近{rng.randint(1, 3)}年内无{subject}方面的违法记录"
            for _ in range(rng.randint(2, 4))
        ],
        "materials": [
            {"name": m, "copies": 1, "form": rng.choice(["原件", "复印件"])}
            for m in rng.sample(MATERIALS, rng.randint(3, 6))
        ],
        "procedure": {"trigger": "依申请", "steps": _steps(rng)},
        "rights": ["要求说明理由", "陈述", "申辩", "申请行政复议", "提起行政诉讼"],
        "status": "有效",
        "effective": dt.date(2024, 1, 1),
        "revisions": [{"date": dt.date(2024, 1, 1), "note": "首次公布"}],
    }
    if name == "行政处罚":
        record["discretion"] = [
            {
                "violation": f"未经许可从事{subject}经营",
                "tiers": [
                    {"level": "轻微", "facts": "首次违法且及时改正", "penalty": "责令改正,予以警告"},
                    {"level": "严重", "facts": "拒不改正", "penalty": "处一万元以上五万元以下罚款"},
                ],
            }
        ]
    return record


def synthetic_edition(count: int, department_count: int = 40, seed: int = 2024) -> Edition:
    """A public edition of count powers shared out over department_count departments."""
    rng = random.Random(seed)
    catalogue = CatalogueRecord.model_validate(
        {
            "name": "复兴区人民政府",
            "region": "FX",
            "division": "01",
            "site_url": "https://qlqd.example.gov.cn/",
            "hotline": "12345",
            "supervision": [{"name": "区纪委监委", "phone": "0310-1234567"}],
            "complaints": [
                {"channel": "电话", "contact": "12345"},
                {"channel": "网站", "contact": "https://qlqd.example.gov.cn/ts/"},
            ],
        }
    )
    found = []
    for n, (slug, name, code) in enumerate(departments(department_count)):
        dept = Department(slug, DepartmentRecord(name=name, code=code, phone="0310-7654321", window="区政务服务中心"))
        for seq in range(n + 1, count + 1, department_count):
            category = CATEGORIES[seq % len(CATEGORIES)]
            record = PowerRecord.model_validate(synthetic_record(rng, code, category, seq))
            dept.powers.append(Power(record, f"{slug}/{record.code}.yaml"))
        found.append(dept)
    return make_edition(Catalogue(catalogue, found), "public")


def renamed_step(edition: Edition, name: str) -> Edition:
    """The edition with the second step of its middle power renamed (its chart, sheets and booklets change)."""
    powers = edition.powers()
    power = powers[len(powers) // 2]
    procedure = power.record.procedure
    assert procedure is not None and len(procedure.steps) > 1
    steps = [*procedure.steps[:1], procedure.steps[1].model_copy(update={"name": name}), *procedure.steps[2:]]
    record = power.record.model_copy(update={"procedure": procedure.model_copy(update={"steps": steps})})
    return _replaced(edition, dataclasses.replace(power, record=record))


def _replaced(edition: Edition, changed: EditionPower) -> Edition:
    departments = [
        dataclasses.replace(d, powers=[changed if p.code == changed.code else p for p in d.powers])
        for d in edition.departments
    ]
    return dataclasses.replace(edition, departments=departments)


def cpu_seconds() -> tuple[float, float]:
    """The CPU time (user and system) of this process and of its workers that have ended."""
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, workers.ru_utime + workers.ru_stime


def timed_run(label: str, edition: Edition, out: Path, cache: Path) -> None:
    """One run of the PDF stage, with its wall and CPU times, the files it rendered and the load average."""
    store = cache / "pdf"
    before = {p.name for p in store.glob("*.pdf")} if store.is_dir() else set()
    load = os.getloadavg()[0]
    (own, workers), start = cpu_seconds(), time.perf_counter()
    written = write_pdfs(edition, out, cache)
    wall = time.perf_counter() - start
    own_after, workers_after = cpu_seconds()
    made = len({p.name for p in store.glob("*.pdf")} - before)
    cpu = f"CPU {own_after - own:.1f} s here + {workers_after - workers:.1f} s in workers"
    print(f"  {label:<18} {wall:7.1f} s wall  ({cpu}, load average {load:.1f} -> {os.getloadavg()[0]:.1f})")
    done = f"{len(written)} files written, {made} PDFs rendered (sheets, chapters, frames, booklets)"
    print(f"  {'':<18} {done}", flush=True)


def main() -> None:
    given = os.environ.get("BENCH_PDF_POWERS")
    if given:
        edition = make_edition(load_valid(Path(given)), "public")
    else:
        records = int(os.environ.get("BENCH_PDF_RECORDS", "1000"))
        edition = synthetic_edition(records, int(os.environ.get("BENCH_PDF_DEPARTMENTS", "40")))
    powers, departments = len(edition.powers()), len(edition.departments)
    print(f"PDF stage: {powers} public powers in {departments} departments, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        out, cache = Path(tmp) / "site", Path(tmp) / "cache"
        timed_run("cold", edition, out, cache)
        timed_run("nothing changed", edition, out, cache)
        timed_run("one step renamed", renamed_step(edition, "材料审查并核实"), out, cache)
