"""Moderation killed at its crash points: a real `lawtrail` process SIGKILLs itself (the
test-only LAWTRAIL_TEST_CRASH_AT hook) before or after its git commit; the next command
then leaves each review with exactly one outcome, nothing lost, and the status API true."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from intake import create_app
from intake.moderation import CRASH_ENV
from intake.spool import Spool
from tests.test_cli import Project, make_project

OUTCOME = {"merge": "merged", "reject": "rejected"}
SUBJECT = {"merge": "Merge review {id} on", "reject": "Reject review {id}: spam"}


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """The draft `fees` in discussion, and an empty spool (as in test_cli)."""
    return make_project(tmp_path)


def run(project: Project, *args: str, crash: str | None = None) -> subprocess.CompletedProcess[str]:
    """`lawtrail` in its own process, told to kill itself at `crash` if given."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop(CRASH_ENV, None)
    if crash:
        env[CRASH_ENV] = crash
    options = ["--repo", str(project.repo.root), "--spool", str(project.spool_dir)]
    return subprocess.run(
        [sys.executable, "-m", "intake.cli", *options, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def command(action: str, review_id: str) -> list[str]:
    """The arguments that merge or reject one review."""
    extra = ["--reason", "spam"] if action == "reject" else []
    return ["reviews", action, review_id, *extra]


def api_status(project: Project, review_id: str) -> str:
    """What GET /api/v1/reviews/<id> says, from a freshly started intake."""
    app = create_app(
        {"REPO": str(project.repo.root), "SPOOL_DIR": str(project.spool_dir), "REFRESH_SECONDS": 0}
    )
    answer = app.test_client().get(f"/api/v1/reviews/{review_id}").get_json()
    return str(answer["status"])


def commits(project: Project, action: str, review_id: str) -> list[str]:
    """The shas of the commits that merged or rejected the review, newest first."""
    subject = SUBJECT[action].format(id=review_id)
    log = project.repo.git("log", "--format=%H %s")
    return [line[:40] for line in log.splitlines() if line[41:].startswith(subject)]


@pytest.mark.parametrize("action", ["merge", "reject"])
@pytest.mark.parametrize("point", ["before-commit", "after-commit"])
def test_a_killed_moderator_leaves_exactly_one_outcome(
    project: Project,
    action: str,
    point: str,
) -> None:
    """Killed at either crash point, a merge or rejection ends done once by the next command."""
    review_id = project.submit("Fifteen days is too long.")
    other = project.submit("Say who replies.")
    head = project.repo.git("rev-parse", "HEAD")

    killed = run(project, *command(action, review_id), crash=point)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    committed = point == "after-commit"
    assert (project.repo.git("rev-parse", "HEAD") != head) == committed
    assert len(commits(project, action, review_id)) == int(committed)
    assert project.repo.git("status", "--porcelain", "--untracked-files=all") == ""
    # Truthful at once: git says merged; a rejection is in the spool before its commit.
    decided = action == "reject" or committed
    assert api_status(project, review_id) == (OUTCOME[action] if decided else "pending")

    # The next moderation command, on another review, settles the interrupted one first.
    restarted = run(project, "reviews", "merge", other)
    assert restarted.returncode == 0, restarted.stderr
    if decided:
        assert f"Review {review_id}" in restarted.stderr and "interrupted" in restarted.stderr
    again = run(project, *command(action, review_id))
    if decided:
        assert again.returncode == 1 and "already" in again.stderr, again.stderr
    else:
        assert again.returncode == 0, again.stderr

    done = commits(project, action, review_id)
    assert len(done) == 1
    found = Spool(project.spool_dir).decision(review_id)
    assert found is not None and found.decision.status == OUTCOME[action]
    assert found.commit == done[0]
    assert api_status(project, review_id) == OUTCOME[action]
    assert api_status(project, other) == "merged"
    assert Spool(project.spool_dir).pending() == []
    if action == "reject":
        counts = project.repo.root / "drafts" / "fees" / "reviews" / "rejected.yml"
        assert yaml.safe_load(counts.read_text(encoding="utf-8")) == {"reasons": {"spam": 1}}
    else:
        assert project.merged(review_id)["moderation"]["status"] == "merged"
    assert project.repo.git("status", "--porcelain", "--untracked-files=all") == ""
