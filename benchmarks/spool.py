"""Spool start-up as decided history grows: a spool of P pending reviews and D reviews
decided long ago, before and after compaction, against a spool of the P pending reviews
alone, measured in the same run; and the compaction itself.

Start-up is what each intake worker does first: open the spool, recover it and read every
pending review (`Spool(...)`, `recover()`, `pending()`), median of several runs. The
journals are written in the spool's own record format; the decisions' commit is a real one
in a real git repository, which compaction asks (`git rev-list`). While it compacts,
another thread saves reviews without pause, as intake workers would: the figures say how
long a save waited, and those reviews are pending in both spools compared afterwards.
Last, what compaction kept of the decided reviews for their status (`<spool>/outcomes/`, not
read at start-up) and how long the status takes to find one there.

    .venv/bin/python benchmarks/spool.py [--pending 1000] [--decided 100000] [--runs 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from intake.framing import encode
from intake.records import DECISION, WITH_CONTACT, Decided
from intake.spool import Spool
from intake.workspace import Workspace
from site_builder.reviews import Author, Comment, Decision, Review, Target

TARGET_RATIO = 1.5  # start-up after compaction, against the pending reviews alone
RECEIVED = dt.datetime(2026, 1, 15, 10, 0, tzinfo=dt.UTC)
DECIDED_ON = dt.date(2026, 1, 20)
COMPACT_BEFORE = dt.date(2026, 6, 1)  # decided more than 30 days before 2026-07-01
BODY = "Article 5 should allow twenty days, not ten, for municipalities to respond. " * 3


def review(number: int) -> Review:
    """A review of one comment of a few hundred bytes, as readers submit them."""
    review_id = f"20260115-{number:010d}"
    target = Target("art_5__para_2", "art_5__para_2")
    comment = Comment(f"{review_id}-1", target, f"{BODY}({number})")
    author = Author(f"Reader {number % 997}", "Citizens' Union")
    return Review(review_id, "water-code", "0" * 40, RECEIVED, (comment,), author)


def with_contact(item: Review, number: int) -> dict[str, object]:
    """The journal record of a review saved with an e-mail to write back to."""
    return {**item.to_data(), "contact": {"email": f"r{number}@example.org"}}


def pending_records(count: int) -> Iterator[bytes]:
    for number in range(count):
        item = review(number)
        yield encode(WITH_CONTACT, with_contact(item, number))


def decided_records(count: int, commit: str) -> Iterator[bytes]:
    for number in range(10_000_000, 10_000_000 + count):
        item = review(number)
        yield encode(WITH_CONTACT, with_contact(item, number))
        decision = Decision("merged", "Mona Moderator", DECIDED_ON)
        yield encode(DECISION, Decided(item.id, item.draft, decision, commit).to_data())


def write_spool(directory: Path, *records: Iterator[bytes]) -> None:
    """A spool whose journal holds these records, as saves would leave it."""
    directory.mkdir(parents=True)
    with (directory / "reviews.journal").open("wb") as reviews:
        for source in records:
            for record in source:
                reviews.write(record)


def start_up(directory: Path) -> tuple[float, int]:
    """Seconds to open, recover and read a spool, as a worker does when it starts (in a new
    process, so nothing of an earlier run is in memory), and the pending reviews read."""
    code = (
        "import sys, time\n"
        "from intake.spool import Spool\n"
        "started = time.perf_counter()\n"
        "spool = Spool(sys.argv[1])\n"
        "spool.recover()\n"
        "count = len(spool.pending())\n"
        "print(time.perf_counter() - started, count)\n"
    )
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-c", code, str(directory)],
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
    )
    seconds, count = done.stdout.split()
    return float(seconds), int(count)


def start_ups(directories: list[Path], runs: int, pending: int) -> list[float]:
    """The median start-up of each spool, their runs taken in turn so that a noisy moment
    weighs on all of them alike; each must read `pending` reviews."""
    os.sync()  # what was just written goes to disk now, not during a measurement
    times: list[list[float]] = [[] for _ in directories]
    for _ in range(runs):
        for directory, seconds in zip(directories, times, strict=True):
            took, count = start_up(directory)
            assert count == pending, (directory, count, pending)
            seconds.append(took)
    return [statistics.median(seconds) for seconds in times]


class Saves:
    """A thread saving reviews into a spool without pause, timing each save, as intake
    workers do while the spool is compacted: how long the swap makes them wait."""

    def __init__(self, directory: Path) -> None:
        self.seconds: list[float] = []
        self.numbers: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(Spool(directory),))
        self._thread.start()

    def stop(self) -> list[float]:
        self._stop.set()
        self._thread.join()
        return self.seconds

    def _run(self, spool: Spool) -> None:
        number = 20_000_000
        while not self._stop.is_set():
            item = review(number)
            started = time.perf_counter()
            spool.save(item, {"email": "saved@example.org"})
            self.seconds.append(time.perf_counter() - started)
            self.numbers.append(number)
            number += 1


def repository(root: Path) -> Workspace:
    """A git repository with one commit, standing for the merges of the decided reviews."""
    (root / "drafts").mkdir(parents=True)
    (root / "drafts" / "README").write_text("reviews\n", encoding="utf-8")
    for args in (
        ["init", "-q", "-b", "main"],
        ["-c", "user.name=Bench", "-c", "user.email=bench@example.org", "add", "-A"],
        ["-c", "user.name=Bench", "-c", "user.email=bench@example.org", "commit", "-qm", "x"],
    ):
        subprocess.run(["git", *args], cwd=root, check=True)
    return Workspace(root, root / "drafts", "main")


def journals(directory: Path) -> int:
    return sum(p.stat().st_size for p in directory.glob("*.journal"))


def outcomes(directory: Path, decided: int) -> str:
    """What compaction kept of the decided reviews for their status, and how long finding
    one takes (median of 1,000 lookups of numbers spread over the history)."""
    size = sum(p.stat().st_size for p in (directory / "outcomes").iterdir())
    spool = Spool(directory)
    numbers = range(10_000_000, 10_000_000 + decided, max(1, decided // 1000))
    seconds = []
    for number in numbers:
        started = time.perf_counter()
        found = spool.outcome(review(number).id)
        seconds.append(time.perf_counter() - started)
        assert found is not None and found.status == "merged", number
    return (
        f"outcomes kept for their status: {decided:,} in {size / 1e6:.1f} MB "
        f"({size / decided:.0f} bytes each); finding one: "
        f"{statistics.median(seconds) * 1e6:.0f} µs (median of {len(seconds):,})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pending", type=int, default=1000)
    parser.add_argument("--decided", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="lawtrail-spool-"))
    try:
        ws = repository(work / "project")
        commit = ws.git("rev-parse", "HEAD")
        baseline, grown = work / "baseline", work / "grown"
        write_spool(baseline, pending_records(args.pending))
        write_spool(grown, decided_records(args.decided, commit), pending_records(args.pending))
        size = journals(grown)
        alone, uncompacted = start_ups([baseline, grown], args.runs, args.pending)
        spool = Spool(grown)
        spool.recover()  # a running intake has read its spool already
        saves = Saves(grown)
        started = time.perf_counter()
        done = spool.compact(COMPACT_BEFORE, lambda commits: ws.reachable(commits, "HEAD"))
        compaction = time.perf_counter() - started
        during = saves.stop()
        assert done is not None and done.reviews == args.decided, done
        base = Spool(baseline)  # the same pending reviews as the compacted spool now holds
        for number in saves.numbers:
            base.save(review(number), {"email": "saved@example.org"})
        pending = args.pending + len(during)
        alone_after, compacted = start_ups([baseline, grown], args.runs, pending)
        print(
            f"Spool start-up (open, recover, read; median of {args.runs} runs, each in a new "
            f"process): {args.pending:,} pending reviews and {args.decided:,} decided long ago"
        )
        print(f"  the pending reviews alone (baseline):  {alone * 1000:8.1f} ms")
        print(
            f"  with the decided history:              {uncompacted * 1000:8.1f} ms "
            f"= {uncompacted / alone:.1f}x the baseline (journals {size / 1e6:.1f} MB)"
        )
        print(
            f"compaction: {compaction:.2f} s, dropping {done.reviews:,} reviews and "
            f"{done.contacts:,} contacts; meanwhile another thread saved {len(during)} reviews, "
            f"median {statistics.median(during) * 1000:.0f} ms, longest "
            f"{max(during) * 1000:.0f} ms"
        )
        print(f"after compaction, {pending:,} pending reviews (those saved meanwhile included):")
        print(f"  the pending reviews alone (baseline):  {alone_after * 1000:8.1f} ms")
        print(
            f"  the compacted spool:                   {compacted * 1000:8.1f} ms "
            f"= {compacted / alone_after:.2f}x the baseline (journals "
            f"{journals(grown) / 1e6:.2f} MB)"
        )
        print(outcomes(grown, args.decided))
        ratio = compacted / alone_after
        verdict = "ok" if ratio <= TARGET_RATIO else "NOT FLAT"
        print(f"target: start-up after compaction <= {TARGET_RATIO}x the baseline: {verdict}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
