"""How long `serve` takes to show a saved edit: the preview server of a catalogue is started on loopback, a
record is edited once its page is served, and its page is fetched until it shows the edit (part of bench-scale)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

POLL = 0.05  # seconds between two fetches
READY_WITHIN = 1800.0  # seconds for the first site of a large catalogue, on a busy machine
SHOWN_WITHIN = 120.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.read().decode("utf-8")
    except (urllib.error.URLError, OSError):
        return None


def wait_for(url: str, text: str, within: float) -> float | None:
    """Seconds until the page at url contains text; None if it did not within the limit."""
    start = time.perf_counter()
    while time.perf_counter() - start < within:
        page = fetch(url)
        if page is not None and text in page:
            return time.perf_counter() - start
        time.sleep(POLL)
    return None


def edit_to_screen(catalogue: Path, cache: Path, log: Path, env: dict[str, str]) -> tuple[float, float]:
    """Seconds from starting `serve` to the first page, and from saving an edit to its page showing it."""
    record = min(p for p in catalogue.glob("*/*.yaml") if not p.name.startswith("_"))
    code = record.stem
    port = free_port()
    url = f"http://127.0.0.1:{port}/powers/{code}/"
    cmd = [sys.executable, "-m", "generator", "serve", "--powers", str(catalogue), "--port", str(port)]
    cmd += ["--cache", str(cache)]
    with log.open("w", encoding="utf-8") as out:
        server = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            ready = wait_for(url, code, READY_WITHIN)
            if ready is None:
                sys.exit(f"bench-scale: serve showed no page of {code} within {READY_WITHIN:.0f} s (see {log})")
            text = record.read_text(encoding="utf-8")
            marker = "受理（预览计时）"
            edited = text.replace("    name: 受理登记\n", f"    name: {marker}\n", 1)
            edited = edited if edited != text else text.replace("    name: 受理\n", f"    name: {marker}\n", 1)
            if edited == text:
                sys.exit(f"bench-scale: found no step named 受理 to edit in {record}")
            record.write_text(edited, encoding="utf-8")
            shown = wait_for(url, marker, SHOWN_WITHIN)
            record.write_text(text, encoding="utf-8")
            if shown is None:
                sys.exit(f"bench-scale: serve did not show the edit within {SHOWN_WITHIN:.0f} s (see {log})")
            return ready, shown
        finally:
            os.killpg(server.pid, signal.SIGINT)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
