"""The whole loop on real parts: submit through the API, merge and answer with the
`lawtrail` command, revise the draft, rebuild, and read the public record."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from intake import create_app
from tests.conftest import Build, Repo, draft
from tests.test_record import REV1, REV2

WINDOW = {"opens": "2026-01-01", "closes": "2099-12-31"}
EMAILS = ("ann.private@example.org", "bo.secret@example.net")


def lawtrail(repo: Repo, spool: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the `lawtrail` command as a moderator would."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "intake.cli",
            "--repo",
            str(repo.root),
            "--spool",
            str(spool),
            *args,
        ],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )


def submit(client: FlaskClient, sha: str, eid: str, body: str, **extra: Any) -> str:
    comment: dict[str, Any] = {"target": {"eid": eid, **extra.pop("target", {})}, "body": body}
    payload = {"draft": "fees", "revision": sha, "comments": [comment], **extra}
    answer = client.post(
        "/api/v1/reviews", data=json.dumps(payload), content_type="application/json"
    )
    assert answer.status_code == 201, answer.get_json()
    review_id: str = answer.get_json()["id"]
    return review_id


@pytest.fixture(scope="module")
def cycle(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("cycle")
    repo = Repo(root / "project")
    spool = root / "spool"
    first = repo.revise("fees", draft(REV1, discussion=WINDOW), "Open discussion")
    app = create_app({"REPO": str(repo.root), "SPOOL_DIR": str(spool), "REFRESH_SECONDS": 0})
    client = app.test_client()
    quote = {"quote": {"exact": "15 working days", "prefix": "due within ", "suffix": " of"}}
    ids = {
        "moved": submit(
            client, first, "art_2__para_2", "Too slow.", target=quote, contact={"email": EMAILS[0]}
        ),
        "outdated": submit(
            client,
            first,
            "art_2__para_1",
            "Online only?",
            target={"quote": {"exact": "publish the tariff online"}},
            contact={"email": EMAILS[1]},
        ),
        "orphaned": submit(client, first, "art_2__para_3", "Which regulator?"),
        "current": submit(client, first, "art_1__para_1", "Fine.", author={"name": "Ann"}),
        "spam": submit(client, first, "art_1", "Buy pills."),
    }
    merge = lawtrail(
        repo, spool, "reviews", "merge", *(ids[k] for k in ids if k != "spam"), "--by", "Mo Derator"
    )
    assert merge.returncode == 0, merge.stderr
    reject = lawtrail(repo, spool, "reviews", "reject", ids["spam"], "--reason", "spam")
    assert reject.returncode == 0, reject.stderr
    second = repo.revise("fees", draft(REV2, discussion=WINDOW), "Revise after comments")
    answer = lawtrail(
        repo,
        spool,
        "respond",
        f"{ids['moved']}-1",
        "--disposition",
        "partly-accepted",
        "--text",
        "Kept at 15 days.",
        "--addressed-in",
        second,
    )
    assert answer.returncode == 0, answer.stderr
    built = repo.build()
    assert built.returncode == 0, built.output
    return {"repo": repo, "ids": ids, "built": built, "client": client, "second": second}


def test_every_reanchoring_status_appears_after_the_revision(cycle: dict[str, Any]) -> None:
    """Moved, outdated, orphaned and current comments are marked so on the record."""
    built: Build = cycle["built"]
    rows = built.html("drafts/fees/comments/").select(".lt-proposals tbody tr")
    status = {
        row.select_one("a.lt-more")["href"].split("#comment-")[1].rsplit("-", 1)[0]: row.select_one(
            ".lt-anchor"
        ).text
        for row in rows
    }
    ids = cycle["ids"]
    assert status == {
        ids["moved"]: "Moved with its text",
        ids["outdated"]: "Outdated: the text has changed",
        ids["orphaned"]: "Orphaned: the text is gone",
        ids["current"]: "On the current text",
    }


def test_the_answer_and_the_revision_that_acted_are_public(cycle: dict[str, Any]) -> None:
    """The drafter's answer shows with its disposition and a link to the revision."""
    built: Build = cycle["built"]
    page = built.html(f"drafts/fees/reviews/{cycle['ids']['moved']}/")
    answer = page.select_one(".lt-answer")
    assert "Partly accepted" in answer.text and "Kept at 15 days." in answer.text
    assert answer.a["href"].endswith(f"rev/{cycle['second'][:10]}/")


def test_the_rejected_review_is_only_a_count(cycle: dict[str, Any]) -> None:
    """A rejected review's text appears nowhere; the record says how many and why."""
    built: Build = cycle["built"]
    page = built.html("drafts/fees/comments/")
    assert "1 review (spam)" in page.text
    assert "Buy pills" not in "".join(p.read_text() for p in built.site.rglob("*.html"))


def test_the_status_api_follows_the_review(cycle: dict[str, Any]) -> None:
    """The tracking number answers merged, with the review's page; rejected says so."""
    client: FlaskClient = cycle["client"]
    merged = client.get(f"/api/v1/reviews/{cycle['ids']['moved']}").get_json()
    assert merged["status"] == "merged"
    assert merged["url"].endswith(f"/drafts/fees/reviews/{cycle['ids']['moved']}/")
    rejected = client.get(f"/api/v1/reviews/{cycle['ids']['spam']}").get_json()
    assert rejected["status"] == "rejected"


def test_contact_emails_are_nowhere_in_git_or_the_site(cycle: dict[str, Any]) -> None:
    """Addresses given for follow-up never reach any commit or any published file."""
    repo: Repo = cycle["repo"]
    built: Build = cycle["built"]
    history = repo.git("log", "--all", "-p", "--format=%H %an %ae %s%n%b")
    published = b"".join(p.read_bytes() for p in built.site.rglob("*") if p.is_file())
    for email in EMAILS:
        assert email not in history
        assert email.encode() not in published
