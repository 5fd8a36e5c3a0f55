"""Compaction of the spool: what goes, what stays, writers and SIGKILL meanwhile, the intake
and `lawtrail spool compact`. Real files, real processes, a real git repository; the cut-off
day is always given, so nothing depends on today's date."""

from __future__ import annotations

import dataclasses
import datetime as dt
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from intake import create_app
from intake.cli import main
from intake.framing import encode, scan
from intake.records import CONTACT, DECISION, REVIEW, SUSPECT, WITH_CONTACT, Decided
from intake.settings import StartupError
from intake.spool import Compaction, Spool
from intake.workspace import Workspace
from site_builder.reviews import Decision, Review
from tests.conftest import Repo
from tests.test_cli import make_project
from tests.test_spool import make_review, review_id

BEFORE = dt.date(2026, 6, 1)  # the cut-off: decided before this day goes
OLD = dt.date(2026, 1, 20)
RECENT = dt.date(2026, 6, 15)
ROOT = Path(__file__).resolve().parent.parent
HISTORY = 10_000_000  # numbers of the reviews decided long ago, apart from the writers'


def merged(number: int, commit: str | None, day: dt.date = OLD) -> Decided:
    """A merge of review `number` on `day`, made public by `commit`."""
    return Decided(review_id(number), "water-code", Decision("merged", "Mo", day), commit)


def in_git(repo: Path) -> Workspace:
    """The repository compaction asks whether a decision's commit is on `main`."""
    return Workspace(repo, repo / "drafts", "main")


def compact(spool: Spool, repo: Path) -> Compaction:
    """Compact for the cut-off `BEFORE`, asking the real repository."""
    ws = in_git(repo)
    done = spool.compact(BEFORE, lambda commits: ws.reachable(commits, "main"))
    assert done is not None  # it waits for any other compaction
    return done


def write_history(directory: Path, first: int, count: int, commit: str, day: dt.date) -> None:
    """Append `count` reviews merged on `day`, with contacts, in the journal's own record
    format: what a long consultation leaves (only while no process writes)."""
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / "reviews.journal").open("ab") as reviews:
        for number in range(first, first + count):
            review = make_review(number, body=f"decided {number}")
            contact = {"contact": {"email": "a@x.org"}}
            reviews.write(encode(WITH_CONTACT, {**review.to_data(), **contact}))
            reviews.write(encode(DECISION, merged(number, commit, day).to_data()))


def whole_records(path: Path) -> bool:
    """Whether a journal is nothing but complete, checksummed records: no torn one."""
    covered = 0

    def count(buf: bytes, start: int, end: int, base: int) -> None:
        nonlocal covered
        covered += end - start

    fd = os.open(path, os.O_RDONLY)
    try:
        size = os.fstat(fd).st_size
        scan(fd, 0, size, count)
    finally:
        os.close(fd)
    return covered == size


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    """A real git repository on `main`; its HEAD stands for the commits of the merges."""
    return Repo(tmp_path / "project")


def test_old_settled_decisions_go_and_everything_else_stays(tmp_path: Path, repo: Repo) -> None:
    """Reviews decided before the cut-off whose commit is on the branch go with their contacts
    and decisions, an old honeypot catch is cut to a stub; pending, recent, unsettled and
    unpublished ones stay, byte for byte."""
    head = repo.git("rev-parse", "HEAD")
    elsewhere = "f" * 40  # a merge made in a clone whose commit never reached this one
    kept_ops: list[tuple[str, object]] = []
    all_ops: list[tuple[str, object]] = []

    def do(op: str, arg: object, stays: bool) -> None:
        all_ops.append((op, arg))
        if stays:
            kept_ops.append((op, arg))

    for number in range(1, 9):
        stays = number not in (2, 6, 7)
        do("save", make_review(number, body=f"comment {number}"), stays)
    do("decide", merged(2, head), False)  # merged long ago, in git: goes
    do("decide", merged(3, head, RECENT), True)  # merged recently: stays
    rejected = Decision("rejected", "Mo", OLD, "spam")
    do("decide", Decided(review_id(4), "water-code", rejected, None, head), True)  # no count yet
    do("decide", merged(5, elsewhere), True)  # its commit is not in this repository
    do("group", ([review_id(6), review_id(7)], merged(6, head)), False)  # a campaign, in git
    suspects = [
        dataclasses.replace(make_review(20), submitted=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)),
        dataclasses.replace(make_review(21), submitted=dt.datetime(2026, 7, 1, tzinfo=dt.UTC)),
    ]
    for spool_dir, ops in ((tmp_path / "spool", all_ops), (tmp_path / "expected", kept_ops)):
        spool = Spool(spool_dir)
        for op, arg in ops:
            if op == "save":
                assert isinstance(arg, Review)
                spool.save(arg, {"email": f"{arg.id}@example.org"})
            elif op == "decide":
                assert isinstance(arg, Decided)
                spool.decide(arg)
            else:
                ids, decided = arg  # type: ignore[misc]
                spool.decide_copies(ids, decided)
        spool.save_suspect(suspects[1])
    spool = Spool(tmp_path / "spool")
    spool.save_suspect(suspects[0])
    stub = {"id": suspects[0].id, "draft": "water-code", "submitted": "2026-01-01T00:00:00Z"}
    with (tmp_path / "expected" / "suspects.journal").open("ab") as expected:
        expected.write(encode(SUSPECT, stub))  # the old catch, cut down

    done = compact(spool, repo.root)

    assert (done.reviews, done.unsettled, done.contacts, done.suspects) == (3, 2, 3, 1)
    assert done.bytes_after < done.bytes_before
    for reader in (spool, Spool(tmp_path / "spool")):
        assert [r.id for r in reader.pending()] == [review_id(1), review_id(8)]
        assert [d.review_id for d in reader.decisions()] == [review_id(n) for n in (3, 4, 5)]
        assert all(reader.get(review_id(n)) is None for n in (2, 6, 7))
        assert reader.contact(review_id(2)) is None
        assert reader.contact(review_id(4)) == {"email": f"{review_id(4)}@example.org"}
        assert reader.suspect(suspects[0].id) == ("water-code", "2026-01-01T00:00:00Z")
        assert reader.suspect(suspects[1].id) is not None
    assert not (tmp_path / "spool" / "contacts.journal").exists()
    for name in ("reviews.journal", "suspects.journal"):
        compacted = (tmp_path / "spool" / name).read_bytes()
        assert compacted == (tmp_path / "expected" / name).read_bytes(), name
    again = compact(Spool(tmp_path / "spool"), repo.root)
    assert (again.reviews, again.unsettled, again.contacts, again.suspects) == (0, 2, 0, 0)
    assert again.bytes_before == again.bytes_after == done.bytes_after


WRITER = """
import sys
from pathlib import Path
from intake.spool import Spool
from tests.test_spool import make_review, review_id
spool, number = Spool(Path(sys.argv[1])), int(sys.argv[2])
while True:
    spool.save(make_review(number, body=f"comment {number}"), {"email": f"{number}@x.org"})
    print(review_id(number), flush=True)  # only once the save returned: acknowledged
    number += 1
"""


class Writers:
    """Processes saving reviews into a spool without pause, each printing every id it
    saved once the save returned; `acknowledged` are the ids read so far."""

    def __init__(self, directory: Path, count: int) -> None:
        self.processes = [
            subprocess.Popen(
                [sys.executable, "-c", WRITER, str(directory), str(n * 100_000)],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                text=True,
            )
            for n in range(count)
        ]
        self.acknowledged: list[str] = []

    def wait_for(self, count: int) -> list[str]:
        """Read acknowledgements until there are `count`, in turn from each writer."""
        while len(self.acknowledged) < count:
            for process in self.processes:
                assert process.stdout is not None
                self.acknowledged.append(process.stdout.readline().strip())
        return self.acknowledged

    def kill(self) -> list[str]:
        """SIGKILL them mid-save; every id they acknowledged (a line cut short is not one)."""
        for process in self.processes:
            process.send_signal(signal.SIGKILL)
        for process in self.processes:
            assert process.stdout is not None
            lines = process.stdout.read().split("\n")
            self.acknowledged += [line for line in lines[:-1] if line]  # the last has no newline
            process.stdout.close()
            process.wait(10)
        return self.acknowledged


def test_writers_in_other_processes_lose_nothing_while_the_journal_is_replaced(
    tmp_path: Path, repo: Repo
) -> None:
    """Three processes save without pause while their reviews are decided and compacted away
    five times: every review acknowledged and not decided is there, and no record is torn."""
    head = repo.git("rev-parse", "HEAD")
    spool_dir = tmp_path / "spool"
    write_history(spool_dir, HISTORY, 3000, head, OLD)
    writers = Writers(spool_dir, 3)
    spool = Spool(spool_dir)
    decided: set[str] = set()
    for _ in range(5):
        acknowledged = writers.wait_for(len(decided) + 40)
        batch = [i for i in acknowledged if i not in decided][:20]
        spool.decide_copies(batch, merged(int(batch[0][-10:]), head))  # one campaign
        decided.update(batch)
        assert compact(spool, repo.root).reviews >= len(batch)
    acknowledged = writers.kill()
    spool = Spool(spool_dir)
    spool.recover()
    pending = {r.id for r in spool.pending()}
    assert set(acknowledged) - decided <= pending
    assert not decided & pending and spool.get(review_id(HISTORY)) is None
    assert all(spool.contact(i) is not None for i in set(acknowledged) - decided)
    assert whole_records(spool_dir / "reviews.journal")


COMPACTOR = """
import datetime as dt, sys
from pathlib import Path
from intake.spool import Compaction, Spool
from intake.workspace import Workspace
spool, ws = Spool(Path(sys.argv[1])), Workspace(Path(sys.argv[2]), Path(sys.argv[2]), "main")
spool.pending()
print("read", flush=True)
done = spool.compact(dt.date(2026, 6, 1), lambda commits: ws.reachable(commits, "main"))
print("done", done.reviews, flush=True)
"""


HISTORY_SIZE = 4000  # reviews decided long ago, in the journal SIGKILL interrupts
SHARES = (0.1, 0.3, 0.5, 0.7, 0.9, 1.2)  # kill after these parts of its time


def compactor(spool_dir: Path, repo: Path) -> subprocess.Popen[str]:
    """A process that reads the spool, says so, then compacts it."""
    return subprocess.Popen(
        [sys.executable, "-c", COMPACTOR, str(spool_dir), str(repo)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )


def test_sigkill_during_compaction_loses_no_acknowledged_review(tmp_path: Path, repo: Repo) -> None:
    """A compaction of a large journal SIGKILLed after varied delays, while another process
    saves: afterwards every acknowledged review is pending, the journals hold only whole
    records, the decided history is either all there or all gone, and a compaction that
    completes drops it and keeps the recent decisions."""
    head = repo.git("rev-parse", "HEAD")
    origin = tmp_path / "origin"
    Spool(origin).save(make_review(1, body="before the history"), {"email": "1@x.org"})
    write_history(origin, HISTORY, HISTORY_SIZE, head, OLD)
    write_history(origin, 2 * HISTORY, 50, head, RECENT)
    trial = tmp_path / "trial"
    shutil.copytree(origin, trial)
    with compactor(trial, repo.root) as process:
        assert process.stdout is not None and process.stdout.readline() == "read\n"
        started = time.monotonic()
        assert process.stdout.readline() == f"done {HISTORY_SIZE}\n"
        span = time.monotonic() - started  # how long the compaction itself takes here
    assert process.returncode == 0

    for run, share in enumerate(SHARES):
        spool_dir = tmp_path / f"run-{run}"
        shutil.copytree(origin, spool_dir)
        writers = Writers(spool_dir, 1)
        with compactor(spool_dir, repo.root) as process:
            writers.wait_for(1)
            assert process.stdout is not None and process.stdout.readline() == "read\n"
            time.sleep(span * share)
            process.send_signal(signal.SIGKILL)
        writers.wait_for(len(writers.acknowledged) + 1)  # it goes on after the kill
        acknowledged = writers.kill()
        spool = Spool(spool_dir)
        spool.recover()
        assert whole_records(spool_dir / "reviews.journal")
        pending = {r.id for r in spool.pending()}
        assert {review_id(1), *acknowledged} <= pending
        assert all(spool.contact(i) is not None for i in acknowledged)
        assert len(spool.decisions()) in (HISTORY_SIZE + 50, 50)  # one swap: all or nothing
        compact(spool, repo.root)
        assert {review_id(1), *acknowledged} <= {r.id for r in spool.pending()}
        assert [d.decision.date for d in spool.decisions()] == [RECENT] * 50
        assert spool.get(review_id(HISTORY)) is None and spool.contact(review_id(HISTORY)) is None
        shutil.rmtree(spool_dir)


def test_the_intake_compacts_its_spool_when_it_starts(tmp_path: Path) -> None:
    """An intake started on a spool with a review merged years ago (in git) drops it in the
    background, keeps the pending one, and answers as before."""
    project = make_project(tmp_path)
    merged_id = project.submit("Merged long ago.", email="old@example.org")
    pending_id = project.submit("Still waiting.")
    head = project.repo.git("rev-parse", "HEAD")
    decision = Decision("merged", "Mo", dt.date(2001, 1, 2))  # older than any retention
    Spool(project.spool_dir).decide(Decided(merged_id, "fees", decision, head))
    app = create_app(
        {"REPO": str(project.repo.root), "SPOOL_DIR": str(project.spool_dir), "REFRESH_SECONDS": 0}
    )
    deadline = time.monotonic() + 60
    while Spool(project.spool_dir).get(merged_id) is not None and time.monotonic() < deadline:
        time.sleep(0.1)
    spool = Spool(project.spool_dir)
    assert spool.get(merged_id) is None and spool.contact(merged_id) is None
    assert [r.id for r in spool.pending()] == [pending_id]
    answer = app.test_client().get(f"/api/v1/reviews/{pending_id}")
    assert answer.status_code == 200 and answer.get_json()["status"] == "pending"


@pytest.mark.parametrize("value", ["a month", "-3", "1.5"])
def test_a_bad_retention_stops_the_intake_naming_the_setting(tmp_path: Path, value: str) -> None:
    """LAWTRAIL_SPOOL_RETENTION_DAYS that is not a number of days stops start-up, saying so."""
    project = make_project(tmp_path)
    config = {"REPO": str(project.repo.root), "SPOOL_DIR": str(project.spool_dir)}
    with pytest.raises(StartupError, match=r"^LAWTRAIL_SPOOL_RETENTION_DAYS: .* or to 0 to keep"):
        create_app({**config, "REFRESH_SECONDS": 0, "SPOOL_RETENTION_DAYS": value})


def test_lawtrail_spool_compact_says_what_it_dropped_and_what_waits(tmp_path: Path) -> None:
    """The command drops a review merged long ago, keeps a rejection whose count is not
    committed, and says so; with a retention of 0 it asks for --days."""
    project = make_project(tmp_path)
    gone, waiting, pending = (project.submit(f"Comment {n}.") for n in range(3))
    head = project.repo.git("rev-parse", "HEAD")
    spool = Spool(project.spool_dir)
    spool.decide(Decided(gone, "fees", Decision("merged", "Mo", dt.date(2001, 1, 2)), head))
    rejected = Decision("rejected", "Mo", dt.date(2001, 1, 2), "spam")
    spool.decide(Decided(waiting, "fees", rejected, None, head))

    result = project.lawtrail("spool", "compact", "--days", "30")

    assert result.exit_code == 0, result.output
    assert "Dropped 1 review(s) decided before" in result.stdout
    assert "1 review(s) decided before" in result.stderr
    assert "stay until their commit is on branch main" in result.stderr
    spool = Spool(project.spool_dir)
    assert spool.get(gone) is None and spool.get(waiting) is not None
    assert [r.id for r in spool.pending()] == [pending]
    options = ["--repo", str(project.repo.root), "--spool", str(project.spool_dir)]
    off = CliRunner(env={"LAWTRAIL_SPOOL_RETENTION_DAYS": "0"}).invoke(
        main, [*options, "spool", "compact"]
    )
    assert off.exit_code == 1 and "Pass --days N" in off.output


def test_a_compacted_honeypot_catch_still_reads_exactly_as_a_pending_review(
    tmp_path: Path,
) -> None:
    """Long past the retention period, a trapped review's status answers as a pending
    review's does (status code, headers, every field but the id); only a stub of it is
    kept, and later compactions keep that stub."""
    project = make_project(tmp_path)
    spool = Spool(project.spool_dir)
    real = make_review(1, draft="fees", body="A real comment, waiting for a moderator.")
    caught = make_review(2, draft="fees", body="Cheap pills at spam.example")
    assert real.submitted == caught.submitted  # received the same moment, long ago
    spool.save(real)
    spool.save_suspect(caught)

    for cut in (1, 0):
        done = project.lawtrail("spool", "compact", "--days", "30")
        assert done.exit_code == 0, done.output
        assert f"cut {cut} honeypot catch(es)" in done.stdout

    journal = (project.spool_dir / "suspects.journal").read_bytes()
    assert caught.id.encode() in journal and b"Cheap pills" not in journal
    app = create_app(
        {"REPO": str(project.repo.root), "SPOOL_DIR": str(project.spool_dir), "REFRESH_SECONDS": 0}
    )
    client = app.test_client()
    pending, trapped = (client.get(f"/api/v1/reviews/{r.id}") for r in (real, caught))
    assert pending.status_code == trapped.status_code == 200
    assert dict(pending.headers) == dict(trapped.headers)
    assert pending.get_json()["status"] == "pending"
    assert pending.get_json() == {**trapped.get_json(), "id": real.id}


def test_contacts_an_older_version_kept_apart_are_read_and_compacted(
    tmp_path: Path, repo: Repo
) -> None:
    """A `contacts.journal` from before contacts went into their review's record is still
    read; compaction drops the contacts of dropped reviews and the old orphans a failed save
    left, and keeps a recent orphan (a save an older process may still be making)."""
    head = repo.git("rev-parse", "HEAD")
    spool_dir = tmp_path / "spool"
    spool_dir.mkdir()
    decided, waiting = make_review(1), make_review(2)
    orphan, recent = review_id(3), review_id(4, day=RECENT.strftime("%Y%m%d"))
    with (spool_dir / "reviews.journal").open("ab") as reviews:
        for review in (decided, waiting):
            reviews.write(encode(REVIEW, review.to_data()))
        reviews.write(encode(DECISION, merged(1, head).to_data()))
    with (spool_dir / "contacts.journal").open("ab") as contacts:
        for number in (decided.id, waiting.id, orphan, recent):
            contacts.write(encode(CONTACT, {"id": number, "contact": {"email": f"{number}@x"}}))
    spool = Spool(spool_dir)
    assert spool.contact(waiting.id) == {"email": f"{waiting.id}@x"}

    done = compact(spool, repo.root)

    assert (done.reviews, done.contacts, done.orphans) == (1, 1, 1)
    stored = (spool_dir / "contacts.journal").read_bytes()
    assert decided.id.encode() not in stored and orphan.encode() not in stored
    assert recent.encode() in stored and whole_records(spool_dir / "contacts.journal")
    for reader in (spool, Spool(spool_dir)):
        assert reader.contact(waiting.id) == {"email": f"{waiting.id}@x"}
        assert reader.contact(decided.id) is None and reader.contact(orphan) is None
        assert [r.id for r in reader.pending()] == [waiting.id]


NOBODY = 65534  # the user an intake runs as, here: not the operator who compacts


def _as_nobody(directory: Path, number: int) -> None:
    """Child process: become the intake's user, save a review, and compact without waiting."""
    os.setgid(NOBODY)
    os.setuid(NOBODY)
    spool = Spool(directory)
    spool.save(make_review(number), {"email": f"{number}@x.org"})
    spool.compact(BEFORE, lambda commits: set(), wait=False)


def _run_as_nobody(directory: Path, number: int) -> None:
    child = multiprocessing.get_context("fork").Process(target=_as_nobody, args=(directory, number))
    child.start()
    child.join(60)
    assert child.exitcode == 0, f"the intake's user could not use the spool (exit {child.exitcode})"


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can act as two users")
def test_root_compacting_an_intakes_spool_leaves_it_the_intakes(repo: Repo) -> None:
    """An operator who runs the compaction as root leaves each journal, and the outcomes it
    keeps, with the journal's owner, group and mode, so the intake, running as its own
    user, goes on saving and compacting."""
    head = repo.git("rev-parse", "HEAD")
    folder = Path(tempfile.mkdtemp())
    try:
        folder.chmod(0o755)  # a user other than root must reach the spool inside it
        spool_dir = folder / "spool"
        spool_dir.mkdir()
        os.chown(spool_dir, NOBODY, NOBODY)
        _run_as_nobody(spool_dir, 1)
        _run_as_nobody(spool_dir, 2)
        journal = spool_dir / "reviews.journal"
        journal.chmod(0o640)
        Spool(spool_dir).decide(merged(1, head))

        done = compact(Spool(spool_dir), repo.root)  # as root

        assert done.reviews == 1
        stat = journal.stat()
        assert (stat.st_uid, stat.st_gid, stat.st_mode & 0o777) == (NOBODY, NOBODY, 0o640)
        outcomes = spool_dir / "outcomes"
        for path, mode in ((outcomes, 0o750), (outcomes / "20260115.jsonl", 0o640)):
            stat = path.stat()  # the intake rewrites them when it compacts next
            assert (stat.st_uid, stat.st_gid, stat.st_mode & 0o777) == (NOBODY, NOBODY, mode)
        _run_as_nobody(spool_dir, 3)
        assert [r.id for r in Spool(spool_dir).pending()] == [review_id(2), review_id(3)]
    finally:
        shutil.rmtree(folder)
