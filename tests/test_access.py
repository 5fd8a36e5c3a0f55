"""No one locked out: axe-core in Chromium on every kind of page, and commenting by keyboard.

Every page type is checked at a phone's width and a desktop's, in the light and the dark
palette, with the interface in English and in Russian. The keyboard test presses real keys
only: focus is never set by script.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from site_builder.reviews import dump_review
from tests.conftest import Repo, draft
from tests.test_record import comment, review
from tests.test_server import Server

WINDOW = {"opens": "2026-01-01", "closes": "2099-12-31"}
GLOSSARY = {"tariff": "The price of a ticket.", "operator": "A company that runs buses."}
REV1 = """
## Chapter 1. General

### Article 1. Scope

1. This regulation applies to every operator of public transport.

!!! plain
    Bus and tram companies must follow these rules.

### Article 2. Fees

1. The operator shall publish the tariff online.

2. A reply is due within 15 working days of the request.
"""
REV2 = REV1.replace("15 working days", "10 working days").replace("must follow", "have to follow")
RID = "20260105-aaaaaaaaaa"

# axe impacts that fail the test; "moderate" and "minor" are reported by axe but left to review.
BLOCKING = ("serious", "critical")
# No transition or other finite animation is running.
SETTLED = """() => document.getAnimations().every(
  a => a.playState !== "running" || a.effect.getComputedTiming().endTime === Infinity)"""


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """One project built with the interface in en and in ru, each served with the intake."""
    root = tmp_path_factory.mktemp("access")
    repo = Repo(root / "project")
    repo.take_comments()
    first = repo.revise("fees", draft(REV1, discussion=WINDOW, glossary=GLOSSARY), "Open")
    folder = repo.root / "drafts" / "fees" / "reviews"
    folder.mkdir(parents=True)
    answer = {"disposition": "accepted", "text": "Shortened.", "by": "Team", "date": "2026-01-09"}
    comments = [comment(1, RID, "art_2__para_2", "Too slow.", response=answer)]
    (folder / f"{RID}.yml").write_text(dump_review(review(RID, first, comments)))
    repo.git("add", "-A")
    repo.commit("Merge review")
    second = repo.revise("fees", draft(REV2, discussion=WINDOW, glossary=GLOSSARY), "Shorten")
    servers: dict[str, Server] = {}
    yml = repo.root / "mkdocs.yml"
    built_sites: dict[str, Path] = {}
    for language in ("en", "ru"):
        text = yml.read_text()
        themed = text.replace("  name: material\n", f"  name: material\n  language: {language}\n")
        yml.write_text(themed)
        built = repo.build(f"site-{language}")
        yml.write_text(text)
        assert built.returncode == 0, built.output
        built_sites[language] = built.site
        servers[language] = Server(
            repo.root, root / f"spool-{language}", workers=1, LAWTRAIL_SITE_DIR=str(built.site)
        )
    pages = {
        "index": "/",
        "draft": "/drafts/fees/",
        "revision": f"/drafts/fees/rev/{first[:10]}/",
        "redline": f"/drafts/fees/compare/{first[:10]}..{second[:10]}/",
        "comments": "/drafts/fees/comments/",
        "review": f"/drafts/fees/reviews/{RID}/",
        "accountability": "/accountability/",
        "track": f"/track/?id={RID}",
        # What the intake serves, with status 404, for an address with no page.
        "missing": "/drafts/fees/no-such-page/",
    }
    urls = {lang: s.url for lang, s in servers.items()}
    yield {"urls": urls, "pages": pages, "sites": built_sites}
    for server in servers.values():
        server.kill()


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("language", ["en", "ru"])
def test_axe_finds_no_serious_violation(
    browser: Any, sites: dict[str, Any], language: str, scheme: str, width: int
) -> None:
    """axe-core reports no serious or critical violation on any page type, the comment form
    open included."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context = browser.new_context(viewport={"width": width, "height": 800}, color_scheme=scheme)
    page = context.new_page()
    found: list[str] = []
    base = sites["urls"][language]
    for name, path in [*sites["pages"].items(), ("form", sites["pages"]["draft"])]:
        page.goto(base + path)
        expected = "slate" if scheme == "dark" else "default"
        assert page.locator("body").get_attribute("data-md-color-scheme") == expected
        if name == "form":
            page.wait_for_selector(".lt-text[data-lt-comments]")
            page.click('button.lt-cbtn[data-lt-target="art_2__para_2"]')
            page.wait_for_selector("#lt-comment:not([hidden])")
        if name == "track":
            page.wait_for_selector(".lt-track__result:not([hidden])")
        # Contrast means something on a page at rest: opening the form scrolls, and
        # Material's header then fades the page title in.
        page.wait_for_function(SETTLED)
        for violation in axe.run(page).response["violations"]:
            if violation["impact"] in BLOCKING:
                targets = [node["target"] for node in violation["nodes"]][:3]
                found.append(f"{name}: {violation['id']} ({violation['impact']}) at {targets}")
    context.close()
    assert not found, "\n".join(found)


# The focused element, where it is and whether it shows that it has focus.
FOCUS = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    index: Array.prototype.indexOf.call(document.querySelectorAll("*"), el),
    name: el.tagName + (el.id ? "#" + el.id : "") + " " +
      (el.getAttribute("aria-label") || el.textContent || "").trim().slice(0, 40),
    target: el.dataset.ltTarget || null,
    href: el.getAttribute("href"),
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
    shadow: style.boxShadow !== "none",
    shown: box.width > 0 && box.height > 0,
  };
}"""


def press(page: Any, key: str, seen: list[str]) -> dict[str, Any]:
    """Press a key; focus must have moved to a shown element with a visible indicator."""
    before = page.evaluate(FOCUS)
    page.keyboard.press(key)
    after: dict[str, Any] = page.evaluate(FOCUS)
    seen.append(after["name"])
    assert after["index"] != before["index"], f"{key} did not move focus from {before['name']}"
    assert after["shown"], f"{key} moved focus to an element not shown: {after['name']}"
    assert after["outline"] or after["shadow"], f"no visible focus on {after['name']}"
    return after


@pytest.mark.parametrize("width", [360, 1280])
def test_comment_by_tab_and_enter_alone(browser: Any, sites: dict[str, Any], width: int) -> None:
    """From the page's skip link to the tracking number by Tab and Enter (and typing),
    with focus visibly moving on every press. The Comment buttons are one Tab stop (the
    arrow keys move between them, see test_keyboard.py); following an element's link makes
    its button that stop, so Tab and Enter alone reach any element's."""
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(sites["urls"]["en"] + sites["pages"]["draft"])
    page.wait_for_selector(".lt-text[data-lt-comments]")
    seen: list[str] = []
    skip = press(page, "Tab", seen)
    assert skip["name"].startswith("A "), "the first Tab stop is the skip link"
    page.keyboard.press("Enter")  # skip to the text
    for _ in range(40):
        if press(page, "Tab", seen)["href"] == "#art_2__para_2":
            break
    else:
        pytest.fail("Tab never reached the link of Article 2(2): " + " | ".join(seen))
    page.keyboard.press("Enter")  # follow the link: the page now points at Article 2(2)
    # The button becomes the Tab stop on hashchange, which the browser fires after the key.
    page.wait_for_function(
        "() => document.querySelector('button.lt-cbtn[data-lt-target=\"art_2__para_2\"]')"
        ".tabIndex === 0"
    )
    for _ in range(3):
        if press(page, "Tab", seen)["target"] == "art_2__para_2":
            break
    else:
        pytest.fail("Tab did not lead to the Comment button of Article 2(2): " + " | ".join(seen))
    page.keyboard.press("Enter")
    assert page.evaluate(FOCUS)["name"].startswith("TEXTAREA#lt-c-body")
    page.keyboard.type("Ten working days is still too long.")
    for _ in range(15):
        if press(page, "Tab", seen)["name"].startswith("INPUT#lt-c-consent"):
            break
    else:
        pytest.fail("Tab never reached the consent box: " + " | ".join(seen))
    page.keyboard.press("Enter")
    assert page.is_checked("#lt-c-consent")
    assert press(page, "Tab", seen)["name"].startswith("BUTTON")
    page.keyboard.press("Enter")
    tracking = page.wait_for_selector("strong.lt-tracking").inner_text()
    assert tracking
    follow = press(page, "Tab", seen)
    assert follow["name"].startswith("A "), "the next stop is the link to follow the comment"
    context.close()


def test_a_glossary_term_opens_by_keyboard_and_by_touch(
    browser: Any, sites: dict[str, Any]
) -> None:
    """A marked term opens its plain definition with Enter, and with a tap on a phone."""
    context = browser.new_context(viewport={"width": 360, "height": 800}, has_touch=True)
    page = context.new_page()
    page.goto(sites["urls"]["en"] + sites["pages"]["draft"])
    term = page.locator("#art_2__para_1 button.lt-term", has_text="tariff")
    definition = page.locator(f"#{term.get_attribute('popovertarget')}")
    assert not definition.is_visible()
    term.tap()
    assert definition.is_visible()
    assert "The price of a ticket." in definition.inner_text()
    page.keyboard.press("Escape")
    assert not definition.is_visible()
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.textContent") == "tariff":
            break
    page.keyboard.press("Enter")
    assert definition.is_visible()
    context.close()


def test_the_sites_read_without_javascript(browser: Any, sites: dict[str, Any]) -> None:
    """Without JavaScript a term still opens its definition (the browser does it)."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(sites["urls"]["en"] + sites["pages"]["draft"])
    term = page.locator("#art_2__para_1 button.lt-term", has_text="tariff")
    term.click()
    assert page.locator(f"#{term.get_attribute('popovertarget')}").is_visible()
    context.close()


def test_the_nav_names_drafts_once(sites: dict[str, Any]) -> None:
    """The navigation has one "Drafts": the section, led by the index as "All drafts"."""
    page = sites["sites"]["en"] / "drafts" / "fees" / "index.html"
    nav = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    primary = nav.select_one(".md-nav--primary")
    names = [el.get_text(" ", strip=True) for el in primary.select(".md-nav__link")]
    assert names.count("Drafts") == 1
    assert names.index("All drafts") == names.index("Drafts") + 1
