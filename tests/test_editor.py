"""The form editor (`edit`) without a browser: the form's schema from the model, saving that keeps the file (every
sample record saved unchanged is byte-identical; one change changes one line; comments stay), new powers as `new`
+ `fmt` write them, live checks with check's rules across records, conflicts, paths and request limits, the login
and the token against cross-site requests, and 提交审核 to a bare repository and a fake forge on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner
from editor_tools import SAMPLE, Client, catalogue_repository, git, running_editor

from generator.commands import main
from generator.core import rules
from generator.core.loader import load
from generator.core.model import PowerRecord
from generator.core.yamlsafe import parse_text
from generator.editing.fmt import format_text
from generator.editing.forge import Forge, ForgeRefused, forge_settings, open_request
from generator.editing.form_schema import form_schema
from generator.editing.new import render_power
from generator.editing.record_form import data_to_form, form_to_data
from generator.editing.record_save import edited_text
from generator.editing.record_store import record_rules
from generator.editing.submit import SubmitSettings
from generator.editor.auth import Gate, hash_password, read_users
from generator.editor.server import MAX_BODY

RECORD = "tjj/FX01TJ-CF-0002.yaml"


@pytest.fixture
def powers(tmp_path: Path) -> Path:
    return catalogue_repository(tmp_path)


@pytest.fixture
def editor(powers: Path, tmp_path: Path):
    with running_editor(powers, tmp_path / "cache") as (server, client):
        yield server, client


def opened(client: Client, rel: str = RECORD) -> dict:
    status, answer = client.get(f"/api/open?path={rel}")
    assert status == 200, answer
    return answer


# --- the form's schema -------------------------------------------------------------------------------------------


def test_the_form_is_built_from_the_model_with_its_titles_choices_and_groups():
    schema = form_schema(["行政许可", "行政处罚"])
    assert "$ref" not in json.dumps(schema) and "$defs" not in schema
    props = schema["properties"]
    for name, info in PowerRecord.model_fields.items():
        assert props[name]["title"] == info.title  # every label is the model's Chinese title
    assert props["category"]["enum"] == ["行政许可", "行政处罚"]
    assert props["time_limit"]["properties"]["unit"]["enum"] == ["工作日", "自然日"]
    assert props["disclosure"]["properties"]["scope"]["enum"] == ["全社会", "部门内部", "特定对象"]
    assert props["procedure"]["properties"]["trigger"]["enum"] == ["依申请", "依职权"]
    step = props["procedure"]["properties"]["steps"]["items"]
    assert step["properties"]["next"]["items"]["properties"]["to"]["title"] == "下一步"
    for group in ("basis", "materials", "fees"):
        assert props[group]["type"] == "array" and props[group]["items"]["type"] == "object"
    assert props["discretion"]["items"]["properties"]["tiers"]["items"]["properties"]["level"]["title"] == "裁量档次"
    assert props["code"]["readOnly"] is True


def test_the_editor_serves_the_form_library_from_the_package_and_nothing_from_elsewhere(editor):
    _server, client = editor
    status, schema = client.get("/api/schema")
    assert status == 200 and schema["properties"]["category"]["enum"][0] == "行政许可"
    page = (Path(__file__).parents[1] / "generator/editor/static/index.html").read_text(encoding="utf-8")
    assert "http" not in page.replace("http-equiv", "")  # every script and style from this server
    assert (Path(__file__).parents[1] / "generator/editor/static/vendor/jsoneditor.js").stat().st_size > 100_000


# --- saving that respects the file --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(p.relative_to(SAMPLE).as_posix() for p in SAMPLE.glob("*/[A-Z]*.yaml")))
def test_a_record_saved_unchanged_from_the_form_is_byte_identical(path: str):
    text = (SAMPLE / path).read_text(encoding="utf-8")
    form = json.loads(json.dumps(data_to_form(parse_text(text, path).data)))  # through JSON, as the browser sends it
    assert edited_text(text, form_to_data(form), path) == text


def test_one_change_changes_one_line_and_comments_stay():
    text = (SAMPLE / RECORD).read_text(encoding="utf-8")
    text = text.replace("time_limit:\n", "# 时限经局务会议确定\ntime_limit:  # 见2024年通知\n", 1)
    text = text.replace("  promised: 45\n", "  promised: 45  # 承诺\n", 1)
    form = data_to_form(parse_text(text, RECORD).data)
    form["time_limit"]["promised"] = 40
    saved = edited_text(text, form_to_data(form), RECORD)
    changed = [line for line in difflib.ndiff(text.splitlines(), saved.splitlines()) if line[:1] in "+-"]
    assert changed == ["-   promised: 45  # 承诺", "+   promised: 40  # 承诺"]
    assert "# 时限经局务会议确定\ntime_limit:  # 见2024年通知\n" in saved


def test_saving_through_the_server_keeps_comments_and_refuses_a_record_with_errors(editor, powers: Path):
    _, client = editor
    path = powers / RECORD
    path.write_text("# 本事项由执法检查科维护\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    record = opened(client)
    record["form"]["time_limit"]["statutory"] = 30  # below the promised 45: E207
    status, answer = client.post("/api/save", {"path": RECORD, "version": record["version"], "form": record["form"]})
    assert status == 200 and answer["status"] == "invalid"
    assert [p["code"] for p in answer["problems"] if p["code"].startswith("E")] == ["E207"]
    assert "statutory: 90" in path.read_text(encoding="utf-8")  # nothing written
    record["form"]["time_limit"]["statutory"] = 60
    status, answer = client.post("/api/save", {"path": RECORD, "version": record["version"], "form": record["form"]})
    assert answer["status"] == "saved", answer
    saved = path.read_text(encoding="utf-8")
    assert saved.startswith("# 本事项由执法检查科维护\n") and "statutory: 60" in saved
    assert CliRunner().invoke(main, ["fmt", "--check", str(path)]).exit_code == 0


def test_a_new_power_is_what_new_and_fmt_write(editor, powers: Path, tmp_path: Path):
    _, client = editor
    status, blank = client.post("/api/new", {"dept": "tjj", "category": "许可", "name": "统计调查项目审批"})
    assert status == 200 and blank["form"]["category"] == "行政许可"
    form = blank["form"] | {
        "office": "统计调查科",
        "responsible": "分管副局长",
        "basis": [{"law": "中华人民共和国统计法", "articles": "第十七条"}],
        "disclosure": {"scope": "全社会", "forms": ["政府网站"], "timing": "长期"},
        "time_limit": {"unit": "工作日", "statutory": 20, "promised": 10},
        "procedure": {
            "trigger": "依申请",
            "steps": [
                {"id": "accept", "name": "受理", "post": "统计调查科", "days": 2, "next": [{"to": "decide"}]},
                {"id": "decide", "name": "决定", "post": "分管副局长", "days": 5, "next": []},
            ],
        },
        "status": "有效",
        "effective": "2026-01-01",
        "revisions": [{"date": "2026-01-01", "note": "首次公布"}],
    }
    status, answer = client.post("/api/save", {"path": "tjj/", "version": None, "form": form})
    assert answer["status"] == "saved", answer
    # the same code as `new` gives in an untouched copy of the catalogue
    copy = tmp_path / "copy"
    git(tmp_path, "clone", "-q", str(powers.parent), str(copy))
    done = CliRunner().invoke(
        main, ["new", "tjj", "--category", "行政许可", "--name", "x", "--powers", str(copy / "powers")]
    )
    assert done.exit_code == 0 and answer["path"] in done.output
    written = (powers / answer["path"]).read_text(encoding="utf-8")
    code = answer["path"][4:-5]
    assert written == format_text(render_power(form_to_data(form) | {"code": code}), PowerRecord, "x")
    assert written == format_text(written, PowerRecord, "x")  # fmt leaves it as it is
    assert code in (powers / "_codes.yaml").read_text(encoding="utf-8")  # recorded as `new` records it
    checked = CliRunner().invoke(main, ["check", "--strict", str(powers)])
    assert checked.exit_code == 0, checked.output


def test_a_file_changed_since_it_was_opened_is_not_overwritten(editor, powers: Path):
    _, client = editor
    first = opened(client)
    path = powers / RECORD
    theirs = path.read_text(encoding="utf-8").replace("promised: 45", "promised: 44")
    path.write_text(theirs, encoding="utf-8")
    first["form"]["name"] = first["form"]["name"] + "(修订)"
    _status, answer = client.post("/api/save", {"path": RECORD, "version": first["version"], "form": first["form"]})
    assert answer["status"] == "conflict"
    assert answer["on_disk"] == theirs and "(修订)" in answer["text"]  # both versions shown
    assert path.read_text(encoding="utf-8") == theirs


# --- live checks --------------------------------------------------------------------------------------------------


def test_live_checks_use_the_rules_across_fields_and_records(editor):
    _, client = editor
    form = opened(client)["form"]
    form["time_limit"]["promised"] = 100  # above the statutory 90
    form["fees"] = [{"item": "工本费", "standard": "每本10元"}]  # a fee without its basis
    form["code"] = "FX01TJ-CF-0001"  # another record's code
    status, answer = client.post("/api/check", {"path": RECORD, "form": form})
    assert status == 200
    found = {p["code"]: p for p in answer["problems"]}
    assert found["E101"]["form_path"] == "root.fees.0.basis" and "收费依据" in found["E101"]["message"]
    form.pop("fees")
    _, answer = client.post("/api/check", {"path": RECORD, "form": form})
    found = {p["code"]: p for p in answer["problems"]}
    assert found["E207"]["form_path"] == "root.time_limit.promised"
    assert "另见" in found["E202"]["message"] and found["E201"]["code"] == "E201"
    form["code"], form["time_limit"]["promised"] = "FX01TJ-CF-0002", 20  # steps add up to more than 20 days
    _status, answer = client.post("/api/check", {"path": RECORD, "form": form})
    assert [p["code"] for p in answer["problems"] if p["code"].startswith("E")] == ["E208"]
    assert answer["preview"]["chart"].startswith("<svg")


def test_the_rules_of_one_record_are_what_check_finds_in_it(tmp_path: Path):
    """record_rules runs only the rules that can name the record: on every record of catalogues with problems
    across records, it finds exactly what the whole check finds there."""
    powers = catalogue_repository(tmp_path, remote=False)
    (powers / "tjj/FX01TJ-CF-0001.yaml").write_text(  # a second record with the code of another: E202 on both
        (powers / RECORD).read_text(encoding="utf-8"), encoding="utf-8"
    )
    ledger = powers / "_codes.yaml"
    ledger.write_text(ledger.read_text(encoding="utf-8").replace("  - FX01TJ-QT-0001\n", ""), encoding="utf-8")
    catalogue, _ = load(powers)
    assert catalogue is not None
    today = dt.date(2026, 11, 30)
    everything = rules.check(catalogue, today)
    assert {"E202", "W205"} <= {p.code for p in everything}
    for _, power in catalogue.powers():
        assert sorted(record_rules(catalogue, power, today)) == sorted(p for p in everything if p.path == power.path)


def test_every_value_from_the_browser_is_text_read_by_the_safe_reader(editor, powers: Path):
    _, client = editor
    record = opened(client)
    hostile = "!!python/object/apply:os.system ['touch /tmp/qlqd-pwned'] *alias &anchor {a: 1} # note"
    record["form"]["office"] = hostile
    _status, answer = client.post("/api/save", {"path": RECORD, "version": record["version"], "form": record["form"]})
    assert answer["status"] == "saved", answer
    assert parse_text((powers / RECORD).read_text(encoding="utf-8"), RECORD).data["office"] == hostile
    assert not Path("/tmp/qlqd-pwned").exists()


# --- safe by default ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "../work/x.yaml",
        "/etc/passwd",
        "tjj/../../x.yaml",
        "tjj/_department.yaml",
        "tjj/.hidden.yaml",
        "x.yaml",
        "tjj/sub/x.yaml",
        "nope/FX01.yaml",
        "tjj\\..\\x.yaml",
        "link/FX01TJ-CF-0002.yaml",
        "tjj/link.yaml",
    ],
)
def test_paths_out_of_the_catalogue_are_refused(editor, powers: Path, tmp_path: Path, path: str):
    _, client = editor
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "_department.yaml").write_text("name: 外部\ncode: WB\n", encoding="utf-8")
    (outside / "FX01TJ-CF-0002.yaml").write_text((powers / RECORD).read_text(encoding="utf-8"), encoding="utf-8")
    (powers / "link").symlink_to(outside)
    (powers / "tjj" / "link.yaml").symlink_to(outside / "FX01TJ-CF-0002.yaml")
    before = sorted(p.name for p in outside.iterdir())
    status, answer = client.get(f"/api/open?path={path}")
    assert status == 400, answer
    form = data_to_form(parse_text((powers / RECORD).read_text(encoding="utf-8"), RECORD).data)
    status, answer = client.post("/api/save", {"path": path, "version": "", "form": form})
    assert status == 400 and "error" in answer
    assert sorted(p.name for p in outside.iterdir()) == before


def test_oversized_requests_and_requests_from_other_sites_are_refused(editor, powers: Path):
    _, client = editor
    before = (powers / RECORD).read_bytes()
    status, answer = client.request("/api/save", raw=b"{" + b" " * MAX_BODY + b"}")
    assert status == 413 and "过大" in answer["error"]
    body = {"path": RECORD, "version": opened(client)["version"], "form": opened(client)["form"]}
    assert client.request("/api/save", body, **{"X-QLQD-Token": "wrong"})[0] == 403
    assert client.request("/api/save", body, Origin="http://evil.example")[0] == 403
    deep: dict = {}
    for _ in range(200):
        deep = {"a": deep}
    assert client.post("/api/check", {"path": RECORD, "form": {"name": deep}})[0] == 400
    assert client.request("/api/check", raw=b"[" * 100_000)[0] == 400
    assert client.request("/api/list", Host="evil.example")[0] == 421  # a name rebound to 127.0.0.1
    assert client.request("/api/save", body, Host="evil.example:80")[0] == 421
    assert (powers / RECORD).read_bytes() == before


def test_elsewhere_than_loopback_the_editor_needs_a_users_file(powers: Path):
    done = CliRunner().invoke(main, ["edit", "--powers", str(powers), "--host", "0.0.0.0"])
    assert done.exit_code == 2 and "--users" in done.output


def test_with_users_every_request_needs_a_login_and_the_sessions_token(powers: Path, tmp_path: Path):
    users = tmp_path / "users.txt"
    users.write_text(f"# 编辑器用户\n张三:{hash_password('正确的密码')}\n", encoding="utf-8")
    gate = Gate(read_users(users))
    with running_editor(powers, tmp_path / "cache", gate=gate) as (_, client):
        assert client.get("/api/list")[0] == 401
        for public in ("/login", "/static/editor.css"):  # the login page and its style need no session
            with urllib.request.urlopen(client.base + public, timeout=30) as answer:
                assert answer.status == 200
        assert client.post("/api/check", {"path": RECORD, "form": {}})[0] == 401
        assert gate.login("张三", "错误的密码") is None and gate.login("李四", "正确的密码") is None
        client.cookie = "qlqd_session=" + (gate.login("张三", "正确的密码") or "")
        assert client.get("/api/list")[0] == 200
        assert client.post("/api/check", {"path": RECORD, "form": {}})[0] == 403  # no token
        client.token = client.page_token()
        assert client.post("/api/check", {"path": RECORD, "form": opened(client)["form"]})[0] == 200
    assert "正确的密码" not in users.read_text(encoding="utf-8")


# --- submit for review --------------------------------------------------------------------------------------------


class FakeForge(BaseHTTPRequestHandler):
    """A forge's API on 127.0.0.1 that records each request and answers as Gitea does."""

    seen: ClassVar[list[tuple[str, dict[str, str], dict]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeForge.seen.append((self.path, dict(self.headers), body))
        answer = json.dumps({"html_url": "http://127.0.0.1/qlqd/powers/pulls/7"}).encode()
        self.send_response(201)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: object) -> None:
        pass


def save_change(client: Client) -> None:
    record = opened(client)
    record["form"]["time_limit"]["promised"] = 40
    assert (
        client.post("/api/save", {"path": RECORD, "version": record["version"], "form": record["form"]})[1]["status"]
        == "saved"
    )


def test_submit_commits_on_a_branch_pushes_it_and_opens_a_pull_request(powers: Path, tmp_path: Path):
    forge_server = HTTPServer(("127.0.0.1", 0), FakeForge)
    threading.Thread(target=forge_server.serve_forever, daemon=True).start()
    forge = Forge("gitea", f"http://127.0.0.1:{forge_server.server_port}/api/v1", "qlqd/powers", "t0ken")
    FakeForge.seen = []
    try:
        with running_editor(powers, tmp_path / "cache", settings=SubmitSettings(None, forge)) as (_, client):
            save_change(client)
            status, done = client.post("/api/submit", {"path": RECORD})
    finally:
        forge_server.shutdown()
    assert status == 200, done
    work, remote = powers.parent, tmp_path / "remote.git"
    assert done["branch"] == "qlqd/FX01TJ-CF-0002" and done["request_url"].endswith("/pulls/7")
    assert git(remote, "log", "-1", "--format=%s", "qlqd/FX01TJ-CF-0002").startswith("修改权力事项 FX01TJ-CF-0002")
    assert git(remote, "show", "qlqd/FX01TJ-CF-0002:powers/" + RECORD).count("promised: 40") == 1
    assert git(work, "rev-parse", "--abbrev-ref", "HEAD") == "main"  # the clerk's own branch is untouched
    path, headers, body = FakeForge.seen[0]
    assert path == "/api/v1/repos/qlqd/powers/pulls" and headers["Authorization"] == "token t0ken"
    assert body["head"] == "qlqd/FX01TJ-CF-0002" and body["base"] == "main"
    assert "承诺时限" in body["body"] and "45" in body["body"] and "40" in body["body"]  # the diff report


def test_without_a_remote_the_branch_stays_local_and_the_answer_says_how_to_push(tmp_path: Path):
    powers = catalogue_repository(tmp_path, remote=False)
    with running_editor(powers, tmp_path / "cache") as (_, client):
        save_change(client)
        status, done = client.post("/api/submit", {"path": RECORD})
        assert status == 200 and done["remote"] == "" and "git push" in done["message"]
        assert client.post("/api/submit", {"path": RECORD})[0] == 400  # nothing new to submit
    assert git(powers.parent, "log", "-1", "--format=%s", "qlqd/FX01TJ-CF-0002").startswith("修改权力事项")


@pytest.mark.parametrize(
    ("kind", "address", "header", "shown"),
    [
        ("gitea", "/api/repos/qlqd/powers/pulls", "Authorization", "token t0ken"),
        ("github", "/api/repos/qlqd/powers/pulls", "Authorization", "Bearer t0ken"),
        ("gitlab", "/api/projects/qlqd%2Fpowers/merge_requests", "Private-Token", "t0ken"),
    ],
)
def test_each_forge_is_asked_in_its_own_api(kind: str, address: str, header: str, shown: str):
    forge_server = HTTPServer(("127.0.0.1", 0), FakeForge)
    threading.Thread(target=forge_server.serve_forever, daemon=True).start()
    FakeForge.seen = []
    try:
        forge = Forge(kind, f"http://127.0.0.1:{forge_server.server_port}/api", "qlqd/powers", "t0ken", "master")
        assert open_request(forge, "qlqd/FX01TJ-CF-0002", "修改权力事项", "报告").endswith("/pulls/7")
    finally:
        forge_server.shutdown()
    path, headers, body = FakeForge.seen[0]
    assert path == address and headers[header] == shown
    branch, base = ("source_branch", "target_branch") if kind == "gitlab" else ("head", "base")
    assert (
        body[branch] == "qlqd/FX01TJ-CF-0002"
        and body[base] == "master"
        and "报告" in json.dumps(body, ensure_ascii=False)
    )


def test_a_forge_that_refuses_is_reported_in_chinese():
    forge = Forge("gitea", "http://127.0.0.1:9/api", "a/b", "t")  # nothing listens on port 9
    with pytest.raises(ForgeRefused, match="无法连接代码托管平台"):
        open_request(forge, "b", "t", "x")


def test_the_users_file_line_is_made_by_hash_password(tmp_path: Path):
    done = CliRunner().invoke(main, ["edit", "--hash-password"], input="张三\n口令123\n口令123\n")
    assert done.exit_code == 0
    users = tmp_path / "users.txt"
    users.write_text(done.stdout.splitlines()[-1] + "\n", encoding="utf-8")
    gate = Gate(read_users(users))
    assert gate.login("张三", "口令123") and not gate.login("张三", "口令124")


def test_forge_settings_come_from_the_environment_or_a_file_outside_the_repository(tmp_path: Path):
    env = {
        "QLQD_FORGE_KIND": "gitlab",
        "QLQD_FORGE_URL": "https://git.example/api/v4/",
        "QLQD_FORGE_REPO": "a/b",
        "QLQD_FORGE_TOKEN": "x",
    }
    assert forge_settings(env, None, tmp_path) == Forge("gitlab", "https://git.example/api/v4", "a/b", "x")
    assert forge_settings({}, None, tmp_path) is None
    inside = tmp_path / "forge.toml"
    inside.write_text('kind = "github"\n', encoding="utf-8")
    with pytest.raises(ForgeRefused, match="仓库之内"):
        forge_settings({}, inside, tmp_path)
    with pytest.raises(ForgeRefused, match="QLQD_FORGE_TOKEN"):
        forge_settings({k: v for k, v in env.items() if k != "QLQD_FORGE_TOKEN"}, None, tmp_path)
