"""The search index: Pagefind over the built site, Chinese segmented, loaded by the browser in chunks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from generator.core.problems import GeneratorError


class SearchIndexFailed(GeneratorError):
    """Pagefind could not index the site; the message carries its output."""


def index_site(site_dir: Path) -> int:
    """Index the pages marked data-pagefind-body into site_dir/pagefind/; the number of pages indexed."""
    cmd = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--silent"]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SearchIndexFailed(f"Pagefind 建立搜索索引失败：{done.stderr.strip() or done.stdout.strip()}")
    return sum(1 for _ in (site_dir / "pagefind" / "fragment").glob("*"))
