"""`diff OLD NEW`: powers added, removed, recoded and changed; the flags a reviewer must not miss;
the check result of NEW. Sides are folders or revisions of a temporary git repository."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from workflow_fixture import FIXTURE, copy_catalogue, run

from generator.editing.diff_flags import FLAG_KINDS, amount


def edit(path: Path, *pairs: tuple[str, str]) -> None:
    text = path.read_text(encoding="utf-8")
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


URGENT_FEE = "  - item: 加急费\n    standard: 每件50元\n    basis: 文件"


def revise(path: Path, note: str, date: str = "2024-06-01") -> None:
    """Append a revision entry, as the guide asks for every change."""
    text = path.read_text(encoding="utf-8")
    entry = f"  - date: {date}\n    note: {note}\n"
    path.write_text(text + ("" if "\nrevisions:\n" in text else "revisions:\n") + entry, encoding="utf-8")


def change_everything(powers: Path) -> None:
    """One change of each kind a reviewer must see, plus an added and a recoded power.

    Every changed record gets a new revision entry except FX01SC-JC-0001."""
    tjj = powers / "tjj"
    edit(
        tjj / "FX01TJ-XK-0001.yaml",
        ("promised: 10  # 比法定时限缩短一半", "promised: 15"),
        ("standard: 每本10元", "standard: 每本20元"),
        ("basis: 发改价格〔2015〕100号", "basis: 发改价格〔2015〕100号\n" + URGENT_FEE),
    )
    edit(
        tjj / "FX01TJ-CF-0001.yaml",
        ("  - law: 河北省统计条例\n    articles: 第三十四条\n", ""),
        ("      next: investigate\n", "      next: decide\n"),
        ("    - id: investigate\n      name: 调查取证\n      post: 执法人员\n      days: 5\n      next: decide\n", ""),
    )
    edit(tjj / "FX01TJ-NB-0001.yaml", ("status: 有效", "confidential:\n  reason: 涉及工作秘密\nstatus: 有效"))
    edit(powers / "scj" / "FX01SC-JC-0001.yaml", ("scope: 全社会", "scope: 部门内部"))
    recoded = tjj / "FX01TJ-QT-0001.yaml"
    recoded.rename(tjj / "FX01TJ-QZ-0001.yaml")
    edit(tjj / "FX01TJ-QZ-0001.yaml", ("FX01TJ-QT-0001", "FX01TJ-QZ-0001"), ("其他行政权力", "行政强制"))
    for code in ("XK-0001", "CF-0001", "NB-0001", "QZ-0001"):
        revise(tjj / f"FX01TJ-{code}.yaml", "按2024年清单调整修改")
    added = (tjj / "FX01TJ-XK-0001.yaml").read_text(encoding="utf-8")
    (tjj / "FX01TJ-XK-0002.yaml").write_text(
        added.replace("FX01TJ-XK-0001", "FX01TJ-XK-0002").replace("统计调查项目审批", "统计调查项目变更审批"),
        encoding="utf-8",
    )


EXPECTED_FLAGS = {
    ("FX01TJ-XK-0001", "promised_longer"),
    ("FX01TJ-XK-0001", "fee_raised"),
    ("FX01TJ-XK-0001", "fee_added"),
    ("FX01TJ-CF-0001", "basis_removed"),
    ("FX01TJ-CF-0001", "steps_removed"),
    ("FX01TJ-NB-0001", "made_confidential"),
    ("FX01SC-JC-0001", "made_internal"),
    ("FX01SC-JC-0001", "no_revision"),  # the one change without a new revision entry
    ("FX01TJ-XK-0002", "fee_added"),  # a new power that charges is a fee added
}


@pytest.fixture
def two_folders(tmp_path):
    new = copy_catalogue(tmp_path, "new")
    change_everything(new)
    return FIXTURE, new


def test_two_folders_as_json(two_folders):
    old, new = two_folders
    result = run("diff", old, new, "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert {(f["code"], f["kind"]) for f in report["flags"]} == EXPECTED_FLAGS
    assert {f["kind"] for f in report["flags"]} == set(FLAG_KINDS)
    assert [p["code"] for p in report["added"]] == ["FX01TJ-XK-0002"]
    assert report["removed"] == []
    assert [(r["old_code"], r["code"]) for r in report["recoded"]] == [("FX01TJ-QT-0001", "FX01TJ-QZ-0001")]
    changed = ["FX01SC-JC-0001", "FX01TJ-CF-0001", "FX01TJ-NB-0001", "FX01TJ-XK-0001"]
    assert [c["code"] for c in report["changed"]] == changed
    xk = next(c for c in report["changed"] if c["code"] == "FX01TJ-XK-0001")
    promised = next(c for c in xk["changes"] if c["field"] == "time_limit.promised")
    assert (promised["title"], promised["before"], promised["after"]) == ("办理时限 承诺时限", "10", "15")
    cf = next(c for c in report["changed"] if c["code"] == "FX01TJ-CF-0001")
    assert "procedure.steps[investigate].name" in {c["field"] for c in cf["changes"]}  # items followed by id
    assert report["check"]["errors"] == 0 and report["check"]["warnings"] == 2  # W202 twice: 15 of 20 days


def test_two_folders_as_markdown(two_folders):
    old, new = two_folders
    text = run("diff", old, new).stdout
    assert text.startswith("## 权力清单变更报告\n")
    assert "新增 1 项,删除 0 项,编码变更 1 项,修改 4 项。" in text
    assert "承诺时限由 10 个工作日延长为 15 个工作日" in text
    assert "提高收费「证书工本费」:每本10元 → 每本20元" in text
    assert "删除权力依据 《河北省统计条例》第三十四条" in text
    assert "删除办理步骤「调查取证」(investigate)" in text
    assert "改为仅在部门内部公开" in text and "改为涉密不宜公开" in text
    assert "#### FX01TJ-QT-0001 → FX01TJ-QZ-0001 涉密统计资料管理" in text
    assert "| 办理时限 承诺时限<br>`time_limit.promised` | 10 | 15 |" in text
    assert "✅ 0 个错误,2 个警告" in text and "W202" in text
    assert "内容有修改,但修订记录(revisions)没有新增一条" in text


def test_a_new_power_is_shown_with_its_key_facts(two_folders):
    old, new = two_folders
    report = json.loads(run("diff", old, new, "--format", "json").stdout)
    facts = {f["field"]: (f["title"], f["text"]) for f in report["added"][0]["facts"]}
    assert facts == {
        "category": ("权力类别", "行政许可"),
        "office": ("承办科室", "统计科(负责人:统计科科长)"),
        "basis": ("权力依据", "《中华人民共和国统计法》第十二条"),
        "time_limit": ("办理时限", "法定时限 20 个工作日,承诺时限 15 个工作日"),
        "fees": ("收费", "证书工本费:每本20元(依据:发改价格〔2015〕100号)\n加急费:每件50元(依据:文件)"),
        "procedure": (
            "权力运行流程",
            "依申请,共 4 步:\n"
            "1. 受理(窗口,1 个工作日) → 审查\n"
            "2. 审查(统计科,5 个工作日) → 批准(符合条件)、不予批准(不符合条件)\n"
            "3. 批准(局长,2 个工作日)\n"
            "4. 不予批准(局长,1 个工作日)",
        ),
    }
    text = run("diff", old, new).stdout
    section = text.split("### 新增事项\n")[1].split("\n### ")[0]
    assert "#### FX01TJ-XK-0002 统计调查项目变更审批" in section and "文件:`tjj/FX01TJ-XK-0002.yaml`" in section
    assert "| 收费 | 证书工本费:每本20元(依据:发改价格〔2015〕100号)<br>加急费:每件50元(依据:文件) |" in section


def test_key_facts_say_what_a_new_power_lacks(tmp_path):
    new = copy_catalogue(tmp_path)
    for old_code, new_code in (("QT-0001", "QT-0002"), ("NB-0001", "NB-0002")):
        text = (new / "tjj" / f"FX01TJ-{old_code}.yaml").read_text(encoding="utf-8")
        text = text.replace(f"FX01TJ-{old_code}", f"FX01TJ-{new_code}").replace("\nname: ", "\nname: 另一项")
        (new / "tjj" / f"FX01TJ-{new_code}.yaml").write_text(text, encoding="utf-8")
    added = json.loads(run("diff", FIXTURE, new, "--format", "json").stdout)["added"]
    facts = {r["code"]: {f["field"]: f["text"] for f in r["facts"]} for r in added}
    assert facts["FX01TJ-QT-0002"]["time_limit"] == "无明确规定"
    assert facts["FX01TJ-QT-0002"]["fees"] == "不收费"
    assert facts["FX01TJ-QT-0002"]["procedure"] == "未填写"
    assert facts["FX01TJ-NB-0002"]["procedure"] == "依职权,共 1 步:\n1. 审批(局长)"


def no_revision_flags(old: Path, new: Path) -> set[str]:
    report = json.loads(run("diff", old, new, "--format", "json").stdout)
    return {f["code"] for f in report["flags"] if f["kind"] == "no_revision"}


def test_a_changed_record_needs_a_new_revision_entry(tmp_path):
    new = copy_catalogue(tmp_path)
    tjj = new / "tjj"
    edit(tjj / "FX01TJ-XK-0001.yaml", ("office: 统计科", "office: 综合科"))  # no new entry
    edit(tjj / "FX01TJ-CF-0001.yaml", ("office: 执法检查科", "office: 综合科"))
    revise(tjj / "FX01TJ-CF-0001.yaml", "承办科室调整")  # a new entry
    edit(tjj / "FX01TJ-NB-0001.yaml", ("office: 财务科", "office: 财务科  # 只加注释"))  # content unchanged
    revise(tjj / "FX01TJ-QT-0001.yaml", "补充修订记录")  # only the revisions changed
    assert no_revision_flags(FIXTURE, new) == {"FX01TJ-XK-0001"}


def test_rewording_an_old_revision_entry_is_not_a_new_one(tmp_path):
    new = copy_catalogue(tmp_path)
    edit(
        new / "tjj" / "FX01TJ-XK-0001.yaml",
        ("promised: 10  # 比法定时限缩短一半", "promised: 8"),
        ("note: 首次公布", "note: 首次公布,承诺时限8个工作日"),
    )
    assert no_revision_flags(FIXTURE, new) == {"FX01TJ-XK-0001"}


def test_a_recoded_power_needs_a_new_revision_entry(tmp_path):
    new = copy_catalogue(tmp_path)
    tjj = new / "tjj"
    (tjj / "FX01TJ-QT-0001.yaml").rename(tjj / "FX01TJ-QZ-0001.yaml")
    edit(tjj / "FX01TJ-QZ-0001.yaml", ("FX01TJ-QT-0001", "FX01TJ-QZ-0001"), ("其他行政权力", "行政强制"))
    assert no_revision_flags(FIXTURE, new) == {"FX01TJ-QZ-0001"}
    revise(tjj / "FX01TJ-QZ-0001.yaml", "调整为行政强制")
    assert no_revision_flags(FIXTURE, new) == set()


def test_no_change_says_so(tmp_path):
    text = run("diff", FIXTURE, copy_catalogue(tmp_path)).stdout
    assert "新增 0 项,删除 0 项,编码变更 0 项,修改 0 项。" in text
    assert "没有需要特别注意的变更" in text


def test_removed_unreadable_and_check_errors(tmp_path):
    new = copy_catalogue(tmp_path)
    (new / "tjj" / "FX01TJ-NB-0001.yaml").unlink()
    (new / "tjj" / "FX01TJ-XK-0001.yaml").write_text("code: FX01TJ-XK-0001\nname: [\n", encoding="utf-8")
    report = json.loads(run("diff", FIXTURE, new, "--format", "json").stdout)
    assert [p["code"] for p in report["removed"]] == ["FX01TJ-NB-0001"]  # not the file that fails to load
    assert report["unreadable"] == ["tjj/FX01TJ-XK-0001.yaml"]
    assert report["check"]["errors"] >= 1
    text = run("diff", FIXTURE, new).stdout
    assert "### 无法读取的文件" in text and "❌" in text and "E002" in text


def test_markdown_cells_are_escaped(tmp_path):
    new = copy_catalogue(tmp_path)
    edit(new / "tjj" / "FX01TJ-XK-0001.yaml", ("office: 统计科", "office: 统计科|<b>加粗</b>\\n"))
    text = run("diff", FIXTURE, new).stdout
    row = next(line for line in text.splitlines() if "`office`" in line)
    assert row.count(" | ") == 2  # three cells, the | in the value escaped
    assert "<b>" not in text and "统计科\\|\\<b\\>加粗\\</b\\>" in text


def test_fee_amounts_use_the_lower_bound_and_units():
    assert amount("每本10元") == 10
    assert amount("10至20元") == 10
    assert amount("每件1.5万元") == 15_000
    assert amount("按成本收取") is None


# --- git revisions --------------------------------------------------------------------------


def git(repo: Path, *args: str) -> str:
    config = ["-c", "user.name=测试", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false"]
    done = subprocess.run(["git", *config, *args], cwd=repo, capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A repository with the fixture committed, then every change committed on top."""
    repo = tmp_path / "editors"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "README.md").write_text("编辑仓库\n", encoding="utf-8")
    git(repo, "add", "README.md")
    git(repo, "commit", "-q", "-m", "开始")
    shutil.copytree(FIXTURE, repo / "powers")
    git(repo, "add", "powers")
    git(repo, "commit", "-q", "-m", "初始清单")
    change_everything(repo / "powers")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "修改")
    monkeypatch.chdir(repo)
    return repo


def test_two_revisions(repo):
    result = run("diff", "HEAD~1", "HEAD", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert {(f["code"], f["kind"]) for f in report["flags"]} == EXPECTED_FLAGS
    assert (report["old"], report["new"]) == ("HEAD~1", "HEAD")
    assert not re.search(r"qlqd-diff-|/tmp/", result.stdout)  # no temporary paths in the report


def test_revision_against_the_working_folder_and_from_a_subfolder(repo, monkeypatch):
    edit(repo / "powers" / "scj" / "FX01SC-JC-0001.yaml", ("name: 对食品生产经营者的监督检查", "name: 食品监督检查"))
    report = json.loads(run("diff", "main", "powers", "--format", "json").stdout)
    assert [c["code"] for c in report["changed"]] == ["FX01SC-JC-0001"]
    monkeypatch.chdir(repo / "powers" / "tjj")
    report = json.loads(run("diff", "HEAD~1", "HEAD", "--powers", "..", "--format", "json").stdout)
    assert {(f["code"], f["kind"]) for f in report["flags"]} == EXPECTED_FLAGS


@pytest.mark.parametrize(
    ("old", "message"),
    [
        ("no-such-branch", "「no-such-branch」既不是目录,也不是 Git 仓库中的修订版本"),
        ("HEAD~2", "修订版本「HEAD~2」中没有 powers/ 目录"),
        ("--upload-pack=touch", "既不是目录"),
    ],
)
def test_bad_revisions_get_a_clear_message(repo, old, message):
    result = run("diff", "--", old, "HEAD")
    assert result.exit_code == 1
    assert message in result.output


def test_outside_a_repository(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("diff", "HEAD~1", FIXTURE)
    assert result.exit_code == 1 and "当前目录也不在 Git 仓库中" in result.output


def test_a_law_amendment_lists_the_powers_it_makes_due(tmp_path):
    new = copy_catalogue(tmp_path)
    laws = "laws:\n  - name: 中华人民共和国统计法\n    effective: 2024-09-13\n"
    (new / "_laws.yaml").write_text(laws, encoding="utf-8")
    citing = sorted(p.stem for p in (new / "tjj").glob("FX*.yaml") if "统计法" in p.read_text(encoding="utf-8"))
    report = json.loads(run("diff", FIXTURE, new, "--format", "json").stdout)
    [law] = report["laws"]
    assert (law["law"], law["before"], law["after"], law["deadline"]) == (
        "中华人民共和国统计法",
        "",
        "2024-09-13",
        "2024-10-17",
    )
    assert [p["code"] for p in law["due"]] == citing and citing
    text = run("diff", FIXTURE, new).stdout
    assert "**中华人民共和国统计法** 修改施行:2024-09-13(新登记);引用它的事项最迟应在 2024-10-17 修订" in text
    again = new.parent / "again"
    shutil.copytree(new, again)
    assert json.loads(run("diff", new, again, "--format", "json").stdout)["laws"] == []  # unchanged: nothing
