"""DOT sources to SVG ready to inline in HTML: many charts per `dot` process, unchanged charts from a cache.

The cache holds one file per chart, named by the SHA-256 of the DOT source, the `dot -V` version and
FORMAT_VERSION, so a changed record, a Graphviz upgrade or a change to the clean-up below each render anew.
"""

from __future__ import annotations

import functools
import hashlib
import html
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from generator.core.problems import GeneratorError
from generator.outputs.flowchart.text import clean

FORMAT_VERSION = "flowchart-svg-3"  # bump when _clean_svg changes what the cache holds
# Text attributes Graphviz repeats on every <text>, set once on the <svg> (the chart's default font size).
_INHERITED = (' font-family="Noto Sans CJK SC"', ' text-anchor="start"', ' font-size="11.00"')
FONT_STACK = "'Noto Sans CJK SC','Noto Sans SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',sans-serif"
DEFAULT_LABEL = "权力运行流程图"
MAX_PER_PROCESS = 1000  # charts per `dot` process: bounds its memory and the argument list
MIN_PER_PROCESS = 16  # below this a second parallel process costs more than it saves


class ChartError(GeneratorError):
    """Graphviz could not render a flowchart."""

    def __init__(self, detail: str, key: str | None = None) -> None:
        super().__init__(f"流程图「{key}」生成失败：{detail}" if key else f"流程图生成失败：{detail}")
        self.key = key


def render_svgs(sources: Mapping[str, str], cache_dir: Path, labels: Mapping[str, str] | None = None) -> dict[str, str]:
    """key -> SVG text (ready to inline in HTML) for every DOT source, rendering what the
    content-hash cache lacks in as few `dot` processes as possible (never one per chart).
    labels: key -> the chart's accessible name (aria-label and <title>), e.g. chart_label(power)."""
    if not sources:
        return {}
    dot = dot_command()
    version = dot_version(dot)
    cache_dir.mkdir(parents=True, exist_ok=True)
    digests = {key: _digest(source, version) for key, source in sources.items()}
    missing: dict[str, tuple[str, str]] = {}  # digest -> (key, source), one per distinct chart
    for key in sorted(sources):
        if digests[key] not in missing and not (cache_dir / f"{digests[key]}.svg").exists():
            missing[digests[key]] = (key, sources[key])
    if missing:
        _render_into_cache(dot, missing, cache_dir)
    labels = labels or {}
    return {
        key: inline_svg((cache_dir / f"{digests[key]}.svg").read_text(encoding="utf-8"), key, labels.get(key))
        for key in sources
    }


def dot_command() -> str:
    dot = shutil.which("dot")
    if dot is None:
        raise ChartError("未找到 Graphviz 的 dot 命令，请安装 graphviz（make setup）")
    return dot


@functools.cache
def dot_version(dot: str) -> str:
    """`dot -V` (printed on stderr), asked once per process."""
    done = subprocess.run([dot, "-V"], capture_output=True, text=True, check=False)
    return (done.stderr or done.stdout).strip()


def chart_digest(source: str) -> str:
    """The name of a chart's entry in the cache (without .svg)."""
    return _digest(source, dot_version(dot_command()))


def prune_cache(cache_dir: Path, used: set[str]) -> None:
    """Remove the charts of cache_dir that no output uses any more."""
    for path in cache_dir.glob("*.svg"):
        if path.stem not in used:
            path.unlink(missing_ok=True)


def _digest(source: str, version: str) -> str:
    return hashlib.sha256("\0".join([FORMAT_VERSION, version, source]).encode("utf-8")).hexdigest()


def _render_into_cache(dot: str, missing: dict[str, tuple[str, str]], cache_dir: Path) -> None:
    """Render every missing chart, in batches, and move each finished SVG into the cache atomically."""
    with tempfile.TemporaryDirectory(dir=cache_dir, prefix=".render-") as tmp:
        work = Path(tmp)
        names = {}  # file name -> (digest, key)
        for n, (digest, (key, source)) in enumerate(sorted(missing.items())):
            name = f"{n:06d}.dot"
            (work / name).write_text(source, encoding="utf-8")
            names[name] = (digest, key)
        batches = _batches(list(names))
        with ThreadPoolExecutor(max_workers=_workers(len(names))) as pool:
            failures = [f for found in pool.map(lambda b: _run_batch(dot, work, b), batches) for f in found]
        if failures:
            name, detail = failures[0]
            raise ChartError(detail, key=names[name][1])
        for name, (digest, _key) in names.items():
            svg = _clean_svg((work / f"{name}.svg").read_text(encoding="utf-8"))
            (work / f"{name}.clean").write_text(svg, encoding="utf-8")
            os.replace(work / f"{name}.clean", cache_dir / f"{digest}.svg")


def _workers(count: int) -> int:
    return max(1, min(os.cpu_count() or 1, count // MIN_PER_PROCESS))


def _batches(names: list[str]) -> list[list[str]]:
    """The file names split into one batch per worker, each within MAX_PER_PROCESS and the argument limit."""
    per_worker = -(-len(names) // _workers(len(names)))
    arg_budget = _arg_max() // 2
    batches: list[list[str]] = []
    current: list[str] = []
    used = 0
    for name in names:
        if current and (len(current) >= min(per_worker, MAX_PER_PROCESS) or used + len(name) + 1 > arg_budget):
            batches.append(current)
            current, used = [], 0
        current.append(name)
        used += len(name) + 1
    return [*batches, current] if current else batches


def _arg_max() -> int:
    try:
        limit = os.sysconf("SC_ARG_MAX")
    except (ValueError, OSError):
        limit = 131072
    environment = sum(len(k) + len(v) + 2 for k, v in os.environ.items())
    return max(4096, limit - environment)


def _run_batch(dot: str, work: Path, names: list[str]) -> list[tuple[str, str]]:
    """Render a batch with one `dot -O` process; the (file name, error) of each chart that failed.

    Graphviz renders the other files of a batch when one fails but does not always say which file the
    error was in, so a failed batch is split in halves until each error is pinned to its chart."""
    done = subprocess.run([dot, "-Tsvg", "-O", *names], cwd=work, capture_output=True, text=True, check=False)
    if done.returncode == 0:
        return []
    if len(names) == 1:
        errors = [line for line in done.stderr.splitlines() if line.strip()]
        return [(names[0], " ".join(errors[:3]) or f"dot 退出码 {done.returncode}")]
    half = len(names) // 2
    return _run_batch(dot, work, names[:half]) + _run_batch(dot, work, names[half:])


_PROLOG = re.compile(r"<\?xml.*?\?>|<!DOCTYPE.*?>|<!--.*?-->", re.S)
_TITLE = re.compile(r"<title>.*?</title>\n?", re.S)
_BATCH_GRAPH_ID = re.compile(r'id="page\d+,\d+_graph')  # the id dot gives a graph after the first of a batch
_SVG_TAG = re.compile(r"<svg\b[^>]*>", re.S)
_VIEWBOX = re.compile(r'viewBox="([^"]*)"')


def _clean_svg(svg: str) -> str:
    """Graphviz's SVG without what an inlined copy must not carry: the XML prolog, DOCTYPE, comments and
    the node-name tooltips; the same graph id whatever the chart's place in its batch; the font, which
    inline_svg sets once on the <svg> (with fallbacks for readers who lack Noto Sans CJK)."""
    svg = _BATCH_GRAPH_ID.sub('id="graph', _TITLE.sub("", _PROLOG.sub("", svg)))
    for inherited in _INHERITED:  # set once on <svg> instead of on every text: a third of the bytes
        svg = svg.replace(inherited, "")
    return svg.strip() + "\n"


def inline_svg(svg: str, key: str, label: str | None) -> str:
    """A cached SVG for one place in a page: ids prefixed by the key (many charts may share a page),
    accessible name, a width that follows the page up to the chart's natural size, and black text
    whatever colour the page's theme gives its SVG icons (the chart keeps its white ground in dark mode)."""
    prefix = "fc-" + re.sub(r"[^A-Za-z0-9_-]", "_", key)
    svg = svg.replace(' id="', f' id="{prefix}-')
    tag = _SVG_TAG.search(svg)
    assert tag is not None, "Graphviz SVG always has an <svg> element"
    view_box = _VIEWBOX.search(tag.group(0))
    box = view_box.group(1) if view_box else "0 0 100 100"
    natural_px = round(float(box.split()[2]) * 4 / 3)
    name = html.escape(" ".join(clean(label or DEFAULT_LABEL).split()), quote=True)
    opening = (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" class="qlqd-flowchart"'
        f' viewBox="{box}" width="100%" style="max-width:{natural_px}px;height:auto;color:#000;fill:#000" role="img"'
        f' aria-label="{name}" id="{prefix}" font-family="{FONT_STACK}" font-size="11" text-anchor="start">'
        f"<title>{name}</title>"
    )
    return svg[: tag.start()] + opening + svg[tag.end() :]
