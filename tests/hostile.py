"""A catalogue whose every text field of its public powers, departments and catalogue holds hostile text:
HTML and JavaScript, Markdown links to javascript:, Jinja, Graphviz DOT, spreadsheet formulas, bidi controls."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from canary import _ENUMS, full_power
from factory import CATALOGUE, department, dump, write_catalogue

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
MD_LINK = "[点我](javascript:alert(1))"
JINJA = "{{ 7*191 }}"
JINJA_BLOCK = "{% raw %}"
DOT = '"];\nnode [label=<<b>x</b>>]; "'
HYPERLINK = '=HYPERLINK("http://evil.example","x")'
DDE = "+cmd|' /C calc'!A0"
AT_SUM = "@SUM(1)"
RLO, LRI = "\u202e", "\u2066"
JINJA_RESULT = "1337"  # 7*191: never in any output
SITE_URL = 'https://qlqd.example.gov.cn/"><script>alert(1)</script>{{7*191}}/'  # site_url only needs no spaces
FOLDER = 'x"><svg onload=alert(1)>&{{7*191}}'  # the department's folder: in its page's and booklet's paths

# Markdown that a blank line could bring back to life if text left an HTML block: a heading, a reference
# link definition, an autolink and a list item, each at the start of a line.
MARKDOWN_LINES = "# 标题\n\n[ref]: javascript:alert(1)\n\n<javascript:alert(1)>\n\n* [列表](javascript:alert(1))"

# The pieces that hold no line break: every output must show each of them whole, as written.
PIECES = (HYPERLINK, SCRIPT, IMG, MD_LINK, JINJA, JINJA_BLOCK, DDE, AT_SUM)
BIDI_TEXT = f"{RLO}反向{LRI}隔离"


def payload(tag: str) -> str:
    """The hostile text for one field: a formula first (as a spreadsheet reads it), a tag, every piece, DOT,
    bidi controls, then Markdown lines after blank lines."""
    return f"{HYPERLINK} {tag} {' '.join(PIECES[1:])} {DOT} {BIDI_TEXT}\n\n{MARKDOWN_LINES}"


class Planter:
    """Puts a payload, tagged H001, H002..., in every free-text value; remembers every text it planted."""

    def __init__(self) -> None:
        self.planted: list[str] = []
        self._tags = itertools.count(1)

    def text(self, tag: str = "") -> str:
        self.planted.append(payload(tag or f"H{next(self._tags):03d}"))
        return self.planted[-1]

    def plant(self, record: dict[str, Any], keep: frozenset[str] = frozenset()) -> None:
        """Replace every free-text value of record (not step ids, enums or dates) with a payload, in place."""

        def walk(value: Any, key: str) -> Any:
            if isinstance(value, dict):
                return {k: walk(v, k) for k, v in value.items()}
            if isinstance(value, list):
                return [walk(v, key) for v in value]
            if isinstance(value, str) and key not in _ENUMS and key not in ("id", "to", "next"):
                return self.text()
            return value

        record.update({k: walk(v, k) for k, v in record.items() if k not in keep})


def hostile_catalogue(root: Path) -> tuple[Path, list[str]]:
    """Two public powers (a penalty, and a permit in a category with a hostile name), one confidential power
    with a hostile name and reason, a department and a catalogue whose every text is hostile, in a folder
    with a hostile name. Returns the root and every hostile text planted (all of them public)."""
    planter = Planter()
    odd_category = planter.text("CATEGORY")
    penalty = full_power("FX01TJ-CF-0001", "行政处罚")
    permit = full_power("FX01TJ-XK-0001", odd_category)
    secret = full_power("FX01TJ-JC-0001", "行政检查")
    for record in (penalty, permit):
        planter.plant(record, keep=frozenset({"code", "category"}))
    secret["name"] = planter.text("SECRETNAME")
    secret["confidential"] = {"reason": planter.text("SECRETREASON")}
    dept = department()
    planter.plant(dept, keep=frozenset({"code"}))
    catalogue = dict(CATALOGUE)
    planter.plant(catalogue, keep=frozenset({"region", "division", "site_url"}))
    catalogue["site_url"] = SITE_URL
    catalogue["categories"] = [
        {"name": name, "code": code}
        for name, code in [("行政处罚", "CF"), (odd_category, "XK"), ("行政检查", "JC"), ("内部管理", "NB")]
    ]
    write_catalogue(root, {FOLDER: (dept, [penalty, permit, secret])}, catalogue)
    law = {"name": penalty["basis"][0]["law"], "effective": "2024-01-01", "note": planter.text("LAWNOTE")}
    dump(root / "_laws.yaml", {"laws": [law]})  # the law index page shows the law's note
    return root, planter.planted
