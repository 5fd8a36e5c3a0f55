"""The pages Lawtrail generates: indexes, and per draft its text, revisions and redlines.

Each page is a `PageSpec`: where it lives, which template shows it, the HTML that goes
into `page.content` (what search indexes) and the data its template reads.
"""

from __future__ import annotations

import html
import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from site_builder.discussion import inject_threads
from site_builder.frontmatter import STAGES
from site_builder.history import Removal
from site_builder.i18n import N_, format_day, translations
from site_builder.ids import page_labels
from site_builder.languages import language_name
from site_builder.lifecycle import (
    STAGE_LABELS,
    Held,
    Problem,
    Step,
    held_discussion,
    read_steps,
)
from site_builder.limits import MAX_BODY
from site_builder.mkdocs.timeline import held_view, timeline
from site_builder.redline import (
    Sides,
    count_words,
    redline,
    render_redline,
    summarize_changes,
)
from site_builder.render import Edition, Published, text_changes
from site_builder.urls import (
    TRACK_SRC,
    agency_src,
    comments_src,
    compare_src,
    draft_src,
    relative_url,
    revision_src,
    stage_src,
    url_of,
)

# Kinds of act the front matter commonly names: shown in the site's language; others as written.
KIND_LABELS = {
    "law": N_("law"),
    "code": N_("code"),
    "regulation": N_("regulation"),
    "order": N_("order"),
    "decree": N_("decree"),
    "resolution": N_("resolution"),
}
# Drafts open for comment come first on the index; the rest follow the lifecycle.
_STAGE_ORDER = {
    "discussion": 0,
    "revision": 1,
    "initiated": 2,
    "adopted": 3,
    "withdrawn": 4,
    "removed": 5,
}
# What the index lists and filters by: the declared stages, and drafts removed from git.
_LISTED = (*STAGES, "removed")


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
    """Turns published drafts into page specs; knows dates' time zone, URL style and the
    site's language."""

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

    def specs(
        self,
        drafts: Sequence[Published],
        home: bool,
        threads: dict[str, dict[str, list[dict[str, Any]]]] | None = None,
    ) -> list[PageSpec]:
        """Every page: indexes, and per draft its text, revisions and redlines.

        `threads` holds, per draft, the comments shown on each element of its text."""
        ordered = self.ordered(drafts)
        entries = [self._language_entry(p, self.listed_language(p)) for p in ordered]
        specs = []
        if home:
            specs.append(self._index("index.md", self.gettext("Drafts"), entries, "All drafts"))
        for stage in _LISTED:
            subset = [e for e in entries if e["stage"] == stage]
            if subset:
                specs.append(self._index(stage_src(stage), self.stage_label(stage), subset, stage))
        # Agencies by the name draft.md gives them: a card may show a version's own.
        agencies = [p.draft.meta.agency for p in ordered]
        for agency, _ in sorted(Counter(agencies).items()):
            subset = [e for e, name in zip(entries, agencies, strict=True) if name == agency]
            spec = self._index(agency_src(agency), agency, subset, agency)
            spec.data["title_language"] = self.agency_language(drafts, agency)
            specs.append(spec)
        for published in drafts:
            specs.extend(self._draft_pages(published, (threads or {}).get(published.draft.slug)))
        return specs

    def listed_language(self, published: Published) -> str | None:
        """The language version that lists a draft on this site: the one in the site's
        language, where the draft has it and its current text (None: draft.md)."""
        site = self.language.lower()
        for language, parallel in published.languages.items():
            if parallel.current is not None and language.lower() == site:
                return language
        return None

    def listing(self, published: Published) -> dict[str, Any]:
        """A draft as pages that list it name it: the title, its language and the address
        of the version `listed_language` picks."""
        entry = self._language_entry(published, self.listed_language(published))
        return {key: entry[key] for key in ("title", "language", "url")}

    def ordered(self, drafts: Sequence[Published]) -> list[Published]:
        """Drafts in index order: open for comment first, then along the lifecycle."""
        return sorted(drafts, key=lambda p: _index_order(self._entry(p)))

    def filters(self, drafts: Sequence[Published]) -> dict[str, Any]:
        """Stage and agency filters with counts, as links (they work without JavaScript)."""
        stages: Counter[str] = Counter(_listed_stage(p) for p in drafts)
        agencies = Counter(p.draft.meta.agency for p in drafts)
        lang = partial(self.agency_language, drafts)
        return {
            "stages": [
                {
                    "label": self.stage_label(s),
                    "count": stages[s],
                    "url": self.url(stage_src(s)),
                    "key": s,
                }
                for s in _LISTED
                if stages[s]
            ],
            "agencies": [
                {
                    "label": a,
                    "count": n,
                    "url": self.url(agency_src(a)),
                    "key": a,
                    "language": lang(a),
                }
                for a, n in sorted(agencies.items())
            ],
        }

    def agency_language(self, drafts: Sequence[Published], agency: str) -> str | None:
        """The language an agency's name is written in where it is not the site's: that of
        its drafts' draft.md, when they all have one (else it is not known)."""
        languages = {p.draft.meta.language for p in drafts if p.draft.meta.agency == agency}
        return self.text_lang(languages.pop()) if len(languages) == 1 else None

    def _index(
        self, src: str, title: str, entries: list[dict[str, Any]], selected: str
    ) -> PageSpec:
        data = {"entries": entries, "selected": selected, "home": self.url("index.md")}
        return PageSpec(src, title, "lawtrail/index.html", "", in_nav=src == "index.md", data=data)

    def _entry(self, published: Published) -> dict[str, Any]:
        meta = published.draft.meta
        latest = published.draft.latest
        window = meta.discussion
        stage = _listed_stage(published)
        removed = published.draft.removed
        held = held_discussion(self.steps(published))
        if held is None and not published.draft.versions and window is not None:
            held = Held(window)  # not committed yet: the front matter is all there is
        if held is not None and meta.stage != "discussion":
            window = held.window  # after the discussion, the window that ran: the record
        return {
            "slug": published.draft.slug,
            "title": meta.title,
            "agency": meta.agency,
            "agency_language": meta.language,
            "agency_url": self.url(agency_src(meta.agency)),
            "stage": stage,
            "stage_label": self.stage_label(stage),
            "stage_url": self.url(stage_src(stage)),
            "declared_stage": meta.stage,
            "declared_stage_label": self.stage_label(meta.stage),
            "removed": self._removal(removed) if removed else None,
            "opens": window.opens.isoformat() if window else None,
            "closes": window.closes.isoformat() if window else None,
            "held": held_view(held) if held and meta.stage != "discussion" else None,
            "summary": meta.summary,
            "kind": meta.kind,
            "kind_label": self._kind_label(meta.kind),
            "language": meta.language,
            # Commit messages (and a reason for closing early) are written in draft.md's
            # language, on every language version's pages.
            "message_language": meta.language,
            "url": self.url(draft_src(published.draft.slug)),
            "updated": self.day(latest.revision.date) if latest else None,
            "revisions": len(published.versions),
        }

    def _draft_pages(
        self, published: Published, threads: dict[str, list[dict[str, Any]]] | None
    ) -> list[PageSpec]:
        """Per language version (the primary first): the text, revisions and redlines."""
        pages: list[PageSpec] = []
        # Every page of every language version, for the language switch on each of them.
        known: set[str] = set()
        # Each language's redlines by what they show: the change a revision made ("step")
        # or from the first text to the latest ("span"), and that revision's sha. A
        # revision may change one version's text and not another's, so the redline of a
        # revision starts from another revision in each language.
        redlines: dict[str | None, dict[tuple[str, str], str]] = {}
        if published.languages:
            for language in (None, *published.languages):
                known |= self._sources(published, language)
                redlines[language] = self._redlines(published, language)
        for language in (None, *published.languages):
            switch = partial(self._switch, published, language, known)
            pages.extend(self._language_pages(published, language, threads, switch, redlines))
        return pages

    def _redlines(self, published: Published, language: str | None) -> dict[tuple[str, str], str]:
        """A language version's redline pages by kind ("step" or "span") and new sha."""
        slug = published.draft.slug
        editions, _ = published.editions(language)
        return {
            (kind, _sha(new)): self._compare_src(slug, old, new, language)
            for old, new, kind in _compares(editions)
        }

    def _language_pages(
        self,
        published: Published,
        language: str | None,
        threads: dict[str, list[dict[str, Any]]] | None,
        switch: Callable[[Callable[[str | None], str]], list[dict[str, Any]]],
        redlines: dict[str | None, dict[tuple[str, str], str]],
    ) -> list[PageSpec]:
        """The pages of one language version: `language` None for the primary (draft.md).

        `switch` gives a page's links to its other language versions from its source path
        in each language; `redlines` the redline pages of each language, for a redline's
        switch."""
        draft = published.draft
        slug = draft.slug
        editions, current = published.editions(language)
        entry = self._language_entry(published, language)
        pages: list[PageSpec] = []
        compares = _compares(editions)
        before = _before(editions)
        common = {"draft": entry, "timeline": self._timeline(published, language)}
        count = len(published.versions)
        if current is not None:
            pages.append(
                self._text_page(published, language, entry, common, current, threads, switch)
            )
        _ = self.gettext
        for edition in editions:
            version = edition.version
            assert version is not None
            sha = version.revision.sha
            pages.append(
                PageSpec(
                    revision_src(slug, sha, language),
                    _("%(title)s — revision %(number)d")
                    % {"title": entry["title"], "number": version.number},
                    "lawtrail/revision.html",
                    partial(_edition_text, edition),
                    toc_tokens=edition.rendering.toc_tokens,
                    data={
                        **common,
                        "revision": self._revision(
                            slug, edition, before.get(version.number), count, language
                        ),
                        "languages": switch(partial(revision_src, slug, sha)),
                    },
                    updated=version.revision.date,
                    lang=self.text_lang(entry["language"]),
                    nav_draft=draft_src(slug),
                )
            )
        if language is None:  # only draft.md's pages were ever published at a move's sha
            pages.extend(self._redirects(published, [(o, n) for o, n, _ in compares]))
        for old, new, kind in compares:
            assert old.version is not None and new.version is not None
            shas = (old.version.revision.sha, new.version.revision.sha)
            src = compare_src(slug, *shas, language)
            here = self.url(src)
            sides = Sides(
                _("revision %(number)d") % {"number": old.version.number},
                relative_url(self.url(revision_src(slug, shas[0], language)), here),
                _("revision %(number)d") % {"number": new.version.number},
                relative_url(self.url(revision_src(slug, shas[1], language)), here),
                run=_("%(first)s to %(last)s unchanged"),
                one=_("%(first)s unchanged"),
                preamble=_("the text before the first article"),
                full_text=_("full text"),
                paragraphs=self._unchanged_paragraphs,
                plain=_("In plain words"),
                language=self.language,
            )
            pages.append(
                PageSpec(
                    src,
                    _("%(title)s — changes from revision %(old)d to %(new)d")
                    % {
                        "title": entry["title"],
                        "old": old.version.number,
                        "new": new.version.number,
                    },
                    "lawtrail/compare.html",
                    partial(_redline, old, new, sides),
                    data={
                        **common,
                        "old": self._revision(slug, old, None, count, language),
                        "new": self._revision(slug, new, None, count, language),
                        "languages": switch(partial(_redline_in, redlines, (kind, shas[1]))),
                    },
                    updated=new.version.revision.date,
                    nav_draft=draft_src(slug),
                )
            )
        return pages

    def _redirects(
        self, published: Published, compares: list[tuple[Edition, Edition]]
    ) -> list[PageSpec]:
        """Pages that keep old addresses working: a commit that only moved the stage or
        the window once had a revision page, and redlines to and from it; each now leads
        to the revision in force at that commit (or the redline between those revisions).
        """
        draft = published.draft
        versions = draft.versions
        if all(v.changes_text for v in versions):
            return []
        slug = draft.slug
        pages: list[PageSpec] = []
        for version in versions:
            if not version.changes_text:
                edition = published.in_force(version)
                pages.append(
                    self._redirect(revision_src(slug, version.revision.sha), slug, edition)
                )
        existing = {self._compare_src(slug, old, new): (old, new) for old, new in compares}
        old_pairs = list(pairwise(versions))
        if len(versions) > 2:
            old_pairs.append((versions[0], versions[-1]))
        for before, after in old_pairs:
            src = compare_src(slug, before.revision.sha, after.revision.sha)
            if src in existing:
                continue
            old, new = published.in_force(before), published.in_force(after)
            target = self._compare_src(slug, old, new) if old is not new else None
            if target in existing:
                pages.append(self._redirect(src, slug, existing[target][1], target))
            else:
                pages.append(self._redirect(src, slug, new))
        return pages

    def _redirect(
        self, src: str, slug: str, edition: Edition, target: str | None = None
    ) -> PageSpec:
        """A page at `src` that sends its reader on to a revision (or the redline `target`)."""
        version = edition.version
        assert version is not None
        to = target or revision_src(slug, version.revision.sha)
        _ = self.gettext
        label = _("revision %(number)d") % {"number": version.number}
        if target:
            label = _("the changes to revision %(number)d") % {"number": version.number}
        return PageSpec(
            src,
            _("Moved to %(label)s") % {"label": label},
            "lawtrail/redirect.html",
            "",
            data={"target": self.url(to), "label": label},
            noindex=True,
        )

    def _compare_src(
        self, slug: str, old: Edition, new: Edition, language: str | None = None
    ) -> str:
        assert old.version is not None and new.version is not None
        return compare_src(slug, old.version.revision.sha, new.version.revision.sha, language)

    def _text_page(
        self,
        published: Published,
        language: str | None,
        entry: dict[str, Any],
        common: dict[str, Any],
        current: Edition,
        threads: dict[str, list[dict[str, Any]]] | None,
        switch: Callable[[Callable[[str | None], str]], list[dict[str, Any]]],
    ) -> PageSpec:
        """The current text of one language version, with the comments on its elements
        (the same in every language: the elements have the same eIds)."""
        draft = published.draft
        editions, _ = published.editions(language)
        spans = [(old, new) for old, new, kind in _compares(editions) if kind == "span"]
        first_to_latest = spans[0] if spans else None
        summary = f'<div class="lt-summary"><p>{html.escape(entry["summary"])}</p></div>\n'
        here = self.url(draft_src(draft.slug, language))
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
            partial(_current_text, summary, current, threads, here, self.language),
            in_nav=language == self.listed_language(published),
            search=True,
            toc_tokens=current.rendering.toc_tokens,
            data={
                **common,
                "glossary": _glossary_list(published, language),
                "dirty": draft.dirty,
                "comments_url": self.url(comments_src(draft.slug)),
                "comment_count": count,
                "orphaned": orphaned,
                "commenting": self._commenting(published, language),
                "first_to_latest": self._compare_url(draft.slug, *first_to_latest, language)
                if first_to_latest
                else None,
                "languages": switch(partial(draft_src, draft.slug)),
                "version": language,  # the language version it shows (None: draft.md)
            },
            updated=draft.latest.revision.date if draft.latest else None,
            lang=self.text_lang(entry["language"]),
            title_lang=self.text_lang(entry["language"]),
        )

    def _language_entry(self, published: Published, language: str | None) -> dict[str, Any]:
        """The draft's index entry as one language version states it: its own title,
        summary and names, and its own page."""
        entry = self._entry(published)
        parallel = published.languages.get(language) if language else None
        if parallel is None:
            return entry
        entry["language"] = parallel.language
        if parallel.current is not None:
            entry["url"] = self.url(draft_src(published.draft.slug, parallel.language))
        if parallel.text is not None:
            meta = parallel.text.meta
            entry.update(title=meta.title, summary=meta.summary, kind=meta.kind or entry["kind"])
            entry["kind_label"] = self._kind_label(entry["kind"])
            if meta.agency:
                entry.update(agency=meta.agency, agency_language=parallel.language)
        return entry

    def _switch(
        self,
        published: Published,
        here: str | None,
        known: set[str],
        src_of: Callable[[str | None], str],
    ) -> list[dict[str, Any]]:
        """Links to the same page in the draft's other language versions, where it exists
        in them; empty for a draft in one language.

        Args:
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
                        "url": self.url(src),
                        "current": language == here,
                    }
                )
        return links if len(links) > 1 else []

    def _sources(self, published: Published, language: str | None) -> set[str]:
        """Source paths of the text, revision and redline pages a language version has."""
        slug = published.draft.slug
        editions, current = published.editions(language)
        shas = [e.version.revision.sha for e in editions if e.version]
        found = {revision_src(slug, sha, language) for sha in shas}
        found |= {self._compare_src(slug, a, b, language) for a, b, _ in _compares(editions)}
        if current is not None:
            found.add(draft_src(slug, language))
        return found

    def _commenting(self, published: Published, language: str | None) -> dict[str, Any] | None:
        """What the comment widget needs, on drafts in discussion with a committed text.

        Whether the window is open today is for the browser (and the intake) to decide.
        On a language version the widget also names the language, whose words quotes are."""
        draft = published.draft
        window = draft.meta.discussion
        _, current = published.editions(language)
        if (
            self.intake_url is None
            or draft.meta.stage != "discussion"
            or window is None
            or draft.dirty
            or draft.latest is None
            or draft.removed is not None
            or current is None
        ):
            return None
        return {
            "intake": self.intake_url,
            "draft": draft.slug,
            # The revision in force: its text is what the reader comments on.
            "revision": (draft.in_force or draft.latest).revision.sha,
            "language": language,
            "opens": window.opens.isoformat(),
            "closes": window.closes.isoformat(),
            "max_body": MAX_BODY,
            "track": self.url(TRACK_SRC),  # where "Follow your comment" leads
            # Only a page that takes comments names its elements for the script, in one
            # map: labels on every element of every revision page weighed a fifth of a
            # long code's HTML.
            "labels": {
                # A language version names its elements in its own words; the primary
                # text in the site's.
                element.eid: page_labels(element.path, language or self.language)
                for element in current.rendering.outline.elements
            },
        }

    def _revision(
        self,
        slug: str,
        edition: Edition,
        previous: Edition | None,
        count: int,
        language: str | None = None,
    ) -> dict[str, Any]:
        """A revision as pages show it, linking to its pages in `language`; `previous` is
        the edition before it there, for the link to what it changed."""
        version = edition.version
        assert version is not None
        rev = version.revision
        return {
            "number": version.number,
            "count": count,
            "sha": rev.sha,
            "short": rev.short,
            "date": self.day(rev.date),
            "author": rev.author,
            "subject": rev.subject,
            "message": rev.message,
            "stage": version.stage,
            "stage_label": self.stage_label(version.stage),
            "url": self.url(revision_src(slug, rev.sha, language)),
            "compare_url": self._compare_url(slug, previous, edition, language)
            if previous
            else None,
        }

    def _removal(self, removal: Removal) -> dict[str, str]:
        """A deletion from the repository as the timeline and the banner show it."""
        return {
            "date": self.day(removal.date),
            "sha": removal.sha,
            "short": removal.short,
            "author": removal.author,
            "subject": removal.subject,
        }

    def _compare_url(
        self, slug: str, old: Edition, new: Edition, language: str | None = None
    ) -> str:
        assert old.version is not None and new.version is not None
        return self.url(
            compare_src(slug, old.version.revision.sha, new.version.revision.sha, language)
        )

    def _timeline(self, published: Published, language: str | None = None) -> dict[str, Any]:
        """The draft's timeline, its revisions linking to their text in `language` where
        that revision has that language version, else to the primary's."""
        slug = published.draft.slug
        editions, _ = published.editions(language)
        own = {e.version.number: e for e in editions if e.version}
        before, primary_before = _before(editions), _before(published.versions)
        count = len(published.versions)

        def shown(edition: Edition) -> dict[str, Any]:
            assert edition.version is not None
            number = edition.version.number
            if number in own:
                return self._revision(slug, own[number], before.get(number), count, language)
            return self._revision(slug, edition, primary_before.get(number), count)

        return timeline(
            published, self.steps(published), shown, self._removal, self.stage_label, self._breach
        )

    def _breach(self, problem: Problem) -> str:
        """A rule a commit broke, in the site's language, with its stages and days."""
        params = {
            key: self.stage_label(value)
            if key in ("stage", "before")
            else format_day(value, self.language)
            for key, value in problem.params.items()
        }
        return self.gettext(problem.message) % params

    def _unchanged_paragraphs(self, count: int) -> str:
        """ "3 unchanged paragraphs", for a redline's collapsed run."""
        text = self.ngettext(
            "%(count)d unchanged paragraph", "%(count)d unchanged paragraphs", count
        )
        return text % {"count": count}

    def _kind_label(self, kind: str | None) -> str | None:
        """A common kind of act in the site's language ("закон"); any other as written."""
        return self.gettext(KIND_LABELS[kind]) if kind in KIND_LABELS else kind


def _compares(editions: list[Edition]) -> list[tuple[Edition, Edition, str]]:
    """The redlines of one language version, never an empty one, each with what it shows:
    "step", the change a revision made to its text, or "span", from its first text to its
    latest."""
    changes = text_changes(editions)
    compares = [(old, new, "step") for old, new in pairwise(changes)]
    if len(changes) > 2:
        compares.append((changes[0], changes[-1], "span"))
    return compares


def _sha(edition: Edition) -> str:
    assert edition.version is not None
    return edition.version.revision.sha


def _redline_in(
    redlines: dict[str | None, dict[tuple[str, str], str]],
    key: tuple[str, str],
    language: str | None,
) -> str:
    """The source path of the redline showing the same (`key`: its kind and revision) in
    another language, or "" when that language has none."""
    return redlines.get(language, {}).get(key, "")


def _before(editions: list[Edition]) -> dict[int, Edition]:
    """For each revision that changed the text of a language version, by number, its
    edition before the change: what the revision's redline there starts from."""
    return {new.version.number: old for old, new in pairwise(text_changes(editions)) if new.version}


def _current_text(
    summary: str,
    current: Edition,
    threads: dict[str, list[dict[str, Any]]] | None,
    here: str,
    language: str,
) -> tuple[str, dict[str, Any]]:
    """A draft page's HTML: the summary, then the text with its comment threads (in the
    site's `language`)."""
    text = current.html
    return summary + (inject_threads(text, threads, here, language) if threads else text), {}


def _edition_text(edition: Edition) -> tuple[str, dict[str, Any]]:
    """A revision page's HTML: the text as it was."""
    return edition.html, {}


def _redline(old: Edition, new: Edition, sides: Sides) -> tuple[str, dict[str, Any]]:
    """A redline page's HTML, with the change summary and word counts its template shows."""
    units = redline(old, new)
    data = {"changes": summarize_changes(old, new), "words": count_words(units)}
    return render_redline(units, sides), data


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


def _listed_stage(published: Published) -> str:
    """The stage a draft is listed under: its declared one, or "removed"."""
    return "removed" if published.draft.removed else published.draft.meta.stage


def _index_order(entry: dict[str, Any]) -> tuple[int, str, str]:
    # Within a stage: soonest closing first for discussions, most recently updated first
    # otherwise (inverted so that one ascending sort does both).
    stage = entry["stage"]
    if stage == "discussion":
        return (_STAGE_ORDER[stage], entry["closes"] or "", entry["slug"])
    updated = entry["updated"] or ""
    inverted = "".join(chr(0x10FFFF - ord(ch)) for ch in updated)
    return (_STAGE_ORDER[stage], inverted, entry["slug"])
