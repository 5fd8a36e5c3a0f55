"""A draft deleted from the repository keeps its public record; added again, it continues."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from intake import create_app
from tests.conftest import Build, Repo, draft

BODY = """
### Article 1. Scope

1. This act applies to every well in the country.

### Article 2. Fees

1. A licence costs 100 units a year.
"""
OPEN = {"opens": "2026-01-01", "closes": "2099-12-31"}
REVIEW_ID = "20260104-abcdefghjk"


def with_intake(repo: Repo) -> Repo:
    """The project's site with the comment widget switched on."""
    repo.take_comments()
    return repo


def write_review(repo: Repo, sha: str) -> None:
    """A merged review of the draft, as moderation commits it."""
    review = {
        "id": REVIEW_ID,
        "draft": "wells",
        "revision": sha,
        "submitted": "2026-01-04T10:00:00Z",
        "author": {"name": "Ann Citizen"},
        "comments": [
            {
                "id": f"{REVIEW_ID}-1",
                "target": {"eid": "art_2__para_1", "wid": "art_2__para_1"},
                "body": "The fee is too high for small farms.",
                "response": {
                    "disposition": "noted",
                    "text": "We will look at the fee.",
                    "by": "Ministry of Tests",
                    "date": "2026-01-05",
                },
            }
        ],
        "moderation": {"status": "merged", "by": "Mo Derator", "date": "2026-01-05"},
    }
    path = repo.root / "drafts" / "wells" / "reviews" / f"{REVIEW_ID}.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(review, allow_unicode=True, sort_keys=False))
    repo.git("add", "-A")
    repo.commit(f"Merge review {REVIEW_ID}")


@pytest.fixture(scope="module")
def removed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Repo, list[str], Build]:
    """A draft in discussion, revised, commented on, then removed in its last commit."""
    repo = with_intake(Repo(tmp_path_factory.mktemp("removed") / "project"))
    shas = [
        repo.revise("wells", draft(BODY, title="Wells Act", discussion=OPEN), "Open discussion"),
        repo.revise(
            "wells",
            draft(BODY.replace("100 units", "80 units"), title="Wells Act", discussion=OPEN),
            "Lower the fee",
        ),
    ]
    write_review(repo, shas[1])
    repo.revise("kept", draft(BODY, title="Kept Act", discussion=OPEN), "Another draft")
    repo.git("rm", "-q", "drafts/wells/draft.md")
    shas.append(repo.commit("Repeal the Wells Act"))
    built = repo.build()
    assert built.returncode == 0, built.output
    return repo, shas, built


def test_a_removed_draft_keeps_every_revision_and_redline(
    removed: tuple[Repo, list[str], Build],
) -> None:
    """Each revision page and the redline between them stay published after the deletion."""
    _, shas, built = removed
    for sha in shas[:2]:
        page = built.html(f"drafts/wells/rev/{sha[:10]}/")
        assert "Article 2" in page.get_text()
    redline = built.html(f"drafts/wells/compare/{shas[0][:10]}..{shas[1][:10]}/")
    assert [d.get_text() for d in redline.select(".lt-text del, .lt-rl del")] == ["100"]
    assert [i.get_text() for i in redline.select(".lt-rl ins")] == ["80"]


def test_the_draft_page_says_when_and_by_which_commit_it_was_removed(
    removed: tuple[Repo, list[str], Build],
) -> None:
    """Banner and timeline name the date and the commit of the removal; no comment form."""
    _, shas, built = removed
    page = built.html("drafts/wells/")
    banner = page.select_one(".lt-banner").get_text(" ", strip=True)
    assert "Removed from the repository" in banner
    assert shas[2][:10] in banner and "Repeal the Wells Act" in banner
    assert "January 7, 2026" in banner  # the day of the removal commit
    assert page.select_one(".lt-banner time")["datetime"] == "2026-01-07"
    events = page.select(".lt-timeline__events > li")
    assert "lt-event--removal" in events[-1]["class"]
    assert shas[2][:10] in events[-1].get_text()
    assert page.select("[data-lt-intake]") == []
    assert built.html("drafts/kept/").select("[data-lt-intake]")  # the widget is on
    assert "80 units" in page.select_one(".lt-text").get_text()  # the last text, as it was


def test_a_removed_draft_leaves_the_discussion_lists(
    removed: tuple[Repo, list[str], Build],
) -> None:
    """It is listed as removed, never as in discussion."""
    _, _, built = removed
    discussion = [a.get_text() for a in built.html("stage/discussion/").select(".lt-card a")]
    assert "Kept Act" in discussion and "Wells Act" not in discussion
    listed = [a.get_text() for a in built.html("stage/removed/").select(".lt-card__title a")]
    assert listed == ["Wells Act"]


def test_reviews_and_answers_of_a_removed_draft_stay_published(
    removed: tuple[Repo, list[str], Build],
) -> None:
    """The comments page and the review page still show the comment and its answer."""
    _, _, built = removed
    comments = built.html("drafts/wells/comments/").get_text()
    assert "too high for small farms" in comments and "We will look at the fee." in comments
    assert "too high" in built.html(f"drafts/wells/reviews/{REVIEW_ID}/").get_text()


def test_the_intake_refuses_comments_on_a_removed_draft(
    removed: tuple[Repo, list[str], Build], tmp_path: Path
) -> None:
    """A POST on a removed draft gets 409 draft_removed; its status says not open."""
    repo, shas, _ = removed
    app = create_app(
        {"REPO": str(repo.root), "SPOOL_DIR": str(tmp_path / "spool"), "REFRESH_SECONDS": 0}
    )
    client = app.test_client()
    assert client.get("/api/v1/drafts/wells").get_json()["open"] is False
    body = {
        "draft": "wells",
        "revision": shas[1],
        "comments": [{"target": {"eid": "art_1__para_1"}, "body": "Please keep it."}],
    }
    response = client.post(
        "/api/v1/reviews", data=json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "draft_removed"


def test_a_draft_added_again_continues_its_history(tmp_path: Path) -> None:
    """Re-adding the slug continues the same revisions, with the removal as one step."""
    repo = with_intake(Repo(tmp_path / "project"))
    first = repo.revise("wells", draft(BODY, title="Wells Act", discussion=OPEN), "Open")
    repo.git("rm", "-q", "drafts/wells/draft.md")
    removal = repo.commit("Withdraw for rework")
    again = repo.revise(
        "wells",
        draft(BODY.replace("every well", "every deep well"), title="Wells Act", discussion=OPEN),
        "Reintroduce",
    )
    built = repo.build()
    assert built.returncode == 0, built.output
    page = built.html("drafts/wells/")
    assert "Removed from the repository" not in page.select_one(".lt-banner").get_text()
    events = [
        (li["class"][-1], li.get_text(" ", strip=True))
        for li in page.select(".lt-timeline__events > li")
    ]
    kinds = [kind for kind, _ in events]
    assert kinds.index("lt-event--removal") == kinds.index("lt-event--revision") + 1
    assert removal[:10] in events[kinds.index("lt-event--removal")][1]
    revisions = [text for kind, text in events if kind == "lt-event--revision"]
    assert [r.split(" ")[3:5] for r in revisions] == [["Revision", "1"], ["Revision", "2"]]
    redline = built.html(f"drafts/wells/compare/{first[:10]}..{again[:10]}/")
    assert [i.get_text() for i in redline.select(".lt-rl ins")] == ["deep "]
    assert page.select("[data-lt-intake]")  # open for comments again


def test_a_draft_committed_broken_is_named_as_it_is_not_as_removed(repo: Repo) -> None:
    """A draft still in its folder whose committed text is broken fails the build with its
    own error, once; it is not mistaken for a removed draft published from history."""
    repo.revise("wells", draft(BODY, stage="dicussion"))
    built = repo.build()
    assert built.returncode != 0
    assert "'dicussion'" in built.output
    assert "removed draft" not in built.output
    assert built.output.count("'dicussion'") == 1, built.output
