"""The Atom feeds kept in the build's cache (generator/outputs/feedcache.py): a kept feed has the bytes of one made
anew, the catalogue's feed found from the departments' kept changes is the one made from every record, and an edited
revision in one department makes that department's feed again and no other (nor the catalogue's when the revision is
not among its newest)."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from generator.core.edition import Edition, make_edition
from generator.core.validate import load_valid
from generator.outputs import feeds, wording
from generator.outputs.feedcache import FOLDER
from generator.outputs.site.pages import site_title

SAMPLE = Path(__file__).resolve().parent.parent / "powers"
EDITED = "hbj/FX01HB-CF-0002.yaml"  # its one revision (2024-02-01) is not among the catalogue's newest three


def made_anew(edition: Edition) -> dict[str, bytes]:
    """Every feed by its path in the site, each made from the records by feed_xml (no cache, no merging)."""
    title = f"{site_title(edition)}:修订动态"
    made = {wording.FEED: feeds.feed_xml(edition, title, wording.HOME)}
    for dept in edition.departments:
        alone = replace(edition, departments=[dept])
        path = wording.department_page_path(dept.slug).removesuffix("index.md") + wording.FEED
        made[path] = feeds.feed_xml(alone, f"{dept.record.name}:修订动态", wording.department_url(dept.slug))
    return made


def written(edition: Edition, site: Path, cache: Path | None) -> dict[str, bytes]:
    assert feeds.write_feeds(edition, site, cache) == 1 + len(edition.departments)
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob(wording.FEED)}


def edit_revision(powers: Path) -> Edition:
    record = powers / EDITED
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("note: 首次公布", "note: 首次公布(更正)", 1), encoding="utf-8")
    return make_edition(load_valid(powers), "public")


@pytest.mark.parametrize("newest", [3, 12, 200])
def test_kept_feeds_are_those_made_anew_and_an_edit_makes_one_department_s_again(tmp_path, monkeypatch, newest):
    monkeypatch.setattr(feeds, "LATEST_ON_CHANGES", newest)  # fewer than the sample's changes: the merge chooses
    powers, cache = tmp_path / "powers", tmp_path / "cache"
    shutil.copytree(SAMPLE, powers)
    edition = make_edition(load_valid(powers), "public")
    expected = made_anew(edition)
    assert written(edition, tmp_path / "cold", None) == expected
    assert written(edition, tmp_path / "first", cache) == expected
    kept = {p.name for p in (cache / FOLDER).iterdir()}
    assert len(kept) == 1 + len(edition.departments)
    assert feeds_made_by(monkeypatch, lambda: written(edition, tmp_path / "again", cache)) == ([], expected)

    edited = edit_revision(powers)
    expected_edited = made_anew(edited)
    made_titles, files = feeds_made_by(monkeypatch, lambda: written(edited, tmp_path / "edited", cache))
    assert files == expected_edited != expected
    whole = [f"{site_title(edited)}:修订动态"] if newest == 200 else []  # among the 200 newest, not the 3 or 12
    hbj = next(d for d in edited.departments if d.slug == "hbj")
    assert made_titles == [f"{hbj.record.name}:修订动态", *whole]
    changed = {path for path in expected if expected[path] != expected_edited[path]}
    assert changed == {"departments/hbj/feed.xml", *([wording.FEED] if whole else [])}
    now = {p.name for p in (cache / FOLDER).iterdir()}
    assert len(now) == len(kept) and len(now - kept) == 1 + len(whole)  # the old entries pruned


def feeds_made_by(monkeypatch: pytest.MonkeyPatch, build) -> tuple[list[str], dict[str, bytes]]:
    """The titles of the feeds build made (not taken from the cache), and what it wrote."""
    titles: list[str] = []
    make = feeds.feed_xml

    def counted(edition: Edition, title: str, page_url: str, changes: list | None = None) -> bytes:
        titles.append(title)
        return make(edition, title, page_url, changes)

    with monkeypatch.context() as patch:
        patch.setattr(feeds, "feed_xml", counted)
        files = build()
    return titles, files


def test_a_damaged_kept_feed_is_made_again(tmp_path):
    edition = make_edition(load_valid(SAMPLE), "public")
    cache = tmp_path / "cache"
    written(edition, tmp_path / "first", cache)
    for path in (cache / FOLDER).iterdir():
        path.write_bytes(b"not json\n<feed/>")
    (cache / FOLDER / ".left-by-a-killed-build.part").write_bytes(b"")
    assert written(edition, tmp_path / "again", cache) == made_anew(edition)
    assert not list((cache / FOLDER).glob("*.part"))
