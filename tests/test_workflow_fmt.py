"""`fmt`: canonical key order, quoting and dates; comments kept; idempotent; `--check` for CI."""

from __future__ import annotations

import datetime as dt
import random

import pytest
import yaml
from factory import power
from hypothesis import given, settings
from hypothesis import strategies as st
from workflow_fixture import copy_catalogue, run

from generator.core.model import CatalogueRecord, PowerRecord
from generator.editing import fmt
from generator.editing.fmt import format_text, needs_quotes

MESSY = """\
# yaml-language-server: $schema=../../schema/power.schema.json

name: "统计调查项目审批"   # 名称照法规写
code: FX01TJ-XK-0001
category: '行政许可'
# 承办科室写到科
office: 统计科
responsible: 统计科科长
basis:
- articles: 第十二条
  # 法律写全称
  law: 中华人民共和国统计法
  excerpt: |
    第一行
    # 这一行是条文,不是注释
disclosure: {timing: 长期, scope: 全社会, forms: [政府网站, "政务公开栏"]}
fees: []
#  - item: 证书工本费
#    standard: 每本10元

procedure:
  steps:
    - name: 受理
      id: accept
      post: 窗口
      days: 1
      next:
        - {when: 符合条件, to: decide}
    # 决定由局长作出
    - id: decide
      post: 局长
      name: 决定
      days: 2
  trigger: 依申请
time_limit:
    promised: 10   # 承诺
    statutory: 20
status: 有效
effective: 2024/1/5
revisions:
  - note: "首次公布: 全文"
    date: '2024-01-05'
"""

CANONICAL = """\
# yaml-language-server: $schema=../../schema/power.schema.json

code: FX01TJ-XK-0001
name: 统计调查项目审批     # 名称照法规写
category: 行政许可
# 承办科室写到科
office: 统计科
responsible: 统计科科长
basis:
  # 法律写全称
  - law: 中华人民共和国统计法
    articles: 第十二条
    excerpt: |
      第一行
      # 这一行是条文,不是注释
disclosure: {scope: 全社会, forms: [政府网站, 政务公开栏], timing: 长期}
fees: []
#  - item: 证书工本费
#    standard: 每本10元

time_limit:
  statutory: 20
  promised: 10     # 承诺
procedure:
  trigger: 依申请
  steps:
    - id: accept
      name: 受理
      post: 窗口
      days: 1
      next:
        - {to: decide, when: 符合条件}
    # 决定由局长作出
    - id: decide
      name: 决定
      post: 局长
      days: 2
status: 有效
effective: 2024-01-05
revisions:
  - date: 2024-01-05
    note: "首次公布: 全文"
"""


def record(text: str) -> PowerRecord:
    return PowerRecord.model_validate(yaml.safe_load(text))


def test_messy_file_becomes_canonical_with_every_comment_kept():
    out = format_text(MESSY, PowerRecord, "x.yaml")
    assert out == CANONICAL
    comments = [line.strip() for line in MESSY.splitlines() if line.strip().startswith("#")]
    assert all(c in out for c in comments)
    assert record(out) == record(MESSY.replace("2024/1/5", "2024-01-05"))  # the one fix fmt makes


def test_formatting_is_idempotent():
    once = format_text(MESSY, PowerRecord, "x.yaml")
    assert format_text(once, PowerRecord, "x.yaml") == once


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("on", '"on"'),  # YAML 1.1 reads plain on/yes/no as true/false
        ("yes", '"yes"'),
        ("0o17", '"0o17"'),  # YAML 1.2 reads it as a number
        ("1_000", '"1_000"'),
        ("2024-01-01", '"2024-01-01"'),
        ("a: b", '"a: b"'),
        ("#号", '"#号"'),
        ("@某", '"@某"'),
        ("- 项", '"- 项"'),
        ("", '""'),
        ("null", '"null"'),
        ("统计科", "统计科"),
        ("第十二条、第十三条", "第十二条、第十三条"),
    ],
)
def test_text_is_plain_where_safe_and_double_quoted_otherwise(value, written):
    src = f"code: FX01TJ-XK-0001\nresponsible: '{value}'\n"
    out = format_text(src, PowerRecord, "x.yaml")
    assert f"responsible: {written}\n" in out
    assert yaml.safe_load(out)["responsible"] == value


def test_numbers_where_text_is_expected_are_quoted_without_changing_them():
    src = "name: 测试区人民政府\nregion: FX\ndivision: 01\nsite_url: https://x.cn/\nhotline: 12345\n"
    out = format_text(src, CatalogueRecord, "_catalogue.yaml")
    assert 'hotline: "12345"' in out
    assert "division: 01\n" in out  # quoting would turn what check reads (1) into "01": left for check to report


@pytest.mark.parametrize("written", ["2024/1/5", "2024.01.05", "2024年1月5日", "'2024-01-05'", "2024-1-5"])
def test_dates_become_iso(written):
    out = format_text(f"code: FX01TJ-XK-0001\neffective: {written}\n", PowerRecord, "x.yaml")
    assert "effective: 2024-01-05\n" in out
    assert yaml.safe_load(out)["effective"] == dt.date(2024, 1, 5)


def test_line_breaks_bom_and_multiline_text():
    src = '\ufeffcode: FX01TJ-XK-0001\r\nname: "第一行\\n第二行"\r\n'
    out = format_text(src.lstrip("\ufeff"), PowerRecord, "x.yaml")
    assert out == "code: FX01TJ-XK-0001\nname: |-\n  第一行\n  第二行\n"


def test_check_lists_files_that_would_change_and_leaves_them(tmp_path):
    powers = copy_catalogue(tmp_path)
    assert run("fmt", "--check", "--powers", powers).exit_code == 0
    path = powers / "tjj" / "FX01TJ-XK-0001.yaml"
    messy = MESSY.replace("2024/1/5", "2024-01-01")
    path.write_text(messy, encoding="utf-8")
    result = run("fmt", "--check", "--powers", powers)
    assert result.exit_code == 1
    assert f"需要格式化:{path.as_posix()}" in result.output
    assert path.read_text(encoding="utf-8") == messy
    result = run("fmt", path)
    assert result.exit_code == 0 and "已格式化" in result.output
    assert run("fmt", "--check", "--powers", powers).exit_code == 0
    assert run("check", powers).exit_code == 0


def test_a_file_that_cannot_be_read_is_reported_and_left_alone(tmp_path):
    powers = copy_catalogue(tmp_path)
    broken = powers / "tjj" / "FX01TJ-XK-0001.yaml"
    broken.write_text("code: FX01TJ-XK-0001\nname: [未闭合\n", encoding="utf-8")
    gbk = powers / "scj" / "FX01SC-JC-0001.yaml"
    gbk.write_bytes("name: 检查\n".encode("gbk"))
    result = run("fmt", "--powers", powers)
    assert result.exit_code == 1
    assert "无法格式化" in result.output and "E002" in result.output and "GBK" in result.output
    assert broken.read_text(encoding="utf-8") == "code: FX01TJ-XK-0001\nname: [未闭合\n"


def test_missing_path_is_a_usage_error(tmp_path):
    result = run("fmt", tmp_path / "nowhere.yaml")
    assert result.exit_code == 2 and "找不到文件或目录" in result.output


def test_needs_quotes_considers_flow_context():
    assert not needs_quotes("甲,乙") and needs_quotes("甲,乙", in_flow=True)


def _dump_with_comments(data: dict, rng: random.Random) -> tuple[str, list[str]]:
    """PyYAML's layout (dashes not indented), with a comment above some keys at any depth."""
    lines, comments = [], []
    for line in yaml.safe_dump(data, allow_unicode=True, sort_keys=False).splitlines():
        stripped = line.lstrip(" -")
        if ":" in stripped and rng.random() < 0.3:
            comments.append(f"# 注释{len(comments)}")
            lines.append(" " * (len(line) - len(line.lstrip(" "))) + comments[-1])
        lines.append(line)
    return "\n".join(lines) + "\n", comments


def _shuffled(value, rng: random.Random):
    if isinstance(value, dict):
        keys = list(value)
        rng.shuffle(keys)
        return {k: _shuffled(value[k], rng) for k in keys}
    if isinstance(value, list):
        return [_shuffled(v, rng) for v in value]
    return value


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), category=st.sampled_from(["行政许可", "行政处罚"]))
def test_any_key_order_and_comments_give_one_canonical_file(seed, category):
    rng = random.Random(seed)
    original = power(category=category, fees=[{"item": "工本费", "standard": "每本10元", "basis": "文件"}])
    text, comments = _dump_with_comments(_shuffled(original, rng), rng)
    out = format_text(text, PowerRecord, "x.yaml")
    assert format_text(out, PowerRecord, "x.yaml") == out
    assert record(out) == record(text)
    assert [c for c in comments if out.count(c + "\n") != 1] == []
    top = [line.split(":")[0] for line in out.splitlines() if line[:1].isalpha()]
    assert top == [f for f in PowerRecord.model_fields if f in top]


def test_many_files_are_formatted_in_worker_processes_with_the_same_result(tmp_path, monkeypatch):
    powers = copy_catalogue(tmp_path)
    path = powers / "tjj" / "FX01TJ-XK-0001.yaml"
    path.write_text(MESSY, encoding="utf-8")
    (powers / "scj" / "FX01SC-JC-0001.yaml").write_text("name: [\n", encoding="utf-8")
    monkeypatch.setattr(fmt, "PARALLEL_FROM", 1)
    result = run("fmt", "--powers", powers)
    assert result.exit_code == 1 and "已格式化:" in result.output and "scj/FX01SC-JC-0001.yaml" in result.output
    assert path.read_text(encoding="utf-8") == CANONICAL


def test_fmt_never_writes_through_symbolic_links(tmp_path):
    powers = copy_catalogue(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "FX01TJ-XK-0009.yaml").write_text(MESSY, encoding="utf-8")
    (powers / "tjj" / "FX01TJ-XK-0009.yaml").symlink_to(outside / "FX01TJ-XK-0009.yaml")
    (powers / "linked").symlink_to(outside, target_is_directory=True)
    assert run("fmt", "--powers", powers).exit_code == 0
    assert (outside / "FX01TJ-XK-0009.yaml").read_text(encoding="utf-8") == MESSY
