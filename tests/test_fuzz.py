"""Property-based tests of the loader and the rules: whatever the input, `check` ends with a Report, never an exception.

(a) generated YAML text (fragments of real records, random unicode, indentation, tags, anchors, raw bytes);
(b) generated power records built from the model's own field types, valid ones and broken ones.
Derandomized, so CI sees the same examples on every run.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
import shutil
import types
import typing
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

import pytest
import yaml
from annotated_types import Ge, Le, MinLen
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from generator.core.catalogue import Catalogue
from generator.core.model import KINDS, PowerRecord
from generator.core.problems import MESSAGES, Problem, Report
from generator.core.validate import check_catalogue

BASE = Path(__file__).parent / "bad" / "_base" / "powers"
TARGET = "tjj/FX01TJ-JC-0001.yaml"  # the record every example replaces
TARGETS = [TARGET, "tjj/_department.yaml", "_catalogue.yaml"]  # the generated text replaces one of these
FUZZ = settings(
    max_examples=150, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow]
)
ENGLISH = re.compile(r"[A-Za-z]+ [a-z]+ [a-z]+")  # three English words: a parser message nobody translated


@pytest.fixture(scope="module")
def catalogue_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fuzz") / "powers"
    shutil.copytree(BASE, root)
    return root


def check_bytes(root: Path, raw: bytes, target: str = TARGET) -> tuple[Catalogue | None, Report]:
    """Write raw as the target file and check the whole catalogue; any exception fails the test."""
    for rel in TARGETS:
        shutil.copyfile(BASE / rel, root / rel)
    (root / target).write_bytes(raw)
    catalogue, report = check_catalogue(root, today=dt.date(2025, 1, 1))
    assert isinstance(report, Report)
    return catalogue, report


def assert_well_formed(root: Path, problems: list[Problem], raw: bytes, target: str = TARGET) -> None:
    """Every problem has a known code, one line of text, a Chinese explanation and a place inside its file."""
    lines = max(raw.count(b"\n"), len(raw.decode("utf-8", "replace").splitlines())) + 1
    for item in problems:
        assert item.code in MESSAGES
        assert len(str(item).splitlines()) == 1, str(item)
        assert (root / item.path).exists(), item.path
        if item.line is not None and item.path == target:
            assert 1 <= item.line <= lines, str(item)
        if item.code in ("E002", "E103"):
            assert not ENGLISH.search(item.message.split(":", 1)[-1]), str(item)


# (a) YAML text -------------------------------------------------------------------------------------------

_RECORD_LINES = [line for path in sorted(BASE.rglob("*.yaml")) for line in path.read_text("utf-8").splitlines()]
_KEYS = sorted({name for model in KINDS.values() for name in model.model_fields} | {"id", "to", "days", "next"})
# fmt: off
_SCALAR_TEXTS = [
    "", "~", "null", "yes", "no", "on", "0", "-1", "007", "0x1F", "1_000", "1e400", ".inf", ".nan", "3.5", "9" * 5000,
    "2024-01-01", "2024-02-30", "2024-01-01 10:00:00", '"2024-01-01"', "'引号'", '"未闭合', "'", '"\\q"', '"\\ud800"',
    "a: b", "@x", "`x", "%x", "|", ">", "- x", "[1, 2", "{a: 1", "[]", "{}", "# 注释", "全社会", "行政处罚", "依申请",
    "有效", "FX01TJ-JC-0001", "../x", "a\\b",
]
_DECORATION_TEXTS = [
    "", "!!str ", "!!int ", "!!float ", "!!bool ", "!!timestamp ", "!!null ", "!!binary ", "!!set ", "!!omap ",
    "!!python/object/apply:os.system ", "!!python/name:os.system ", "!include ", "!x!y ", "&a ", "&b ", "*a ", "*b ",
    "? ", "<<: *a ", "--- ", "... ", "%YAML 1.1 ", "%TAG ! tag:x,2024: ",
]
# fmt: on
_SCALARS = st.sampled_from(_SCALAR_TEXTS)
_DECORATION = st.sampled_from(_DECORATION_TEXTS)
_INDENT = st.sampled_from(["", "  ", "    ", "      ", "- ", "  - ", "\t", "  \t", " "])
_LINE = st.one_of(
    st.sampled_from(_RECORD_LINES),
    st.builds(lambda i, k, d, v: f"{i}{k}: {d}{v}", _INDENT, st.sampled_from(_KEYS), _DECORATION, _SCALARS),
    st.builds(lambda i, d, v: f"{i}{d}{v}", _INDENT, _DECORATION, st.one_of(_SCALARS, st.text(max_size=20))),
    st.text(max_size=30),
)
_TEXT = st.builds(lambda lines, end: end.join(lines), st.lists(_LINE, max_size=40), st.sampled_from(["\n", "\r\n"]))


def _encoded(text: str, how: str) -> bytes:
    if how == "bom":
        return codecs.BOM_UTF8 + text.encode("utf-8", "surrogatepass")
    if how in ("gbk", "utf-16"):
        return text.encode(how, "ignore")
    return text.encode("utf-8", "surrogatepass")


_RAW = st.one_of(
    st.builds(_encoded, _TEXT, st.sampled_from(["utf-8", "utf-8", "utf-8", "bom", "gbk", "utf-16"])),
    st.binary(max_size=200),
)


@FUZZ
@given(raw=_RAW, target=st.sampled_from(TARGETS))
def test_any_yaml_text_gives_a_report(catalogue_dir: Path, raw: bytes, target: str) -> None:
    _, report = check_bytes(catalogue_dir, raw, target)
    assert_well_formed(catalogue_dir, report.problems, raw, target)


# (b) records from the model -------------------------------------------------------------------------------


def _bound(metadata: list[Any], kind: type) -> Any:
    found = [m for m in metadata if isinstance(m, kind)]
    return found[0] if found else None


def _pattern(metadata: list[Any]) -> str | None:
    return next((m.pattern for m in metadata if getattr(m, "pattern", None)), None)


_NOT_LINE_BREAKS = st.characters(codec="utf-8", exclude_characters="\x85\u2028\u2029")  # YAML 1.1 breaks lines there
_WORDS = st.text(_NOT_LINE_BREAKS, max_size=12)


def value_strategy(annotation: Any, metadata: list[Any]) -> st.SearchStrategy[Any]:
    """Valid values for a field, read from its type and constraints (patterns, minimum lengths, bounds)."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is Annotated:
        extra = [m for arg in args[1:] for m in (arg.metadata if isinstance(arg, FieldInfo) else [arg])]
        return value_strategy(args[0], [*metadata, *extra])
    if origin in (typing.Union, types.UnionType):
        return st.one_of([st.none() if a is type(None) else value_strategy(a, metadata) for a in args])
    if origin is Literal:
        return st.sampled_from(args)
    if origin is list:
        least = _bound(metadata, MinLen)
        shortest = least.min_length if least else 0
        return st.lists(value_strategy(args[0], []), min_size=shortest, max_size=shortest + 2)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return record_strategy(annotation)
    if annotation is int:
        low, high = _bound(metadata, Ge), _bound(metadata, Le)
        return st.integers(min_value=low.ge if low else -(10**6), max_value=high.le if high else 10**6)
    if annotation is dt.date:
        return st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2024, 12, 31))
    pattern = _pattern(metadata)
    if pattern:
        return st.from_regex(pattern, fullmatch=True)
    if _bound(metadata, MinLen):
        return _WORDS.filter(str.strip)
    return _WORDS


@cache
def record_strategy(model: type[BaseModel]) -> st.SearchStrategy[dict[str, Any]]:
    fields = {name: value_strategy(info.annotation, info.metadata) for name, info in model.model_fields.items()}
    required = {name: fields[name] for name, info in model.model_fields.items() if info.is_required()}
    optional = {name: fields[name] for name in fields if name not in required}
    return st.fixed_dictionaries(required, optional=optional)


_JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.dates(),
    _WORDS,
    st.lists(_WORDS, max_size=3),
    st.dictionaries(_WORDS, _WORDS, max_size=3),
)


@st.composite
def broken_record(draw: st.DrawFn) -> dict[str, Any]:
    """A valid record with one thing changed: a field dropped, a key added, a value of another type."""
    data = draw(record_strategy(PowerRecord))
    how = draw(st.sampled_from(["drop", "add", "replace", "replace_step"]))
    if how == "drop":
        data.pop(draw(st.sampled_from(sorted(data))))
    elif how == "add":
        data[draw(_WORDS)] = draw(_JUNK)
    elif how == "replace" or not data.get("procedure"):
        data[draw(st.sampled_from(sorted(PowerRecord.model_fields)))] = draw(_JUNK)
    else:
        step = data["procedure"]["steps"][0]
        step[draw(st.sampled_from(["id", "name", "post", "days", "next", "rights"]))] = draw(_JUNK)
    return data


def _dumped(data: dict[str, Any]) -> bytes:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")


@FUZZ
@given(data=record_strategy(PowerRecord))
def test_valid_records_load_as_written(catalogue_dir: Path, data: dict[str, Any]) -> None:
    raw = _dumped(data)
    catalogue, report = check_bytes(catalogue_dir, raw)
    assert_well_formed(catalogue_dir, report.problems, raw)
    assert not [p for p in report.errors if p.code < "E200"], report.sorted()
    loaded = [p.record for _, p in catalogue.powers() if p.path == TARGET]
    assert loaded == [PowerRecord.model_validate(data)]


@FUZZ
@given(data=broken_record())
def test_broken_records_are_reported_not_raised(catalogue_dir: Path, data: dict[str, Any]) -> None:
    raw = _dumped(data)
    _, report = check_bytes(catalogue_dir, raw)
    assert_well_formed(catalogue_dir, report.problems, raw)
    try:
        PowerRecord.model_validate(data)
        valid = True
    except ValidationError:
        valid = False
    field_errors = [p for p in report.errors if p.code < "E200"]
    assert not [p for p in field_errors if p.code < "E100"], report.sorted()  # a dumped dict is always readable
    assert bool(field_errors) != valid, report.sorted()
