"""Answers have a history: `lawtrail respond` driven as docs/moderation.md shows, on a real
git repository and spool, and the site's text read from a real `mkdocs build`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from intake.cli import Settings
from site_builder.review_schema import load_review, read_reviews
from site_builder.reviews import dump_review
from tests.conftest import Build
from tests.test_cli import Project, make_project, ok

FIRST_DAY = dt.date(2026, 1, 20)  # five days after the review was received (2026-01-15)
AMEND_DAY = dt.date(2026, 2, 24)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """The draft `fees` in discussion, and an empty spool (as in test_cli)."""
    return make_project(tmp_path)


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> list[dt.date]:
    """The day `lawtrail` believes it is (the plugin's time zone); set `today[0]` to move."""
    day = [FIRST_DAY]
    monkeypatch.setattr(Settings, "today", lambda self: day[0])
    return day


def merged_comment(project: Project) -> str:
    """A review merged into git, as a moderator does it; the id of its one comment."""
    review_id = project.submit("Fifteen days is too long.", author="Ann")
    ok(project.lawtrail("reviews", "merge", review_id, "--by", "Mona Moderator"))
    return f"{review_id}-1"


def answer(project: Project, comment: str, disposition: str, text: str, *extra: str) -> str:
    """`lawtrail respond` as docs/moderation.md shows it; its output."""
    args = ["respond", comment, "--disposition", disposition, "--text", text, *extra]
    return ok(project.lawtrail(*args, "--by", "Dan Drafter"))


def test_a_second_answer_is_refused_without_amend_and_a_reason(
    project: Project, today: list[dt.date]
) -> None:
    """Answering an answered comment again names --amend and --reason and changes nothing."""
    comment = merged_comment(project)
    first = answer(project, comment, "accepted", "Now 10 days.")
    assert first.startswith(f"Answered comment {comment}: accepted (")
    before = project.state()
    again = project.lawtrail(
        "respond", comment, "--disposition", "rejected", "--text", "Changed our mind."
    )
    assert again.exit_code == 1, again.output
    assert "already has an answer (accepted by Dan Drafter on 2026-01-20)" in again.output
    assert "--amend" in again.output and "--reason" in again.output
    assert project.state() == before
    response = project.merged(comment.rsplit("-", 1)[0])["comments"][0]["response"]
    assert response["text"] == "Now 10 days."


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--amend"], "--amend needs --reason TEXT"),
        (["--reason", "New facts."], "--reason goes with --amend"),
        (["--amend", "--reason", "  "], "--reason must be one line"),
        (["--amend", "--reason", "a\nb\x00"], "--reason must be one line"),
    ],
    ids=["amend without reason", "reason without amend", "empty reason", "control characters"],
)
def test_an_amendment_without_a_usable_reason_is_refused(
    project: Project, today: list[dt.date], args: list[str], message: str
) -> None:
    """--amend and --reason go together, and the reason is one printable line."""
    comment = merged_comment(project)
    answer(project, comment, "accepted", "Now 10 days.")
    before = project.state()
    result = project.lawtrail(
        "respond", comment, "--disposition", "rejected", "--text", "No.", *args
    )
    assert result.exit_code != 0 and message in result.output, result.output
    assert "Traceback" not in result.output and project.state() == before


def test_amend_on_an_unanswered_comment_is_refused(project: Project, today: list[dt.date]) -> None:
    """There is nothing to amend before a first answer; the message says to drop --amend."""
    comment = merged_comment(project)
    before = project.state()
    result = project.lawtrail(
        "respond", comment, "--disposition", "noted", "--text", "Thanks.",
        "--amend", "--reason", "Typo.",
    )  # fmt: skip
    assert result.exit_code == 1 and "has no answer yet, so there is nothing to amend" in (
        result.output
    )
    assert project.state() == before


def test_an_amendment_keeps_the_earlier_answer_in_the_review_file(
    project: Project, today: list[dt.date]
) -> None:
    """The file keeps every answer: the current one with its reason, earlier ones in order."""
    comment = merged_comment(project)
    review_id = comment.rsplit("-", 1)[0]
    answer(project, comment, "accepted", "Now 10 days.", "--addressed-in", project.revision)
    today[0] = AMEND_DAY
    out = answer(
        project, comment, "rejected", "Changed our mind.",
        "--amend", "--reason", "The budget office showed 10 days cannot be met.",
    )  # fmt: skip
    assert out.startswith(f"Amended the answer to comment {comment}: rejected (")
    assert "the earlier answer stays on the record" in out
    subject, body = project.repo.git("log", "-1", "--format=%s%n%b").split("\n", 1)
    assert subject == f"Amend the answer to comment {comment}: rejected"
    assert "Reason: The budget office showed 10 days cannot be met." in body
    data = project.merged(review_id)["comments"][0]
    assert data["response"] == {
        "disposition": "rejected",
        "text": "Changed our mind.",
        "by": "Dan Drafter",
        "date": AMEND_DAY,
        "reason": "The budget office showed 10 days cannot be met.",
    }
    assert data["earlier_responses"] == [
        {
            "disposition": "accepted",
            "text": "Now 10 days.",
            "by": "Dan Drafter",
            "date": FIRST_DAY,
            "addressed_in": project.revision,
        }
    ]
    # A third answer keeps both earlier ones, oldest first.
    answer(project, comment, "noted", "Under review.", "--amend", "--reason", "Reopened.")
    history = project.merged(review_id)["comments"][0]["earlier_responses"]
    assert [a["disposition"] for a in history] == ["accepted", "rejected"]
    folder = project.repo.root / "drafts" / "fees" / "reviews"
    reviews, _ = read_reviews(folder, "fees", "drafts/fees/reviews")
    assert reviews[0].comments[0].first_answered == FIRST_DAY
    ok(project.lawtrail("check", "--strict"))


def test_an_identical_amendment_is_refused(project: Project, today: list[dt.date]) -> None:
    """Amending to the same answer would only add noise to the record."""
    comment = merged_comment(project)
    answer(project, comment, "accepted", "Now 10 days.")
    result = project.lawtrail(
        "respond", comment, "--disposition", "accepted", "--text", "Now 10 days.",
        "--amend", "--reason", "Again.",
    )  # fmt: skip
    assert result.exit_code == 1 and "the same as its current one" in result.output


def test_the_site_shows_the_current_answer_with_earlier_ones_beneath(
    project: Project, today: list[dt.date]
) -> None:
    """The comments page and the review page show the current answer first, then each
    earlier one, dated and with the reason it was replaced."""
    comment = merged_comment(project)
    review_id = comment.rsplit("-", 1)[0]
    answer(project, comment, "accepted", "Now 10 days.")
    today[0] = AMEND_DAY
    reason = "The budget office showed 10 days cannot be met."
    answer(project, comment, "rejected", "Changed our mind.", "--amend", "--reason", reason)
    built = build(project)
    cell = built.html("drafts/fees/comments/").select(".lt-proposals tbody tr")[0]("td")[5]
    text = " ".join(cell.text.split())
    assert text.index("Rejected") < text.index("Changed our mind.") < text.index("Now 10 days.")
    assert (
        f"Amended on February 24, 2026 (first answered January 20, 2026). Reason: {reason}"
    ) in text
    assert cell.select_one(".lt-answer__amended time")["datetime"] == "2026-02-24"
    earlier = cell.select(".lt-earlier li")
    assert len(earlier) == 1
    assert " ".join(earlier[0].text.split()) == (
        "Earlier answer: Accepted · Dan Drafter, January 20, 2026 Now 10 days. "
        f"Replaced on February 24, 2026 by Dan Drafter. Reason: {reason}"
    )
    page = built.html(f"drafts/fees/reviews/{review_id}/")
    answer_box = page.select_one(".lt-answer")
    assert "Changed our mind." in answer_box.select_one(".lt-answer__text").text
    assert "Now 10 days." in answer_box.select_one(".lt-earlier").text
    assert reason in answer_box.select_one(".lt-earlier__replaced").text


def test_amending_does_not_change_the_response_time(project: Project, today: list[dt.date]) -> None:
    """Median days to answer count from the first answer; an amendment does not move them."""
    comment = merged_comment(project)
    answer(project, comment, "accepted", "Now 10 days.")
    before = figures(build(project, "before"))
    today[0] = AMEND_DAY
    answer(project, comment, "rejected", "No.", "--amend", "--reason", "Costs.")
    after = figures(build(project, "after"))
    assert before == after == ["Ministry of Tests", "1", "1", "1", "100%", "5", "0"]


def test_review_files_without_history_read_and_write_unchanged(project: Project) -> None:
    """A review file written before answers had a history loads and dumps byte for byte."""
    text = (
        "id: 20260115-7k2mq9xw4r\n"
        "draft: fees\n"
        f"revision: {project.revision}\n"
        "submitted: '2026-01-15T10:00:00Z'\n"
        "author:\n  name: Ann\n"
        "comments:\n"
        "- id: 20260115-7k2mq9xw4r-1\n"
        "  target:\n    eid: art_1__para_1\n    wid: art_1__para_1\n"
        "  body: Fifteen days is too long.\n"
        "  response:\n    disposition: accepted\n    text: Now 10 days.\n"
        "    by: Dan Drafter\n    date: 2026-01-20\n"
        "moderation:\n  status: merged\n  by: Mona Moderator\n  date: 2026-01-16\n"
    )
    review = load_review(text, "old.yml")
    assert review.comments[0].earlier_responses == ()
    assert review.comments[0].first_answered == FIRST_DAY
    assert dump_review(review) == text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: c.pop("response"), "field 'comments[0].response' is None; expected the current"),
        (lambda c: c["response"].pop("reason"), "comments[0].response.reason' is None"),
        (
            lambda c: c["response"].update(date=dt.date(2026, 1, 1)),
            "comments[0].response.date' is '2026-01-01'; expected 2026-01-20 or later",
        ),
        (lambda c: c.update(earlier_responses="x"), "expected a list of answers"),
    ],
    ids=["history without answer", "amendment without reason", "back-dated", "not a list"],
)
def test_a_hand_edited_history_must_make_sense(
    project: Project, today: list[dt.date], change: object, message: str
) -> None:
    """`lawtrail check` names a history that no amendment could have made."""
    comment = merged_comment(project)
    review_id = comment.rsplit("-", 1)[0]
    answer(project, comment, "accepted", "Now 10 days.")
    today[0] = AMEND_DAY
    answer(project, comment, "rejected", "No.", "--amend", "--reason", "Costs.")
    data = project.merged(review_id)
    change(data["comments"][0])  # type: ignore[operator]
    path = project.repo.root / "drafts" / "fees" / "reviews" / f"{review_id}.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = project.lawtrail("check")
    assert result.exit_code == 1 and message in result.output, result.output


def build(project: Project, name: str = "site") -> Build:
    """A real `mkdocs build` of the project."""
    built = project.repo.build(name)
    assert built.returncode == 0, built.output
    return built


def figures(built: Build) -> list[str]:
    """The agency's row of the accountability table."""
    row = built.html("accountability/").select(".lt-figures-table tbody tr")[0]
    return [cell.text for cell in row.find_all(["th", "td"])]


def test_a_russian_site_shows_amendments_and_campaigns_in_russian(
    project: Project, today: list[dt.date]
) -> None:
    """The words around an amended answer and a campaign's copies come from the catalog."""
    config = project.repo.root / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "name: material", "name: material\n  language: ru"
        ),
        encoding="utf-8",
    )
    project.repo.git("add", "-A")
    project.repo.commit("Russian site")
    comment = merged_comment(project)
    copies = [project.submit("Stop it!", author=name) for name in ("Bek", "Cem", "")]
    ok(project.lawtrail("reviews", "merge", *copies))
    answer(project, comment, "accepted", "Now 10 days.")
    today[0] = AMEND_DAY
    answer(project, comment, "rejected", "No.", "--amend", "--reason", "Costs.")
    page = build(project).html("drafts/fees/comments/")
    text = " ".join(page.select_one(".lt-proposals").text.split())
    assert "Ответ изменён 24 февраля 2026 г. (первый ответ 20 января 2026 г.). Причина: Costs." in (
        text
    )
    assert "Прежний ответ:" in text and "Заменён 24 февраля 2026 г." in text
    assert "3 одинаковые копии" in text and "1 без имени" in text
    for english in ("Amended on", "Earlier answer", "identical copies", "without a name"):
        assert english not in text
