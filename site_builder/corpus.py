"""All drafts with their editions, loaded without MkDocs running: what the intake checks
comments against, with the same history, structure and lineage code as the site.

The site's options come from `config_file.load_site_options`, which reads mkdocs.yml
without loading MkDocs or its plugins."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from site_builder.drafts import load_drafts
from site_builder.history import read_history
from site_builder.options import SiteOptions
from site_builder.render import Edition, Published, Renderer, publish
from site_builder.review_schema import read_reviews
from site_builder.reviews import Review
from site_builder.urls import REVIEWS_DIR, public_url, review_src, reviews_dir


@dataclass
class Corpus:
    """Published drafts by slug, and the time zone their windows are counted in."""

    drafts: dict[str, Published] = field(default_factory=dict)
    timezone: str = "UTC"
    warnings: list[str] = field(default_factory=list)
    drafts_dir: Path = Path("drafts")
    site_url: str = "/"  # where the site is published, to link a merged review's page
    directory_urls: bool = True
    commit: str | None = None  # the commit the drafts were read at

    def review_url(self, slug: str, review_id: str, site_url: str | None = None) -> str:
        """The public address of a merged review's page, on the site at `site_url` (by
        default the site's configured `site_url`)."""
        site = site_url or self.site_url
        return public_url(site, review_src(slug, review_id), self.directory_urls)

    def edition(self, slug: str, revision: str) -> tuple[str, Edition] | None:
        """The commit of a draft whose sha is or starts with `revision`, and the edition in
        force at it.

        Any commit of the draft is accepted, a stage or window move too: a reader who
        loaded the page then read the text of the revision before it.

        Returns:
            The commit's full sha and the edition, or None when no commit or several match.
        """
        published = self.drafts.get(slug)
        if published is None or len(revision) < 7:
            return None
        matches = [v for v in published.draft.versions if v.revision.sha.startswith(revision)]
        if len(matches) != 1:
            return None
        return matches[0].revision.sha, published.in_force(matches[0])

    def reviews(self, slug: str) -> tuple[list[Review], dict[str, int]]:
        """Merged reviews of a draft and its rejected-review counts by reason.

        Raises:
            ReviewError: a review file is broken (named, with the field).
        """
        folder = reviews_dir(self.drafts_dir, slug)
        return read_reviews(folder, slug, f"{self.drafts_dir.name}/{slug}/{REVIEWS_DIR}")

    def window_open(self, slug: str, now: dt.datetime) -> bool:
        """Whether the draft takes comments at `now`: in stage discussion, inside its
        window, `closes` included to the end of that day in the corpus's time zone."""
        draft = self.drafts[slug].draft
        window = draft.meta.discussion
        if draft.meta.stage != "discussion" or window is None or draft.removed is not None:
            return False
        today = now.astimezone(ZoneInfo(self.timezone)).date()
        return bool(window.opens <= today <= window.closes)


def load_corpus(
    drafts_dir: Path,
    extensions: list[Any],
    extension_configs: dict[str, Any],
    timezone: str = "UTC",
) -> Corpus:
    """Read history, validate drafts and render every edition, as a build does."""
    history = read_history(drafts_dir)
    drafts, warnings = load_drafts(drafts_dir, history, drafts_dir.name)
    renderer = Renderer(extensions, extension_configs)
    published = {draft.slug: publish(draft, renderer) for draft in drafts}
    corpus = Corpus(published, timezone, [*history.warnings, *warnings], drafts_dir)
    corpus.commit = history.head
    return corpus


def load_site_corpus(site: SiteOptions) -> Corpus:
    """Load the corpus the way the site configured by `site` builds it.

    `site` comes from `config_file.load_site_options`: no site engine runs.
    """
    corpus = load_corpus(
        site.drafts_dir,
        list(site.markdown_extensions),
        dict(site.mdx_configs),
        site.lawtrail.timezone,
    )
    corpus.site_url = site.site_url
    corpus.directory_urls = site.use_directory_urls
    return corpus
