"""Plain language: glossary terms marked in the text, plain-language notes in articles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from site_builder.glossary import Glossary, GlossaryError, load_glossary
from site_builder.render import Renderer
from tests.conftest import Repo, draft


def render(body: str, terms: dict[str, str] | None = None) -> tuple[BeautifulSoup, list[str]]:
    """The HTML of a body with a glossary, and the texts of its outline's blocks."""
    rendering = Renderer(["toc", "tables", "admonition"], {}).render(body, Glossary.of(terms))
    blocks = [block.text for block in rendering.outline.blocks]
    return BeautifulSoup(rendering.html, "html.parser"), blocks


TEXT = """
### Article 1. Open data

1. Ministries publish open data and Open
data again, see [open data](https://example.org) and `open data`.

2. Datasets and a dataset.

### Article 2. Open data use

1. Anyone may reuse open data.
"""


def test_the_first_occurrence_in_each_article_is_marked() -> None:
    """A term is marked once per article, in any case and across a line break, never in a
    heading, link or code, and only as a whole word."""
    html, _ = render(TEXT, {"open data": "Free data.", "dataset": "A set of data."})
    marks = [(b.get_text(), b.find_parent(class_="lt-el")["id"]) for b in html.select(".lt-term")]
    assert marks == [("open data", "art_1__para_1"), ("dataset", "art_1__para_2"),
                     ("open data", "art_2__para_1")]  # fmt: skip
    assert not html.select("h3 .lt-term, a .lt-term, code .lt-term")


def test_cyrillic_terms_match_in_any_case_on_word_boundaries() -> None:
    """Russian and Kazakh terms match whatever their case, and not inside longer words."""
    body = "### Статья 1. Данные\n\n1. ОТКРЫТЫЕ ДАННЫЕ и данныеX; ашық деректер.\n"
    html, _ = render(body, {"открытые данные": "Сведения.", "Ашық деректер": "Ақпарат."})
    assert [b.get_text() for b in html.select(".lt-term")] == ["ОТКРЫТЫЕ ДАННЫЕ", "ашық деректер"]


def test_a_term_opens_its_definition_without_changing_the_text() -> None:
    """Each mark names a popover holding the definition, outside every element, so what a
    comment quotes and what a redline compares are the law's words alone."""
    plain, plain_blocks = render(TEXT)
    html, blocks = render(TEXT, {"open data": "Free data."})
    button = html.select_one(".lt-term")
    assert button.name == "button" and button["type"] == "button"
    popover = html.find(id=button["popovertarget"])
    assert popover.has_attr("popover") and popover.find_parent(class_="lt-el") is None
    assert popover.get_text() == "open data: Free data."
    assert popover.find_parent(class_="lt-terms").has_attr("data-search-exclude")
    assert blocks == plain_blocks
    for el in html.select(".lt-el"):
        assert el.get_text() == plain.find(id=el["id"]).get_text()


def test_a_draft_definition_overrides_the_sites() -> None:
    """The draft's own definition wins over the site glossary's, whatever the case."""
    glossary = Glossary.of({"Operator": "Site meaning."}, {"operator": "Draft meaning."})
    assert glossary.terms == {"operator": "Draft meaning."}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("tariff: [a, b]\n", "glossary.yml: term 'tariff' has the definition ['a', 'b']"),
        ("- tariff\n", "glossary.yml: holds list; expected 'term: plain definition' lines"),
        ("tariff: 'open\n", "glossary.yml, line 1: not valid YAML"),
    ],
)
def test_a_bad_glossary_file_is_named_with_the_fix(tmp_path: Path, text: str, message: str) -> None:
    """A malformed site glossary names the file, what is wrong and what is expected."""
    path = tmp_path / "glossary.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(GlossaryError) as err:
        load_glossary(path, "glossary.yml")
    assert str(err.value).startswith(message)


NOTE = """
### Article 1. Fees

1. The operator shall publish the tariff.

!!! plain "Простыми словами"
    Prices must be
    online.

    Also on paper.

2. Next paragraph.
"""


def test_a_plain_note_is_part_of_its_article() -> None:
    """A note renders as a labelled box, and its words are blocks of its article."""
    html, blocks = render(NOTE)
    box = html.select_one(".lt-plain")
    assert box["role"] == "note"
    assert box.select_one(".lt-plain-title").get_text() == "Простыми словами"
    assert [p.get_text() for p in box.select("p:not(.lt-plain-title)")] == [
        "Prices must be\nonline.",
        "Also on paper.",
    ]
    assert "Prices must be online." in blocks and "Простыми словами" not in blocks
    assert html.select_one("#art_1__para_2") is not None  # the text goes on after the note
    default, _ = render("### Article 1. Fees\n\n!!! plain\n    Plainly.\n")
    assert default.select_one(".lt-plain-title").get_text() == "In plain words"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Repo, list[str], Path]:
    """A draft with a glossary and a note, revised, with a site-wide glossary file."""
    repo = Repo(tmp_path_factory.mktemp("plain") / "project")
    yml = repo.root / "mkdocs.yml"
    yml.write_text(
        yml.read_text().replace(
            "drafts_dir: drafts", "drafts_dir: drafts\n      glossary: words.yml"
        )
    )
    (repo.root / "words.yml").write_text(
        "regulator: The office that checks operators.\nferry: A boat.\n", encoding="utf-8"
    )
    first = repo.revise("fees", draft(NOTE + "\n3. Complaints go to the regulator.\n",
                                      glossary={"tariff": "The price."}))  # fmt: skip
    second = repo.revise(
        "fees",
        draft(NOTE.replace("Prices must be", "Every price must be") + "\n",
              glossary={"tariff": "The price."}),
    )  # fmt: skip
    result = repo.build()
    assert result.returncode == 0, result.output
    return repo, [first, second], result.site


def test_the_redline_shows_a_changed_note_as_a_note(
    built: tuple[Repo, list[str], Path],
) -> None:
    """A note changed between revisions shows in the redline, labelled as a note."""
    _, (first, second), site = built
    page = site / "drafts" / "fees" / "compare" / f"{first[:10]}..{second[:10]}" / "index.html"
    html = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    note = html.select_one(".lt-rl-plain")
    assert note.select_one(".lt-rl-plain-label").get_text() == "In plain words: "
    assert note.select_one("ins").get_text() == "Every price"


def test_site_terms_join_the_drafts_and_search_indexes_each_once(
    built: tuple[Repo, list[str], Path],
) -> None:
    """Site glossary terms used by a draft are marked and listed; search sees the text once
    and no definition."""
    _, (first, _), site = built
    page = site / "drafts" / "fees" / "rev" / first[:10] / "index.html"
    html = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    assert [b.get_text() for b in html.select(".lt-term")] == ["tariff", "regulator"]
    current = BeautifulSoup(
        (site / "drafts" / "fees" / "index.html").read_text(encoding="utf-8"), "html.parser"
    )
    # The current text no longer says "regulator": the list under it shows only its terms.
    assert [dt.get_text() for dt in current.select(".lt-glossary dt")] == ["tariff"]
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    words = " ".join(doc["text"] for doc in index["docs"])
    assert "The price." not in words
    assert words.count("publish the tariff") == 1


def test_a_missing_glossary_file_stops_the_build(repo: Repo) -> None:
    """A glossary option naming no file stops the build and says how to fix it."""
    yml = repo.root / "mkdocs.yml"
    yml.write_text(
        yml.read_text().replace("drafts_dir: drafts", "drafts_dir: drafts\n      glossary: no.yml")
    )
    repo.revise("fees", draft(NOTE))
    result = repo.build()
    assert result.returncode != 0
    assert "no.yml: no such glossary file" in result.output
