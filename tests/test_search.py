"""Search on a Kazakh site, in Chromium: Kazakh and Russian words are found however they are
entered, words in «quotes» too, and each result keeps its text's language."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from site_builder.mkdocs.plugin import SEARCH_SEPARATOR
from tests.conftest import Build, Repo, draft, serve
from tests.test_languages import kazakh, revise

RU = """
### Статья 1. Учёт зелёных насаждений

1. Сведения реестра размещаются в сети «Интернет» в форме открытых данных.

2. Снос деревьев допускается по разрешению (порубочному билету).
"""
KK = """
### 1-бап. Жасыл екпелерді есепке алу

1. Тізілімнің мәліметтері «Интернет» желісінде ашық деректер нысанында орналастырылады.

2. Ағаштарды кесуге рұқсат (кесу билеті) бойынша жол беріледі.
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Build]]:
    """A site in Kazakh with the search plugin as Material sets it up by default (no `lang`,
    no `separator`), holding a Russian draft with its Kazakh version; served on 127.0.0.1."""
    repo = Repo(tmp_path_factory.mktemp("search") / "project")
    yml = repo.root / "mkdocs.yml"
    text = yml.read_text(encoding="utf-8")
    text = text.replace("  - search:\n      lang: [en, ru]\n", "  - search\n")
    yml.write_text(text.replace("  name: material\n", "  name: material\n  language: kk\n"))
    revise(
        repo,
        "Первая редакция",
        ru=draft(RU, title="О зелёных насаждениях", language="ru"),
        kk=kazakh(KK, title="Жасыл екпелер туралы"),
    )
    built = repo.build()
    assert built.returncode == 0, built.output
    process, url = serve(built.site)
    yield url, built
    process.terminate()
    process.wait()


def test_the_index_splits_words_at_punctuation_unless_the_site_says_otherwise(
    site: tuple[str, Build],
) -> None:
    """With no `separator` of the site's, the index splits at Lawtrail's, and Material's
    own languages for a kk site are kept (its language partial names Russian)."""
    _, built = site
    config = json.loads((built.site / "search" / "search_index.json").read_text("utf-8"))["config"]
    assert config["separator"] == SEARCH_SEPARATOR
    assert config["lang"] == ["ru"]


def results(page: Any, query: str) -> list[dict[str, Any]]:
    """Enter a query as a phone keyboard or a paste does (the field changes, no key is
    released) and read the results: each article's address and its title's language."""
    page.fill("input.md-search__input", "")
    page.wait_for_function("() => !document.querySelector('.md-search-result__item')")
    page.fill("input.md-search__input", query)
    page.wait_for_selector(".md-search-result__item")
    found: list[dict[str, Any]] = page.evaluate(
        """() => [...document.querySelectorAll('.md-search-result__link')].map(a => {
          const title = a.querySelector('h1, h2');
          const marked = title.querySelector('[lang]');
          return {
            path: new URL(a.href).pathname + new URL(a.href).hash,
            title: title.textContent,
            lang: marked ? marked.getAttribute('lang') : null,
          };
        })"""
    )
    return found


def test_kazakh_words_are_found_on_a_phone(browser: Any, site: tuple[str, Build]) -> None:
    """A Kazakh word, its first letters, a word inside «quotes» and a Russian word each find
    their text; results from the Russian text say lang="ru", the Kazakh (the site's
    language) need not."""
    url, _ = site
    context = browser.new_context(viewport={"width": 360, "height": 740}, has_touch=True)
    page = context.new_page()
    page.goto(url)
    page.locator('label.md-header__button[for="__search"]').tap()
    kk, ru = "/drafts/fees/kk/", "/drafts/fees/"
    for query in ("мәліметтері", "тізілім", "кесу", "Ағаштарды"):
        paths = {r["path"].split("#")[0] for r in results(page, query)}
        assert paths == {kk}, query
    both = results(page, "Интернет")  # in «» in both texts
    assert {r["path"] for r in both} >= {f"{kk}#art_1", f"{ru}#art_1"}
    billet = results(page, "порубочному")  # in (parentheses)
    assert {r["path"].split("#")[0] for r in billet} == {ru}
    titles = {r["path"]: r for r in both}
    assert titles[ru]["lang"] == "ru" and titles[ru]["title"] == "О зелёных насаждениях"
    assert titles[kk]["lang"] is None and titles[kk]["title"] == "Жасыл екпелер туралы"
    context.close()
