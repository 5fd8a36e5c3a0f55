"""Element ids and labels: the one owner of the eId and wId grammar and of element names.

An element's eId follows Akoma Ntoso as Laws.Africa's tools write it: `{parent}__{kind}_{num}`
(`art_5`, `art_5__para_2`, `art_5__para_2__point_a`, `sec_823` for "§ 823"), with numbers
cleaned and duplicates suffixed. Units (chapters, parts, sections, articles) start a new
eId of their own, so moving an article to another chapter keeps its eId; paragraphs and
points carry their container's. A wId is the eId an element had when it first appeared
(see `lineage`).

Labels name elements the way readers cite them: "Article 5, paragraph 2", "Статья 5,
пункт 2", "5-бап, 2-тармақ". The builder writes them into the page (`page_labels`), so
the page script shows them and never parses an eId. The words come from the message
catalogs (`UNIT_NAMES` holds the English ones), so a translator adds a language in one file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from site_builder.i18n import N_, shipped, translations

# Units group the text under headings; the numbered kinds are lines inside them.
UNIT_KINDS = ("chp", "part", "sec", "art")
NUMBERED_KINDS = ("para", "point")
# Units that hold paragraphs directly; the others (chapters, parts) only group them.
ARTICLE_LEVEL = frozenset({"art", "sec"})
DEFAULT_LANGUAGE = "en"

# One element in a label: its kind and its number as the drafter wrote it ("5", "2.", "б)").
Step = tuple[str, str]


@dataclass(frozen=True)
class UnitWords:
    """One language's words for element labels."""

    names: Mapping[str, str]
    """Each kind's label, with `{num}` where the number goes: "Article {num}", "{num}-бап"."""
    within: str
    """How an element is named inside its container, innermost first: "{part} of {whole}"
    gives "paragraph 2 of Article 5". Languages that would need another case ending
    (Russian "пункт 2 статьи 5") keep the citation order: "{whole}, {part}"."""


# The English words; other languages translate them in their message catalog (`i18n`).
UNIT_NAMES: Mapping[str, str] = {
    "chp": N_("Chapter {num}"),
    "part": N_("Part {num}"),
    "sec": N_("Section {num}"),
    "art": N_("Article {num}"),
    "para": N_("paragraph {num}"),
    "point": N_("point {num}"),
}
# Translators: how an element is named inside its container ("paragraph 2 of Article 5");
# where that needs another case ending, write "{whole}, {part}" ("Статья 5, пункт 2").
WITHIN = N_("{part} of {whole}")

_SEPARATOR = "__"
_TRANSLIT = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh",
        "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
        "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
        "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
        "я": "ya", "ә": "ae", "ғ": "gh", "қ": "q", "ң": "ng", "ө": "oe", "ұ": "u", "ү": "ue",
        "һ": "h", "і": "i",
    }
)  # fmt: skip


# eIds ----------------------------------------------------------------------------------------


def is_unit(kind: str) -> bool:
    """Whether elements of this kind are units (headings), not numbered lines."""
    return kind in UNIT_KINDS


def clean_number(num: str) -> str:
    """An eId-safe number: "(i)" -> "i", "1.2." -> "1-2", "3a bis" -> "3abis", "б" -> "b"."""
    num = num.strip().strip("().").lower().replace(".", "-").replace(" ", "")
    return num.translate(_TRANSLIT) or "0"


def element_eid(kind: str, num: str, parent: str | None = None) -> str:
    """The eId of an element before duplicates are told apart.

    Args:
        kind: chp, part, sec, art, para or point.
        num: the number as written ("5", "2.", "(a)").
        parent: the container's eId; ignored for units, whose eIds stand alone.
    """
    own = f"{kind}_{clean_number(num)}"
    return f"{parent}{_SEPARATOR}{own}" if parent and not is_unit(kind) else own


def unique_eid(eid: str, used: set[str]) -> str:
    """`eid`, or `eid_2`, `eid_3`... when taken; records the one returned in `used`."""
    candidate, n = eid, 1
    while candidate in used:
        n += 1
        candidate = f"{eid}_{n}"
    used.add(candidate)
    return candidate


def kind_of(eid: str) -> str:
    """The kind of the element an eId names: "art_5__para_2" -> "para"."""
    return eid.rsplit(_SEPARATOR, 1)[-1].partition("_")[0]


# wIds ----------------------------------------------------------------------------------------


def new_wid(eid: str, kind: str, parent_wid: str | None, used: set[str], revision: int) -> str:
    """The wId of an element that first appears in revision number `revision` (from 1).

    A paragraph or point takes its container's wId as its prefix, so it keeps a stable
    place under its article; a wId once given is never given again (`-v<revision>`).
    """
    local = eid.rsplit(_SEPARATOR, 1)[-1]
    base = f"{parent_wid}{_SEPARATOR}{local}" if parent_wid and not is_unit(kind) else eid
    return base if base not in used else f"{base}-v{revision}"


# Labels --------------------------------------------------------------------------------------


def own_label(kind: str, num: str, language: str = DEFAULT_LANGUAGE) -> str:
    """One element's own label: "Article 5", "paragraph 2", "point б"; "5-бап" in Kazakh.

    Args:
        kind: the element's kind.
        num: its number as written; brackets and a closing dot are dropped ("2." -> "2").
        language: a language code; languages without a catalog get English.
    """
    words = _words(language)
    return words.names.get(kind, kind + " {num}").format(num=num.strip().strip("()."))


def full_label(path: Sequence[Step], language: str = DEFAULT_LANGUAGE) -> str:
    """The label of an element, outermost first: "Article 5, paragraph 2".

    Args:
        path: (kind, number) of the unit its eId starts with, down to the element itself.
        language: a language code.
    """
    text = ", ".join(own_label(kind, num, language) for kind, num in path)
    return text[:1].upper() + text[1:]


def label_within(path: Sequence[Step], language: str = DEFAULT_LANGUAGE) -> str:
    """The label innermost first, as a phrase starts it: "paragraph 2 of Article 5".

    Languages whose `within` form is "{whole}, {part}" give the citation order.
    """
    words = _words(language)
    names = [own_label(kind, num, language) for kind, num in path]
    text = names[-1] if names else ""
    for whole in reversed(names[:-1]):
        text = words.within.format(part=text, whole=whole)
    return text


def page_labels(path: Sequence[Step], language: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """An element's labels as the page script receives them.

    `label` is the full label ("Article 5, paragraph 2"); `own` ("paragraph 2") and
    `within` ("paragraph 2 of Article 5") follow where they differ from it (not for a
    unit), and the page script falls back to the full label.
    """
    full = full_label(path, language)
    labels = {"label": full}
    kind, num = path[-1]
    for name, value in (
        ("own", own_label(kind, num, language)),
        ("within", label_within(path, language)),
    ):
        if value != full:
            labels[name] = value
    return labels


@cache
def unit_words(language: str) -> UnitWords:
    """The label words of a language, from its catalog; English for a language not shipped.

    Built once per language and process: every element of every text is labelled."""
    gettext = translations(shipped(language)).gettext
    names = {kind: gettext(name) for kind, name in UNIT_NAMES.items()}
    return UnitWords(names=names, within=gettext(WITHIN))


def _words(language: str) -> UnitWords:
    return unit_words(language)
