"""The spool: pending reviews and the moderators' decisions on them, in durable journals.

Crash guarantees. Every write is one journal record made durable before the call returns
(`intake/journal.py`: checksummed framing, torn tails cut by `recover()`, group commit
across processes), so the intake answers 201 only for a review that survives a crash, and
a decision, once recorded, survives too. Nothing is ever rewritten in place. Git stays the
truth for what is merged: moderation records a merge here after its commit, and replays
this journal against git after a crash (`intake/moderation.py`).

Files in the spool directory, each journal with its `.sync` and `.flush` lock files:

    reviews.journal    `R` a pending review (`Review.to_data()`, never any contact data);
                       `D` a decision on one: `{"id", "draft", "status": merged|rejected,
                       "by", "date", "reason"?, "commit", "base"?, "into"?}`; the last
                       one wins; `into` is the review file a campaign's copy went into;
                       `G` one decision on every copy of a campaign merged as one file:
                       the same fields with `"ids": [...]` for `"id"`. One record, so a
                       crash leaves all the copies decided or none
    contacts.journal   `C` contact data as `{"id", "contact"}`: kept apart from the review
    suspects.journal   `S` honeypot-tripped submissions, stored but never read back

A review is pending while it has no decision. Reviews and decisions share one journal, so
one read in append order gives the state; nothing else (no folder of decision files) does.

Not done: rotation. The journals grow with a consultation; nothing in them is removed yet.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import threading
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from intake.journal import Journal, SpoolError, StorageFull, StorageReadOnly, fsync_dir
from site_builder.campaigns import group_id
from site_builder.reviews import (
    REVIEW_ID,
    Decision,
    Review,
    ReviewError,
    decision_data,
    parse_decision,
    parse_review,
)

__all__ = ["MIN_FREE", "Decided", "Group", "Spool", "SpoolError", "StorageFull", "StorageReadOnly"]

_REVIEW, _DECISION, _GROUP, _CONTACT, _SUSPECT = b"R", b"D", b"G", b"C", b"S"
_LEGACY_DECISIONS = "decisions"  # <spool>/decisions/<id>.yml, written by lawtrail until 2026-12
MIN_FREE = 4 * 1024 * 1024  # default: below this, saves are refused and the spool is not ready


@dataclass(frozen=True)
class Decided:
    """A decision on a pending review, as recorded in the spool.

    `commit` is the git commit that made it public, None until it is known; `base` is the
    HEAD a rejection was recorded on, so that its count commit can be found after a crash;
    `into` is the review file (its tracking number) a campaign's copy was merged into.
    """

    review_id: str
    draft: str
    decision: Decision
    commit: str | None = None
    base: str | None = None
    into: str | None = None

    def to_data(self) -> dict[str, Any]:
        """The journal record: plain data."""
        data = {"id": self.review_id, "draft": self.draft, **decision_data(self.decision)}
        data["commit"] = self.commit
        if self.base is not None:
            data["base"] = self.base
        if self.into is not None:
            data["into"] = self.into
        return data


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
        self._state = _Reviews()
        self._suspected = _Suspects()
        self._contacts = _Contacts()
        self._reviews = Journal(self.directory / "reviews.journal", self._state, min_free)
        self._contact_journal = Journal(
            self.directory / "contacts.journal", self._contacts, min_free
        )
        self._suspects = Journal(self.directory / "suspects.journal", self._suspected, min_free)
        self._journals = (self._reviews, self._contact_journal, self._suspects)
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
            for journal in self._journals:
                cleaned += journal.recover()
        except OSError as err:
            raise SpoolError(f"Cannot recover the spool in {self.directory}: {err}") from err
        return cleaned

    def save(self, review: Review, contact: Mapping[str, str] | None = None) -> None:
        """Store a pending review and its contact; returns once both are durable.

        Raises:
            ReviewError: the review would not read back as it is (each field named).
            SpoolError: the spool cannot store it.
        """
        data = _checked(review)
        if contact is not None:
            if not all(isinstance(v, str) for v in contact.values()):
                raise ValueError(f"review {review.id}: contact values must be strings")
            # Durable before the review is even written: a stored review always has its contact.
            self._contact_journal.commit(_CONTACT, {"id": review.id, "contact": dict(contact)})
        self._reviews.commit(_REVIEW, data)

    def save_suspect(self, review: Review) -> None:
        """Store a honeypot-tripped submission apart, durably; it is never listed as pending."""
        self._suspects.commit(_SUSPECT, _checked(review))

    def decide(self, decided: Decided) -> None:
        """Record a decision on a stored review durably (a later one for it replaces it).

        Raises:
            ValueError: no such review in the spool.
            SpoolError: the spool cannot store it.
        """
        if self.get(decided.review_id) is None:
            raise ValueError(f"there is no review {decided.review_id} in {self.directory}")
        self._reviews.commit(_DECISION, decided.to_data())

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
        self._reviews.commit(_GROUP, {"ids": list(review_ids), **data, "into": decided.review_id})

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
        with self._contact_journal.reading():
            return self._contacts.contacts.get(review_id)

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
            return all(journal.healthy() for journal in self._journals)
        except OSError:
            return False

    def close(self) -> None:
        """Close the calling thread's files and the readers'; they reopen on demand."""
        for journal in self._journals:
            journal.close()

    def _import_legacy_decisions(self) -> None:
        """Move the decision files older versions kept in `decisions/` into the journal.

        Each file is removed only once its record is durable, so a crash half-way leaves
        the rest for the next start (a decision recorded twice is harmless: the last wins).
        """
        folder = self.directory / _LEGACY_DECISIONS
        try:
            for path in sorted(folder.glob("*.yml")):
                try:
                    decided = _parse_decided(yaml.safe_load(path.read_text(encoding="utf-8")))
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

    def _group_key(self, review: Review) -> str:
        """The normalised bodies' digest, computed once per stored review."""
        cached = self._keys.get(review.id)
        if cached is not None and cached[0] is review:
            return cached[1]
        key = group_id(review)
        self._keys[review.id] = (review, key)
        return key


class _Reviews:
    """The state `reviews.journal` replays to: reviews by id, in order, and decisions."""

    def __init__(self) -> None:
        self.reviews: dict[str, Review] = {}
        self.decided: dict[str, Decided] = {}

    def reset(self) -> None:
        # New dicts, so a caller still holding the old ones keeps a consistent snapshot.
        self.reviews, self.decided = {}, {}

    def apply(self, kind: bytes, data: dict[str, Any]) -> None:
        try:
            if kind == _REVIEW:
                review = parse_review(data, "reviews.journal")
                self.reviews[review.id] = review
            elif kind == _DECISION:
                decided = _parse_decided(data)
                self.decided[decided.review_id] = decided
            elif kind == _GROUP:
                ids = data.get("ids")
                if not isinstance(ids, list) or not ids:
                    return
                decided = _parse_decided({**data, "id": ids[0]})
                for review_id in ids:
                    if isinstance(review_id, str) and review_id in self.reviews:
                        self.decided[review_id] = dataclasses.replace(decided, review_id=review_id)
        except ReviewError:
            return  # checksummed but not written by this schema: never expose it


class _Suspects:
    """What `suspects.journal` replays to: only each trapped review's draft and date, so
    that its status reads like any pending review's while a bot flood stays cheap to hold."""

    def __init__(self) -> None:
        self.seen: dict[str, tuple[str, str]] = {}

    def reset(self) -> None:
        self.seen = {}

    def apply(self, kind: bytes, data: dict[str, Any]) -> None:
        review_id, draft, submitted = data.get("id"), data.get("draft"), data.get("submitted")
        if (
            kind == _SUSPECT
            and isinstance(review_id, str)
            and isinstance(draft, str)
            and isinstance(submitted, str)
        ):
            self.seen[review_id] = (draft, submitted)


class _Contacts:
    """The state `contacts.journal` replays to: contact data by review id."""

    def __init__(self) -> None:
        self.contacts: dict[str, dict[str, str]] = {}

    def reset(self) -> None:
        self.contacts = {}

    def apply(self, kind: bytes, data: dict[str, Any]) -> None:
        if kind == _CONTACT and isinstance(data.get("id"), str):
            contact = data.get("contact")
            if isinstance(contact, dict):
                self.contacts[data["id"]] = contact


def _checked(review: Review) -> dict[str, Any]:
    """The review's record, once the reader is known to give back the same review."""
    if review.moderation is not None:
        raise ValueError(f"review {review.id}: a stored review is pending; use decide()")
    data = review.to_data()
    parse_review(data, f"review {review.id}")
    return data


def _parse_decided(data: Any) -> Decided:
    decision = parse_decision(data, "reviews.journal")
    review_id, draft = data.get("id"), data.get("draft")  # a dict, or parse_decision raised
    commit, base, into = data.get("commit"), data.get("base"), data.get("into")
    if not isinstance(review_id, str) or not REVIEW_ID.match(review_id):
        raise ReviewError([f"reviews.journal: a decision on {review_id!r}, not a review"])
    if not all(isinstance(v, str | None) for v in (draft, commit, base, into)):
        raise ReviewError([f"reviews.journal: the decision on {review_id} is malformed"])
    return Decided(review_id, str(draft), decision, commit, base, into)


def _after_fork(ref: weakref.ReferenceType[Spool]) -> None:
    """In a forked child: reset what a thread of the parent may have held at the fork."""
    spool = ref()
    if spool is not None:
        for journal in spool._journals:
            journal.after_fork()
