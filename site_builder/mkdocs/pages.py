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
from site_builder.ids import page_labels
from site_builder.lifecycle import Held, Step, held_discussion, read_steps
from site_builder.limits import MAX_BODY
from site_builder.mkdocs.timeline import STAGE_LABELS, held_view, timeline
from site_builder.redline import (
    Sides,
    count_words,
    redline,
    render_redline,
    summarize_changes,
)
from site_builder.render import Edition, Published
from site_builder.urls import (
    agency_src,
    comments_src,
    compare_src,
    draft_src,
    relative_url,
    revision_src,
    stage_src,
    url_of,
)

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
        # JSON is YAML, and json.dumps is many times faster than yaml.safe_dump.
        return "---\n" + json.dumps(meta, ensure_ascii=False, sort_keys=True) + "\n---\n"


class SiteContext:
    """Turns published drafts into page specs; knows dates' time zone and URL style."""

    def __init__(
        self, timezone: str, use_directory_urls: bool, intake_url: str | None = None
    ) -> None:
        self.intake_url = intake_url.rstrip("/") if intake_url else None
        self.tz = ZoneInfo(timezone)
        self.timezone = timezone
        self.directory_urls = use_directory_urls
        self._steps: dict[str, list[Step]] = {}

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
        entries = [self._entry(p) for p in self.ordered(drafts)]
        specs = []
        if home:
            specs.append(self._index("index.md", "Drafts", entries, "All drafts"))
        for stage in _LISTED:
            subset = [e for e in entries if e["stage"] == stage]
            if subset:
                specs.append(self._index(stage_src(stage), STAGE_LABELS[stage], subset, stage))
        for agency, _ in sorted(Counter(e["agency"] for e in entries).items()):
            subset = [e for e in entries if e["agency"] == agency]
            specs.append(self._index(agency_src(agency), agency, subset, agency))
        for published in drafts:
            specs.extend(self._draft_pages(published, (threads or {}).get(published.draft.slug)))
        return specs

    def ordered(self, drafts: Sequence[Published]) -> list[Published]:
        """Drafts in index order: open for comment first, then along the lifecycle."""
        return sorted(drafts, key=lambda p: _index_order(self._entry(p)))

    def filters(self, drafts: Sequence[Published]) -> dict[str, Any]:
        """Stage and agency filters with counts, as links (they work without JavaScript)."""
        stages: Counter[str] = Counter(_listed_stage(p) for p in drafts)
        agencies = Counter(p.draft.meta.agency for p in drafts)
        return {
            "stages": [
                {
                    "label": STAGE_LABELS[s],
                    "count": stages[s],
                    "url": self.url(stage_src(s)),
                    "key": s,
                }
                for s in _LISTED
                if stages[s]
            ],
            "agencies": [
                {"label": a, "count": n, "url": self.url(agency_src(a)), "key": a}
                for a, n in sorted(agencies.items())
            ],
        }

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
            "agency_url": self.url(agency_src(meta.agency)),
            "stage": stage,
            "stage_label": STAGE_LABELS[stage],
            "stage_url": self.url(stage_src(stage)),
            "declared_stage": meta.stage,
            "declared_stage_label": STAGE_LABELS[meta.stage],
            "removed": self._removal(removed) if removed else None,
            "opens": window.opens.isoformat() if window else None,
            "closes": window.closes.isoformat() if window else None,
            "held": held_view(held) if held and meta.stage != "discussion" else None,
            "summary": meta.summary,
            "kind": meta.kind,
            "language": meta.language,
            "url": self.url(draft_src(published.draft.slug)),
            "updated": self.day(latest.revision.date) if latest else None,
            "revisions": len(published.versions),
        }

    def _draft_pages(
        self, published: Published, threads: dict[str, list[dict[str, Any]]] | None
    ) -> list[PageSpec]:
        draft = published.draft
        editions = published.versions
        pages: list[PageSpec] = []
        compares: list[tuple[Edition, Edition]] = list(pairwise(editions))
        if len(editions) > 2:
            compares.append((editions[0], editions[-1]))
        common = {
            "draft": self._entry(published),
            "timeline": timeline(
                published,
                self.steps(published),
                lambda edition: self._revision(draft.slug, edition, editions),
                self._removal,
            ),
        }
        current = published.current
        assert current is not None
        summary = f'<div class="lt-summary"><p>{html.escape(draft.meta.summary)}</p></div>\n'
        count = 0
        orphaned = 0
        if threads:
            orphaned = len(threads.get("", []))
            count = sum(len(entries) for entries in threads.values())
        pages.append(
            PageSpec(
                draft_src(draft.slug),
                draft.meta.title,
                "lawtrail/draft.html",
                partial(_current_text, summary, current, threads),
                in_nav=True,
                search=True,
                toc_tokens=current.rendering.toc_tokens,
                data={
                    **common,
                    "glossary": _glossary_list(published),
                    "dirty": draft.dirty,
                    "comments_url": self.url(comments_src(draft.slug)),
                    "comment_count": count,
                    "orphaned": orphaned,
                    "commenting": self._commenting(published),
                    "first_to_latest": self._compare_url(draft.slug, editions[0], editions[-1])
                    if len(editions) > 2
                    else None,
                },
                updated=draft.latest.revision.date if draft.latest else None,
            )
        )
        for edition in editions:
            version = edition.version
            assert version is not None
            pages.append(
                PageSpec(
                    revision_src(draft.slug, version.revision.sha),
                    f"{draft.meta.title} — revision {version.number}",
                    "lawtrail/revision.html",
                    partial(_edition_text, edition),
                    toc_tokens=edition.rendering.toc_tokens,
                    data={**common, "revision": self._revision(draft.slug, edition, editions)},
                    updated=version.revision.date,
                )
            )
        pages.extend(self._redirects(published, compares))
        for old, new in compares:
            assert old.version is not None and new.version is not None
            src = compare_src(draft.slug, old.version.revision.sha, new.version.revision.sha)
            here = self.url(src)
            sides = Sides(
                f"revision {old.version.number}",
                relative_url(self.url(revision_src(draft.slug, old.version.revision.sha)), here),
                f"revision {new.version.number}",
                relative_url(self.url(revision_src(draft.slug, new.version.revision.sha)), here),
            )
            pages.append(
                PageSpec(
                    src,
                    f"{draft.meta.title} — changes from revision {old.version.number} "
                    f"to {new.version.number}",
                    "lawtrail/compare.html",
                    partial(_redline, old, new, sides),
                    data={
                        **common,
                        "old": self._revision(draft.slug, old, editions),
                        "new": self._revision(draft.slug, new, editions),
                    },
                    updated=new.version.revision.date,
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
        label = f"revision {version.number}"
        if target:
            label = f"the changes to {label}"
        return PageSpec(
            src,
            f"Moved to {label}",
            "lawtrail/redirect.html",
            "",
            data={"target": self.url(to), "label": label},
        )

    def _compare_src(self, slug: str, old: Edition, new: Edition) -> str:
        assert old.version is not None and new.version is not None
        return compare_src(slug, old.version.revision.sha, new.version.revision.sha)

    def _commenting(self, published: Published) -> dict[str, Any] | None:
        """What the comment widget needs, on drafts in discussion with a committed text.

        Whether the window is open today is for the browser (and the intake) to decide."""
        draft = published.draft
        window = draft.meta.discussion
        if (
            self.intake_url is None
            or draft.meta.stage != "discussion"
            or window is None
            or draft.dirty
            or draft.latest is None
            or draft.removed is not None
        ):
            return None
        return {
            "intake": self.intake_url,
            "draft": draft.slug,
            # The revision in force: its text is what the reader comments on.
            "revision": (draft.in_force or draft.latest).revision.sha,
            "opens": window.opens.isoformat(),
            "closes": window.closes.isoformat(),
            "max_body": MAX_BODY,
            # Only a page that takes comments names its elements for the script, in one
            # map: labels on every element of every revision page weighed a fifth of a
            # long code's HTML.
            "labels": {
                element.eid: page_labels(element.path)
                for element in published.current.rendering.outline.elements
            }
            if published.current
            else {},
        }

    def _revision(self, slug: str, edition: Edition, editions: list[Edition]) -> dict[str, Any]:
        version = edition.version
        assert version is not None
        rev = version.revision
        previous = editions[version.number - 2] if version.number > 1 else None
        return {
            "number": version.number,
            "count": len(editions),
            "sha": rev.sha,
            "short": rev.short,
            "date": self.day(rev.date),
            "author": rev.author,
            "subject": rev.subject,
            "message": rev.message,
            "stage": version.stage,
            "stage_label": STAGE_LABELS.get(version.stage or "", "Unknown stage"),
            "url": self.url(revision_src(slug, rev.sha)),
            "compare_url": self._compare_url(slug, previous, edition) if previous else None,
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

    def _compare_url(self, slug: str, old: Edition, new: Edition) -> str:
        assert old.version is not None and new.version is not None
        return self.url(compare_src(slug, old.version.revision.sha, new.version.revision.sha))


def _current_text(
    summary: str, current: Edition, threads: dict[str, list[dict[str, Any]]] | None
) -> tuple[str, dict[str, Any]]:
    """A draft page's HTML: the summary, then the text with its comment threads."""
    text = current.html
    return summary + (inject_threads(text, threads) if threads else text), {}


def _edition_text(edition: Edition) -> tuple[str, dict[str, Any]]:
    """A revision page's HTML: the text as it was."""
    return edition.html, {}


def _redline(old: Edition, new: Edition, sides: Sides) -> tuple[str, dict[str, Any]]:
    """A redline page's HTML, with the change summary and word counts its template shows."""
    units = redline(old, new)
    data = {"changes": summarize_changes(old, new), "words": count_words(units)}
    return render_redline(units, sides), data


def _glossary_list(published: Published) -> dict[str, str]:
    """The "Plain words" under a draft: its own terms, and the site's that its text uses."""
    own = {" ".join(term.split()).casefold() for term in published.draft.meta.glossary or {}}
    marked = set(published.current.rendering.terms) if published.current else set()
    return {
        term: meaning
        for term, meaning in published.glossary.terms.items()
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
