"""Change notices as Atom feeds (RFC 4287): feed.xml for the whole catalogue (beside the home page) and one per
department (beside its page), each with an entry per revision of a public power, newest first, saying what the
修订动态 page says: the kind of revision (新增, 变更, 暂停, 取消), the power's name and code, the note.

Every time comes from a revision date, so two builds of the same catalogue give the same bytes; an entry's id is
the power's page with the revision's date, which no later revision changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from feedgen.feed import FeedGenerator

from generator.core.edition import Edition, EditionDepartment
from generator.outputs import wording
from generator.outputs.bidi import visible_controls
from generator.outputs.feedcache import FOLDER, KeptFeeds, Made, Ref
from generator.outputs.opendata import updated
from generator.outputs.site.pages import LATEST_ON_CHANGES, Change, changes_of, site_title

CHINA = dt.timezone(dt.timedelta(hours=8), "CST")


def _time(day: dt.date) -> dt.datetime:
    """Midnight of a revision date, Beijing time."""
    return dt.datetime.combine(day, dt.time(), CHINA)


def entry_ids(changes: list[Change], root: str) -> list[str]:
    """Each change's id: its power's page and revision date (and its place among the revisions of that day)."""
    ids = []
    for change in changes:
        page = wording.absolute_url(root, wording.power_url(change.power.code))
        same_day = [r for r in change.power.record.revisions if r.date == change.revision.date]
        nth = same_day.index(change.revision) + 1
        ids.append(f"{page}#revision-{change.revision.date.isoformat()}" + (f"-{nth}" if nth > 1 else ""))
    return ids


def feed_xml(edition: Edition, title: str, page_url: str, changes: list[Change] | None = None) -> bytes:
    """The feed of an edition's revisions (the whole edition, or one department's), for the page at page_url; changes
    are its newest revisions when already known."""
    root = wording.safe_url(edition.catalogue.site_url)
    changes = changes_of(edition, LATEST_ON_CHANGES) if changes is None else changes
    feed = FeedGenerator()
    page = wording.absolute_url(root, page_url)
    feed.id(page)
    feed.title(visible_controls(title))
    feed.author({"name": visible_controls(edition.catalogue.name)})
    feed.link(href=page, rel="alternate", type="text/html")
    feed.link(href=page + wording.FEED, rel="self", type="application/atom+xml")
    feed.language("zh-CN")
    newest = changes[0].revision.date if changes else updated(edition)
    feed.updated(_time(newest))
    for change, entry_id in zip(changes, entry_ids(changes, root), strict=True):
        power, revision = change.power, change.revision
        kind = wording.revision_kind(power.record, revision)
        entry = feed.add_entry(order="append")
        entry.id(entry_id)
        entry.title(visible_controls(f"{kind}:{power.record.name}({power.code})"))
        entry.link(href=wording.absolute_url(root, wording.power_url(power.code)), rel="alternate", type="text/html")
        entry.updated(_time(revision.date))
        entry.published(_time(revision.date))
        entry.category(term=kind)
        summary = f"{wording.web_date(revision.date)} {kind}:{revision.note}(实施部门:{power.department.name})"
        entry.summary(visible_controls(summary), type="text")
    return feed.atom_str(pretty=True)


def department_feed(edition: Edition, dept: EditionDepartment) -> bytes:
    return _department_made(edition, dept)[0]


def _department_made(edition: Edition, dept: EditionDepartment) -> Made:
    """A department's feed, and its newest changes as the catalogue's feed orders them (less the department)."""
    alone = replace(edition, departments=[dept])
    changes = changes_of(alone, LATEST_ON_CHANGES)
    places = {id(power): number for number, power in enumerate(dept.powers)}
    refs: list[list[int | str]] = []
    for change in changes:
        revisions = change.power.record.revisions
        revision = next(n for n, r in enumerate(revisions) if r is change.revision)
        date, code, note = -change.revision.date.toordinal(), change.power.code, change.revision.note
        refs.append([date, code, note, places[id(change.power)], revision])
    feed = feed_xml(alone, f"{dept.record.name}:修订动态", wording.department_url(dept.slug), changes)
    return feed, refs


def write_feeds(edition: Edition, site_dir: Path, cache: Path | None = None) -> int:
    """feed.xml beside the home page and beside each department's page; how many feeds. With a cache folder, each
    feed is kept there (feedcache.py) and made again only when what it is made of changed."""
    kept = KeptFeeds(edition, cache / FOLDER if cache else None)
    newest: list[Ref] = []
    for number, dept in enumerate(edition.departments):
        feed, refs = kept.get(kept.department_key(dept), lambda dept=dept: _department_made(edition, dept))
        newest += [(int(r[0]), str(r[1]), str(r[2]), number, int(r[3]), int(r[4])) for r in refs]
        folder = site_dir / wording.department_page_path(dept.slug).removesuffix("index.md")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / wording.FEED).write_bytes(feed)
    (site_dir / wording.FEED).write_bytes(_whole_feed(edition, kept, newest))
    kept.prune()
    return 1 + len(edition.departments)


def _whole_feed(edition: Edition, kept: KeptFeeds, newest: list[Ref]) -> bytes:
    """The catalogue's feed: the newest of the departments' newest changes (each has the catalogue's newest of its
    own), in the order changes_of gives them."""
    listed = []
    for _, _, _, dept, power, revision in sorted(newest)[:LATEST_ON_CHANGES]:
        listed.append((edition.departments[dept].powers[power], revision))
    changes = [Change(power, power.record.revisions[revision]) for power, revision in listed]
    title = f"{site_title(edition)}:修订动态"
    key = kept.whole_key(listed, "" if listed else updated(edition).isoformat())
    return kept.get(key, lambda: (feed_xml(edition, title, wording.HOME, changes), []))[0]
