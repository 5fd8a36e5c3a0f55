"""The published page in Debian's Chromium: linking to elements, keyboard, days left."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import Repo, draft, serve

BODY = (
    """
## Chapter 1. General

### Article 1. Scope

1. This regulation applies to all operators.

"""
    + "\n".join(
        f"{n}. Filler paragraph {n} to push the next article below the fold.\n"
        for n in range(2, 30)
    )
    + """
### Article 2. Fees

1. The operator shall publish its tariff.

2. A reply is due within 15 working days.
"""
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A built site with one draft open for comment until far ahead, served on 127.0.0.1."""
    repo = Repo(tmp_path_factory.mktemp("page") / "project")
    window = {"opens": "2026-01-01", "closes": "2099-12-31"}
    repo.revise("fees", draft(BODY, discussion=window))
    built = repo.build()
    assert built.returncode == 0, built.output
    process, url = serve(built.site)
    yield url
    process.terminate()
    process.wait()


def test_link_to_a_paragraph_scrolls_to_it_and_highlights_it(browser: Any, site: str) -> None:
    """Opening #art_2__para_2 shows that paragraph in view, highlighted."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(site + "drafts/fees/#art_2__para_2")
    target = page.locator("#art_2__para_2")
    box = target.bounding_box()
    assert box is not None and 0 <= box["y"] < 800
    background = target.evaluate("el => getComputedStyle(el).backgroundColor")
    other = page.locator("#art_2__para_1").evaluate("el => getComputedStyle(el).backgroundColor")
    assert background != other
    page.close()


def test_link_control_is_reachable_and_usable_by_keyboard(browser: Any, site: str) -> None:
    """Tabbing reaches a named "link to this" control; Enter puts its address in the bar."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(site + "drafts/fees/")
    for _ in range(80):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => document.activeElement.classList.contains('lt-link') && "
            "document.activeElement.getAttribute('href')"
        )
        if focused == "#art_1__para_1":
            break
    else:
        pytest.fail("no 'link to this' control reached with Tab")
    name = page.evaluate("() => document.activeElement.getAttribute('aria-label')")
    assert name == "Link to paragraph 1"
    assert page.evaluate("() => getComputedStyle(document.activeElement).opacity") == "1"
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.hash === '#art_1__para_1'")
    page.close()


def test_days_left_are_worked_out_in_the_browser(browser: Any, site: str) -> None:
    """The banner counts the days left from today in the site's time zone, closing day included."""
    page = browser.new_page()
    page.goto(site + "drafts/fees/")
    text = page.locator(".lt-banner .lt-days").inner_text()
    today = datetime.now(ZoneInfo("UTC")).date()
    expected = (date(2099, 12, 31) - today).days + 1
    found = re.match(r"(\d+) days left", text)
    assert found is not None, text
    assert abs(int(found.group(1)) - expected) <= 1  # a test straddling midnight
    page.close()


def test_reading_works_without_javascript(browser: Any, site: str) -> None:
    """With JavaScript off the text, its links and the stage filters still work."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site)
    page.click("text=In public discussion")
    assert page.url.endswith("/stage/discussion/")
    page.click(".lt-card__title a")
    assert page.locator("#art_2__para_2").inner_text().startswith("2. A reply")
    assert "December 31, 2099" in page.locator(".lt-banner").inner_text()
    context.close()
