"""The one grammar of element ids and the one table of element labels."""

from __future__ import annotations

import pytest

from site_builder.i18n import languages
from site_builder.ids import (
    NUMBERED_KINDS,
    UNIT_KINDS,
    element_eid,
    full_label,
    kind_of,
    label_within,
    new_wid,
    own_label,
    page_labels,
    unique_eid,
    unit_words,
)

# Article 5, paragraph 2, point a, as each language cites it; "§ 823" is a section.
LABELS = [
    ("en", [("chp", "2")], "Chapter 2"),
    ("en", [("part", "II")], "Part II"),
    ("en", [("sec", "823")], "Section 823"),
    ("en", [("art", "5")], "Article 5"),
    ("en", [("art", "5"), ("para", "2.")], "Article 5, paragraph 2"),
    ("en", [("art", "5"), ("para", "(2)"), ("point", "a)")], "Article 5, paragraph 2, point a"),
    ("ru", [("chp", "2")], "Глава 2"),
    ("ru", [("part", "3")], "Часть 3"),
    ("ru", [("sec", "1")], "Раздел 1"),
    ("ru", [("art", "5")], "Статья 5"),
    ("ru", [("art", "5"), ("para", "2.")], "Статья 5, пункт 2"),
    ("ru", [("art", "5"), ("para", "2."), ("point", "б)")], "Статья 5, пункт 2, подпункт б"),
    ("kk", [("chp", "2")], "2-тарау"),
    ("kk", [("part", "3")], "3-бөлік"),
    ("kk", [("sec", "1")], "1-бөлім"),
    ("kk", [("art", "5")], "5-бап"),
    ("kk", [("art", "5"), ("para", "2.")], "5-бап, 2-тармақ"),
    ("kk", [("art", "5"), ("para", "2."), ("point", "1)")], "5-бап, 2-тармақ, 1) тармақша"),
]


@pytest.mark.parametrize(("language", "path", "expected"), LABELS)
def test_every_unit_kind_has_a_label_in_every_language(
    language: str, path: list[tuple[str, str]], expected: str
) -> None:
    """Labels cite an element from its unit down, in the words of the language asked for."""
    assert full_label(path, language) == expected


def test_every_language_names_every_kind() -> None:
    """Each shipped catalog names each kind, with the number in it."""
    for language in languages():
        words = unit_words(language)
        assert set(words.names) == {*UNIT_KINDS, *NUMBERED_KINDS}, language
        assert all("{num}" in name for name in words.names.values()), language


def test_english_is_the_default_and_the_fallback() -> None:
    """Without a language, or with one not in the table, labels are English."""
    assert own_label("art", "5") == "Article 5"
    assert own_label("art", "5", "de") == "Article 5"
    assert own_label("art", "5", "ru-RU") == "Статья 5"


def test_a_label_without_a_unit_is_capitalised() -> None:
    """A paragraph outside any unit starts its label with a capital; its own label does not."""
    assert full_label([("para", "1.")]) == "Paragraph 1"
    assert own_label("para", "1.") == "paragraph 1"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "point a of paragraph 2 of Article 5"),
        ("ru", "Статья 5, пункт 2, подпункт a"),
        ("kk", "5-бап, 2-тармақ, a) тармақша"),
    ],
)
def test_the_label_within_starts_with_the_element_where_the_language_allows(
    language: str, expected: str
) -> None:
    """English names the element first; languages that would decline the words cite instead."""
    path = [("art", "5"), ("para", "2."), ("point", "a)")]
    assert label_within(path, language) == expected


def test_page_labels_carry_only_what_differs() -> None:
    """A unit carries its one label; a paragraph its full, own and inner-first labels."""
    assert page_labels([("art", "5")]) == {"label": "Article 5"}
    assert page_labels([("art", "5"), ("para", "2.")]) == {
        "label": "Article 5, paragraph 2",
        "own": "paragraph 2",
        "within": "paragraph 2 of Article 5",
    }


@pytest.mark.parametrize(
    ("kind", "num", "parent", "eid"),
    [
        ("art", "5", None, "art_5"),
        ("art", "5", "chp_2", "art_5"),  # an article's eId does not include its chapter
        ("sec", "823", None, "sec_823"),
        ("para", "2.", "art_5", "art_5__para_2"),
        ("point", "б)", "art_5__para_2", "art_5__para_2__point_b"),
        ("para", "1.", None, "para_1"),
    ],
)
def test_eids_follow_akoma_ntoso(kind: str, num: str, parent: str | None, eid: str) -> None:
    """Units stand alone; paragraphs and points carry their container's eId."""
    assert element_eid(kind, num, parent) == eid
    assert kind_of(eid) == kind


def test_duplicate_eids_are_suffixed() -> None:
    """A second element with the same eId gets _2, a third _3."""
    used: set[str] = set()
    assert [unique_eid("art_1", used) for _ in range(3)] == ["art_1", "art_1_2", "art_1_3"]


def test_wids_nest_under_their_container_and_are_never_reused() -> None:
    """A paragraph's wId starts with its article's wId; a wId once used gets a version suffix."""
    assert new_wid("art_6__para_2", "para", "art_5", set(), 1) == "art_5__para_2"
    assert new_wid("art_6", "art", "chp_1", set(), 1) == "art_6"
    assert new_wid("art_6", "art", None, {"art_6"}, 3) == "art_6-v3"
