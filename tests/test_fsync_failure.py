"""A disk whose fdatasync fails under a running intake: strace, attached to the gunicorn
worker, makes every fdatasync fail with EIO, as a dying disk would."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from intake.spool import Spool
from tests.conftest import Repo, draft
from tests.test_reliability import BODY, OPEN, children, post_when_listening
from tests.test_server import Server, post, submission


@contextlib.contextmanager
def failing_fdatasync(pid: int) -> Iterator[None]:
    """Every fdatasync of process `pid` fails with EIO while the block runs."""
    tracer = subprocess.Popen(
        ["strace", "-f", "-qq", "-o", "/dev/null", "-p", str(pid),
         "-e", "inject=fdatasync:error=EIO"],
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while _tracer_of(pid) == 0:
            if tracer.poll() is not None:
                assert tracer.stderr is not None
                error = tracer.stderr.read().strip()
                if "Operation not permitted" in error:
                    pytest.skip(f"ptrace is not allowed here: {error}")
                pytest.fail(f"strace stopped: {error}")
            assert time.monotonic() < deadline, "strace did not attach"
            time.sleep(0.05)
        yield
    finally:
        tracer.send_signal(signal.SIGINT)  # detaches, leaving the worker running
        tracer.communicate(timeout=30)


def _tracer_of(pid: int) -> int:
    """The pid tracing `pid` (0: none), from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("TracerPid:"):
            return int(line.split()[1])
    return 0


def health(server: Server) -> int:
    try:
        with urllib.request.urlopen(server.url + "/api/v1/health", timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as err:
        return err.code


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed")
def test_a_failed_fdatasync_answers_503_until_the_worker_starts_again(tmp_path: Path) -> None:
    """A POST whose fdatasync fails answers 503 storage_unavailable, never 201; so do later
    ones, even once the disk syncs again, since what was written before may be lost; health
    says so. A worker started again recovers the spool and takes comments, and every
    review acknowledged before the failure is still there."""
    repo = Repo(tmp_path / "project")
    sha = repo.revise("fees", draft(BODY, discussion=OPEN))
    spool = tmp_path / "spool"
    server = Server(repo.root, spool, workers=1, log_dir=tmp_path)
    try:
        status, before = post(server.url, submission(sha, 1))
        assert status == 201, before
        (worker,) = children(server.process.pid)
        with failing_fdatasync(worker):
            status, unsynced = post(server.url, submission(sha, 2))
            assert (status, unsynced["error"]["code"]) == (503, "storage_unavailable"), unsynced
        status, refused = post(server.url, submission(sha, 3))
        assert (status, refused["error"]["code"]) == (503, "storage_unavailable"), refused
        assert health(server) == 503

        os.kill(worker, signal.SIGKILL)  # what a liveness probe failing on health leads to
        status, after = post_when_listening(server, submission(sha, 4))
        assert status == 201, after
        assert health(server) == 200
    finally:
        server.kill()
    stored = Spool(spool)
    assert stored.get(before["id"]) is not None and stored.get(after["id"]) is not None
    assert stored.pending()[0].id == before["id"]
    # What each refusal told the reader is true: the review whose fdatasync failed was
    # written whole and may be kept (here it was), so it was never called unstored; the one
    # refused before it was written is not in the spool.
    bodies = {review.comments[0].body for review in stored.pending()}
    assert "could not confirm" in unsynced["error"]["message"]
    assert "nothing was stored" not in unsynced["error"]["message"]
    assert "Comment number 2." in bodies
    assert "nothing was stored" in refused["error"]["message"]
    assert "Comment number 3." not in bodies
