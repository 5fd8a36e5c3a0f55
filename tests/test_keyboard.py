"""The Comment buttons take one Tab stop, and the arrow keys move between them.

Real key presses in Chromium only: focus is never set by script. Two drafts end with the
same Article 3; one has a handful of elements before it, the other ten times as many.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import Repo, draft, serve
from tests.test_access import press

WINDOW = {"opens": "2026-01-01", "closes": "2099-12-31"}
ARTICLE_3 = """
### Article 3. Appeals

1. A decision may be appealed within one month.

2. The appeal body answers within two months.
"""


def article(number: int, paragraphs: int, points: int) -> str:
    """An article with numbered paragraphs, each with numbered points."""
    lines = [f"### Article {number}. Rules {number}", ""]
    for p in range(1, paragraphs + 1):
        lines.append(f"{p}. Rule {number}.{p} applies to:")
        lines.extend(f"{k}) case {number}.{p}.{k};" for k in range(1, points + 1))
        lines.append("")
    return "\n".join(lines)


SHORT = "## Chapter 1. General\n\n" + article(1, 1, 0) + article(2, 2, 0) + ARTICLE_3
LONG = "## Chapter 1. General\n\n" + article(1, 12, 3) + article(2, 12, 0) + ARTICLE_3


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Both drafts, open for comment, built and served on 127.0.0.1."""
    repo = Repo(tmp_path_factory.mktemp("keyboard") / "project")
    repo.take_comments()
    repo.revise("short", draft(SHORT, discussion=WINDOW))
    repo.revise("long", draft(LONG, discussion=WINDOW))
    built = repo.build()
    assert built.returncode == 0, built.output
    process, url = serve(built.site)
    yield url
    process.terminate()
    process.wait()


# Where the focused element is on the page, not in the viewport; and its opacity (on a
# wide screen the buttons are see-through until pointed at or focused).
PAGE_TOP = "() => document.activeElement.getBoundingClientRect().top + window.scrollY"
SHOWN = "() => getComputedStyle(document.activeElement).opacity"
# What a screen reader reads after the focused control's name.
DESCRIPTION = """() => (document.activeElement.getAttribute('aria-describedby') || '')
  .split(' ').map(id => document.getElementById(id)?.textContent || '').join(' ')"""


def first_button(page: Any, url: str, seen: list[str]) -> tuple[int, dict[str, Any]]:
    """Open a page, take its skip link, and Tab to a Comment button: the Tabs it took and
    the focused button."""
    page.goto(url)
    page.wait_for_selector(".lt-text[data-lt-comments]")
    assert press(page, "Tab", seen)["name"].startswith("A "), "the skip link comes first"
    page.keyboard.press("Enter")
    tabs = 0
    focus: dict[str, Any] = {"target": None}
    while not focus["target"]:
        assert tabs < 30, "no Comment button by Tab: " + " | ".join(seen)
        focus = press(page, "Tab", seen)
        tabs += 1
    return tabs, focus


def reach_article_3(page: Any, url: str) -> tuple[int, int]:
    """Skip link, then Tab to the first Comment button and Down to Article 3(1)'s; open
    its form with Enter. Returns the Tabs and the arrow presses it took."""
    seen: list[str] = []
    tabs, focus = first_button(page, url, seen)
    assert focus["target"] == "chp_1", "Tab reaches the first element's Comment button"
    assert "the arrow keys move to the others" in page.evaluate(DESCRIPTION)
    arrows = 0
    top = page.evaluate(PAGE_TOP)
    while focus["target"] != "art_3__para_1":
        assert arrows < 100, "Down never reached Article 3(1): " + " | ".join(seen[-5:])
        focus = press(page, "ArrowDown", seen)
        arrows += 1
        below = page.evaluate(PAGE_TOP)
        assert below > top, f"Down moved focus up, to {focus['name']}"
        assert page.evaluate(SHOWN) == "1", f"{focus['name']} has focus but cannot be seen"
        top = below
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "lt-c-body"
    assert page.locator(".lt-form-target__name").inner_text() == "Article 3, paragraph 1"
    return tabs, arrows


@pytest.mark.parametrize("width", [360, 1280])
def test_tabs_to_a_comment_button_do_not_grow_with_the_text(
    browser: Any, site: str, width: int
) -> None:
    """The Tabs from the skip link to Article 3(1)'s Comment button are few and the same
    with ten times as many elements before it; the arrow keys do the rest, focus visibly
    moving down the text."""
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    short_tabs, short_arrows = reach_article_3(page, site + "drafts/short/")
    long_tabs, long_arrows = reach_article_3(page, site + "drafts/long/")
    context.close()
    assert short_tabs == long_tabs
    assert short_tabs <= 6
    assert long_arrows > 10 * short_arrows // 2  # the long draft really is longer


def test_tab_passes_each_element_once_and_leaves(browser: Any, site: str) -> None:
    """Past the Comment buttons' one stop, Tab visits each element once (its link) and no
    other Comment button; Shift+Tab comes back to the button last used."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    seen: list[str] = []
    first_button(page, site + "drafts/long/", seen)
    elements = page.locator(".lt-text .lt-el").count()
    focus = press(page, "ArrowDown", seen)
    current = focus["target"]
    stops = 0
    inside = "() => !!document.activeElement.closest('.lt-text')"
    while True:
        focus = press(page, "Tab", seen)
        if not page.evaluate(inside):
            break
        assert not focus["target"], f"a second Comment button in the Tab order: {focus['name']}"
        stops += 1
    # Every element has its link: all but the two before the button are passed once.
    assert stops == elements - 2
    for _ in range(stops + 1):
        back = press(page, "Shift+Tab", seen)
    assert back["target"] == current
    page.close()


def test_home_end_and_page_keys_jump(browser: Any, site: str) -> None:
    """End and Home go to the last and first Comment button, Page Down and Page Up to the
    next and previous heading's."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    seen: list[str] = []
    first_button(page, site + "drafts/long/", seen)
    assert press(page, "End", seen)["target"] == "art_3__para_2"
    assert press(page, "Home", seen)["target"] == "chp_1"
    steps = [press(page, "PageDown", seen)["target"] for _ in range(3)]
    assert steps == ["art_1", "art_2", "art_3"]
    assert press(page, "ArrowUp", seen)["target"] == "art_2__para_12"
    assert press(page, "PageUp", seen)["target"] == "art_2"
    page.close()
