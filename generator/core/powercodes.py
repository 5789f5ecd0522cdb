"""Power codes and category names as editors and spreadsheets write them: shared by `new` and `import`."""

from __future__ import annotations

import re
from collections.abc import Iterable

from generator.core.rules import CODE_PARTS

# The national category numbering (01 许可 … 10 其他) used by government spreadsheets.
NATIONAL_CATEGORIES: dict[int, str] = {
    1: "行政许可",
    2: "行政处罚",
    3: "行政强制",
    4: "行政征收",
    5: "行政给付",
    6: "行政检查",
    7: "行政确认",
    8: "行政奖励",
    9: "行政裁决",
    10: "其他行政权力",
}
_NOISE = re.compile(r"行政|权力|职权|事项|类|权$")


def _core(name: str) -> str:
    """The distinctive part of a category name: 行政许可 -> 许可, 其他行政权力 -> 其他."""
    return _NOISE.sub("", name) or name


def resolve_category(value: object, codes: dict[str, str]) -> str | None:
    """The catalogue's category name for a name, short name, two-letter code or national number."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = re.sub(r"\s+", "", str(value))
    if not text:
        return None
    if text in codes:
        return text
    by_code = {code: name for name, code in codes.items()}
    if text.upper() in by_code:
        return by_code[text.upper()]
    if text.isdigit():
        name = NATIONAL_CATEGORIES.get(int(text))
        return name if name in codes else None
    found = [name for name in codes if _core(name) in text]
    return found[0] if len(found) == 1 else None


def category_choices(codes: dict[str, str]) -> str:
    """How to write a category, for messages: 行政许可(XK、01、许可)…"""
    national = {name: f"{number:02d}" for number, name in NATIONAL_CATEGORIES.items()}
    parts = []
    for name, code in codes.items():
        aliases = [code, *([national[name]] if name in national else []), _core(name)]
        parts.append(f"{name}({'、'.join(dict.fromkeys(a for a in aliases if a != name))})")
    return "、".join(parts)


def code_prefix(region: str, division: str, dept_code: str) -> str:
    return f"{region}{division}{dept_code}"


def used_sequences(codes: Iterable[str], prefix: str, cat_code: str) -> set[int]:
    """Sequence numbers already taken under prefix and category code."""
    taken = set()
    for code in codes:
        parts = CODE_PARTS.match(code)
        if parts and parts["prefix"] + parts["dept"] == prefix and parts["cat"] == cat_code:
            taken.add(int(parts["seq"]))
    return taken


def next_code(prefix: str, cat_code: str, taken: set[int]) -> str:
    """The next free code: one past the highest number ever used, so a withdrawn code is never reused."""
    return f"{prefix}-{cat_code}-{max(taken, default=0) + 1:04d}"
