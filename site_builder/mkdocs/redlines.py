"""A draft's redline pages: per language version, the change each revision made to its
text, and from its first text to its latest, with links to the same redline in the
draft's other language versions.

The redline itself is the core's (`redline`); it is computed when MkDocs builds the page,
not before, so that a long code's every redline is never held at once.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from site_builder.mkdocs.context import LanguageVersion, PageSpec, SiteContext
from site_builder.mkdocs.revisions import compares, redline_src, revision_view
from site_builder.redline import Sides, count_words, redline, render_redline, summarize_changes
from site_builder.render import Edition, Published
from site_builder.urls import draft_src, relative_url, revision_src

# Each language's redline pages by what they show, "step" or "span" (see `compares`), and
# the sha of their newer revision: how a redline finds itself in another language.
Redlines = dict[str | None, dict[tuple[str, str], str]]


def redline_specs(
    site: SiteContext, version: LanguageVersion, redlines: Redlines
) -> list[PageSpec]:
    """The redline pages of one language version; `redlines` are every language version's
    (`redline_srcs`), for the links to the same redline in the others."""
    slug, language = version.slug, version.language
    editions, _ = version.published.editions(language)
    count = len(version.published.versions)
    _ = site.gettext
    pages: list[PageSpec] = []
    for old, new, kind in compares(editions):
        assert old.version is not None and new.version is not None
        shas = (old.version.revision.sha, new.version.revision.sha)
        src = redline_src(slug, old, new, language)
        here = site.url(src)
        sides = Sides(
            _("revision %(number)d") % {"number": old.version.number},
            relative_url(site.url(revision_src(slug, shas[0], language)), here),
            _("revision %(number)d") % {"number": new.version.number},
            relative_url(site.url(revision_src(slug, shas[1], language)), here),
            run=_("%(first)s to %(last)s unchanged"),
            one=_("%(first)s unchanged"),
            preamble=_("the text before the first article"),
            full_text=_("full text"),
            paragraphs=partial(_unchanged_paragraphs, site),
            plain=_("In plain words"),
            language=site.language,
        )
        pages.append(
            PageSpec(
                src,
                _("%(title)s — changes from revision %(old)d to %(new)d")
                % {
                    "title": version.entry["title"],
                    "old": old.version.number,
                    "new": new.version.number,
                },
                "lawtrail/compare.html",
                partial(_redline, old, new, sides),
                data={
                    **version.common,
                    "old": revision_view(site, slug, old, None, count, language),
                    "new": revision_view(site, slug, new, None, count, language),
                    "languages": version.switch(partial(_redline_in, redlines, (kind, shas[1]))),
                },
                updated=new.version.revision.date,
                nav_draft=draft_src(slug),
            )
        )
    return pages


def redline_srcs(published: Published, language: str | None) -> dict[tuple[str, str], str]:
    """A language version's redline pages by kind ("step" or "span") and new sha."""
    slug = published.draft.slug
    editions, _ = published.editions(language)
    return {
        (kind, _sha(new)): redline_src(slug, old, new, language)
        for old, new, kind in compares(editions)
    }


def _redline(old: Edition, new: Edition, sides: Sides) -> tuple[str, dict[str, Any]]:
    """A redline page's HTML, with the change summary and word counts its template shows."""
    units = redline(old, new)
    data = {"changes": summarize_changes(old, new), "words": count_words(units)}
    return render_redline(units, sides), data


def _redline_in(redlines: Redlines, key: tuple[str, str], language: str | None) -> str:
    """The source path of the redline showing the same (`key`: its kind and revision) in
    another language, or "" when that language has none."""
    return redlines.get(language, {}).get(key, "")


def _unchanged_paragraphs(site: SiteContext, count: int) -> str:
    """ "3 unchanged paragraphs", for a redline's collapsed run."""
    text = site.ngettext("%(count)d unchanged paragraph", "%(count)d unchanged paragraphs", count)
    return text % {"count": count}


def _sha(edition: Edition) -> str:
    assert edition.version is not None
    return edition.version.revision.sha
