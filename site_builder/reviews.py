"""The review model: one set of typed classes that the intake writes and the builder reads.

A review is one submission: one or more comments by one person on one revision of one
draft. `Review`, `Comment` (with its `Target` and `Quote`), `Response` (a drafter's answer)
and `Decision` (a moderator's) are the only shape of it: the intake builds them from a
request, the spool stores them, moderation writes them to `drafts/<slug>/reviews/<id>.yml`
(`urls.review_file`), and the builder reads them back through `parse_review`, which checks
every field. On disk they are YAML written with `yaml.safe_dump(allow_unicode=True,
sort_keys=False)` and read with `yaml.safe_load`, which round-trip hostile strings
(`!!python/object`, `---`, `yes`, NUL, U+2028, bidi controls) exactly.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import itertools
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import markdown
import nh3
import yaml

from site_builder.drafts import SAFE_LOADER
from site_builder.errors import LawtrailError
from site_builder.urls import LANGUAGE_CODE

# A tracking number: the UTC day it was received plus 10 random base-32 characters
# (50 bits): readable on the phone, sortable by day, not guessable, safe in a path.
REVIEW_ID = re.compile(r"^[0-9]{8}-[0-9a-hjkmnp-tv-z]{10}$")
_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford's base 32, lower case
DISPOSITIONS = ("accepted", "partly-accepted", "rejected", "noted")
STATUSES = ("pending", "merged", "rejected")
DECISIONS = ("merged", "rejected")
REJECTED_FILE = "rejected.yml"
_SUBMITTED = "%Y-%m-%dT%H:%M:%SZ"
_SHA = re.compile(r"[0-9a-f]{40}")


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


def load_review(text: str, source: str) -> Review:
    """A review from the YAML text of its file (never anything but plain data).

    Raises:
        ReviewError: naming `source` and each bad field.
    """
    try:
        data = yaml.load(text, Loader=SAFE_LOADER)
    except yaml.YAMLError as err:
        raise ReviewError([_unreadable(source, err)]) from err
    return parse_review(data, source)


def parse_review(data: Any, source: str) -> Review:
    """Check plain data (from YAML or JSON) against the schema and build the review.

    Raises:
        ReviewError: naming `source` and every bad field, with what is expected.
    """
    checker = _Checker(source)
    if not isinstance(data, dict):
        checker.fail("(top level)", data, "a mapping of review fields")
        checker.raise_if_failed()
    review_id = checker.text(data, "id")
    if review_id and not REVIEW_ID.match(review_id):
        checker.fail("id", review_id, "a tracking number such as 20260115-7k2mq9xw4r")
    revision = checker.text(data, "revision")
    if not _SHA.fullmatch(revision):
        checker.fail("revision", revision, "a full 40-character commit sha")
    language = checker.optional(data, "language")
    if language is not None and not LANGUAGE_CODE.fullmatch(language):
        checker.fail("language", language, "a language code such as kk")
    author = None
    if data.get("author"):
        raw = data["author"]
        if not isinstance(raw, dict):
            checker.fail("author", raw, "{name: ..., organization: ...}")
            raw = {}
        author = Author(checker.optional(raw, "name"), checker.optional(raw, "organization"))
    raw_comments = data.get("comments")
    if not isinstance(raw_comments, list) or not raw_comments:
        checker.fail("comments", raw_comments, "a list of comments")
        raw_comments = []
    comments = tuple(
        _parse_comment(checker, raw, f"comments[{n}]") for n, raw in enumerate(raw_comments)
    )
    moderation = None
    if data.get("moderation") is not None:
        moderation = _decision(checker, data["moderation"], "moderation")
    copies = None
    if data.get("copies") is not None:
        copies = _parse_copies(checker, data["copies"], review_id)
    review = Review(
        id=review_id,
        draft=checker.text(data, "draft"),
        revision=revision,
        submitted=checker.moment(data, "submitted"),
        comments=comments,
        author=author,
        moderation=moderation,
        language=language,
        copies=copies,
        source=source,
    )
    if copies is not None and copies.first != review.submitted:
        checker.fail("copies.first", timestamp(copies.first), "the same time as 'submitted'")
    checker.raise_if_failed()
    return review


def parse_decision(data: Any, source: str) -> Decision:
    """A decision from plain data (a `moderation` field, or a spool record).

    Raises:
        ReviewError: naming `source` and each bad field.
    """
    checker = _Checker(source)
    decision = _decision(checker, data, "moderation")
    checker.raise_if_failed()
    return decision


def _decision(checker: _Checker, raw: Any, where: str) -> Decision:
    if not isinstance(raw, dict):
        checker.fail(where, raw, "{status: merged, by: ..., date: YYYY-MM-DD}")
        raw = {}
    status = raw.get("status")
    if status not in DECISIONS:
        checker.fail(f"{where}.status", status, f"one of {', '.join(DECISIONS)}")
    return Decision(
        status=str(status),
        by=str(raw.get("by", "")),
        date=checker.day(raw, "date", f"{where}.date"),
        reason=checker.optional(raw, "reason", f"{where}.reason"),
    )


def read_reviews(folder: Path, slug: str, label: str) -> tuple[list[Review], dict[str, int]]:
    """Read and check the merged reviews of one draft and its count of rejections.

    Args:
        folder: `urls.reviews_dir(drafts_dir, slug)`.
        slug: the draft's slug.
        label: how to name the folder in messages.

    Returns:
        Merged reviews sorted by id, and rejected-review counts by reason.

    Raises:
        ReviewError: naming each bad file and field.
    """
    if not folder.is_dir():
        return [], {}
    reviews: list[Review] = []
    errors: list[str] = []
    for path in sorted(folder.glob("*.yml")):
        source = f"{label}/{path.name}"
        if path.name == REJECTED_FILE:
            continue
        try:
            reviews.append(read_merged(path, slug, source))
        except ReviewError as err:
            errors.extend(err.messages)
    rejected = _read_rejected(folder / REJECTED_FILE, f"{label}/{REJECTED_FILE}", errors)
    if errors:
        raise ReviewError(errors)
    return reviews, rejected


def read_merged(path: Path, slug: str, source: str) -> Review:
    """One merged review file, checked as the build checks it.

    Raises:
        ReviewError: unreadable, or a field is wrong (each named).
    """
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise ReviewError([_unreadable(source, err)]) from err
    return check_merged(load_review(text, source), path.stem, slug)


def check_merged(review: Review, stem: str, slug: str) -> Review:
    """The review, if it fits its file `<stem>.yml` in draft `slug` and is marked merged.

    Raises:
        ReviewError: naming each field that does not fit.
    """
    checker = _Checker(review.source)
    if review.id != stem:
        checker.fail("id", review.id, f"the file name's tracking number '{stem}'")
    if review.draft != slug:
        checker.fail("draft", review.draft, f"'{slug}', the draft folder it is in")
    if review.moderation is None or review.moderation.status != "merged":
        shown = decision_data(review.moderation) if review.moderation else None
        checker.fail("moderation", shown, "{status: merged, by: ..., date: YYYY-MM-DD}")
    checker.raise_if_failed()
    return review


def _unreadable(source: str, err: Exception) -> str:
    return f"{source}: not a readable review file ({err}); restore it from git."


def _read_rejected(path: Path, source: str, errors: list[str]) -> dict[str, int]:
    if not path.is_file():
        return {}
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER) or {}
    reasons = data.get("reasons") if isinstance(data, dict) else None
    if not isinstance(reasons, dict) or not all(
        isinstance(k, str) and isinstance(v, int) and v > 0 for k, v in reasons.items()
    ):
        errors.append(f"{source}: field 'reasons' must map each reason to a count of reviews.")
        return {}
    return dict(sorted(reasons.items()))


def _parse_comment(checker: _Checker, raw: Any, where: str) -> Comment:
    if not isinstance(raw, dict):
        checker.fail(where, raw, "a comment with id, target and body")
        raw = {}
    target: dict[str, Any] = raw["target"] if isinstance(raw.get("target"), dict) else {}
    quote = None
    if isinstance(target.get("quote"), dict):
        selector = target["quote"]
        quote = Quote(
            exact=checker.text(selector, "exact", f"{where}.target.quote.exact", strip=False),
            prefix=checker.optional(selector, "prefix", f"{where}.target.quote.prefix"),
            suffix=checker.optional(selector, "suffix", f"{where}.target.quote.suffix"),
        )
    response = None
    if raw.get("response") is not None:
        response = _parse_response(checker, raw["response"], f"{where}.response")
    earlier: list[Response] = []
    raw_earlier = raw.get("earlier_responses")
    if raw_earlier is not None:
        if not isinstance(raw_earlier, list):
            checker.fail(f"{where}.earlier_responses", raw_earlier, "a list of answers")
            raw_earlier = []
        for n, answer in enumerate(raw_earlier):
            earlier.append(_parse_response(checker, answer, f"{where}.earlier_responses[{n}]"))
        _check_history(checker, earlier, response, where)
    return Comment(
        id=checker.text(raw, "id", f"{where}.id"),
        target=Target(
            eid=checker.text(target, "eid", f"{where}.target.eid"),
            wid=checker.text(target, "wid", f"{where}.target.wid"),
            quote=quote,
        ),
        body=checker.text(raw, "body", f"{where}.body"),
        suggestion=checker.optional(raw, "suggestion", f"{where}.suggestion"),
        rationale=checker.optional(raw, "rationale", f"{where}.rationale"),
        response=response,
        earlier_responses=tuple(earlier),
    )


def _parse_response(checker: _Checker, raw: Any, where: str) -> Response:
    answer = raw if isinstance(raw, dict) else {}
    if not isinstance(raw, dict):
        checker.fail(where, raw, "{disposition: ..., text: ..., by: ..., date: YYYY-MM-DD}")
    disposition = answer.get("disposition")
    if disposition not in DISPOSITIONS:
        checker.fail(f"{where}.disposition", disposition, f"one of {', '.join(DISPOSITIONS)}")
    addressed = answer.get("addressed_in")
    if addressed is not None and not re.fullmatch(r"[0-9a-f]{7,40}", str(addressed)):
        checker.fail(f"{where}.addressed_in", addressed, "a commit sha")
    return Response(
        disposition=str(disposition),
        text=checker.text(answer, "text", f"{where}.text"),
        by=str(answer.get("by", "")),
        date=checker.day(answer, "date", f"{where}.date"),
        addressed_in=str(addressed) if addressed else None,
        reason=checker.optional(answer, "reason", f"{where}.reason"),
    )


def _check_history(
    checker: _Checker, earlier: list[Response], current: Response | None, where: str
) -> None:
    """Earlier answers need a current one; each replacement says why and is not older."""
    if not earlier:
        return
    if current is None:
        checker.fail(f"{where}.response", None, "the current answer, since it has earlier ones")
        return
    answers = [*earlier, current]
    for n, (before, after) in enumerate(itertools.pairwise(answers), 1):
        field = f"{where}.response" if n == len(earlier) else f"{where}.earlier_responses[{n}]"
        if not (after.reason or "").strip():
            checker.fail(f"{field}.reason", after.reason, "why it replaced the answer before it")
        if after.date < before.date:
            checker.fail(f"{field}.date", after.date.isoformat(), f"{before.date} or later")


def _parse_copies(checker: _Checker, raw: Any, review_id: str) -> Copies:
    if not isinstance(raw, dict):
        checker.fail("copies", raw, "{count, first, last, authors, anonymous, reviews}")
        raw = {}
    count, anonymous = raw.get("count"), raw.get("anonymous", 0)
    if not isinstance(count, int) or isinstance(count, bool) or count < 2:
        checker.fail("copies.count", count, "a number of copies, 2 or more")
        count = 0
    if not isinstance(anonymous, int) or isinstance(anonymous, bool) or anonymous < 0:
        checker.fail("copies.anonymous", anonymous, "a count of copies without a name")
        anonymous = 0
    ids = raw.get("reviews")
    if not isinstance(ids, list) or not all(isinstance(i, str) and REVIEW_ID.match(i) for i in ids):
        checker.fail("copies.reviews", ids, "the tracking numbers of every copy")
        ids = []
    if ids and (len(ids) != count or ids[0] != review_id or len(set(ids)) != len(ids)):
        checker.fail(
            "copies.reviews",
            f"{len(ids)} tracking numbers",
            f"{count} distinct ones (copies.count), the first being the file's id {review_id}",
        )
    raw_authors = raw.get("authors") or []
    if not isinstance(raw_authors, list) or not all(isinstance(a, dict) for a in raw_authors):
        checker.fail("copies.authors", raw_authors, "a list of {name, organization}")
        raw_authors = []
    authors = tuple(
        Author(
            checker.optional(a, "name", f"copies.authors[{n}].name"),
            checker.optional(a, "organization", f"copies.authors[{n}].organization"),
        )
        for n, a in enumerate(raw_authors)
    )
    first, last = (
        checker.moment(raw, "first", "copies.first"),
        checker.moment(raw, "last", "copies.last"),
    )
    if last < first:
        checker.fail("copies.last", timestamp(last), f"{timestamp(first)} or later")
    return Copies(count, first, last, tuple(ids), authors, anonymous)


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


class _Checker:
    """Collects every problem of one file, each naming the field and what is expected."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.errors: list[str] = []

    def fail(self, field: str, value: Any, expected: str) -> None:
        self.errors.append(f"{self.source}: field '{field}' is {value!r}; expected {expected}.")

    def text(
        self, data: dict[str, Any], key: str, field: str | None = None, *, strip: bool = True
    ) -> str:
        value = data.get(key)
        if not isinstance(value, str) or not (value.strip() if strip else value):
            self.fail(field or key, value, "a non-empty text")
            return ""
        return value

    def optional(self, data: dict[str, Any], key: str, field: str | None = None) -> str | None:
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            self.fail(field or key, value, "a text")
            return None
        return value

    def moment(self, data: dict[str, Any], key: str, field: str | None = None) -> dt.datetime:
        value = data.get(key)
        try:
            moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            self.fail(field or key, value, "a UTC timestamp such as 2026-11-27T10:00:00Z")
            return dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
        return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)

    def day(self, data: dict[str, Any], key: str, field: str) -> dt.date:
        value = data.get(key)
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.fail(field, value, "a date as YYYY-MM-DD")
            return dt.date(1970, 1, 1)

    def raise_if_failed(self) -> None:
        if self.errors:
            raise ReviewError(self.errors)


@functools.lru_cache(maxsize=4096)
def render_comment(markdown_text: str) -> str:
    """A comment's Markdown as safe HTML: no scripts, handlers or javascript: links.

    nh3 (Rust's ammonia) whitelists tags, attributes and URL schemes, and marks every link
    `rel="nofollow ugc"` so comment spam earns no search ranking. Cached: campaigns and
    stock answers repeat the same text many times.
    """
    html = _comment_markdown().reset().convert(markdown_text)
    return nh3.clean(
        html,
        tags=_COMMENT_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow ugc",
    )


@functools.lru_cache(maxsize=1)
def _comment_markdown() -> markdown.Markdown:
    """One Markdown converter for all comments: building one costs more than converting."""
    return markdown.Markdown(extensions=[], output_format="html")


_COMMENT_TAGS = {
    "p", "br", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "del", "ins", "sub", "sup",
}  # fmt: skip
