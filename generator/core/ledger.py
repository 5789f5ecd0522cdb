"""The code ledger, _codes.yaml: every power code ever issued and those withdrawn, so that no code is issued twice.

A code is printed on sheets, in QR codes and in other documents (统一编码管理): once issued it
stays in the ledger for good. `new` records the code it issues; `ledger` records the codes of
a catalogue made before the ledger existed and marks a code withdrawn. The ledger holds codes,
dates and reasons only (never a power's name), and no public output reads it.
"""

from __future__ import annotations

import bisect
import datetime as dt
import io
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import BeforeValidator, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from generator.core.catalogue import Catalogue
from generator.core.model import CODE_PATTERN, F, Record, none_as_empty
from generator.core.problems import GeneratorError, Problem, problem
from generator.core.yamlsafe import Parsed, YamlRejected, decode, parse_text

LEDGER_FILE = "_codes.yaml"
_CODE = re.compile(CODE_PATTERN)
LEDGER_HEADER = (
    "# 编码台账:本清单发出过的每一个权力编码。",
    "# 编码一经发出就永不再用:它印在办事明白卡、二维码和其他文件上,只能指向同一个事项。",
    "# issued(已发出的编码)由 python -m generator new 自动追加,请不要删除或改动其中的任何一行。",
    "# 删除某个事项的文件后,要在 withdrawn(已注销的编码)下登记注销,可运行",
    "#   python -m generator ledger --withdraw 编码 --reason 注销原因",
    "# 也可以照下面的样子手工添加(文件中还没有 withdrawn: 这一行时,先在末尾加上它):",
    "# withdrawn:",
    "#   - code: FX01TJ-CF-0002",
    "#     date: 2026-03-01",
    "#     reason: 职权已取消",
    "# 本文件只用于编码管理,不会发布到网站或打印材料上。",
)


class Withdrawal(Record):
    code: str = F("注销的编码", "如 FX01TJ-CF-0002")
    date: dt.date = F("注销日期", "如 2026-03-01")
    reason: str | None = F("注销原因", "可选,如 职权已取消", default=None)


class LedgerRecord(Record):
    """_codes.yaml: the code ledger."""

    issued: Annotated[list[str], BeforeValidator(none_as_empty)] = F(
        "已发出的编码", "发出过的每个权力编码,只增不减", default_factory=list
    )
    withdrawn: Annotated[list[Withdrawal], BeforeValidator(none_as_empty)] = F(
        "已注销的编码", "文件已删除、编码不再使用的事项", default_factory=list
    )


@dataclass
class Ledger:
    """The ledger as read, with the line of every entry."""

    record: LedgerRecord
    source: Parsed | None = None

    def issued(self) -> set[str]:
        """Every code ever issued, withdrawn ones included."""
        return set(self.record.issued) | {w.code for w in self.record.withdrawn}

    def withdrawn(self) -> dict[str, int]:
        """Withdrawn codes and their place in the withdrawn list (the first, if written twice)."""
        found: dict[str, int] = {}
        for i, entry in enumerate(self.record.withdrawn):
            found.setdefault(entry.code, i)
        return found

    def at(self, *loc: str | int) -> tuple[int, int] | None:
        return self.source.at(loc) if self.source else None


class LedgerError(GeneratorError):
    """The ledger cannot be read or changed; the message says why, for editors."""


def _rt() -> YAML:
    """ruamel.yaml in round-trip mode, writing the catalogue's canonical layout."""
    rt = YAML()
    rt.indent(mapping=2, sequence=4, offset=2)
    rt.width = 1_000_000
    rt.allow_unicode = True
    rt.preserve_quotes = True  # "yes" stays text for the generator's YAML 1.1 reader
    return rt


def _refused(found: list[Problem]) -> LedgerError:
    lines = [f"编码台账 {LEDGER_FILE} 有错误,请先修正:", *(f"  {p}" for p in sorted(set(found), key=str))]
    return LedgerError("\n".join(lines))


def read_ledger(root: Path) -> Ledger | None:
    """The ledger of the catalogue at root, None when there is none yet, or LedgerError when it is unreadable.

    `check` reports a broken ledger line by line; this is the guard of the commands that write it."""
    path = root / LEDGER_FILE
    if not path.exists():
        return None
    try:
        parsed = parse_text(decode(path.read_bytes(), LEDGER_FILE), LEDGER_FILE)
        return Ledger(LedgerRecord.model_validate(parsed.data), parsed)
    except YamlRejected as exc:
        raise _refused(exc.problems) from None
    except ValidationError:
        raise LedgerError(f"编码台账 {LEDGER_FILE} 有错误,请先修正(运行 python -m generator check 查看)") from None
    except OSError as exc:
        raise LedgerError(f"无法读取编码台账 {LEDGER_FILE}({exc.strerror})") from None


def _load_tree(root: Path) -> CommentedMap:
    """The ledger as a round-trip tree (comments kept), checked first by the generator's own reader."""
    fresh = read_ledger(root) is None
    text = "\n".join([*LEDGER_HEADER, "issued: []\n"]) if fresh else (root / LEDGER_FILE).read_text("utf-8-sig")
    try:
        tree = _rt().load(text)
    except YAMLError as exc:  # read by the generator's reader, yet not by ruamel.yaml: leave it alone
        raise LedgerError(f"编码台账 {LEDGER_FILE} 无法改写({str(exc).splitlines()[0]}),请手工修改") from None
    for key in ("issued", "withdrawn"):
        if key in tree and not tree[key]:
            tree[key] = CommentedSeq()  # `key:` or `key: []`: written in block style once it has items
    return tree


def _save(root: Path, tree: CommentedMap) -> None:
    """Write the ledger through a temporary file, so that an interrupted write never leaves half a ledger."""
    out = io.StringIO()
    _rt().dump(tree, out)
    path, temporary = root / LEDGER_FILE, root / f".{LEDGER_FILE}.tmp"
    temporary.write_text(out.getvalue(), encoding="utf-8", newline="\n")
    os.replace(temporary, path)


def record_issued(root: Path, codes: Iterable[str]) -> None:
    """Add codes to the ledger's issued list (creating the ledger), each at its place in code order; comments kept.

    Raises LedgerError when the ledger exists but cannot be read: nothing is written then."""
    tree = _load_tree(root)
    issued = tree.setdefault("issued", CommentedSeq())
    keys = [str(code) for code in issued]
    new = sorted(set(codes) - set(keys))
    for code in new:
        place = bisect.bisect_right(keys, code)
        keys.insert(place, code)
        issued.insert(place, code)
    if new or not (root / LEDGER_FILE).exists():
        _save(root, tree)


def record_withdrawal(root: Path, code: str, date: dt.date, reason: str | None) -> None:
    """Add an entry to the ledger's withdrawn list; comments kept. The reason is written as given (a ruamel
    scalar string keeps its quotes)."""
    tree = _load_tree(root)
    entry = CommentedMap(code=code, date=date)
    if reason:
        entry["reason"] = reason
    tree.setdefault("withdrawn", CommentedSeq()).append(entry)
    _save(root, tree)


# --- the rules `check` applies when the catalogue has a ledger ---------------------------------


@dataclass(frozen=True)
class OnDisk:
    """A code found in the catalogue: a valid record's code, or the name of a power file."""

    code: str
    path: str
    at: tuple[int, int] | None


def codes_on_disk(catalogue: Catalogue) -> dict[str, list[OnDisk]]:
    """Every code present in the catalogue, valid record or not, with where it is."""
    found: dict[str, list[OnDisk]] = {}
    for dept in catalogue.departments:
        records = {power.path: power for power in dept.powers}
        for path in dept.files:
            power = records.get(path)
            stem = path.rsplit("/", 1)[-1].removesuffix(".yaml")
            places = [OnDisk(stem, path, None)]
            if power is not None:
                at = power.source.at(("code",)) if power.source else None
                places = [OnDisk(power.code, path, at)] + ([] if power.code == stem else places)
            for place in places:
                found.setdefault(place.code, []).append(place)
    return found


def ledger_problems(catalogue: Catalogue) -> Iterator[Problem]:
    """E219/W206 for the ledger's own entries, E220 for a lost code, E221 for a withdrawn code back, W205 for a
    code not recorded. A catalogue without a ledger is not checked against one (`new` or `ledger` starts it)."""
    ledger = catalogue.ledger
    if ledger is None:
        return
    yield from entry_problems(ledger)
    on_disk = codes_on_disk(catalogue)
    yield from lost_codes(catalogue, ledger, set(on_disk))
    yield from returned_codes(ledger, on_disk)
    issued = ledger.issued()
    for code, places in sorted(on_disk.items()):
        if code not in issued and is_code(code):
            for place in places:
                yield problem("W205", place.path, place.at, "code", code=code)


def is_code(text: str) -> bool:
    """True for text written as a power code, FX01TJ-CF-0001."""
    return bool(_CODE.match(text))


def _parts(code: str) -> tuple[str, str, str] | None:
    """(region and division, department code, category code) of a code, or None when it is not one."""
    if not is_code(code):
        return None
    head, category, _ = code.split("-")
    return head[:4], head[4:], category


def entry_problems(ledger: Ledger) -> Iterator[Problem]:
    """Entries that are not codes (E219), and codes written twice in the same list (W206)."""
    entries = [(("issued", i), code) for i, code in enumerate(ledger.record.issued)]
    entries += [(("withdrawn", i, "code"), w.code) for i, w in enumerate(ledger.record.withdrawn)]
    first: dict[tuple[str, str], tuple[int, int] | None] = {}
    for loc, code in entries:
        at = ledger.at(*loc)
        if not is_code(code):
            yield problem("E219", LEDGER_FILE, at, loc[0], value=code)
        elif (loc[0], code) in first:
            line = (first[loc[0], code] or (0, 0))[0]
            yield problem("W206", LEDGER_FILE, at, loc[0], code=code, first=line)
        else:
            first[loc[0], code] = at


def lost_codes(catalogue: Catalogue, ledger: Ledger, present: set[str]) -> Iterator[Problem]:
    """E220: an issued code that is neither in the catalogue nor withdrawn."""
    withdrawn = ledger.withdrawn()
    folders = {dept.record.code: dept.slug for dept in catalogue.departments if dept.record}
    reported = set()
    for i, code in enumerate(ledger.record.issued):
        if code in present or code in withdrawn or code in reported or not is_code(code):
            continue
        reported.add(code)
        slug = folders.get(code.split("-")[0][4:])
        where = f"({slug}/{code}.yaml)" if slug else ""
        yield problem("E220", LEDGER_FILE, ledger.at("issued", i), "issued", code=code, where=where)


def returned_codes(ledger: Ledger, on_disk: dict[str, list[OnDisk]]) -> Iterator[Problem]:
    """E221: a withdrawn code used again in the catalogue."""
    for code, index in ledger.withdrawn().items():
        line = (ledger.at("withdrawn", index, "code") or (0, 0))[0]
        date = ledger.record.withdrawn[index].date
        for place in on_disk.get(code, []):
            yield problem("E221", place.path, place.at, "code", code=code, date=date, line=line, file=LEDGER_FILE)


def recordable_codes(catalogue: Catalogue) -> list[str]:
    """Codes in the catalogue that belong to their department and may go into the ledger (see `ledger`)."""
    prefix = catalogue.record.region + catalogue.record.division
    known = set(catalogue.record.category_codes().values())
    found = set()
    for dept in catalogue.departments:
        for path in dept.files:
            code = path.rsplit("/", 1)[-1].removesuffix(".yaml")
            parts = _parts(code)
            if parts and dept.record and parts[:2] == (prefix, dept.record.code) and parts[2] in known:
                found.add(code)
    return sorted(found)
