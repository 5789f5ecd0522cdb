"""What the server adds to every HTML page it serves (never to the built files): the script that reloads the page
when an update changed it, and a panel listing the catalogue's problems in Chinese with their file and line."""

from __future__ import annotations

import json
import re
from html import escape

from generator.core.problems import Problem

RELOAD_PATH = "/__qlqd/reload"
STATE_PATH = "/__qlqd/state"
SHOWN = 50  # problems listed on the page; the terminal lists them all
BODY_END = re.compile(r"</body\s*>", re.I)

_SCRIPT = """<script id="qlqd-live">
(function () {
  var version = %(version)d, run = %(run)s, here = location.pathname.replace(/index\\.html$/, "");
  function wait() {
    fetch("%(path)s?since=" + version, {cache: "no-store"})
      .then(function (answer) { return answer.json(); })
      .then(function (update) {
        var mine = update.pages === null || update.pages.indexOf(here) >= 0;
        if (update.run !== run || (update.version > version && mine)) { location.reload(); return; }
        version = Math.max(version, update.version);
        wait();
      })
      .catch(function () { setTimeout(wait, 1000); });
  }
  wait();
})();
</script>"""
_PANEL_STYLE = (
    "position:fixed;left:0;right:0;bottom:0;max-height:50vh;overflow:auto;z-index:10000;margin:0;"
    "padding:.8em 1.2em;background:#fff4f2;color:#4a0d0d;border-top:4px solid #c62828;"
    "font:14px/1.6 system-ui,sans-serif;box-shadow:0 -2px 8px rgba(0,0,0,.2)"
)


def live_script(version: int, run: str) -> str:
    """The reload script of a page served at update number version, by the server run `run`."""
    return _SCRIPT % {"version": version, "run": json.dumps(run), "path": RELOAD_PATH}


def panel(problems: tuple[Problem, ...], failure: str, has_site: bool = True) -> str:
    """The problems panel ("" when there is nothing to show): errors first, then warnings, then a failed build."""
    errors = [p for p in problems if p.is_error]
    warnings = [p for p in problems if not p.is_error]
    if not (errors or warnings or failure):
        return ""
    items = [_item(p, "错误") for p in errors] + [_item(p, "警告") for p in warnings]
    more = len(items) - SHOWN
    items = items[:SHOWN] + ([f"<li>……另有 {more} 个问题，见终端或运行 check</li>"] if more > 0 else [])
    if failure:
        items.append(f'<li><pre style="white-space:pre-wrap;margin:0">{escape(failure)}</pre></li>')
    return (
        f'<aside id="qlqd-problems" role="alert" style="{_PANEL_STYLE}">'
        f"<strong>{escape(heading(len(errors), len(warnings), bool(failure), has_site))}</strong> "
        '<button type="button" onclick="this.parentNode.remove()">关闭</button>'
        f'<ul style="margin:.4em 0 0;padding-left:1.2em">{"".join(items)}</ul></aside>'
    )


def heading(errors: int, warnings: int, failed: bool, has_site: bool) -> str:
    """The panel's first line: what is wrong and what the reader is looking at meanwhile."""
    if errors:
        kept = "网站仍显示上次成功生成的版本" if has_site else "还不能生成网站"
        return f"权力清单有 {errors} 个错误，{kept}；改正并保存后自动刷新。"
    if failed:
        return "生成网站失败，网站仍显示上次成功生成的版本：" if has_site else "生成网站失败："
    return f"权力清单有 {warnings} 个警告（网站已更新）："


def _item(found: Problem, kind: str) -> str:
    where = found.shown_path + (f":{found.line}" if found.line is not None else "")
    return f"<li>{kind} <code>{escape(where)}</code> {escape(found.code)} {escape(found.message)}</li>"


def inject(html: str, extra: str) -> str:
    """The page with extra put just before its closing body tag (or at its end)."""
    ends = list(BODY_END.finditer(html))
    if not ends:
        return html + extra
    at = ends[-1].start()
    return html[:at] + extra + html[at:]


def placeholder(blocked: bool) -> str:
    """The page served before there is a site: while the catalogue is read and built, or while it has errors."""
    text = "权力清单有错误，还不能生成网站。" if blocked else "正在读取权力清单并生成预览网站，完成后本页自动刷新……"
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>权力清单预览</title></head>'
        f"<body><h1>权力清单预览</h1><p>{text}</p></body></html>"
    )
