"""The spool: pending reviews and the moderators' decisions on them, in durable journals.

Crash guarantees. Every write is one journal record made durable before the call returns
(`intake/journal.py`: checksummed framing, torn tails cut by `recover()`, group commit
across processes), so the intake answers 201 only for a review that survives a crash, and
a decision, once recorded, survives too. A review and its contact data are one record: one
fdatasync makes both durable, and neither is ever stored without the other. Nothing is
ever rewritten in place. Git stays the truth for what is merged: moderation records a
merge here after its commit, and replays this journal against git after a crash
(`intake/moderation.py`).

Files in the spool directory, each journal with its `.sync` and `.flush` lock files:

    reviews.journal    `R` a pending review (`Review.to_data()`); `W` the same with
                       `"contact": {...}` added, the contact data left with it, which is
                       never part of the `Review` and so never reaches a review file;
                       `D` a decision on one: `{"id", "draft", "status": merged|rejected,
                       "by", "date", "reason"?, "commit", "base"?, "into"?}`; the last
                       one wins; `into` is the review file a campaign's copy went into;
                       `G` one decision on every copy of a campaign merged as one file:
                       the same fields with `"ids": [...]` for `"id"`. One record, so a
                       crash leaves all the copies decided or none
    contacts.journal   only in spools written before 2026-12: `C` contact data as
                       `{"id", "contact"}`, stored before its review; read, never written
    suspects.journal   `S` honeypot-tripped submissions, stored but never read back, and
                       once compacted only `{"id", "draft", "submitted"}` of each
    compaction.lock    held by the one process compacting; `<name>.compacting` is its copy
    outcomes/          what became of each review compaction dropped, for its status, for
                       ever: one `<YYYYMMDD>.jsonl` per day of receipt (`intake/outcomes.py`)

A review is pending while it has no decision. Reviews and decisions share one journal, so
one read in append order gives the state; nothing else (no folder of decision files) does.

Compaction (`compact()`, `intake/compaction.py`) keeps the journals small: it drops the
reviews decided before a cut-off day whose decision's commit is in git (a rejection whose
count is not committed yet, or a merge on a branch the spool's git has not seen, stays),
with their contact data, once their outcomes are durable in `outcomes/`, so that their
status answers as before. A honeypot catch received before it is cut to its tracking
number, draft and date, and kept for ever: its status answers "pending" as a real pending
review's does, which stays until a moderator decides it, so a bot cannot tell it was
caught. A pending review is never dropped, and the journals are replaced whole, never
changed in place.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import threading
import weakref
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from intake import compaction
from intake.compaction import Compaction
from intake.journal import Journal, SpoolError, StorageFull, StorageReadOnly, fsync_dir
from intake.outcomes import FOLDER, Outcome, Outcomes
from intake.records import (
    CONTACT,
    DECISION,
    GROUP,
    REVIEW,
    SUSPECT,
    SUSPECT_STUB,
    WITH_CONTACT,
    Contacts,
    Decided,
    Reviews,
    Suspects,
    parse_decided,
)
from site_builder.campaigns import group_id
from site_builder.review_schema import parse_review
from site_builder.reviews import Review, ReviewError

__all__ = [
    "MIN_FREE",
    "Compaction",
    "Decided",
    "Group",
    "Outcome",
    "Spool",
    "SpoolError",
    "StorageFull",
    "StorageReadOnly",
]

_LEGACY_DECISIONS = "decisions"  # <spool>/decisions/<id>.yml, written by lawtrail until 2026-12
MIN_FREE = 4 * 1024 * 1024  # default: below this, saves are refused and the spool is not ready


@dataclass(frozen=True)
class Group:
    """Pending reviews of one draft whose comment bodies are the same once normalised.

    `key` is the group id (`site_builder.campaigns.group_id`).
    """

    draft: str
    key: str
    count: int
    review_ids: tuple[str, ...]
    sample: Review


class Spool:
    """The pending reviews, their decisions, contacts and the suspects in one directory.

    One instance per process is enough: it is safe to share between threads, and after a
    fork the child opens its own files (each thread does: `flock` belongs to an open file).
    """

    def __init__(self, directory: Path, min_free: int = MIN_FREE) -> None:
        """Use `directory`, creating it if needed; files are opened on first use.

        Saves are refused (`StorageFull`) rather than let free space fall below `min_free`
        bytes, which keeps room for moderation and for the journals' own bookkeeping.
        """
        self.directory = Path(directory)
        self.min_free = min_free
        try:
            if not self.directory.is_dir():
                self.directory.mkdir(parents=True, exist_ok=True)
                fsync_dir(self.directory.parent)
        except OSError as err:
            raise SpoolError(
                f"Cannot create the spool directory {self.directory}: {err.strerror or err}. "
                "Point LAWTRAIL_SPOOL_DIR at a writable directory."
            ) from err
        self._state = Reviews()
        self._suspected = Suspects()
        self._contacts = Contacts()
        self._reviews = Journal(self.directory / "reviews.journal", self._state, min_free)
        self._contact_journal = Journal(
            self.directory / "contacts.journal", self._contacts, min_free
        )
        self._suspects = Journal(self.directory / "suspects.journal", self._suspected, min_free)
        self._journals = (self._reviews, self._suspects)
        self._outcomes = Outcomes(self.directory / FOLDER)
        self._keys: dict[str, tuple[Review, str]] = {}
        os.register_at_fork(after_in_child=functools.partial(_after_fork, weakref.ref(self)))
        if (self.directory / _LEGACY_DECISIONS).is_dir():
            self._import_legacy_decisions()

    def recover(self) -> int:
        """Truncate torn tails and remove stray health probes; returns bytes and files removed.

        Safe while other processes write: it holds their locks. Also clears a recorded
        fsync failure, so call it once at start-up, after the cause has been fixed.
        """
        cleaned = 0
        try:
            for probe in self.directory.glob(".probe-*"):
                probe.unlink(missing_ok=True)
                cleaned += 1
            for journal in self._all_journals():
                cleaned += journal.recover()
        except OSError as err:
            raise SpoolError(f"Cannot recover the spool in {self.directory}: {err}") from err
        return cleaned

    def save(self, review: Review, contact: Mapping[str, str] | None = None) -> None:
        """Store a pending review and its contact; returns once both are durable.

        One record holds both: if the save fails, neither is stored.

        Raises:
            ReviewError: the review would not read back as it is (each field named).
            SpoolError: the spool cannot store it.
        """
        data = _checked(review)
        if contact is None:
            self._reviews.commit(REVIEW, data)
            return
        if not all(isinstance(v, str) for v in contact.values()):
            raise ValueError(f"review {review.id}: contact values must be strings")
        self._reviews.commit(WITH_CONTACT, {**data, "contact": dict(contact)})

    def save_suspect(self, review: Review) -> None:
        """Store a honeypot-tripped submission apart, durably; it is never listed as pending."""
        self._suspects.commit(SUSPECT, _checked(review))

    def decide(self, decided: Decided) -> None:
        """Record a decision on a stored review durably (a later one for it replaces it).

        Raises:
            ValueError: no such review in the spool.
            SpoolError: the spool cannot store it.
        """
        if self.get(decided.review_id) is None:
            raise ValueError(f"there is no review {decided.review_id} in {self.directory}")
        self._reviews.commit(DECISION, decided.to_data())

    def decide_copies(self, review_ids: Sequence[str], decided: Decided) -> None:
        """Record one decision on every copy of a campaign, in one durable record.

        `decided` names the review file (its `review_id`); each copy gets it as `into`.

        Raises:
            ValueError: a copy is not in the spool.
            SpoolError: the spool cannot store it.
        """
        missing = [i for i in review_ids if self.get(i) is None]
        if missing:
            raise ValueError(f"there is no review {missing[0]} in {self.directory}")
        data = decided.to_data()
        del data["id"]
        self._reviews.commit(GROUP, {"ids": list(review_ids), **data, "into": decided.review_id})

    def get(self, review_id: str) -> Review | None:
        """The review stored with this tracking number, pending or decided, or None."""
        with self._reviews.reading():
            return self._state.reviews.get(review_id)

    def suspect(self, review_id: str) -> tuple[str, str] | None:
        """The draft and submission time of a honeypot-trapped review, or None."""
        with self._suspects.reading():
            return self._suspected.seen.get(review_id)

    def decision(self, review_id: str) -> Decided | None:
        """The decision recorded on a review, or None while it is pending (or unknown)."""
        with self._reviews.reading():
            return self._state.decided.get(review_id)

    def outcome(self, review_id: str) -> Outcome | None:
        """What became of a review compaction dropped (`intake/outcomes.py`), or None.

        Reads a file: call it only for a tracking number the journals do not hold.
        """
        return self._outcomes.find(review_id)

    def decisions(self) -> list[Decided]:
        """Every decision recorded, in the order the reviews were stored."""
        with self._reviews.reading():
            return list(self._state.decided.values())

    def pending(self, draft: str | None = None) -> list[Review]:
        """The reviews without a decision (of one draft, if given), oldest first."""
        with self._reviews.reading():
            decided = self._state.decided
            reviews = self._state.reviews.values()
            return [
                r for r in reviews if r.id not in decided and (draft is None or r.draft == draft)
            ]

    def groups(self, draft: str | None = None) -> list[Group]:
        """Pending reviews grouped by draft and normalised comment bodies, oldest group first.

        A campaign of identical copies is one group; every pending review is in exactly one.
        """
        members: dict[tuple[str, str], list[Review]] = {}
        for review in self.pending(draft):
            members.setdefault((review.draft, self._group_key(review)), []).append(review)
        return [
            Group(slug, key, len(group), tuple(r.id for r in group), group[0])
            for (slug, key), group in members.items()
        ]

    def group(self, key: str) -> Group | None:
        """The pending group with this id, or None."""
        return next((g for g in self.groups() if g.key == key), None)

    def contact(self, review_id: str) -> dict[str, str] | None:
        """The contact data stored with a review, or None."""
        with self._reviews.reading():
            found = self._state.contacts.get(review_id)
        if found is None and self._contact_journal.path.exists():
            with self._contact_journal.reading():
                found = self._contacts.contacts.get(review_id)
        return found

    def compact(
        self, before: dt.date, in_git: Callable[[set[str]], Collection[str]], wait: bool = True
    ) -> Compaction | None:
        """Drop from the journals what the spool no longer needs (see the module docstring).

        Args:
            before: reviews decided before this day go, with their contact data; honeypot
                catches received before it are cut to a stub.
            in_git: given the commits of those decisions, the ones that are in git.
            wait: if another process is compacting, wait for it; if False, return None.

        Raises:
            SpoolError: a journal cannot be rewritten; it was left as it was.
        """
        if not any((*self._outdated(before), *self._legacy_contacts(set(), before))):
            return Compaction(before, bytes_before=self._size(), bytes_after=self._size())
        with compaction.locked(self.directory, wait) as held:
            if not held:
                return None
            size = self._size()
            old, caught = self._outdated(before)
            commits = {d.commit for d in old if d.commit}
            settled = set(in_git(commits)) if commits else set()
            drop = {d.review_id for d in old if d.commit in settled}
            with self._reviews.reading():
                contacts = drop & self._state.contacts.keys()
            legacy, orphans = self._legacy_contacts(drop, before)
            if legacy or orphans:  # first: killed before the reviews go, it drops them next
                gone = compaction.keeps(CONTACT, legacy | orphans)
                compaction.rewrite(self._contact_journal, gone)
            if drop:  # their outcomes durable first: killed between, the next run redoes both
                kept = (Outcome.of(d) for d in old if d.review_id in drop)
                self._outcomes.keep(kept, self._reviews.path)
                kinds = REVIEW + WITH_CONTACT + DECISION + GROUP
                compaction.rewrite(self._reviews, compaction.keeps(kinds, drop))
            if caught:
                stubs = compaction.stubs(SUSPECT, caught, SUSPECT_STUB)
                compaction.rewrite(self._suspects, stubs)
            return Compaction(
                before,
                reviews=len(drop),
                unsettled=len(old) - len(drop),
                contacts=len(contacts | legacy),
                suspects=len(caught),
                bytes_before=size,
                bytes_after=self._size(),
                orphans=len(orphans),
            )

    def free_bytes(self) -> int:
        """Free space where the spool lives, in bytes (0 when it cannot be read)."""
        try:
            space = os.statvfs(self.directory)
        except OSError:
            return 0
        return space.f_bavail * space.f_frsize

    def writable(self) -> bool:
        """Whether a save can succeed now (for the health endpoint)."""
        probe = self.directory / f".probe-{os.getpid()}-{threading.get_ident()}"
        try:
            space = os.statvfs(self.directory)
            if space.f_bavail * space.f_frsize < self.min_free:
                return False
            fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
            try:
                os.write(fd, b"ok")
            finally:
                os.close(fd)
                probe.unlink(missing_ok=True)  # another worker's recover() may have taken it
            return all(journal.healthy() for journal in self._all_journals())
        except OSError:
            return False

    def close(self) -> None:
        """Close the calling thread's files and the readers'; they reopen on demand."""
        for journal in (*self._journals, self._contact_journal):
            journal.close()

    def _all_journals(self) -> tuple[Journal, ...]:
        """The journals in use: the contacts one only where an older version left it."""
        if self._contact_journal.path.exists():
            return (*self._journals, self._contact_journal)
        return self._journals

    def _legacy_contacts(self, drop: set[str], before: dt.date) -> tuple[set[str], set[str]]:
        """In a `contacts.journal` left by an older version: the contacts of the reviews in
        `drop`, and the orphans: contacts received before `before` whose review is not in
        the spool (its save failed after the contact was stored). A contact received since
        may belong to a save an older process is still making, so it stays."""
        if not self._contact_journal.path.exists():
            return set(), set()
        with self._reviews.reading():
            known = set(self._state.reviews)
        with self._contact_journal.reading():
            stored = set(self._contacts.contacts)
        day = before.strftime("%Y%m%d")  # tracking numbers start with the day received
        return drop & stored, {i for i in stored - known if i[:8] < day}

    def _import_legacy_decisions(self) -> None:
        """Move the decision files older versions kept in `decisions/` into the journal.

        Each file is removed only once its record is durable, so a crash half-way leaves
        the rest for the next start (a decision recorded twice is harmless: the last wins).
        """
        folder = self.directory / _LEGACY_DECISIONS
        try:
            for path in sorted(folder.glob("*.yml")):
                try:
                    decided = parse_decided(yaml.safe_load(path.read_text(encoding="utf-8")))
                except (ReviewError, yaml.YAMLError, UnicodeDecodeError) as err:
                    raise SpoolError(
                        f"{path} is not a decision ({err}); restore it from a backup or "
                        "remove it, then start again."
                    ) from err
                if self.get(decided.review_id) is not None and not self.decision(decided.review_id):
                    self.decide(decided)
                path.unlink()
            fsync_dir(folder)
            folder.rmdir()
            fsync_dir(self.directory)
        except FileNotFoundError:
            pass  # another process was moving them at the same time
        except OSError as err:
            raise SpoolError(f"Cannot move the decisions out of {folder}: {err}") from err

    def _outdated(self, before: dt.date) -> tuple[list[Decided], set[str]]:
        """What a compaction for `before` may drop: the decisions made before it, and the
        honeypot catches received before it that still hold the whole submission."""
        with self._reviews.reading():
            old = [d for d in self._state.decided.values() if d.decision.date < before]
        with self._suspects.reading():
            day = before.isoformat()
            seen = self._suspected.seen
            caught = {i for i in self._suspected.whole if seen[i][1] < day}
        return old, caught

    def _size(self) -> int:
        """The journals' bytes on disk."""
        return sum(j.path.stat().st_size for j in self._all_journals() if j.path.exists())

    def _group_key(self, review: Review) -> str:
        """The normalised bodies' digest, computed once per stored review."""
        cached = self._keys.get(review.id)
        if cached is not None and cached[0] is review:
            return cached[1]
        key = group_id(review)
        self._keys[review.id] = (review, key)
        return key


def _checked(review: Review) -> dict[str, Any]:
    """The review's record, once the reader is known to give back the same review."""
    if review.moderation is not None:
        raise ValueError(f"review {review.id}: a stored review is pending; use decide()")
    data = review.to_data()
    parse_review(data, f"review {review.id}")
    return data


def _after_fork(ref: weakref.ReferenceType[Spool]) -> None:
    """In a forked child: reset what a thread of the parent may have held at the fork."""
    spool = ref()
    if spool is not None:
        for journal in (*spool._journals, spool._contact_journal):
            journal.after_fork()
