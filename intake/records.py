"""The records of the spool's journals (their format: `intake/spool.py`) and the state each
journal replays to, record by record, in the order they were appended."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, TypeGuard

from site_builder.review_schema import parse_decision, parse_review
from site_builder.reviews import REVIEW_ID, Decision, Review, ReviewError, decision_data

# Record kinds. `W` is a review with its contact in one record: both durable in one
# fdatasync, and neither ever stored without the other.
REVIEW, WITH_CONTACT, DECISION, GROUP = b"R", b"W", b"D", b"G"
CONTACT, SUSPECT = b"C", b"S"
SUSPECT_STUB = ("id", "draft", "submitted")  # what a honeypot catch keeps once compacted


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


class Reviews:
    """The state `reviews.journal` replays to: reviews by id, in order, decisions, and the
    contacts saved with reviews (never part of the `Review`)."""

    def __init__(self) -> None:
        self.reviews: dict[str, Review] = {}
        self.decided: dict[str, Decided] = {}
        self.contacts: dict[str, dict[str, str]] = {}

    def reset(self) -> None:
        # New dicts, so a caller still holding the old ones keeps a consistent snapshot.
        self.reviews, self.decided, self.contacts = {}, {}, {}

    def apply(self, kind: bytes, data: dict[str, Any]) -> None:
        try:
            if kind in (REVIEW, WITH_CONTACT):
                contact = data.pop("contact", None) if kind == WITH_CONTACT else None
                review = parse_review(data, "reviews.journal")
                self.reviews[review.id] = review
                if _is_contact(contact):
                    self.contacts[review.id] = contact
            elif kind == DECISION:
                decided = parse_decided(data)
                self.decided[decided.review_id] = decided
            elif kind == GROUP:
                ids = data.get("ids")
                if not isinstance(ids, list) or not ids:
                    return
                decided = parse_decided({**data, "id": ids[0]})
                for review_id in ids:
                    if isinstance(review_id, str) and review_id in self.reviews:
                        self.decided[review_id] = dataclasses.replace(decided, review_id=review_id)
        except ReviewError:
            return  # checksummed but not written by this schema: never expose it


class Suspects:
    """What `suspects.journal` replays to: only each trapped review's draft and date, so
    that its status reads like any pending review's while a bot flood stays cheap to hold,
    and which records still carry the whole submission (compaction cuts them to a stub)."""

    def __init__(self) -> None:
        self.seen: dict[str, tuple[str, str]] = {}
        self.whole: set[str] = set()

    def reset(self) -> None:
        self.seen, self.whole = {}, set()

    def apply(self, kind: bytes, data: dict[str, Any]) -> None:
        review_id, draft, submitted = data.get("id"), data.get("draft"), data.get("submitted")
        if (
            kind == SUSPECT
            and isinstance(review_id, str)
            and isinstance(draft, str)
            and isinstance(submitted, str)
        ):
            self.seen[review_id] = (draft, submitted)
            if data.keys() - set(SUSPECT_STUB):
                self.whole.add(review_id)
            else:
                self.whole.discard(review_id)


class Contacts:
    """The state `contacts.journal` replays to: contact data by review id (spools written
    before contacts went into the review's own record, `WITH_CONTACT`)."""

    def __init__(self) -> None:
        self.contacts: dict[str, dict[str, str]] = {}

    def reset(self) -> None:
        self.contacts = {}

    def apply(self, kind: bytes, data: dict[str, Any]) -> None:
        contact = data.get("contact")
        if kind == CONTACT and isinstance(data.get("id"), str) and _is_contact(contact):
            self.contacts[data["id"]] = contact


def _is_contact(value: Any) -> TypeGuard[dict[str, str]]:
    return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())


def parse_decided(data: Any) -> Decided:
    """A decision record's data as a `Decided`.

    Raises:
        ReviewError: it is not a decision this schema writes.
    """
    decision = parse_decision(data, "reviews.journal")
    review_id, draft = data.get("id"), data.get("draft")  # a dict, or parse_decision raised
    commit, base, into = data.get("commit"), data.get("base"), data.get("into")
    if not isinstance(review_id, str) or not REVIEW_ID.match(review_id):
        raise ReviewError([f"reviews.journal: a decision on {review_id!r}, not a review"])
    if not all(isinstance(v, str | None) for v in (draft, commit, base, into)):
        raise ReviewError([f"reviews.journal: the decision on {review_id} is malformed"])
    return Decided(review_id, str(draft), decision, commit, base, into)
