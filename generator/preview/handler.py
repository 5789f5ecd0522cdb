"""The HTTP side of the preview: the site served from 127.0.0.1 only, HTML pages with the reload script and the
problems panel added as they are sent, the long poll the pages wait on, and the preview's state as JSON."""

from __future__ import annotations

import io
import json
import os
import sys
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import BinaryIO
from urllib.parse import parse_qs, urlsplit

from generator.preview.overlay import RELOAD_PATH, STATE_PATH, inject, live_script, panel, placeholder
from generator.preview.served import Served
from generator.preview.updates import Updates

POLL_SECONDS = 25.0  # a long poll is answered after this long even when nothing changed
NOT_FOUND_PAGE = '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>404</title><body>没有这个页面'


class PreviewServer(ThreadingHTTPServer):
    """The server: on 127.0.0.1 only; port 0 takes a free port."""

    daemon_threads = True

    def __init__(self, port: int, served: Served, updates: Updates, run: str) -> None:
        super().__init__(("127.0.0.1", port), PreviewHandler)
        self.served, self.updates, self.run = served, updates, run

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a browser that left before the answer: no matter
            super().handle_error(request, client_address)


class PreviewHandler(SimpleHTTPRequestHandler):
    server: PreviewServer

    def send_head(self) -> BinaryIO | None:
        address = urlsplit(self.path).path
        if address == RELOAD_PATH:
            return self._reload()
        if address == STATE_PATH:
            return self._send(HTTPStatus.OK, "application/json", json.dumps(self._state(), ensure_ascii=False))
        served = self.server.served
        root = served.search if address.startswith("/pagefind/") else served.site
        if root is None:
            return self._page(HTTPStatus.OK if address.endswith(("/", ".html")) else HTTPStatus.NOT_FOUND, None)
        self.directory = str(root)
        path = Path(self.translate_path(self.path))
        if path.is_dir() and address.endswith("/"):
            path = path / "index.html"
        if not path.exists():
            return self._page(HTTPStatus.NOT_FOUND, root / "404.html")
        if path.suffix == ".html":
            return self._page(HTTPStatus.OK, path)
        return super().send_head()  # assets, and a folder's address without its final / (redirected)

    def list_directory(self, path: str | os.PathLike[str]) -> None:
        self.send_error(HTTPStatus.NOT_FOUND)  # a folder without index.html is not a page

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass  # the terminal shows the catalogue's news, not every request

    def _page(self, status: HTTPStatus, path: Path | None) -> BinaryIO:
        """An HTML page with the reload script and the problems panel (the placeholder when there is no site)."""
        served = self.server.served
        try:
            html = path.read_text(encoding="utf-8") if path else placeholder(bool(served.problems))
        except OSError:  # removed since it was looked at, or a site without a 404 page
            status, html = HTTPStatus.NOT_FOUND, NOT_FOUND_PAGE
        extra = panel(served.problems, served.failure, served.site is not None)
        extra += live_script(self.server.updates.version, self.server.run)
        return self._send(status, "text/html; charset=utf-8", inject(html, extra))

    def _reload(self) -> BinaryIO:
        """The long poll: answered when an update later than ?since= is published, or after POLL_SECONDS."""
        since = parse_qs(urlsplit(self.path).query).get("since", [""])[0]
        version, pages = self.server.updates.wait(int(since) if since.isdigit() else 0, POLL_SECONDS)
        answer = {"run": self.server.run, "version": version, "pages": pages}
        return self._send(HTTPStatus.OK, "application/json", json.dumps(answer, ensure_ascii=False))

    def _state(self) -> dict[str, object]:
        served = self.server.served
        return {
            "run": self.server.run,
            "version": self.server.updates.version,
            "site": served.site is not None,
            "search": served.search is not None,
            "failure": served.failure,
            "problems": [str(p) for p in served.problems],
        }

    def _send(self, status: HTTPStatus, kind: str, text: str) -> BinaryIO:
        body = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)
