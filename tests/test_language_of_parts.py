"""Material's own navigation marks a draft's words with the draft's language: the nav entry
(its title) and the table of contents (its headings), WCAG 3.1.2."""

from __future__ import annotations

from urllib.parse import urljoin

import pytest

from tests.conftest import Build, build_sample

RU = "drafts/zelenye-nasazhdeniya/"


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The repository's own sample site (an English site with a Russian draft that has a
    Kazakh version), built as it is but for the footer's links."""
    features = "  features:\n"

    def with_footer(config: str) -> str:  # Material's links to the previous and next page
        assert features in config
        return config.replace(features, features + "    - navigation.footer\n")

    return build_sample(tmp_path_factory.mktemp("sample-en") / "project", with_footer)


def nav_entries(sample: Build, page: str) -> dict[str, str | None]:
    """Each entry of the site navigation on a page: the last folder of the page it leads to
    -> the lang of its title."""
    found: dict[str, str | None] = {}
    for link in sample.html(page).select(".md-nav--primary a.md-nav__link"):
        href = urljoin(f"http://site/{page}", str(link["href"])).rstrip("/").split("/")[-1]
        title = link.select_one(".md-ellipsis")
        assert title is not None
        found[href] = str(title["lang"]) if title.has_attr("lang") else None
    return found


def test_the_nav_marks_a_drafts_title_in_another_language(sample: Build) -> None:
    """On an English site the Russian draft's nav entry says lang="ru", on every page; the
    English drafts' and the site's own entries say nothing (they are in the page's)."""
    for page in ("", "drafts/open-budget-data/", RU, f"{RU}kk/", "accountability/"):
        entries = nav_entries(sample, page)
        assert entries["zelenye-nasazhdeniya"] == "ru", page
        assert entries["open-budget-data"] is None and entries["about"] is None, page
    # The current page's own entry (a label and a link) carries it too.
    active = ".md-nav--primary li.md-nav__item--active:not(.md-nav__item--nested)"
    current = sample.html(RU).select(f"{active} > .md-nav__link .md-ellipsis")
    assert len(current) == 2 and all(title.get("lang") == "ru" for title in current)


@pytest.mark.parametrize(
    ("page", "language", "heading"),
    [
        (RU, "ru", "Статья 1."),
        (f"{RU}kk/", "kk", "1-бап."),
        ("drafts/open-budget-data/", None, "Article 1."),
    ],
)
def test_the_table_of_contents_is_in_the_texts_language(
    sample: Build, page: str, language: str | None, heading: str
) -> None:
    """A draft's table of contents lists its headings under the language of its text: ru for
    the Russian text, kk for its Kazakh version, none for an English draft."""
    html = sample.html(page)
    tocs = html.select('ul[data-md-component="toc"]')
    assert tocs
    for toc in tocs:
        assert toc.get("lang") == language
        assert heading in toc.get_text(" ", strip=True)
    # The table's own name is Material's, in the site's language, outside the marked list.
    label = html.select_one(".md-nav--secondary > .md-nav__title")
    assert label is not None and label.get_text(strip=True) == "Table of contents"
    assert label.find_parent(attrs={"lang": True}).name == "html"


def test_a_revisions_table_of_contents_is_in_its_language(sample: Build) -> None:
    """A revision page's headings are the draft's too."""
    revisions = sorted((sample.site / RU / "kk" / "rev").iterdir())
    assert revisions
    page = sample.html(f"{RU}kk/rev/{revisions[0].name}/")
    toc = page.select_one('.md-nav--secondary ul[data-md-component="toc"]')
    assert toc is not None and toc.get("lang") == "kk"


def test_the_header_and_the_footer_mark_a_drafts_title(sample: Build) -> None:
    """The title the header shows on scrolling, and the previous and next pages' titles
    under the text, carry the draft's language on its text pages; a revision's header
    title, which joins the draft's title with Lawtrail's words, carries none."""
    topic = '[data-md-component="header-topic"] .md-ellipsis'
    for page, language in ((RU, "ru"), (f"{RU}kk/", "kk"), ("drafts/open-budget-data/", None)):
        title = sample.html(page).select_one(topic)
        assert title is not None and title.get("lang") == language, page
    revision = sorted((sample.site / RU / "rev").iterdir())[0].name
    title = sample.html(f"{RU}rev/{revision}/").select_one(topic)
    assert title is not None and not title.has_attr("lang")
    assert "revision" in title.get_text()
    links: dict[str, str | None] = {}
    for page in ("", "drafts/open-budget-data/", RU, "drafts/public-transport-accessibility/"):
        for link in sample.html(page).select("a.md-footer__link"):
            href = urljoin(f"http://site/{page}", str(link["href"])).rstrip("/").split("/")[-1]
            title = link.select_one(".md-ellipsis")
            assert title is not None
            links[href] = str(title["lang"]) if title.has_attr("lang") else None
    assert links["zelenye-nasazhdeniya"] == "ru"
    assert links["open-budget-data"] is None


def test_commit_messages_keep_their_language_on_a_version_page(sample: Build) -> None:
    """The commits of a Russian draft are written in Russian: on its Kazakh version's pages
    (the timeline, a revision's message) they still say lang="ru", never the text's kk."""
    messages = sample.html(f"{RU}kk/").select(".lt-event__message")
    assert messages and all(m.get("lang") == "ru" for m in messages)
    revision = sorted((sample.site / RU / "kk" / "rev").iterdir())[0].name
    message = sample.html(f"{RU}kk/rev/{revision}/").select_one("blockquote.lt-message")
    assert message is not None and message.get("lang") == "ru"
    assert "Текст" in message.get_text()


def test_an_agencys_name_carries_its_drafts_language(sample: Build) -> None:
    """A Russian agency's name on an English site says lang="ru" in the filters of the
    index, as its page's heading, on the comments page and in the accountability tables;
    an English agency's says nothing."""
    ministry = "Министерство экологии и природных ресурсов"
    index = sample.html("")
    filters = {
        a.get_text(" ", strip=True).rsplit(" ", 1)[0]: a.get("lang")
        for a in index.select(".lt-filters a")
    }
    assert filters[ministry] == "ru" and filters["Ministry of Finance"] is None
    agency = index.select_one('.lt-card a[href*="agency/"][lang="ru"]')
    assert agency is not None and agency.get_text(strip=True) == ministry
    heading = sample.html(str(agency["href"])).select_one("h1")
    assert heading is not None and heading.get("lang") == "ru"
    eyebrow = sample.html(f"{RU}comments/").select_one(".lt-eyebrow span[lang=ru]")
    assert eyebrow is not None and eyebrow.get_text(strip=True) == ministry
    cells = sample.html("accountability/").select('tbody [lang="ru"]')
    named = [c.get_text(strip=True) for c in cells]
    assert named.count(ministry) == 2  # by agency, and beside its draft
