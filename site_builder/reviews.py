"""The review model: one set of typed classes that the intake writes and the builder reads.

A review is one submission: one or more comments by one person on one revision of one
draft. `Review`, `Comment` (with its `Target` and `Quote`), `Response` (a drafter's answer)
and `Decision` (a moderator's) are the only shape of it: the intake builds them from a
request, the spool stores them, moderation writes them to `drafts/<slug>/reviews/<id>.yml`
(`urls.review_file`), and the builder reads them back through
`review_schema.parse_review`, which checks every field. On disk they are YAML written with
`yaml.safe_dump(allow_unicode=True, sort_keys=False)` and read with `yaml.safe_load`, which
round-trip hostile strings (`!!python/object`, `---`, `yes`, NUL, U+2028, bidi controls)
exactly.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import yaml

from site_builder.errors import LawtrailError

# A tracking number: the UTC day it was received plus 10 random base-32 characters
# (50 bits): readable on the phone, sortable by day, not guessable, safe in a path.
REVIEW_ID = re.compile(r"^[0-9]{8}-[0-9a-hjkmnp-tv-z]{10}$")
_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford's base 32, lower case
DISPOSITIONS = ("accepted", "partly-accepted", "rejected", "noted")
STATUSES = ("pending", "merged", "rejected")
DECISIONS = ("merged", "rejected")
REJECTED_FILE = "rejected.yml"
_SUBMITTED = "%Y-%m-%dT%H:%M:%SZ"


def new_review_id(now: datetime) -> str:
    """A fresh tracking number for a review received at `now` (UTC)."""
    # One read of the system's randomness, not one per character: 32 letters take 5 bits
    # of each byte exactly, so every letter stays equally likely.
    letters = "".join(_ALPHABET[byte & 31] for byte in secrets.token_bytes(10))
    return now.strftime("%Y%m%d") + "-" + letters


def comment_id(review_id: str, number: int) -> str:
    """The id of the `number`-th comment (from 1) of a review."""
    return f"{review_id}-{number}"


def timestamp(moment: dt.datetime) -> str:
    """A moment as review files and the API give it: UTC, to the second, with a `Z`."""
    return moment.astimezone(dt.UTC).strftime(_SUBMITTED)


class ReviewError(LawtrailError):
    """Merged review files are invalid; each message names the file and the field."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class Quote:
    """The words a comment is about (a W3C TextQuoteSelector), as the reader selected them."""

    exact: str
    prefix: str | None = None
    suffix: str | None = None


@dataclass(frozen=True)
class Target:
    """The structural element a comment is on: its eId, its wId, and perhaps a quote."""

    eid: str
    wid: str
    quote: Quote | None = None


@dataclass(frozen=True)
class Response:
    """The agency's public answer to one comment.

    `reason` is set on an answer that replaced an earlier one: why it changed, in public.
    """

    disposition: str
    text: str
    by: str
    date: dt.date
    addressed_in: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class Comment:
    """One comment of a review, with the answer once a drafter gave one."""

    id: str
    target: Target
    body: str
    suggestion: str | None = None
    rationale: str | None = None
    response: Response | None = None
    earlier_responses: tuple[Response, ...] = ()  # answers it replaced, oldest first

    @property
    def first_answered(self) -> dt.date | None:
        """The day the comment was first answered (amendments never move it), or None."""
        if self.earlier_responses:
            return self.earlier_responses[0].date
        return self.response.date if self.response else None

    def answered(self, response: Response) -> Comment:
        """This comment with `response` as its answer; a previous answer joins the history."""
        earlier = self.earlier_responses
        if self.response is not None:
            earlier = (*earlier, self.response)
        return dataclasses.replace(self, response=response, earlier_responses=earlier)

    @property
    def eid(self) -> str:
        """The element's eId when the comment was made."""
        return self.target.eid

    @property
    def wid(self) -> str:
        """The element's wId: what keeps the comment on it through renumbering."""
        return self.target.wid

    @property
    def exact(self) -> str | None:
        """The quoted words, if the reader selected some."""
        return self.target.quote.exact if self.target.quote else None

    @property
    def prefix(self) -> str:
        """The text just before the quote ('' if none)."""
        return (self.target.quote.prefix if self.target.quote else None) or ""

    @property
    def suffix(self) -> str:
        """The text just after the quote ('' if none)."""
        return (self.target.quote.suffix if self.target.quote else None) or ""


@dataclass(frozen=True)
class Author:
    """Who wrote a review, as they chose to be named in public (both optional)."""

    name: str | None = None
    organization: str | None = None


@dataclass(frozen=True)
class Copies:
    """The identical copies of a campaign that one review file stands for.

    The file's own tracking number is the first copy's (`reviews[0]`); its comments are
    that copy's text. `authors` are the distinct named authors in order of submission;
    `anonymous` counts the copies that gave no name.
    """

    count: int
    first: dt.datetime
    last: dt.datetime
    reviews: tuple[str, ...]
    authors: tuple[Author, ...] = ()
    anonymous: int = 0

    def to_data(self) -> dict[str, Any]:
        """The `copies` field as plain data."""
        return {
            "count": self.count,
            "first": timestamp(self.first),
            "last": timestamp(self.last),
            "authors": [_drop_none(dataclasses.asdict(a)) for a in self.authors],
            "anonymous": self.anonymous,
            "reviews": list(self.reviews),
        }


@dataclass(frozen=True)
class Decision:
    """A moderator's decision on a review: merged, or rejected for a reason."""

    status: str
    by: str
    date: dt.date
    reason: str | None = None


@dataclass(frozen=True)
class Review:
    """A review, pending in the spool (`moderation` None) or merged into git."""

    id: str
    draft: str
    revision: str
    submitted: dt.datetime
    comments: tuple[Comment, ...]
    author: Author | None = None
    moderation: Decision | None = None
    # The parallel language version the reader saw (draft.<language>.md), whose words its
    # quotes are; None for the draft's own language (draft.md).
    language: str | None = None
    copies: Copies | None = None  # set when the file stands for a campaign's copies
    source: str = field(default="", compare=False)  # the file it was read from, for messages

    @property
    def weight(self) -> int:
        """How many submissions the review stands for: its copies, or 1."""
        return self.copies.count if self.copies else 1

    @property
    def name(self) -> str | None:
        """The author's public name, if given."""
        return self.author.name if self.author else None

    @property
    def organization(self) -> str | None:
        """The author's organization, if given."""
        return self.author.organization if self.author else None

    @property
    def merged_by(self) -> str:
        """The moderator who merged it ('' while pending)."""
        return self.moderation.by if self.moderation else ""

    @property
    def merged_on(self) -> dt.date:
        """The day it was merged (1970-01-01 while pending)."""
        return self.moderation.date if self.moderation else dt.date(1970, 1, 1)

    def merged(self, by: str, date: dt.date) -> Review:
        """This review as merged by `by` on `date`."""
        return dataclasses.replace(self, moderation=Decision("merged", by, date))

    def answered(self, comment: str, response: Response) -> Review:
        """This review with `response` as the answer to the comment `comment`.

        An answer it already had moves into that comment's `earlier_responses`.
        """
        comments = tuple(c.answered(response) if c.id == comment else c for c in self.comments)
        return dataclasses.replace(self, comments=comments)

    def to_data(self) -> dict[str, Any]:
        """The review as plain data in schema order (dates as `datetime.date`)."""
        data: dict[str, Any] = {
            "id": self.id,
            "draft": self.draft,
            "revision": self.revision,
        }
        if self.language is not None:
            data["language"] = self.language
        data["submitted"] = timestamp(self.submitted)
        if self.author is not None:
            data["author"] = _drop_none(dataclasses.asdict(self.author))
        if self.copies is not None:
            data["copies"] = self.copies.to_data()
        data["comments"] = [_comment_data(comment) for comment in self.comments]
        if self.moderation is not None:
            data["moderation"] = decision_data(self.moderation)
        return data


def decision_data(decision: Decision) -> dict[str, Any]:
    """A decision as the `moderation` field holds it: status, by, date, and any reason."""
    return _drop_none(dataclasses.asdict(decision))


def dump_review(review: Review | Mapping[str, Any]) -> str:
    """A review as the YAML text of its file, fields in schema order.

    Raw data is accepted too, for tests that write deliberately broken files.
    """
    data = review.to_data() if isinstance(review, Review) else dict(review)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def dump_rejected(counts: Mapping[str, int]) -> str:
    """A draft's `rejected.yml` (`REJECTED_FILE`): rejected reviews counted by public
    reason, reasons sorted; read back by `review_schema.read_rejected`."""
    data = {"reasons": dict(sorted(counts.items()))}
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _comment_data(comment: Comment) -> dict[str, Any]:
    target: dict[str, Any] = {"eid": comment.target.eid, "wid": comment.target.wid}
    if comment.target.quote is not None:
        target["quote"] = _drop_none(dataclasses.asdict(comment.target.quote))
    data: dict[str, Any] = {"id": comment.id, "target": target, "body": comment.body}
    for key in ("suggestion", "rationale"):
        value = getattr(comment, key)
        if value is not None:
            data[key] = value
    if comment.response is not None:
        data["response"] = _drop_none(dataclasses.asdict(comment.response))
    if comment.earlier_responses:
        data["earlier_responses"] = [
            _drop_none(dataclasses.asdict(answer)) for answer in comment.earlier_responses
        ]
    return data


def _drop_none(data: dict[str, Any]) -> dict[str, Any]:
    """Optional fields are left out of the file rather than written as null."""
    return {key: value for key, value in data.items() if value is not None}
