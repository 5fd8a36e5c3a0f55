"""Following a span of the old text through a word diff to where it is in the new text.

With every revision in git the diff is exact, and tracing a quote through it tells whether a
word inside it changed (outdated) and where it now is, without searching.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence

from site_builder.anchoring.text import Side


class Trace:
    """A word diff as runs with old and new character ranges, to follow spans through it."""

    def __init__(
        self, raw: Sequence[tuple[str, int]], old: Side, first_old: int, new: Side, first_new: int
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
