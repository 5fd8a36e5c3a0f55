"""What the Atom feeds say: a draft's revisions and stage changes, from its history.

A follower is told of every commit of a draft that changed its text (a revision) or moved
its stage (initiated, discussion, adopted, ...); a commit that only moved the discussion
window or edited details is on the timeline but not in the feeds. Each entry is the commit
as data: its date, author and message come from git, never from the clock, so two builds
of one commit give the same feeds. `atom` writes them; the engine layer decides where.

A parallel language version (draft.kk.md) has a feed of its own: the commits that changed
its text or moved the stage while it existed, linking to its pages, under its title.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from site_builder.i18n import shipped, translations
from site_builder.lifecycle import Step
from site_builder.render import Edition, Published, text_changes
from site_builder.urls import (
    SITE_FEED,
    compare_src,
    draft_feed_path,
    draft_src,
    revision_src,
)

# A feed says what is new: readers keep what they have read, and the timeline of each draft
# holds its whole history. 50 entries cover months of activity on a busy site.
FEED_ENTRIES = 50


@dataclass(frozen=True)
class FeedEntry:
    """One commit of a draft as a feed tells it: a revision, a stage move, or both."""

    slug: str
    draft_title: str  # in the language of the version the entry links to
    language: str | None  # draft.md's language, its commit messages'; None: the site's
    sha: str
    date: dt.datetime  # the commit's author date (UTC)
    day: dt.date  # the same in the site's time zone, as pages show it
    author: str
    message: str  # the whole commit message: what changed and why, in the draft's language
    number: int  # the revision in force after the commit
    revision: bool  # it changed the text
    stage: str | None  # the stage it moved the draft to; None when the stage stayed
    address: str  # source path of the commit's own revision page: its permanent id
    page: str  # source path of the text in force after it (its revision page)
    draft_page: str  # source path of the draft's current text
    redline: str | None  # source path of the redline of what it changed, if it has one
    before: int | None  # the revision that redline starts from
    # The language of the version whose title and pages it gives (None: draft.md's).
    text_language: str | None = None

    @property
    def subject(self) -> str:
        """The first line of the commit message."""
        return self.message.split("\n", 1)[0]


def draft_entries(
    published: Published, steps: Sequence[Step], language: str | None = None
) -> list[FeedEntry]:
    """A draft's revisions and stage moves, newest first.

    Args:
        published: the draft with its editions (which revisions changed its text).
        steps: its lifecycle steps, one per committed version (`lifecycle.read_steps`).
        language: a parallel language version: the commits while it existed that changed
            its own text or moved the stage, linking to its pages (None: draft.md's).
    """
    draft = published.draft
    slug = draft.slug
    parallel = published.languages.get(language) if language else None
    title = draft.meta.title
    if parallel is not None and parallel.text is not None:
        title = parallel.text.meta.title
    editions, _ = published.editions(language)
    # A revision that changed only another version's text has no redline in this one.
    changes = text_changes(editions)
    changed = {e.version.number for e in changes if e.version is not None}
    before = {new.version.number: old for old, new in pairwise(changes) if new.version}
    entries: list[FeedEntry] = []
    for step in steps:
        version = step.version
        moved = step.stage_moved
        in_force: Edition | None = published.in_force(version)
        if parallel is not None:
            in_force = parallel.in_force(version)
            if in_force is None:
                continue  # this version did not exist yet: its pages do not either
        # A revision of this version's text (a stage move shares its number with the
        # revision in force, and changes no text).
        ours = version.changes_text and (parallel is None or version.number in changed)
        if not (ours or moved):
            continue
        assert in_force is not None and in_force.version is not None
        old = before.get(version.number) if ours else None
        old_version = old.version if old is not None else None
        commit = version.revision
        entries.append(
            FeedEntry(
                slug=slug,
                draft_title=title,
                language=draft.meta.language,
                sha=commit.sha,
                date=commit.date,
                day=step.day,
                author=commit.author,
                message=commit.message.strip(),
                number=version.number,
                revision=ours,
                stage=version.stage if moved else None,
                address=revision_src(slug, commit.sha, language),
                page=revision_src(slug, in_force.version.revision.sha, language),
                draft_page=draft_src(slug, language),
                redline=compare_src(slug, old_version.revision.sha, commit.sha, language)
                if old_version is not None
                else None,
                before=old_version.number if old_version is not None else None,
                text_language=language,
            )
        )
    return newest_first(entries)


def newest_first(entries: Iterable[FeedEntry], limit: int = FEED_ENTRIES) -> list[FeedEntry]:
    """At most `limit` entries, newest commit first; ties in a fixed order (the slug,
    then the sha), so a feed of several drafts is the same at every build."""
    ordered = sorted(entries, key=lambda e: (e.slug, e.sha))
    ordered.sort(key=lambda e: e.date, reverse=True)
    return ordered[:limit]


@dataclass(frozen=True)
class Feed:
    """One Atom feed: where it is, what it follows, and its entries, newest first."""

    path: str  # site-relative path of the file, also its URL
    title: str
    title_language: str | None  # the title's language where it is a draft's, not the site's
    subtitle: str  # in the site's language
    page: str  # source path of the page it follows (the index, or the draft's text)
    author: str  # the site, or the agency that drafts
    author_language: str | None
    entries: tuple[FeedEntry, ...]
    several: bool  # entries of several drafts: each entry's title names its draft


def site_feed(entries: Iterable[FeedEntry], site_name: str, language: str) -> Feed | None:
    """The feed of every draft's revisions and stage moves, in the site's `language`;
    None while no draft has a commit."""
    _ = translations(language).gettext
    newest = newest_first(entries)
    if not newest:
        return None
    return Feed(
        SITE_FEED,
        _("%(site)s: revisions and stage changes") % {"site": site_name},
        None,
        _("Every revision and stage change of the drafts, newest first."),
        "index.md",
        site_name,
        None,
        tuple(newest),
        several=True,
    )


def draft_feed(
    published: Published,
    entries: Sequence[FeedEntry],
    language: str,
    version: str | None = None,
) -> Feed | None:
    """The feed of one draft, its title and agency in its own language; None while it has
    no commit.

    Args:
        published: the draft.
        entries: its entries (`draft_entries` in `version`).
        language: the language of Lawtrail's own words in it (`feed_language`).
        version: a parallel language version: its feed, under its title (None: draft.md's).
    """
    if not entries:
        return None
    _ = translations(language).gettext
    meta = published.draft.meta
    title, title_language = meta.title, meta.language
    agency, agency_language = meta.agency, meta.language
    parallel = published.languages.get(version) if version else None
    if parallel is not None and parallel.text is not None:
        title, title_language = parallel.text.meta.title, parallel.language
        if parallel.text.meta.agency:
            agency, agency_language = parallel.text.meta.agency, parallel.language
    return Feed(
        draft_feed_path(published.draft.slug, version),
        title,
        title_language,
        _("Revisions and stage changes of this draft, newest first."),
        draft_src(published.draft.slug, version),
        agency,
        agency_language,
        tuple(entries),
        several=False,
    )


def feed_versions(published: Published) -> list[str | None]:
    """The versions of a draft that have a feed: draft.md (None), then each parallel
    version that has a current text (one deleted keeps its pages, not a feed)."""
    found = [code for code, p in published.languages.items() if p.current and p.text]
    return [None, *found]


def feed_language(version: str | None, site_language: str) -> str:
    """The language of Lawtrail's words in a version's feed: the version's own where
    Lawtrail is translated into it (a Kazakh feed says "5-редакция" on a Russian site
    too), else the site's."""
    if version is not None and shipped(version) == version.split("-")[0].lower():
        return shipped(version)
    return site_language
