"""Structure lint: headings that look like units but are not, and paragraphs left outside
any article.

A typo in a unit heading ("Aricle 5", "Article3", "Art. 5", "Статя 5") builds without a
word, yet it costs readers: the heading is no element, its paragraphs fall to the
chapter (`chp_2__para_1`) or to the top (`para_1`), and comments attach to the wrong
element. This reads a draft's Markdown line by line, as the structure parser would see
it, and names each such line with the fix. The unit words are the parser's own
(`structure.UNIT_ABBR`, `structure.NUMBER_FIRST_WORDS`) in every language, compared by
edit distance, by abbreviation and in Latin transliteration, so a new unit word there
is linted too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from site_builder.ids import ARTICLE_LEVEL, clean_number, element_eid, unique_eid
from site_builder.structure import NUMBER_FIRST_WORDS, UNIT_ABBR, match_heading, match_marker

_HEADING = re.compile(r"^ {0,3}(?P<hashes>#{1,6})[ \t]+(?P<text>.*?)(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})")
_LETTERS = r"[^\W\d_]+"
# A word, an optional abbreviation dot or "№", then a number: "Aricle 5", "Art. 5", "Article3".
_WORD_FIRST = re.compile(
    rf"^(?P<word>{_LETTERS})(?P<dot>\.)?[ \t]*(?:№|No\.)?[ \t]*[-–]?[ \t]*"
    r"(?P<num>[0-9]+(?:[.\-][0-9]+)*[a-z]?|[IVXLC]+\b)(?P<rest>.*)$"
)
# A number, then words: "5-ші бап", "5 баб", "5.бап".
_NUMBER_FIRST = re.compile(
    rf"^(?P<num>[0-9]+(?:[.\-][0-9]+)*)[ \t]*[-–.]?[ \t]*"
    rf"(?P<words>{_LETTERS}(?:[-– \t]+{_LETTERS})?)(?P<rest>.*)$"
)
_TITLE_START = re.compile(r"^[\s.:—–-]+")
_WORD_FIRST_UNITS = tuple(word for word in UNIT_ABBR if word != "§")


@dataclass(frozen=True)
class Finding:
    """One line of a draft the structure lint warns about."""

    source: str  # the file as messages name it, e.g. drafts/water-code/draft.md
    line: int  # 1-based, in the whole file (front matter counted)
    message: str  # what is wrong and the fix
    rule: str  # unit-heading or outside-article

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.message} [{self.rule}]"

    def warning(self) -> str:
        """The finding as `lawtrail` prints it: `file:line: warning: message [rule]`."""
        return f"{self.source}:{self.line}: warning: {self.message} [{self.rule}]"


def lint_body(body: str, source: str, first_line: int = 1) -> list[Finding]:
    """Check a draft's Markdown body for headings that look like units but do not parse as
    one, and for numbered paragraphs outside any article.

    Args:
        body: the Markdown under the front matter.
        source: the file as messages name it.
        first_line: the line of the file the body starts on.

    Returns:
        The findings in line order.
    """
    lines = list(_prose(body.splitlines()))
    findings: list[Finding] = []
    headings = [(n, h) for n, line in lines if (h := _HEADING.match(line))]
    levels: dict[str, set[int]] = {}  # each kind of unit the draft has: its heading levels
    examples: dict[str, str] = {}  # each kind's first heading, to show the form it takes
    for _, h in headings:
        if found := match_heading(h["text"]):
            levels.setdefault(found[0], set()).add(len(h["hashes"]))
            examples.setdefault(found[0], f"{h['hashes']} {h['text']}")
    kinds = set(levels)
    # Paragraphs belong in articles, or in sections when a draft has sections (§) instead.
    holder = "art" if "art" in kinds else "sec" if "sec" in kinds else None
    units: list[tuple[str, str, int]] = []  # open units: (kind, eId, heading level)
    stray: list[tuple[int, str, str]] = []  # a run of paragraphs outside articles
    last_style = ""
    used: set[str] = set()  # eIds given so far, to name a stray paragraph's as the build will
    for number, line in lines:
        heading = _HEADING.match(line)
        if heading is not None:
            level, text = len(heading["hashes"]), heading["text"]
            found = match_heading(text)
            while units and (units[-1][2] >= level or (found and units[-1][0] == found[0])):
                units.pop()
            findings.extend(_stray(stray, source, first_line, examples))
            if found is not None:
                units.append((found[0], unique_eid(element_eid(*found), used), level))
            else:
                guess = unit_heading_fix(text)
                # A near word that is a word of its own ("Port", "Chart") is suspect only
                # where the draft has headings of that unit at that level.
                if guess is not None and (guess.sure or level in levels.get(guess.kind, ())):
                    where = (source, first_line + number)
                    findings.append(_heading_finding(*where, heading["hashes"], text, guess))
            last_style = ""
            continue
        marker = match_marker(line)
        if marker is None:
            continue
        kind, style, num, _ = marker
        german_item = kind == "para" and style == "dot" and last_style == "paren"
        if kind == "para" and not german_item:
            last_style = style
            parent = units[-1][1] if units else None
            eid = unique_eid(element_eid(kind, num, parent), used)
            if holder is not None and not any(unit[0] == holder for unit in units):
                stray.append((number, line[: marker[3]].strip(), eid))
    findings.extend(_stray(stray, source, first_line, examples))
    return sorted(findings, key=lambda finding: finding.line)


@dataclass(frozen=True)
class Guess:
    """The unit heading a heading with a typo was most likely meant to be."""

    text: str  # the heading text as it parses: "Article 5. Penalties"
    kind: str  # the unit's abbreviation: art, chp...
    sure: bool  # False for a near word that is a word of its own ("Port" for "Part")


def unit_heading_fix(text: str) -> Guess | None:
    """The heading a unit heading with a typo was meant to be ("Article 5. Penalties" for
    "Aricle 5. Penalties"); None when `text` parses as a unit or does not look like one."""
    text = text.strip()
    if match_heading(text) is not None:
        return None
    found = _WORD_FIRST.match(text)
    if found is not None:
        near = _unit_word(found["word"], _WORD_FIRST_UNITS, abbreviated=True)
        if near is not None:
            word, sure = near
            fixed = f"{_cased(word, found['word'])} {found['num']}.{_title(found['rest'])}"
            return Guess(fixed, UNIT_ABBR[word], sure)
    found = _NUMBER_FIRST.match(text)
    if found is not None:
        for part in reversed(re.split(r"[-– \t]+", found["words"])):
            near = _unit_word(part, NUMBER_FIRST_WORDS, abbreviated=False)
            if near is not None:
                word, sure = near
                fixed = f"{found['num']}-{_cased(word, part)}.{_title(found['rest'])}"
                return Guess(fixed, UNIT_ABBR[word], sure)
    return None


def _heading_finding(source: str, line: int, hashes: str, text: str, guess: Guess) -> Finding:
    lost = (
        ", and the paragraphs under it belong to no article" if guess.kind in ARTICLE_LEVEL else ""
    )
    return Finding(
        source,
        line,
        f"heading '{hashes} {text}' looks like a unit heading but is not one; did you mean "
        f"'{hashes} {guess.text}'? As written it is an ordinary heading: readers cannot link "
        f"to it or comment on it{lost}.",
        "unit-heading",
    )


def _stray(
    run: list[tuple[int, str, str]], source: str, first_line: int, examples: dict[str, str]
) -> list[Finding]:
    """One finding for a run of paragraphs outside any article; empties the run."""
    if not run:
        return []
    (number, marker, eid), more = run[0], len(run) - 1
    run.clear()
    unit, a_unit = ("article", "an article") if "art" in examples else ("section", "a section")
    example = examples.get("art") or examples.get("sec")
    others = f" (and {more} more after it)" if more else ""
    return [
        Finding(
            source,
            first_line + number,
            f"numbered paragraph '{marker}'{others} is outside any {unit}: it becomes "
            f"'{eid}', and comments on it belong to no {unit}. Put it under {a_unit} "
            f"heading like '{example}', or fix the heading above it.",
            "outside-article",
        )
    ]


def _unit_word(typed: str, words: tuple[str, ...], abbreviated: bool) -> tuple[str, bool] | None:
    """The unit word `typed` most likely means, and whether that is sure: itself, a word
    it abbreviates ("Art", "Ст"), or one within a typo's edit distance (sure for long
    words), also in Latin transliteration ("Stattya"; never sure)."""
    lower = typed.lower()
    if lower in words:
        return lower, True
    if abbreviated and len(lower) >= 2:
        starting = [word for word in words if word.startswith(lower)]
        if len(starting) == 1:
            return starting[0], True
    if len(lower) < 3:
        return None
    best: tuple[int, str, bool] | None = None
    for word in words:
        allowed = 1 if len(word) <= 4 else 2
        for form in dict.fromkeys((word, clean_number(word))):
            distance = _distance(lower, form)
            if distance <= allowed and (best is None or distance < best[0]):
                best = (distance, word, form == word and len(word) > 4)
    return (best[1], best[2]) if best else None


def _cased(word: str, typed: str) -> str:
    """The unit word in the case the drafter typed: ARTICLE, Article, article."""
    if typed.isupper() and len(typed) > 1:
        return word.upper()
    return word.capitalize() if typed[:1].isupper() else word


def _title(rest: str) -> str:
    """The title after a heading's number, with a space before it, or ''."""
    title = _TITLE_START.sub("", rest).strip()
    return f" {title}" if title else ""


def _distance(a: str, b: str) -> int:
    """Edit distance with swaps of neighbours counted once ("Atricle" is one from "Article")."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y))
            if i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]


def _prose(lines: list[str]) -> list[tuple[int, str]]:
    """(index, line) of the lines outside fenced code blocks."""
    kept: list[tuple[int, str]] = []
    fence = ""
    for number, line in enumerate(lines):
        opened = _FENCE.match(line)
        if fence:
            if opened and opened["fence"][0] == fence[0] and len(opened["fence"]) >= len(fence):
                fence = ""
            continue
        if opened:
            fence = opened["fence"]
            continue
        kept.append((number, line))
    return kept
