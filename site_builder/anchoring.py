"""Re-anchoring review comments from the revision they were made on onto a later revision.

A comment targets an element (its eId, plus the wId that survives renumbering) and optionally a
quote in it (a W3C TextQuoteSelector: exact, prefix, suffix). When the draft is revised, the
comment is shown on the new revision the way GitHub and GitLab show review comments after a
push: `current` when its words are untouched, `moved` when they are untouched but now elsewhere
(renumbered, or merged into another provision), `outdated` when they were changed, `orphaned`
when they are gone. The rules, in order: the element with the same wId; else the quote traced
through the word diff of the whole text; else a Hypothesis-style fuzzy search for the quote.

Everything here is pure: two rendered editions in, anchors out, positions in code points of
`Element.text`. A `Reanchorer` shares the work for one pair of editions (each text tokenised
and encoded once, each element pair diffed once, the whole text diffed once), so thousands of
comments cost about as much as one diff of the whole draft.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import TypeAlias

from site_builder.diff import _tokenize, diff_codes, encode_tokens
from site_builder.ids import is_unit
from site_builder.render import Edition
from site_builder.structure import Element

__all__ = ["CURRENT", "MOVED", "ORPHANED", "OUTDATED", "Anchor", "Reanchorer", "Target", "reanchor"]

CURRENT = "current"
MOVED = "moved"
OUTDATED = "outdated"
ORPHANED = "orphaned"

# Hypothesis's weights for a candidate match: the quote itself, its 32 characters of context on
# either side, and closeness to where it used to be (a tie-breaker, hence the small weight).
_QUOTE_WEIGHT, _PREFIX_WEIGHT, _SUFFIX_WEIGHT, _POSITION_WEIGHT = 50.0, 20.0, 20.0, 2.0
_TOTAL_WEIGHT = _QUOTE_WEIGHT + _PREFIX_WEIGHT + _SUFFIX_WEIGHT + _POSITION_WEIGHT
# Hypothesis accepts any match with up to half the quote wrong, and has no minimum score, which
# is how its highlights drift onto unrelated text. A quote with three quarters of its characters
# intact still reads as the same words reworded ("every month" -> "each month"); past a quarter,
# a match in a law is mostly shared boilerplate ("the minister shall ... within 30 days") and
# pointing a reader there would put the comment on words it was not about.
_MIN_QUOTE_SIMILARITY = 0.75
# A quote this short ("the fee", "30 days") recurs all over a law: found elsewhere, it proves
# nothing unless its context agrees too.
_MIN_QUOTE_ALONE = 12
_MIN_CONTEXT_ALONE = 0.5
_MAX_ERRORS = 256  # Hypothesis's cap on the errors an approximate match may have
_MAX_OCCURRENCES = 1000  # exact occurrences scored per search; a phrase this common says little
_CANDIDATES = 6  # regions of the text where approximate matching is tried, best seeded first
_STEM = 4  # word prefix used as a seed: Russian and Kazakh inflect by ending, roots stay
_COMMON_SEED = 500  # a stem found more often than this in the searched text is too common
_MIN_SEEDS = 3  # stems that vote when all of a quote's are common
# Notes for readers when the comment stays where it was.
_UNCHANGED = "Unchanged in this revision."
_TEXT_CHANGED = "The text of this provision was changed."
_MAYBE_CHANGED = "The text of this provision may have changed."
_QUOTE_UNCHANGED = "The quoted words are unchanged."
_QUOTE_CHANGED = "The quoted words were changed."
_SPACE = re.compile(r"\s+")
_WORD_CHAR = re.compile(r"\w")
_NON_SPACE = re.compile(r"\S+")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Anchor:
    """Where a comment lands on the new revision, and how it got there."""

    status: str  # "current" | "moved" | "outdated" | "orphaned"
    eid: str | None  # the element in the new revision (None when orphaned)
    quote: str | None  # the quoted words as they now read (None without a quote or a span)
    start: int | None  # span of the quote in the new element's text, end exclusive
    end: int | None
    note: str  # one plain sentence for readers


@dataclass(frozen=True)
class Target:
    """What a review file stores about where a comment points (see DESIGN.md)."""

    eid: str
    wid: str
    exact: str | None = None
    prefix: str = ""
    suffix: str = ""


def reanchor(target: Target, old: Edition, new: Edition) -> Anchor:
    """Re-anchor one comment made on `old` onto the later revision `new`."""
    return Reanchorer(old, new).anchor(target)


# Whether a match at new [start, end) may stand for the quote.
_Filter: TypeAlias = Callable[[int, int], bool]


@dataclass(frozen=True)
class _Match:
    """A quote found in a text: its span, how many characters were wrong, its score."""

    start: int
    end: int
    errors: int
    score: float


class _Trace:
    """A word diff as runs with old and new character ranges, to follow spans through it."""

    def __init__(
        self, raw: Sequence[tuple[str, int]], old: _Side, first_old: int, new: _Side, first_new: int
    ) -> None:
        # Runs count tokens from the given first tokens; spans are characters relative to them.
        self._old, self._new = old, new
        self._old_base, self._new_base = old.offsets[first_old], new.offsets[first_new]
        self._kinds: list[str] = []
        self._runs: list[tuple[int, int, int, int]] = []
        self._starts: list[int] = []
        self._new_starts: list[int] = []
        i, j = first_old, first_new
        for kind, length in raw:
            a, na = old.offsets[i] - self._old_base, new.offsets[j] - self._new_base
            if kind != "+":
                i += length
            if kind != "-":
                j += length
            b, nb = old.offsets[i] - self._old_base, new.offsets[j] - self._new_base
            self._kinds.append(kind)
            self._runs.append((a, b, na, nb))
            self._starts.append(a)
            self._new_starts.append(na)
        self._old_length = old.offsets[i] - self._old_base
        self._new_length = new.offsets[j] - self._new_base

    def follow(self, start: int, end: int) -> tuple[bool, int, int]:
        """Whether a word inside old [start, end) changed, and the span it became."""
        if not self._runs or start >= end:
            return False, min(start, self._new_length), min(start, self._new_length)
        first = max(0, bisect_right(self._starts, start) - 1)
        last = max(0, bisect_left(self._starts, end) - 1)
        changed = any(
            self._kinds[k] != "=" and self._words_changed(k) for k in range(first, last + 1)
        )
        return changed, self._map_start(first, start), self._map_end(last, end)

    def inserts_words(self, start: int, end: int) -> bool:
        """Whether new [start, end) holds words that this revision inserted."""
        first = max(0, bisect_right(self._new_starts, start) - 1)
        last = bisect_left(self._new_starts, end)
        for k in range(first, last):
            if self._kinds[k] != "+":
                continue
            _a, _b, na, nb = self._runs[k]
            low, high = max(na, start), min(nb, end)
            if low < high and self._new.has_words(self._new_base + low, self._new_base + high):
                return True
        return False

    def _words_changed(self, k: int) -> bool:
        """Whether run k adds or removes words: not only whitespace or renumbered labels.

        A renumbered paragraph's "2." becoming "3." is not a change of its words; a reader
        who selected the whole paragraph, number included, has commented on the same text.
        """
        a, b, na, nb = self._runs[k]
        return self._old.has_words(self._old_base + a, self._old_base + b) or self._new.has_words(
            self._new_base + na, self._new_base + nb
        )

    def _map_start(self, k: int, start: int) -> int:
        """Where old position `start` (inside run k) begins in the new text."""
        if start >= self._old_length:
            return self._new_length
        a, _b, na, _nb = self._runs[k]
        # A deleted start maps to where the deletion was, so a replacement is included.
        return na + (start - a) if self._kinds[k] == "=" else na

    def _map_end(self, k: int, end: int) -> int:
        """Where old position `end` (the last run starting before it is k) ends in the new text."""
        if end <= 0:
            return 0
        a, _b, na, nb = self._runs[k]
        if self._kinds[k] == "=":
            return na + (end - a)
        # An end inside a deletion takes in the insertion that replaced it.
        while k + 1 < len(self._runs) and self._kinds[k + 1] == "+":
            k += 1
            nb = self._runs[k][3]
        return nb


class _Side:
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
            label = _label(element)
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

    def find(
        self,
        quote: str,
        context: tuple[str, str],
        bounds: tuple[int, int],
        hint: int | None,
        whole_words: bool = False,
        allowed: _Filter | None = None,
    ) -> _Match | None:
        """The best exact occurrence of `quote` within bounds, by context and position.

        Spaces are compared loosely, as the intake checks quotes: a browser may join blocks
        with other whitespace than the outline's newline. With `whole_words`, occurrences
        that begin or end inside a longer word ("fee" in "feet") do not count.
        """
        spans = [
            (start, end)
            for start, end in _occurrences(self.text, quote, *bounds)
            if not (whole_words and _cuts_word(self.text, start, end))
            and (allowed is None or allowed(start, end))
        ]
        if len(spans) > 1:
            # Where prefix and suffix agree exactly the quote is surely the one commented on;
            # the edit distances that rank the other occurrences are then not needed.
            prefix, suffix = context
            agreeing = [
                (start, end)
                for start, end in spans
                if _prefix_similarity(prefix, self.text, start, bounds[0], exact=True)
                and _suffix_similarity(suffix, self.text, end, bounds[1], exact=True)
            ]
            spans = agreeing or spans
        best: _Match | None = None
        for start, end in spans:
            score = self._score(start, end, 0, len(quote), context, bounds, hint)
            if best is None or score > best.score:
                best = _Match(start, end, 0, score)
        return best

    def find_approximate(
        self,
        quote: str,
        context: tuple[str, str],
        bounds: tuple[int, int],
        hint: int | None,
        allowed: _Filter | None = None,
    ) -> _Match | None:
        """The best approximate match of `quote` within bounds, snapped to whole words.

        Approximate matching over a whole 300 KB draft in Python would take about a second per
        quote, so it runs only where the quote's word stems line up along one diagonal (text
        position minus position in the quote), as seed-and-extend aligners do.
        """
        pattern = _SPACE.sub(" ", quote)
        length = len(pattern)
        budget = min(_MAX_ERRORS, length // 2)
        lo, hi = bounds
        width = max(16, budget)
        seeds: list[tuple[int, list[int]]] = []  # (offset in the quote, places in bounds)
        for word in _WORD.finditer(pattern):
            places = self._stem_places(_stem(word.group()))
            first, stop = bisect_left(places, lo), bisect_left(places, hi)
            if stop > first:
                seeds.append((word.start(), places[first:stop]))
        # Words as common as "the" vote everywhere and only add noise (and time) to the count,
        # so the rarest words vote, and common ones only when too few rare ones are left.
        seeds.sort(key=lambda seed: len(seed[1]))
        rare = [seed for seed in seeds if len(seed[1]) <= _COMMON_SEED] or seeds[:_MIN_SEEDS]
        votes: Counter[int] = Counter()
        for position, places in rare:
            votes.update([(place - position) // width for place in places])
        windows = sorted(
            (
                max(lo, diagonal * width - budget),
                min(hi, (diagonal + 1) * width + length + budget),
            )
            for diagonal, _count in votes.most_common(_CANDIDATES)
        )
        best: _Match | None = None
        for window in _merged(windows):
            found = _approximate(pattern, self.text, window, budget)
            if found is None:
                continue
            start, end, errors = found
            start, end = _snap(self.text, start, end, lo, hi)
            if start >= end or (allowed is not None and not allowed(start, end)):
                continue
            score = self._score(start, end, errors, length, context, bounds, hint)
            if best is None or score > best.score:
                best = _Match(start, end, errors, score)
        return best

    def _score(
        self,
        start: int,
        end: int,
        errors: int,
        length: int,
        context: tuple[str, str],
        bounds: tuple[int, int],
        hint: int | None,
    ) -> float:
        """Hypothesis's score: (50 quote + 20 prefix + 20 suffix + 2 position) / 92."""
        prefix, suffix = context
        quote = 1.0 - errors / max(1, length)
        before = _prefix_similarity(prefix, self.text, start, bounds[0])
        after = _suffix_similarity(suffix, self.text, end, bounds[1])
        position = 1.0 if hint is None else 1.0 - abs(start - hint) / max(1, len(self.text))
        return (
            _QUOTE_WEIGHT * quote
            + _PREFIX_WEIGHT * before
            + _SUFFIX_WEIGHT * after
            + _POSITION_WEIGHT * position
        ) / _TOTAL_WEIGHT

    def _stem_places(self, stem: str) -> list[int]:
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


class Reanchorer:
    """Re-anchors comments made on one revision onto a later one, sharing the work.

    Texts are tokenised and encoded on the first comment that needs a diff, each pair of old
    and new elements is diffed at most once and the whole text at most once, so re-anchoring
    many comments costs little more than one diff of the draft.
    """

    def __init__(self, old: Edition, new: Edition) -> None:
        self._old = _Side(old)
        self._new = _Side(new)
        self._encoded = False
        self._pairs: dict[tuple[str, str], _Trace | None] = {}
        self._whole: _Trace | None = None

    def anchor(self, target: Target) -> Anchor:
        """Where one comment lands on the new revision."""
        quote = _clean_quote(target.exact)
        old_eid = self._old.eid_of_wid.get(target.wid, target.eid)
        old = self._old.elements.get(old_eid) or self._old.elements.get(target.eid)
        new_eid = self._new.eid_of_wid.get(target.wid)
        if new_eid is not None and new_eid in self._new.spans:
            return self._same_element(target, quote, old, self._new.elements[new_eid])
        if quote is None:
            return Anchor(ORPHANED, None, None, None, None, "The provision was removed.")
        context = (target.prefix, target.suffix)
        located = self._locate_old(old, quote, context)
        if located is None:
            return self._search_everywhere(quote, context, None, None)
        whole = self._whole_trace()
        changed, start, end = whole.follow(*located)
        element = self._new.innermost(start, end) if start < end else None
        if not changed and element is not None:
            return self._moved_quote(element, start, end)

        def arrived(low: int, high: int) -> bool:
            # Words that were already elsewhere in the old revision (boilerplate recurs all
            # over a law) are other occurrences, not where this quote went: a match counts if
            # it is what became of the quoted span, or text this revision inserted.
            return (low < end and start < high) or whole.inserts_words(low, high)

        return self._search_everywhere(quote, context, start, arrived)

    # Rule 1: the element with the same wId --------------------------------------------------

    def _same_element(
        self, target: Target, quote: str | None, old: Element | None, new: Element
    ) -> Anchor:
        """Anchor on the element that carries the comment's wId in the new revision."""
        renumbered = new.eid != (old.eid if old is not None else target.eid)
        where = new.full_label
        kept = f"Now {where}." if renumbered else None
        if quote is None:
            if old is None or old.eid not in self._old.spans:
                # A review that names an element its revision does not have: nothing to compare.
                changed = f"Now {where}; its text may have changed." if renumbered else None
                return Anchor(OUTDATED, new.eid, None, None, None, changed or _MAYBE_CHANGED)
            if self._old.signature(old.eid) != self._new.signature(new.eid):
                changed = f"Now {where}; its text was changed." if renumbered else None
                return Anchor(OUTDATED, new.eid, None, None, None, changed or _TEXT_CHANGED)
            status = MOVED if renumbered else CURRENT
            return Anchor(status, new.eid, None, None, None, kept or _UNCHANGED)

        changed = f"Now {where}; the quoted words were changed." if renumbered else None
        context = (target.prefix, target.suffix)
        located = self._locate_old(old, quote, context)
        trace = self._pair_trace(old.eid, new.eid) if old is not None and located else None
        if old is not None and located is not None and trace is not None:
            old_base, base = self._old.spans[old.eid][0], self._new.spans[new.eid][0]
            words_changed, start, end = trace.follow(located[0] - old_base, located[1] - old_base)
            start, end = _trim(self._new.text, base + start, base + end)
            if not words_changed:
                status = MOVED if renumbered else CURRENT
                return self._span_anchor(status, new, start, end, kept or _QUOTE_UNCHANGED)
            if start < end:
                return self._span_anchor(OUTDATED, new, start, end, changed or _QUOTE_CHANGED)
            return Anchor(OUTDATED, new.eid, None, None, None, changed or _QUOTE_CHANGED)

        # The quote is not in the old element (a review made on other text than this edition's)
        # so it cannot be traced: look for it in the new element as it reads now.
        match = self._search(quote, context, self._new.spans[new.eid], None)
        if match is not None and match.errors == 0:
            status = MOVED if renumbered else CURRENT
            return self._span_anchor(status, new, match.start, match.end, kept or _QUOTE_UNCHANGED)
        if match is not None:
            return self._span_anchor(
                OUTDATED, new, match.start, match.end, changed or _QUOTE_CHANGED
            )
        return Anchor(OUTDATED, new.eid, None, None, None, changed or _QUOTE_CHANGED)

    # Rules 2 and 3: the element is gone ------------------------------------------------------

    def _moved_quote(self, element: Element, start: int, end: int) -> Anchor:
        """The quoted words survived unchanged, now in another element."""
        note = f"The quoted words are now in {element.full_label}."
        return self._span_anchor(MOVED, element, start, end, note)

    def _search_everywhere(
        self, quote: str, context: tuple[str, str], hint: int | None, allowed: _Filter | None
    ) -> Anchor:
        """Rule 3: a fuzzy search for the quote across the whole new revision."""
        match = self._search(quote, context, (0, len(self._new.text)), hint, allowed)
        element = self._new.innermost(match.start, match.end) if match is not None else None
        if match is None or element is None:
            return Anchor(
                ORPHANED,
                None,
                None,
                None,
                None,
                "The provision was removed and the quoted words are no longer in the text.",
            )
        if match.errors == 0:
            return self._moved_quote(element, match.start, match.end)
        note = f"The quoted words were changed; similar words are in {element.full_label}."
        return self._span_anchor(OUTDATED, element, match.start, match.end, note)

    def _search(
        self,
        quote: str,
        context: tuple[str, str],
        bounds: tuple[int, int],
        hint: int | None,
        allowed: _Filter | None = None,
    ) -> _Match | None:
        """Exact search first, then approximate; None unless the match is good enough."""
        self._ensure_encoded()
        length = len(_SPACE.sub(" ", quote))
        exact = self._new.find(quote, context, bounds, hint, whole_words=True, allowed=allowed)
        if exact is not None and (
            length >= _MIN_QUOTE_ALONE or self._context_agrees(exact, context, bounds)
        ):
            return exact
        if length < _MIN_QUOTE_ALONE:
            return None
        approximate = self._new.find_approximate(quote, context, bounds, hint, allowed)
        if approximate is None or approximate.errors > (1 - _MIN_QUOTE_SIMILARITY) * length:
            return None
        return approximate

    def _context_agrees(
        self, match: _Match, context: tuple[str, str], bounds: tuple[int, int]
    ) -> bool:
        """Whether the prefix and suffix around a match resemble the comment's, on average."""
        prefix, suffix = context
        sides = [
            similarity
            for text, similarity in (
                (prefix, _prefix_similarity(prefix, self._new.text, match.start, bounds[0])),
                (suffix, _suffix_similarity(suffix, self._new.text, match.end, bounds[1])),
            )
            if text.strip()
        ]
        return bool(sides) and sum(sides) / len(sides) >= _MIN_CONTEXT_ALONE

    # Shared work --------------------------------------------------------------------------

    def _locate_old(
        self, old: Element | None, quote: str, context: tuple[str, str]
    ) -> tuple[int, int] | None:
        """The quote's span in the whole old text: its best occurrence in the old element."""
        if old is None or old.eid not in self._old.spans:
            return None
        found = self._old.find(quote, context, self._old.spans[old.eid], None)
        return (found.start, found.end) if found is not None else None

    def _ensure_encoded(self) -> None:
        """Tokenise and encode both whole texts, once, with one code table."""
        if not self._encoded:
            # The block separator gets the one code the C++ library scores as a line break, as
            # in `diff.py`, so edits slide onto block boundaries as the redline shows them.
            table: dict[str, str] = {"\n": "\n"}
            self._old.encode(table)
            self._new.encode(table)
            self._encoded = True

    def _pair_trace(self, old_eid: str, new_eid: str) -> _Trace | None:
        """The word diff of an old element's text to a new element's, computed once."""
        key = (old_eid, new_eid)
        if key in self._pairs:
            return self._pairs[key]
        self._ensure_encoded()
        old_tokens = self._old.token_range(*self._old.spans[old_eid])
        new_tokens = self._new.token_range(*self._new.spans[new_eid])
        trace: _Trace | None = None
        if old_tokens is not None and new_tokens is not None:
            old_code = self._old.code[old_tokens[0] : old_tokens[1]]
            new_code = self._new.code[new_tokens[0] : new_tokens[1]]
            trace = _Trace(
                diff_codes(old_code, new_code), self._old, old_tokens[0], self._new, new_tokens[0]
            )
        self._pairs[key] = trace
        return trace

    def _whole_trace(self) -> _Trace:
        """The word diff of the whole old text to the whole new text, computed once."""
        if self._whole is None:
            self._ensure_encoded()
            self._whole = _Trace(
                diff_codes(self._old.code, self._new.code), self._old, 0, self._new, 0
            )
        return self._whole

    def _span_anchor(
        self, status: str, element: Element, start: int, end: int, note: str
    ) -> Anchor:
        """An anchor on a span of the whole new text, given relative to its element."""
        base = self._new.spans[element.eid][0]
        quote = self._new.text[start:end]
        return Anchor(status, element.eid, quote, start - base, end - base, note)


def _clean_quote(exact: str | None) -> str | None:
    """The quote as searched for: NFC (as the intake compares it), without outer spaces."""
    if exact is None:
        return None
    quote = unicodedata.normalize("NFC", exact).strip()
    return quote or None


def _unnumbered(element: Element, text: str) -> str:
    """A block's text without the number of the element it opens."""
    if is_unit(element.kind):
        return element.heading
    return text[len(element.num) :] if text.startswith(element.num) else text


def _label(element: Element) -> tuple[int, int] | None:
    """Where the element's own number ("5" of "Article 5. Fees", "2." of a paragraph) is."""
    if is_unit(element.kind):
        heading = element.text.split("\n", 1)[0]
        at = heading.find(element.num)
        return (at, at + len(element.num)) if element.num and at >= 0 else None
    if element.num and element.text.startswith(element.num):
        return 0, len(element.num)
    return None


def _occurrences(text: str, quote: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Spans of `quote` in text[lo:hi]: literal first, else with any whitespace between words."""
    found: list[tuple[int, int]] = []
    at = text.find(quote, lo, hi)
    while at >= 0 and len(found) < _MAX_OCCURRENCES:
        found.append((at, at + len(quote)))
        at = text.find(quote, at + 1, hi)
    if found:
        return found
    words = quote.split()
    if len(words) < 2:
        return found
    pattern = re.compile(r"\s+".join(map(re.escape, words)))
    for match in pattern.finditer(text, lo, hi):
        found.append(match.span())
        if len(found) >= _MAX_OCCURRENCES:
            break
    return found


def _prefix_similarity(prefix: str, text: str, start: int, lo: int, exact: bool = False) -> float:
    """How closely the text just before `start` matches the prefix, 0 to 1 (1 if none).

    With `exact`, 1 if it matches (spaces compared loosely) and 0 otherwise.
    """
    if not prefix or text.endswith(prefix, max(lo, start - len(prefix)), start):
        return 1.0
    want = _SPACE.sub(" ", prefix)
    # Twice the length, so collapsing runs of whitespace still leaves enough characters.
    have = _SPACE.sub(" ", text[max(lo, start - 2 * len(prefix)) : start])[-len(want) :]
    if have == want:
        return 1.0
    if exact or not want:
        return 0.0
    return max(0.0, 1.0 - _distance(want, have) / len(want))


def _suffix_similarity(suffix: str, text: str, end: int, hi: int, exact: bool = False) -> float:
    """How closely the text just after `end` matches the suffix, 0 to 1 (1 if none).

    With `exact`, 1 if it matches (spaces compared loosely) and 0 otherwise.
    """
    if not suffix or text.startswith(suffix, end, min(hi, end + len(suffix))):
        return 1.0
    want = _SPACE.sub(" ", suffix)
    have = _SPACE.sub(" ", text[end : min(hi, end + 2 * len(suffix))])[: len(want)]
    if have == want:
        return 1.0
    if exact or not want:
        return 0.0
    return max(0.0, 1.0 - _distance(want, have) / len(want))


def _stem(word: str) -> str:
    """The seed a word votes with: its first letters, lower case."""
    return word.lower()[:_STEM]


def _merged(windows: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted windows with overlapping ones joined, so no text is searched twice."""
    merged: list[tuple[int, int]] = []
    for start, end in windows:
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _approximate(
    pattern: str, text: str, window: tuple[int, int], allowed: int
) -> tuple[int, int, int] | None:
    """The best match of `pattern` in text[window] with at most `allowed` errors.

    As Hypothesis's approx-string-match: Myers' bit-parallel search finds where the best
    matches end, the same search over the reversed text from that end finds where they start.
    """
    lo, hi = window
    ends = _end_distances(pattern, text[lo:hi])
    if not ends:
        return None
    errors = min(ends)
    if errors > allowed:
        return None
    end = lo + ends.index(errors) + 1
    begin = max(lo, end - len(pattern) - allowed)
    starts = _end_distances(pattern[::-1], text[begin:end][::-1])
    # Of the starts giving the fewest errors, the one giving the quote's own length.
    fewest = min(starts)
    length = len(pattern)
    start = min(
        (end - (index + 1) for index, value in enumerate(starts) if value == fewest),
        key=lambda candidate: abs(end - candidate - length),
    )
    return start, end, max(errors, fewest)


def _end_distances(pattern: str, text: str) -> list[int]:
    """For each end position in text, the edit distance of the pattern to the best substring
    ending there (Myers 1999, as formulated by Hyyrö; Python integers are the bit vectors)."""
    length = len(pattern)
    if not length:
        return [0] * len(text)
    masks: dict[str, int] = {}
    for index, char in enumerate(pattern):
        masks[char] = masks.get(char, 0) | (1 << index)
    full = (1 << length) - 1
    top = 1 << (length - 1)
    plus, minus, score = full, 0, length
    scores: list[int] = []
    for char in text:
        eq = masks.get(char, 0)
        xv = eq | minus
        xh = (((eq & plus) + plus) ^ plus) | eq
        hplus = minus | (~(xh | plus) & full)
        hminus = plus & xh
        if hplus & top:
            score += 1
        elif hminus & top:
            score -= 1
        # No carry into the first row: a match may start anywhere in the text.
        hplus = (hplus << 1) & full
        hminus = (hminus << 1) & full
        plus = hminus | (~(xv | hplus) & full)
        minus = hplus & xv
        scores.append(score)
    return scores


def _distance(a: str, b: str) -> int:
    """Levenshtein distance (Myers' bit-parallel algorithm, whole of `b`).

    The loop of `_end_distances` but for the first-row carry; merged into one function with
    a flag, the fuzzy search ran up to 40 % slower (measured), so the two stay apart."""
    if not a or not b:
        return len(a) + len(b)
    masks: dict[str, int] = {}
    for index, char in enumerate(a):
        masks[char] = masks.get(char, 0) | (1 << index)
    full = (1 << len(a)) - 1
    top = 1 << (len(a) - 1)
    plus, minus, score = full, 0, len(a)
    for char in b:
        eq = masks.get(char, 0)
        xv = eq | minus
        xh = (((eq & plus) + plus) ^ plus) | eq
        hplus = minus | (~(xh | plus) & full)
        hminus = plus & xh
        if hplus & top:
            score += 1
        elif hminus & top:
            score -= 1
        # The first row counts up: every character of `b` before the match is an error.
        hplus = ((hplus << 1) | 1) & full
        hminus = (hminus << 1) & full
        plus = hminus | (~(xv | hplus) & full)
        minus = hplus & xv
    return score


def _is_word(char: str) -> bool:
    return _WORD_CHAR.match(char) is not None


def _cuts_word(text: str, start: int, end: int) -> bool:
    """Whether [start, end) begins or ends inside a word of the text."""
    cut_start = 0 < start < len(text) and _is_word(text[start - 1]) and _is_word(text[start])
    cut_end = 0 < end < len(text) and _is_word(text[end - 1]) and _is_word(text[end])
    return cut_start or cut_end


def _snap(text: str, start: int, end: int, lo: int, hi: int) -> tuple[int, int]:
    """Widen a span to whole words (an approximate match can land mid-word), trim spaces."""
    while start > lo and start < len(text) and _is_word(text[start - 1]) and _is_word(text[start]):
        start -= 1
    while end < hi and end > 0 and _is_word(text[end - 1]) and _is_word(text[end]):
        end += 1
    return _trim(text, start, end)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without whitespace at its edges."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
