"""Templates kept compiled in the build's cache (generator/outputs/templating.py): an environment given the folder
loads them there instead of compiling them again and renders the same text as one without; the folder is named by
Jinja's version, Python's and the outputs' code, and a folder of any other is removed with what a killed process
left half written."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from generator.core.edition import Edition
from generator.outputs import templating
from generator.outputs.site.pages import index_pages, sample_power_pages

SAMPLE = Path(__file__).resolve().parent.parent / "powers"


@pytest.fixture
def compiled(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the templates compiled from here on."""
    names: list[str] = []
    compile_source = jinja2.Environment.compile

    def counted(env: jinja2.Environment, source: str, name: str | None = None, *args: object, **kw: object) -> object:
        names.append(str(name))
        return compile_source(env, source, name, *args, **kw)

    monkeypatch.setattr(jinja2.Environment, "compile", counted)
    return names


def folder_of(cache: Path) -> Path:
    return templating.compiled_folder.__wrapped__(cache)  # not the one the process remembers


def test_kept_templates_are_loaded_not_compiled_and_render_the_same(edition: Edition, tmp_path, compiled):
    plain = index_pages(edition), sample_power_pages(edition)
    assert compiled  # without a folder, every environment compiles
    folder = folder_of(tmp_path)
    compiled.clear()
    first = index_pages(edition, None, folder), sample_power_pages(edition, folder)
    kept = sorted(p.name for p in folder.rglob("*") if p.is_file())
    assert len(kept) == len(set(compiled)) > 10  # one file per template, no more
    compiled.clear()
    again = index_pages(edition, None, folder), sample_power_pages(edition, folder)  # new environments: loaded
    assert compiled == [] and again == first == plain
    assert sorted(p.name for p in folder.rglob("*") if p.is_file()) == kept


def test_an_edited_template_is_compiled_again(edition: Edition, tmp_path, compiled, monkeypatch):
    folder = folder_of(tmp_path)
    index_pages(edition, None, folder)
    source = jinja2.FileSystemLoader.get_source

    def edited(loader, env, name):  # the home page's template, as if edited: Jinja's checksum of the source differs
        text, filename, uptodate = source(loader, env, name)
        return (text + "\n<!-- edited -->\n" if name == "home.md.j2" else text), filename, uptodate

    monkeypatch.setattr(jinja2.FileSystemLoader, "get_source", edited)
    compiled.clear()
    pages = index_pages(edition, None, folder)
    assert compiled == ["home.md.j2"] and pages["index.md"].endswith("<!-- edited -->\n")


def test_another_jinja_has_a_folder_of_its_own_and_the_others_go(tmp_path, monkeypatch):
    folder = folder_of(tmp_path)
    (folder / "site").mkdir(parents=True)
    (folder / "site" / "__jinja2_0.cache").write_bytes(b"kept")
    (folder / "site" / "__jinja2_1.cache8xk2.tmp").write_bytes(b"half")  # left by a killed process
    assert folder_of(tmp_path) == folder
    assert [p.name for p in (folder / "site").iterdir()] == ["__jinja2_0.cache"]
    monkeypatch.setattr(jinja2, "__version__", "0.0.1")  # Jinja's bytecode header does not hold its version
    other = folder_of(tmp_path)
    assert other.parent == folder.parent and other != folder and not folder.exists()
