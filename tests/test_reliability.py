"""The intake tells the truth under faults: bad settings stop it at start, readiness says
what is loaded, git never runs in a request, and a full or read-only disk answers 503."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from intake import create_app
from intake.spool import Spool
from tests.conftest import Repo, draft
from tests.test_server import ROOT, Server, free_port, post, submission

BODY = "### Article 1. Fees\n\n1. A reply is due within 15 working days.\n"
OPEN = {"opens": "2026-01-01", "closes": "2099-12-31"}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Repo, str]:
    repo = Repo(tmp_path_factory.mktemp("reliability") / "project")
    return repo, repo.revise("fees", draft(BODY, discussion=OPEN))


def start_gunicorn(repo: Path, spool: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run gunicorn until it exits by itself (it should: the settings are wrong)."""
    return subprocess.run(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind",
         f"127.0.0.1:{free_port()}", "intake:create_app()"],
        cwd=ROOT,
        env={**os.environ, "LAWTRAIL_REPO": str(repo), "LAWTRAIL_SPOOL_DIR": str(spool), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        ("no-config", "LAWTRAIL_CONFIG_FILE: "),
        ("bad-config", "mkdocs.yml"),
        ("no-drafts", "drafts"),
        ("spool-is-a-file", "LAWTRAIL_SPOOL_DIR: "),
        ("bad-rate-limit", "LAWTRAIL_RATE_LIMIT: 'ten a minute' is not a rate limit"),
        ("bad-limit-storage", "LAWTRAIL_RATE_LIMIT_STORAGE_URI: 'redis:/oops' cannot be used"),
    ],
)
def test_a_bad_setting_stops_gunicorn_with_one_clear_line(
    tmp_path: Path, breakage: str, message: str
) -> None:
    """gunicorn exits non-zero at start, and its output names the setting to fix in one
    line, with no traceback."""
    repo = Repo(tmp_path / "project")
    repo.revise("fees", draft(BODY, discussion=OPEN))
    spool = tmp_path / "spool"
    if breakage == "no-config":
        (repo.root / "mkdocs.yml").unlink()
    elif breakage == "bad-config":
        (repo.root / "mkdocs.yml").write_text("site_name: [unclosed\n")
    elif breakage == "no-drafts":
        yml = repo.root / "mkdocs.yml"
        yml.write_text(yml.read_text().replace("drafts_dir: drafts", "drafts_dir: nowhere"))
    elif breakage == "spool-is-a-file":
        spool.write_text("a file where the spool folder should be")
    env = {
        "bad-rate-limit": {"LAWTRAIL_RATE_LIMIT": "ten a minute"},
        "bad-limit-storage": {"LAWTRAIL_RATE_LIMIT_STORAGE_URI": "redis:/oops"},
    }.get(breakage, {})
    done = start_gunicorn(repo.root, spool, **env)
    assert done.returncode != 0
    lines = [line for line in done.stderr.splitlines() if "StartupError: " in line]
    assert lines, done.stderr
    assert message in lines[-1]
    # gunicorn itself may print a traceback of its own halting (HaltServer); none of ours.
    ours = [line for line in done.stderr.splitlines() if line.strip().startswith('File "')]
    assert not [line for line in ours if "/intake/" in line or "/site_builder/" in line]
    assert "intake.settings.StartupError" not in done.stderr


def test_readiness_names_the_commit_and_the_free_space(
    project: tuple[Repo, str], tmp_path: Path
) -> None:
    """/ready reports the corpus's commit and the spool's room; 503 when too little is free."""
    repo, sha = project
    app = create_app({"REPO": str(repo.root), "SPOOL_DIR": str(tmp_path / "spool"),
                      "REFRESH_SECONDS": 0})  # fmt: skip
    answer = app.test_client().get("/api/v1/ready")
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["ready"] is True
    assert body["corpus"]["commit"] == repo.git("rev-parse", "HEAD")
    assert body["corpus"]["drafts"] == 1
    assert body["spool"]["free_bytes"] > body["spool"]["min_free_bytes"]
    starved = create_app({"REPO": str(repo.root), "SPOOL_DIR": str(tmp_path / "spool2"),
                          "REFRESH_SECONDS": 0, "MIN_FREE_BYTES": 10**18})  # fmt: skip
    client = starved.test_client()
    answer = client.get("/api/v1/ready")
    assert answer.status_code == 503 and answer.get_json()["spool"]["writable"] is False
    refused = client.post("/api/v1/reviews", data=submission(sha), content_type="application/json")
    assert refused.status_code == 503
    assert refused.get_json()["error"]["code"] == "storage_full"
    assert Spool(tmp_path / "spool2").pending() == []


GIT_WRAPPER = """#!/bin/sh
echo "$(date +%s.%N) start $*" >> "{log}"
exec "{git}" "$@"
"""


def test_no_git_runs_in_a_request_and_new_commits_are_picked_up(
    tmp_path: Path,
) -> None:
    """Requests start no git process; a commit made while gunicorn runs is accepted within
    the refresh interval, loaded by the background thread."""
    repo = Repo(tmp_path / "project")
    first = repo.revise("fees", draft(BODY, discussion=OPEN))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "git.log"
    real_git = subprocess.run(["which", "git"], capture_output=True, text=True).stdout.strip()
    wrapper = bin_dir / "git"
    wrapper.write_text(GIT_WRAPPER.format(log=log, git=real_git))
    wrapper.chmod(0o755)
    path = f"{bin_dir}:{os.environ['PATH']}"
    server = Server(repo.root, tmp_path / "spool", workers=2, PATH=path,
                    LAWTRAIL_REFRESH_SECONDS="1")  # fmt: skip
    try:
        # Every worker loads the drafts (running git) as it boots, the second perhaps while
        # the first already answers: wait until no git has started for two seconds.
        deadline = time.monotonic() + 30
        seen = -1
        while time.monotonic() < deadline:
            count = len(log.read_text().splitlines()) if log.exists() else 0
            if count == seen:
                break
            seen = count
            time.sleep(2)
        windows: list[tuple[float, float]] = []

        def timed(body: bytes) -> tuple[int, dict[str, Any]]:
            started = time.time()
            result = post(server.url, body)
            windows.append((started, time.time()))
            return result

        for n in range(20):
            assert timed(submission(first, n))[0] == 201
        second = repo.revise(
            "fees", draft(BODY.replace("15 working", "10 working"), discussion=OPEN)
        )
        assert timed(submission(second, 99))[0] == 422  # not loaded yet: unknown revision
        time.sleep(4)  # the refresh interval (1 s) and a reload, with no request running
        for n in range(20):
            status, body = timed(submission(second, 100 + n))
            assert status == 201, body
    finally:
        server.kill()
    starts = [float(line.split()[0]) for line in log.read_text().splitlines()]
    assert starts, "the wrapper saw no git at all: it is not on the server's PATH"
    during = [t for t in starts if any(a <= t <= b for a, b in windows)]
    assert during == []
    reloads = [t for t in starts if t > windows[21][1]] if len(windows) > 21 else []
    assert reloads == []  # no git after the reload either, while requests ran


@contextlib.contextmanager
def tmpfs(path: Path, size: str) -> Iterator[Path]:
    """A real small file system at `path` (needs root, as CI has)."""
    path.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                          capture_output=True, text=True)  # fmt: skip
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def big_submission(sha: str, n: int) -> bytes:
    """About 5 KB of comment, with an e-mail to write back to that names `n`."""
    body = f"{n} " + "The fee is too high for small farms. " * 130
    comment = {"target": {"eid": "art_1__para_1"}, "body": body}
    review = {"draft": "fees", "revision": sha, "comments": [comment]}
    return json.dumps({**review, "contact": {"email": f"voter-{n}@example.org"}}).encode()


def test_a_full_disk_answers_503_loses_nothing_and_recovers(
    project: tuple[Repo, str], tmp_path: Path
) -> None:
    """On a 6 MB tmpfs: 201s until the reserve is reached, then 503 storage_full (never a
    201 for an unsaved review, never a hang); every acknowledged review is in the journal
    with its contact and no torn record, and no refused one left its e-mail behind;
    freeing space brings 201s back without a restart."""
    repo, sha = project
    with tmpfs(tmp_path / "small", "6m") as disk:
        spool = disk / "spool"
        filler = disk / "filler"
        filler.write_bytes(b"\0" * 1_000_000)
        server = Server(
            repo.root, spool, workers=2, log_dir=tmp_path, LAWTRAIL_MIN_FREE_BYTES=str(1_000_000)
        )
        try:
            accepted: dict[str, int] = {}
            refused: list[int] = []
            codes: dict[int, int] = {}
            for n in range(2000):
                started = time.monotonic()
                status, body = post(server.url, big_submission(sha, n))
                assert time.monotonic() - started < 10
                codes[status] = codes.get(status, 0) + 1
                if status == 201:
                    accepted[body["id"]] = n
                else:
                    assert (status, body["error"]["code"]) == (503, "storage_full"), body
                    refused.append(n)
                    if codes[status] >= 20:
                        break
            assert len(accepted) > 100 and codes.get(503) == 20
            filler.unlink()
            status, body = post(server.url, big_submission(sha, 9999))
            assert status == 201, body
            accepted[body["id"]] = 9999
        finally:
            server.kill()
        stored = Spool(spool)
        assert stored.recover() == 0  # no torn record to cut
        assert [review_id for review_id in accepted if stored.get(review_id) is None] == []
        assert all(
            stored.contact(review_id) == {"email": f"voter-{n}@example.org"}
            for review_id, n in accepted.items()
        )
        kept = b"".join(path.read_bytes() for path in spool.iterdir() if path.is_file())
        assert [n for n in refused if f"voter-{n}@".encode() in kept] == []


def remount(path: Path, mode: str) -> None:
    """Put a fresh tmpfs at `path`, holding an empty `spool` folder, read-only or not
    (the one before is detached, as a disk that fails and is replaced)."""
    subprocess.run(["umount", "-l", str(path)], check=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(path)], check=True)
    (path / "spool").mkdir()
    if mode == "ro":
        # A worker's background thread may hold a file of the new disk open for a moment
        # (the kernel then refuses with EBUSY): try again, as an operator would.
        for _ in range(50):
            done = subprocess.run(["mount", "-o", "remount,ro", str(path)], check=False)
            if done.returncode == 0:
                return
            time.sleep(0.1)
        subprocess.run(["mount", "-o", "remount,ro", str(path)], check=True)


def test_a_read_only_spool_answers_503_and_recovers(
    project: tuple[Repo, str], tmp_path: Path
) -> None:
    """When the spool's file system turns read-only, POST answers 503 storage_read_only
    (nothing acknowledged); when it is writable again, 201 without a restart."""
    repo, sha = project
    with tmpfs(tmp_path / "disk", "4m") as disk:
        spool = disk / "spool"
        server = Server(
            repo.root, spool, workers=2, log_dir=tmp_path, LAWTRAIL_MIN_FREE_BYTES="1000"
        )
        try:
            assert post(server.url, submission(sha, 1))[0] == 201
            remount(disk, "ro")
            status, body = post(server.url, submission(sha, 2))
            assert (status, body["error"]["code"]) == (503, "storage_read_only"), body
            with urllib.request.urlopen(server.url + "/api/v1/health", timeout=5) as answer:
                pytest.fail(f"health said {answer.status} on a read-only spool")
        except urllib.error.HTTPError as err:
            assert err.code == 503
            remount(disk, "rw")
            status, body = post(server.url, submission(sha, 3))
            assert status == 201, body
            assert Spool(spool).get(body["id"]) is not None
        finally:
            server.kill()


def test_a_worker_restarted_on_a_read_only_spool_keeps_the_intake_up(
    project: tuple[Repo, str], tmp_path: Path
) -> None:
    """A worker that gunicorn starts again while the spool is read-only serves 503s
    instead of failing to boot (which would make gunicorn halt the whole intake), and
    takes comments again once the disk does."""
    repo, sha = project
    with tmpfs(tmp_path / "disk", "4m") as disk:
        spool = disk / "spool"
        server = Server(
            repo.root, spool, workers=1, log_dir=tmp_path, LAWTRAIL_MIN_FREE_BYTES="1000"
        )
        try:
            assert post(server.url, submission(sha, 1))[0] == 201
            remount(disk, "ro")
            (worker,) = children(server.process.pid)
            os.kill(worker, signal.SIGKILL)
            status, body = post_when_listening(server, submission(sha, 2))
            assert (status, body["error"]["code"]) == (503, "storage_read_only"), body
            remount(disk, "rw")
            status, body = post(server.url, submission(sha, 3))
            assert status == 201, body
        finally:
            server.kill()


def children(pid: int) -> list[int]:
    """The pids of a process's children, from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
    return found


def post_when_listening(server: Server, data: bytes) -> tuple[int, dict[str, Any]]:
    """POST once a worker answers (a new one may be booting); fails when gunicorn stops."""
    deadline = time.monotonic() + 60
    while True:
        if server.process.poll() is not None:
            pytest.fail(f"gunicorn stopped:\n{server.log.read_text()}")
        try:
            return post(server.url, data)
        except (ConnectionError, urllib.error.URLError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


BIDI = ["\u202e", "\u202a", "\u202b", "\u202c", "\u202d", "\u2066", "\u2067", "\u2068",
        "\u2069", "\u200b", "\u2060", "\ufeff"]  # fmt: skip


@pytest.mark.parametrize("char", BIDI, ids=lambda c: f"U+{ord(c):04X}")
@pytest.mark.parametrize("field", ["author.name", "author.organization", "body", "quote"])
def test_invisible_format_characters_are_refused_in_published_fields(
    project: tuple[Repo, str], tmp_path: Path, char: str, field: str
) -> None:
    """Bidi overrides, isolates and other invisible characters in anything published are
    refused with the field named; nothing is stored."""
    repo, sha = project
    app = create_app({"REPO": str(repo.root), "SPOOL_DIR": str(tmp_path / "spool"),
                      "REFRESH_SECONDS": 0, "RATE_LIMIT": "10000 per minute"})  # fmt: skip
    comment: dict[str, Any] = {"target": {"eid": "art_1__para_1"}, "body": "A comment."}
    review: dict[str, Any] = {"draft": "fees", "revision": sha, "comments": [comment],
                              "author": {"name": "Ann", "organization": "Union"}}  # fmt: skip
    if field == "body":
        comment["body"] = f"evil{char}exe.txt"
    elif field == "quote":
        comment["target"]["quote"] = {"exact": f"reply{char} is due"}
    else:
        review["author"][field.split(".")[1]] = f"evil{char}exe.txt"
    answer = app.test_client().post("/api/v1/reviews", data=json.dumps(review),
                                    content_type="application/json")  # fmt: skip
    assert answer.status_code == 422, answer.get_json()
    error = answer.get_json()["error"]
    assert error["code"] == "invalid_character"
    assert error["field"].endswith(field.split(".")[-1].replace("quote", "exact"))
    assert f"U+{ord(char):04X}" in error["message"]
    assert Spool(tmp_path / "spool").pending() == []


@pytest.mark.parametrize("name", ["سارة الحسيني", "שרה כהן", "Ана Öztürk", "ناصر (Nasser)"])
def test_right_to_left_names_and_comments_pass(
    project: tuple[Repo, str], tmp_path: Path, name: str
) -> None:
    """Arabic and Hebrew text, mixed with Latin, is accepted and stored as written."""
    repo, sha = project
    app = create_app({"REPO": str(repo.root), "SPOOL_DIR": str(tmp_path / "spool"),
                      "REFRESH_SECONDS": 0, "RATE_LIMIT": "10000 per minute"})  # fmt: skip
    comment = {"target": {"eid": "art_1__para_1"}, "body": f"{name}: نعم، כן."}
    review = {"draft": "fees", "revision": sha, "author": {"name": name}, "comments": [comment]}
    answer = app.test_client().post("/api/v1/reviews", data=json.dumps(review),
                                    content_type="application/json")  # fmt: skip
    assert answer.status_code == 201, answer.get_json()
    stored = Spool(tmp_path / "spool").get(answer.get_json()["id"])
    assert stored is not None and stored.name == name


def test_a_honeypot_review_reads_exactly_like_a_pending_one(
    project: tuple[Repo, str], tmp_path: Path
) -> None:
    """The status of a trapped review has the same status code and fields as a real one's."""
    repo, sha = project
    app = create_app({"REPO": str(repo.root), "SPOOL_DIR": str(tmp_path / "spool"),
                      "REFRESH_SECONDS": 0, "RATE_LIMIT": "10000 per minute"})  # fmt: skip
    client = app.test_client()
    answers = []
    for website in ("", "http://spam.example"):
        body = json.loads(submission(sha))
        body["website"] = website
        created = client.post("/api/v1/reviews", data=json.dumps(body),
                              content_type="application/json")  # fmt: skip
        assert created.status_code == 201
        status = client.get(created.get_json()["status_url"])
        answers.append((status.status_code, sorted(status.get_json()), status.get_json()["status"]))
    assert answers[0] == answers[1] == (200, ["draft", "id", "status", "submitted"], "pending")


def test_start_up_cuts_a_torn_tail_and_serves_every_acknowledged_review(
    project: tuple[Repo, str], tmp_path: Path
) -> None:
    """After a crash that left half a record at the end of the journal, gunicorn starts,
    cuts it, answers `pending` for every acknowledged review, and stores new ones after."""
    repo, sha = project
    spool = tmp_path / "spool"
    server = Server(repo.root, spool, workers=2)
    try:
        acknowledged = [post(server.url, submission(sha, n))[1]["id"] for n in range(5)]
    finally:
        server.kill()
    journal = spool / "reviews.journal"
    whole = journal.read_bytes()
    # A writer killed mid-append: the start of a record, its payload cut off.
    torn = whole[: whole.index(b"\xffLT", 1)]  # the first record, whole ...
    journal.write_bytes(whole + torn[: len(torn) // 2])  # ... half of it again, at the end
    server = Server(repo.root, spool, workers=2)
    try:
        for review_id in acknowledged:
            with urllib.request.urlopen(f"{server.url}/api/v1/reviews/{review_id}") as answer:
                assert json.load(answer)["status"] == "pending", review_id
        assert journal.read_bytes() == whole  # the torn half-record is gone, nothing else
        status, created = post(server.url, submission(sha, 99))
        assert status == 201
        with urllib.request.urlopen(f"{server.url}{created['status_url']}") as answer:
            assert json.load(answer)["status"] == "pending"
    finally:
        server.kill()
    assert {r.id for r in Spool(spool).pending()} == {*acknowledged, created["id"]}
