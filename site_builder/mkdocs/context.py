"""What every page builder shares: the `PageSpec` each generated page is, and the
`SiteContext` it is built in (dates' time zone, URL style, the site's language and its
words, and each draft's lifecycle steps).

A `PageSpec` says where a page lives, which template shows it, the HTML that goes into
`page.content` (what search indexes) and the data its template reads. The builders
(`indexes`, `draft_pages`, `revisions`, `redlines`, `redirects`, `record`, `tracking`) are
functions that take a `SiteContext` and return specs; the plugin turns them into files.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from site_builder.i18n import translations
from site_builder.lifecycle import STAGE_LABELS, Step, read_steps
from site_builder.render import Published
from site_builder.urls import url_of

# A page's links to the same page in the draft's other language versions, from a function
# that gives its source path in a language (None: the primary).
Switch = Callable[[Callable[[str | None], str]], list[dict[str, Any]]]


@dataclass(frozen=True)
class LanguageVersion:
    """One language version of a draft as each of its pages shows it."""

    published: Published
    language: str | None  # None: the primary text, draft.md
    entry: dict[str, Any]  # the draft's index entry in this version's words: title, language
    common: dict[str, Any]  # what every page of the version shows: the entry, the timeline
    switch: Switch  # a page's links to the same page in the other language versions

    @property
    def slug(self) -> str:
        """The draft's slug."""
        return self.published.draft.slug


@dataclass
class PageSpec:
    """One generated page."""

    src_uri: str
    title: str
    template: str
    # HTML for page.content (what search indexes), or a function that makes it and the data
    # that depends on it when MkDocs builds the page: a build of a long code's every
    # revision and redline must not hold all their HTML at once.
    content: str | Callable[[], tuple[str, dict[str, Any]]]
    in_nav: bool = False
    search: bool = False
    toc_tokens: list[dict[str, Any]] | None = None
    data: dict[str, Any] = field(default_factory=dict)
    updated: datetime | None = None
    # The language of the draft's text on this page where it is not the site's: the page
    # meta `lang` that the nav and the table of contents mark their entries with.
    lang: str | None = None
    # The draft page this page belongs under, on pages too many to carry the whole nav
    # (revisions, redlines, comments, reviews): their nav lists only that draft.
    nav_draft: str | None = None
    # Pages that only lead elsewhere: `noindex` for search engines, and not in sitemap.xml.
    noindex: bool = False
    # The draft's text language where the page's title is the draft's own (its text page): the meta
    # `title_lang` that the header and the footer's links mark that title with.
    title_lang: str | None = None

    def build(self) -> tuple[str, dict[str, Any]]:
        """The page's HTML and its template data, made now if they were left for later."""
        if callable(self.content):
            html, late = self.content()
            return html, {**self.data, **late}
        return self.content, self.data

    def source(self) -> str:
        """The Markdown source MkDocs reads: front matter only; content comes from us."""
        meta: dict[str, Any] = {"title": self.title, "template": self.template}
        if not self.search:
            meta["search"] = {"exclude": True}
        if self.lang:
            meta["lang"] = self.lang
        if self.noindex:
            meta["robots"] = "noindex"  # the templates and sitemap.xml read it
        if self.title_lang:
            meta["title_lang"] = self.title_lang
        # JSON is YAML, and json.dumps is many times faster than yaml.safe_dump.
        return "---\n" + json.dumps(meta, ensure_ascii=False, sort_keys=True) + "\n---\n"


class SiteContext:
    """The site that pages are built for: dates' time zone, URL style, the intake's
    address and the site's language, whose words Lawtrail's own text is in."""

    def __init__(
        self,
        timezone: str,
        use_directory_urls: bool,
        intake_url: str | None = None,
        language: str = "en",
    ) -> None:
        self.intake_url = intake_url.rstrip("/") if intake_url else None
        self.tz = ZoneInfo(timezone)
        self.timezone = timezone
        self.directory_urls = use_directory_urls
        self._steps: dict[str, list[Step]] = {}
        self.language = language
        catalog = translations(language)
        self.gettext = catalog.gettext
        self.ngettext = catalog.ngettext

    def speaking(self, language: str) -> SiteContext:
        """The same site with Lawtrail's words in another language (a version's feed)."""
        return SiteContext(self.timezone, self.directory_urls, self.intake_url, language)

    def stage_label(self, stage: str | None) -> str:
        """A stage's name in the site's language: "На публичном обсуждении"."""
        _ = self.gettext
        return _(STAGE_LABELS[stage]) if stage in STAGE_LABELS else _("Unknown stage")

    def text_lang(self, language: str | None) -> str | None:
        """The `lang` of a draft's text in `language` where it differs from the site's
        (None: the draft declares none, so it is in the site's language)."""
        if language and language.lower() != self.language.lower():
            return language
        return None

    def url(self, src_uri: str) -> str:
        """Site-relative URL of a generated page."""
        return url_of(src_uri, self.directory_urls)

    def day(self, moment: datetime) -> str:
        """A commit date as the day it was in the site's time zone."""
        return moment.astimezone(self.tz).date().isoformat()

    def steps(self, published: Published) -> list[Step]:
        """The draft's commits as steps of its lifecycle, read once per build."""
        slug = published.draft.slug
        if slug not in self._steps:
            self._steps[slug] = read_steps(published.draft.versions, self.timezone)
        return self._steps[slug]
