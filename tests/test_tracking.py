"""Following a comment by its tracking number, on real parts: a real build served with the
intake by gunicorn, Debian's Chromium, and moderation with the installed `lawtrail`."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from intake import create_app
from intake.settings import StartupError
from tests.conftest import Build, Repo, draft
from tests.test_commenting import BODY
from tests.test_openapi import _json_schema, status_tables
from tests.test_server import Server

WINDOW = {"opens": "2026-01-01", "closes": "2099-12-31"}
LAWTRAIL = Path(sys.executable).parent / "lawtrail"  # the command moderators run


class Site:
    """The built site and the intake under gunicorn, and the project they serve."""

    def __init__(self, repo: Repo, server: Server, spool: Path, sha: str) -> None:
        self.repo = repo
        self.server = server
        self.url = server.url
        self.spool = spool
        self.sha = sha

    def lawtrail(self, *args: str) -> str:
        """Run the installed `lawtrail` in the project, as a moderator would."""
        done = subprocess.run(
            [str(LAWTRAIL), "--spool", str(self.spool), *args],
            cwd=self.repo.root,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    def submit(self, body: str, eid: str = "art_1__para_1") -> str:
        """Send a review through the API; its tracking number."""
        payload = {
            "draft": "fees",
            "revision": self.sha,
            "comments": [{"target": {"eid": eid}, "body": body}],
        }
        request = urllib.request.Request(
            self.url + "/api/v1/reviews",
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            review_id: str = json.loads(answer.read())["id"]
        return review_id

    def status(self, review_id: str) -> dict[str, Any]:
        with urllib.request.urlopen(f"{self.url}/api/v1/reviews/{review_id}") as answer:
            found: dict[str, Any] = json.loads(answer.read())
        return found

    def rebuild(self) -> None:
        built = self.repo.build()  # into the folder gunicorn serves
        assert built.returncode == 0, built.output


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("tracking")
    repo = Repo(root / "project")
    # The configured site_url names port 8000, as the sample's default does; the server runs on
    # another port, which status answers must follow.
    repo.take_comments("site_url: http://127.0.0.1:8000/\n")
    repo.git("add", "-A")
    repo.commit("Take comments")
    sha = repo.revise("fees", draft(BODY, discussion=WINDOW))
    built = repo.build()
    assert built.returncode == 0, built.output
    spool = root / "spool"
    server = Server(repo.root, spool, workers=2, LAWTRAIL_SITE_DIR=str(built.site))
    yield Site(repo, server, spool, sha)
    server.kill()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 360, "height": 740})
    yield context.new_page()
    context.close()


def result(page: Any) -> str:
    """The answer the tracking page shows, once it shows one."""
    found: str = page.wait_for_selector(".lt-track__result:not([hidden])").inner_text()
    return found


def test_follow_a_comment_from_received_to_published_with_its_answer(page: Any, site: Site) -> None:
    """ "Follow your comment" opens the tracking page, which says the comment waits for
    moderation; once merged, answered and built, it says published, links to the comment
    and shows the answer."""
    page.goto(site.url + "/drafts/fees/")
    page.wait_for_selector(".lt-text[data-lt-comments]")
    page.click('button.lt-cbtn[data-lt-target="art_2__para_2"]')
    page.fill("#lt-c-body", "Fifteen working days is too long.")
    page.check("#lt-c-consent")
    page.click(".lt-form-submit")
    tracking = page.wait_for_selector("strong.lt-tracking").inner_text()
    page.click(".lt-form-success__follow")
    assert page.url == f"{site.url}/track/?id={tracking}"
    shown = result(page)
    assert "Received: waiting for moderation" in shown
    assert "What happens next: a moderator reads every comment" in shown
    assert "Regulation on Test Matters" in shown
    assert page.input_value("#lt-track-id") == tracking

    site.lawtrail("reviews", "merge", tracking, "--by", "Mo Derator")
    answer = "We shortened it to 10 working days in Article 2."
    site.lawtrail("respond", f"{tracking}-1", "--disposition", "accepted", "--text", answer)
    site.rebuild()
    page.reload()
    shown = result(page)
    assert shown.startswith("Published")
    assert "Article 2, paragraph 2" in shown
    assert answer in shown
    assert page.locator(".lt-track__comment .lt-disposition").text_content() == "Accepted"
    link = page.get_by_role("link", name="Read your comment and its answer")
    expected = f"{site.url}/drafts/fees/reviews/{tracking}/#comment-{tracking}-1"
    assert link.get_attribute("href") == expected
    link.click()
    comment = page.locator(f"#comment-{tracking}-1")
    assert "Fifteen working days is too long." in comment.inner_text()
    assert answer in comment.inner_text()


def test_a_rejected_comment_says_not_published_and_why(page: Any, site: Site) -> None:
    """Typed in by keyboard, a rejected review's number gets "not published" and the
    moderators' public reason; focus moves to the answer."""
    review_id = site.submit("Buy cheap tickets here.")
    site.lawtrail("reviews", "reject", review_id, "--reason", "advertising")
    page.goto(site.url + "/track/")
    page.get_by_label("Tracking number").focus()
    page.keyboard.type(f" {review_id.upper()} ")
    page.keyboard.press("Enter")
    shown = result(page)
    assert shown.startswith("Not published")
    assert "The reason given: advertising." in shown
    assert page.evaluate("() => document.activeElement.id") == "lt-track-heading"
    assert page.url == f"{site.url}/track/?id={review_id}"


def test_an_unknown_number_is_named_at_the_field(page: Any, site: Site) -> None:
    """A number no review has is said so under the field, which is marked invalid."""
    page.goto(site.url + "/track/#20260101-0000000000")
    error = page.wait_for_selector("#lt-track-error:not([hidden])").inner_text()
    assert error == (
        "There is no comment with the tracking number 20260101-0000000000. "
        "Check the number and try again."
    )
    assert page.get_attribute("#lt-track-id", "aria-invalid") == "true"


def test_an_unbuilt_review_address_is_the_tracking_page(page: Any, site: Site) -> None:
    """Before the site is rebuilt, a review's address answers 200 with the tracking page,
    which reads the number from the address: pending, then published."""
    review_id = site.submit("Say which operators.")
    address = f"{site.url}/drafts/fees/reviews/{review_id}/"
    with urllib.request.urlopen(address) as answer:
        assert answer.status == 200
        assert b"lt-track" in answer.read()
    page.goto(address)
    assert "Received: waiting for moderation" in result(page)
    site.lawtrail("reviews", "merge", review_id, "--by", "Mo Derator")
    page.goto(address.rstrip("/"))  # as typed: redirected to the folder's address
    assert page.url == address
    shown = result(page)
    assert shown.startswith("Published")
    assert "Its page is not on the site yet" in shown
    assert page.input_value("#lt-track-id") == review_id
    leads = page.eval_on_selector_all(
        ".lt-track__result a", "links => links.map(a => a.href.split('#')[0])"
    )
    assert leads and address not in leads, "no link leads back to this very page"


def test_a_missing_page_is_the_sites_own_404(site: Site) -> None:
    """Any other missing address gets the built 404.html with status 404; the API keeps
    its JSON errors."""
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(site.url + "/drafts/no-such-draft/")
    assert missing.value.code == 404
    assert missing.value.read() == (site.repo.root / "site" / "404.html").read_bytes()
    with pytest.raises(urllib.error.HTTPError) as api:
        urllib.request.urlopen(site.url + "/api/v1/no-such-route")
    assert api.value.code == 404
    assert json.loads(api.value.read())["error"]["code"] == "not_found"


def test_status_answers_link_to_the_port_in_use_and_match_the_schema(site: Site) -> None:
    """The status url is on the address the request came to, not mkdocs.yml's port 8000;
    each status's answer is one the OpenAPI document and docs/api.md describe."""
    merged = site.submit("Name the regulator.")
    site.lawtrail("reviews", "merge", merged, "--by", "Mo Derator")
    rejected = site.submit("Spam, spam, spam.")
    site.lawtrail("reviews", "reject", rejected, "--reason", "spam")
    pending = site.submit("Still thinking.")
    answers = {key: site.status(key) for key in (merged, rejected, pending)}
    assert answers[merged]["url"] == f"{site.url}/drafts/fees/reviews/{merged}/"
    assert answers[merged]["comments"][0]["url"].startswith(site.url + "/")
    assert [a["status"] for a in answers.values()] == ["merged", "rejected", "pending"]
    assert answers[rejected]["reason"] == "spam"
    schema = _json_schema({"$ref": "#/components/schemas/ReviewStatus"})
    _, documented = status_tables()
    for body in answers.values():
        jsonschema.validate(body, schema)
        assert [key for key in body if documented[key] not in ("all", body["status"])] == []


def test_the_site_url_setting_and_trusted_proxies_name_the_address(
    site: Site, tmp_path: Path
) -> None:
    """LAWTRAIL_SITE_URL wins; otherwise X-Forwarded-Host and -Proto count only behind
    LAWTRAIL_PROXIES, never from a client that sends them directly."""
    review_id = site.submit("Forwarded?")
    site.lawtrail("reviews", "merge", review_id, "--by", "Mo Derator")
    base = {"REPO": str(site.repo.root), "SPOOL_DIR": str(tmp_path), "REFRESH_SECONDS": 0}
    forwarded = {"X-Forwarded-Host": "drafts.example.org", "X-Forwarded-Proto": "https"}
    path = f"/drafts/fees/reviews/{review_id}/"

    def url(**config: Any) -> str:
        client = create_app({**base, **config}).test_client()
        answer = client.get(f"/api/v1/reviews/{review_id}", headers=forwarded)
        found: str = answer.get_json()["url"]
        return found

    assert url() == "http://localhost" + path
    assert url(PROXIES=1) == "https://drafts.example.org" + path
    assert url(SITE_URL="https://consult.example.kz/drafts-site/") == (
        "https://consult.example.kz/drafts-site" + path
    )
    with pytest.raises(StartupError, match=r"LAWTRAIL_SITE_URL: 'consult\.example\.kz'"):
        create_app({**base, "SITE_URL": "consult.example.kz"})


def test_without_javascript_the_page_says_what_works_instead(browser: Any, site: Site) -> None:
    """With JavaScript off the form is not offered; the page says it needs JavaScript and
    lists each draft's comments page, where published comments carry their numbers."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site.url + "/track/")
    assert not page.locator(".lt-track__form").is_visible()
    note = page.locator(".lt-track__noscript").inner_text()
    assert note.startswith("The tracking form needs JavaScript")
    assert "the agency that drafted it can tell you which" in note
    drafts = page.locator(".lt-track__drafts a")
    assert drafts.inner_text() == "Regulation on Test Matters"
    assert drafts.get_attribute("href") == "../drafts/fees/comments/"
    context.close()


def test_the_tracking_page_is_in_the_nav_and_linked_from_every_form(site: Site) -> None:
    """The nav leads to /track/ from every page; a draft's comment form links there too."""
    built = Build(0, "", site.repo.root / "site")
    nav = built.html("drafts/fees/").select(".md-nav--primary a")
    assert ("Follow a comment", "../../track/") in [
        (a.get_text(strip=True), a["href"]) for a in nav
    ]
    form = (built.site / "drafts" / "fees" / "index.html").read_text("utf-8")
    assert '<a class="lt-form-success__follow" href="../../track/">' in form
