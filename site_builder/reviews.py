"""The review-file schema: one module that the intake writes and the builder reads.

A review is one submission: one or more comments by one person on one revision of one
draft. It is stored as YAML (`drafts/<slug>/reviews/<id>.yml` once merged), written with
`yaml.safe_dump(allow_unicode=True)` and read with `yaml.safe_load`, which round-trip
hostile strings (`!!python/object`, `---`, `yes`, NUL, U+2028, bidi controls) exactly.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import markdown
import nh3
import yaml

from site_builder.drafts import SAFE_LOADER
from site_builder.errors import LawtrailError

# A tracking number: the UTC day it was received plus 10 random base-32 characters
# (50 bits): readable on the phone, sortable by day, not guessable, safe in a path.
REVIEW_ID = re.compile(r"^[0-9]{8}-[0-9a-hjkmnp-tv-z]{10}$")
_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford's base 32, lower case
DISPOSITIONS = ("accepted", "partly-accepted", "rejected", "noted")
STATUSES = ("pending", "merged", "rejected")


def new_review_id(now: datetime) -> str:
    """A fresh tracking number for a review received at `now` (UTC)."""
    return now.strftime("%Y%m%d") + "-" + "".join(secrets.choice(_ALPHABET) for _ in range(10))


def comment_id(review_id: str, number: int) -> str:
    """The id of the `number`-th comment (from 1) of a review."""
    return f"{review_id}-{number}"


def dump_review(review: dict[str, Any]) -> str:
    """A review as YAML text, fields in schema order."""
    return yaml.safe_dump(review, allow_unicode=True, sort_keys=False, width=100)


def load_review(text: str) -> dict[str, Any]:
    """A review from YAML text (never anything but plain data)."""
    data = yaml.load(text, Loader=SAFE_LOADER)
    if not isinstance(data, dict):
        raise ValueError("a review file must be a mapping")
    return data


def review_path(slug: str, review_id: str) -> str:
    """Where a merged review lives, relative to the drafts folder."""
    return f"{slug}/reviews/{review_id}.yml"


class ReviewError(LawtrailError):
    """Merged review files are invalid; each message names the file and the field."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class Response:
    """The agency's public answer to one comment."""

    disposition: str
    text: str
    by: str
    date: dt.date
    addressed_in: str | None


@dataclass(frozen=True)
class MergedComment:
    """One comment of a merged review."""

    id: str
    eid: str
    wid: str
    exact: str | None
    prefix: str
    suffix: str
    body: str
    suggestion: str | None
    rationale: str | None
    response: Response | None


@dataclass(frozen=True)
class MergedReview:
    """A review a moderator merged into `drafts/<slug>/reviews/<id>.yml`."""

    id: str
    draft: str
    revision: str
    submitted: dt.datetime
    name: str | None
    organization: str | None
    merged_by: str
    merged_on: dt.date
    comments: tuple[MergedComment, ...]
    source: str


REJECTED_FILE = "rejected.yml"


def read_reviews(folder: Path, slug: str, label: str) -> tuple[list[MergedReview], dict[str, int]]:
    """Read and check the merged reviews of one draft and its count of rejections.

    Args:
        folder: `drafts/<slug>/reviews`.
        slug: the draft's slug.
        label: how to name the folder in messages.

    Returns:
        Merged reviews sorted by id, and rejected-review counts by reason.

    Raises:
        ReviewError: naming each bad file and field.
    """
    if not folder.is_dir():
        return [], {}
    reviews: list[MergedReview] = []
    errors: list[str] = []
    for path in sorted(folder.glob("*.yml")):
        source = f"{label}/{path.name}"
        if path.name == REJECTED_FILE:
            continue
        try:
            reviews.append(_check_review(path.read_text(encoding="utf-8"), path.stem, slug, source))
        except ReviewError as err:
            errors.extend(err.messages)
        except (UnicodeDecodeError, yaml.YAMLError, ValueError) as err:
            errors.append(f"{source}: not a readable review file ({err}); restore it from git.")
    rejected = _read_rejected(folder / REJECTED_FILE, f"{label}/{REJECTED_FILE}", errors)
    if errors:
        raise ReviewError(errors)
    return reviews, rejected


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


def _check_review(text: str, stem: str, slug: str, source: str) -> MergedReview:
    data = load_review(text)
    checker = _Checker(source)
    review_id = checker.text(data, "id")
    if review_id != stem or not REVIEW_ID.match(review_id):
        checker.fail("id", review_id, f"the file name's tracking number '{stem}'")
    if checker.text(data, "draft") != slug:
        checker.fail("draft", data.get("draft"), f"'{slug}', the draft folder it is in")
    revision = checker.text(data, "revision")
    if not re.fullmatch(r"[0-9a-f]{40}", revision):
        checker.fail("revision", revision, "a full 40-character commit sha")
    submitted = checker.moment(data, "submitted")
    author = data.get("author") or {}
    if not isinstance(author, dict):
        checker.fail("author", author, "{name: ..., organization: ...}")
        author = {}
    moderation = data.get("moderation")
    if not isinstance(moderation, dict) or moderation.get("status") != "merged":
        checker.fail("moderation", moderation, "{status: merged, by: ..., date: YYYY-MM-DD}")
        moderation = {}
    raw_comments = data.get("comments")
    if not isinstance(raw_comments, list) or not raw_comments:
        checker.fail("comments", raw_comments, "a list of comments")
        raw_comments = []
    comments = tuple(
        _check_comment(checker, raw, f"comments[{n}]") for n, raw in enumerate(raw_comments)
    )
    checker.raise_if_failed()
    return MergedReview(
        id=review_id,
        draft=slug,
        revision=revision,
        submitted=submitted,
        name=author.get("name"),
        organization=author.get("organization"),
        merged_by=str(moderation.get("by", "")),
        merged_on=checker.day(moderation, "date", "moderation.date"),
        comments=comments,
        source=source,
    )


def _check_comment(checker: _Checker, raw: Any, where: str) -> MergedComment:
    if not isinstance(raw, dict):
        checker.fail(where, raw, "a comment with id, target and body")
        raw = {}
    target: dict[str, Any] = raw["target"] if isinstance(raw.get("target"), dict) else {}
    quote: dict[str, Any] = target["quote"] if isinstance(target.get("quote"), dict) else {}
    response = None
    if raw.get("response") is not None:
        answer = raw["response"] if isinstance(raw["response"], dict) else {}
        disposition = answer.get("disposition")
        if disposition not in DISPOSITIONS:
            checker.fail(
                f"{where}.response.disposition", disposition, f"one of {', '.join(DISPOSITIONS)}"
            )
        addressed = answer.get("addressed_in")
        if addressed is not None and not re.fullmatch(r"[0-9a-f]{7,40}", str(addressed)):
            checker.fail(f"{where}.response.addressed_in", addressed, "a commit sha")
        response = Response(
            disposition=str(disposition),
            text=checker.text(answer, "text", f"{where}.response.text"),
            by=str(answer.get("by", "")),
            date=checker.day(answer, "date", f"{where}.response.date"),
            addressed_in=str(addressed) if addressed else None,
        )
    return MergedComment(
        id=checker.text(raw, "id", f"{where}.id"),
        eid=checker.text(target, "eid", f"{where}.target.eid"),
        wid=checker.text(target, "wid", f"{where}.target.wid"),
        exact=quote.get("exact"),
        prefix=str(quote.get("prefix", "")),
        suffix=str(quote.get("suffix", "")),
        body=checker.text(raw, "body", f"{where}.body"),
        suggestion=raw.get("suggestion"),
        rationale=raw.get("rationale"),
        response=response,
    )


class _Checker:
    """Collects every problem of one file, each naming the field and what is expected."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.errors: list[str] = []

    def fail(self, field: str, value: Any, expected: str) -> None:
        self.errors.append(f"{self.source}: field '{field}' is {value!r}; expected {expected}.")

    def text(self, data: dict[str, Any], key: str, field: str | None = None) -> str:
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            self.fail(field or key, value, "a non-empty text")
            return ""
        return value

    def moment(self, data: dict[str, Any], key: str) -> dt.datetime:
        value = data.get(key)
        try:
            return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            self.fail(key, value, "a UTC timestamp such as 2026-11-27T10:00:00Z")
            return dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

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
