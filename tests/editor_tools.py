"""What the editor's tests share: a copy of the sample catalogue in a git repository of its own (with a bare
repository as its remote), the editor's server on 127.0.0.1 with an ephemeral port, and a client that speaks to it
as the page does (with the page's token)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from generator.editing.submit import SubmitSettings
from generator.editor.app import Editor
from generator.editor.auth import Gate
from generator.editor.pages import PagePreview
from generator.editor.server import EditorServer

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "powers"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "测试",
    "GIT_AUTHOR_EMAIL": "t@example.invalid",
    "GIT_COMMITTER_NAME": "测试",
    "GIT_COMMITTER_EMAIL": "t@example.invalid",
}


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def catalogue_repository(tmp: Path, remote: bool = True) -> Path:
    """A git repository holding a copy of the sample catalogue in powers/, committed on main; origin is a bare
    repository beside it (tmp/remote.git) when remote."""
    work = tmp / "work"
    shutil.copytree(SAMPLE, work / "powers")
    git(work, "init", "-q", "-b", "main")
    git(work, "config", "user.name", "测试")
    git(work, "config", "user.email", "t@example.invalid")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "清单")
    if remote:
        git(tmp, "init", "-q", "--bare", "remote.git")
        git(work, "remote", "add", "origin", str(tmp / "remote.git"))
        git(work, "push", "-q", "origin", "main")
    return work / "powers"


@dataclass
class Client:
    """Speaks to the editor as its page does."""

    base: str
    token: str = ""
    cookie: str = ""
    headers: dict[str, str] = field(default_factory=dict)

    def request(self, path: str, body: object = None, raw: bytes | None = None, **headers: str) -> tuple[int, dict]:
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode("utf-8"))
        sent = {"X-QLQD-Token": self.token, "Content-Type": "application/json", **self.headers, **headers}
        if self.cookie:
            sent["Cookie"] = self.cookie
        request = urllib.request.Request(self.base + path, data=data, headers=sent, method="POST" if data else "GET")
        try:
            with urllib.request.urlopen(request, timeout=120) as answer:
                return answer.status, json.loads(answer.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def get(self, path: str) -> tuple[int, dict]:
        return self.request(path)

    def post(self, path: str, body: object) -> tuple[int, dict]:
        return self.request(path, body)

    def page_token(self) -> str:
        request = urllib.request.Request(self.base + "/", headers={"Cookie": self.cookie} if self.cookie else {})
        with urllib.request.urlopen(request, timeout=30) as answer:
            html = answer.read().decode("utf-8")
        found = re.search(r'name="qlqd-token" content="([^"]+)"', html)
        assert found, html[:300]
        return found[1]


@contextmanager
def running_editor(
    powers: Path, cache: Path, gate: Gate | None = None, settings: SubmitSettings | None = None
) -> Iterator[tuple[EditorServer, Client]]:
    """The editor's server for powers on 127.0.0.1 (a free port), in a thread; its page preview builds no site."""
    preview = PagePreview(cache / "work", cache)
    preview.ready.set()  # the tests of the server need no whole site: charts are previewed without it
    editor = Editor(powers, preview, settings or SubmitSettings())
    server = EditorServer("127.0.0.1", 0, editor, gate or Gate(None))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    client = Client(f"http://127.0.0.1:{server.server_port}")
    if not (gate and gate.needs_login):
        client.token = client.page_token()
    try:
        yield server, client
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
