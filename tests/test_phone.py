"""A site for phones, keyboards and privacy: no request leaves the site, nothing invisible
takes focus at 360 px, a skip link on every page, tables that fit a phone, and a banner
that tells readers without JavaScript how else to comment.

Keyboard tests press real keys only: focus is never set by script.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from site_builder.reviews import dump_review
from tests.conftest import Repo, draft
from tests.test_access import GLOSSARY, REV1, REV2, RID, WINDOW
from tests.test_record import comment, review
from tests.test_server import Server

KK = """
## 1-тарау. Жалпы ережелер

### 1-бап. Қолданылу саласы

1. Осы қағида қоғамдық көліктің әрбір операторына қолданылады.

### 2-бап. Алымдар

1. Оператор тарифті желіде жариялайды.

2. Жауап сұрау салынған күннен бастап 15 жұмыс күні ішінде беріледі.
"""
CHANNELS = [
    {"text": "By e-mail to comments@example.org", "link": "mailto:comments@example.org"},
    "By post to 1 Example Street",
]
PHONE = {"width": 360, "height": 740}

# Why the focused element cannot be seen, or null: no box, hidden, or outside the screen
# once an ancestor that clips its overflow (a closed drawer's, a closed search's) has had
# its say.
HIDDEN_BECAUSE = """(el) => {
  const box = el.getBoundingClientRect();
  if (!(box.width > 0 && box.height > 0)) return "it has no size";
  if (getComputedStyle(el).visibility !== "visible") return "it is visibility: hidden";
  let [left, top, right, bottom] = [box.left, box.top, box.right, box.bottom];
  // The root's and body's overflow belong to the viewport, not to their boxes.
  for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
    const style = getComputedStyle(a);
    if (style.overflowX !== "visible" || style.overflowY !== "visible") {
      const clip = a.getBoundingClientRect();
      [left, top] = [Math.max(left, clip.left), Math.max(top, clip.top)];
      [right, bottom] = [Math.min(right, clip.right), Math.min(bottom, clip.bottom)];
    }
  }
  [left, top] = [Math.max(left, 0), Math.max(top, 0)];
  [right, bottom] = [Math.min(right, innerWidth), Math.min(bottom, innerHeight)];
  if (right - left < 1 || bottom - top < 1) return "it is outside the screen";
  return null;
}"""
FOCUSED = """() => {
  const el = document.activeElement;
  return {
    body: el === document.body,
    name: el.tagName + (el.id ? "#" + el.id : "") + " " +
      (el.getAttribute("aria-label") || el.textContent || "").trim().slice(0, 40),
    hidden: el === document.body ? null : (HIDDEN_BECAUSE)(el),
  };
}""".replace("HIDDEN_BECAUSE", HIDDEN_BECAUSE)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A draft in discussion with a Kazakh version, a merged and answered review and two
    revisions; the config names a repository and other ways to comment but no font.
    Served with the intake by gunicorn."""
    root = tmp_path_factory.mktemp("phone")
    repo = Repo(root / "project")
    yml = repo.root / "mkdocs.yml"
    config = yaml.safe_load(yml.read_text())
    config["repo_url"] = "https://github.com/example/lawtrail"
    lawtrail = config["plugins"][1]["lawtrail"]
    lawtrail.update(intake_url="/api/v1", other_channels=CHANNELS)
    yml.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False))
    kazakh = {"title": "Алымдар туралы қағида", "summary": "Қарапайым түйіндеме."}
    kk = f"---\n{yaml.safe_dump(kazakh, allow_unicode=True)}---\n\n{KK.lstrip()}"
    (repo.root / "drafts" / "fees").mkdir(parents=True)
    (repo.root / "drafts" / "fees" / "draft.kk.md").write_text(kk, encoding="utf-8")
    first = repo.revise(
        "fees", draft(REV1, discussion=WINDOW, glossary=GLOSSARY, language="en"), "Open"
    )
    folder = repo.root / "drafts" / "fees" / "reviews"
    folder.mkdir()
    answer = {"disposition": "accepted", "text": "Shortened.", "by": "Team", "date": "2026-01-09"}
    comments = [comment(1, RID, "art_2__para_2", "Too slow.", response=answer)]
    (folder / f"{RID}.yml").write_text(dump_review(review(RID, first, comments)))
    repo.git("add", "-A")
    repo.commit("Merge review")
    second = repo.revise(
        "fees", draft(REV2, discussion=WINDOW, glossary=GLOSSARY, language="en"), "Shorten"
    )
    built = repo.build()
    assert built.returncode == 0, built.output
    server = Server(repo.root, root / "spool", workers=1, LAWTRAIL_SITE_DIR=str(built.site))
    pages = {
        "index": "/",
        "stage": "/stage/discussion/",
        "draft": "/drafts/fees/",
        "revision": f"/drafts/fees/rev/{first[:10]}/",
        "redline": f"/drafts/fees/compare/{first[:10]}..{second[:10]}/",
        "comments": "/drafts/fees/comments/",
        "review": f"/drafts/fees/reviews/{RID}/",
        "accountability": "/accountability/",
        "language version": "/drafts/fees/kk/",
        "how to take part": "/about/",
        "tracking": "/track/",
        "404": "/404.html",
        "missing page": "/no/such/page/",
    }
    yield {"url": server.url, "pages": pages, "output": built.output}
    server.kill()


def test_no_page_requests_another_site(browser: Any, site: dict[str, Any]) -> None:
    """Every page type, the comment form, one search and one tracking number looked up load
    nothing from another origin: no Google Fonts, no GitHub API for the repository link."""
    origin = urlsplit(site["url"])
    elsewhere: list[str] = []
    here: list[str] = []

    def check(route: Any) -> None:
        url = urlsplit(route.request.url)
        if (url.scheme, url.netloc) == (origin.scheme, origin.netloc):
            here.append(url.path)
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    for viewport in (PHONE, {"width": 1280, "height": 800}):
        context = browser.new_context(viewport=viewport)
        context.route("**/*", check)
        page = context.new_page()
        for path in site["pages"].values():
            page.goto(site["url"] + path)
            page.wait_for_load_state("networkidle")
        page.goto(site["url"] + site["pages"]["draft"])
        assert page.get_attribute(".md-source", "href") == "https://github.com/example/lawtrail"
        page.wait_for_selector(".lt-text[data-lt-comments]")
        page.click('button.lt-cbtn[data-lt-target="art_2__para_2"]')
        page.wait_for_selector("#lt-comment:not([hidden])")
        page.click('.md-header label[for="__search"]' if viewport is PHONE else ".md-search__input")
        page.keyboard.type("tariff")
        page.wait_for_selector(".md-search-result__item")
        page.wait_for_load_state("networkidle")
        page.goto(site["url"] + site["pages"]["tracking"])
        page.fill("#lt-track-id", RID)
        page.keyboard.press("Enter")
        page.wait_for_selector(".lt-track__result:not([hidden])")
        context.close()
    assert elsewhere == []
    assert "/search/search_index.json" in here


def tab_through(page: Any, limit: int = 300) -> list[dict[str, Any]]:
    """Press Tab until focus leaves the page; every stop on the way."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop: dict[str, Any] = page.evaluate(FOCUSED)
        if stop["body"]:
            return stops
        stops.append(stop)
    pytest.fail(f"Tab never left the page after {limit} presses")


@pytest.mark.parametrize("name", ["index", "draft", "revision", "tracking"])
def test_nothing_invisible_takes_focus_on_a_phone(
    browser: Any, site: dict[str, Any], name: str
) -> None:
    """At 360 x 740, every Tab stop of the home page, a draft, a revision and the tracking
    page is on screen: no palette input shrunk to nothing, no closed search results, no
    link in the closed drawer."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(site["url"] + site["pages"][name])
    page.wait_for_load_state("networkidle")
    stops = tab_through(page)
    context.close()
    assert stops[0]["name"].startswith("A "), "the first stop is the skip link"
    hidden = [f"{s['name']}: {s['hidden']}" for s in stops if s["hidden"]]
    assert hidden == [], "\n".join(hidden)
    assert len(stops) > 5


def test_the_drawer_opens_and_closes_by_keyboard_on_a_phone(
    browser: Any, site: dict[str, Any]
) -> None:
    """The menu button is a Tab stop: Enter opens the drawer and moves focus into it, every
    link in it is on screen in turn, Escape closes it and focus returns to the button;
    Space opens it too."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(site["url"] + site["pages"]["draft"])
    page.wait_for_load_state("networkidle")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")
    button = page.locator(".md-header label[for='__drawer']")
    assert page.evaluate("() => document.activeElement.getAttribute('for')") == "__drawer"
    assert (button.get_attribute("role"), button.get_attribute("aria-expanded")) == (
        "button",
        "false",
    )
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "true"
    # The drawer slides in; its links count once it is there.
    page.wait_for_function(
        "() => document.querySelector('.md-sidebar--primary').getBoundingClientRect().left >= 0"
    )
    names = []
    stop = page.evaluate(FOCUSED)
    while not stop["name"].startswith("A ") or "Accountability" not in stop["name"]:
        assert stop["hidden"] is None, f"{stop['name']}: {stop['hidden']}"
        assert page.evaluate(
            "() => document.querySelector('.md-sidebar--primary').contains(document.activeElement)"
        ), f"focus left the drawer at {stop['name']} after {names}"
        names.append(stop["name"])
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUSED)
    assert any("Article 2" in name for name in names), "the draft's articles are listed"
    page.keyboard.press("Escape")
    assert button.get_attribute("aria-expanded") == "false"
    assert page.evaluate("() => document.activeElement.getAttribute('for')") == "__drawer"
    page.keyboard.press(" ")
    assert button.get_attribute("aria-expanded") == "true"
    context.close()


def test_the_menu_opens_the_navigation_on_revision_and_redline_pages(
    browser: Any, site: dict[str, Any]
) -> None:
    """On pages that do not carry every draft in their nav (a revision, a redline, the
    comments, a review), the menu button at 360 px still opens a drawer with the site's
    pages and the draft's own, each on screen: never an empty overlay."""
    context = browser.new_context(viewport=PHONE, has_touch=True)
    page = context.new_page()
    for name in ("revision", "redline", "comments", "review"):
        page.goto(site["url"] + site["pages"][name])
        page.wait_for_load_state("networkidle")
        page.tap(".md-header label[for='__drawer']")
        page.wait_for_function(
            "() => document.querySelector('.md-sidebar--primary').getBoundingClientRect().left >= 0"
        )
        links = page.evaluate(
            """() => [...document.querySelectorAll('.md-sidebar--primary a[href]')]
                 .filter(a => { const box = a.getBoundingClientRect();
                   return box.width > 0 && box.left >= 0 && box.right <= innerWidth; })
                 .map(a => a.textContent.trim())"""
        )
        for title in ("About", "All drafts", "Regulation on Test Matters"):
            assert title in links, f"{name}: {title!r} is not in the drawer: {links}"
        assert "Follow a comment" in links and "Accountability" in links, f"{name}: {links}"
    context.close()


@pytest.mark.parametrize("name", ["index", "comments", "accountability", "404", "review"])
def test_every_page_starts_with_a_skip_link_to_its_content(
    browser: Any, site: dict[str, Any], name: str
) -> None:
    """The first Tab stop is one skip link, on pages with and without a table of contents;
    following it, the next Tab lands in the page's content."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(site["url"] + site["pages"][name])
    page.wait_for_load_state("networkidle")
    rendered = (
        "() => [...document.querySelectorAll('a.md-skip')].filter(a => a.getClientRects().length)"
    )
    assert page.evaluate(rendered + ".length") == 1
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.classList.contains('md-skip')")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    # Past the header and the navigation: the content, or the footer on a page without links.
    after = """() => {
      const target = document.getElementById(location.hash.slice(1));
      const now = document.activeElement;
      return !!target && !!(target.compareDocumentPosition(now) & Node.DOCUMENT_POSITION_FOLLOWING)
        && !now.closest('.md-sidebar, .md-header');
    }"""
    assert page.evaluate(after), page.evaluate(
        "() => document.activeElement.outerHTML.slice(0, 120)"
    )
    context.close()


@pytest.mark.parametrize("name", ["comments", "accountability"])
def test_tables_fit_a_phone_and_stay_tables(browser: Any, site: dict[str, Any], name: str) -> None:
    """At 360 px no table is wider than the screen and nothing scrolls sideways; each cell
    shows its column's name, and Chromium still exposes rows, cells and column headers."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(site["url"] + site["pages"][name])
    assert page.evaluate("() => document.scrollingElement.scrollWidth") <= PHONE["width"]
    widths = page.evaluate(
        "() => [...document.querySelectorAll('table')].map(t => t.getBoundingClientRect().width)"
    )
    assert widths and max(widths) <= PHONE["width"]
    labels = page.evaluate(
        """() => [...document.querySelectorAll('td[data-label]:not(:empty)')].map(td =>
             [td.dataset.label, getComputedStyle(td, '::before').content])"""
    )
    assert labels and all(label in shown for label, shown in labels)
    tree = context.new_cdp_session(page).send("Accessibility.getFullAXTree")["nodes"]
    roles = [node.get("role", {}).get("value") for node in tree if not node.get("ignored")]
    cells = page.evaluate("() => document.querySelectorAll('td').length")
    assert roles.count("columnheader") == page.evaluate(
        "() => document.querySelectorAll('thead th').length"
    )
    assert roles.count("cell") == cells > 0 and "row" in roles
    # The column's name shown before a cell is not read as part of it: the header is.
    names = [
        node.get("name", {}).get("value", "")
        for node in tree
        if node.get("role", {}).get("value") == "cell"
    ]
    assert not [n for n in names if n.startswith(tuple(label for label, _ in labels))]
    page.set_viewport_size({"width": 1280, "height": 800})
    assert page.evaluate("() => getComputedStyle(document.querySelector('table')).display") == (
        "table"
    )
    context.close()


def test_without_javascript_the_banner_says_how_else_to_comment(
    browser: Any, site: dict[str, Any]
) -> None:
    """Without JavaScript the banner of a draft open for comment says the form and the
    tracking lookup need it and lists the agency's other ways, and the page says so nowhere
    else; with it, it does not."""
    url = site["url"] + site["pages"]["draft"]
    off = browser.new_context(java_script_enabled=False)
    page = off.new_page()
    page.goto(url)
    banner = page.locator(".lt-banner")
    text = banner.inner_text()
    assert "Comments are accepted" in text
    assert "needs JavaScript" in text and "tracking number" in text
    assert page.locator("body").inner_text().count("JavaScript") == 1
    assert banner.locator("a", has_text="comments@example.org").get_attribute("href") == (
        "mailto:comments@example.org"
    )
    assert "By post to 1 Example Street" in text
    off.close()
    on = browser.new_context()
    page = on.new_page()
    page.goto(url)
    page.wait_for_selector(".lt-days:not(:empty)")
    text = page.locator(".lt-banner").inner_text()
    assert "Comments are accepted" in text
    assert "JavaScript" not in text and "comments@example.org" not in text
    on.close()


@pytest.fixture(scope="module")
def chosen(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A site that names a web font, analytics and a stylesheet elsewhere, and other ways
    to comment but no intake."""
    repo = Repo(tmp_path_factory.mktemp("chosen") / "project")
    yml = repo.root / "mkdocs.yml"
    config = yaml.safe_load(yml.read_text())
    config["theme"]["font"] = {"text": "Inter", "code": "JetBrains Mono"}
    config["extra"] = {"analytics": {"provider": "google", "property": "G-TEST"}}
    config["extra_css"] = ["https://cdn.example.net/style.css"]
    config["plugins"][1]["lawtrail"]["other_channels"] = CHANNELS
    yml.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False))
    repo.revise("fees", draft(REV1, discussion=WINDOW))
    built = repo.build()
    assert built.returncode == 0, built.output
    return {"output": built.output, "build": built}


def test_a_named_font_is_not_loaded_and_other_sites_are_named(chosen: dict[str, Any]) -> None:
    """The build warns that the named font is not loaded and names each setting that would
    load from elsewhere; no page links Google Fonts."""
    output = chosen["output"]
    assert "theme.font names Inter, JetBrains Mono: Material would load it from" in output
    assert "extra.analytics (provider google) sends every page view" in output
    assert "extra_css 'https://cdn.example.net/style.css' is loaded from another site" in output
    pages = list(chosen["build"].site.rglob("*.html"))
    assert pages and not [p for p in pages if "fonts.googleapis.com" in p.read_text("utf-8")]


def test_without_an_intake_every_reader_sees_the_other_ways(chosen: dict[str, Any]) -> None:
    """A site that takes no comments through its pages lists the agency's ways on the
    banner for everyone, not only for readers without JavaScript."""
    banner = chosen["build"].html("drafts/fees/").select_one(".lt-banner")
    assert banner is not None and banner.find("noscript") is None
    links = [(a.get_text(), a["href"]) for a in banner.select(".lt-channels a")]
    assert links == [("By e-mail to comments@example.org", "mailto:comments@example.org")]
    assert "By post to 1 Example Street" in banner.get_text()


@pytest.mark.parametrize(
    ("channels", "message"),
    [
        ("write to us", "expected a list of ways to comment, e.g. {text: By e-mail"),
        ([{"text": "Mail us", "link": "javascript:alert(1)"}], "item 1 has link 'javascript:"),
        ([{"text": "Mail us", "link": "us@example.org"}], "write it as mailto:us@example.org"),
        (["By post", {"link": "mailto:a@example.org"}], "item 2 has no text"),
        ([{"text": "Mail", "url": "mailto:a@example.org"}], "item 1 has url; expected only text"),
    ],
)
def test_other_channels_are_checked(repo: Repo, channels: Any, message: str) -> None:
    """A wrong `other_channels` stops the build naming the option, the item and the fix."""
    yml = repo.root / "mkdocs.yml"
    config = yaml.safe_load(yml.read_text())
    config["plugins"][1]["lawtrail"]["other_channels"] = channels
    yml.write_text(yaml.safe_dump(config, sort_keys=False))
    built = repo.build()
    assert built.returncode != 0
    assert "other_channels" in built.output and message in built.output
