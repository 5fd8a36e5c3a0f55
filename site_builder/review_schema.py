"""Review files and spool records read back into the model, every field checked.

What `lawtrail` and the intake write (`reviews.dump_review`, the spool's records) is read
here: `parse_review` checks plain data from YAML or JSON field by field and names each bad
one with what is expected, so a hand-edited or damaged file fails the build with its path,
never a traceback. `read_reviews` reads a draft's merged files and its count of rejections.
YAML is read with the plain-data loader only (`drafts.SAFE_LOADER`).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from pathlib import Path
from typing import Any

import yaml

from site_builder.drafts import SAFE_LOADER
from site_builder.reviews import (
    DECISIONS,
    DISPOSITIONS,
    REJECTED_FILE,
    REVIEW_ID,
    Author,
    Comment,
    Copies,
    Decision,
    Quote,
    Response,
    Review,
    ReviewError,
    Target,
    decision_data,
    timestamp,
)
from site_builder.urls import LANGUAGE_CODE

_SHA = re.compile(r"[0-9a-f]{40}")  # a full commit sha


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
    try:
        rejected = read_rejected(folder / REJECTED_FILE, f"{label}/{REJECTED_FILE}")
    except ReviewError as err:
        errors.extend(err.messages)
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


def read_rejected(path: Path, source: str) -> dict[str, int]:
    """A draft's `rejected.yml`: rejected reviews counted by reason, sorted (empty when the
    file does not exist); written by `reviews.dump_rejected`.

    Raises:
        ReviewError: the file is unreadable, or not a mapping of reasons to counts.
    """
    if not path.is_file():
        return {}
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise ReviewError(
            [f"{source}: not a readable count of rejected reviews ({err}); restore it from git."]
        ) from err
    reasons = data.get("reasons") if isinstance(data, dict) else None
    if not isinstance(reasons, dict) or not all(
        isinstance(k, str) and isinstance(v, int) and v > 0 for k, v in reasons.items()
    ):
        raise ReviewError(
            [
                f"{source}: field 'reasons' must map each reason to a count of reviews; "
                "restore it from git."
            ]
        )
    return dict(sorted(reasons.items()))


def _unreadable(source: str, err: Exception) -> str:
    return f"{source}: not a readable review file ({err}); restore it from git."


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
