"""Structural elements of a draft: recognised from its text, given Akoma Ntoso eIds.

The builder renders drafts with this extension, and the intake validates comment targets
against the outline it records, so an id the reader clicks is the id the intake accepts.
The grammar of those ids and the labels written beside them come from `ids`.
"""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as etree
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from markdown import Extension, Markdown
from markdown.blockprocessors import BlockProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from site_builder import ids
from site_builder.diff import TextBlock
from site_builder.i18n import translations
from site_builder.ids import ARTICLE_LEVEL, Step, element_eid, is_unit, unique_eid
from site_builder.notes import NOTE_CLASS, NOTE_TAG, PlainNoteProcessor

# Unit words and the Akoma Ntoso abbreviation each maps to. Kazakh puts the number first
# ("5-бап"), the other languages after the word ("Article 5", "Статья 5").
UNIT_ABBR = {
    "chapter": "chp",
    "глава": "chp",
    "тарау": "chp",
    "part": "part",
    "часть": "part",
    "бөлік": "part",
    "section": "sec",
    "раздел": "sec",
    "бөлім": "sec",
    "§": "sec",
    "article": "art",
    "статья": "art",
    "бап": "art",
}
# The unit words Kazakh writes after the number ("5-бап", "2-тарау").
NUMBER_FIRST_WORDS = ("тарау", "бөлім", "бөлік", "бап")

_NUM = r"[0-9IVXLCDMivxlcdm]+(?:[.\-][0-9]+)*(?:[a-zа-я]|\s?bis|\s?ter)?"
_WORDS = "|".join(w for w in UNIT_ABBR if w != "§")
_HEADING_WORD_FIRST = re.compile(rf"^(?P<word>{_WORDS})\s+(?P<num>{_NUM})\.?(?=[\s.:—–-]|$)", re.I)
_HEADING_SECTION_SIGN = re.compile(r"^§\s*(?P<num>[0-9]+[a-z]?)\.?(?=[\s.:—–-]|$)", re.I)
_HEADING_NUMBER_FIRST = re.compile(
    rf"^(?P<num>[0-9]+(?:[.\-][0-9]+)*)\s*[-–]?\s*(?P<word>{'|'.join(NUMBER_FIRST_WORDS)})"
    r"(?=[\s.:—–-]|$)",
    re.I,
)

_LETTER = "a-zа-яёәғқңөұүһі"
# Numbered lines: (kind, style, pattern). Paragraphs "1." and "(1)"; points "1)", "a)", "(a)".
_MARKERS = (
    ("para", "dot", re.compile(r"^(?P<num>\d+(?:\.\d+)*)\.[ \t]+")),
    ("para", "paren", re.compile(r"^\((?P<num>\d+)\)[ \t]+")),
    ("point", "num", re.compile(r"^(?P<num>\d+)\)[ \t]+")),
    ("point", "alpha", re.compile(rf"^(?P<num>[{_LETTER}])\)[ \t]+", re.I)),
    ("point", "paren-alpha", re.compile(rf"^\((?P<num>[{_LETTER}]|[ivxlc]+)\)[ \t]+", re.I)),
)

_ANY_MARKER = re.compile(
    "^(?:" + "|".join(p.pattern[1:].replace("(?P<num>", "(?:") for _, _, p in _MARKERS) + ")",
    re.M | re.I,
)
_STASH = re.compile("\x02wzxhzdk:\\d+\x03")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Element:
    """One structural element of a rendered draft."""

    eid: str
    kind: str  # chp, part, sec, art, para or point
    num: str  # the number as written, e.g. "5", "2)", "а)"
    parent: str | None  # eId of the enclosing element
    path: tuple[Step, ...]  # (kind, num) from the unit its eId starts with down to itself
    heading: str  # for units, the heading text without its number; else ""
    # The element's blocks in the outline: its text is theirs, joined when asked for. Held
    # as text on every element, it repeated each article's words in its paragraphs and
    # points, and a build holds every version of every draft.
    blocks: Sequence[TextBlock] = field(compare=False, repr=False)
    first: int = 0
    end: int = 0
    language: str = field(default=ids.DEFAULT_LANGUAGE, compare=False, repr=False)  # of labels

    @property
    def text(self) -> str:
        """Plain text of the element and everything inside it."""
        return "\n".join(block.text for block in self.blocks[self.first : self.end])

    @property
    def label(self) -> str:
        """Its own label: "Article 5", "paragraph 2", "point a"."""
        return ids.own_label(self.kind, self.num, self.language)

    @property
    def full_label(self) -> str:
        """Its label as readers cite it: "Article 5, paragraph 2"."""
        return ids.full_label(self.path, self.language)

    @property
    def body(self) -> str:
        """The text without the element's own number, for matching across renumbering."""
        text = self.text
        if is_unit(self.kind):
            return text.split("\n", 1)[1] if "\n" in text else ""
        return text[len(self.num) :].strip() if text.startswith(self.num) else text


@dataclass
class Outline:
    """What rendering found: elements in document order and the text blocks."""

    elements: list[Element] = field(default_factory=list)
    blocks: list[TextBlock] = field(default_factory=list)

    def find(self, eid: str) -> Element | None:
        """The element with this eId, or None."""
        return self._by_eid.get(eid)

    @functools.cached_property
    def _by_eid(self) -> dict[str, Element]:
        # Asked once per comment (intake, re-anchoring): an index, not a scan per question.
        return {element.eid: element for element in self.elements}


def match_heading(text: str) -> tuple[str, str] | None:
    """The (abbreviation, number) of a heading that opens a unit, else None."""
    text = text.strip()
    for pattern in (_HEADING_WORD_FIRST, _HEADING_NUMBER_FIRST, _HEADING_SECTION_SIGN):
        found = pattern.match(text)
        if found:
            word = found.groupdict().get("word") or "§"
            return UNIT_ABBR[word.lower()], found.group("num")
    return None


def match_marker(line: str) -> tuple[str, str, str, int] | None:
    """The (kind, style, number, marker length) of a numbered line, else None."""
    for kind, style, pattern in _MARKERS:
        found = pattern.match(line)
        if found:
            return kind, style, found.group("num"), found.end()
    return None


class NumberedBlockProcessor(BlockProcessor):
    """Turns numbered paragraphs and points into elements before Markdown sees lists.

    Python-Markdown would make "1." lines an ordered list and drop the numbers the
    drafter wrote; legal text must keep them, renumbered or not.
    """

    def test(self, parent: etree.Element, block: str) -> bool:
        # Asked of nearly every block: one search, not five patterns per line.
        return _ANY_MARKER.search(block) is not None

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        lines = blocks.pop(0).split("\n")
        lead: list[str] = []
        while lines and not match_marker(lines[0]):
            lead.append(lines.pop(0))
        if lead:
            etree.SubElement(parent, "p").text = "\n".join(lead)
        items: list[tuple[tuple[str, str, str, int], list[str]]] = []
        for line in lines:
            marker = match_marker(line)
            if marker:
                items.append((marker, [line]))
            else:
                items[-1][1].append(line)
        for (kind, style, _num, length), item_lines in items:
            self._add_item(parent, kind, style, item_lines[0][:length].strip(), item_lines)

    def _add_item(
        self, parent: etree.Element, kind: str, style: str, label: str, lines: list[str]
    ) -> None:
        container = parent
        if kind == "para" and style == "dot":
            last = _last_element(parent)
            if last is not None and last.get("data-lt-style") == "paren":
                # German-style drafting numbers paragraphs "(1)" and the items inside them
                # "1.": a dot-numbered line right after a "(n)" paragraph is one of its items.
                kind = "point"
        if kind == "point":
            last = _last_element(parent)
            if last is not None and last.get("data-lt-kind") == "para":
                container = last
            container = _point_container(container, style)
        div = etree.SubElement(container, "div")
        div.set("class", f"lt-el lt-{kind}")
        div.set("data-lt-kind", kind)
        div.set("data-lt-style", style)
        div.set("data-lt-num", label)
        p = etree.SubElement(div, "p")
        number = etree.SubElement(p, "span")
        number.set("class", "lt-num")
        number.text = AtomicString(label)  # a number, never Markdown: inline patterns skip it
        number.tail = " " + "\n".join([lines[0][len(label) :].strip(), *lines[1:]]).strip()


class StructureTreeprocessor(Treeprocessor):
    """Assigns eIds to units, paragraphs and points, and records the outline."""

    def run(self, root: etree.Element) -> None:
        outline = Outline()
        pool = getattr(self.md, "lawtrail_pool", None)
        if pool is None:
            pool = self.md.lawtrail_pool = {}  # type: ignore[attr-defined]
        language = getattr(self.md, "lawtrail_language", ids.DEFAULT_LANGUAGE)
        walker = _Walker(outline, pool, language)
        walker.walk(root)
        walker.close_all()
        self.md.lawtrail_outline = outline  # type: ignore[attr-defined]


class StructureExtension(Extension):
    """Python-Markdown extension: structural elements of legal text get eIds."""

    _md: Markdown | None = None

    def __init__(self, language: str = ids.DEFAULT_LANGUAGE) -> None:
        """`language` names elements in labels and links: the site's, not the text's."""
        super().__init__()
        self.language = language

    def extendMarkdown(self, md: Markdown) -> None:
        md.lawtrail_language = self.language  # type: ignore[attr-defined]
        md.parser.blockprocessors.register(
            NumberedBlockProcessor(md.parser), "lawtrail_numbered", 45
        )
        # Before admonitions (105), which would otherwise take "!!! plain" as one of theirs.
        md.parser.blockprocessors.register(PlainNoteProcessor(md.parser), "lawtrail_plain", 106)
        # After inline processing (20), so element text is final; before toc (5), which
        # keeps ids already set on headings.
        md.treeprocessors.register(StructureTreeprocessor(md), "lawtrail_structure", 6)
        md.registerExtension(self)
        self._md = md

    def reset(self) -> None:
        # Markdown skips tree processors on a blank text: without this, a blank draft
        # would report the outline of the text converted before it.
        if self._md is not None:
            self._md.lawtrail_outline = Outline()  # type: ignore[attr-defined]


def outline_of(md: Markdown) -> Outline:
    """The outline recorded by the last conversion of `md`."""
    outline: Outline = getattr(md, "lawtrail_outline", Outline())
    return outline


class _Walker:
    """One pass over the rendered tree, in document order."""

    def __init__(self, outline: Outline, pool: dict[Any, Any], language: str) -> None:
        self.outline = outline
        self.language = language
        self.link_text = translations(language).gettext("Link to %(name)s")
        # One object per distinct block and name across every text this Markdown converts:
        # the versions of one draft repeat almost all of each other, and a build holds them
        # all (a long code's ten versions took five times the memory of one).
        self.pool = pool
        self.used: set[str] = set()
        # Open units: (eid, kind, heading level, first block, slot, Element fields).
        self.units: list[tuple[str, str, int, int, int, dict[str, str]]] = []
        # Each element's (kind, num) path, for its labels: parents are named before children.
        self.paths: dict[str, tuple[Step, ...]] = {}
        # Elements close after their children; slots keep them in document order.
        self.slots: list[Element | None] = []

    def walk(self, parent: etree.Element) -> None:
        for child in list(parent):
            tag = child.tag
            if isinstance(tag, str) and re.fullmatch(r"h[1-6]", tag):
                self._heading(child, int(tag[1]))
            elif child.get("data-lt-kind"):
                self._numbered(child, self._container())
            elif child.get("class") == NOTE_CLASS:
                # A note's words are blocks of its article (the redline compares them);
                # its title is a label, not text.
                for paragraph in child[1:]:
                    self._block(NOTE_TAG, _text(paragraph), None)
            elif tag in ("ul", "ol"):
                for item in child.iter("li"):
                    self._block("p", _own_text(item), None)
            elif tag == "table":
                for row in child.iter("tr"):
                    cells = (_text(cell) for cell in row)
                    self._block("p", " | ".join(cells), None)
            elif tag in ("div", "blockquote", "details", "section"):
                self.walk(child)
            else:
                self._block("p", _text(child), None)

    def close_all(self) -> None:
        while self.units:
            self._close_unit()
        self.outline.elements = [element for element in self.slots if element is not None]

    def _heading(self, heading: etree.Element, level: int) -> None:
        text = _text(heading)
        found = match_heading(text)
        # A heading closes every open unit at its level or deeper; a unit heading also
        # closes open units of the same kind (an article ends at the next article).
        while self.units and (
            self.units[-1][2] >= level or (found and self.units[-1][1] == found[0])
        ):
            self._close_unit()
        if found is None:
            self._block(f"h{level}", text, None)
            return
        abbr, num = found
        eid = unique_eid(element_eid(abbr, num), self.used)
        self.paths[eid] = self._path(((abbr, num),))
        heading.set("id", eid)
        heading.set("class", f"lt-el lt-{abbr}")
        heading.set("data-lt-wid", eid)
        self._link(heading, eid, ids.own_label(abbr, num, self.language))
        fields = {"num": num, "heading": _heading_title(text)}
        self.units.append((eid, abbr, level, len(self.outline.blocks), self._reserve(), fields))
        self._block(f"h{level}", text, eid)

    def _numbered(self, div: etree.Element, parent: str | None) -> None:
        kind = div.get("data-lt-kind", "para")
        num = div.get("data-lt-num", "")
        eid = unique_eid(element_eid(kind, num, parent), self.used)
        path = self.paths[eid] = self._path((*(self.paths[parent] if parent else ()), (kind, num)))
        div.set("id", eid)
        div.set("data-lt-wid", eid)
        for attr in ("data-lt-kind", "data-lt-style", "data-lt-num"):
            del div.attrib[attr]
        start, slot = len(self.outline.blocks), self._reserve()
        first = True
        name = ids.own_label(kind, num, self.language)
        for child in list(div):
            if child.get("data-lt-kind"):
                self._numbered(child, eid)
            else:
                if first:
                    self._link(child, eid, name, before=True)
                self._block(
                    child.tag if child.tag == "p" else "p", _text(child), eid if first else None
                )
                first = False
        blocks = self.outline.blocks
        n = self._name
        self.slots[slot] = Element(
            n(eid),
            kind,
            n(num),
            parent and n(parent),
            path,
            "",
            blocks,
            start,
            len(blocks),
            self.language,
        )

    def _block(self, tag: str, text: str, anchor: str | None) -> None:
        if not text.strip():
            return
        unit = self.units[-1][0] if self.units else None
        block = TextBlock(tag=tag, text=text, anchor=anchor, unit=unit)
        self.outline.blocks.append(self.pool.setdefault(block, block))

    def _name(self, name: str) -> str:
        """A name shared with earlier texts, as the same string object."""
        return str(self.pool.setdefault(name, name))

    def _path(self, path: tuple[Step, ...]) -> tuple[Step, ...]:
        """A label path shared with earlier texts, as the same tuple."""
        shared: tuple[Step, ...] = self.pool.setdefault(path, path)
        return shared

    def _close_unit(self) -> None:
        eid, abbr, _level, start, slot, fields = self.units.pop()
        parent = self.units[-1][0] if self.units else None
        blocks = self.outline.blocks
        n = self._name
        self.slots[slot] = Element(
            n(eid),
            abbr,
            n(fields["num"]),
            parent and n(parent),
            self.paths[eid],
            n(fields["heading"]),
            blocks,
            start,
            len(blocks),
            self.language,
        )

    def _link(self, element: etree.Element, eid: str, name: str, before: bool = False) -> None:
        _add_link(element, eid, self.link_text % {"name": name}, before)

    def _reserve(self) -> int:
        self.slots.append(None)
        return len(self.slots) - 1

    def _container(self) -> str | None:
        """The eId paragraphs belong to: the innermost open unit."""
        return self.units[-1][0] if self.units else None


def _heading_title(text: str) -> str:
    """'Article 5. Fees' -> 'Fees'; '5-бап. Төлем' -> 'Төлем'."""
    for pattern in (_HEADING_WORD_FIRST, _HEADING_NUMBER_FIRST, _HEADING_SECTION_SIGN):
        found = pattern.match(text.strip())
        if found:
            return re.sub(r"^[\s.:—–-]+", "", text.strip()[found.end() :]).strip()
    return text.strip()


def _add_link(element: etree.Element, eid: str, text: str, before: bool = False) -> None:
    """A visible, focusable "link to this" control; its name is an attribute, not text."""
    link = etree.Element("a")
    link.set("class", "lt-link")
    link.set("href", f"#{eid}")
    link.set("aria-label", text)
    link.set("title", text)
    if before:
        link.tail = element.text
        element.text = None
        element.insert(0, link)
    else:
        element.append(link)


def _last_element(parent: etree.Element) -> etree.Element | None:
    return parent[-1] if len(parent) else None


def _point_container(container: etree.Element, style: str) -> etree.Element:
    """Points of a new numbering style nest inside the last point of another style."""
    last = _last_element(container)
    if last is None or last.get("data-lt-kind") != "point" or last.get("data-lt-style") == style:
        return container
    return _point_container(last, style)


def _text(element: etree.Element) -> str:
    return _clean("".join(element.itertext()))


def _own_text(item: etree.Element) -> str:
    """Text of a list item without its nested lists (they are items of their own)."""
    parts: list[str] = [item.text or ""]
    for child in item:
        if child.tag not in ("ul", "ol"):
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    return _clean("".join(parts))


def _clean(text: str) -> str:
    return _SPACE.sub(" ", _STASH.sub("", text)).strip()


def iter_units(outline: Outline) -> Iterator[Element]:
    """Article-level units (articles, sections), or every unit when a draft has none."""
    units = [el for el in outline.elements if el.kind in ARTICLE_LEVEL]
    yield from units or (el for el in outline.elements if is_unit(el.kind))
