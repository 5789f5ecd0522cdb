"""Benchmark: 办事明白卡 for BENCH_PDF_CARDS synthetic public powers (default 1,000), rendered many to a
WeasyPrint document and split, against the naive one document per card (BENCH_PDF_BASELINE cards, default 40).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import tempfile
import time
from pathlib import Path

from generator.core.catalogue import Catalogue, Department, Power
from generator.core.edition import Edition, make_edition
from generator.core.model import CatalogueRecord, DepartmentRecord, PowerRecord
from generator.outputs.pdf.html import sheets_html, stylesheet
from generator.outputs.pdf.render import render_pdf
from generator.outputs.pdf.writer import plan, power_sheets, render_all

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
DEPARTMENTS = [
    ("jtj", "复兴区交通运输局", "JT"),
    ("scj", "复兴区市场监督管理局", "SJ"),
    ("zjj", "复兴区住房和城乡建设局", "ZJ"),
    ("hbj", "复兴区生态环境分局", "HB"),
    ("tjj", "复兴区统计局", "TJ"),
]


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


def synthetic_edition(count: int, seed: int = 2024) -> Edition:
    """A public edition of count powers over five departments."""
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
    departments = []
    for n, (slug, name, code) in enumerate(DEPARTMENTS):
        dept = Department(slug, DepartmentRecord(name=name, code=code, phone="0310-7654321", window="区政务服务中心"))
        for seq in range(n + 1, count + 1, len(DEPARTMENTS)):
            category = CATEGORIES[seq % len(CATEGORIES)]
            record = PowerRecord.model_validate(synthetic_record(rng, code, category, seq))
            dept.powers.append(Power(record, f"{slug}/{record.code}.yaml"))
        departments.append(dept)
    return make_edition(Catalogue(catalogue, departments), "public")


def main() -> None:
    cards = int(os.environ.get("BENCH_PDF_CARDS", "1000"))
    baseline = int(os.environ.get("BENCH_PDF_BASELINE", "40"))
    edition = synthetic_edition(cards)
    print(f"办事明白卡: {cards} synthetic public powers, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        sheets = power_sheets(edition, Path(tmp) / "charts")
        _report("flowcharts (dot, batched)", time.perf_counter() - start, cards)
        outputs = [o for o in plan(edition, Path(tmp) / "charts") if o.kind == "card"]
        start = time.perf_counter()
        files = render_all(outputs)
        _report("cards, 50 to a document + split", time.perf_counter() - start, cards)
        sizes = sorted(len(f) for f in files)
        print(f"  card files: median {sizes[len(sizes) // 2] / 1024:.0f} KiB, largest {sizes[-1] / 1024:.0f} KiB")
        start = time.perf_counter()
        for sheet in sheets[:baseline]:
            render_pdf(sheets_html("card", [sheet]), stylesheet("card"))
        wall = time.perf_counter() - start
        _report(f"baseline: one document per card ({baseline}, 1 core)", wall, baseline)
        print(
            f"  baseline extrapolated to {cards} cards on {os.cpu_count()} cores: "
            f"{wall / baseline * cards / (os.cpu_count() or 1):.0f} s"
        )


def _report(label: str, wall: float, count: int) -> None:
    print(f"  {label:<48} {wall:8.1f} s  {wall / count * 1e3:7.1f} ms per card", flush=True)
