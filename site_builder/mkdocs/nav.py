"""The navigation of pages that number in the thousands: revisions, redlines, comments, reviews.

Every page carries the whole nav, which lists every draft: rendered into each of a large
site's revision pages, it made the build quadratic in the drafts (FIELD-NOTES: 41 pages/s
with the full nav against 335 with a small one). These pages get the site's nav with its
drafts cut to the one they belong to, the same size on every page. They still need one: on
a phone the menu button opens the drawer that shows it, and an empty drawer is a dead end.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from mkdocs.structure import StructureItem
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page


def slim_nav(nav: Navigation, drafts: Collection[str], keep: str) -> Navigation:
    """`nav` without the pages of `drafts` (their source paths) other than `keep`.

    Sections that held a dropped draft are new objects, open when they hold `keep`; the
    pages themselves are MkDocs' own, shared with the full nav and left as they are."""
    items, _ = _cut(nav.items, drafts, keep)
    return Navigation(items, nav.pages)


def _cut(
    items: Sequence[StructureItem], drafts: Collection[str], keep: str
) -> tuple[list[StructureItem], bool]:
    """`items` without the other drafts' pages, and whether `keep` is among them."""
    kept: list[StructureItem] = []
    holds = False
    for item in items:
        if isinstance(item, Page) and item.file.src_uri in drafts:
            if item.file.src_uri != keep:
                continue
            holds = True
        elif isinstance(item, Section):
            children, inside = _cut(item.children, drafts, keep)
            if len(children) != len(item.children) or any(
                a is not b for a, b in zip(children, item.children, strict=True)
            ):
                item = Section(item.title, children)
                item.active = inside  # Material opens the section the reader is in
            holds = holds or inside
        kept.append(item)
    return kept, holds
