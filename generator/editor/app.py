"""What the editor does, apart from HTTP: list, open, check as the clerk types, preview, save, submit for review.

The catalogue is kept in memory (the preview server's LiveCatalogue: only files changed on disk are read again) and
every answer is data for the browser: problems with their field, line and Chinese message, the text a save would
write, the preview. Saves go one at a time."""

from __future__ import annotations

import threading
from dataclasses import asdict
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from generator.core.catalogue import Catalogue
from generator.core.model import PowerRecord
from generator.core.problems import GeneratorError, Problem
from generator.core.yamlsafe import YamlRejected, parse_text
from generator.editing.form_schema import form_schema
from generator.editing.record_form import FormRefused
from generator.editing.record_store import Outcome, PathRefused, blank_record, check_draft, open_record, save_record
from generator.editing.submit import SubmitSettings, submit_record
from generator.editor.pages import PagePreview
from generator.preview.live import LiveCatalogue


class Refused(GeneratorError):
    """A request the editor answers with a message and no change (HTTP 400)."""


def problem_json(found: Problem) -> dict[str, Any]:
    """A problem for the browser: its field as the form names it (root.procedure.steps.1.days)."""
    data = asdict(found)
    data["form_path"] = _form_path(found.field)
    data["text"] = str(found)
    return data


def _form_path(dotted: str) -> str:
    """procedure.steps[1].days → root.procedure.steps.1.days."""
    path = dotted.replace("[", ".").replace("]", "")
    return f"root.{path}" if path else "root"


class Editor:
    """One catalogue being edited."""

    def __init__(self, root: Path, preview: PagePreview, settings: SubmitSettings) -> None:
        self.root = root
        self.live = LiveCatalogue(root)
        self.live.reload()
        self.preview = preview
        self.settings = settings
        self.lock = threading.RLock()  # one save (or read of the folder) at a time

    def catalogue(self) -> Catalogue:
        """The catalogue as it is on disk now."""
        with self.lock:
            self.live.refresh()
            if self.live.catalogue is None:
                raise Refused("无法读取 _catalogue.yaml,请先用 python -m generator check 查看并修正")
            return self.live.catalogue

    def listing(self) -> dict[str, Any]:
        catalogue = self.catalogue()
        departments = []
        for dept in catalogue.departments:
            valid = {power.path: power.record for power in dept.powers}
            powers = [_entry(rel, valid.get(rel)) for rel in dept.files]
            name = dept.record.name if dept.record else dept.slug
            departments.append({"slug": dept.slug, "name": name, "powers": powers})
        categories = list(catalogue.record.category_codes())
        return {"catalogue": catalogue.record.name, "departments": departments, "categories": categories}

    def schema(self) -> dict[str, Any]:
        return form_schema(list(self.catalogue().record.category_codes()))

    def open(self, rel: str) -> dict[str, Any]:
        try:
            opened = open_record(self.root, rel)
        except (PathRefused, YamlRejected, OSError) as exc:
            raise Refused(_reason(exc, rel)) from None
        return {"path": opened.rel, "version": opened.version, "form": opened.form, "text": opened.text}

    def new(self, slug: str, category: str, name: str) -> dict[str, Any]:
        try:
            opened = blank_record(self.root, slug, category, name)
        except GeneratorError as exc:
            raise Refused(str(exc)) from None
        return {"path": f"{slug}/", "code_file": opened.rel, "version": None, "form": opened.form, "text": opened.text}

    def check(self, rel: str, form: Any) -> dict[str, Any]:
        """The problems of what the form holds, and its preview."""
        catalogue = self.catalogue()
        outcome = self._outcome(lambda: check_draft(catalogue, self.root, rel, form))
        return _answer(outcome) | {"preview": self._preview(catalogue, outcome)}

    def save(self, rel: str, version: str | None, form: Any) -> dict[str, Any]:
        with self.lock:
            catalogue = self.catalogue()
            outcome = self._outcome(lambda: save_record(catalogue, self.root, rel, version, form))
        return _answer(outcome)

    def submit(self, rel: str, user: str) -> dict[str, Any]:
        try:
            opened = open_record(self.root, rel)
        except (PathRefused, YamlRejected, OSError) as exc:
            raise Refused(_reason(exc, rel)) from None
        with self.lock:
            try:
                record = PowerRecord.model_validate(parse_text(opened.text, rel).data)
            except ValidationError:
                raise Refused("文件有错误:请先在表单中改正并保存,再提交审核") from None
            try:
                done = submit_record(self.root, rel, record, user, self.settings)
            except GeneratorError as exc:
                raise Refused(str(exc)) from None
        return asdict(done)

    def _outcome(self, work: Any) -> Outcome:
        try:
            return work()
        except (PathRefused, FormRefused, YamlRejected, OSError) as exc:
            raise Refused(_reason(exc, "")) from None
        except GeneratorError as exc:
            raise Refused(str(exc)) from None

    def _preview(self, catalogue: Catalogue, outcome: Outcome) -> dict[str, Any]:
        """The chart and page of the draft, when it is a record at all (rule errors are previewed too)."""
        try:
            record = PowerRecord.model_validate(parse_text(outcome.text, outcome.rel).data)
            rendered = self.preview.render(catalogue, outcome.rel.partition("/")[0], record)
        except (ValidationError, YamlRejected):
            return {"chart": "", "page": None, "note": "改正表单中的错误后显示预览。"}
        except GeneratorError as exc:
            return {"chart": "", "page": None, "note": str(exc)}
        waiting = "" if self.preview.ready.is_set() else "整个页面的预览正在准备(首次生成网站),先显示流程图。"
        if self.preview.failure:
            waiting = f"无法预览整个页面,只显示流程图:{self.preview.failure}"
        return {
            "chart": rendered.chart,
            "page": rendered.page,
            "note": " ".join(filter(None, [rendered.note, waiting])),
            "pending": not self.preview.ready.is_set(),
        }


def _entry(rel: str, record: PowerRecord | None) -> dict[str, Any]:
    code = rel.rpartition("/")[2].removesuffix(".yaml")
    if record is None:
        return {"path": rel, "code": code, "name": "(文件有错误)", "category": ""}
    return {"path": rel, "code": record.code, "name": record.name, "category": record.category}


def _answer(outcome: Outcome) -> dict[str, Any]:
    return {
        "status": outcome.status,
        "path": outcome.rel,
        "text": outcome.text,
        "version": outcome.version,
        "on_disk": outcome.on_disk,
        "errors": sum(p.is_error for p in outcome.problems),
        "problems": [problem_json(p) for p in sorted(set(outcome.problems), key=lambda p: (p.line or 0, p.code))],
    }


def _reason(exc: Exception, rel: str) -> str:
    if isinstance(exc, YamlRejected):
        return "文件无法读取:" + ";".join(str(p) for p in exc.problems)
    if isinstance(exc, OSError):
        return f"文件无法读取:{rel}({exc.strerror})"
    return str(exc)
