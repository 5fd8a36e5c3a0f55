"""The spool: exact round trips, contacts apart, duplicate grouping, torn records, crashes."""

from __future__ import annotations

import dataclasses
import datetime
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pytest

from intake.spool import Decided, Spool, SpoolError
from site_builder.reviews import (
    REVIEW_ID,
    Author,
    Comment,
    Decision,
    Quote,
    Review,
    ReviewError,
    Target,
)

HOSTILE = [
    "!!python/object/apply:os.system ['echo pwned']",
    "---\n...\n",
    "yes",
    "no",
    "~",
    "null",
    "0x1F",
    "1e3",
    "a\x00b",
    "line\u2028separator\u2029paragraph",
    "\u202eevil\u202c \u2066isolate\u2069 \u200f",
    "Статья 5. Право на воду — «кавычки»",
    "tab\tcr\rnl\n",
    "  leading and trailing  ",
    '"quoted" \\ backslash',
    "emoji \U0001f600 and lone surrogate \udcff",
]


def review_id(number: int, day: str = "20260115") -> str:
    """A valid tracking number, unique for each `number`."""
    return f"{day}-{number:010d}"


def make_review(number: int, draft: str = "water-code", body: str = "Too strict.") -> Review:
    """A review of one comment with the fields the schema requires."""
    return Review(
        id=review_id(number),
        draft=draft,
        revision="0123456789abcdef0123456789abcdef01234567",
        submitted=datetime.datetime(2026, 1, 15, 10, tzinfo=datetime.UTC),
        comments=(Comment(f"{review_id(number)}-1", Target("art_5", "art_5"), body),),
    )


def test_round_trip_keeps_hostile_strings_exactly(tmp_path: Path) -> None:
    """A saved review comes back equal, hostile strings included, here and in a fresh spool."""
    spool = Spool(tmp_path / "spool")
    first = make_review(1, body="\n".join(HOSTILE)).comments[0]
    quoted = Target(HOSTILE[2], HOSTILE[3], Quote(HOSTILE[8], HOSTILE[11], HOSTILE[15]))
    second = Comment("x-2", quoted, HOSTILE[9], HOSTILE[1], HOSTILE[12])
    review = dataclasses.replace(
        make_review(1),
        comments=(first, second),
        author=Author(HOSTILE[0], HOSTILE[10]),
    )
    spool.save(review)
    assert spool.get(review.id) == review
    assert spool.pending() == [review]
    assert Spool(tmp_path / "spool").get(review.id) == review


def test_decision_files_of_older_versions_move_into_the_journal(tmp_path: Path) -> None:
    """A `decisions/` folder left by an older lawtrail becomes journal records, then goes."""
    spool = Spool(tmp_path)
    for number in range(3):
        spool.save(make_review(number))
    (tmp_path / "decisions").mkdir()
    (tmp_path / "decisions" / f"{review_id(0)}.yml").write_text(
        f"id: {review_id(0)}\ndraft: water-code\nstatus: merged\nby: Mo\ndate: '2026-01-20'\n"
        f"commit: {'ab' * 20}\n"
    )
    (tmp_path / "decisions" / f"{review_id(1)}.yml").write_text(
        f"id: {review_id(1)}\ndraft: water-code\nstatus: rejected\nby: Mo\ndate: '2026-01-20'\n"
        "reason: spam\ncommit: null\n"
    )
    moved = Spool(tmp_path)
    assert not (tmp_path / "decisions").exists()
    assert [r.id for r in moved.pending()] == [review_id(2)]
    merged = moved.decision(review_id(0))
    assert merged is not None and merged.commit == "ab" * 20
    assert merged.decision == Decision("merged", "Mo", datetime.date(2026, 1, 20))
    rejected = moved.decision(review_id(1))
    assert rejected is not None and rejected.decision.reason == "spam"
    assert [r.id for r in spool.pending()] == [review_id(2)]


def test_pending_is_oldest_first_and_filters_by_draft(tmp_path: Path) -> None:
    """Pending lists reviews in the order they were saved, optionally of one draft only."""
    spool = Spool(tmp_path)
    for number in range(6):
        spool.save(make_review(number, draft="water-code" if number % 2 else "land-code"))
    assert [r.id for r in spool.pending()] == [review_id(n) for n in range(6)]
    assert [r.id for r in spool.pending("water-code")] == [review_id(n) for n in (1, 3, 5)]
    assert spool.get(review_id(99)) is None


def test_a_contact_is_kept_with_its_review_but_never_in_it(tmp_path: Path) -> None:
    """The e-mail is stored in its review's record, so neither is ever stored without the
    other, yet it is no part of the review that moderation reads and publishes."""
    spool = Spool(tmp_path)
    review = make_review(1)
    spool.save(review, {"email": "voter.ivanova@example.kz"})
    spool.save(make_review(2))
    for reader in (spool, Spool(tmp_path)):
        assert reader.contact(review.id) == {"email": "voter.ivanova@example.kz"}
        assert reader.get(review.id) == review and reader.pending()[0] == review
        assert "voter.ivanova" not in str(reader.get(review.id))
        assert reader.contact(review_id(2)) is None
    assert sorted(p.name for p in tmp_path.glob("*.journal")) == ["reviews.journal"]


# strace logs every fdatasync of the child: what one durable round costs.
COUNTED_SAVES = """
import sys
from pathlib import Path
from intake.spool import Spool
from tests.test_spool import make_review
spool = Spool(Path(sys.argv[1]))
for number in range(5):
    spool.save(make_review(number), {"email": f"voter{number}@example.org"})
"""


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed")
def test_a_review_with_its_contact_is_made_durable_by_one_fdatasync(tmp_path: Path) -> None:
    """Five saves with contacts, one after another, cost five fdatasyncs, not ten: a
    review and its contact wait for the disk once."""
    log = tmp_path / "strace.log"
    done = subprocess.run(
        ["strace", "-f", "-qq", "-o", str(log), "-e", "trace=fdatasync",
         sys.executable, "-c", COUNTED_SAVES, str(tmp_path / "spool")],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parent.parent,
    )  # fmt: skip
    if "Operation not permitted" in done.stderr:
        pytest.skip(f"ptrace is not allowed here: {done.stderr.strip()}")
    assert done.returncode == 0, done.stderr
    calls = [line for line in log.read_text().splitlines() if "fdatasync(" in line]
    assert len(calls) == 5, calls
    spool = Spool(tmp_path / "spool")
    assert [spool.contact(review_id(n)) for n in range(5)] == [
        {"email": f"voter{n}@example.org"} for n in range(5)
    ]


def test_a_decided_review_is_not_saved_as_pending(tmp_path: Path) -> None:
    """Saving a review that carries a decision raises: decisions are recorded with decide()."""
    review = make_review(1).merged("Mona", datetime.date(2026, 1, 20))
    with pytest.raises(ValueError, match=r"use decide\(\)"):
        Spool(tmp_path).save(review)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"id": "not-a-number"}, r"field 'id' is 'not-a-number'; expected a tracking number"),
        ({"comments": ()}, r"field 'comments' is \[\]; expected a list of comments"),
        ({"revision": "abc"}, r"field 'revision' is 'abc'; expected a full 40-character"),
        ({"draft": " "}, r"field 'draft' is ' '; expected a non-empty text"),
    ],
)
def test_bad_reviews_are_refused_with_the_field_named(
    tmp_path: Path, change: dict[str, Any], message: str
) -> None:
    """A review the reader would not give back as it is is refused, naming the field."""
    spool = Spool(tmp_path)
    with pytest.raises(ReviewError, match=message):
        spool.save(dataclasses.replace(make_review(1), **change))
    assert spool.pending() == []


def test_decisions_are_journal_records_and_the_last_one_wins(tmp_path: Path) -> None:
    """A decision takes a review off the pending list, in this spool and in a fresh one."""
    spool = Spool(tmp_path)
    for number in range(3):
        spool.save(make_review(number))
    day = datetime.date(2026, 1, 20)
    rejected = Decided(review_id(1), "water-code", Decision("rejected", "Mo", day, "spam"))
    spool.decide(rejected)
    assert [r.id for r in spool.pending()] == [review_id(0), review_id(2)]
    assert spool.decision(review_id(1)) == rejected
    spool.decide(dataclasses.replace(rejected, commit="ab" * 20))
    for reader in (spool, Spool(tmp_path)):
        assert reader.decisions() == [dataclasses.replace(rejected, commit="ab" * 20)]
        assert reader.get(review_id(1)) == make_review(1)  # the review itself is kept
        assert reader.decision(review_id(0)) is None
    assert not list(tmp_path.glob("decisions*"))
    with pytest.raises(ValueError, match="there is no review"):
        spool.decide(dataclasses.replace(rejected, review_id=review_id(9)))


def test_suspects_are_stored_but_never_pending(tmp_path: Path) -> None:
    """A honeypot-tripped submission is kept in its own journal and is not listed or found."""
    spool = Spool(tmp_path)
    spool.save_suspect(make_review(1))
    spool.save(make_review(2))
    assert [r.id for r in spool.pending()] == [review_id(2)]
    assert spool.get(review_id(1)) is None
    assert review_id(1).encode() in (tmp_path / "suspects.journal").read_bytes()
    assert review_id(1).encode() not in (tmp_path / "reviews.journal").read_bytes()


def test_a_campaign_of_5000_copies_is_one_group(tmp_path: Path) -> None:
    """5,000 identical bodies on one draft make one group holding every id, none dropped."""
    spool = Spool(tmp_path)
    campaign = "Stop the water tariff!\nSigned, a citizen."
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda n: spool.save(make_review(n, body=campaign)), range(5000)))
    spool.save(make_review(5000, draft="land-code", body=campaign))
    spool.save(make_review(5001, body="A reasoned objection to article 5."))
    groups = spool.groups()
    water = [g for g in groups if g.draft == "water-code" and g.count > 1]
    assert len(water) == 1
    assert water[0].count == 5000
    assert sorted(water[0].review_ids) == [review_id(n) for n in range(5000)]
    assert water[0].sample.comments[0].body == campaign
    assert sorted((g.draft, g.count) for g in groups) == [
        ("land-code", 1),
        ("water-code", 1),
        ("water-code", 5000),
    ]
    assert [g.count for g in spool.groups("land-code")] == [1]


def test_grouping_ignores_case_spacing_and_invisible_characters(tmp_path: Path) -> None:
    """Copies differing only in case, spacing, width or zero-width characters share a group."""
    spool = Spool(tmp_path)
    bodies = [
        "Stop the tariff!",
        "  stop   THE\ntariff! ",
        "Stop\u200b the tari\u00adff!",
        "Ｓtop the tariff!",
    ]
    for number, body in enumerate(bodies):
        spool.save(make_review(number, body=body))
    spool.save(make_review(9, body="Stop the tariffs!"))
    assert sorted(g.count for g in spool.groups()) == [1, 4]


def half_record(tmp_path: Path) -> bytes:
    """The first half of the bytes one real save appends to a journal."""
    other = Spool(tmp_path / "elsewhere")
    other.save(make_review(777, body="torn " * 50))
    whole = (tmp_path / "elsewhere" / "reviews.journal").read_bytes()
    return whole[: len(whole) // 2]


@pytest.mark.parametrize("tail", ["half a record", "zeros"])
def test_a_torn_tail_is_ignored_then_truncated_by_recover(tmp_path: Path, tail: str) -> None:
    """Reads skip a torn tail, recover() cuts exactly it, and later saves are read back."""
    spool = Spool(tmp_path / "spool")
    spool.save(make_review(1))
    journal = tmp_path / "spool" / "reviews.journal"
    size = journal.stat().st_size
    junk = half_record(tmp_path) if tail == "half a record" else bytes(300)
    with journal.open("ab") as file:
        file.write(junk)
    assert [r.id for r in spool.pending()] == [review_id(1)]
    reopened = Spool(tmp_path / "spool")
    assert [r.id for r in reopened.pending()] == [review_id(1)]
    assert reopened.recover() == len(junk)
    assert journal.stat().st_size == size
    reopened.save(make_review(2))
    assert [r.id for r in spool.pending()] == [review_id(1), review_id(2)]
    assert [r.id for r in Spool(tmp_path / "spool").pending()] == [review_id(1), review_id(2)]


def test_a_torn_record_followed_by_saves_does_not_hide_them(tmp_path: Path) -> None:
    """A writer that died mid-append leaves a torn record that later records skip past."""
    spool = Spool(tmp_path / "spool")
    spool.save(make_review(1))
    reader = Spool(tmp_path / "spool")
    assert len(reader.pending()) == 1
    with (tmp_path / "spool" / "reviews.journal").open("ab") as file:
        file.write(half_record(tmp_path))
    assert len(reader.pending()) == 1
    spool.save(make_review(2, body="short"))
    assert [r.id for r in reader.pending()] == [review_id(1), review_id(2)]
    assert reader.recover() == 0


def test_a_new_spool_reads_what_another_appended_since(tmp_path: Path) -> None:
    """A reader's cache picks up records appended by another spool instance after it read."""
    writer, reader = Spool(tmp_path), Spool(tmp_path)
    assert reader.pending() == []
    for number in range(3):
        writer.save(make_review(number), {"email": f"n{number}@example.org"})
        assert reader.get(review_id(number)) == make_review(number)
    assert reader.contact(review_id(2)) == {"email": "n2@example.org"}


def _save_many(directory: Path, first: int, count: int, spool: Spool | None = None) -> None:
    """Child process: save `count` reviews numbered from `first`."""
    spool = spool or Spool(directory)
    for number in range(first, first + count):
        spool.save(make_review(number, body=f"comment {number}"), {"email": f"{number}@x.org"})


def test_concurrent_processes_lose_no_review(tmp_path: Path) -> None:
    """Four forked processes saving 200 reviews each through one inherited spool lose none."""
    spool = Spool(tmp_path)
    spool.save(make_review(10_000))  # files opened before the fork: children must reopen them
    context = multiprocessing.get_context("fork")
    children = [
        context.Process(target=_save_many, args=(tmp_path, worker * 1000, 200, spool))
        for worker in range(4)
    ]
    for child in children:
        child.start()
    seen = len(spool.pending())  # reads while the writers append
    for child in children:
        child.join(60)
        assert child.exitcode == 0
    expected = {review_id(w * 1000 + n) for w in range(4) for n in range(200)} | {review_id(10_000)}
    assert seen <= len(expected)
    for reader in (spool, Spool(tmp_path)):
        pending = reader.pending()
        assert {r.id for r in pending} == expected
        assert all(REVIEW_ID.match(r.id) and r.comments[0].body for r in pending)
        assert reader.contact(review_id(3199)) == {"email": "3199@x.org"}
    assert Spool(tmp_path).recover() == 0


def _save_and_report(directory: Path, connection: Connection) -> None:
    """Child process: save reviews forever, reporting each id only after save returned."""
    spool = Spool(directory)
    number = 0
    while True:
        spool.save(make_review(number, body=f"comment {number}"), {"email": f"{number}@x.org"})
        connection.send(review_id(number))
        number += 1


def test_a_killed_writer_loses_no_acknowledged_review(tmp_path: Path) -> None:
    """After SIGKILL mid-loop, every id the child reported as saved is there after recover()."""
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_save_and_report, args=(tmp_path, sender))
    child.start()
    sender.close()
    acknowledged = [receiver.recv() for _ in range(300)]
    assert child.pid is not None
    os.kill(child.pid, signal.SIGKILL)
    child.join(10)
    while True:
        try:
            acknowledged.append(receiver.recv())
        except (EOFError, OSError):
            break
    spool = Spool(tmp_path)
    spool.recover()
    ids = {r.id for r in spool.pending()}
    assert set(acknowledged) <= ids
    assert all(spool.contact(i) is not None for i in acknowledged)


def test_writable_is_false_when_the_directory_is_gone(tmp_path: Path) -> None:
    """A spool directory replaced by a file reports unwritable and refuses saves with SpoolError.

    Tests run as root, where chmod does not stop writes, so the directory is replaced instead.
    """
    spool = Spool(tmp_path / "spool")
    spool.save(make_review(1))
    assert spool.writable()
    (tmp_path / "spool").rename(tmp_path / "moved")
    (tmp_path / "spool").write_text("not a directory")
    assert not spool.writable()
    with pytest.raises(SpoolError, match=r"Cannot store in .*spool/reviews.journal"):
        spool.save(make_review(2))


def test_an_unusable_directory_is_refused_at_start(tmp_path: Path) -> None:
    """Creating a spool where a file stands raises SpoolError naming the setting to fix."""
    (tmp_path / "file").write_text("x")
    with pytest.raises(SpoolError, match=r"file/spool.*LAWTRAIL_SPOOL_DIR"):
        Spool(tmp_path / "file" / "spool")


# strace makes every fdatasync of the child fail with EIO, as a dying disk would.
STRACE_EIO = ["strace", "-f", "-qq", "-o", "/dev/null", "-e", "inject=fdatasync:error=EIO"]
FAILING_SAVE = """
import sys
from pathlib import Path
from intake.spool import Spool, SpoolError
from tests.test_spool import make_review
try:
    Spool(Path(sys.argv[1])).save(make_review(2))
except SpoolError as err:
    print("refused:", err)
"""


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed")
def test_a_failed_fsync_fails_saves_everywhere_until_recover(tmp_path: Path) -> None:
    """An fdatasync error (injected with strace) refuses that save, then others, until recover."""
    spool = Spool(tmp_path)
    spool.save(make_review(1))
    done = subprocess.run(
        [*STRACE_EIO, sys.executable, "-c", FAILING_SAVE, str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parent.parent,
    )
    if "Operation not permitted" in done.stderr:
        pytest.skip(f"ptrace is not allowed here: {done.stderr.strip()}")
    assert "refused: fsync of" in done.stdout, done.stderr
    assert not spool.writable()
    with pytest.raises(SpoolError, match=r"An fsync of .*reviews.journal failed"):
        spool.save(make_review(3))
    spool.recover()
    assert spool.writable()
    spool.save(make_review(4))
    assert spool.get(review_id(4)) is not None
