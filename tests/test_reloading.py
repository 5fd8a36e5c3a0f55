"""The drafts a running intake checks comments against follow the repository: commits are
picked up wherever the repository keeps its `.git`, and a draft committed broken never
takes the intake down. Real git, real gunicorn with its real reload thread."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Repo, draft
from tests.test_reliability import BODY, OPEN, children, post_when_listening
from tests.test_server import Server, post, submission

REFRESH = "0.2"  # seconds between two looks at the repository


def ready(server: Server) -> tuple[int, dict[str, Any]]:
    """The status and body of `/api/v1/ready`."""
    try:
        with urllib.request.urlopen(server.url + "/api/v1/ready", timeout=10) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as err:
        return err.code, json.load(err)


def wait_until(server: Server, check: Callable[[int, dict[str, Any]], bool]) -> dict[str, Any]:
    """Poll `/api/v1/ready` until `check(status, body)` holds; fails after a minute, or
    if gunicorn stops."""
    deadline = time.monotonic() + 60
    while True:
        if server.process.poll() is not None:
            pytest.fail(f"gunicorn stopped:\n{server.log.read_text()}")
        status, body = ready(server)
        if check(status, body):
            return body
        if time.monotonic() > deadline:
            pytest.fail(f"/api/v1/ready still answers {status} {body}")
        time.sleep(0.1)


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True)
    return done.stdout.strip()


def in_subfolder(tmp_path: Path) -> tuple[Path, Path]:
    """A project in `consult/` of a larger repository: (the project, where to commit)."""
    repo = Repo(tmp_path / "repo" / "consult")
    repo.revise("fees", draft(BODY, discussion=OPEN))
    (repo.root / ".git").rename(tmp_path / "repo" / ".git")
    git(tmp_path / "repo", "add", "-A")
    git(tmp_path / "repo", "commit", "-q", "-m", "The consultation moves into consult/")
    return repo.root, repo.root


def in_worktree(tmp_path: Path) -> tuple[Path, Path]:
    """A project checked out with `git worktree add` (its `.git` is a file)."""
    repo = Repo(tmp_path / "repo")
    repo.revise("fees", draft(BODY, discussion=OPEN))
    checkout = tmp_path / "intake-checkout"
    repo.git("worktree", "add", "-q", "-b", "intake", str(checkout))
    return checkout, checkout


@pytest.mark.parametrize("layout", [in_subfolder, in_worktree], ids=["subfolder", "worktree"])
def test_a_commit_is_picked_up_wherever_git_keeps_the_repository(
    tmp_path: Path, layout: Callable[[Path], tuple[Path, Path]]
) -> None:
    """A draft edited in place and committed later is accepted at its new revision, in a
    project that is a subfolder of its repository or a git worktree: the commit itself,
    not only the edit, makes the intake reload."""
    project, checkout = layout(tmp_path)
    server = Server(project, tmp_path / "spool", workers=1, LAWTRAIL_REFRESH_SECONDS=REFRESH)
    try:
        started = ready(server)[1]["corpus"]
        time.sleep(1.1)  # `loaded_at` counts seconds: the reload below must show
        path = project / "drafts" / "fees" / "draft.md"
        path.write_text(draft(BODY.replace("15 working", "10 working"), discussion=OPEN))
        wait_until(server, lambda _, body: body["corpus"]["loaded_at"] != started["loaded_at"])
        git(checkout, "commit", "-q", "-a", "-m", "Ten days")
        head = git(checkout, "rev-parse", "HEAD")

        wait_until(server, lambda _, body: body["corpus"]["commit"] == head)

        status, body = post(server.url, submission(head))
        assert status == 201, body
    finally:
        server.kill()


def test_a_draft_committed_broken_never_takes_the_intake_down(tmp_path: Path) -> None:
    """After a commit breaks a draft, workers keep the drafts they had and say why in
    /ready; a worker that gunicorn starts again answers 503 instead of failing to boot
    (which would stop gunicorn), and loads the drafts once a commit fixes them."""
    repo = Repo(tmp_path / "project")
    sha = repo.revise("fees", draft(BODY, discussion=OPEN))
    repo.revise("roads", draft(BODY, discussion=OPEN))
    good = repo.git("rev-parse", "HEAD")
    server = Server(repo.root, tmp_path / "spool", workers=1, LAWTRAIL_REFRESH_SECONDS=REFRESH)
    try:
        repo.revise("roads", draft(BODY, stage="dicussion", discussion=OPEN), "Typo")
        body = wait_until(server, lambda _, body: body["corpus"]["error"] is not None)
        assert (
            "drafts/roads/draft.md" in body["corpus"]["error"]
            and "'stage'" in body["corpus"]["error"]
        )
        assert body["ready"] is True and body["corpus"]["commit"] == good
        assert post(server.url, submission(sha, 1))[0] == 201

        (worker,) = children(server.process.pid)
        os.kill(worker, signal.SIGKILL)
        status, refused = post_when_listening(server, submission(sha, 2))
        assert (status, refused["error"]["code"]) == (503, "unavailable"), refused
        status, body = ready(server)
        assert status == 503 and body["corpus"]["loaded"] is False
        assert "drafts/roads/draft.md" in body["corpus"]["error"]
        with urllib.request.urlopen(server.url + "/api/v1/health", timeout=10) as answer:
            assert answer.status == 200  # alive: restarting it would not help

        repo.revise("roads", draft(BODY, discussion=OPEN), "Fix the typo")
        fixed = repo.git("rev-parse", "HEAD")
        wait_until(server, lambda status, body: status == 200 and body["corpus"]["commit"] == fixed)
        assert post(server.url, submission(sha, 3))[0] == 201
        assert ready(server)[1]["corpus"]["error"] is None
    finally:
        server.kill()
