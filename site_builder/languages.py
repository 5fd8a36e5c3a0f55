"""Parallel language versions of one draft, linked element by element.

A draft may be published in several languages at once: `draft.md` in its own language
(front matter `language`) and `draft.<lang>.md` beside it (`draft.kk.md`). A reader
switches between them, and a comment on `art_5__para_2` is about that paragraph in every
language. So every version must have the same elements, with the same eIds, in the same
order; the wIds traced on the primary version are given to the others by eId. This module
checks that, names the first element that differs, and names the languages for the switch.
"""

from __future__ import annotations

from itertools import zip_longest

from babel import Locale, UnknownLocaleError

from site_builder.structure import Outline

# What the language switch shows: each language in its own words, as its readers name it
# on a switch; other languages by the Unicode CLDR's name ("O‘zbek" for uz).
LANGUAGE_NAMES = {"en": "English", "kk": "Қазақша", "ru": "Русский"}


def language_name(code: str) -> str:
    """A language's name in that language ("Қазақша" for kk); unknown codes as they are."""
    known = LANGUAGE_NAMES.get(code) or LANGUAGE_NAMES.get(code.split("-")[0])
    if known:
        return known
    try:
        name = Locale.parse(code.replace("-", "_")).get_display_name(code.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return code
    return name[:1].upper() + name[1:] if name else code


def structure_difference(primary: Outline, other: Outline, primary_source: str) -> str | None:
    """The first element on which a language version's structure departs from the primary's.

    Args:
        primary: the outline of the primary version (draft.md).
        other: the outline of a language version of the same revision.
        primary_source: how to name the primary file in the message.

    Returns:
        None when both have the same elements in the same order; else one phrase, such as
        "element art_5__para_3 is missing; drafts/x/draft.md has it".
    """
    ours = [element.eid for element in primary.elements]
    theirs = [element.eid for element in other.elements]
    if ours == theirs:
        return None
    mine, yours = next((a, b) for a, b in zip_longest(ours, theirs) if a != b)
    if mine is not None and mine not in set(theirs):
        return f"element {mine} is missing; {primary_source} has it"
    if yours is not None and yours not in set(ours):
        return f"element {yours} is not in {primary_source}"
    return f"element {yours} stands where {primary_source} has {mine}"
