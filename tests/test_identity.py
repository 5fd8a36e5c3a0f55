"""Who a commit is by, where lawtrail finds the project, and "did you mean" for typos:
every committing command takes --by and --email, refuses a commit without an e-mail,
works from any folder of the project and suggests the draft or review meant."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import draft
from tests.test_cli import BODY, Project, make_project

NO_IDENTITY = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull}


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """The draft `fees` of test_cli, moved on to stage revision (its window has closed)."""
    project = make_project(tmp_path)
    project.repo.revise("fees", draft(BODY, stage="revision"), "Move to revision")
    return project


def edit_if_revising(project: Project, args: list[str]) -> None:
    """Give `drafts revise` an edited text to commit."""
    if args[:2] == ["drafts", "revise"]:
        project.repo.write("fees", draft(BODY + "\n3. A third paragraph.\n", stage="revision"))


def run(
    project: Project, *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """A real `lawtrail` process (no --repo: it finds the project from `cwd`)."""
    return subprocess.run(
        [sys.executable, "-m", "intake.cli", "--spool", str(project.spool_dir), *args],
        cwd=cwd or project.repo.root,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})},
    )


def forget_identity(project: Project, email_only: bool = False) -> None:
    """Unset the repository's git identity (the global one is hidden by NO_IDENTITY)."""
    if not email_only:
        project.repo.git("config", "--unset", "user.name")
    project.repo.git("config", "--unset", "user.email")


COMMITTING = [
    ("drafts new", ["drafts", "new", "roads", "--title", "Roads", "--agency", "MoT"]),
    ("drafts stage", ["drafts", "stage", "fees", "withdrawn"]),
    ("drafts revise", ["drafts", "revise", "fees", "-m", "Edit"]),
    ("reviews merge", ["reviews", "merge", "{id}"]),
    ("reviews reject", ["reviews", "reject", "{id}", "--reason", "spam"]),
]


@pytest.mark.parametrize("args", [c[1] for c in COMMITTING], ids=[c[0] for c in COMMITTING])
def test_without_an_identity_every_command_names_options_that_exist(
    project: Project, args: list[str]
) -> None:
    """No git identity: the error names --by and --email, which the command has, and the
    git config lines; nothing is committed."""
    review_id = project.submit("Fifteen days is too long.")
    args = [arg.replace("{id}", review_id) for arg in args]
    edit_if_revising(project, args)
    forget_identity(project)
    before = project.state()
    done = run(project, *args, env=NO_IDENTITY)
    assert done.returncode == 1, done.stdout
    assert 'Pass --by "Your Name" and --email you@example.org' in done.stderr
    assert 'git config user.name "Your Name"' in done.stderr
    assert project.state() == before
    helped = run(project, *args[:2], "--help")
    assert "--by NAME" in helped.stdout and "--email ADDRESS" in helped.stdout


@pytest.mark.parametrize("args", [c[1] for c in COMMITTING], ids=[c[0] for c in COMMITTING])
def test_a_name_without_an_email_is_refused_never_written_as_empty(
    project: Project, args: list[str]
) -> None:
    """--by "A. Moderator" with no user.email is refused naming --email; with --email the
    commit carries that address."""
    review_id = project.submit("Fifteen days is too long.")
    args = [arg.replace("{id}", review_id) for arg in args]
    edit_if_revising(project, args)
    forget_identity(project, email_only=True)
    before = project.state()
    done = run(project, *args, "--by", "A. Moderator", env=NO_IDENTITY)
    assert done.returncode == 1
    assert "needs its author's e-mail, and there is no e-mail. Pass --email" in done.stderr
    assert "git config user.email you@example.org" in done.stderr
    assert project.state() == before
    done = run(project, *args, "--by", "A. Moderator", "--email", "am@example.org", env=NO_IDENTITY)
    assert done.returncode == 0, done.stderr
    assert project.repo.git("log", "-1", "--format=%an <%ae>") == "A. Moderator <am@example.org>"


def test_a_drafter_without_an_identity_can_check_a_text_first(project: Project) -> None:
    """`drafts revise --dry-run` needs no identity, and a mistyped slug is named before
    the missing identity: who commits is asked only when something would be committed."""
    edit_if_revising(project, ["drafts", "revise"])
    forget_identity(project)
    before = project.state()
    tried = run(project, "drafts", "revise", "fees", "-m", "Add", "--dry-run", env=NO_IDENTITY)
    assert tried.returncode == 0, tried.stderr
    assert "amended" in tried.stdout and "Nothing committed (--dry-run)." in tried.stdout
    typo = run(project, "drafts", "revise", "fee", "-m", "Add", env=NO_IDENTITY)
    assert "There is no draft 'fee'" in typo.stderr and "--by" not in typo.stderr
    assert project.state() == before


def test_respond_takes_by_and_email(project: Project) -> None:
    """An answer is committed as --by with --email, never as 'Name <>'."""
    review_id = project.submit("Fifteen days is too long.")
    assert run(project, "reviews", "merge", review_id).returncode == 0
    forget_identity(project)
    answer = ["respond", f"{review_id}-1", "--disposition", "noted", "--text", "Thanks."]
    refused = run(project, *answer, "--by", "Dan Drafter", env=NO_IDENTITY)
    assert refused.returncode == 1 and "Pass --email" in refused.stderr
    done = run(
        project, *answer, "--by", "Dan Drafter", "--email", "dan@example.org", env=NO_IDENTITY
    )
    assert done.returncode == 0, done.stderr
    assert project.repo.git("log", "-1", "--format=%an <%ae>") == "Dan Drafter <dan@example.org>"


def test_every_command_works_from_a_subfolder(project: Project) -> None:
    """From drafts/fees/, merge, respond, stage and check find the project by walking up."""
    review_id = project.submit("Fifteen days is too long.")
    folder = project.repo.root / "drafts" / "fees"
    merged = run(project, "reviews", "merge", review_id, cwd=folder)
    assert merged.returncode == 0, merged.stderr
    answer = ["respond", f"{review_id}-1", "--disposition", "noted", "--text", "Thanks."]
    assert run(project, *answer, cwd=folder / "reviews").returncode == 0
    assert run(project, "check", cwd=folder).returncode == 0


def test_outside_the_project_the_error_says_where_it_looked(
    project: Project, tmp_path: Path
) -> None:
    """In a git repository without mkdocs.yml, the error names the folder and the top it
    looked up to."""
    other = tmp_path / "other"
    (other / "notes").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(other)], check=True)
    done = run(project, "reviews", "merge", "20260115-zzzzzzzzzz", cwd=other / "notes")
    assert done.returncode == 1
    assert (
        f"There is no mkdocs.yml in {other.resolve() / 'notes'} and the folders above it up "
        f"to {other.resolve()}, the top of its git repository."
    ) in done.stderr
    assert "pass --repo" in done.stderr


def test_typos_get_did_you_mean(project: Project) -> None:
    """An unknown slug, tracking number or comment id suggests the one meant."""
    subprocess.run(
        ["git", "mv", "drafts/fees", "drafts/water-code"], cwd=project.repo.root, check=True
    )
    project.repo.commit("Rename")
    stage = run(project, "drafts", "stage", "watercode", "withdrawn")
    assert "There is no draft 'watercode'" in stage.stderr
    assert "Did you mean 'water-code'?" in stage.stderr
    revise = run(project, "drafts", "revise", "watercode", "-m", "x")
    assert "Did you mean 'water-code'?" in revise.stderr
    review_id = project.submit("Fifteen days is too long.", slug="water-code")
    typo = review_id[:-1] + ("a" if review_id[-1] != "a" else "b")
    merge = run(project, "reviews", "merge", typo)
    assert f"Did you mean '{review_id}'?" in merge.stderr
    cut = run(project, "reviews", "show", review_id[:-1])  # a character lost in copying
    assert "is not a tracking number" in cut.stderr
    assert f"Did you mean '{review_id}'?" in cut.stderr
    assert run(project, "reviews", "merge", review_id).returncode == 0
    answer = run(project, "respond", f"{typo}-1", "--disposition", "noted", "--text", "t")
    assert f"Did you mean {review_id}-1?" in answer.stderr
    # The likelier mistake comes first; merging a review that does not exist comes after.
    assert answer.stderr.index("Did you mean") < answer.stderr.index("merge it first")
    listed = run(project, "reviews", "list", "--draft", "watercode")
    assert "Did you mean 'water-code'?" in listed.stderr
