"""The Atom feeds as files of the site, and the links that advertise them on its pages.

What the feeds say is the core's (`feeds`, `atom`); here they get their absolute addresses,
which Atom needs for ids and which only the site's `site_url` can give.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import chain
from typing import Any

from site_builder.atom import write_atom
from site_builder.feeds import draft_entries, draft_feed, feed_language, feed_versions, site_feed
from site_builder.mkdocs.context import PageSpec, SiteContext
from site_builder.mkdocs.indexes import listed_language
from site_builder.render import Published
from site_builder.urls import SITE_FEED, draft_feed_path, url_of


def feed_files(
    site: SiteContext, drafts: Sequence[Published], site_name: str, site_url: str
) -> dict[str, bytes]:
    """Every feed by its site-relative path: the site's, and one per draft with a commit.

    Args:
        site: the site's language, time zone and URL style.
        drafts: the published drafts.
        site_name: the site's name, the site feed's author and the start of its title.
        site_url: the site's absolute address (mkdocs.yml's `site_url`).
    """
    absolute = _absolute(site_url, site.directory_urls)
    files: dict[str, bytes] = {}
    entries = []
    for published in drafts:
        steps = site.steps(published)
        listed = listed_language(site, published)
        for version in feed_versions(published):
            found = draft_entries(published, steps, version)
            if version == listed:  # the site's feed follows the text its index lists
                entries.append(found)
            words = feed_language(version, site.language)
            feed = draft_feed(published, found, words, version)
            if feed is not None:
                labels = site if words == site.language else site.speaking(words)
                files[feed.path] = write_atom(feed, absolute, words, labels.stage_label)
    every = site_feed(chain.from_iterable(entries), site_name, site.language)
    if every is not None:
        files[every.path] = write_atom(every, absolute, site.language, site.stage_label)
    return files


def advertise(specs: Iterable[PageSpec], written: set[str], site: SiteContext) -> None:
    """Give the drafts index (and its filtered copies) the site feed, and each draft's
    text pages its own feed too: `lawtrail.feeds`, for a `<link rel="alternate">` in the
    head and a visible link."""
    _ = site.gettext
    every = {"url": SITE_FEED, "title": _("Follow all drafts (Atom feed)")}
    for spec in specs:
        feeds: list[dict[str, Any]] = []
        if spec.template == "lawtrail/draft.html":
            own = draft_feed_path(spec.data["draft"]["slug"], spec.data.get("version"))
            if own in written:
                feeds.append({"url": own, "title": _("Follow this draft (Atom feed)")})
        if spec.template in ("lawtrail/draft.html", "lawtrail/index.html") and SITE_FEED in written:
            feeds.append(every)
        if feeds:
            spec.data["feeds"] = feeds


def _absolute(site_url: str, directory_urls: bool) -> Callable[[str], str]:
    """The absolute address of a page's source path (`drafts/x/index.md`) or a file's path."""
    base = site_url.rstrip("/") + "/"

    def absolute(path: str) -> str:
        url = url_of(path, directory_urls) if path.endswith(".md") else path
        return base + ("" if url == "./" else url)

    return absolute
