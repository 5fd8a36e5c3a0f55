"""A draft's revisions on its pages: a page per revision with the text as it was, a
revision as every page shows it, and which revisions a language version's redlines compare.

A revision may change one language version's text and not another's, so each version has
its own redlines: between the revisions that changed its text (`compares`), each starting
from the one before the change there (`before`).
"""

from __future__ import annotations

from functools import partial
from itertools import pairwise
from typing import Any

from site_builder.mkdocs.context import LanguageVersion, PageSpec, SiteContext
from site_builder.render import Edition, text_changes
from site_builder.urls import compare_src, draft_src, revision_src


def revision_specs(site: SiteContext, version: LanguageVersion) -> list[PageSpec]:
    """A page per committed edition of one language version: the text as it was then."""
    slug, language, entry = version.slug, version.language, version.entry
    editions, _ = version.published.editions(language)
    previous = before(editions)
    count = len(version.published.versions)
    _ = site.gettext
    pages: list[PageSpec] = []
    for edition in editions:
        committed = edition.version
        assert committed is not None
        sha = committed.revision.sha
        pages.append(
            PageSpec(
                revision_src(slug, sha, language),
                _("%(title)s — revision %(number)d")
                % {"title": entry["title"], "number": committed.number},
                "lawtrail/revision.html",
                partial(_edition_text, edition),
                toc_tokens=edition.rendering.toc_tokens,
                data={
                    **version.common,
                    "revision": revision_view(
                        site, slug, edition, previous.get(committed.number), count, language
                    ),
                    "languages": version.switch(partial(revision_src, slug, sha)),
                },
                updated=committed.revision.date,
                lang=site.text_lang(entry["language"]),
                nav_draft=draft_src(slug),
            )
        )
    return pages


def revision_view(
    site: SiteContext,
    slug: str,
    edition: Edition,
    previous: Edition | None,
    count: int,
    language: str | None = None,
) -> dict[str, Any]:
    """A revision as pages show it, linking to its pages in `language`; `previous` is
    the edition before it there, for the link to what it changed; `count` the draft's
    number of revisions."""
    version = edition.version
    assert version is not None
    rev = version.revision
    return {
        "number": version.number,
        "count": count,
        "sha": rev.sha,
        "short": rev.short,
        "date": site.day(rev.date),
        "author": rev.author,
        "subject": rev.subject,
        "message": rev.message,
        "stage": version.stage,
        "stage_label": site.stage_label(version.stage),
        "url": site.url(revision_src(slug, rev.sha, language)),
        "compare_url": redline_url(site, slug, previous, edition, language) if previous else None,
    }


def compares(editions: list[Edition]) -> list[tuple[Edition, Edition, str]]:
    """The redlines of one language version, never an empty one, each with what it shows:
    "step", the change a revision made to its text, or "span", from its first text to its
    latest."""
    changes = text_changes(editions)
    found = [(old, new, "step") for old, new in pairwise(changes)]
    if len(changes) > 2:
        found.append((changes[0], changes[-1], "span"))
    return found


def before(editions: list[Edition]) -> dict[int, Edition]:
    """For each revision that changed the text of a language version, by number, its
    edition before the change: what the revision's redline there starts from."""
    return {new.version.number: old for old, new in pairwise(text_changes(editions)) if new.version}


def redline_src(slug: str, old: Edition, new: Edition, language: str | None = None) -> str:
    """The source path of the redline from one edition to another."""
    assert old.version is not None and new.version is not None
    return compare_src(slug, old.version.revision.sha, new.version.revision.sha, language)


def redline_url(
    site: SiteContext, slug: str, old: Edition, new: Edition, language: str | None = None
) -> str:
    """The site-relative address of the redline from one edition to another."""
    return site.url(redline_src(slug, old, new, language))


def _edition_text(edition: Edition) -> tuple[str, dict[str, Any]]:
    """A revision page's HTML: the text as it was."""
    return edition.html, {}
