"""Approximate quote search (rule 3): the quote with some characters changed, found in the
places where its word stems line up, and snapped to whole words."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence

from site_builder.anchoring.edits import end_distances
from site_builder.anchoring.search import Filter, Match, is_word, match_score, trim
from site_builder.anchoring.text import Side

_MAX_ERRORS = 256  # Hypothesis's cap on the errors an approximate match may have
_CANDIDATES = 6  # regions of the text where approximate matching is tried, best seeded first
_STEM = 4  # word prefix used as a seed: Russian and Kazakh inflect by ending, roots stay
_COMMON_SEED = 500  # a stem found more often than this in the searched text is too common
_MIN_SEEDS = 3  # stems that vote when all of a quote's are common
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+")


def find_approximate(
    side: Side,
    quote: str,
    context: tuple[str, str],
    bounds: tuple[int, int],
    hint: int | None,
    allowed: Filter | None = None,
) -> Match | None:
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
        places = side.stem_places(_stem(word.group()))
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
    best: Match | None = None
    for window in _merged(windows):
        found = _approximate(pattern, side.text, window, budget)
        if found is None:
            continue
        start, end, errors = found
        start, end = snap(side.text, start, end, lo, hi)
        if start >= end or (allowed is not None and not allowed(start, end)):
            continue
        score = match_score(side, start, end, errors, length, context, bounds, hint)
        if best is None or score > best.score:
            best = Match(start, end, errors, score)
    return best


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
    ends = end_distances(pattern, text[lo:hi])
    if not ends:
        return None
    errors = min(ends)
    if errors > allowed:
        return None
    end = lo + ends.index(errors) + 1
    begin = max(lo, end - len(pattern) - allowed)
    starts = end_distances(pattern[::-1], text[begin:end][::-1])
    # Of the starts giving the fewest errors, the one giving the quote's own length.
    fewest = min(starts)
    length = len(pattern)
    start = min(
        (end - (index + 1) for index, value in enumerate(starts) if value == fewest),
        key=lambda candidate: abs(end - candidate - length),
    )
    return start, end, max(errors, fewest)


def snap(text: str, start: int, end: int, lo: int, hi: int) -> tuple[int, int]:
    """Widen a span to whole words (an approximate match can land mid-word), trim spaces."""
    while start > lo and start < len(text) and is_word(text[start - 1]) and is_word(text[start]):
        start -= 1
    while end < hi and end > 0 and is_word(text[end - 1]) and is_word(text[end]):
        end += 1
    return trim(text, start, end)
