"""Plain-language notes: an article explained in everyday words, inside the draft's text.

A note is written in the article it explains, so it is versioned with it, and its words
are blocks of that article: a redline shows a changed note as it shows changed text.

    !!! plain "Простыми словами"
        Any ministry that spends budget money publishes what it spent, every month.

        A second paragraph is indented too.

The title in quotes is optional ("In plain words" when left out); it labels the box and is
not compared between revisions. The syntax is the one of admonitions, so a note reads the
same in any Markdown editor; Lawtrail renders it whether or not the site enables them.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown.blockprocessors import BlockProcessor

from site_builder.i18n import N_, translations

# The class that marks a note's box in the HTML; `structure` records its paragraphs with
# the tag NOTE_TAG, and the redline shows blocks of that tag as a note.
NOTE_CLASS = "lt-plain"
NOTE_TAG = "aside"
DEFAULT_TITLE = N_("In plain words")  # shown in the site's language

_START = re.compile(r'^!!![ \t]+plain(?:[ \t]+"(?P<title>[^"\n]*)")?[ \t]*(?:\n|$)')
_INDENT = re.compile(r"^(?: {4}|\t)")


class PlainNoteProcessor(BlockProcessor):
    """`!!! plain "title"` and the indented paragraphs under it become a note box."""

    def test(self, parent: etree.Element, block: str) -> bool:
        return _START.match(block) is not None

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        block = blocks.pop(0)
        start = _START.match(block)
        assert start is not None
        paragraphs = [block[start.end() :]]
        # Paragraphs after a blank line belong to the note while they stay indented.
        while blocks and _INDENT.match(blocks[0]):
            paragraphs.append(blocks.pop(0))
        box = etree.SubElement(parent, "div", {"class": NOTE_CLASS, "role": "note"})
        title = etree.SubElement(box, "p", {"class": f"{NOTE_CLASS}-title"})
        title.text = (start.group("title") or "").strip()
        if not title.text:
            # Lawtrail's words, in the site's language, inside a text that may be in another.
            language = getattr(self.parser.md, "lawtrail_language", "en")
            title.text = translations(language).gettext(DEFAULT_TITLE)
            title.set("lang", language)
        for paragraph in paragraphs:
            text = "\n".join(_INDENT.sub("", line) for line in paragraph.split("\n")).strip()
            if text:
                etree.SubElement(box, "p").text = text
