"""The code ledger (_codes.yaml): written in order with comments kept, read by the loader, checked by `check`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from workflow_fixture import FIXTURE, copy_catalogue, run

from generator.core.edition import make_edition
from generator.core.ledger import LEDGER_FILE, LEDGER_HEADER, LedgerError, read_ledger, record_issued, record_withdrawal
from generator.core.loader import load
from generator.core.validate import check_catalogue
from generator.editing.new import department_target

SAMPLE = Path(__file__).resolve().parents[1] / "powers"


def issued(root: Path) -> list[str]:
    return yaml.safe_load((root / LEDGER_FILE).read_text(encoding="utf-8"))["issued"]


def test_record_issued_creates_the_ledger_with_its_header_in_code_order(tmp_path):
    record_issued(tmp_path, ["FX01TJ-XK-0002", "FX01TJ-CF-0001", "FX01TJ-XK-0002"])
    text = (tmp_path / LEDGER_FILE).read_text(encoding="utf-8")
    assert text.startswith("\n".join(LEDGER_HEADER) + "\nissued:\n  - FX01TJ-CF-0001\n  - FX01TJ-XK-0002\n")
    ledger = read_ledger(tmp_path)
    assert ledger is not None and ledger.issued() == {"FX01TJ-CF-0001", "FX01TJ-XK-0002"}


def test_record_issued_inserts_in_order_keeps_comments_and_never_duplicates(tmp_path):
    (tmp_path / LEDGER_FILE).write_text(
        "# 我们的说明\nissued:\n  - FX01TJ-CF-0001  # 第一个\n  - FX01TJ-CF-0003\n", encoding="utf-8"
    )
    record_issued(tmp_path, ["FX01TJ-CF-0002", "FX01TJ-CF-0003", "FX01TJ-CF-0004"])
    text = (tmp_path / LEDGER_FILE).read_text(encoding="utf-8")
    assert text == (
        "# 我们的说明\nissued:\n  - FX01TJ-CF-0001  # 第一个\n  - FX01TJ-CF-0002\n  - FX01TJ-CF-0003\n"
        "  - FX01TJ-CF-0004\n"
    )
    record_issued(tmp_path, ["FX01TJ-CF-0001"])
    assert (tmp_path / LEDGER_FILE).read_text(encoding="utf-8") == text


@pytest.mark.parametrize("empty", ["issued:\n", "issued: []\n"])
def test_an_empty_issued_list_gets_block_items(tmp_path, empty):
    (tmp_path / LEDGER_FILE).write_text(empty, encoding="utf-8")
    record_issued(tmp_path, ["FX01TJ-CF-0001"])
    assert (tmp_path / LEDGER_FILE).read_text(encoding="utf-8") == "issued:\n  - FX01TJ-CF-0001\n"


@pytest.mark.parametrize("broken", ["issued: [\n", "issued: FX01TJ-CF-0001\n", "issued: [FX01TJ-CF-0001]\nnames: []\n"])
def test_an_unreadable_ledger_is_never_rewritten(tmp_path, broken):
    (tmp_path / LEDGER_FILE).write_text(broken, encoding="utf-8")
    with pytest.raises(LedgerError, match=r"编码台账 _codes\.yaml 有错误"):
        record_issued(tmp_path, ["FX01TJ-CF-0002"])
    assert (tmp_path / LEDGER_FILE).read_text(encoding="utf-8") == broken


def test_record_withdrawal_adds_code_date_and_reason(tmp_path):
    record_issued(tmp_path, ["FX01TJ-CF-0001", "FX01TJ-CF-0002"])
    record_withdrawal(tmp_path, "FX01TJ-CF-0002", dt.date(2026, 3, 1), "职权已取消")
    record_withdrawal(tmp_path, "FX01TJ-CF-0001", dt.date(2026, 3, 2), None)
    text = (tmp_path / LEDGER_FILE).read_text(encoding="utf-8")
    assert text.startswith(LEDGER_HEADER[0])
    assert text.endswith(
        "withdrawn:\n  - code: FX01TJ-CF-0002\n    date: 2026-03-01\n    reason: 职权已取消\n"
        "  - code: FX01TJ-CF-0001\n    date: 2026-03-02\n"
    )
    assert read_ledger(tmp_path).withdrawn() == {"FX01TJ-CF-0002": 0, "FX01TJ-CF-0001": 1}


def test_the_header_example_uncommented_is_a_valid_withdrawal(tmp_path):
    record_issued(tmp_path, ["FX01TJ-CF-0002"])
    example = [line.removeprefix("# ") for line in LEDGER_HEADER if line.startswith(("# withdrawn:", "#   "))]
    path = tmp_path / LEDGER_FILE
    path.write_text(path.read_text(encoding="utf-8") + "\n".join(example[1:]) + "\n", encoding="utf-8")
    assert read_ledger(tmp_path).withdrawn() == {"FX01TJ-CF-0002": 0}


def test_take_code_skips_every_code_in_the_ledger_issued_or_withdrawn(tmp_path):
    powers = copy_catalogue(tmp_path)
    record_issued(powers, ["FX01TJ-CF-0001", "FX01TJ-CF-0007", "FX01TJ-XK-0001", "FX01SC-XK-0001"])
    record_withdrawal(powers, "FX01TJ-XK-0004", dt.date(2026, 3, 1), None)  # withdrawn, never in issued
    target = department_target(powers, "tjj")
    assert [target.take_code("行政处罚"), target.take_code("行政处罚")] == ["FX01TJ-CF-0008", "FX01TJ-CF-0009"]
    assert target.take_code("行政许可") == "FX01TJ-XK-0005"


def test_the_ledger_is_no_stray_file_and_holds_no_names():
    catalogue, report = load(SAMPLE)
    assert catalogue.ledger is not None
    assert [p for p in report.problems if p.path.endswith(LEDGER_FILE)] == []
    names = {power.record.name for _, power in catalogue.powers()}
    text = (SAMPLE / LEDGER_FILE).read_text(encoding="utf-8")
    assert not [name for name in names if name in text]


def test_the_sample_ledger_holds_every_code_of_the_sample():
    catalogue, report = check_catalogue(SAMPLE)
    assert catalogue.ledger.issued() == {power.code for _, power in catalogue.powers()}
    assert [str(p) for p in report.problems] == []


def test_ledger_command_starts_a_ledger_from_the_catalogue(tmp_path):
    powers = copy_catalogue(tmp_path)
    result = run("ledger", "--powers", powers)
    assert result.exit_code == 0 and f"已把 5 个编码记入 {(powers / LEDGER_FILE).as_posix()}" in result.output
    assert issued(powers) == ["FX01SC-JC-0001", "FX01TJ-CF-0001", "FX01TJ-NB-0001", "FX01TJ-QT-0001", "FX01TJ-XK-0001"]
    assert run("check", "--strict", powers).exit_code == 0
    again = run("ledger", "--powers", powers)
    assert again.exit_code == 0 and "已包含清单中的全部编码" in again.output


def test_ledger_command_leaves_out_codes_that_do_not_belong_to_their_department(tmp_path):
    powers = copy_catalogue(tmp_path)
    source = (powers / "tjj" / "FX01TJ-CF-0001.yaml").read_text(encoding="utf-8")
    (powers / "tjj" / "FX01SC-CF-0009.yaml").write_text(source.replace("TJ-CF-0001", "SC-CF-0009"), "utf-8")
    run("ledger", "--powers", powers)
    assert "FX01SC-CF-0009" not in issued(powers)
    _, report = check_catalogue(powers)
    assert {p.code for p in report.problems if p.path == "tjj/FX01SC-CF-0009.yaml"} >= {"E204", "W205"}


def test_withdrawing_a_removed_code_clears_e220_and_new_never_reissues_it(tmp_path):
    powers = copy_catalogue(tmp_path)
    run("ledger", "--powers", powers)
    (powers / "tjj" / "FX01TJ-CF-0001.yaml").unlink()
    _, report = check_catalogue(powers)
    assert [(p.path, p.code) for p in report.problems] == [(LEDGER_FILE, "E220")]
    result = run(
        "ledger", "--withdraw", "FX01TJ-CF-0001", "--reason", "职权已取消", "--date", "2026-03-01", "--powers", powers
    )
    assert result.exit_code == 0 and "已在" in result.output and "登记注销 FX01TJ-CF-0001(2026-03-01)" in result.output
    assert run("check", "--strict", powers).exit_code == 0
    assert run("new", "tjj", "--category", "处罚", "--name", "新的处罚", "--powers", powers).exit_code == 0
    assert (powers / "tjj" / "FX01TJ-CF-0002.yaml").is_file() and not (powers / "tjj" / "FX01TJ-CF-0001.yaml").exists()


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--withdraw", "FX01TJ-CF-0001"], 1, "编码 FX01TJ-CF-0001 的事项文件仍在(tjj/FX01TJ-CF-0001.yaml)"),
        (["--withdraw", "FX01TJ-CF-42"], 1, "「FX01TJ-CF-42」不是权力编码,应如 FX01TJ-CF-0001"),
        (["--withdraw", "FX02TJ-CF-0001"], 1, "编码 FX02TJ-CF-0001 不属于本清单:地区和区划代码应为 FX01"),
        (["--reason", "职权已取消"], 2, "--reason 和 --date 只能与 --withdraw 一起使用"),
        (["--withdraw", "FX01TJ-CF-0001", "--date", "2026/03/01"], 2, "注销日期「2026/03/01」应写成 2026-03-01"),
    ],
)
def test_ledger_command_refuses_with_a_reason(tmp_path, args, code, message):
    powers = copy_catalogue(tmp_path)
    result = run("ledger", *args, "--powers", powers)
    assert result.exit_code == code and message in result.output
    assert not (powers / LEDGER_FILE).exists()  # nothing written when refused


def test_a_code_is_withdrawn_only_once(tmp_path):
    powers = copy_catalogue(tmp_path)
    record_issued(powers, ["FX01TJ-CF-0009"])
    record_withdrawal(powers, "FX01TJ-CF-0009", dt.date(2026, 3, 1), None)
    result = run("ledger", "--withdraw", "FX01TJ-CF-0009", "--powers", powers)
    assert result.exit_code == 1 and "已于 2026-03-01 登记注销,无需重复登记" in result.output


def test_commands_that_issue_codes_refuse_a_broken_ledger_with_its_located_problem(tmp_path):
    powers = copy_catalogue(tmp_path)
    (powers / LEDGER_FILE).write_text("issued:\n  - FX01TJ-CF-0001\n  withdrawn: []\n", encoding="utf-8")
    before = sorted(p.name for p in (powers / "tjj").iterdir())
    for args in (["new", "tjj", "--category", "许可", "--name", "甲"], ["ledger"]):
        result = run(*args, "--powers", powers)
        assert result.exit_code == 1 and "编码台账 _codes.yaml 有错误" in result.output
        assert f"{LEDGER_FILE}:3:" in result.output and "E002" in result.output
    assert sorted(p.name for p in (powers / "tjj").iterdir()) == before


def test_reasons_are_quoted_as_fmt_quotes_them_and_stay_text(tmp_path):
    powers = copy_catalogue(tmp_path)
    run("ledger", "--powers", powers)
    for code, reason in (("FX01TJ-CF-0001", "yes"), ("FX01TJ-NB-0001", "依据: 文件 #3 号")):
        (powers / "tjj" / f"{code}.yaml").unlink()
        assert run("ledger", "--withdraw", code, "--reason", reason, "--powers", powers).exit_code == 0
    record_issued(powers, ["FX01TJ-CF-0002"])  # rewriting the ledger keeps the quotes
    (powers / "tjj" / "FX01TJ-CF-0002.yaml").write_text(
        (FIXTURE / "tjj" / "FX01TJ-CF-0001.yaml").read_text(encoding="utf-8").replace("CF-0001", "CF-0002"), "utf-8"
    )
    assert [w.reason for w in read_ledger(powers).record.withdrawn] == ["yes", "依据: 文件 #3 号"]
    assert run("check", "--strict", powers).exit_code == 0
    assert run("fmt", "--check", powers / LEDGER_FILE).exit_code == 0


def test_nothing_of_the_ledger_reaches_the_public_edition(tmp_path):
    powers = copy_catalogue(tmp_path)
    run("ledger", "--powers", powers)
    record_withdrawal(powers, "FX01TJ-XK-0042", dt.date(2026, 3, 1), "CANARY-LEDGER-REASON")
    catalogue, report = check_catalogue(powers)
    assert catalogue.ledger is not None and not report.errors
    shown = repr(make_edition(catalogue)) + repr(make_edition(catalogue, "internal"))
    assert "CANARY-LEDGER-REASON" not in shown and "FX01TJ-XK-0042" not in shown


def test_a_code_used_before_the_ledger_began_can_be_withdrawn_and_is_never_issued(tmp_path):
    powers = copy_catalogue(tmp_path)
    (powers / "tjj" / "FX01TJ-XK-0001.yaml").unlink()  # removed before the catalogue had a ledger
    result = run("ledger", "--withdraw", "FX01TJ-XK-0001", "--reason", "职权已取消", "--powers", powers)
    assert result.exit_code == 0, result.output
    assert "FX01TJ-XK-0001" in issued(powers) and read_ledger(powers).withdrawn() == {"FX01TJ-XK-0001": 0}
    assert run("new", "tjj", "--category", "许可", "--name", "新的许可", "--powers", powers).exit_code == 0
    assert (powers / "tjj" / "FX01TJ-XK-0002.yaml").is_file()
    assert run("check", "--powers", powers).exit_code == 1  # the new record's placeholders, nothing of the ledger
    _, report = check_catalogue(powers)
    assert {p.path for p in report.problems} == {"tjj/FX01TJ-XK-0002.yaml"}
