"""The `lawtrail` command on real git repositories and a real spool: moderation, answers,
checks, the draft lifecycle, refusals that change nothing, and concurrent moderators."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from intake.cli import main
from intake.lifecycle import SUMMARY_PLACEHOLDER
from intake.spool import Decided, Spool
from site_builder.drafts import split_front_matter, validate_meta
from site_builder.review_schema import read_reviews
from site_builder.reviews import (
    Author,
    Comment,
    Decision,
    Review,
    Target,
    comment_id,
    new_review_id,
)
from tests.conftest import Repo, draft

BODY = """
## Chapter 1. General provisions

### Article 1. Scope

1. This regulation applies to all operators.

2. A reply is due within 15 working days.
"""
RECEIVED = dt.datetime(2026, 1, 15, 10, 0, tzinfo=dt.UTC)
# The CLI judges windows against the real today, in the site's time zone (UTC here).
TODAY = dt.datetime.now(dt.UTC).date()
MODERATOR = "Mona Moderator <mona@example.org>"


@dataclass
class Project:
    """A repository with the draft `fees` in discussion, and an intake spool beside it."""

    repo: Repo
    spool_dir: Path
    revision: str

    def submit(
        self, *bodies: str, email: str | None = None, slug: str = "fees", author: str = ""
    ) -> str:
        """Store a pending review of one comment per body, as the intake would; its id."""
        review_id = new_review_id(RECEIVED)
        comments = tuple(
            Comment(comment_id(review_id, n), Target(f"art_1__para_{n}", f"art_1__para_{n}"), body)
            for n, body in enumerate(bodies, 1)
        )
        review = Review(
            review_id, slug, self.revision, RECEIVED, comments, Author(author) if author else None
        )
        Spool(self.spool_dir).save(review, {"email": email} if email else None)
        return review_id

    def lawtrail(self, *args: str) -> Result:
        """Run the command in-process on this project."""
        options = ["--repo", str(self.repo.root), "--spool", str(self.spool_dir)]
        return CliRunner().invoke(main, [*options, *args], catch_exceptions=True)

    def state(self) -> tuple[str, str, bytes]:
        """HEAD, the work tree's status and the spool's journal: what a refusal keeps."""
        path = self.spool_dir / "reviews.journal"
        journal = path.read_bytes() if path.exists() else b""
        status = self.repo.git("status", "--porcelain", "--untracked-files=all")
        return self.repo.git("rev-parse", "HEAD"), status, journal

    def decision(self, review_id: str) -> Decided | None:
        """The decision the spool holds on a review."""
        return Spool(self.spool_dir).decision(review_id)

    def merged(self, review_id: str, slug: str = "fees") -> dict[str, Any]:
        """A merged review file, parsed."""
        path = self.repo.root / "drafts" / slug / "reviews" / f"{review_id}.yml"
        data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
        return data


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """The draft `fees` committed twice, in discussion from 2026-01-10 to 2026-02-10."""
    return make_project(tmp_path)


def make_project(tmp_path: Path) -> Project:
    """The project of the `project` fixture, in `tmp_path`."""
    repo = Repo(tmp_path / "project")
    repo.revise("fees", draft(BODY.replace("15 working", "30")), "Initiate")
    revision = repo.revise("fees", draft(BODY), "Shorten the reply period")
    spool_dir = tmp_path / "spool"
    Spool(spool_dir)
    return Project(repo, spool_dir, revision)


def day(offset: int) -> str:
    """The day `offset` days from today, as the CLI takes it."""
    return (TODAY + dt.timedelta(days=offset)).isoformat()


def ok(result: Result) -> str:
    """The output of a command that must have succeeded."""
    assert result.exit_code == 0, result.output
    return result.output


def test_moderator_flow_list_show_merge_respond_check(project: Project) -> None:
    """A review goes from the spool into git, is answered, and the draft then passes check."""
    review_id = project.submit(
        "Fifteen days is too long.", "Say who replies.", email="ann@example.org", author="Ann"
    )
    listed = ok(project.lawtrail("reviews", "list"))
    assert review_id in listed and "Fifteen days is too long." in listed

    shown = ok(project.lawtrail("reviews", "show", review_id))
    assert yaml.safe_load(shown)["id"] == review_id
    assert "ann@example.org" not in shown
    with_contact = ok(project.lawtrail("reviews", "show", review_id, "--with-contact"))
    assert yaml.safe_load(with_contact)["contact"] == {"email": "ann@example.org"}

    ok(project.lawtrail("reviews", "merge", review_id, "--by", MODERATOR))
    merged = project.merged(review_id)
    assert merged["moderation"]["status"] == "merged"
    assert merged["moderation"]["by"] == "Mona Moderator"
    assert isinstance(merged["moderation"]["date"], dt.date)
    assert merged["author"] == {"name": "Ann"} and "contact" not in merged
    log = project.repo.git("log", "-1", "--format=%an <%ae>|%cn|%s")
    assert log == f"{MODERATOR}|Mona Moderator|Merge review {review_id} on fees (2 comments)"
    assert project.state()[1] == ""
    assert project.decision(review_id) == Decided(
        review_id,
        "fees",
        Decision("merged", "Mona Moderator", merged["moderation"]["date"]),
        project.repo.git("rev-parse", "HEAD"),
    )
    assert not (project.spool_dir / "decisions").exists()
    assert ok(project.lawtrail("reviews", "list")).startswith("No pending reviews")

    first, second = comment_id(review_id, 1), comment_id(review_id, 2)
    ok(
        project.lawtrail(
            "respond", first, "--disposition", "accepted", "--text", "Now 10 days.",
            "--addressed-in", project.revision[:8], "--by", "Dan Drafter",
        )
    )  # fmt: skip
    ok(project.lawtrail("respond", second, "--disposition", "noted", "--text", "See Art. 4."))
    answers = [c["response"] for c in project.merged(review_id)["comments"]]
    assert answers[0]["addressed_in"] == project.revision
    assert [a["disposition"] for a in answers] == ["accepted", "noted"]
    assert [a["by"] for a in answers] == ["Dan Drafter", "Test Drafter"]
    assert project.repo.git("log", "-1", "--format=%s") == f"Answer comment {second}: noted"
    folder = project.repo.root / "drafts" / "fees" / "reviews"
    reviews, _ = read_reviews(folder, "fees", "drafts/fees/reviews")
    assert [c.response and c.response.text for c in reviews[0].comments] == [
        "Now 10 days.",
        "See Art. 4.",
    ]
    ok(project.lawtrail("check", "--strict"))


def test_reject_counts_reasons_and_keeps_the_review_out_of_git(project: Project) -> None:
    """Rejections add up per reason in rejected.yml; the rejected reviews are not committed."""
    first, second, third = (project.submit(f"Spam {n}") for n in range(3))
    ok(project.lawtrail("reviews", "reject", first, second, "--reason", "off-topic"))
    ok(project.lawtrail("reviews", "reject", third, "--reason", "abusive", "--by", MODERATOR))
    rejected = project.repo.root / "drafts" / "fees" / "reviews" / "rejected.yml"
    assert yaml.safe_load(rejected.read_text(encoding="utf-8")) == {
        "reasons": {"abusive": 1, "off-topic": 2}
    }
    tracked = project.repo.git("ls-tree", "-r", "--name-only", "HEAD", "drafts/fees/reviews")
    assert tracked == "drafts/fees/reviews/rejected.yml"
    assert project.repo.git("log", "-1", "--format=%s") == f"Reject review {third}: abusive"
    found = project.decision(first)
    assert found is not None and found.commit is not None
    assert (found.decision.status, found.decision.reason) == ("rejected", "off-topic")
    assert ok(project.lawtrail("reviews", "list")).startswith("No pending reviews")
    ok(project.lawtrail("check"))


def test_list_groups_duplicates_with_their_count(project: Project) -> None:
    """Copies of one text on one draft are one line with every id and the count."""
    copies = [project.submit(body) for body in ("Stop it!", "stop   IT!", "Stop it!")]
    single = project.submit("A thoughtful remark on Article 1.")
    lines = ok(project.lawtrail("reviews", "list", "--draft", "fees")).splitlines()
    assert lines[0].split() == ["GROUP", "ID(S)", "DRAFT", "SUBMITTED", "COUNT", "COMMENT"]
    group = lines[1].split()[0]
    assert re.fullmatch(r"g-[0-9a-f]{10}", group)
    assert lines[1].split()[1:5] == [",".join(copies), "fees", "2026-01-15T10:00:00Z", "3"]
    assert lines[2].split()[1:5] == [single, "fees", "2026-01-15T10:00:00Z", "1"]
    assert lines[2].split()[0] != group
    ok(project.lawtrail("reviews", "merge", copies[0]))
    lines = ok(project.lawtrail("reviews", "list")).splitlines()
    assert lines[1].split()[:5] == [
        group, ",".join(copies[1:]), "fees", "2026-01-15T10:00:00Z", "2"
    ]  # fmt: skip
    assert ok(project.lawtrail("reviews", "list", "--draft", "other")) == (
        "No pending reviews of draft other.\n"
    )


def _merge_first(project: Project, review_id: str) -> None:
    ok(project.lawtrail("reviews", "merge", review_id))


def _reject_first(project: Project, review_id: str) -> None:
    ok(project.lawtrail("reviews", "reject", review_id, "--reason", "spam"))


def _edit_draft(project: Project, review_id: str) -> None:
    project.repo.write("fees", draft(BODY + "\n3. Uncommitted.\n"))


def _stray_file(project: Project, review_id: str) -> None:
    folder = project.repo.root / "drafts" / "fees" / "reviews"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine\n", encoding="utf-8")


def _other_branch(project: Project, review_id: str) -> None:
    project.repo.git("switch", "-q", "-c", "dev")


def _detach(project: Project, review_id: str) -> None:
    project.repo.git("switch", "-q", "--detach", "HEAD")


def _merge_then_edit(project: Project, review_id: str) -> None:
    _merge_first(project, review_id)
    _edit_draft(project, review_id)


def _nothing(project: Project, review_id: str) -> None:
    pass


Setup = Callable[[Project, str], None]
REFUSALS: list[tuple[str, Setup, list[str], str]] = [
    ("unknown id", _nothing, ["reviews", "merge", "20260115-zzzzzzzzzz"], "There is no review"),
    ("not an id", _nothing, ["reviews", "reject", "../x", "--reason", "a"], "not a tracking"),
    ("show unknown", _nothing, ["reviews", "show", "20260115-zzzzzzzzzz"], "There is no review"),
    ("merged twice", _merge_first, ["reviews", "merge", "{id}"], "was already merged"),
    ("reject merged", _merge_first, ["reviews", "reject", "{id}", "--reason", "x"], "already"),
    ("merge rejected", _reject_first, ["reviews", "merge", "{id}"], "already rejected (spam)"),
    ("a bad id of two", _nothing, ["reviews", "merge", "{id}", "20260115-zzzzzzzzzz"], "no review"),
    ("dirty tree", _edit_draft, ["reviews", "merge", "{id}"], "has uncommitted changes"),
    ("stray file", _stray_file, ["reviews", "merge", "{id}"], "Untracked files where lawtrail"),
    ("wrong branch", _other_branch, ["reviews", "merge", "{id}"], "is on branch 'dev', not 'main'"),
    ("detached", _detach, ["reviews", "reject", "{id}", "--reason", "x"], "detached HEAD"),
    ("reason lines", _nothing, ["reviews", "reject", "{id}", "--reason", "a\nb"], "one line"),
    ("bad --by", _nothing, ["reviews", "merge", "{id}", "--by", "<>"], "is not a name"),
    ("unmerged comment", _nothing, ["respond", "{id}-1", "--disposition", "noted", "--text", "t"],
     "no merged review"),
    ("unknown comment", _merge_first,
     ["respond", "{id}-7", "--disposition", "noted", "--text", "t"], "has no comment {id}-7"),
    ("bad comment id", _nothing, ["respond", "1-2-3", "--disposition", "noted", "--text", "t"],
     "is not a comment id"),
    ("no such commit", _merge_first,
     ["respond", "{id}-1", "--disposition", "noted", "--text", "t", "--addressed-in", "beef1234"],
     "is not a commit"),
    ("bad disposition", _merge_first,
     ["respond", "{id}-1", "--disposition", "maybe", "--text", "t"], "'maybe' is not one of"),
    ("answer, dirty", _merge_then_edit,
     ["respond", "{id}-1", "--disposition", "noted", "--text", "t"], "has uncommitted changes"),
    ("answer, empty", _merge_first,
     ["respond", "{id}-1", "--disposition", "noted", "--text", " "], "--text is empty"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("setup", "args", "message"),
    [case[1:] for case in REFUSALS],
    ids=[case[0] for case in REFUSALS],
)
def test_refusals_say_why_and_change_nothing(
    project: Project, setup: Setup, args: list[str], message: str
) -> None:
    """Each refusal exits non-zero with a clear message, no traceback, repo and spool as before."""
    review_id = project.submit("Fifteen days is too long.")
    setup(project, review_id)
    before = project.state()
    result = project.lawtrail(*(arg.replace("{id}", review_id) for arg in args))
    assert result.exit_code != 0
    assert isinstance(result.exception, SystemExit), result.exception
    assert message.replace("{id}", review_id) in result.output
    assert "Traceback" not in result.output
    assert project.state() == before


def test_not_a_git_repository_is_refused(project: Project, tmp_path: Path) -> None:
    """A project folder outside git is refused before anything is written."""
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "mkdocs.yml").write_bytes((project.repo.root / "mkdocs.yml").read_bytes())
    (plain / "content").mkdir()
    (plain / "drafts" / "fees").mkdir(parents=True)
    (plain / "drafts" / "fees" / "draft.md").write_text(draft(BODY), encoding="utf-8")
    review_id = project.submit("Fifteen days is too long.")
    runner = CliRunner()
    result = runner.invoke(
        main,
        ["--repo", str(plain), "--spool", str(project.spool_dir), "reviews", "merge", review_id],
    )
    assert result.exit_code == 1 and "is not a git repository" in result.output
    assert not (plain / "drafts" / "fees" / "reviews").exists()
    assert project.decision(review_id) is None
    missing = runner.invoke(main, ["--repo", str(tmp_path / "nowhere"), "check"])
    assert missing.exit_code == 1 and "There is no" in missing.output


def test_a_missing_spool_is_named(project: Project, tmp_path: Path) -> None:
    """Pointing at a spool that does not exist is an error, not an empty list."""
    result = CliRunner().invoke(main, ["--spool", str(tmp_path / "none"), "reviews", "list"])
    assert result.exit_code == 1 and f"There is no spool at {tmp_path / 'none'}" in result.output


def test_a_new_project_has_no_pending_reviews_and_says_why(tmp_path: Path) -> None:
    """Before the intake stores its first review there is no spool: listing says there is
    nothing pending and where it looked, and makes no folder."""
    instance = tmp_path / "instance"
    result = CliRunner().invoke(
        main, ["reviews", "list"], env={"LAWTRAIL_INSTANCE_PATH": str(instance)}
    )
    assert result.exit_code == 0, result.output
    assert "No pending reviews" in result.output and str(instance / "spool") in result.output
    assert "--spool" in result.output and not instance.exists()


def test_contact_emails_never_reach_git(project: Project) -> None:
    """After merging, rejecting and answering, no object in the repository holds an e-mail."""
    emails = ["ann.voter@example.org", "bek@example.kz", "campaign@example.net"]
    ids = [project.submit(f"Comment {n}", email=e) for n, e in enumerate(emails)]
    ok(project.lawtrail("reviews", "merge", ids[0], ids[1], "--by", MODERATOR))
    ok(project.lawtrail("reviews", "reject", ids[2], "--reason", "duplicate"))
    ok(project.lawtrail("respond", f"{ids[0]}-1", "--disposition", "noted", "--text", "Thanks."))
    history = project.repo.git("log", "-p", "--all", "--format=fuller")
    objects = subprocess.run(
        ["git", "cat-file", "--batch-all-objects", "--batch"],
        cwd=project.repo.root,
        capture_output=True,
        check=True,
    ).stdout
    for email in emails:
        assert email not in history
        assert email.encode() not in objects
        assert email.encode() not in b"".join(
            p.read_bytes() for p in project.repo.root.rglob("*") if p.is_file()
        )
    assert Spool(project.spool_dir).contact(ids[0]) == {"email": emails[0]}  # not vacuous


def test_four_moderators_merging_at_once_lose_nothing(project: Project) -> None:
    """Four processes merging five reviews each leave all twenty in HEAD and a sound repo."""
    ids = [project.submit(f"Comment number {n}") for n in range(20)]
    script = Path(sys.executable).parent / "lawtrail"
    commands = [[str(script)], [str(script)], [sys.executable, "-m", "intake.cli"]]
    commands.append([sys.executable, "-m", "intake.cli"])
    options = ["--repo", str(project.repo.root), "--spool", str(project.spool_dir)]
    processes = [
        subprocess.Popen(
            [*command, *options, "reviews", "merge", *ids[n * 5 : n * 5 + 5], "--by", f"M{n}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )
        for n, command in enumerate(commands)
    ]
    outputs = [process.communicate(timeout=300) for process in processes]
    assert [p.returncode for p in processes] == [0, 0, 0, 0], outputs
    tracked = project.repo.git("ls-tree", "-r", "--name-only", "HEAD", "drafts/fees/reviews")
    assert sorted(tracked.splitlines()) == sorted(f"drafts/fees/reviews/{i}.yml" for i in ids)
    fsck = subprocess.run(
        ["git", "fsck", "--full", "--strict"], cwd=project.repo.root, capture_output=True, text=True
    )
    assert fsck.returncode == 0 and "error" not in fsck.stderr + fsck.stdout, fsck.stderr
    assert project.repo.git("status", "--porcelain", "--untracked-files=all") == ""
    assert len(project.repo.git("log", "--format=%s", "--grep=^Merge review").splitlines()) == 20
    spool = Spool(project.spool_dir)
    assert all((d := spool.decision(i)) and d.decision.status == "merged" for i in ids)


def test_draft_lifecycle_with_refusals(project: Project) -> None:
    """A new draft goes initiated, discussion, revision, adopted; wrong moves are refused."""
    ok(project.lawtrail("drafts", "new", "water-code", "--title", "Water Code", "--agency", "MoW"))
    path = project.repo.root / "drafts" / "water-code" / "draft.md"
    raw, body = split_front_matter(path.read_text(encoding="utf-8"), "draft.md")
    meta, _ = validate_meta(raw, "draft.md")
    assert (meta.stage, meta.summary) == ("initiated", SUMMARY_PLACEHOLDER)
    # Each field on a line of its own, to replace in an editor without a wrapped remnant.
    front = path.read_text(encoding="utf-8").split("---\n")[1].splitlines()
    assert [line.split(":")[0] for line in front] == ["title", "agency", "stage", "summary"]
    assert "## Chapter 1. General provisions" in body and "### Article 1. Purpose" in body
    assert project.repo.git("log", "-1", "--format=%s") == "Start draft water-code: Water Code"

    def refused(*args: str, message: str) -> None:
        before = project.state()
        result = project.lawtrail(*args)
        assert result.exit_code != 0 and message in result.output, result.output
        assert "Traceback" not in result.output and project.state() == before

    refused("drafts", "new", "water-code", "--title", "T", "--agency", "A", message="already")
    refused("drafts", "new", "Water_Code", "--title", "T", "--agency", "A", message="not a valid")
    refused("drafts", "stage", "water-code", "discussion", message="pass --opens")
    refused("drafts", "stage", "water-code", "discussion", "--opens", day(0),
            message="both --opens and --closes")  # fmt: skip
    window = ["--opens", day(9), "--closes", day(0)]
    refused("drafts", "stage", "water-code", "discussion", *window, message="is before --opens")
    window = ["--opens", day(0), "--closes", day(8)]
    refused("drafts", "stage", "water-code", "discussion", *window, message="is 9 days")
    refused("drafts", "stage", "nope", "revision", message="There is no draft 'nope'")
    refused("drafts", "stage", "water-code", "adopted", message="has not been in public")

    ok(project.lawtrail("drafts", "stage", "water-code", "discussion", *window, "--min-days", "9"))
    refused("drafts", "stage", "water-code", "revision", message="would close the discussion")
    early = ["--force", "--reason", "The court annulled the underlying act."]
    ok(project.lawtrail("drafts", "stage", "water-code", "revision", *early))
    refused("drafts", "stage", "water-code", "discussion", *window, message="cannot move back")
    refused("drafts", "stage", "water-code", "revision", message="already in stage revision")
    refused("drafts", "stage", "water-code", "adopted", *window, message="--opens and --closes set")
    ok(project.lawtrail("drafts", "stage", "water-code", "adopted"))
    refused("drafts", "stage", "water-code", "withdrawn", message="never leaves stage adopted")
    subjects = project.repo.git("log", "-3", "--format=%s").splitlines()
    assert subjects == [
        f"Move water-code to stage {s}" for s in ("adopted", "revision", "discussion")
    ]
    raw, after = split_front_matter(path.read_text(encoding="utf-8"), "draft.md")
    assert after == body
    assert (raw["stage"], raw["discussion"]) == (
        "adopted",
        {"opens": TODAY, "closes": TODAY + dt.timedelta(days=8)},
    )
    ok(project.lawtrail("drafts", "new", "roads", "--title", "Roads", "--agency", "MoT"))
    ok(project.lawtrail("drafts", "stage", "roads", "withdrawn"))
    refused("drafts", "stage", "roads", "discussion", *window, message="never leaves stage")


def test_stage_change_keeps_the_rest_of_the_file_byte_for_byte(project: Project) -> None:
    """Only the stage line and the discussion block change; comments, blank lines and body stay."""
    original = (
        "---\n"
        "title: Land Code   # the working title\n"
        "agency: Ministry of Land\n"
        "stage: initiated  # moved by lawtrail\n"
        "summary: >-\n"
        "  Who may own land,\n"
        "  and how.\n"
        "\n"
        "# topics for the index\n"
        "tags:\n"
        "- land\n"
        "---\n"
        "\n"
        "### Article 1. Scope\n"
        "\n"
        "1. Land is land.  \n"
    )
    path = project.repo.root / "drafts" / "land" / "draft.md"
    path.parent.mkdir(parents=True)
    path.write_bytes(original.encode("utf-8"))
    project.repo.git("add", "-A")
    project.repo.commit("Initiate the land code")
    window = ["--opens", day(0), "--closes", day(30)]
    ok(project.lawtrail("drafts", "stage", "land", "discussion", *window))
    expected = original.replace(
        "stage: initiated  # moved by lawtrail\n",
        "stage: discussion  # moved by lawtrail\n"
        f"discussion:\n  opens: {day(0)}\n  closes: {day(30)}\n",
    )
    assert path.read_bytes() == expected.encode("utf-8")
    window = ["--opens", day(0), "--closes", day(45)]
    ok(project.lawtrail("drafts", "stage", "land", "discussion", *window))
    assert path.read_bytes() == expected.replace(day(30), day(45)).encode("utf-8")


def test_check_strict_fails_on_a_short_window(project: Project) -> None:
    """A window shorter than the minimum is a warning, and an error with --strict."""
    short = {"opens": "2026-01-10", "closes": "2026-01-14"}
    project.repo.revise("fees", draft(BODY, discussion=short), "Shorten the window")
    warned = project.lawtrail("check")
    assert warned.exit_code == 0 and "[short-window]" in warned.output
    strict = project.lawtrail("check", "--strict")
    assert strict.exit_code == 1 and "1 breach(es)" in strict.output
    assert "Traceback" not in strict.output
    ok(project.lawtrail("check", "--strict", "--min-days", "5"))


def test_check_strict_fails_on_an_adopted_draft_with_an_unanswered_comment(
    project: Project,
) -> None:
    """Adopting with a comment unanswered breaks the rules; answering it clears the breach."""
    review_id = project.submit("Fifteen days is too long.")
    ok(project.lawtrail("reviews", "merge", review_id))
    ok(project.lawtrail("drafts", "stage", "fees", "adopted"))
    strict = project.lawtrail("check", "--strict", "--overdue-days", "100000")
    assert strict.exit_code == 1 and "[adopted-unanswered]" in strict.output
    assert f"{review_id}-1" in strict.output and "[overdue-answers]" not in strict.output
    overdue = project.lawtrail("check", "--overdue-days", "0")
    assert overdue.exit_code == 0 and "[overdue-answers]" in overdue.output
    answer = ["--disposition", "rejected", "--text", "The period is set by law."]
    ok(project.lawtrail("respond", f"{review_id}-1", *answer))
    ok(project.lawtrail("check", "--strict"))


def test_check_reports_a_broken_review_file_as_an_error(project: Project) -> None:
    """A committed review file that does not parse makes check fail, naming the file."""
    folder = project.repo.root / "drafts" / "fees" / "reviews"
    folder.mkdir()
    (folder / "20260115-0000000000.yml").write_text("id: [unclosed\n", encoding="utf-8")
    result = project.lawtrail("check")
    assert result.exit_code == 1
    assert "drafts/fees/reviews/20260115-0000000000.yml: not a readable review" in result.output
    assert "Traceback" not in result.output
