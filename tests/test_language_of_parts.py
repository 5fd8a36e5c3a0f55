"""Material's own navigation marks a draft's words with the draft's language: the nav entry
(its title) and the table of contents (its headings), WCAG 3.1.2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin

import pytest

from tests.conftest import Build

ROOT = Path(__file__).resolve().parent.parent
RU = "drafts/zelenye-nasazhdeniya/"


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The repository's own sample site (an English site with a Russian draft that has a
    Kazakh version), built as it is."""
    clone = tmp_path_factory.mktemp("sample-en") / "project"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    done = subprocess.run(
        # The installed command: `python -m mkdocs` would import the clone's copy of the plugin.
        [str(Path(sys.executable).parent / "mkdocs"), "build", "--site-dir", "site"],
        cwd=clone,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return Build(done.returncode, done.stdout + done.stderr, clone / "site")


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
