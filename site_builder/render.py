"""Rendering every version of every draft once, and what follows from it.

Each distinct text is converted from Markdown once: the same rendering gives a revision
page its HTML, gives lineage the outline it matches wIds on, and gives the redline its
blocks. Converting again for each use would double the build's largest cost.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from markdown import Markdown

from site_builder.drafts import Draft, Version
from site_builder.glossary import Glossary, GlossaryExtension
from site_builder.lineage import apply_wids, trace_wids
from site_builder.structure import Outline, StructureExtension, outline_of


@dataclass(frozen=True)
class Rendering:
    """One text rendered: HTML with eIds (wIds still to apply), outline, toc tokens.

    The HTML is kept compressed: a build holds every version of every draft at once, and
    legal HTML (three times its Markdown, with an id, a class and a link per element)
    compresses about tenfold; each page decompresses it once, when it is written.
    """

    packed: bytes
    outline: Outline
    toc_tokens: list[dict[str, Any]]
    terms: tuple[str, ...] = ()  # glossary terms marked in the text

    @property
    def html(self) -> str:
        """The rendered HTML."""
        return zlib.decompress(self.packed).decode("utf-8")


class Renderer:
    """Markdown conversion with the site's extensions plus Lawtrail's structure and glossary."""

    def __init__(self, extensions: Sequence[Any], configs: dict[str, Any]) -> None:
        self._glossary = GlossaryExtension()
        self._md = Markdown(
            extensions=[*extensions, StructureExtension(), self._glossary],
            extension_configs=configs,
        )
        self._cache: dict[bytes, Rendering] = {}

    def render(self, body: str, glossary: Glossary | None = None) -> Rendering:
        """Render a draft body, marking the glossary's terms; identical inputs render once."""
        glossary = glossary or Glossary()
        # Keyed by a digest, not by the text: the cache would otherwise hold every text again.
        digest = hashlib.blake2b(body.encode("utf-8"), digest_size=20)
        if glossary.terms:
            digest.update(glossary.key)
        key = digest.digest()
        cached = self._cache.get(key)
        if cached is None:
            self._glossary.glossary = glossary
            html = self._md.reset().convert(body)
            tokens = list(getattr(self._md, "toc_tokens", []))
            packed = zlib.compress(html.encode("utf-8"), 1)
            cached = Rendering(packed, outline_of(self._md), tokens, self._glossary.marked)
            self._cache[key] = cached
        return cached


@dataclass(frozen=True)
class Edition:
    """A version of a draft as published: its rendering and its wId table."""

    version: Version | None  # None for uncommitted work-tree text
    rendering: Rendering
    wids: dict[str, str]

    @property
    def html(self) -> str:
        """The rendered text with each element's wId in `data-wid`."""
        return apply_wids(self.rendering.html, self.wids)


@dataclass
class Published:
    """A draft ready for pages: an edition per revision and the current text.

    `versions` holds one edition per revision, a commit that changed the text; a commit
    that only moved the stage or the window is in the draft's versions, in force under
    the edition before it.
    """

    draft: Draft
    versions: list[Edition] = field(default_factory=list)
    current: Edition | None = None
    warnings: list[str] = field(default_factory=list)
    glossary: Glossary = field(default_factory=Glossary)  # front matter over the site's

    def in_force(self, version: Version) -> Edition:
        """The edition whose text was in force at a committed version of the draft."""
        return self.versions[version.number - 1]

    def by_sha(self) -> dict[str, Edition]:
        """Every commit of the draft, a revision or a stage or window move, by its full
        sha: the edition in force at it (what a reader who saw that commit read)."""
        return {v.revision.sha: self.in_force(v) for v in self.draft.versions}


def publish(
    draft: Draft, renderer: Renderer, site_glossary: Mapping[str, str] | None = None
) -> Published:
    """Render a draft's revisions and current text and trace wIds through them.

    Every version marks the terms of the draft's current glossary (its front matter over the
    site-wide one): a definition explains words, it is not part of what a revision enacted.
    """
    glossary = Glossary.of(site_glossary, draft.meta.glossary)
    renderings: list[Rendering] = []
    for version in draft.versions:
        # A stage or window move keeps the text it follows: its rendering too.
        changed = version.changes_text or not renderings
        renderings.append(renderer.render(version.body, glossary) if changed else renderings[-1])
    current_uncommitted = draft.dirty or not draft.versions
    if current_uncommitted:
        renderings.append(renderer.render(draft.body, glossary))
    # wIds are traced through every commit, moves included, so that a `-v<n>` suffix
    # stays what it was when the commit was published.
    tables = trace_wids([rendering.outline for rendering in renderings])
    stages = [
        Edition(version, rendering, table)
        for version, rendering, table in zip(draft.versions, renderings, tables, strict=False)
        if version.changes_text
    ]
    current = Edition(None, renderings[-1], tables[-1]) if current_uncommitted else stages[-1]
    published = Published(draft, stages, current, glossary=glossary)
    if not current.rendering.outline.elements:
        published.warnings.append(
            f"{draft.source}: no structural elements recognised (no 'Article N' headings, "
            "'1.' paragraphs or '1)' points); the text is published, but readers cannot "
            "link to or comment on its parts."
        )
    return published
