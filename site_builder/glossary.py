"""Plain words: glossary terms marked in a draft's text, each opening its plain definition.

A term is marked once per article (per part of the text under one heading), on its first
occurrence there: a reader who arrives at article 12 by a link sees it explained where they
read, and a term used forty times is not underlined forty times. Headings, element numbers,
links and code are left alone.

A mark is a `<button popovertarget>` holding the term's own words, and its definition a
`popover` kept at the end of the text. The browser opens it by keyboard, click and touch
without any script, and announces it as expanded. The element's text (what a comment quotes,
what the redline diffs and the intake checks) stays exactly the words of the law: the
definitions sit outside every element, and the outline is recorded before marking.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as etree
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

from site_builder.errors import LawtrailError
from site_builder.yaml_errors import explain

# Never marked inside: headings (their numbers and titles are the outline), links, code,
# controls, and definitions themselves.
_SKIP_TAGS = frozenset(
    {"h1", "h2", "h3", "h4", "h5", "h6", "a", "code", "pre", "kbd", "button", "dfn", "abbr"}
    | {"script", "style", "svg", "math"}
)
_SKIP_CLASSES = frozenset(("lt-num", "lt-link", "lt-plain-title"))
_HEADING = re.compile(r"h[1-6]")


class GlossaryError(LawtrailError):
    """A glossary file is missing or malformed; the message names the file and the fix."""


@dataclass(frozen=True)
class Glossary:
    """Terms and their plain definitions, with the pattern that finds them in a text."""

    terms: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, *sources: Mapping[str, str] | None) -> Glossary:
        """One glossary from several; a later source's definition of a term wins.

        Terms are compared without regard to case or spacing, so a draft's "Open data"
        replaces a site glossary's "open data".
        """
        merged: dict[str, tuple[str, str]] = {}
        for source in sources:
            for term, definition in (source or {}).items():
                if term.strip() and definition.strip():
                    merged[_key(term)] = (" ".join(term.split()), definition.strip())
        return cls(dict(sorted(merged.values(), key=lambda item: item[0].casefold())))

    @property
    def key(self) -> bytes:
        """A digest of the terms and definitions: renderings differ when this differs."""
        text = "\x00".join(f"{term}\x01{meaning}" for term, meaning in self.terms.items())
        return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()

    def pattern(self) -> re.Pattern[str] | None:
        """Any term as whole words, in any case, across line breaks; longest terms first."""
        if not self.terms:
            return None
        words = sorted(self.terms, key=lambda term: (-len(term), term))
        alternatives = "|".join(r"\s+".join(map(re.escape, term.split())) for term in words)
        return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def load_glossary(path: Path, label: str) -> dict[str, str]:
    """The site-wide glossary: a YAML file of `term: plain definition` lines.

    Args:
        path: the file.
        label: how messages name it, e.g. "glossary.yml".

    Raises:
        GlossaryError: when the file is missing, not YAML, or not terms with definitions.
    """
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise GlossaryError(
            f"{label}: no such glossary file; create it with 'term: plain definition' lines, "
            "or remove the lawtrail option 'glossary'."
        ) from err
    except yaml.YAMLError as err:
        found = explain(err, path.read_text(encoding="utf-8"), yaml.safe_load)
        raise GlossaryError(
            f"{label}, line {found.line}: not valid YAML ({found.problem}): {found.hint}; "
            "write one 'term: plain definition' per line."
        ) from err
    if raw is None:
        return {}
    problems = []
    if not isinstance(raw, dict):
        problems.append(
            f"{label}: holds {type(raw).__name__}; expected 'term: plain definition' lines"
        )
    else:
        for term, definition in raw.items():
            if (
                not isinstance(term, str)
                or not isinstance(definition, str)
                or not definition.strip()
            ):
                problems.append(
                    f"{label}: term {term!r} has the definition {definition!r}; expected a "
                    "plain-language sentence, e.g. 'tariff: the fare a passenger pays'"
                )
    if problems:
        raise GlossaryError(problems)
    return {str(term): str(definition) for term, definition in raw.items()}


class GlossaryTreeprocessor(Treeprocessor):
    """Marks each article's first occurrence of every term; appends the definitions."""

    def __init__(self, md: Markdown, extension: GlossaryExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, root: etree.Element) -> None:
        glossary = self.extension.glossary
        pattern = glossary.pattern()
        self.extension.marked = ()
        if pattern is None:
            return
        marker = _Marker(glossary, pattern)
        for child in list(root):
            if isinstance(child.tag, str) and _HEADING.fullmatch(child.tag):
                marker.seen.clear()  # a new article (or part): its terms are explained again
            marker.mark(child)
        if marker.used:
            root.append(_definitions(glossary, marker.used))
            self.extension.marked = tuple(t for t in glossary.terms if _key(t) in marker.used)


class GlossaryExtension(Extension):
    """Python-Markdown extension: glossary terms open their plain definitions.

    Set `glossary` before each conversion; the default marks nothing. After it, `marked`
    holds the terms found in the text, in glossary order.
    """

    def __init__(self) -> None:
        super().__init__()
        self.glossary = Glossary()
        self.marked: tuple[str, ...] = ()

    def reset(self) -> None:
        # Markdown skips tree processors on a blank text: it marked nothing.
        self.marked = ()

    def extendMarkdown(self, md: Markdown) -> None:
        # After the structure (6) recorded the elements' text, so marks never reach the
        # outline, and before toc (5); headings are never marked, so toc is unaffected.
        md.treeprocessors.register(GlossaryTreeprocessor(md, self), "lawtrail_glossary", 5.5)
        md.registerExtension(self)


class _Marker:
    """Walks one text, marking the first unseen occurrence of each term."""

    def __init__(self, glossary: Glossary, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.ids = {_key(term): f"lt-term-{i + 1}" for i, term in enumerate(glossary.terms)}
        self.seen: set[str] = set()
        self.used: set[str] = set()

    def mark(self, element: etree.Element) -> None:
        if element.tag in _SKIP_TAGS or _SKIP_CLASSES & set(element.get("class", "").split()):
            return
        if element.text:
            element.text, buttons = self._split(element.text)
            for index, button in enumerate(buttons):
                element.insert(index, button)
        index = 0
        while index < len(element):
            child = element[index]
            self.mark(child)
            index += 1
            if child.tail:
                child.tail, buttons = self._split(child.tail)
                for button in buttons:
                    element.insert(index, button)
                    index += 1

    def _split(self, text: str) -> tuple[str, list[etree.Element]]:
        """The text before the first new term, and a button per new term (words after it as
        its tail)."""
        lead = text
        buttons: list[etree.Element] = []
        position = 0
        for found in self.pattern.finditer(text):
            key = _key(found.group(0))
            target = self.ids.get(key)
            if target is None or key in self.seen:
                continue  # a case folding the pattern allows but the key does not, or seen
            self.seen.add(key)
            self.used.add(key)
            button = etree.Element(
                "button", {"type": "button", "class": "lt-term", "popovertarget": target}
            )
            button.text = found.group(0)
            if buttons:
                buttons[-1].tail = text[position : found.start()]
            else:
                lead = text[: found.start()]
            buttons.append(button)
            position = found.end()
        if buttons:
            buttons[-1].tail = text[position:]
        return lead, buttons


def _definitions(glossary: Glossary, used: set[str]) -> etree.Element:
    """The popovers of the terms used, in glossary order, outside every element.

    Search skips them (`data-search-exclude`): the term is indexed where it stands in the text.
    """
    box = etree.Element("div", {"class": "lt-terms", "data-search-exclude": ""})
    for index, (term, meaning) in enumerate(glossary.terms.items()):
        if _key(term) not in used:
            continue
        popover = etree.SubElement(
            box, "div", {"class": "lt-term-def", "id": f"lt-term-{index + 1}", "popover": ""}
        )
        p = etree.SubElement(popover, "p")
        dfn = etree.SubElement(p, "dfn")
        dfn.text = term
        dfn.tail = f": {meaning}"
    return box


def _key(term: str) -> str:
    return " ".join(term.split()).casefold()
