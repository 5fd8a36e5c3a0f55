"""Pages that keep old addresses working after a commit that changed no text.

A commit that only moved the stage or the window once had a revision page of its own, and
redlines to and from it; it is now an event of the timeline. Its old addresses lead on to
the revision in force at that commit (or to the redline between those revisions). Only
draft.md's pages were ever published at such a commit, so only the primary has them.
"""

from __future__ import annotations

from itertools import pairwise

from site_builder.mkdocs.context import PageSpec, SiteContext
from site_builder.mkdocs.revisions import compares, redline_src
from site_builder.render import Edition, Published
from site_builder.urls import compare_src, revision_src


def redirect_specs(site: SiteContext, published: Published) -> list[PageSpec]:
    """The redirects of a draft's commits that changed no text; none if every commit did."""
    draft = published.draft
    versions = draft.versions
    if all(v.changes_text for v in versions):
        return []
    slug = draft.slug
    pages: list[PageSpec] = []
    for version in versions:
        if not version.changes_text:
            edition = published.in_force(version)
            pages.append(_redirect(site, revision_src(slug, version.revision.sha), slug, edition))
    existing = {
        redline_src(slug, old, new): (old, new) for old, new, _ in compares(published.versions)
    }
    old_pairs = list(pairwise(versions))
    if len(versions) > 2:
        old_pairs.append((versions[0], versions[-1]))
    for before, after in old_pairs:
        src = compare_src(slug, before.revision.sha, after.revision.sha)
        if src in existing:
            continue
        old, new = published.in_force(before), published.in_force(after)
        target = redline_src(slug, old, new) if old is not new else None
        if target in existing:
            pages.append(_redirect(site, src, slug, existing[target][1], target))
        else:
            pages.append(_redirect(site, src, slug, new))
    return pages


def _redirect(
    site: SiteContext, src: str, slug: str, edition: Edition, target: str | None = None
) -> PageSpec:
    """A page at `src` that sends its reader on to a revision (or the redline `target`)."""
    version = edition.version
    assert version is not None
    to = target or revision_src(slug, version.revision.sha)
    _ = site.gettext
    label = _("revision %(number)d") % {"number": version.number}
    if target:
        label = _("the changes to revision %(number)d") % {"number": version.number}
    return PageSpec(
        src,
        _("Moved to %(label)s") % {"label": label},
        "lawtrail/redirect.html",
        "",
        data={"target": site.url(to), "label": label},
        noindex=True,
    )
