"""Messages for the mistakes a Chinese keyboard and the `new` template lead editors into: each names the
character or value, the line it is on and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.core.loader import validate_parsed
from generator.core.model import DepartmentRecord, PowerRecord, Record
from generator.core.problems import Report
from generator.core.yamlsafe import YamlRejected, parse_text
from generator.editing.new import render_power

ROOT = Path(__file__).resolve().parents[1]
BASE = Path(__file__).parent / "bad" / "_base" / "powers"
RECORD = (BASE / "tjj" / "FX01TJ-JC-0001.yaml").read_text(encoding="utf-8")  # 24 lines, ends with `effective:`


def problems(text: str, model: type[Record] = PowerRecord) -> list[str]:
    """What check says about one file holding text, as printed."""
    try:
        outcome = parse_text(text, "x.yaml")
    except YamlRejected as exc:
        outcome = exc.problems
    report = Report()
    validate_parsed(model, outcome, "x.yaml", report)
    return [str(p) for p in report.problems]


def changed(old: str, new: str) -> str:
    assert RECORD.count(old) == 1, old
    return RECORD.replace(old, new)


FULL_WIDTH = "YAML 格式错误:「{key}」后面是中文冒号「：」,应改为英文冒号加一个空格:{key}:{rest}"
NO_SPACE = "YAML 格式错误:「{key}:」的冒号后面缺少空格,应写成:{key}: {rest}"


@pytest.mark.parametrize(
    ("old", "new", "at", "message"),
    [
        ("office: 执法检查科", "office：执法检查科", "4:7", FULL_WIDTH.format(key="office", rest=" 执法检查科")),
        ("office: 执法检查科", "office： 执法检查科", "4:7", FULL_WIDTH.format(key="office", rest=" 执法检查科")),
        (
            'effective: "2024-03-01"',
            "effective：2024-03-01",
            "24:10",
            FULL_WIDTH.format(key="effective", rest=" 2024-03-01"),
        ),
        ("scope: 全社会", "scope：全社会", "10:8", FULL_WIDTH.format(key="scope", rest=" 全社会")),
        ("- id: plan", "- id：plan", "16:9", FULL_WIDTH.format(key="id", rest=" plan")),
        ("disclosure:\n", "disclosure：\n", "9:11", FULL_WIDTH.format(key="disclosure", rest="")),
        ("office: 执法检查科", "office:执法检查科", "4:7", NO_SPACE.format(key="office", rest="执法检查科")),
        ("code: FX01TJ", "code:FX01TJ", "1:5", NO_SPACE.format(key="code", rest="FX01TJ-JC-0001")),
    ],
)
def test_colon_mistakes_are_named_on_their_own_line(old: str, new: str, at: str, message: str) -> None:
    assert problems(changed(old, new)) == [f"x.yaml:{at}: E002 {message}"]


def test_a_colon_inside_a_value_is_not_taken_for_a_missing_space() -> None:
    text = changed("name: 统计执法检查", "name: 统计执法检查\n  http://example.gov.cn/a: b")  # a URL is no key
    assert problems(text) == ["x.yaml:3:26: E002 YAML 格式错误:此处不能出现冒号「:」(值里有冒号时请给整个值加引号)"]


def test_a_chinese_key_with_a_full_width_colon_is_named_and_a_sentence_is_not_taken_for_a_key() -> None:
    assert problems(changed("office: 执法检查科", "状态：有效")) == [
        "x.yaml:4:3: E002 " + FULL_WIDTH.format(key="状态", rest=" 有效")
    ]
    sentence = changed(
        "timing: 长期\n", "timing: 长期\nconditions:\n  - 依职权\n  依职权发现统计违法行为的情形：立案调查\n"
    )
    assert problems(sentence) == ["x.yaml:15:3: E002 YAML 格式错误:缺少冒号「:」,或缩进不一致"]


def test_a_missing_colon_is_reported_on_its_own_line_even_the_last() -> None:
    text = changed('effective: "2024-03-01"', "effective 2024-03-01")
    assert problems(text) == ["x.yaml:24:1: E002 YAML 格式错误:缺少冒号「:」,或缩进不一致"]


def test_a_file_of_text_written_with_full_width_colons() -> None:
    found = problems("# 部门信息\nname：复兴区统计局\ncode：TJ\n", DepartmentRecord)
    assert found == ["x.yaml:2:5: E002 " + FULL_WIDTH.format(key="name", rest=" 复兴区统计局")]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "status: 有效\n",
            "materials: []  # 申请材料\n#   - name: 申请书\n  - name: 申请书\nstatus: 有效\n",
            "23:12: E002 YAML 格式错误:「materials:」后面的「[]」表示空列表,下面就不能再写列表项:请删除这个「[]」",
        ),
        (
            "      next: inspect\n",
            "      next: []\n        - to: inspect\n",
            "19:13: E002 YAML 格式错误:「next:」后面的「[]」表示空列表,下面就不能再写列表项:请删除这个「[]」",
        ),
        (
            "disclosure:\n",
            "disclosure: {}\n",
            "9:13: E002 YAML 格式错误:「disclosure:」后面的「{}」表示空映射,下面就不能再写字段:请删除这个「{}」",
        ),
        (
            "basis:\n",
            'basis: ""\n',
            '6:8: E002 YAML 格式错误:「basis:」后面的「""」已经是它的值,下面就不能再写内容:请删除这个「""」',
        ),
    ],
)
def test_a_value_left_above_items_is_named(old: str, new: str, expected: str) -> None:
    assert problems(changed(old, new)) == [f"x.yaml:{expected}"]


def test_a_list_of_step_ids_is_read_as_unconditional_branches() -> None:
    as_list = parse_text(changed("next: inspect", "next: [inspect]"), "x.yaml").data
    as_text = parse_text(RECORD, "x.yaml").data
    assert PowerRecord.model_validate(as_list) == PowerRecord.model_validate(as_text)
    numbered = changed("id: inspect", "id: 2").replace("next: inspect", "next: [2, {to: plan, when: 退回}]")
    steps = PowerRecord.model_validate(parse_text(numbered, "x.yaml").data).procedure.steps
    assert [(b.to, b.when) for b in steps[0].next] == [("2", None), ("plan", "退回")]


def test_a_wrong_step_id_in_the_list_is_located() -> None:
    found = problems(changed("next: inspect", "next: [inspect, 实施检查]"))
    assert found == ["x.yaml:19:23: E105 「下一步」格式不正确:下一步骤的编号(id)"]


CUT = "「{title}」的值在「#」处断开:空格后的「{comment}」被当作注释丢掉了,只读到「{kept}」;"
KEEP = "如果「#」是内容,请给整个值加英文双引号,写成 {quoted};如果是注释,请另起一行写"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("name: 统计执法检查", "name: 统计执法检查 #重点", ("2:14", "项目名称", "#重点", "统计执法检查")),
        ("office: 执法检查科", 'office: 执法检查科\t#一科"甲"', ("4:15", "承办科室", '#一科"甲"', "执法检查科")),
        ("forms: [政府网站]", "forms:\n    - 政府网站 #官网", ("12:12", "公开形式", "#官网", "政府网站")),
    ],
)
def test_text_cut_at_a_hash_is_an_error_that_shows_how_to_keep_it(old: str, new: str, expected: tuple) -> None:
    at, title, comment, kept = expected
    quoted = '"' + f"{kept} {comment}".replace('"', '\\"') + '"'
    message = (CUT + KEEP).format(title=title, comment=comment, kept=kept, quoted=quoted)
    assert problems(changed(old, new)) == [f"x.yaml:{at}: E110 {message}"]


def test_an_empty_value_followed_by_hash_text_says_nothing_was_read() -> None:
    found = problems(changed("office: 执法检查科", "office: #执法检查科"))
    message = (CUT + KEEP).format(title="承办科室", comment="#执法检查科", kept="", quoted='"#执法检查科"')
    assert found == [f"x.yaml:4:9: E110 {message}", "x.yaml:4:1: E103 「承办科室」应为文字"]


def test_a_value_cut_once_is_reported_once_however_often_an_alias_repeats_it() -> None:
    text = changed("timing: 长期\n", "timing: 长期\nconditions:\n  - &c 依职权 #发现线索\n  - *c\n")
    assert [p.split(" E")[0] for p in problems(text)] == ["x.yaml:14:12:"]


@pytest.mark.parametrize(
    "line",
    [
        "name: 统计执法检查  # 说明:注释与值之间有空格",
        'name: "统计执法检查 #重点"',
        'name: "统计执法检查" #注释',
        "name: 统计执法检查#重点",
        "name: 统计执法检查 ## 分隔",
    ],
)
def test_comments_written_as_comments_are_not_flagged(line: str) -> None:
    assert problems(changed("name: 统计执法检查", line)) == []


def test_sample_catalogue_and_new_template_have_no_cut_values() -> None:
    files = [*sorted((ROOT / "powers").rglob("*.yaml")), *sorted(BASE.rglob("*.yaml"))]
    texts = [path.read_text(encoding="utf-8") for path in files]
    texts.append(render_power({"code": "FX01TJ-XK-0009", "name": "统计调查项目审批", "category": "行政许可"}))
    texts.append(render_power({"code": "FX01TJ-CF-0009", "name": "处罚", "category": "行政处罚"}))
    assert [parse_text(text, "x.yaml").cut for text in texts] == [[] for _ in texts]


DATE = "x.yaml:24:1: E108 「生效日期」应为日期,如 2024-01-01"


@pytest.mark.parametrize(
    ("value", "detail"),
    [
        ("2026/11/30", ";「2026/11/30」的分隔符「/」应为「-」,写成 2026-11-30"),
        ("2026.1.5", ";「2026.1.5」的分隔符「.」应为「-」,写成 2026-01-05"),
        ("2026年11月30日", ";「2026年11月30日」请按「年-月-日」写成 2026-11-30"),
        ("２０２６－１１－３０", ";「２０２６－１１－３０」用了全角数字或符号,请写成 2026-11-30"),
        ("20261130", ";「20261130」的年、月、日之间要加「-」,写成 2026-11-30"),
        ('"2026-1-5"', ";「2026-1-5」的月和日都要写两位,写成 2026-01-05"),
        ("2026-11-30 09:30", ";「2026-11-30 09:30」只写日期,不要写时间:2026-11-30"),
        ("2026-11-31", ";「2026-11-31」不存在:11 月没有 31 日"),
        ("2026/11/31", ";「2026/11/31」不存在:11 月没有 31 日"),
        ("2026-11/30", ";「2026-11/30」的分隔符「/」应为「-」,写成 2026-11-30"),
        ("2026-02-29", ";「2026-02-29」不存在:2026 年不是闰年,2 月没有 29 日"),
        ("2026-13-01", ";「2026-13-01」不存在:没有 13 月"),
        ("去年三月", ";「去年三月」不是日期"),
        ('""', ""),
    ],
)
def test_a_wrong_date_is_repeated_with_the_reason(value: str, detail: str) -> None:
    assert problems(changed('effective: "2024-03-01"', f"effective: {value}")) == [DATE + detail]


def test_a_leap_day_is_a_date() -> None:
    assert problems(changed('effective: "2024-03-01"', "effective: 2024-02-29")) == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("４０", "整数:「４０」是全角数字,请改为半角数字 40"),
        ('"40"', "整数:「40」写在引号里就成了文字,请去掉引号"),
        ("9" * 5000, "整数(数值过大)"),
        ("二十", "整数"),
    ],
)
def test_a_number_read_as_text_says_why(value: str, expected: str) -> None:
    text = changed("status: 有效", f"time_limit:\n  promised: {value}\nstatus: 有效")
    assert problems(text) == [f"x.yaml:24:3: E103 「承诺时限」应为{expected}"]
