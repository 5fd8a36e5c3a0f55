"""The index pages, and how every page lists a draft.

The drafts index (the home page), one index per stage and one per agency list the same
entries: a draft as its card shows it, in the words of the language version the site
lists it by. Their order (open for comment first, then along the lifecycle) and the stage
and agency filters with their counts are the ones the nav, the feeds and the record pages
use too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from functools import partial
from typing import Any

from site_builder.frontmatter import STAGES
from site_builder.i18n import N_
from site_builder.lifecycle import Held, held_discussion
from site_builder.mkdocs.context import PageSpec, SiteContext
from site_builder.mkdocs.timeline import held_view, removal_view
from site_builder.render import Published
from site_builder.urls import agency_src, draft_src, stage_src

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


def index_specs(site: SiteContext, drafts: Sequence[Published], home: bool) -> list[PageSpec]:
    """The index pages: every draft (the home page, unless `home` is false), then the
    drafts of each stage and of each agency that has any."""
    ordered_drafts = ordered(site, drafts)
    entries = [language_entry(site, p, listed_language(site, p)) for p in ordered_drafts]
    specs = []
    if home:
        specs.append(_index(site, "index.md", site.gettext("Drafts"), entries, "All drafts"))
    for stage in _LISTED:
        subset = [e for e in entries if e["stage"] == stage]
        if subset:
            specs.append(_index(site, stage_src(stage), site.stage_label(stage), subset, stage))
    # Agencies by the name draft.md gives them: a card may show a version's own.
    agencies = [p.draft.meta.agency for p in ordered_drafts]
    for agency, _ in sorted(Counter(agencies).items()):
        subset = [e for e, name in zip(entries, agencies, strict=True) if name == agency]
        spec = _index(site, agency_src(agency), agency, subset, agency)
        spec.data["title_language"] = agency_language(site, drafts, agency)
        specs.append(spec)
    return specs


def ordered(site: SiteContext, drafts: Sequence[Published]) -> list[Published]:
    """Drafts in index order: open for comment first, then along the lifecycle."""
    return sorted(drafts, key=lambda p: _index_order(_entry(site, p)))


def listed_language(site: SiteContext, published: Published) -> str | None:
    """The language version that lists a draft on this site: the one in the site's
    language, where the draft has it and its current text (None: draft.md)."""
    language = site.language.lower()
    for code, parallel in published.languages.items():
        if parallel.current is not None and code.lower() == language:
            return code
    return None


def listing(site: SiteContext, published: Published) -> dict[str, Any]:
    """A draft as pages that list it name it: the title, its language and the address
    of the version `listed_language` picks."""
    entry = language_entry(site, published, listed_language(site, published))
    return {key: entry[key] for key in ("title", "language", "url")}


def filters(site: SiteContext, drafts: Sequence[Published]) -> dict[str, Any]:
    """Stage and agency filters with counts, as links (they work without JavaScript)."""
    stages: Counter[str] = Counter(_listed_stage(p) for p in drafts)
    agencies = Counter(p.draft.meta.agency for p in drafts)
    lang = partial(agency_language, site, drafts)
    return {
        "stages": [
            {
                "label": site.stage_label(s),
                "count": stages[s],
                "url": site.url(stage_src(s)),
                "key": s,
            }
            for s in _LISTED
            if stages[s]
        ],
        "agencies": [
            {
                "label": a,
                "count": n,
                "url": site.url(agency_src(a)),
                "key": a,
                "language": lang(a),
            }
            for a, n in sorted(agencies.items())
        ],
    }


def agency_language(site: SiteContext, drafts: Sequence[Published], agency: str) -> str | None:
    """The language an agency's name is written in where it is not the site's: that of
    its drafts' draft.md, when they all have one (else it is not known)."""
    languages = {p.draft.meta.language for p in drafts if p.draft.meta.agency == agency}
    return site.text_lang(languages.pop()) if len(languages) == 1 else None


def language_entry(site: SiteContext, published: Published, language: str | None) -> dict[str, Any]:
    """The draft's index entry as one language version states it: its own title,
    summary and names, and its own page (`language` None: draft.md's)."""
    entry = _entry(site, published)
    parallel = published.languages.get(language) if language else None
    if parallel is None:
        return entry
    entry["language"] = parallel.language
    if parallel.current is not None:
        entry["url"] = site.url(draft_src(published.draft.slug, parallel.language))
    if parallel.text is not None:
        meta = parallel.text.meta
        entry.update(title=meta.title, summary=meta.summary, kind=meta.kind or entry["kind"])
        entry["kind_label"] = _kind_label(site, entry["kind"])
        if meta.agency:
            entry.update(agency=meta.agency, agency_language=parallel.language)
    return entry


def _index(
    site: SiteContext, src: str, title: str, entries: list[dict[str, Any]], selected: str
) -> PageSpec:
    data = {"entries": entries, "selected": selected, "home": site.url("index.md")}
    return PageSpec(src, title, "lawtrail/index.html", "", in_nav=src == "index.md", data=data)


def _entry(site: SiteContext, published: Published) -> dict[str, Any]:
    meta = published.draft.meta
    latest = published.draft.latest
    window = meta.discussion
    stage = _listed_stage(published)
    removed = published.draft.removed
    held = held_discussion(site.steps(published))
    if held is None and not published.draft.versions and window is not None:
        held = Held(window)  # not committed yet: the front matter is all there is
    if held is not None and meta.stage != "discussion":
        window = held.window  # after the discussion, the window that ran: the record
    return {
        "slug": published.draft.slug,
        "title": meta.title,
        "agency": meta.agency,
        "agency_language": meta.language,
        "agency_url": site.url(agency_src(meta.agency)),
        "stage": stage,
        "stage_label": site.stage_label(stage),
        "stage_url": site.url(stage_src(stage)),
        "declared_stage": meta.stage,
        "declared_stage_label": site.stage_label(meta.stage),
        "removed": removal_view(removed, site.day) if removed else None,
        "opens": window.opens.isoformat() if window else None,
        "closes": window.closes.isoformat() if window else None,
        "held": held_view(held) if held and meta.stage != "discussion" else None,
        "summary": meta.summary,
        "kind": meta.kind,
        "kind_label": _kind_label(site, meta.kind),
        "language": meta.language,
        # Commit messages (and a reason for closing early) are written in draft.md's
        # language, on every language version's pages.
        "message_language": meta.language,
        "url": site.url(draft_src(published.draft.slug)),
        "updated": site.day(latest.revision.date) if latest else None,
        "revisions": len(published.versions),
    }


def _kind_label(site: SiteContext, kind: str | None) -> str | None:
    """A common kind of act in the site's language ("закон"); any other as written."""
    return site.gettext(KIND_LABELS[kind]) if kind in KIND_LABELS else kind


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
