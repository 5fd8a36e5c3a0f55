"""Structural elements get Akoma Ntoso eIds from the text itself."""

from __future__ import annotations

import textwrap

import pytest
from bs4 import BeautifulSoup
from markdown import Markdown

from site_builder.ids import clean_number
from site_builder.structure import Outline, StructureExtension, outline_of


def render(body: str) -> tuple[BeautifulSoup, Outline]:
    md = Markdown(extensions=[StructureExtension(), "toc", "tables"])
    html = md.convert(textwrap.dedent(body))
    return BeautifulSoup(html, "html.parser"), outline_of(md)


@pytest.mark.parametrize(
    ("heading", "eid"),
    [
        ("## Chapter 2. Scope", "chp_2"),
        ("### Article 5. Fees", "art_5"),
        ("#### Article 5", "art_5"),
        ("# Article 12 — Entry into force", "art_12"),
        ("## Part II. General part", "part_ii"),
        ("### Section 3. Definitions", "sec_3"),
        ("### § 823. Liability", "sec_823"),
        ("### §823", "sec_823"),
        ("## Глава 2. Общие положения", "chp_2"),
        ("### Статья 5. Плата", "art_5"),
        ("### Статья 5-1. Новая статья", "art_5-1"),
        ("## Раздел 1. Общая часть", "sec_1"),
        ("## Часть 3", "part_3"),
        ("## 2-тарау. Жалпы ережелер", "chp_2"),
        ("### 5-бап. Төлем", "art_5"),
        ("### 5 бап. Төлем", "art_5"),
        ("### Бап 5. Төлем", "art_5"),
        ("## 1-бөлім. Жалпы бөлім", "sec_1"),
    ],
)
def test_unit_headings_get_eids_in_every_language(heading: str, eid: str) -> None:
    """Headings of any level opening with a unit word and a number carry its eId."""
    soup, _ = render(f"{heading}\n\nText.\n")
    assert soup.find(id=eid) is not None, soup


def test_headings_without_a_unit_number_are_not_elements() -> None:
    """An ordinary heading, or one merely mentioning a unit later, gets no eId."""
    soup, outline = render("## Explanatory note\n\n## See Article 5\n\n## Articles in force\n")
    assert outline.elements == []
    assert not soup.select(".lt-el")


def test_paragraphs_and_points_nest_under_their_article() -> None:
    """'1.' and '(1)' paragraphs and '1)', 'a)', '(a)' points get hierarchical eIds."""
    soup, outline = render(
        """
        ### Article 5. Fees

        1. The operator shall publish:
        1) the tariff;
        2) the schedule:
        a) on weekdays;
        b) on weekends;
        3) the complaints procedure.

        (2) Publication is free.
        (a) first;
        (b) second.
        """
    )
    ids = [el.eid for el in outline.elements]
    assert ids == [
        "art_5",
        "art_5__para_1",
        "art_5__para_1__point_1",
        "art_5__para_1__point_2",
        "art_5__para_1__point_2__point_a",
        "art_5__para_1__point_2__point_b",
        "art_5__para_1__point_3",
        "art_5__para_2",
        "art_5__para_2__point_a",
        "art_5__para_2__point_b",
    ]
    for eid in ids:
        assert soup.find(id=eid) is not None
    # The drafter's numbers stay visible; Markdown would have made "1." an <ol>.
    assert soup.find(id="art_5__para_1").find(class_="lt-num").text == "1."
    assert not soup.find("ol")


def test_cyrillic_points_get_transliterated_ids() -> None:
    """Russian and Kazakh point letters become ASCII in eIds, as written on the page."""
    soup, _ = render(
        """
        ### Статья 3. Плата

        1. Плата взимается:
        а) за первое;
        б) за второе.
        """
    )
    point = soup.find(id="art_3__para_1__point_b")
    assert point is not None
    assert point.find(class_="lt-num").text == "б)"


def test_paragraphs_under_a_chapter_without_articles() -> None:
    """Paragraphs directly under a chapter take the chapter as their parent."""
    _, outline = render("## Chapter 1. General\n\n1. First.\n\n2. Second.\n")
    assert [el.eid for el in outline.elements] == ["chp_1", "chp_1__para_1", "chp_1__para_2"]


def test_article_eid_does_not_include_its_chapter() -> None:
    """Moving an article to another chapter keeps its eId."""
    _, outline = render(
        "## Chapter 1. A\n\n### Article 1. X\n\n## Chapter 2. B\n\n### Article 2. Y\n"
    )
    article = outline.find("art_2")
    assert article is not None and article.parent == "chp_2"


def test_every_element_has_a_keyboard_reachable_link_control() -> None:
    """Each element carries an <a href="#eid"> with an accessible name and no text of its own."""
    soup, outline = render("### Article 5. Fees\n\n1. Text:\n1) point.\n")
    for element in outline.elements:
        link = soup.find("a", class_="lt-link", href=f"#{element.eid}")
        assert link is not None, element.eid
        assert link["aria-label"].startswith("Link to ")
        assert link.text == ""  # not copied into quotes or the search index


def test_elements_are_labelled_from_their_numbers_as_written() -> None:
    """Labels come from the numbers as written, not from the eId ("3 bis", "б"), and the
    text itself carries no label attributes (they would weigh on every revision page)."""
    soup, outline = render(
        "### Article 3 bis. Transfers\n\n1. Allowed:\nа) by ferry;\nб) by rail.\n"
    )
    point = outline.find("art_3bis__para_1__point_b")
    assert point is not None
    assert point.full_label == "Article 3 bis, paragraph 1, point б"
    assert point.label == "point б"
    assert not [el for el in soup.find_all(True) if el.has_attr("data-lt-label")]


def test_element_text_spans_the_whole_article() -> None:
    """An article's text includes its paragraphs, which the intake needs to check quotes."""
    _, outline = render(
        "### Article 5. Fees\n\n1. One **bold** word.\n\n2. Two.\n\n### Article 6\n\nX.\n"
    )
    article = outline.find("art_5")
    assert article is not None
    assert article.text == "Article 5. Fees\n1. One bold word.\n2. Two."
    assert article.heading == "Fees"


def test_duplicate_numbers_are_suffixed() -> None:
    """Two articles numbered alike get distinct eIds instead of colliding."""
    _, outline = render("### Article 1\n\nA.\n\n### Article 1\n\nB.\n")
    assert [el.eid for el in outline.elements] == ["art_1", "art_1_2"]


@pytest.mark.parametrize(
    ("raw", "clean"), [("(i)", "i"), ("1.2.", "1-2"), ("3a bis", "3abis"), ("б", "b"), ("II", "ii")]
)
def test_numbers_are_cleaned_like_laws_africa(raw: str, clean: str) -> None:
    """Numbers lose brackets and dots and are lower-cased ASCII."""
    assert clean_number(raw) == clean


def test_german_sections_keep_paragraph_and_item_ids() -> None:
    """`§ 823`, `(1)` paragraphs and their `1.` items get sec_823__para_2__point_1 ids."""
    soup, outline = render(
        """
        ## § 823 Schadensersatzpflicht

        (1) Wer vorsätzlich oder fahrlässig das Leben, den Körper, die Gesundheit, die
        Freiheit, das Eigentum oder ein sonstiges Recht eines anderen widerrechtlich verletzt,
        ist dem anderen zum Ersatz des daraus entstehenden Schadens verpflichtet.

        (2) Die gleiche Verpflichtung trifft denjenigen, welcher

        1. gegen ein den Schutz eines anderen bezweckendes Gesetz verstößt,
        2. einem anderen in einer gegen die guten Sitten verstoßenden Weise Schaden zufügt.

        ## § 823a Haftung für neue Gefahren

        (1) Wer eine neue Gefahr schafft, haftet.
        """
    )
    assert [e.eid for e in outline.elements] == [
        "sec_823",
        "sec_823__para_1",
        "sec_823__para_2",
        "sec_823__para_2__point_1",
        "sec_823__para_2__point_2",
        "sec_823a",
        "sec_823a__para_1",
    ]
    item = soup.find(id="sec_823__para_2__point_1")
    assert item is not None and "Schutz eines anderen" in item.get_text()
    assert item.find_parent(id="sec_823__para_2") is not None
