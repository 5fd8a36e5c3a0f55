"""Exact quote search: every occurrence of a quote in a span of text, ranked as Hypothesis
ranks candidates, by the quote, its prefix and suffix, and closeness to where it was."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeAlias

from site_builder.anchoring.edits import distance
from site_builder.anchoring.text import Side

# Hypothesis's weights for a candidate match: the quote itself, its 32 characters of context on
# either side, and closeness to where it used to be (a tie-breaker, hence the small weight).
_QUOTE_WEIGHT, _PREFIX_WEIGHT, _SUFFIX_WEIGHT, _POSITION_WEIGHT = 50.0, 20.0, 20.0, 2.0
_TOTAL_WEIGHT = _QUOTE_WEIGHT + _PREFIX_WEIGHT + _SUFFIX_WEIGHT + _POSITION_WEIGHT
_MAX_OCCURRENCES = 1000  # exact occurrences scored per search; a phrase this common says little
_SPACE = re.compile(r"\s+")
_WORD_CHAR = re.compile(r"\w")


# Whether a match at new [start, end) may stand for the quote.
Filter: TypeAlias = Callable[[int, int], bool]


@dataclass(frozen=True)
class Match:
    """A quote found in a text: its span, how many characters were wrong, its score."""

    start: int
    end: int
    errors: int
    score: float


def find(
    side: Side,
    quote: str,
    context: tuple[str, str],
    bounds: tuple[int, int],
    hint: int | None,
    whole_words: bool = False,
    allowed: Filter | None = None,
) -> Match | None:
    """The best exact occurrence of `quote` within bounds, by context and position.

    Spaces are compared loosely, as the intake checks quotes: a browser may join blocks
    with other whitespace than the outline's newline. With `whole_words`, occurrences
    that begin or end inside a longer word ("fee" in "feet") do not count.
    """
    spans = [
        (start, end)
        for start, end in occurrences(side.text, quote, *bounds)
        if not (whole_words and cuts_word(side.text, start, end))
        and (allowed is None or allowed(start, end))
    ]
    if len(spans) > 1:
        # Where prefix and suffix agree exactly the quote is surely the one commented on;
        # the edit distances that rank the other occurrences are then not needed.
        prefix, suffix = context
        agreeing = [
            (start, end)
            for start, end in spans
            if prefix_similarity(prefix, side.text, start, bounds[0], exact=True)
            and suffix_similarity(suffix, side.text, end, bounds[1], exact=True)
        ]
        spans = agreeing or spans
    best: Match | None = None
    for start, end in spans:
        score = match_score(side, start, end, 0, len(quote), context, bounds, hint)
        if best is None or score > best.score:
            best = Match(start, end, 0, score)
    return best


def match_score(
    side: Side,
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
    before = prefix_similarity(prefix, side.text, start, bounds[0])
    after = suffix_similarity(suffix, side.text, end, bounds[1])
    position = 1.0 if hint is None else 1.0 - abs(start - hint) / max(1, len(side.text))
    return (
        _QUOTE_WEIGHT * quote
        + _PREFIX_WEIGHT * before
        + _SUFFIX_WEIGHT * after
        + _POSITION_WEIGHT * position
    ) / _TOTAL_WEIGHT


def occurrences(text: str, quote: str, lo: int, hi: int) -> list[tuple[int, int]]:
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


def prefix_similarity(prefix: str, text: str, start: int, lo: int, exact: bool = False) -> float:
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
    return max(0.0, 1.0 - distance(want, have) / len(want))


def suffix_similarity(suffix: str, text: str, end: int, hi: int, exact: bool = False) -> float:
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
    return max(0.0, 1.0 - distance(want, have) / len(want))


def is_word(char: str) -> bool:
    return _WORD_CHAR.match(char) is not None


def cuts_word(text: str, start: int, end: int) -> bool:
    """Whether [start, end) begins or ends inside a word of the text."""
    cut_start = 0 < start < len(text) and is_word(text[start - 1]) and is_word(text[start])
    cut_end = 0 < end < len(text) and is_word(text[end - 1]) and is_word(text[end])
    return cut_start or cut_end


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without whitespace at its edges."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
