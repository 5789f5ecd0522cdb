"""The editor's HTTP side: the page and its assets from the package, the JSON API, the preview pages, the login.

Safe by default: it listens on 127.0.0.1 unless told otherwise, and elsewhere only with a users file (every request
but the login page then needs a session); a request body over MAX_BODY is refused before it is read; every request
that changes anything carries the page's token (X-QLQD-Token) and, when the browser names one, an Origin of this
server; paths from the browser are checked by the editing wing (record_store.record_path)."""

from __future__ import annotations

import json
import mimetypes
import secrets
import sys
from http import HTTPStatus
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from generator.editor.app import Editor, Refused
from generator.editor.auth import LOOPBACK, SESSION_COOKIE, Gate, Session, token_matches

STATIC = Path(__file__).parent / "static"
FORM_LIBRARY = STATIC / "vendor" / "jsoneditor.js"  # @json-editor/json-editor, installed by `make setup`
MAX_BODY = 512 * 1024  # a record is a few KB; the reader refuses files over 1 MB, the form's JSON is larger
DISCARDED = 16 * 1024 * 1024  # a refused body up to this size is read (and dropped) before the answer
DRAFTS_KEPT = 20  # preview pages kept per server for the preview frame
_SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "SAMEORIGIN",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


class EditorServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, host: str, port: int, editor: Editor, gate: Gate) -> None:
        super().__init__((host, port), EditorHandler)
        self.editor, self.gate = editor, gate
        self.drafts: dict[str, bytes] = {}  # preview id -> page

    def keep_draft(self, page: str) -> str:
        key = secrets.token_urlsafe(12)
        self.drafts[key] = page.encode("utf-8")
        for old in list(self.drafts)[:-DRAFTS_KEPT]:
            self.drafts.pop(old, None)
        return key

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class EditorHandler(BaseHTTPRequestHandler):
    server: EditorServer
    protocol_version = "HTTP/1.1"

    # --- GET ------------------------------------------------------------------------------------------------

    def do_GET(self) -> None:
        if not self._host_allowed():
            return self._refuse(421, "请用 http://127.0.0.1 访问编辑器")
        address = urlsplit(self.path)
        if address.path == "/login":
            return self._static("login.html")
        if address.path.startswith("/static/"):  # the page's own code and style, the same for everyone
            return self._static(address.path.removeprefix("/static/"))
        session = self._session()
        if session is None:
            return self._redirect("/login") if not address.path.startswith("/api/") else self._refuse(401, "请先登录")
        query = {k: v[0] for k, v in parse_qs(address.query).items()}
        editor = self.server.editor
        if address.path == "/":
            page = (STATIC / "index.html").read_text(encoding="utf-8").replace("{{TOKEN}}", session.csrf)
            return self._send(200, "text/html; charset=utf-8", page.encode("utf-8"))
        if address.path.startswith("/site/"):
            return self._site(address.path.removeprefix("/site/"), query.get("draft", ""))
        routes = {
            "/api/list": editor.listing,
            "/api/schema": editor.schema,
            "/api/open": lambda: editor.open(query.get("path", "")),
        }
        if address.path not in routes:
            return self._refuse(404, "没有这个地址")
        return self._api(routes[address.path])

    def _site(self, rel: str, draft: str) -> None:
        """The built site's assets and, at a power's address with ?draft=, the preview page of a draft."""
        if draft:
            page = self.server.drafts.get(draft)
            return self._send(200, "text/html; charset=utf-8", page) if page else self._refuse(404, "预览已过期")
        site = self.server.editor.preview.site
        if site is None or ".." in rel.split("/"):
            return self._refuse(404, "网站尚未生成")
        path = (site / rel).resolve()
        if not path.is_relative_to(site.resolve()) or not path.is_file():
            return self._refuse(404, "没有这个文件")
        self._send(200, mimetypes.guess_type(path.name)[0] or "application/octet-stream", path.read_bytes())

    def _static(self, name: str) -> None:
        path = (STATIC / name).resolve()
        if not path.is_relative_to(STATIC.resolve()) or not path.is_file():
            missing = "vendor/" in name
            text = "表单组件未安装:请在生成器目录中运行 make setup" if missing else "没有这个文件"
            return self._refuse(404, text)
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        self._send(
            200,
            kind + ("; charset=utf-8" if kind.startswith(("text/", "application/javascript")) else ""),
            path.read_bytes(),
        )

    # --- POST -----------------------------------------------------------------------------------------------

    def do_POST(self) -> None:
        if not self._host_allowed():
            return self._refuse(421, "请用 http://127.0.0.1 访问编辑器")
        body = self._body()
        if body is None:
            return None
        address = urlsplit(self.path).path
        if address == "/login":
            return self._login(body)
        session = self._session()
        if session is None:
            return self._refuse(401, "请先登录")
        if not self._same_site(session):
            return self._refuse(403, "请求来自其他网站,已拒绝")
        try:
            data = json.loads(body or b"{}")
        except (ValueError, RecursionError):
            return self._refuse(400, "请求内容不是 JSON")
        if not isinstance(data, dict):
            return self._refuse(400, "请求内容应为 JSON 对象")
        editor = self.server.editor
        path, form = str(data.get("path", "")), data.get("form")
        routes = {
            "/api/new": lambda: editor.new(
                str(data.get("dept", "")), str(data.get("category", "")), str(data.get("name", ""))
            ),
            "/api/check": lambda: self._with_draft(editor.check(path, form)),
            "/api/save": lambda: editor.save(path, data.get("version"), form),
            "/api/submit": lambda: editor.submit(path, session.user),
            "/logout": lambda: self.server.gate.logout(self._cookie()) or {"status": "logged-out"},
        }
        if address not in routes:
            return self._refuse(404, "没有这个地址")
        return self._api(routes[address])

    def _with_draft(self, answer: dict[str, Any]) -> dict[str, Any]:
        preview = answer.get("preview") or {}
        page = preview.pop("page", None)
        preview["page_url"] = (
            f"/site/powers/{_code(answer['path'])}/index.html?draft={self.server.keep_draft(page)}" if page else ""
        )
        return answer

    def _body(self) -> bytes | None:
        """The request's body, or None after refusing one that is too large or of unknown length."""
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            self._refuse(411, "请求缺少长度")
            return None
        if int(length) > MAX_BODY:
            self.close_connection = True
            self._discard(int(length))
            self._refuse(413, f"请求过大(超过 {MAX_BODY // 1024} KB),已拒绝")
            return None
        return self.rfile.read(int(length))

    def _host_allowed(self) -> bool:
        """On loopback, only requests addressed to this computer: another site's name made to point at 127.0.0.1
        (DNS rebinding) would otherwise count as this page's own origin."""
        if self.server.server_address[0] not in LOOPBACK:
            return True
        return urlsplit("//" + self.headers.get("Host", "")).hostname in (*LOOPBACK, "::1")

    def _discard(self, length: int) -> None:
        """Read what the browser is still sending (up to DISCARDED bytes, never kept), so that it reads the refusal."""
        left = min(length, DISCARDED)
        while left > 0 and (chunk := self.rfile.read(min(left, 65536))):
            left -= len(chunk)

    def _same_site(self, session: Session) -> bool:
        """The page's token is there, and the browser says the request comes from this server's own page."""
        origin = self.headers.get("Origin")
        host = self.headers.get("Host", "")
        if origin is not None and urlsplit(origin).netloc != host:
            return False
        return token_matches(session, self.headers.get("X-QLQD-Token"))

    def _login(self, body: bytes) -> None:
        fields = {k: v[0] for k, v in parse_qs(body.decode("utf-8", errors="replace")).items()}
        key = self.server.gate.login(fields.get("user", ""), fields.get("password", ""))
        if key is None:
            return self._redirect("/login?failed=1")
        cookie = f"{SESSION_COOKIE}={key}; HttpOnly; SameSite=Strict; Path=/"
        self._redirect("/", cookie)

    # --- answers --------------------------------------------------------------------------------------------

    def _session(self) -> Session | None:
        return self.server.gate.session(self._cookie())

    def _cookie(self) -> str | None:
        cookies = SimpleCookie(self.headers.get("Cookie", ""))
        return cookies[SESSION_COOKIE].value if SESSION_COOKIE in cookies else None

    def _api(self, work: Any) -> None:
        try:
            answer = work()
        except Refused as exc:
            return self._refuse(400, str(exc))
        self._send(200, "application/json", json.dumps(answer, ensure_ascii=False, default=str).encode("utf-8"))

    def _refuse(self, status: int, message: str) -> None:
        body = json.dumps({"error": message}, ensure_ascii=False).encode("utf-8")
        self._send(status, "application/json", body)

    def _redirect(self, to: str, cookie: str = "") -> None:
        self.send_response(HTTPStatus.SEE_OTHER)
        self.send_header("Location", to)
        if cookie:
            self.send_header("Set-Cookie", cookie)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, status: int, kind: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for key, value in _SECURITY_HEADERS.items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # the terminal shows what the editor does, not every request


def _code(rel: str) -> str:
    return rel.rpartition("/")[2].removesuffix(".yaml")
