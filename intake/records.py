"""The records of the spool's journals (their format: `intake/spool.py`) and the state each
journal replays to, record by record, in the order they were appended."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from site_builder.review_schema import parse_decision, parse_review
from site_builder.reviews import REVIEW_ID, Decision, Review, ReviewError, decision_data

REVIEW, DECISION, GROUP, CONTACT, SUSPECT = b"R", b"D", b"G", b"C", b"S"  # record kinds


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
    """The state `reviews.journal` replays to: reviews by id, in order, and decisions."""

    def __init__(self) -> None:
        self.reviews: dict[str, Review] = {}
        self.decided: dict[str, Decided] = {}

    def reset(self) -> None:
        # New dicts, so a caller still holding the old ones keeps a consistent snapshot.
        self.reviews, self.decided = {}, {}

    def apply(self, kind: bytes, data: dict[str, Any]) -> None:
        try:
            if kind == REVIEW:
                review = parse_review(data, "reviews.journal")
                self.reviews[review.id] = review
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
    that its status reads like any pending review's while a bot flood stays cheap to hold."""

    def __init__(self) -> None:
        self.seen: dict[str, tuple[str, str]] = {}

    def reset(self) -> None:
        self.seen = {}

    def apply(self, kind: bytes, data: dict[str, Any]) -> None:
        review_id, draft, submitted = data.get("id"), data.get("draft"), data.get("submitted")
        if (
            kind == SUSPECT
            and isinstance(review_id, str)
            and isinstance(draft, str)
            and isinstance(submitted, str)
        ):
            self.seen[review_id] = (draft, submitted)


class Contacts:
    """The state `contacts.journal` replays to: contact data by review id."""

    def __init__(self) -> None:
        self.contacts: dict[str, dict[str, str]] = {}

    def reset(self) -> None:
        self.contacts = {}

    def apply(self, kind: bytes, data: dict[str, Any]) -> None:
        if kind == CONTACT and isinstance(data.get("id"), str):
            contact = data.get("contact")
            if isinstance(contact, dict):
                self.contacts[data["id"]] = contact


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
