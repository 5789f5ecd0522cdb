"""The load's cache (core/loadcache.py): a warm load gives exactly what a fresh one does, for valid and invalid
catalogues alike, and the cache holds the parses of the files the last load read (or their powers, kept whole with
the problems of their own rules), no more."""

from __future__ import annotations

import datetime as dt
import marshal
import math
import shutil
from pathlib import Path
from typing import Any

import pytest
from site_catalogues import FIXTURE
from test_bad_input import BASE, BOMBS, CASES, build

from generator.core import edition, loadcache, loader, rules
from generator.core.catalogue import Catalogue, Power
from generator.core.edition import make_edition
from generator.core.loadcache import LOAD_FILE, LOAD_FOLDER, POWER, ParseCache, decode, encode
from generator.core.model import PowerRecord
from generator.core.validate import check_catalogue
from generator.core.yamlsafe import parse_text

TODAY = dt.date(2026, 11, 22)
EDITED = "scjg/FX01SJ-XK-0001.yaml"
OTHER = "tjj/FX01TJ-XK-0001.yaml"
SAMPLE = Path(__file__).resolve().parents[1] / "powers"  # the sample catalogue


def outcome(root: Path, cache: Path | None) -> tuple[list, Any]:
    """Everything a load gives: the problems (with file, line, column, field, code and message) and the records."""
    catalogue, report = check_catalogue(root, TODAY, shown_as=root, cache=cache)
    return report.problems, None if catalogue is None else contents(catalogue)


def contents(catalogue: Catalogue) -> list:
    """The records of a catalogue with their sources (positions, cut values, typed values), comparable with ==."""
    found: list = [catalogue.record.model_dump()]
    for extra in (catalogue.ledger, catalogue.laws):
        found.append(None if extra is None else (extra.record.model_dump(), extra.source))
    for dept in catalogue.departments:
        found.append((dept.slug, dept.files, dept.record and dept.record.model_dump(), dept.source))
        found.extend((p.path, p.record, p.record.model_dump(exclude_unset=True), p.source) for p in dept.powers)
    return found


def entries(cache: Path) -> dict[bytes, bytes]:
    return marshal.loads((cache / LOAD_FOLDER / LOAD_FILE).read_bytes())[1]


def parses_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on, parsing any file fails the test."""

    def refused(raw: bytes, rel: str) -> None:
        raise AssertionError(f"{rel} was parsed")

    monkeypatch.setattr(loadcache, "parse_bytes", refused)


@pytest.mark.parametrize("case", [c for c in CASES if c not in BOMBS])
def test_a_warm_load_gives_what_a_fresh_one_does_for_every_bad_input(case, tmp_path):
    build(case, tmp_path)
    powers, cache = tmp_path / "powers", tmp_path / "cache"
    fresh = outcome(powers, None)
    assert outcome(powers, cache) == fresh  # cold cache
    assert outcome(powers, cache) == fresh  # warm cache


def runs_no_own_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on, running the rules of one record (power_rules.py) fails the test."""

    def refused(power: Power) -> None:
        raise AssertionError(f"the own rules of {power.path} ran")

    for module in (loader, rules):
        monkeypatch.setattr(module, "own_problems", refused)


OWN_CODES = ("E207", "E208", "E209", "E210", "E211", "E212", "E213", "E214", "E215", "W202", "W203")


@pytest.mark.parametrize("case", [c for c in CASES if c.startswith(OWN_CODES)])
def test_a_warm_load_keeps_the_problems_of_each_record_s_own_rules(case, tmp_path, monkeypatch):
    """A power file kept whole comes back with the problems of its own rules, which a warm load does not run."""
    build(case, tmp_path)
    powers, cache = tmp_path / "powers", tmp_path / "cache"
    fresh = outcome(powers, None)
    assert case[:4] in {p.code for p in fresh[0]}
    assert outcome(powers, cache) == fresh
    parses_nothing(monkeypatch)
    runs_no_own_rule(monkeypatch)
    assert outcome(powers, cache) == fresh


def test_a_power_kept_whole_is_named_by_the_file_it_is_read_from(tmp_path, monkeypatch):
    """Two files with the same bytes share an entry; each power and problem names its own file."""
    build("W203-step-without-days", tmp_path)
    powers, cache = tmp_path / "powers", tmp_path / "cache"
    [warned] = {p.path for p in outcome(powers, None)[0] if p.code == "W203"}
    twin = powers / (warned.split("/")[0] + "/FX01XX-XK-0001.yaml")  # not its code's file name: E201 too
    twin.write_bytes((powers / warned).read_bytes())
    fresh = outcome(powers, None)
    assert {p.path for p in fresh[0] if p.code == "W203"} == {warned, twin.relative_to(powers).as_posix()}
    outcome(powers, cache)
    parses_nothing(monkeypatch)
    runs_no_own_rule(monkeypatch)
    assert outcome(powers, cache) == fresh


@pytest.mark.filterwarnings("ignore:Pydantic serializer warnings")  # on writing the number where a text belongs
def test_a_record_that_would_not_come_back_exactly_is_kept_as_its_parse(tmp_path, monkeypatch):
    powers, cache = tmp_path / "powers", tmp_path / "cache"
    shutil.copytree(FIXTURE, powers)
    real = loader.validate_parsed

    def skewed(model, parsed, rel, report):  # a record with a number for a text: its JSON would give the text
        record = real(model, parsed, rel, report)
        return record.model_copy(update={"office": 7}) if rel == EDITED and record is not None else record

    monkeypatch.setattr(loader, "validate_parsed", skewed)
    cold = outcome(powers, cache)
    kept = ParseCache(cache).kept
    edited, other = (loadcache.key_of((powers / rel).read_bytes()) for rel in (EDITED, OTHER))
    assert edited in kept and POWER + edited not in kept and POWER + other in kept and other not in kept
    assert outcome(powers, cache) == cold


def test_records_come_back_from_the_cache_exactly():
    """The JSON of the fields a record sets gives back the record, with the same fields set, for every record."""
    checked = 0
    for folder in (FIXTURE, BASE, SAMPLE):
        catalogue, _ = check_catalogue(folder, TODAY)
        assert catalogue is not None
        for _, power in catalogue.powers():
            record = power.record
            back = PowerRecord.model_validate_json(record.model_dump_json(exclude_unset=True))
            assert back == record and back.model_dump(exclude_unset=True) == record.model_dump(exclude_unset=True)
            checked += 1
    assert checked > 20


def test_the_digests_of_an_edition_are_those_of_a_fresh_load(tmp_path, monkeypatch):
    """The hash of each record is kept with it, and the edition's digests are the same as without the cache."""
    powers, cache = tmp_path / "powers", tmp_path / "cache"
    shutil.copytree(FIXTURE, powers)

    def digests(cache: Path | None) -> tuple[Any, list[str]]:
        catalogue, _ = check_catalogue(powers, TODAY, cache=cache)
        assert catalogue is not None
        made = make_edition(catalogue, "internal")
        return made, [power.digest for power in made.powers()]

    fresh = digests(None)
    assert digests(cache) == fresh  # the editions are equal too: the preview compares them to see a change
    monkeypatch.setattr(edition, "record_hash", lambda record: pytest.fail("a record's hash was worked out"))
    assert digests(cache) == fresh and len(set(fresh[1])) == len(fresh[1]) > 5


def test_a_warm_load_parses_nothing_and_equals_a_fresh_one(tmp_path, monkeypatch):
    powers, cache = tmp_path / "powers", tmp_path / "cache"
    shutil.copytree(FIXTURE, powers)
    fresh = outcome(powers, None)
    assert fresh[0] == [] and outcome(powers, cache) == fresh
    parses_nothing(monkeypatch)
    assert outcome(powers, cache) == fresh


def test_problems_across_records_keep_their_lines_when_warm(tmp_path, monkeypatch):
    powers, cache = tmp_path / "powers", tmp_path / "cache"
    shutil.copytree(FIXTURE, powers)
    twin = powers / EDITED.replace("0001", "0009")  # the same code twice: E202 on both, at the line of `code:`
    twin.write_text("# 一行注释\n" + (powers / EDITED).read_text(encoding="utf-8"), encoding="utf-8")
    fresh = outcome(powers, None)
    assert {(p.code, p.path, p.line) for p in fresh[0] if p.code == "E202"} == {
        ("E202", EDITED, 1),
        ("E202", twin.relative_to(powers).as_posix(), 2),
    }
    outcome(powers, cache)
    parses_nothing(monkeypatch)
    assert outcome(powers, cache) == fresh


def test_an_edited_file_is_read_again_and_its_old_entry_pruned(tmp_path):
    powers, cache = tmp_path / "powers", tmp_path / "cache"
    shutil.copytree(FIXTURE, powers)
    outcome(powers, cache)
    before = entries(cache)
    record = powers / EDITED
    record.write_text(record.read_text(encoding="utf-8").replace("name: ", "name: 新", 1), encoding="utf-8")
    warm = outcome(powers, cache)
    assert warm == outcome(powers, None)
    [(_, edited, _, _)] = [found for found in warm[1] if isinstance(found, tuple) and found[0] == EDITED]
    assert edited.name.startswith("新")
    after = entries(cache)
    assert len(after) == len(before) and len(set(after) - set(before)) == 1


def test_a_deleted_file_s_entry_is_pruned(tmp_path):
    powers, cache = tmp_path / "powers", tmp_path / "cache"
    shutil.copytree(FIXTURE, powers)
    outcome(powers, cache)
    before = entries(cache)
    (powers / EDITED).unlink()
    assert outcome(powers, cache) == outcome(powers, None)
    assert len(entries(cache)) == len(before) - 1 and set(entries(cache)) < set(before)


def test_a_cache_of_other_code_or_a_broken_one_is_not_used(tmp_path, monkeypatch):
    powers, cache = tmp_path / "powers", tmp_path / "cache"
    shutil.copytree(FIXTURE, powers)
    fresh = outcome(powers, cache)
    saved = cache / LOAD_FOLDER / LOAD_FILE
    version, kept = marshal.loads(saved.read_bytes())
    saved.write_bytes(marshal.dumps(("other code", kept)))
    assert ParseCache(cache).kept == {}
    assert outcome(powers, cache) == fresh and marshal.loads(saved.read_bytes())[0] == version
    saved.write_bytes(saved.read_bytes()[:1000])  # as a disk error might leave it (a save itself renames)
    assert outcome(powers, cache) == fresh


def test_a_killed_save_s_temporary_file_is_removed(tmp_path):
    powers, cache = tmp_path / "powers", tmp_path / "cache"
    shutil.copytree(FIXTURE, powers)
    left = cache / LOAD_FOLDER / f".{LOAD_FILE}.999999999.tmp"  # no process has this id
    left.parent.mkdir(parents=True)
    left.write_bytes(b"half")
    outcome(powers, cache)
    assert [p.name for p in left.parent.iterdir()] == [LOAD_FILE]


TYPED = """\
day: 2024-02-29
when: 2024-02-29 10:11:12.5+08:00
naive: 2024-02-29T10:11:12
utc: 2024-02-29 10:11:12Z
list: [2001-01-01, &d 1999-12-31, *d, .nan, -.inf, 123456789012345678901234567890, -0.0]
deep:
  a:
    - b: 2020-10-10
text: "制表\\t符 \\u00a0 \\U0001F600"
cut: 时限 #缩短
"""


def test_a_parse_comes_back_from_the_cache_exactly(tmp_path):
    parsed = parse_text(TYPED, "x.yaml")
    back = decode(encode(parsed))
    assert math.isnan(back.data["list"][3])  # nan is not equal to itself: the data is compared by its repr
    assert repr(back.data) == repr(parsed.data) and back.cut == parsed.cut and back.typed == parsed.typed
    assert [type(v) for _, v in back.typed] == [type(v) for _, v in parsed.typed]
    assert back.data["when"].utcoffset() == dt.timedelta(hours=8) and back.data["utc"].tzinfo is dt.UTC
    assert back.marks == parsed.marks and back.parts == parsed.parts and back.at(("deep", "a", 0, "b")) == (8, 7)
    assert parsed.data["day"] == dt.date(2024, 2, 29)  # encoding leaves the parse it was given as it was


def test_a_value_the_cache_cannot_give_back_exactly_is_not_kept(tmp_path):
    parsed = parse_text("a: 1\n", "x.yaml")
    parsed.typed.append((("a",), dt.datetime(2024, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=1), "名字"))))
    assert encode(parsed) is None
    cache = ParseCache(tmp_path)
    cache.put(b"k", parsed)
    assert cache.used == {}


def test_the_preview_reads_through_the_cache(tmp_path, monkeypatch):
    from generator.preview.live import LiveCatalogue

    powers, cache = tmp_path / "powers", tmp_path / "cache"
    shutil.copytree(FIXTURE, powers)
    first = LiveCatalogue(powers, cache)
    first.reload()
    parses_nothing(monkeypatch)
    again = LiveCatalogue(powers, cache)
    again.reload()
    assert again.catalogue is not None and first.catalogue is not None
    assert again.read_problems == first.read_problems and contents(again.catalogue) == contents(first.catalogue)
