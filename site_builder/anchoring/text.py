"""An edition's whole text, indexed for anchoring: where each element and its number sit,
its tokens for diffing, and the offsets of word stems for the fuzzy search."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from itertools import accumulate

from site_builder.diff import _tokenize, encode_tokens
from site_builder.ids import is_unit
from site_builder.render import Edition
from site_builder.structure import Element

_NON_SPACE = re.compile(r"\S+")


class Side:
    """One edition prepared for anchoring: its whole text and where each element sits in it."""

    def __init__(self, edition: Edition) -> None:
        outline = edition.rendering.outline
        self.elements = {element.eid: element for element in outline.elements}
        self.eid_of_wid = {wid: eid for eid, wid in edition.wids.items()}
        self.blocks = outline.blocks
        # The whole text is the blocks joined as `Element.text` joins them, so every element's
        # text is a slice of it and a span found in one maps onto the other by an offset.
        self.text = "\n".join(block.text for block in self.blocks)
        self.block_starts = list(
            accumulate((len(block.text) + 1 for block in self.blocks[:-1]), initial=0)
        )
        self.spans: dict[str, tuple[int, int]] = {}
        self._block_spans: dict[str, tuple[int, int]] = {}
        # The innermost element holding each block: children come after their parents in the
        # outline, so they overwrite them.
        self._owners: list[str | None] = [None] * len(self.blocks)
        labels: list[tuple[int, int]] = []  # where each element's own number is written
        first_block: dict[str, int] = {}
        for index, block in enumerate(self.blocks):
            if block.anchor is not None:
                first_block.setdefault(block.anchor, index)
        for element in outline.elements:
            index = first_block.get(element.eid, -1)
            start = self.block_starts[index] if index >= 0 else -1
            if start < 0 or not self.text.startswith(element.text, start):
                start = self.text.find(element.text)
                if start < 0:
                    continue
                index = bisect_right(self.block_starts, start) - 1
            end = start + len(element.text)
            stop = bisect_left(self.block_starts, end)
            self.spans[element.eid] = (start, end)
            self._block_spans[element.eid] = (index, stop)
            self._owners[index:stop] = [element.eid] * (stop - index)
            label = _number_span(element)
            if label is not None:
                labels.append((start + label[0], start + label[1]))
        labels.sort()
        self._label_starts = [start for start, _end in labels]
        self._label_ends = [end for _start, end in labels]
        self._signatures: dict[str, str] = {}
        self.tokens: list[str] = []
        self.offsets: list[int] = []
        self.code = ""
        self._stems: dict[str, list[int]] = {}
        self._lower: str | None = None

    def encode(self, table: dict[str, str]) -> None:
        """Tokenise the whole text and encode it one character per token."""
        self.tokens = _tokenize(self.text)
        self.offsets = list(accumulate(map(len, self.tokens), initial=0))
        self.code = encode_tokens(self.tokens, table)

    def token_range(self, start: int, end: int) -> tuple[int, int] | None:
        """Token indexes of character span [start, end), if it starts and ends between tokens."""
        first, last = bisect_left(self.offsets, start), bisect_left(self.offsets, end)
        if last >= len(self.offsets) or self.offsets[first] != start or self.offsets[last] != end:
            return None
        return first, last

    def has_words(self, start: int, end: int) -> bool:
        """Whether text[start:end] holds anything but whitespace and elements' numbers."""
        for found in _NON_SPACE.finditer(self.text, start, end):
            index = bisect_right(self._label_starts, found.start()) - 1
            if index < 0 or self._label_ends[index] < found.end():
                return True
        return False

    def signature(self, eid: str) -> str:
        """The element's words without its own or its children's numbers, spaces collapsed.

        A chapter's text holds its articles' headings; when an article is inserted earlier in
        the draft they all renumber, yet not one word of the chapter changed.
        """
        cached = self._signatures.get(eid)
        if cached is None:
            first, stop = self._block_spans[eid]
            parts: list[str] = []
            for block in self.blocks[first:stop]:
                owner = self.elements.get(block.anchor) if block.anchor else None
                parts.append(_unnumbered(owner, block.text) if owner else block.text)
            cached = self._signatures[eid] = " ".join(" ".join(parts).split())
        return cached

    def innermost(self, start: int, end: int) -> Element | None:
        """The innermost element whose text holds all of [start, end) of the whole text."""
        if not self.blocks:
            return None
        block = bisect_right(self.block_starts, start) - 1
        eid = self._owners[block]
        while eid is not None:
            span = self.spans[eid]
            if span[0] <= start and end <= span[1]:
                return self.elements[eid]
            eid = self.elements[eid].parent
        return None

    def stem_places(self, stem: str) -> list[int]:
        """Offsets of the words beginning with `stem` in the whole text, ascending.

        Looked up when first needed rather than indexed up front: a literal search scans
        300 KB in under a millisecond, and most revisions need a handful of stems, if any.
        """
        places = self._stems.get(stem)
        if places is None:
            if self._lower is None:
                self._lower = self.text.lower()
            # The literal comes first so the regex engine can skip ahead to it; the lookbehind
            # after it checks that it begins a word.
            word_start = rf"(?<!\w[\s\S]{{{len(stem)}}})"
            if len(self._lower) == len(self.text):
                pattern = re.compile(re.escape(stem) + word_start)
                found = pattern.finditer(self._lower)
            else:  # lower-casing changed a length ("İ"): offsets would shift, search as is
                pattern = re.compile(re.escape(stem) + word_start, re.IGNORECASE)
                found = pattern.finditer(self.text)
            places = self._stems[stem] = [match.start() for match in found]
        return places


def _unnumbered(element: Element, text: str) -> str:
    """A block's text without the number of the element it opens."""
    if is_unit(element.kind):
        return element.heading
    return text[len(element.num) :] if text.startswith(element.num) else text


def _number_span(element: Element) -> tuple[int, int] | None:
    """Where the element's own number ("5" of "Article 5. Fees", "2." of a paragraph) is."""
    if is_unit(element.kind):
        heading = element.text.split("\n", 1)[0]
        at = heading.find(element.num)
        return (at, at + len(element.num)) if element.num and at >= 0 else None
    if element.num and element.text.startswith(element.num):
        return 0, len(element.num)
    return None
