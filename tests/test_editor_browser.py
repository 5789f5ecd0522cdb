"""The form editor in Debian's Chromium: a clerk creates a power through the form alone, sees a live error and fixes
it, watches the flowchart and the page change, saves (check --strict passes) and submits (the branch is in the bare
repository used as the remote); comments survive an edit; two browsers on one record: the second is warned and
nothing is lost; a closed tab loses nothing; traversal and oversized requests are refused."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from editor_tools import catalogue_repository, git
from playwright.sync_api import Browser, Page, expect

from generator.commands import main

pytestmark = [pytest.mark.browser, pytest.mark.slow]
RECORD = "tjj/FX01TJ-CF-0002.yaml"
CHANGE = 30_000  # ms a live check and its preview may take on a busy machine (load average above 10)


@pytest.fixture(scope="module")
def powers(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return catalogue_repository(tmp_path_factory.mktemp("editor"))


@pytest.fixture(scope="module")
def base_url(powers: Path) -> Iterator[str]:
    """`python -m generator edit` on the catalogue, on a free port of 127.0.0.1."""
    command = [sys.executable, "-m", "generator", "edit", "--powers", str(powers), "--port", "0"]
    command += ["--cache", str(powers.parent / ".cache")]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    line = server.stdout.readline() if server.stdout else ""
    found = re.search(r"http://127\.0\.0\.1:\d+/", line)
    assert found, line
    yield found[0].rstrip("/")
    server.terminate()
    server.wait(timeout=20)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    yield context.new_page()
    context.close()


def field(page: Page, path: str):
    return page.locator(f"[data-schemapath='{path}'] :is(input[name], select, textarea)").first


def opt_in(page: Page, path: str) -> None:
    """Tick the box that adds an optional field to the record."""
    parts = path.split(".")
    box = page.locator(f"[id='{parts[0]}{''.join(f'[{p}]' for p in parts[1:])}-opt-in']")
    if not box.is_checked():
        box.check()


def add_row(page: Page, path: str) -> None:
    """Press the 添加… button of the list at path (not one of a list inside it)."""
    page.evaluate_handle(
        """path => [...document.querySelectorAll(`[data-schemapath='${path}'] .json-editor-btn-add`)]
                   .find(b => b.closest('[data-schemapath]').dataset.schemapath === path)""",
        path,
    ).as_element().click()


def type_in(page: Page, path: str, value: str) -> None:
    field(page, path).fill(value)


def open_record(page: Page, base_url: str, rel: str) -> None:
    page.goto(f"{base_url}/#{rel}")
    expect(field(page, "root.name")).not_to_have_value("", timeout=CHANGE)


def test_a_clerk_creates_checks_previews_saves_and_submits_a_power(page: Page, base_url: str, powers: Path):
    page.goto(base_url + "/")
    page.locator("#list a").first.wait_for()
    page.click("#new-button")
    page.select_option("#new-dept", "tjj")
    page.select_option("#new-category", "行政许可")
    page.fill("#new-name", "统计调查项目审批")
    page.click("#new-create")
    expect(field(page, "root.code")).to_have_value("FX01TJ-XK-0001")
    type_in(page, "root.office", "统计调查科")
    type_in(page, "root.responsible", "分管副局长")
    add_row(page, "root.basis")
    type_in(page, "root.basis.0.law", "中华人民共和国统计法")
    add_row(page, "root.disclosure.forms")
    type_in(page, "root.disclosure.forms.0", "政府网站")
    type_in(page, "root.effective", "2026-01-01")
    opt_in(page, "root.time_limit")
    for limit in ("statutory", "promised"):
        opt_in(page, f"root.time_limit.{limit}")
    type_in(page, "root.time_limit.statutory", "20")
    type_in(page, "root.time_limit.promised", "30")  # above the statutory limit
    opt_in(page, "root.procedure")
    add_row(page, "root.procedure.steps")
    for name, value in (("id", "accept"), ("name", "受理"), ("post", "统计调查科")):
        type_in(page, f"root.procedure.steps.0.{name}", value)
    opt_in(page, "root.procedure.steps.0.days")
    type_in(page, "root.procedure.steps.0.days", "2")
    error = page.locator("[data-schemapath='root.time_limit.promised'] .qlqd-error[data-code='E207']")
    expect(error).to_contain_text("承诺时限(30)不能超过法定时限(20)", timeout=CHANGE)
    expect(page.locator("#save")).to_be_disabled()
    type_in(page, "root.time_limit.promised", "10")
    expect(error).to_have_count(0, timeout=CHANGE)
    expect(page.locator("#chart svg")).to_contain_text("受理", timeout=CHANGE)
    expect(page.locator("#chart svg")).not_to_contain_text("审查决定")
    add_row(page, "root.procedure.steps")
    for name, value in (("id", "decide"), ("name", "审查决定"), ("post", "分管副局长")):
        type_in(page, f"root.procedure.steps.1.{name}", value)
    opt_in(page, "root.procedure.steps.1.days")
    type_in(page, "root.procedure.steps.1.days", "5")
    opt_in(page, "root.procedure.steps.0.next")
    add_row(page, "root.procedure.steps.0.next")
    type_in(page, "root.procedure.steps.0.next.0.to", "decide")
    expect(page.locator("#chart svg")).to_contain_text("审查决定", timeout=CHANGE)  # the flowchart follows the form
    expect(page.locator("#status")).to_have_text("检查通过,可以保存", timeout=CHANGE)
    page.wait_for_function("document.getElementById('page').src.includes('draft=')", timeout=240_000)
    expect(page.frame_locator("#page").locator("h1")).to_contain_text("统计调查项目审批", timeout=CHANGE)
    page.click("#save")
    expect(page.locator("#message")).to_contain_text("已保存 tjj/FX01TJ-XK-0001.yaml", timeout=CHANGE)
    checked = CliRunner().invoke(main, ["check", "--strict", str(powers)])
    assert checked.exit_code == 0, checked.output
    page.click("#submit")
    expect(page.locator("#message")).to_contain_text("已提交到分支 qlqd/FX01TJ-XK-0001", timeout=30_000)
    remote = powers.parent.parent / "remote.git"
    assert (
        git(remote, "log", "-1", "--format=%s", "qlqd/FX01TJ-XK-0001") == "新增权力事项 FX01TJ-XK-0001 统计调查项目审批"
    )
    assert "审查决定" in git(remote, "show", "qlqd/FX01TJ-XK-0001:powers/tjj/FX01TJ-XK-0001.yaml")


def test_two_browsers_on_one_record_the_second_is_warned_and_comments_stay(
    browser: Browser, base_url: str, powers: Path
):
    path = powers / RECORD
    path.write_text("# 本事项由执法检查科维护,修改前请电话联系\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    first, second = (browser.new_context(viewport={"width": 1600, "height": 1000}).new_page() for _ in range(2))
    for page in (first, second):
        open_record(page, base_url, RECORD)
    type_in(first, "root.office", "法规科")
    expect(first.locator("#status")).to_have_text("检查通过,可以保存", timeout=CHANGE)
    first.click("#save")
    expect(first.locator("#message")).to_contain_text("已保存", timeout=CHANGE)
    saved = path.read_text(encoding="utf-8")
    assert saved.startswith("# 本事项由执法检查科维护,修改前请电话联系\n") and "office: 法规科" in saved
    type_in(second, "root.responsible", "局长")
    expect(second.locator("#status")).to_have_text("检查通过,可以保存", timeout=CHANGE)
    second.click("#save")
    expect(second.locator("#conflict")).to_be_visible(timeout=CHANGE)
    expect(second.locator("#conflict-disk")).to_contain_text("office: 法规科")
    expect(second.locator("#conflict-mine")).to_contain_text("responsible: 局长")
    expect(field(second, "root.responsible")).to_have_value("局长")  # the second clerk's typing is still there
    assert path.read_text(encoding="utf-8") == saved  # nothing overwritten
    for page in (first, second):
        page.context.close()


def test_a_closed_tab_loses_nothing(browser: Browser, base_url: str):
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    open_record(page, base_url, "tjj/FX01TJ-JC-0001.yaml")
    type_in(page, "root.responsible", "新的负责人")
    page.wait_for_function("localStorage.getItem('qlqd-draft:tjj/FX01TJ-JC-0001.yaml')?.includes('新的负责人')")
    page.close()
    again = context.new_page()
    open_record(again, base_url, "tjj/FX01TJ-JC-0001.yaml")
    expect(again.locator("#restored")).to_be_visible()
    expect(field(again, "root.responsible")).to_have_value("新的负责人")
    context.close()


def test_traversal_and_oversized_requests_are_refused(page: Page, base_url: str, powers: Path):
    page.goto(base_url + "/")
    token = page.locator("meta[name='qlqd-token']").get_attribute("content")
    headers = {"X-QLQD-Token": token or "", "Content-Type": "application/json"}
    for path in ("../../etc/passwd", "tjj/../../x.yaml", "/etc/passwd"):
        answer = page.request.get(f"{base_url}/api/open?path={path}")
        assert answer.status == 400 and "路径" in answer.json()["error"]
        answer = page.request.post(f"{base_url}/api/save", headers=headers, data={"path": path, "form": {}})
        assert answer.status == 400
    answer = page.request.post(f"{base_url}/api/save", headers=headers, data="x" * 2_000_000)
    assert answer.status == 413
    assert not (powers.parent.parent / "x.yaml").exists()
    assert page.request.get(f"{base_url}/api/list").status == 200
