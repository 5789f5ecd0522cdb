"""The editor's preview: a power's page and flowchart as the site shows them, from what the form holds now.

The page is made by the site's own pipeline: the record page template and the flowchart (generator/outputs), filled
into the shell of record pages that MkDocs rendered for the catalogue's site (built once, in the background, by the
preview server's builder, generator/preview/builds.py). Until that site is built, the flowchart is shown alone.
The preview shows a power whatever its disclosure scope: it is the clerk's own record, seen on their own computer;
a note says when the public site will show less of it (or nothing)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from generator.core.catalogue import Catalogue, complaints_for, supervision_for
from generator.core.edition import Edition, EditionDepartment, EditionPower, make_edition
from generator.core.model import PowerRecord
from generator.core.problems import GeneratorError
from generator.outputs.flowchart import chart_label, dot_source, render_svgs
from generator.outputs.site.pages import environment, power_page
from generator.outputs.site.shells import Shell, parse_page
from generator.preview.builds import Builder

CHART_CACHE = "editor-charts"


@dataclass(frozen=True)
class Rendered:
    """A draft's preview: its chart (inline SVG, "" without a procedure), its page (None: the site is not built
    yet) and a note for the clerk."""

    chart: str
    page: str | None
    note: str


class PagePreview:
    """Renders drafts; the site (for the page's shell and its assets) is built once by start()."""

    def __init__(self, work: Path, cache: Path) -> None:
        self.work, self.cache = work, cache
        self.builder = Builder(work, cache)
        self.site: Path | None = None
        self.shell: Shell | None = None
        self.failure = ""
        self.ready = threading.Event()

    def start(self, catalogue: Catalogue | None) -> threading.Thread:
        """Build the site in the background (the preview shows charts only until it is there)."""
        thread = threading.Thread(target=self._build, args=(catalogue,), daemon=True, name="qlqd-editor-site")
        thread.start()
        return thread

    def _build(self, catalogue: Catalogue | None) -> None:
        try:
            if catalogue is None or any(dept.record is None for dept in catalogue.departments):
                raise GeneratorError("权力清单有错误,修正后重新启动编辑器才能预览整个页面")
            built = self.builder.build(make_edition(catalogue, "public"))
            self.site, self.shell = built.site, built.shell
        except (GeneratorError, OSError) as exc:
            self.failure = str(exc)
        finally:
            self.ready.set()

    def render(self, catalogue: Catalogue, slug: str, record: PowerRecord) -> Rendered:
        """The preview of a record as a power of department slug."""
        dept = next(d for d in catalogue.departments if d.slug == slug and d.record is not None)
        assert dept.record is not None
        power = EditionPower(
            record,
            slug,
            dept.record,
            supervision_for(catalogue.record, dept.record, record),
            complaints_for(catalogue.record, dept.record, record),
        )
        chart = ""
        if record.procedure:
            sources = {record.code: dot_source(power, catalogue.record)}
            chart = render_svgs(sources, self.cache / CHART_CACHE, {record.code: chart_label(power)})[record.code]
        return Rendered(chart, self._page(catalogue, power, chart), _note(record))

    def _page(self, catalogue: Catalogue, power: EditionPower, chart: str) -> str | None:
        if self.shell is None:
            return None
        edition = Edition("internal", catalogue.record, [EditionDepartment(power.dept_slug, power.department, [power])])
        markdown = power_page(environment(), power, chart or None, edition.category_codes(), catalogue.record)
        return self.shell.fill(parse_page(f"powers/{power.code}/index.md", markdown))


def _note(record: PowerRecord) -> str:
    if record.is_internal:
        return "本事项公开范围为「部门内部」:公开网站不显示它,这里的预览只供本人查看。"
    if record.confidential is not None:
        return "本事项涉密不宜公开:公开网站只显示编码、名称、类别和不公开理由,这里的预览只供本人查看。"
    return ""
