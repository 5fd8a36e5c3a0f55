"""The re-anchoring rules, in order, and what they answer.

1. The element with the comment's wId: its quote traced through that element's word diff.
2. Else the quote traced through the word diff of the whole text.
3. Else a fuzzy search for the quote across the new revision.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from site_builder.anchoring.fuzzy import find_approximate
from site_builder.anchoring.search import (
    Filter,
    Match,
    find,
    prefix_similarity,
    suffix_similarity,
    trim,
)
from site_builder.anchoring.text import Side
from site_builder.anchoring.trace import Trace
from site_builder.diff import diff_codes
from site_builder.i18n import N_, translations
from site_builder.render import Edition
from site_builder.structure import Element

CURRENT = "current"
MOVED = "moved"
OUTDATED = "outdated"
ORPHANED = "orphaned"

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
# Notes for readers when the comment stays where it was.
_UNCHANGED = N_("Unchanged in this revision.")
_TEXT_CHANGED = N_("The text of this provision was changed.")
_MAYBE_CHANGED = N_("The text of this provision may have changed.")
_QUOTE_UNCHANGED = N_("The quoted words are unchanged.")
_QUOTE_CHANGED = N_("The quoted words were changed.")
_SPACE = re.compile(r"\s+")


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


class Reanchorer:
    """Re-anchors comments made on one revision onto a later one, sharing the work.

    Texts are tokenised and encoded on the first comment that needs a diff, each pair of old
    and new elements is diffed at most once and the whole text at most once, so re-anchoring
    many comments costs little more than one diff of the draft.
    """

    def __init__(self, old: Edition, new: Edition, language: str = "en") -> None:
        """`language` is the one notes for readers are written in."""
        self._ = translations(language).gettext
        self._old = Side(old)
        self._new = Side(new)
        self._encoded = False
        self._pairs: dict[tuple[str, str], Trace | None] = {}
        self._whole: Trace | None = None

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
        kept = self._("Now %(where)s.") % {"where": where} if renumbered else None
        if quote is None:
            if old is None or old.eid not in self._old.spans:
                # A review that names an element its revision does not have: nothing to compare.
                changed = (
                    self._("Now %(where)s; its text may have changed.") % {"where": where}
                    if renumbered
                    else None
                )
                return Anchor(
                    OUTDATED, new.eid, None, None, None, changed or self._(_MAYBE_CHANGED)
                )
            if self._old.signature(old.eid) != self._new.signature(new.eid):
                changed = (
                    self._("Now %(where)s; its text was changed.") % {"where": where}
                    if renumbered
                    else None
                )
                return Anchor(OUTDATED, new.eid, None, None, None, changed or self._(_TEXT_CHANGED))
            status = MOVED if renumbered else CURRENT
            return Anchor(status, new.eid, None, None, None, kept or self._(_UNCHANGED))

        changed = (
            self._("Now %(where)s; the quoted words were changed.") % {"where": where}
            if renumbered
            else None
        )
        context = (target.prefix, target.suffix)
        located = self._locate_old(old, quote, context)
        trace = self._pair_trace(old.eid, new.eid) if old is not None and located else None
        if old is not None and located is not None and trace is not None:
            old_base, base = self._old.spans[old.eid][0], self._new.spans[new.eid][0]
            words_changed, start, end = trace.follow(located[0] - old_base, located[1] - old_base)
            start, end = trim(self._new.text, base + start, base + end)
            if not words_changed:
                status = MOVED if renumbered else CURRENT
                return self._span_anchor(status, new, start, end, kept or self._(_QUOTE_UNCHANGED))
            if start < end:
                return self._span_anchor(
                    OUTDATED, new, start, end, changed or self._(_QUOTE_CHANGED)
                )
            return Anchor(OUTDATED, new.eid, None, None, None, changed or self._(_QUOTE_CHANGED))

        # The quote is not in the old element (a review made on other text than this edition's)
        # so it cannot be traced: look for it in the new element as it reads now.
        match = self._search(quote, context, self._new.spans[new.eid], None)
        if match is not None and match.errors == 0:
            status = MOVED if renumbered else CURRENT
            return self._span_anchor(
                status, new, match.start, match.end, kept or self._(_QUOTE_UNCHANGED)
            )
        if match is not None:
            return self._span_anchor(
                OUTDATED, new, match.start, match.end, changed or self._(_QUOTE_CHANGED)
            )
        return Anchor(OUTDATED, new.eid, None, None, None, changed or self._(_QUOTE_CHANGED))

    # Rules 2 and 3: the element is gone ------------------------------------------------------

    def _moved_quote(self, element: Element, start: int, end: int) -> Anchor:
        """The quoted words survived unchanged, now in another element."""
        note = self._("The quoted words are now in %(where)s.") % {"where": element.full_label}
        return self._span_anchor(MOVED, element, start, end, note)

    def _search_everywhere(
        self, quote: str, context: tuple[str, str], hint: int | None, allowed: Filter | None
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
                self._("The provision was removed and the quoted words are no longer in the text."),
            )
        if match.errors == 0:
            return self._moved_quote(element, match.start, match.end)
        note = self._("The quoted words were changed; similar words are in %(where)s.") % {
            "where": element.full_label
        }
        return self._span_anchor(OUTDATED, element, match.start, match.end, note)

    def _search(
        self,
        quote: str,
        context: tuple[str, str],
        bounds: tuple[int, int],
        hint: int | None,
        allowed: Filter | None = None,
    ) -> Match | None:
        """Exact search first, then approximate; None unless the match is good enough."""
        self._ensure_encoded()
        length = len(_SPACE.sub(" ", quote))
        exact = find(self._new, quote, context, bounds, hint, whole_words=True, allowed=allowed)
        if exact is not None and (
            length >= _MIN_QUOTE_ALONE or self._context_agrees(exact, context, bounds)
        ):
            return exact
        if length < _MIN_QUOTE_ALONE:
            return None
        approximate = find_approximate(self._new, quote, context, bounds, hint, allowed)
        if approximate is None or approximate.errors > (1 - _MIN_QUOTE_SIMILARITY) * length:
            return None
        return approximate

    def _context_agrees(
        self, match: Match, context: tuple[str, str], bounds: tuple[int, int]
    ) -> bool:
        """Whether the prefix and suffix around a match resemble the comment's, on average."""
        prefix, suffix = context
        sides = [
            similarity
            for text, similarity in (
                (prefix, prefix_similarity(prefix, self._new.text, match.start, bounds[0])),
                (suffix, suffix_similarity(suffix, self._new.text, match.end, bounds[1])),
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
        found = find(self._old, quote, context, self._old.spans[old.eid], None)
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

    def _pair_trace(self, old_eid: str, new_eid: str) -> Trace | None:
        """The word diff of an old element's text to a new element's, computed once."""
        key = (old_eid, new_eid)
        if key in self._pairs:
            return self._pairs[key]
        self._ensure_encoded()
        old_tokens = self._old.token_range(*self._old.spans[old_eid])
        new_tokens = self._new.token_range(*self._new.spans[new_eid])
        trace: Trace | None = None
        if old_tokens is not None and new_tokens is not None:
            old_code = self._old.code[old_tokens[0] : old_tokens[1]]
            new_code = self._new.code[new_tokens[0] : new_tokens[1]]
            trace = Trace(
                diff_codes(old_code, new_code), self._old, old_tokens[0], self._new, new_tokens[0]
            )
        self._pairs[key] = trace
        return trace

    def _whole_trace(self) -> Trace:
        """The word diff of the whole old text to the whole new text, computed once."""
        if self._whole is None:
            self._ensure_encoded()
            self._whole = Trace(
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
