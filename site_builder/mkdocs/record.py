"""Pages of the public record: each draft's comments and answers, each merged review at
the address its tracking number leads to, and the accountability table of agencies."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from site_builder.accountability import Figures, combine
from site_builder.discussion import Discussion
from site_builder.i18n import format_figure
from site_builder.mkdocs.context import PageSpec, SiteContext
from site_builder.mkdocs.indexes import agency_language, listing, ordered
from site_builder.render import Published
from site_builder.reviews import Copies, timestamp
from site_builder.urls import ACCOUNTABILITY_SRC, comments_src, draft_src, review_src, revision_src


def record_specs(
    site: SiteContext, drafts: Sequence[Published], discussions: dict[str, Discussion]
) -> list[PageSpec]:
    """The comments page of every draft, a page per merged review, and accountability."""
    _ = site.gettext
    specs: list[PageSpec] = []
    rows = []
    for published in ordered(site, drafts):
        slug = published.draft.slug
        discussion = discussions[slug]
        draft = {
            "slug": slug,
            **listing(site, published),  # in the site's language where the draft has it
            "agency": published.draft.meta.agency,
            "agency_language": published.draft.meta.language,
            "comments_url": site.url(comments_src(slug)),
        }
        figures = _figures(discussion.figures, site.language)
        rows.append({**draft, **figures})
        specs.append(
            PageSpec(
                comments_src(slug),
                _("%(title)s — comments and answers") % {"title": draft["title"]},
                "lawtrail/comments.html",
                "",
                data={
                    "draft": draft,
                    "comments": discussion.rows,
                    "figures": figures,
                    "rejected": discussion.rejected,
                },
                nav_draft=draft_src(slug),
            )
        )
        by_review: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for comment in discussion.comments:
            by_review[comment["review_id"]].append(comment)
        for review in discussion.reviews:
            specs.append(
                PageSpec(
                    review_src(slug, review.id),
                    _("Review %(id)s") % {"id": review.id},
                    "lawtrail/review.html",
                    "",
                    data={
                        "draft": draft,
                        "review": {
                            "id": review.id,
                            "submitted": review.submitted.date().isoformat(),
                            "merged_on": review.merged_on.isoformat(),
                            "revision": review.revision,
                            "revision_url": site.url(revision_src(slug, review.revision)),
                            "copies": _copies(review.copies),
                        },
                        "comments": by_review[review.id],
                    },
                    nav_draft=draft_src(slug),
                )
            )
    specs.append(_accountability(site, rows, drafts, discussions))
    return specs


def _accountability(
    site: SiteContext,
    rows: list[dict[str, Any]],
    drafts: Sequence[Published],
    discussions: dict[str, Discussion],
) -> PageSpec:
    agencies: dict[str, list[Published]] = defaultdict(list)
    for published in drafts:
        agencies[published.draft.meta.agency].append(published)
    per_agency = []
    for agency, members in sorted(agencies.items()):
        parts = []
        for published in members:
            discussion = discussions[published.draft.slug]
            assert discussion.figures is not None
            parts.append((discussion.figures, discussion.delays))
        per_agency.append(
            {
                "agency": agency,
                "language": agency_language(site, members, agency),
                "drafts": len(members),
                **_figures(combine(parts), site.language),
            }
        )
    return PageSpec(
        ACCOUNTABILITY_SRC,
        site.gettext("Accountability"),
        "lawtrail/accountability.html",
        "",
        in_nav=True,
        data={"agencies": per_agency, "drafts": rows},
    )


def _copies(copies: Copies | None) -> dict[str, Any] | None:
    """What a campaign's review page says about the copies it stands for."""
    if copies is None:
        return None
    return {
        "count": copies.count,
        "first": timestamp(copies.first),
        "last": timestamp(copies.last),
        "authors": [_named(a.name, a.organization) for a in copies.authors],
        "anonymous": copies.anonymous,
        "reviews": list(copies.reviews),
    }


def _named(name: str | None, organization: str | None) -> str:
    """An author as the pages name them: "Ann (Riders' Union)", or either alone."""
    if name and organization:
        return f"{name} ({organization})"
    return name or organization or ""


def _figures(figures: Figures | None, language: str) -> dict[str, Any]:
    assert figures is not None
    rate = figures.response_rate
    median = figures.median_days
    return {
        "received": figures.received,
        "answered": figures.answered,
        "rate": format_figure(rate, language, share=True) if rate is not None else "—",
        "median_days": format_figure(median, language) if median is not None else "—",
        "overdue": figures.overdue,
    }
