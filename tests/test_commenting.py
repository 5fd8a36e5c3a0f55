"""Commenting on the published page, in Debian's Chromium, against the real intake."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from intake.spool import Spool
from tests.conftest import Repo, draft
from tests.test_server import Server

BODY = """
## Chapter 1. General

### Article 1. Scope

1. This regulation applies to all operators of public transport.

### Article 2. Fees

1. The operator shall publish:
1) the tariff;
2) the schedule.

2. A reply is due within 15 working days of the request.
"""

# Numbers an eId writes otherwise: "3 bis" is art_3bis, the Cyrillic "б)" is point_b.
TRANSFERS = """
### Article 3 bis. Transfers

1. A transfer is allowed:
а) by ferry;
б) by rail.
"""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, str]]:
    """A built site and the intake served together by gunicorn on 127.0.0.1."""
    root = tmp_path_factory.mktemp("commenting")
    repo = Repo(root / "project")
    repo.take_comments()
    repo.git("add", "-A")
    repo.commit("Take comments")
    sha = repo.revise(
        "fees", draft(BODY, discussion={"opens": "2026-01-01", "closes": "2099-12-31"})
    )
    repo.revise(
        "transfers", draft(TRANSFERS, discussion={"opens": "2026-01-01", "closes": "2099-12-31"})
    )
    repo.revise("closed", draft(BODY, discussion={"opens": "2020-01-01", "closes": "2020-01-31"}))
    repo.revise("adopted", draft(BODY, stage="adopted"))
    built = repo.build()
    assert built.returncode == 0, built.output
    spool = root / "spool"
    server = Server(repo.root, spool, workers=2, LAWTRAIL_SITE_DIR=str(built.site))
    yield server.url, spool, sha
    server.kill()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def tab_to(page: Any, selector: str, presses: int = 20) -> None:
    """Press Tab (never set focus from script) until the element `selector` has focus."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"Tab never reached {selector}")


def test_comment_on_a_paragraph_with_the_keyboard_only(
    page: Any, served: tuple[str, Path, str]
) -> None:
    """Tab to the Comment buttons, Down to a paragraph's, fill the form by key presses
    alone (focus never set from script), get a tracking number."""
    url, spool, sha = served
    page.goto(url + "/drafts/fees/")
    page.wait_for_selector(".lt-text[data-lt-comments]")
    target = "() => document.activeElement.dataset.ltTarget"
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate(target):
            break
    else:
        pytest.fail("no Comment button was reached with Tab")
    for _ in range(10):
        if page.evaluate(target) == "art_2__para_2":
            break
        page.keyboard.press("ArrowDown")
    else:
        pytest.fail("the Comment button of Article 2(2) was not reached with Down")
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") == (
        "Comment on paragraph 2 of Article 2"
    )
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "lt-c-body"
    page.keyboard.type("Fifteen working days is too long.")
    tab_to(page, "#lt-c-name")
    page.keyboard.type("Ann Citizen")
    tab_to(page, "#lt-c-consent")
    page.keyboard.press("Space")
    tab_to(page, ".lt-form-submit")
    page.keyboard.press("Enter")
    tracking = page.wait_for_selector("strong.lt-tracking").inner_text()
    follow = page.locator(".lt-form-success__follow")
    assert follow.get_attribute("href") == f"{url}/track/?id={tracking}"
    stored = Spool(spool).get(tracking)
    assert stored is not None
    review = stored.to_data()
    assert review["revision"] == sha
    assert review["author"] == {"name": "Ann Citizen"}
    assert review["comments"][0]["target"] == {"eid": "art_2__para_2", "wid": "art_2__para_2"}
    assert review["comments"][0]["body"] == "Fifteen working days is too long."


def test_select_a_quote_and_comment_on_it(page: Any, served: tuple[str, Path, str]) -> None:
    """Selecting words offers to comment on exactly them; the review carries the quote."""
    url, spool, _ = served
    page.goto(url + "/drafts/fees/")
    page.wait_for_selector(".lt-text[data-lt-comments]")
    page.evaluate(
        """() => {
          const p = document.querySelector('#art_2__para_2 > p');
          const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
          let node;
          while ((node = walker.nextNode())) {
            const at = node.data.indexOf('15 working days');
            if (at >= 0) {
              const range = document.createRange();
              range.setStart(node, at);
              range.setEnd(node, at + '15 working days'.length);
              getSelection().removeAllRanges();
              getSelection().addRange(range);
              document.dispatchEvent(new Event('selectionchange'));
              return;
            }
          }
        }"""
    )
    offer = page.wait_for_selector("button.lt-quote-offer", state="visible")
    offer.click()
    assert page.input_value("#lt-c-quote") == "15 working days"
    assert page.locator(".lt-quote-match").inner_text() == "Found in Article 2, paragraph 2."
    page.fill("#lt-c-body", "Say 5 working days.")
    page.fill("#lt-c-suggestion", "5 working days")
    page.check("#lt-c-consent")
    page.click(".lt-form-submit")
    tracking = page.wait_for_selector("strong.lt-tracking").inner_text()
    comment = Spool(spool).get(tracking).to_data()["comments"][0]
    assert comment["target"]["eid"] == "art_2__para_2"
    assert comment["target"]["quote"]["exact"] == "15 working days"
    assert comment["target"]["quote"]["prefix"].endswith("due within ")
    assert comment["target"]["quote"]["suffix"].startswith(" of the request")
    assert comment["suggestion"] == "5 working days"


def test_typed_text_survives_a_network_failure_and_a_reload(
    page: Any, served: tuple[str, Path, str]
) -> None:
    """When the intake cannot be reached the reader is told, and nothing typed is lost."""
    url, _, _ = served
    page.goto(url + "/drafts/fees/")
    page.wait_for_selector(".lt-text[data-lt-comments]")
    nowhere = "http://127.0.0.1:1/api/v1"  # nothing listens on port 1
    page.evaluate(f"() => {{ document.querySelector('.lt-text').dataset.ltIntake = '{nowhere}'; }}")
    page.click('button.lt-cbtn[data-lt-target="art_1__para_1"]')
    page.fill("#lt-c-body", "Please include ferries.")
    page.check("#lt-c-consent")
    page.click(".lt-form-submit")
    status = page.wait_for_selector(".lt-form-status:has-text('Could not reach')")
    assert "Your text is kept." in status.inner_text()
    assert page.input_value("#lt-c-body") == "Please include ferries."
    page.reload()
    page.wait_for_selector(".lt-text[data-lt-comments]")
    page.click('button.lt-cbtn[data-lt-target="art_1__para_1"]')
    assert page.input_value("#lt-c-body") == "Please include ferries."


def test_closed_and_adopted_drafts_show_no_form(page: Any, served: tuple[str, Path, str]) -> None:
    """A closed window says so and offers no Comment button; an adopted draft has no widget."""
    url, _, _ = served
    page.goto(url + "/drafts/closed/")
    note = page.wait_for_selector(".lt-comment-note--after")
    assert "closed on January 31, 2020" in note.inner_text()
    assert note.query_selector("time").get_attribute("datetime") == "2020-01-31"
    assert page.locator("button.lt-cbtn").count() == 0
    page.goto(url + "/drafts/adopted/")
    assert page.locator(".lt-text[data-lt-intake]").count() == 0
    assert page.locator("button.lt-cbtn").count() == 0


def test_reading_with_javascript_off_shows_no_broken_form(
    browser: Any, served: tuple[str, Path, str]
) -> None:
    """Without JavaScript the text reads normally and no half-working form appears."""
    url, _, _ = served
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(url + "/drafts/fees/")
    assert "15 working days" in page.locator("#art_2__para_2").inner_text()
    assert page.locator("form.lt-form").count() == 0
    context.close()


def post_from_form(page: Any, url: str, target: str, fields: dict[str, str]) -> Any:
    """Open the draft at `url`, fill the form on element `target` (`fields` by input name),
    send it, and return the request the page made once the tracking number shows."""
    sent: list[Any] = []
    page.on("request", lambda r: sent.append(r) if r.method == "POST" else None)
    page.goto(url)
    page.wait_for_selector(".lt-text[data-lt-comments]")
    page.click(f'button.lt-cbtn[data-lt-target="{target}"]')
    for name, text in fields.items():
        page.fill(f"#lt-c-{name}", text)
    page.check("#lt-c-consent")
    page.click(".lt-form-submit")
    page.wait_for_selector("strong.lt-tracking")
    return sent[-1]


def test_the_page_posts_json_without_cookies(page: Any, served: tuple[str, Path, str]) -> None:
    """The widget sends exactly the contract's JSON, with no cookie and no unknown field."""
    url, _, sha = served
    fields = {"body": "Article-level comment.", "email": "ann@example.org"}
    request = post_from_form(page, url + "/drafts/fees/", "art_2", fields)
    assert "cookie" not in request.headers
    assert request.headers["content-type"].startswith("application/json")
    assert json.loads(request.post_data) == {
        "draft": "fees",
        "revision": sha,
        "contact": {"email": "ann@example.org"},
        "comments": [{"target": {"eid": "art_2"}, "body": "Article-level comment."}],
        "website": "",
    }


def test_text_pasted_with_invisible_hyphens_is_sent(
    page: Any, served: tuple[str, Path, str]
) -> None:
    """Soft hyphens and zero-width spaces that copied text carries never cost the reader a
    refusal: the widget sends the words as they look."""
    url, _, _ = served
    fields = {
        "body": "Pub\u00adlic con\u00adsul\u00adta\u200btion mat\ufeffters.",
        "name": "Ann\u2060 Citizen",
    }
    payload = json.loads(post_from_form(page, url + "/drafts/fees/", "art_2", fields).post_data)
    assert payload["comments"][0]["body"] == "Public consultation matters."
    assert payload["author"] == {"name": "Ann Citizen"}


def test_elements_are_named_by_the_labels_the_builder_wrote(
    page: Any, served: tuple[str, Path, str]
) -> None:
    """The button, the form and its quote line name an element by the labels the builder
    wrote into the page, with the numbers as written, never by parsing its eId."""
    url, _, _ = served
    page.goto(url + "/drafts/transfers/")
    page.wait_for_selector(".lt-text[data-lt-comments]")
    labels = json.loads(page.locator("#lt-labels").text_content())
    assert labels["art_3bis__para_1__point_b"]["label"] == "Article 3 bis, paragraph 1, point б"
    within = labels["art_3bis__para_1__point_b"]["within"]
    assert within == "point б of paragraph 1 of Article 3 bis"
    button = page.locator('button.lt-cbtn[data-lt-target="art_3bis__para_1__point_b"]')
    assert button.get_attribute("aria-label") == f"Comment on {within}"
    article = page.locator('button.lt-cbtn[data-lt-target="art_3bis"]')
    assert article.get_attribute("aria-label") == "Comment on Article 3 bis"
    button.click()
    assert page.locator(".lt-form-target__name").inner_text() == (
        "Article 3 bis, paragraph 1, point б"
    )
    assert page.locator(".lt-form-quote__remove").text_content() == (
        "Comment on the whole of point б instead"
    )
    # The limit the page states (data-lt-max-body) reaches the form's module.
    assert page.locator(".lt-counter").inner_text() == "5,000 characters left"


# The words the CSS Custom Highlight API marks in the text, or None.
MARKED = """() => {
  const mark = CSS.highlights.get('lt-quote');
  return mark && mark.size ? [...mark][0].toString() : null;
}"""


def test_type_a_quote_by_keyboard(page: Any, served: tuple[str, Path, str]) -> None:
    """Words typed into the quote field, in another case and spacing, are found in the
    element and marked there; the review carries the element's own words as the quote,
    with the words around them, as for selected words."""
    url, spool, _ = served
    page.goto(url + "/drafts/fees/#art_2__para_2")  # a link to the paragraph
    page.wait_for_selector(".lt-text[data-lt-comments]")
    focused = "() => document.activeElement.dataset.ltTarget || document.activeElement.id"
    for _ in range(100):
        page.keyboard.press("Tab")
        if page.evaluate(focused) == "art_2__para_2":
            break
    else:
        pytest.fail("Tab did not reach the Comment button of the paragraph linked to")
    page.keyboard.press("Enter")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(focused) == "lt-c-quote"
    page.keyboard.type("15 Working  days")
    match = page.wait_for_selector(".lt-quote-match--found")
    assert match.inner_text() == "Found in Article 2, paragraph 2."
    assert match.get_attribute("aria-live") == "polite"
    assert page.evaluate(MARKED) == "15 working days"
    page.keyboard.press("Tab")  # "Comment on the whole of paragraph 2 instead"
    page.keyboard.press("Tab")
    assert page.evaluate(focused) == "lt-c-body"
    page.keyboard.type("Say 5 working days.")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate(focused) == "lt-c-consent":
            break
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    tracking = page.wait_for_selector("strong.lt-tracking").inner_text()
    target = Spool(spool).get(tracking).to_data()["comments"][0]["target"]
    assert target["eid"] == "art_2__para_2"
    assert target["quote"]["exact"] == "15 working days"
    assert target["quote"]["prefix"].endswith("due within ")
    assert target["quote"]["suffix"].startswith(" of the request")
    assert page.evaluate(MARKED) is None


def test_type_a_quote_on_a_phone(browser: Any, served: tuple[str, Path, str]) -> None:
    """On a 360 px touch screen, tapping and typing words of a point quotes them on its
    paragraph, and the message names the point they are in."""
    url, spool, _ = served
    context = browser.new_context(viewport={"width": 360, "height": 740}, has_touch=True)
    page = context.new_page()
    page.goto(url + "/drafts/fees/")
    page.wait_for_selector(".lt-text[data-lt-comments]")
    page.locator('button.lt-cbtn[data-lt-target="art_2__para_1"]').tap()
    page.locator("#lt-c-quote").tap()
    page.keyboard.insert_text("The schedule")  # as a phone keyboard or a paste puts it in
    match = page.wait_for_selector(".lt-quote-match--found")
    assert match.inner_text() == "Found in Article 2, paragraph 1, point 2."
    assert page.evaluate(MARKED) == "the schedule"
    page.locator("#lt-c-body").tap()
    page.keyboard.insert_text("Publish it a month ahead.")
    page.locator("#lt-c-consent").tap()
    page.locator(".lt-form-submit").tap()
    tracking = page.wait_for_selector("strong.lt-tracking").inner_text()
    target = Spool(spool).get(tracking).to_data()["comments"][0]["target"]
    assert target["eid"] == "art_2__para_1"
    assert target["quote"]["exact"] == "the schedule"
    context.close()


def test_words_not_in_the_element_are_not_sent(page: Any, served: tuple[str, Path, str]) -> None:
    """Typed words the element does not hold are said to be missing, nothing is marked,
    and the comment is not sent until they are corrected or the field is emptied."""
    url, _, _ = served
    posts: list[Any] = []
    page.on("request", lambda r: posts.append(r) if r.method == "POST" else None)
    page.goto(url + "/drafts/fees/")
    page.wait_for_selector(".lt-text[data-lt-comments]")
    page.click('button.lt-cbtn[data-lt-target="art_1__para_1"]')
    page.fill("#lt-c-quote", "ferries and boats")
    match = page.wait_for_selector(".lt-quote-match--missing")
    assert match.inner_text().startswith("Not found in Article 1, paragraph 1.")
    assert page.evaluate(MARKED) is None
    page.fill("#lt-c-body", "Include ferries.")
    page.check("#lt-c-consent")
    page.click(".lt-form-submit")
    error = page.wait_for_selector("#lt-c-quote-error:visible")
    assert error.inner_text().startswith("These words do not occur in Article 1, paragraph 1.")
    assert page.get_attribute("#lt-c-quote", "aria-invalid") == "true"
    assert page.evaluate("() => document.activeElement.id") == "lt-c-quote"
    assert posts == []
    page.click(".lt-form-quote__remove")  # "Comment on the whole of paragraph 1 instead"
    assert page.input_value("#lt-c-quote") == ""
    page.click(".lt-form-submit")
    page.wait_for_selector("strong.lt-tracking")
    assert [json.loads(p.post_data)["comments"][0]["target"] for p in posts] == [
        {"eid": "art_1__para_1"}
    ]


@pytest.fixture(scope="module")
def refusing(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A site built while `fees` and `tolls` were open; `tolls` was then moved to stage
    revision, which the intake sees and the already published page does not."""
    root = tmp_path_factory.mktemp("refusing")
    repo = Repo(root / "project")
    repo.take_comments()
    window = {"opens": "2026-01-01", "closes": "2099-12-31"}
    repo.revise("fees", draft(BODY, discussion=window))
    repo.revise("tolls", draft(BODY, discussion=window))
    built = repo.build()
    assert built.returncode == 0, built.output
    repo.revise("tolls", draft(BODY, stage="revision", discussion=window), "Close early")
    return repo.root, built.site, root


def send_comment(page: Any, url: str, body: str) -> None:
    """Open the draft at `url`, comment on Article 1(1) and send."""
    page.goto(url)
    page.wait_for_selector(".lt-text[data-lt-comments]")
    page.click('button.lt-cbtn[data-lt-target="art_1__para_1"]')
    page.fill("#lt-c-body", body)
    page.check("#lt-c-consent")
    page.click(".lt-form-submit")


def test_a_discussion_closed_since_the_page_was_built_is_said_in_the_form(
    page: Any, refusing: tuple[Path, Path, Path]
) -> None:
    """The intake's 409 reaches the reader as the closed-discussion message, text kept."""
    repo, site, root = refusing
    server = Server(repo, root / "spool-409", workers=1, LAWTRAIL_SITE_DIR=str(site))
    try:
        send_comment(page, server.url + "/drafts/tolls/", "Still in time?")
        status = page.wait_for_selector(".lt-form-status--error")
        assert status.inner_text() == (
            "The discussion of this draft is closed; comments are no longer accepted."
        )
        assert page.input_value("#lt-c-body") == "Still in time?"
    finally:
        server.kill()


def test_too_many_comments_from_one_address_is_said_in_the_form(
    page: Any, refusing: tuple[Path, Path, Path]
) -> None:
    """Past the rate limit the intake's 429 reaches the reader as a wait-and-resend message,
    the text kept."""
    repo, site, root = refusing
    server = Server(
        repo,
        root / "spool-429",
        workers=1,
        LAWTRAIL_SITE_DIR=str(site),
        LAWTRAIL_RATE_LIMIT="1 per day",
    )
    try:
        send_comment(page, server.url + "/drafts/fees/", "The first one.")
        page.wait_for_selector("strong.lt-tracking")
        send_comment(page, server.url + "/drafts/fees/", "The second one.")
        status = page.wait_for_selector(".lt-form-status--error")
        assert status.inner_text().startswith(
            "Too many comments from your connection just now. Please wait a few minutes "
            "and send again."
        )
        assert "Your text is kept." in status.inner_text()
        assert page.input_value("#lt-c-body") == "The second one."
    finally:
        server.kill()
