"""The preview, put together: the catalogue read once and kept, the site built once into the preview's folder and
served, and every save followed by a re-read of what changed, the rules, and an update of the site.

A save that leaves the catalogue valid is shown in two steps. First, on the thread that watched the save, the
record pages it changed are rendered on their own into the site being served, and the pages showing them reload.
Then, on the build thread, the whole site is built again as `build` builds it (the page cache renders only what
changed; MkDocs runs only when the pages handed to it changed) and served in place of the old one; the pages that
differ reload. A save that leaves errors changes no page: the problems are shown on every page and in the terminal.
The search index is built once, in the background, after the first site (it does not follow later saves)."""

from __future__ import annotations

import os
import shutil
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from watchdog.observers.api import BaseObserver

from generator.core.edition import Edition, EditionPower, make_edition
from generator.core.problems import GeneratorError, Problem, Report
from generator.outputs.search import index_site
from generator.preview.builds import Builder, Built, render_alone
from generator.preview.handler import PreviewServer
from generator.preview.live import LiveCatalogue
from generator.preview.served import Served
from generator.preview.sitediff import changed_pages
from generator.preview.updates import Updates, page_address
from generator.preview.watcher import Saves, watch
from generator.preview.workdir import Janitor, leftovers, make_workdir

QUICK_PAGES = 20  # a save changing more record pages than this waits for the whole build


@dataclass(frozen=True)
class Notice:
    """What the preview tells the editor in the terminal: a line, and the problems when there are any."""

    text: str
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class Wanted:
    """A build asked for: the edition, its number, and when the save that made it began."""

    generation: int
    edition: Edition
    saved: float


class Preview:
    """The preview server of a catalogue folder; start() and then close() (from any thread)."""

    def __init__(self, powers: Path, cache: Path, port: int, notify: Callable[[Notice], None]) -> None:
        self.notify = notify
        self.served, self.updates, self.saves = Served(), Updates(), Saves()
        self.server = PreviewServer(port, self.served, self.updates, uuid.uuid4().hex)  # first: the port may be taken
        self.work = make_workdir(cache / "preview")
        self.janitor = Janitor()
        for folder in leftovers(cache / "preview"):
            self.janitor.remove(folder)
        self.live = LiveCatalogue(powers, cache)
        self.builder = Builder(self.work, cache)
        self.observer: BaseObserver | None = None
        self.stopping = threading.Event()
        self.generation = 0
        self.edition: Edition | None = None  # the last valid edition
        self.shown: dict[str, EditionPower] = {}  # its powers, by code
        self.current: Built | None = None
        self.indexing = False
        self._wanted: Wanted | None = None
        self._building = False
        self._wake = threading.Condition()
        self._threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/"

    def busy(self) -> bool:
        """True while a save is being looked at or a site is being built."""
        return self.saves.busy or self._wanted is not None or self._building

    def start(self) -> None:
        """Serve, read the catalogue, build the site, and follow the saves, each on a thread of its own."""
        self.observer = watch(self.live.root, self.saves)
        for work in (self.server.serve_forever, self._follow_saves, self._build_sites):
            self._threads.append(threading.Thread(target=work, daemon=True, name=f"qlqd-{work.__name__}"))
            self._threads[-1].start()

    def close(self) -> None:
        """Stop every thread and remove the preview's folder."""
        self.stopping.set()
        with self._wake:
            self._wake.notify_all()
        self.updates.close()
        if self._threads:  # serving: shutdown() waits for the serving loop to end
            self.server.shutdown()
        self.server.server_close()
        if self.observer is not None:
            self.observer.stop()
            self._threads.append(self.observer)
        for thread in self._threads:
            thread.join(timeout=5)
        self.janitor.finish(self.work)

    # --- the saves -------------------------------------------------------------------------------------------

    def _follow_saves(self) -> None:
        started = time.time()
        self.notify(Notice("正在读取和检查权力清单……"))
        self.live.reload()
        report = self.live.check()
        self.notify(Notice(f"已读取和检查 {report.records} 个事项文件（{time.time() - started:.1f} 秒）"))
        self._checked(report, started, first=True)
        while (saved := self.saves.take(self.stopping)) is not None:
            if self.live.refresh():
                self._checked(self.live.check(), saved)
            self.saves.done()

    def _checked(self, report: Report, saved: float, first: bool = False) -> None:
        """After a look at the catalogue: show its problems, or update the site from its edition."""
        problems_changed = self.served.set_problems(report)
        if report.errors or self.live.catalogue is None:
            kept = "网站未更新" if self.current else "还不能生成网站"
            self.notify(Notice(f"权力清单有 {len(report.errors)} 个错误，{kept}：", tuple(report.sorted())))
            if problems_changed:
                self.updates.publish(None)
            return
        if report.warnings and problems_changed:
            self.notify(Notice(f"权力清单有 {len(report.warnings)} 个警告：", tuple(report.sorted())))
        edition = make_edition(self.live.catalogue, "public")
        if edition == self.edition and not self.served.failure:  # a comment, or back to what is served
            if problems_changed:
                self.updates.publish(None)
            self.notify(Notice("这次保存不改变网站。"))
            return
        self.edition = edition
        self.generation += 1
        pages = self._quick(edition, render=not first)
        if problems_changed or pages:
            self.updates.publish(None if problems_changed else pages)
        if pages:
            took = time.time() - saved
            self.notify(Notice(f"已更新 {len(pages)} 个事项页面（保存后 {took:.1f} 秒），正在更新其他页面……"))
        with self._wake:
            self._wanted = Wanted(self.generation, edition, saved)
            self._wake.notify_all()

    def _quick(self, edition: Edition, render: bool) -> set[str] | None:
        """Render the record pages the edition changed into the site served; their addresses (None: too many)."""
        now = {power.code: power for power in edition.powers()}
        changed = [power for code, power in now.items() if self.shown.get(code) != power]
        removed = [code for code in self.shown if code not in now]
        self.shown = now
        shell = self.current.shell if self.current else None
        if not render:
            return set()
        if shell is None or len(changed) + len(removed) > QUICK_PAGES:
            return None
        pages: dict[str, bytes | None] = {f"powers/{code}/index.html": None for code in removed}
        try:
            if changed:
                out = render_alone(edition, changed, shell, self.work / "quick")
                pages |= {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
        except (GeneratorError, OSError) as exc:
            self.notify(Notice(f"事项页面未能先行更新（等待整个网站更新）：{exc}"))
            return None
        self.served.install(self.generation, pages)
        return {page_address(path) for path in pages}

    # --- the builds ------------------------------------------------------------------------------------------

    def _build_sites(self) -> None:
        retired: Path | None = None
        while (wanted := self._next()) is not None:
            started = time.time()
            try:
                built = self.builder.build(wanted.edition)
            except (GeneratorError, OSError) as exc:
                if self.served.set_failure(str(exc)):
                    self.updates.publish(None)
                self.notify(Notice(f"生成网站失败，仍显示上次成功生成的版本：\n{exc}"))
                continue
            old = self.served.swap(built.site, wanted.generation)
            had_failed = self.served.set_failure("")
            self.updates.publish(None if old is None or had_failed else changed_pages(old, built.site))
            if retired is not None:  # two builds old: the site just replaced may still be answering a request
                self.janitor.remove(retired)
            retired, self.current = old, built
            self.notify(Notice(_built_text(built, started, wanted, old is None)))
            if not self.indexing:
                self._index_in_background(built.site)

    def _next(self) -> Wanted | None:
        with self._wake:
            self._building = False
            self._wake.wait_for(lambda: self._wanted is not None or self.stopping.is_set())
            wanted, self._wanted, self._building = self._wanted, None, True
            return None if self.stopping.is_set() else wanted

    def _index_in_background(self, site: Path) -> None:
        """Index a copy of the site (the site served may change while Pagefind reads it), once."""
        self.indexing = True
        source = self.work / "search-source"
        with self.served.lock:
            shutil.copytree(site, source, copy_function=os.link)
        self._threads.append(threading.Thread(target=self._index, args=(source,), daemon=True, name="qlqd-search"))
        self._threads[-1].start()

    def _index(self, source: Path) -> None:
        started = time.time()
        search = self.work / "search"
        try:
            pages = index_site(source)
            search.mkdir()
            (source / "pagefind").rename(search / "pagefind")
        except (GeneratorError, OSError) as exc:
            if not self.stopping.is_set():
                self.notify(Notice(f"搜索索引建立失败（网站照常预览）：{exc}"))
            return
        finally:
            self.janitor.remove(source)
        self.served.search = search
        self.notify(Notice(f"搜索索引已建立：{pages} 页，{time.time() - started:.1f} 秒（此后的修改不更新搜索索引）"))


def _built_text(built: Built, started: float, wanted: Wanted, first: bool) -> str:
    now = time.time()
    powers = f"{len(wanted.edition.powers())} 个事项页面"
    if first:
        return f"网站已生成：{powers}（{now - started:.1f} 秒）"
    engine = "MkDocs 重新生成了其他页面" if built.engine_ran else "MkDocs 无需重新运行"
    return f"网站已更新：{powers}，{engine}（{now - started:.1f} 秒，保存后 {now - wanted.saved:.1f} 秒）"
