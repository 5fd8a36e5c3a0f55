"""The spool: durable storage of pending reviews until a moderator merges or rejects them.

Crash guarantees. Every save is one journal record made durable before `save` returns
(`intake/journal.py`: checksummed framing, torn tails cut by `recover()`, group commit
across processes), so the intake answers 201 only for a review that survives a crash.
Returned dicts are the reader's cache: read them, copy before changing.

Files in the spool directory, three journals with two small lock files each:

    reviews.journal    pending reviews, one record per `save`
    contacts.journal   contact data as `{"id", "contact"}`: kept apart, so the reviews hold none
    suspects.journal   honeypot-tripped submissions, stored but never listed as pending
    <name>.sync        the journal's group-commit state (a hint for live processes only)
    <name>.flush       locked while an fdatasync of the journal is in flight

Not done: rotation. The journals grow with a consultation; nothing in them is removed yet
(merged reviews leave the pending list once moderation writes tombstones, a record kind the
framing leaves room for). Each worker parses the whole journal once when it starts.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import threading
import unicodedata
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from intake.journal import Journal, SpoolError, fsync_dir
from site_builder.reviews import REVIEW_ID

__all__ = ["Group", "Spool", "SpoolError", "fsync_dir"]

_REVIEW, _CONTACT, _SUSPECT = b"R", b"C", b"S"
_MIN_FREE = 4 * 1024 * 1024  # below this the health check reports the spool unwritable
_REQUIRED = ("id", "draft", "revision", "submitted", "comments")
_SCALARS = frozenset((str, int, float, bool, type(None)))
# Invisible characters a campaign can sprinkle into copies to defeat duplicate grouping.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


@dataclass(frozen=True)
class Group:
    """Pending reviews of one draft whose comment bodies are the same once normalised."""

    draft: str
    key: str
    count: int
    review_ids: tuple[str, ...]
    sample: dict[str, Any]


class Spool:
    """The pending reviews, their contacts and the suspect submissions in one directory.

    One instance per process is enough: it is safe to share between threads, and after a
    fork the child opens its own files (each thread does: `flock` belongs to an open file).
    """

    def __init__(self, directory: Path) -> None:
        """Use `directory`, creating it if needed; files are opened on first use."""
        self.directory = Path(directory)
        try:
            if not self.directory.is_dir():
                self.directory.mkdir(parents=True, exist_ok=True)
                fsync_dir(self.directory.parent)
        except OSError as err:
            raise SpoolError(
                f"Cannot create the spool directory {self.directory}: {err.strerror or err}. "
                "Point LAWTRAIL_SPOOL_DIR at a writable directory."
            ) from err
        self._review_records, self._contact_records = _Records(_REVIEW), _Records(_CONTACT)
        self._reviews = Journal(self.directory / "reviews.journal", self._review_records)
        self._contacts = Journal(self.directory / "contacts.journal", self._contact_records)
        self._suspects = Journal(self.directory / "suspects.journal", None)
        self._journals = (self._reviews, self._contacts, self._suspects)
        self._keys: dict[str, tuple[dict[str, Any], str]] = {}
        os.register_at_fork(after_in_child=functools.partial(_after_fork, weakref.ref(self)))

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

    def save(self, review: dict[str, Any], contact: dict[str, Any] | None = None) -> None:
        """Store a pending review and its contact; returns once both are durable.

        Raises:
            ValueError: the review lacks a field, or holds something other than plain data.
            SpoolError: the spool cannot store it.
        """
        _checked_review(review)
        if contact is not None:
            _check_plain(contact, "contact")
            # Durable before the review is even written: a stored review always has its contact.
            self._contacts.commit(_CONTACT, {"id": review["id"], "contact": contact})
        self._reviews.commit(_REVIEW, review)

    def save_suspect(self, review: dict[str, Any]) -> None:
        """Store a honeypot-tripped submission apart, durably; it is never listed as pending."""
        self._suspects.commit(_SUSPECT, _checked_review(review))

    def get(self, review_id: str) -> dict[str, Any] | None:
        """The pending review with this tracking number, or None."""
        with self._reviews.reading():
            return self._review_records.records.get(review_id)

    def pending(self, draft: str | None = None) -> list[dict[str, Any]]:
        """All pending reviews (of one draft, if given), oldest first."""
        with self._reviews.reading():
            reviews = list(self._review_records.records.values())
        return [r for r in reviews if draft is None or r["draft"] == draft]

    def groups(self, draft: str | None = None) -> list[Group]:
        """Pending reviews grouped by draft and normalised comment bodies, oldest group first.

        A campaign of identical copies is one group; every review is in exactly one group.
        """
        members: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for review in self.pending(draft):
            members.setdefault((review["draft"], self._group_key(review)), []).append(review)
        return [
            Group(slug, key, len(group), tuple(r["id"] for r in group), group[0])
            for (slug, key), group in members.items()
        ]

    def contact(self, review_id: str) -> dict[str, Any] | None:
        """The contact data stored with a review, or None."""
        with self._contacts.reading():
            record = self._contact_records.records.get(review_id)
        return None if record is None else record["contact"]

    def writable(self) -> bool:
        """Whether a save can succeed now (for the health endpoint)."""
        probe = self.directory / f".probe-{os.getpid()}-{threading.get_ident()}"
        try:
            space = os.statvfs(self.directory)
            if space.f_bavail * space.f_frsize < _MIN_FREE:
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
        """Close the calling thread's files and the reader's; they reopen on demand."""
        for journal in self._journals:
            journal.close()

    def _group_key(self, review: dict[str, Any]) -> str:
        """The normalised bodies' digest, computed once per stored review."""
        cached = self._keys.get(review["id"])
        if cached is not None and cached[0] is review:
            return cached[1]
        bodies = "\x1f".join(_normalise(str(c.get("body", ""))) for c in review["comments"])
        key = hashlib.sha256(bodies.encode("utf-8", "surrogatepass")).hexdigest()
        self._keys[review["id"]] = (review, key)
        return key


class _Records:
    """What a journal replays to: its records of one kind by id, in append order."""

    def __init__(self, kind: bytes) -> None:
        self.kind = kind
        self.records: dict[str, dict[str, Any]] = {}

    def reset(self) -> None:
        # A new dict, so a caller still holding the old one keeps a consistent snapshot.
        self.records = {}

    def apply(self, kind: bytes, data: dict[str, Any]) -> None:
        if kind == self.kind and isinstance(data.get("id"), str):
            self.records[data["id"]] = data


def _checked_review(review: dict[str, Any]) -> dict[str, Any]:
    """The review, if it has the schema's required fields, no contact, and only plain data."""
    missing = [field for field in _REQUIRED if field not in review]
    if missing:
        raise ValueError(f"review lacks {', '.join(missing)}; see DESIGN.md 'Review files'")
    if not isinstance(review["id"], str) or not REVIEW_ID.match(review["id"]):
        raise ValueError(f"review id {review['id']!r} is not a tracking number (new_review_id)")
    if not isinstance(review["draft"], str):
        raise ValueError(f"review {review['id']}: draft must be a slug, not {review['draft']!r}")
    if "contact" in review:
        raise ValueError(f"review {review['id']}: pass the contact apart: save(review, contact)")
    comments = review["comments"]
    if not isinstance(comments, list) or not all(isinstance(c, dict) for c in comments):
        raise ValueError(f"review {review['id']}: comments must be a list of mappings")
    _check_plain(review, "review")
    return review


def _check_plain(value: Any, where: str) -> None:
    """Refuse what JSON would change on the way back (tuples, non-string keys, dates)."""
    if not _plain(value):
        raise ValueError(_why_not_plain(value, where))


def _plain(value: Any) -> bool:
    """Whether `value` is made of str, int, float, bool, None, lists and str-keyed dicts."""
    kind = type(value)
    if kind in _SCALARS:
        return True
    if kind is list:
        return all(map(_plain, value))
    if kind is dict:
        return all(type(k) is str for k in value) and all(map(_plain, value.values()))
    return False


def _why_not_plain(value: Any, where: str) -> str:
    """The message naming the first part of `value` that is not plain (which must exist)."""
    if type(value) is list:
        bad = next(i for i, item in enumerate(value) if not _plain(item))
        return _why_not_plain(value[bad], f"{where}[{bad}]")
    if type(value) is dict:
        for key, item in value.items():
            if type(key) is not str:
                return f"{where}: key {key!r} is not a string"
            if not _plain(item):
                return _why_not_plain(item, f"{where}.{key}")
    return (
        f"{where} is a {type(value).__name__}; store only str, int, float, bool, None, "
        "lists and dicts (format dates as ISO strings)"
    )


def _normalise(body: str) -> str:
    """A comment body as duplicate grouping compares it: case, width and spacing ignored."""
    return " ".join(_INVISIBLE.sub("", unicodedata.normalize("NFKC", body)).casefold().split())


def _after_fork(ref: weakref.ReferenceType[Spool]) -> None:
    """In a forked child: reset what a thread of the parent may have held at the fork."""
    spool = ref()
    if spool is not None:
        for journal in spool._journals:
            journal.after_fork()
