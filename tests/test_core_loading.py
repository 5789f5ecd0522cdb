"""The safe reader and the loader: positions, encodings, refusals and Chinese field names."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from factory import department, dump, power, write_catalogue

from generator.core.validate import check_catalogue
from generator.core.yamlsafe import YamlRejected, read_yaml

TODAY = dt.date(2026, 11, 22)


def read(tmp_path: Path, text: str | bytes):
    path = tmp_path / "x.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return read_yaml(path, "x.yaml")


def rejected(tmp_path: Path, text: str | bytes) -> list[str]:
    with pytest.raises(YamlRejected) as caught:
        read(tmp_path, text)
    return [str(p) for p in caught.value.problems]


def test_positions_point_at_keys_and_list_items(tmp_path):
    parsed = read(tmp_path, "a: 1\nsteps:\n  - id: x\n    post: 岗\n")
    assert parsed.at(("steps", 0, "post")) == (4, 5)
    assert parsed.at(("steps", 0, "missing")) == (3, 5)  # nearest ancestor


def test_bom_and_dates_quoted_or_not(tmp_path):
    parsed = read(tmp_path, "\ufeffa: 2024-01-01\nb: '2024-01-02'\n".encode())
    assert parsed.data == {"a": dt.date(2024, 1, 1), "b": "2024-01-02"}


def test_every_duplicate_key_is_reported(tmp_path):
    assert rejected(tmp_path, "a: 1\nb: 2\na: 3\nb: 4\n") == [
        "x.yaml:3:1: E003 重复的字段「a」(第 1 行已出现)",
        "x.yaml:4:1: E003 重复的字段「b」(第 2 行已出现)",
    ]


def test_gbk_is_told_apart(tmp_path):
    [message] = rejected(tmp_path, "name: 统计局\n".encode("gbk"))
    assert "E001" in message and "GBK" in message


def test_alias_bomb_is_refused(tmp_path):
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    [message] = rejected(tmp_path, "\n".join(lines) + "\n")
    assert "E005" in message


def test_python_tags_are_refused(tmp_path):
    [message] = rejected(tmp_path, "a: !!python/object/apply:os.system ['echo hi']\n")
    assert "E004" in message and "!!python/object/apply:os.system" in message


def test_unknown_key_names_the_line_and_suggests_the_field(tmp_path):
    record = power()
    record["time_limt"] = record.pop("time_limit")
    root = write_catalogue(tmp_path, {"tjj": (department(), [record])})
    _, report = check_catalogue(root, TODAY)
    [found] = report.problems
    text = (root / "tjj/FX01TJ-XK-0001.yaml").read_text().splitlines()
    assert text[found.line - 1].startswith("time_limt:")
    assert found.message == "未知字段「time_limt」,是否应为「time_limit」(办理时限)?"


def test_missing_nested_field_is_named_in_chinese(tmp_path):
    record = power()
    del record["procedure"]["steps"][1]["post"]
    root = write_catalogue(tmp_path, {"tjj": (department(), [record])})
    _, report = check_catalogue(root, TODAY)
    [found] = report.problems
    assert found.code == "E101"
    assert found.message == "缺少必填字段「承办岗位」(procedure.steps[1].post)"


def test_wrong_type_and_number_as_text(tmp_path):
    root = write_catalogue(
        tmp_path, {"tjj": (department(), [power(time_limit={"statutory": "二十", "promised": 10}, office=123)])}
    )
    _, report = check_catalogue(root, TODAY)
    assert [(p.code, p.message) for p in report.problems] == [("E103", "「法定时限」应为整数")]


def test_catalogue_is_none_without_catalogue_file_but_departments_are_still_read(tmp_path):
    root = write_catalogue(tmp_path, {"tjj": (department(), [power(name="")])})
    (root / "_catalogue.yaml").unlink()
    catalogue, report = check_catalogue(root, TODAY)
    assert catalogue is None
    assert [p.code for p in report.sorted()] == ["E011", "E106"]


def test_symlink_out_of_the_catalogue_is_refused(tmp_path):
    outside = tmp_path / "secret.yaml"
    dump(outside, power())
    root = write_catalogue(tmp_path / "powers", {"tjj": (department(), [])})
    (root / "tjj" / "FX01TJ-XK-0001.yaml").symlink_to(outside)
    _, report = check_catalogue(root, TODAY)
    assert [p.code for p in report.problems] == ["E009"]
