"""A draft's own pages, per language version (the primary, draft.md, first): its current
text with the comments on its elements, then its revisions, redlines and redirects.

The text page is built here, with what it shows beside the text: the "Plain words" of its
glossary and what the comment widget needs while the draft is in discussion. So are what
every page of a language version shares: the timeline, and the language switch that each
page of a draft in several languages carries.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from site_builder.discussion import inject_threads
from site_builder.i18n import format_day
from site_builder.ids import page_labels
from site_builder.languages import language_name
from site_builder.lifecycle import Problem
from site_builder.limits import MAX_BODY
from site_builder.mkdocs.context import LanguageVersion, PageSpec, SiteContext, Switch
from site_builder.mkdocs.indexes import language_entry, listed_language
from site_builder.mkdocs.redirects import redirect_specs
from site_builder.mkdocs.redlines import Redlines, redline_specs, redline_srcs
from site_builder.mkdocs.revisions import (
    before,
    compares,
    redline_src,
    redline_url,
    revision_specs,
    revision_view,
)
from site_builder.mkdocs.timeline import removal_view, timeline
from site_builder.render import Edition, Published
from site_builder.urls import TRACK_SRC, comments_src, draft_src, revision_src

# The comments shown on each element of a draft's text, by eId ("": orphaned).
Threads = dict[str, list[dict[str, Any]]]


def draft_specs(
    site: SiteContext, drafts: Sequence[Published], threads: dict[str, Threads]
) -> list[PageSpec]:
    """Every page of every draft: per language version its text, revisions and redlines,
    and draft.md's redirects.

    Args:
        site: the site the pages are built for.
        drafts: the published drafts.
        threads: per draft (by slug), the comments shown on each element of its text.
    """
    specs: list[PageSpec] = []
    for published in drafts:
        specs.extend(_draft_pages(site, published, threads.get(published.draft.slug)))
    return specs


def _draft_pages(
    site: SiteContext, published: Published, threads: Threads | None
) -> list[PageSpec]:
    """Per language version (the primary first): the text, revisions and redlines."""
    pages: list[PageSpec] = []
    # Every page of every language version, for the language switch on each of them.
    known: set[str] = set()
    # Each language's redline pages, for the switch on a redline: a revision may change
    # one version's text and not another's, so its redline starts from another revision
    # in each language.
    redlines: Redlines = {}
    if published.languages:
        for language in (None, *published.languages):
            known |= _sources(published, language)
            redlines[language] = redline_srcs(published, language)
    for language in (None, *published.languages):
        switch = partial(_switch, site, published, language, known)
        pages.extend(_language_pages(site, published, language, threads, switch, redlines))
    return pages


def _language_pages(
    site: SiteContext,
    published: Published,
    language: str | None,
    threads: Threads | None,
    switch: Switch,
    redlines: Redlines,
) -> list[PageSpec]:
    """The pages of one language version: `language` None for the primary (draft.md).

    `switch` gives a page's links to its other language versions from its source path
    in each language; `redlines` the redline pages of each language, for a redline's
    switch."""
    _, current = published.editions(language)
    entry = language_entry(site, published, language)
    common = {"draft": entry, "timeline": _timeline(site, published, language)}
    version = LanguageVersion(published, language, entry, common, switch)
    pages: list[PageSpec] = []
    if current is not None:
        pages.append(_text_page(site, version, current, threads))
    pages.extend(revision_specs(site, version))
    if language is None:  # only draft.md's pages were ever published at a move's sha
        pages.extend(redirect_specs(site, published))
    pages.extend(redline_specs(site, version, redlines))
    return pages


def _text_page(
    site: SiteContext, version: LanguageVersion, current: Edition, threads: Threads | None
) -> PageSpec:
    """The current text of one language version, with the comments on its elements
    (the same in every language: the elements have the same eIds)."""
    published, language, entry = version.published, version.language, version.entry
    draft = published.draft
    editions, _ = published.editions(language)
    spans = [(old, new) for old, new, kind in compares(editions) if kind == "span"]
    first_to_latest = spans[0] if spans else None
    summary = f'<div class="lt-summary"><p>{html.escape(entry["summary"])}</p></div>\n'
    here = site.url(draft_src(draft.slug, language))
    count = 0
    orphaned = 0
    if threads:
        # A campaign's copies are one entry of a thread, counted once per copy.
        orphaned = sum(e["copies"] for e in threads.get("", []))
        count = sum(e["copies"] for entries in threads.values() for e in entries)
    return PageSpec(
        draft_src(draft.slug, language),
        entry["title"],
        "lawtrail/draft.html",
        partial(_current_text, summary, current, threads, here, site.language),
        in_nav=language == listed_language(site, published),
        search=True,
        toc_tokens=current.rendering.toc_tokens,
        data={
            **version.common,
            "glossary": _glossary_list(published, language),
            "dirty": draft.dirty,
            "comments_url": site.url(comments_src(draft.slug)),
            "comment_count": count,
            "orphaned": orphaned,
            "commenting": _commenting(site, published, language),
            "first_to_latest": redline_url(site, draft.slug, *first_to_latest, language)
            if first_to_latest
            else None,
            "languages": version.switch(partial(draft_src, draft.slug)),
            "version": language,  # the language version it shows (None: draft.md)
        },
        updated=draft.latest.revision.date if draft.latest else None,
        lang=site.text_lang(entry["language"]),
        title_lang=site.text_lang(entry["language"]),
    )


def _current_text(
    summary: str, current: Edition, threads: Threads | None, here: str, language: str
) -> tuple[str, dict[str, Any]]:
    """A draft page's HTML: the summary, then the text with its comment threads (in the
    site's `language`)."""
    text = current.html
    return summary + (inject_threads(text, threads, here, language) if threads else text), {}


def _switch(
    site: SiteContext,
    published: Published,
    here: str | None,
    known: set[str],
    src_of: Callable[[str | None], str],
) -> list[dict[str, Any]]:
    """Links to the same page in the draft's other language versions, where it exists
    in them; empty for a draft in one language.

    Args:
        site: the site the pages are built for.
        published: the draft.
        here: the language of the page that links (None: the primary).
        known: the source paths of every page of every language version.
        src_of: the source path of the page in a language (None: the primary).
    """
    if not published.languages:
        return []
    primary = published.draft.meta.language or ""
    links = []
    for language in (None, *published.languages):
        src = src_of(language)
        if src in known:
            code = language or primary
            links.append(
                {
                    "code": code,
                    "name": language_name(code),
                    "url": site.url(src),
                    "current": language == here,
                }
            )
    return links if len(links) > 1 else []


def _sources(published: Published, language: str | None) -> set[str]:
    """Source paths of the text, revision and redline pages a language version has."""
    slug = published.draft.slug
    editions, current = published.editions(language)
    shas = [e.version.revision.sha for e in editions if e.version]
    found = {revision_src(slug, sha, language) for sha in shas}
    found |= {redline_src(slug, a, b, language) for a, b, _ in compares(editions)}
    if current is not None:
        found.add(draft_src(slug, language))
    return found


def _commenting(
    site: SiteContext, published: Published, language: str | None
) -> dict[str, Any] | None:
    """What the comment widget needs, on drafts in discussion with a committed text.

    Whether the window is open today is for the browser (and the intake) to decide.
    On a language version the widget also names the language, whose words quotes are."""
    draft = published.draft
    window = draft.meta.discussion
    _, current = published.editions(language)
    if (
        site.intake_url is None
        or draft.meta.stage != "discussion"
        or window is None
        or draft.dirty
        or draft.latest is None
        or draft.removed is not None
        or current is None
    ):
        return None
    return {
        "intake": site.intake_url,
        "draft": draft.slug,
        # The revision in force: its text is what the reader comments on.
        "revision": (draft.in_force or draft.latest).revision.sha,
        "language": language,
        "opens": window.opens.isoformat(),
        "closes": window.closes.isoformat(),
        "max_body": MAX_BODY,
        "track": site.url(TRACK_SRC),  # where "Follow your comment" leads
        # Only a page that takes comments names its elements for the script, in one
        # map: labels on every element of every revision page weighed a fifth of a
        # long code's HTML.
        "labels": {
            # A language version names its elements in its own words; the primary
            # text in the site's.
            element.eid: page_labels(element.path, language or site.language)
            for element in current.rendering.outline.elements
        },
    }


def _glossary_list(published: Published, language: str | None = None) -> dict[str, str]:
    """The "Plain words" under a draft's text in `language` (None: the primary): the terms
    of its own glossary, and the site's that its text uses."""
    parallel = published.languages.get(language) if language else None
    glossary = published.glossary_of(language)
    _, current = published.editions(language)
    text = parallel.text if parallel is not None else None
    own_terms = published.draft.meta.glossary
    if text is not None and text.meta.glossary is not None:
        own_terms = text.meta.glossary  # it has its own: the draft's are not its terms
    own = {" ".join(term.split()).casefold() for term in own_terms or {}}
    marked = set(current.rendering.terms) if current else set()
    return {
        term: meaning
        for term, meaning in glossary.terms.items()
        if term in marked or " ".join(term.split()).casefold() in own
    }


def _timeline(site: SiteContext, published: Published, language: str | None) -> dict[str, Any]:
    """The draft's timeline, its revisions linking to their text in `language` where
    that revision has that language version, else to the primary's."""
    slug = published.draft.slug
    editions, _ = published.editions(language)
    own = {e.version.number: e for e in editions if e.version}
    previous, primary_previous = before(editions), before(published.versions)
    count = len(published.versions)

    def shown(edition: Edition) -> dict[str, Any]:
        assert edition.version is not None
        number = edition.version.number
        if number in own:
            return revision_view(site, slug, own[number], previous.get(number), count, language)
        return revision_view(site, slug, edition, primary_previous.get(number), count)

    return timeline(
        published,
        site.steps(published),
        shown,
        partial(removal_view, day=site.day),
        site.stage_label,
        partial(_breach, site),
    )


def _breach(site: SiteContext, problem: Problem) -> str:
    """A rule a commit broke, in the site's language, with its stages and days."""
    params = {
        key: site.stage_label(value)
        if key in ("stage", "before")
        else format_day(value, site.language)
        for key, value in problem.params.items()
    }
    return site.gettext(problem.message) % params
