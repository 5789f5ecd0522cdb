"""The preview server (`serve`), through the real server on 127.0.0.1 with an ephemeral port: edits, errors, new and
removed records reach the served site and the pages' reload address; the served site is the built site; a
browser reloads by itself; Ctrl-C stops it cleanly. The incremental re-read finds what a whole check finds."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from site_catalogues import FIXTURE
from sitetools import CHROMIUM, CHROMIUM_ARGS, tree_digest

from generator.core.validate import check_catalogue
from generator.preview.live import LiveCatalogue
from generator.preview.overlay import inject, panel
from generator.preview.session import Notice, Preview
from generator.preview.updates import Updates, page_address
from generator.publish import publish

EDITED = "scjg/FX01SJ-XK-0001.yaml"
PAGE = "powers/FX01SJ-XK-0001/"
DEPARTMENT = "departments/scjg/"
EPOCH = "1767225600"


def wait_for(check: Callable[[], object], timeout: float = 60.0) -> object:
    """Poll check until it returns something true; fail after timeout seconds."""
    deadline = time.monotonic() + timeout
    while not (found := check()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)
    return found


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=60) as answer:
            return answer.status, answer.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


class Running:
    """A preview of a copy of the fixture catalogue, started and served."""

    def __init__(self, preview: Preview, powers: Path, notices: list[Notice]) -> None:
        self.preview, self.powers, self.notices = preview, powers, notices
        self.url = preview.url

    def get(self, path: str) -> tuple[int, str]:
        return fetch(self.url + path)

    def state(self) -> dict:
        return json.loads(self.get("__qlqd/state")[1])

    def next_update(self, since: int) -> dict:
        """The reload address's answer to a page served at update since (a long poll)."""
        return json.loads(self.get(f"__qlqd/reload?since={since}")[1])

    def settled(self) -> dict:
        """The state once the whole build of the latest save is served."""
        return wait_for(lambda: (s := self.state())["site"] and not self.preview.busy() and s)


@pytest.fixture
def running(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Running]:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    powers = tmp_path / "powers"
    shutil.copytree(FIXTURE, powers)
    notices: list[Notice] = []
    preview = Preview(powers, tmp_path / "cache", 0, notices.append)
    preview.start()
    try:
        run = Running(preview, powers, notices)
        run.settled()
        yield run
    finally:
        preview.close()
    assert not (tmp_path / "cache" / "preview" / preview.work.name).exists()


def test_an_edited_record_is_served_and_its_open_pages_told_to_reload(running: Running):
    since = running.state()["version"]
    assert "新食品" not in running.get(PAGE)[1]
    edit(running.powers / EDITED, "name: 食品", "name: 新食品")
    update = running.next_update(since)
    assert "/" + PAGE in update["pages"] and update["version"] > since
    assert "<h1>新食品经营许可" in running.get(PAGE)[1]
    wait_for(lambda: "新食品经营许可" in running.get(DEPARTMENT)[1])  # the whole build follows
    later = running.next_update(update["version"])
    assert "/" + DEPARTMENT in later["pages"] and "/" + PAGE not in later["pages"]  # it was already new


def test_the_served_site_is_the_site_build_makes(running: Running, tmp_path: Path):
    edit(running.powers / EDITED, "name: 食品", "name: 新食品")
    wait_for(lambda: "新食品经营许可" in running.get(DEPARTMENT)[1])
    running.settled()
    publish(running.powers, tmp_path / "built", tmp_path / "build-cache", pdf=False)
    served = running.preview.served.site
    assert served is not None
    without_search = {
        path: digest for path, digest in tree_digest(tmp_path / "built").items() if "pagefind" not in path
    }
    assert tree_digest(served) == without_search


def test_an_error_is_shown_on_the_page_the_last_good_page_stays_and_a_fix_clears_it(running: Running):
    since = running.state()["version"]
    edit(running.powers / EDITED, "name: 食品", "name: 坏食品")
    edit(running.powers / EDITED, "code: FX01SJ-XK-0001", "code: 坏")
    update = running.next_update(since)
    assert update["pages"] is None  # every page shows the problems
    status, page = running.get(PAGE)
    assert status == 200 and "<h1>食品经营许可" in page and "坏食品" not in page
    assert 'id="qlqd-problems"' in page and "权力清单有 1 个错误" in page
    assert f"<code>{running.powers.as_posix()}/{EDITED}:1</code> E105" in page
    assert any("E105" in str(p) for n in running.notices for p in n.problems)  # and in the terminal
    edit(running.powers / EDITED, "code: 坏", "code: FX01SJ-XK-0001")
    fixed = running.next_update(update["version"])
    assert fixed["pages"] is None
    page = running.get(PAGE)[1]
    assert 'id="qlqd-problems"' not in page and "<h1>坏食品经营许可" in page


def test_a_new_record_appears_and_a_removed_one_disappears(running: Running):
    source = (running.powers / EDITED).read_text(encoding="utf-8")
    new = source.replace("code: FX01SJ-XK-0001", "code: FX01SJ-XK-0002").replace("name: 食品", "name: 新增食品", 1)
    (running.powers / "scjg" / "FX01SJ-XK-0002.yaml").write_text(new, encoding="utf-8")
    wait_for(lambda: "新增食品经营许可" in running.get("powers/FX01SJ-XK-0002/")[1])
    wait_for(lambda: "FX01SJ-XK-0002" in running.get(DEPARTMENT)[1])
    since = running.settled()["version"]
    (running.powers / "scjg" / "FX01SJ-XK-0002.yaml").unlink()
    assert "/powers/FX01SJ-XK-0002/" in running.next_update(since)["pages"]
    assert running.get("powers/FX01SJ-XK-0002/")[0] == 404
    wait_for(lambda: "FX01SJ-XK-0002" not in running.get(DEPARTMENT)[1])


def test_a_save_that_changes_no_page_builds_nothing(running: Running):
    since = running.state()["version"]
    with (running.powers / EDITED).open("a", encoding="utf-8") as record:
        record.write("# 只加了一行注释\n")
    wait_for(lambda: any(n.text == "这次保存不改变网站。" for n in running.notices))
    wait_for(lambda: not running.preview.busy())
    assert running.state()["version"] == since


def test_pages_are_served_with_the_reload_script_but_built_files_stay_as_built(running: Running):
    page = running.get(PAGE)[1]
    assert page.count('<script id="qlqd-live">') == 1 and page.index("qlqd-live") < page.rindex("</body>")
    built = (running.preview.served.site / PAGE / "index.html").read_text(encoding="utf-8")
    assert "qlqd-live" not in built
    assert running.preview.server.server_address[0] == "127.0.0.1"
    assert running.get("powers/NO-SUCH/")[0] == 404
    assert running.get("assets/")[0] == 404  # no folder listings


@pytest.mark.browser
def test_an_open_page_reloads_by_itself_after_a_save(running: Running):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(running.url + PAGE)
        page.evaluate("window.qlqdBeforeSave = true")  # gone once the page has reloaded
        edit(running.powers / EDITED, "name: 食品", "name: 新食品")
        page.wait_for_function(
            "() => !window.qlqdBeforeSave && document.querySelector('h1')?.textContent.includes('新食品经营许可')",
            timeout=30_000,
        )
        browser.close()


# Python given an ignored SIGINT keeps it ignored: so it is when the tests run in the background of a script (`make
# test &`), and Ctrl-C could not stop the server. A terminal's foreground process has Ctrl-C at its default.
AS_IN_A_TERMINAL = [
    sys.executable,
    "-c",
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
    "os.execv(sys.executable, [sys.executable, *sys.argv[1:]])",
]


def test_ctrl_c_stops_the_server_cleanly(tmp_path: Path):
    powers = tmp_path / "powers"
    shutil.copytree(FIXTURE, powers)
    command = [*AS_IN_A_TERMINAL, "-m", "generator", "serve", "--powers", str(powers), "--port", "0"]
    command += ["--cache", str(tmp_path / "cache")]
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONUNBUFFERED": "1"}
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(server.stdout), daemon=True)
    reader.start()
    try:
        wait_for(lambda: any(line.startswith("网站已生成") for line in lines))
        url = next(line for line in lines if line.startswith("预览地址")).split("：", 1)[1].split("（")[0]
        assert fetch(url + PAGE)[0] == 200
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
    reader.join(timeout=5)
    errors = server.stderr.read()
    assert server.returncode == 0 and "Traceback" not in errors, errors
    assert lines[-1].strip() == "预览已停止。"
    assert list((tmp_path / "cache" / "preview").iterdir()) == []


def test_a_port_in_use_is_refused_with_a_message(tmp_path: Path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        command = [sys.executable, "-m", "generator", "serve", "--powers", str(FIXTURE), "--port", str(port)]
        done = subprocess.run([*command, "--cache", str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "请用 --port 换一个端口" in done.stderr and "Traceback" not in done.stderr


def test_the_folder_a_killed_server_left_is_removed_by_the_next_one(tmp_path: Path):
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    left = tmp_path / "cache" / "preview" / f"{gone.stdout.strip()}-left"
    (left / "site-1" / "powers").mkdir(parents=True)
    preview = Preview(FIXTURE, tmp_path / "cache", 0, lambda _: None)
    try:
        wait_for(lambda: not left.exists())
        assert preview.work.is_dir()
    finally:
        preview.close()
    assert list((tmp_path / "cache" / "preview").iterdir()) == []


# --- without the server ---------------------------------------------------------------------------------------


def test_the_incremental_re_read_finds_what_a_whole_check_finds(tmp_path: Path):
    powers = tmp_path / "powers"
    shutil.copytree(FIXTURE, powers)
    live = LiveCatalogue(powers)
    live.reload()
    record = powers / EDITED
    steps = [
        lambda: edit(record, "code: FX01SJ-XK-0001", "code: 坏"),  # an error in a record
        lambda: edit(record, "code: 坏", "code: FX01TJ-XK-0001"),  # a code another record has
        lambda: shutil.copy(record, powers / "scjg" / "FX01SJ-XK-0009.yaml"),  # a new file
        lambda: record.unlink(),  # a removed one
        lambda: (powers / "scjg" / "extra.yml").write_text("x: 1\n"),  # a .yml file: the whole catalogue again
        lambda: edit(powers / "scjg" / "_department.yaml", "code: SJ", "code: 坏"),
    ]
    for step in steps:
        step()
        assert live.refresh()
        _, whole = check_catalogue(powers, shown_as=powers)
        assert live.check().sorted() == whole.sorted() and live.records == whole.records
    assert not live.refresh()  # nothing changed since


def test_the_reload_log_names_the_pages_changed_since_a_version():
    updates = Updates()
    first = updates.publish(["/a/"])
    updates.publish(["/b/"])
    assert updates.wait(0, 0) == (2, ["/a/", "/b/"])
    assert updates.wait(first, 0) == (2, ["/b/"])
    assert updates.wait(2, 0.01) == (2, [])  # nothing new: answered after the timeout
    updates.publish(None)
    assert updates.wait(first, 0) == (3, None)
    assert (
        page_address("index.html") == "/"
        and page_address("departments/统计/index.html") == "/departments/%E7%BB%9F%E8%AE%A1/"
    )


def test_the_problems_panel_is_escaped_and_put_before_the_end_of_the_body():
    from generator.core.problems import Problem

    found = Problem("tjj/<x>.yaml", 3, 1, "E101", "缺少「<b>」")
    shown = panel((found,), "")
    assert "<code>tjj/&lt;x&gt;.yaml:3</code> E101 缺少「&lt;b&gt;」" in shown and "<b>" not in shown
    assert panel((), "") == ""
    assert inject("<html><body>x</body></html>", "!") == "<html><body>x!</body></html>"
