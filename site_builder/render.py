"""Rendering every version of every draft once, and what follows from it.

Each distinct text is converted from Markdown once: the same rendering gives a revision
page its HTML, gives lineage the outline it matches wIds on, and gives the redline its
blocks. Converting again for each use would double the build's largest cost.

A draft's parallel language versions are rendered the same way, each beside the primary
version of the same revision: their structure must be the primary's (`languages`), and
they take its wIds by eId.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from markdown import Markdown

from site_builder.drafts import Draft, DraftError, LanguageText, Version
from site_builder.glossary import Glossary, GlossaryExtension
from site_builder.languages import structure_difference
from site_builder.lineage import apply_wids, trace_wids
from site_builder.structure import Outline, StructureExtension, outline_of
from site_builder.urls import language_file


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

    def __init__(
        self, extensions: Sequence[Any], configs: dict[str, Any], language: str = "en"
    ) -> None:
        """`language` is the site's: it names elements in labels and link titles."""
        self._glossary = GlossaryExtension()
        self._md = Markdown(
            extensions=[*extensions, StructureExtension(language), self._glossary],
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
class Parallel:
    """A parallel language version of a draft as published, beside the primary one."""

    language: str
    source: str  # drafts/<slug>/draft.<language>.md
    text: LanguageText | None  # its current front matter and body; None once deleted
    versions: list[Edition] = field(default_factory=list)  # the revisions that have it
    current: Edition | None = None  # None when the current text has no such version
    glossary: Glossary = field(default_factory=Glossary)  # its own, else the draft's

    def by_number(self) -> dict[int, Edition]:
        """Its editions by the number of the revision they are a version of."""
        return {e.version.number: e for e in self.versions if e.version is not None}

    def in_force(self, version: Version) -> Edition | None:
        """Its edition of the revision in force at a committed version of the draft (a
        stage or window move too); None when that revision has no version in it."""
        return self.by_number().get(version.number)


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
    languages: dict[str, Parallel] = field(default_factory=dict)  # by language, sorted

    def in_force(self, version: Version) -> Edition:
        """The edition whose text was in force at a committed version of the draft."""
        return self.versions[version.number - 1]

    def by_sha(self, language: str | None = None) -> dict[str, Edition]:
        """Every commit of the draft, a revision or a stage or window move, by its full
        sha: the edition in force at it (what a reader who saw that commit read).

        With `language`, the editions of that language version: a commit whose revision
        has no published version in that language is left out.
        """
        if language is None:
            return {v.revision.sha: self.in_force(v) for v in self.draft.versions}
        parallel = self.languages.get(language)
        if parallel is None:
            return {}
        editions = parallel.by_number()
        return {
            v.revision.sha: editions[v.number] for v in self.draft.versions if v.number in editions
        }

    def editions(self, language: str | None) -> tuple[list[Edition], Edition | None]:
        """The committed editions and the current one in `language` (None: the primary)."""
        parallel = self.languages.get(language) if language else None
        if parallel is not None:
            return parallel.versions, parallel.current
        return self.versions, self.current

    def glossary_of(self, language: str | None) -> Glossary:
        """The glossary a version's text is marked with (None: the primary)."""
        parallel = self.languages.get(language) if language else None
        return parallel.glossary if parallel is not None else self.glossary


def text_changes(editions: Sequence[Edition]) -> list[Edition]:
    """The editions of one language version whose text differs from the one before there:
    what its redlines run between (a revision that changed only another version's text
    has no redline in this one)."""
    changes: list[Edition] = []
    for edition in editions:
        if not changes or edition.rendering.packed != changes[-1].rendering.packed:
            changes.append(edition)
    return changes


def publish(
    draft: Draft, renderer: Renderer, site_glossary: Mapping[str, str] | None = None
) -> Published:
    """Render a draft's revisions and current text, trace wIds through them, and render its
    language versions beside them.

    Every version marks the terms of the draft's current glossary (its front matter over the
    site-wide one): a definition explains words, it is not part of what a revision enacted.
    A language version marks those of its own `glossary`, when its front matter has one.

    Raises:
        DraftError: the current text of a language version has another structure than the
            primary's (in older revisions that only warns, and that version is left out).
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
    published.languages = _publish_languages(
        draft, renderer, stages, current, site_glossary, published
    )
    if not current.rendering.outline.elements:
        published.warnings.append(
            f"{draft.source}: no structural elements recognised (no 'Article N' headings, "
            "'1.' paragraphs or '1)' points); the text is published, but readers cannot "
            "link to or comment on its parts."
        )
    return published


def _publish_languages(
    draft: Draft,
    renderer: Renderer,
    stages: list[Edition],
    current: Edition,
    site_glossary: Mapping[str, str] | None,
    published: Published,
) -> dict[str, Parallel]:
    """Each language version's editions, one per revision that has it, checked element by
    element against the primary's.

    A language version marks the terms of its own `glossary` (over the site's) when its
    current front matter has one, else the draft's glossary, as the primary does.
    """
    found = {language for version in draft.versions for language in version.language_starts}
    errors: list[str] = []
    parallels: dict[str, Parallel] = {}
    for language in sorted(found | set(draft.languages)):
        text = draft.languages.get(language)
        source = text.source if text else _sibling(draft.source, language)
        own = text.meta.glossary if text is not None else None
        glossary = Glossary.of(site_glossary, own) if own is not None else published.glossary
        parallel = Parallel(language, source, text, glossary=glossary)
        for edition in stages:  # the revisions: a stage or window move changes no text
            assert edition.version is not None
            body = edition.version.body_of(language)
            if body is None:
                continue
            where = f"{source} at revision {edition.version.revision.short}"
            linked = _linked(edition, renderer.render(body, glossary), draft.source, where)
            if isinstance(linked, Edition):
                parallel.versions.append(linked)
            elif edition is current:  # what readers see now must be linked
                errors.append(linked)
            else:
                published.warnings.append(
                    f"{linked}; this language version of that revision is not published "
                    "(history is published as it is)"
                )
        if text is not None and current.version is None:  # uncommitted work
            where = f"{source} in the work tree"
            rendering = renderer.render(text.body, glossary)
            linked = _linked(current, rendering, draft.source, where)
            if isinstance(linked, Edition):
                parallel.current = linked
            else:
                errors.append(linked + _lint_hint(draft, source))
        elif text is not None and any(e.version is current.version for e in parallel.versions[-1:]):
            parallel.current = parallel.versions[-1]  # committed: the latest revision's
        parallels[language] = parallel
    if errors:
        raise DraftError(errors)
    return parallels


def _linked(
    primary: Edition, rendering: Rendering, primary_source: str, where: str
) -> Edition | str:
    """The language version's edition beside `primary`, with its wIds; or what differs."""
    problem = structure_difference(primary.rendering.outline, rendering.outline, primary_source)
    if problem is not None:
        return (
            f"{where}: {problem}. Language versions must have the same articles, paragraphs "
            "and points, numbered alike"
        )
    return Edition(primary.version, rendering, primary.wids)


def _lint_hint(draft: Draft, source: str) -> str:
    """What the structure lint found in a language version, which often explains why its
    structure differs ("2 баб" for "2-бап")."""
    found = [str(finding) for finding in draft.findings if finding.source == source]
    return "; the structure lint warns: " + "; ".join(found) if found else ""


def _sibling(source: str, language: str) -> str:
    """The path of a draft's language version, from its draft.md's."""
    return f"{source.rpartition('/')[0]}/{language_file(language)}"
