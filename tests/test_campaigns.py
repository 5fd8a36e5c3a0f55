"""A campaign answered once: duplicate groups listed, merged as one file and one commit,
answered with one commit, and shown as one row, driven through `lawtrail` on a real git
repository and spool, with the site read from a real `mkdocs build`."""

from __future__ import annotations

import datetime as dt
import signal
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from intake import create_app
from intake.spool import Spool
from site_builder import campaigns
from site_builder.reviews import Author, Comment, Review, Target, comment_id, new_review_id
from tests.conftest import Build
from tests.test_cli import RECEIVED, Project, make_project, ok
from tests.test_crash import api_status, run

CAMPAIGN = "Stop the new fees!"


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """The draft `fees` in discussion, and an empty spool (as in test_cli)."""
    return make_project(tmp_path)


def flood(project: Project, count: int, authors: list[str | None]) -> list[str]:
    """`count` copies of the campaign saved through the real spool by 8 threads, as the
    intake's workers would, a second apart, authors taken in turn; their ids in order."""
    spool = Spool(project.spool_dir)

    def save(n: int) -> str:
        moment = RECEIVED + dt.timedelta(seconds=n)
        review_id = new_review_id(moment)
        body = CAMPAIGN if n % 2 else "  stop the NEW fees!\u200b "  # copies vary a little
        target = Target("art_1__para_1", "art_1__para_1")
        name = authors[n % len(authors)]
        review = Review(
            review_id,
            "fees",
            project.revision,
            moment,
            (Comment(comment_id(review_id, 1), target, body),),
            Author(name) if name else None,
        )
        spool.save(review, {"email": f"voter{n}@example.org"})
        return review_id

    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(save, range(count)))


def group_of(project: Project) -> str:
    """The group id of the campaign, as `lawtrail reviews list` shows it."""
    lines = ok(project.lawtrail("reviews", "list")).splitlines()
    campaign = [line for line in lines[1:] if "top the new fees!" in line.casefold()]
    assert len(campaign) == 1, lines
    return campaign[0].split()[0]


def build(project: Project) -> Build:
    """A real `mkdocs build` of the project."""
    built = project.repo.build()
    assert built.returncode == 0, built.output
    return built


def test_respond_to_a_group_answers_every_copy_in_one_commit(project: Project) -> None:
    """Copies merged one by one are answered together: one commit, the same answer in each."""
    copies = flood(project, 3, ["Ann", "Bek", None])
    single = project.submit("A thoughtful remark on Article 1.")
    group = group_of(project)
    ok(project.lawtrail("reviews", "merge", *copies, single))
    head = project.repo.git("rev-parse", "HEAD")
    out = ok(
        project.lawtrail(
            "respond", group, "--disposition", "rejected", "--text", "The fees stay.",
            "--by", "Dan Drafter",
        )
    )  # fmt: skip
    assert out.startswith(f"Answered group {group} (3 comments in 3 files): rejected (")
    assert project.repo.git("rev-list", "--count", f"{head}..HEAD") == "1"
    changed = [
        x for x in project.repo.git("show", "--name-only", "--format=%s", "HEAD").splitlines() if x
    ]
    assert changed[0] == f"Answer group {group} (3 comments): rejected"
    assert sorted(filter(None, changed[1:])) == sorted(
        f"drafts/fees/reviews/{i}.yml" for i in copies
    )
    for review_id in copies:
        response = project.merged(review_id)["comments"][0]["response"]
        assert (response["disposition"], response["text"]) == ("rejected", "The fees stay.")
    assert "response" not in project.merged(single)["comments"][0]
    # A second answer to the group is refused like any other, and names the way out.
    again = project.lawtrail("respond", group, "--disposition", "noted", "--text", "Hm.")
    assert again.exit_code == 1 and "--amend" in again.output and "--reason" in again.output


def test_a_late_copy_is_answered_as_the_group_was(project: Project) -> None:
    """Answering the group again with the same answer answers only the copies without one."""
    copies = flood(project, 2, ["Ann"])
    group = group_of(project)
    ok(project.lawtrail("reviews", "merge", "--group", group))
    answer = ["--disposition", "rejected", "--text", "The fees stay."]
    ok(project.lawtrail("respond", group, *answer))
    late = project.submit(CAMPAIGN, author="Cem")
    ok(project.lawtrail("reviews", "merge", late))
    head = project.repo.git("rev-parse", "HEAD")
    ok(project.lawtrail("respond", group, *answer))
    changed = project.repo.git("show", "--name-only", "--format=", "HEAD").splitlines()
    assert changed == [f"drafts/fees/reviews/{late}.yml"]
    assert project.repo.git("rev-list", "--count", f"{head}..HEAD") == "1"
    again = project.lawtrail("respond", group, *answer)
    assert again.exit_code == 1 and "already has this answer" in again.output
    assert project.merged(copies[0])["copies"]["count"] == 2


def test_the_comments_page_shows_a_campaign_as_one_row(project: Project) -> None:
    """One row with the count, opening (without JavaScript) onto the distinct authors."""
    copies = flood(project, 4, ["Ann", "Bek", None, "Ann"])
    single = project.submit("A thoughtful remark on Article 1.", author="Dana")
    ok(project.lawtrail("reviews", "merge", *copies, single))
    group = campaigns.group_of("fees", [CAMPAIGN])  # the group id is computed, never stored
    ok(project.lawtrail("respond", group, "--disposition", "noted", "--text", "Noted."))
    built = build(project)
    page = built.html("drafts/fees/comments/")
    rows = page.select(".lt-proposals tbody tr")
    assert len(rows) == 2
    campaign = next(row for row in rows if row.select_one("details.lt-copies"))
    details = campaign.select_one("details.lt-copies")
    assert details.summary.text.startswith("4 identical copies")
    assert [li.text for li in details.select("li")] == ["Ann", "Bek", "1 without a name"]
    assert "Noted." in campaign("td")[5].text
    other = next(row for row in rows if row is not campaign)
    assert other("td")[4].text == "Dana"
    assert [dd.text for dd in page.select(".lt-figures dd")][:2] == ["5", "4 (80%)"]
    thread = built.html("drafts/fees/").find(id="art_1__para_1").select_one("details.lt-thread")
    assert thread.summary.text == "5 comments"
    assert len(thread.select("li")) == 2


def test_merge_group_makes_one_file_and_one_commit(project: Project) -> None:
    """A few hundred copies merge as one review file that counts them, in one commit; every
    copy is then merged in the spool and in the status API, and the group answers once."""
    authors = [f"Voter {n}" for n in range(40)] + [None]
    copies = flood(project, 300, authors)
    single = project.submit("A thoughtful remark on Article 1.")
    group = group_of(project)
    head = project.repo.git("rev-parse", "HEAD")
    out = ok(project.lawtrail("reviews", "merge", "--group", group, "--by", "Mona Moderator"))
    first = copies[0]
    assert out.startswith(f"Merged group {group}: 300 copies as review {first} (")
    assert project.repo.git("rev-list", "--count", f"{head}..HEAD") == "1"
    changed = [
        x for x in project.repo.git("show", "--name-only", "--format=%s", "HEAD").splitlines() if x
    ]
    assert changed == [
        f"Merge group {group} on fees: 300 copies as review {first} (1 comment)",
        f"drafts/fees/reviews/{first}.yml",
    ]
    data = project.merged(first)
    assert data["copies"] == {
        "count": 300,
        "first": "2026-01-15T10:00:00Z",
        "last": "2026-01-15T10:04:59Z",
        "authors": [{"name": f"Voter {n}"} for n in range(40)],
        "anonymous": 300 // 41 + (1 if 300 % 41 > 40 else 0),
        "reviews": copies,
    }
    assert "author" not in data and data["moderation"]["by"] == "Mona Moderator"
    text = (project.repo.root / "drafts" / "fees" / "reviews" / f"{first}.yml").read_text()
    assert "@example.org" not in text

    listed = ok(project.lawtrail("reviews", "list")).splitlines()
    assert single in listed[1] and listed[2] == "1 pending review(s) in 1 group(s)."
    shown = ok(project.lawtrail("reviews", "show", copies[7])).splitlines()[0]
    assert shown == f"# merged with its copies as review {first} by Mona Moderator on " + str(
        data["moderation"]["date"]
    )
    spool = Spool(project.spool_dir)
    decisions = [spool.decision(i) for i in copies]
    assert all(d and d.decision.status == "merged" and d.into == first for d in decisions)
    app = create_app(
        {"REPO": str(project.repo.root), "SPOOL_DIR": str(project.spool_dir), "REFRESH_SECONDS": 0}
    )
    status = app.test_client().get(f"/api/v1/reviews/{copies[-1]}").get_json()
    assert status["status"] == "merged" and status["url"].endswith(f"/reviews/{first}/")

    ok(project.lawtrail("respond", group, "--disposition", "rejected", "--text", "They stay."))
    changed = project.repo.git("show", "--name-only", "--format=", "HEAD").splitlines()
    assert changed == [f"drafts/fees/reviews/{first}.yml"]
    built = build(project)
    page = built.html("drafts/fees/comments/")
    row = page.select(".lt-proposals tbody tr")[0]
    assert row.select_one("details.lt-copies summary").text == "300 identical copies"
    assert len(row.select("details.lt-copies li")) == 41
    assert [dd.text for dd in page.select(".lt-figures dd")][:2] == ["300", "300 (100%)"]
    review_page = built.html(f"drafts/fees/reviews/{first}/")
    summary = review_page.select_one(".lt-copies__summary").text
    assert " ".join(summary.split()) == (
        "This review stands for 300 identical copies, answered once. "
        "First submitted 2026-01-15T10:00:00Z, last submitted 2026-01-15T10:04:59Z."
    )
    assert review_page.find(id=f"copy-{copies[-1]}") is not None
    ok(project.lawtrail("check", "--strict"))


@pytest.mark.parametrize("point", ["before-commit", "after-commit"])
def test_a_killed_group_merge_ends_merged_once(project: Project, point: str) -> None:
    """Killed before or after its commit, a group merge leaves every copy merged exactly once
    after the next command, the status API true for each."""
    copies = flood(project, 5, ["Ann"])
    group = group_of(project)
    killed = run(project, "reviews", "merge", "--group", group, crash=point)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    committed = point == "after-commit"
    assert api_status(project, copies[0]) == ("merged" if committed else "pending")
    other = project.submit("Say who replies.")
    restarted = run(project, "reviews", "merge", other)
    assert restarted.returncode == 0, restarted.stderr
    if committed:
        assert f"Review {copies[0]} and its 4 copies are already merged" in restarted.stderr
    else:
        again = run(project, "reviews", "merge", "--group", group)
        assert again.returncode == 0, again.stderr
    subjects = project.repo.git("log", "--format=%s").splitlines()
    assert len([s for s in subjects if s.startswith(f"Merge group {group}")]) == 1
    assert all(api_status(project, review_id) == "merged" for review_id in copies)
    assert Spool(project.spool_dir).pending() == []
    assert project.repo.git("status", "--porcelain", "--untracked-files=all") == ""


REFUSALS = [
    (["reviews", "merge"], "Name the reviews to merge: ID... or --group GROUP"),
    (["reviews", "merge", "--group", "g-zz"], "'g-zz' is not a group id"),
    (["reviews", "merge", "--group", "g-0000000000"], "No pending review"),
    (["reviews", "merge", "{first}", "--group", "{group}"], "is named on its own and in --group"),
    (["respond", "{group}", "--disposition", "noted", "--text", "t"], "No merged review is in"),
    (["respond", "g-0000000000-1", "--disposition", "noted", "--text", "t"], "No merged review"),
]


@pytest.mark.parametrize(("args", "message"), REFUSALS, ids=[" ".join(a) for a, _ in REFUSALS])
def test_group_refusals_say_why_and_change_nothing(
    project: Project, args: list[str], message: str
) -> None:
    """A wrong group id or a muddled command is refused with the fix, changing nothing."""
    copies = flood(project, 2, ["Ann"])
    group = group_of(project)
    before = project.state()
    result = project.lawtrail(*(a.format(first=copies[0], group=group) for a in args))
    assert result.exit_code != 0 and message in result.output, result.output
    assert "Traceback" not in result.output and project.state() == before


def test_a_group_of_several_comments_is_answered_comment_by_comment(project: Project) -> None:
    """Copies with two comments take GROUP-1 and GROUP-2; GROUP alone names both."""
    ids = [project.submit("Too slow.", "Say who replies.", author=n) for n in ("Ann", "Bek")]
    group = group_of_list(project)
    ok(project.lawtrail("reviews", "merge", "--group", group))
    bare = project.lawtrail("respond", group, "--disposition", "noted", "--text", "t")
    assert bare.exit_code == 1 and f"answer each one: {group}-1, {group}-2" in bare.output
    ok(project.lawtrail("respond", f"{group}-2", "--disposition", "accepted", "--text", "Yes."))
    data = project.merged(min(ids))  # received together: the smaller id comes first
    assert "response" not in data["comments"][0]
    assert data["comments"][1]["response"]["text"] == "Yes."
    past = project.lawtrail("respond", f"{group}-3", "--disposition", "noted", "--text", "t")
    assert past.exit_code == 1 and f"there is no {group}-3" in past.output


def group_of_list(project: Project) -> str:
    """The group id of the only line of `lawtrail reviews list`."""
    lines = ok(project.lawtrail("reviews", "list")).splitlines()
    assert lines[-1].endswith(" in 1 group(s)."), lines
    return lines[1].split()[0]


def test_5000_copies_merge_as_one_file_and_one_commit(project: Project) -> None:
    """A campaign of 5,000 copies merges as one file and one commit (its speed is measured
    by benchmarks/campaign.py, not asserted here: the machine is shared)."""
    copies = flood(project, 5000, [f"Voter {n}" for n in range(500)])
    group = group_of(project)
    before = project.repo.git("rev-list", "--count", "HEAD")
    out = ok(project.lawtrail("reviews", "merge", "--group", group))
    assert out.startswith(f"Merged group {group}: 5000 copies")
    assert int(project.repo.git("rev-list", "--count", "HEAD")) == int(before) + 1
    data = yaml.safe_load(
        (project.repo.root / "drafts" / "fees" / "reviews" / f"{copies[0]}.yml").read_text()
    )
    assert data["copies"]["count"] == 5000 and len(data["copies"]["authors"]) == 500
    assert Spool(project.spool_dir).pending() == []
