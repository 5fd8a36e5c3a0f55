"""Validating a submission against the draft at the revision its reader saw (pure: no I/O).

The draft, its revision, element ids and quotes are checked with the site builder's own
corpus, structure and lineage, so an element a reader can click is an element this
accepts. Every rejection names the field, as `comments[0].target.eid`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from site_builder.corpus import Corpus
from site_builder.errors import LawtrailError
from site_builder.frontmatter import SLUG
from site_builder.i18n import SOURCE_LANGUAGE, translations
from site_builder.limits import (
    MAX_BODY,
    MAX_COMMENTS,
    MAX_CONTEXT,
    MAX_EID,
    MAX_EMAIL,
    MAX_LANGUAGE,
    MAX_NAME,
    MAX_QUOTE,
)
from site_builder.render import Edition, Published
from site_builder.reviews import Author, Comment, Quote, Review, Target, comment_id

_REVISION = re.compile(r"^[0-9a-f]{7,40}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_SPACE = re.compile(r"\s+")

_TOP = {"draft", "revision", "language", "author", "contact", "comments", "website"}
_COMMENT = {"target", "body", "suggestion", "rationale"}
_TARGET = {"eid", "quote"}
_QUOTE = {"exact", "prefix", "suffix"}
_AUTHOR = {"name", "organization"}
_CONTACT = {"email"}


class Rejection(LawtrailError):
    """A submission refused: an error code, a message and the field.

    The message is an English msgid with `%(name)s` placeholders filled from `params`, so
    the API can answer in the reader's language (`body`). What the code means over HTTP (its
    status) is the API's business: `intake/api.py`.
    """

    def __init__(
        self,
        code: str,
        message: str,
        field: str | None = None,
        params: Mapping[str, object] | None = None,
    ) -> None:
        self.template = message
        self.params = dict(params or {})
        self.message = message % self.params if self.params else message
        super().__init__(self.message)
        self.code = code
        self.field = field

    def body(self, language: str = SOURCE_LANGUAGE) -> dict[str, Any]:
        """The contract's error shape, its message in `language`; code and field never change."""
        text = translations(language).gettext(self.template)
        message = text % self.params if self.params else text
        return {"error": {"code": self.code, "message": message, "field": self.field}}


@dataclass(frozen=True)
class Submission:
    """A valid submission: the review to store, the contact kept apart, the honeypot."""

    review: Review
    contact: dict[str, str] | None
    suspect: bool


def validate_submission(payload: Any, corpus: Corpus, now: datetime, review_id: str) -> Submission:
    """Check a parsed JSON body and build the review it asks to store.

    Args:
        payload: the parsed request body.
        corpus: drafts with their editions.
        now: the time of the request (UTC), for the discussion window.
        review_id: the tracking number to give the review.

    Raises:
        Rejection: naming the first bad field.
    """
    data = _object(payload, _TOP, "", required={"draft", "revision", "comments"})
    slug = _text(data["draft"], "draft", 100)
    if not SLUG.match(slug):
        raise Rejection("invalid_field", "draft: expected a draft slug such as water-code", "draft")
    if slug not in corpus.drafts:
        raise Rejection("unknown_draft", "There is no draft '%(slug)s'.", "draft", {"slug": slug})
    revision = _text(data["revision"], "revision", 40).lower()
    seen = corpus.edition(slug, revision) if _REVISION.match(revision) else None
    if seen is None:
        raise Rejection(
            "unknown_revision",
            "revision: '%(revision)s' is not a revision of draft '%(slug)s'; reload the page.",
            "revision",
            {"revision": revision, "slug": slug},
        )
    sha, edition = seen  # the commit the reader saw, and the text in force at it
    removed = corpus.drafts[slug].draft.removed
    if removed is not None:
        raise Rejection(
            "draft_removed",
            "Draft '%(slug)s' was removed from the repository on %(date)s "
            "(commit %(commit)s); it takes no comments.",
            "draft",
            {"slug": slug, "date": removed.date.date().isoformat(), "commit": removed.short},
        )
    if not corpus.window_open(slug, now):
        window = corpus.drafts[slug].draft.meta.discussion
        if window is None:
            raise Rejection(
                "discussion_closed",
                "Draft '%(slug)s' is not open for comments now.",
                "draft",
                {"slug": slug},
            )
        raise Rejection(
            "discussion_closed",
            "Draft '%(slug)s' is not open for comments now (open %(opens)s to %(closes)s).",
            "draft",
            {"slug": slug, "opens": window.opens.isoformat(), "closes": window.closes.isoformat()},
        )
    language, text = _language(data, corpus.drafts[slug], sha, edition)
    website = _text(data.get("website", ""), "website", MAX_NAME, empty=True)
    comments = _list(data["comments"], "comments")
    author = _author(data["author"]) if "author" in data else None
    review = Review(
        id=review_id,
        draft=slug,
        revision=sha,
        submitted=now.replace(microsecond=0),
        comments=tuple(
            _comment(raw, f"comments[{n}]", edition, text, comment_id(review_id, n + 1))
            for n, raw in enumerate(comments)
        ),
        author=author,
        language=language,
    )
    contact = _contact(data["contact"]) if "contact" in data else None
    return Submission(review, contact, suspect=bool(website))


def _language(
    data: dict[str, Any], published: Published, sha: str, edition: Edition
) -> tuple[str | None, Edition]:
    """The language version the reader saw, and its edition in force at the commit `sha`
    (a stage or window move too): quotes must be its words. None (the draft's own
    language, draft.md) and `edition` when `language` is not given or names it; the element
    ids are the same in every version.
    """
    if "language" not in data:
        return None, edition
    language = _text(data["language"], "language", MAX_LANGUAGE)
    own = published.draft.meta.language
    if language == own:
        return None, edition
    seen = next(v for v in published.draft.versions if v.revision.sha == sha)
    parallel = published.languages.get(language)
    found = parallel.in_force(seen) if parallel is not None else None
    if found is None:
        has = [p.language for p in published.languages.values() if p.in_force(seen)]
        known = ", ".join(([own] if own else []) + has)
        if not known:
            raise Rejection(
                "unknown_language",
                "language: this revision of draft '%(slug)s' has no version in '%(language)s'.",
                "language",
                {"slug": published.draft.slug, "language": language},
            )
        raise Rejection(
            "unknown_language",
            "language: this revision of draft '%(slug)s' has no version in '%(language)s'; "
            "it has %(known)s.",
            "language",
            {"slug": published.draft.slug, "language": language, "known": known},
        )
    return language, found


def _comment(raw: Any, where: str, edition: Edition, text: Edition, cid: str) -> Comment:
    data = _object(raw, _COMMENT, where, required={"target", "body"})
    target_data = _object(data["target"], _TARGET, f"{where}.target", required={"eid"})
    eid = _text(target_data["eid"], f"{where}.target.eid", MAX_EID)
    element = edition.rendering.outline.find(eid)
    if element is None:
        raise Rejection(
            "unknown_element",
            "%(field)s: there is no element '%(eid)s' in this revision.",
            f"{where}.target.eid",
            {"field": f"{where}.target.eid", "eid": eid},
        )
    quote = None
    if "quote" in target_data:
        # The element in the language version the reader saw: the same eId, its words.
        seen = text.rendering.outline.find(eid) or element
        quote = _quote(target_data["quote"], f"{where}.target.quote", seen.text)
    body = _text(data["body"], f"{where}.body", MAX_BODY, multiline=True)
    extra: dict[str, str | None] = {}
    for key in ("suggestion", "rationale"):
        if key in data:
            value = _text(data[key], f"{where}.{key}", MAX_BODY, multiline=True, empty=True)
            extra[key] = value or None
    return Comment(
        id=cid,
        target=Target(eid, edition.wids.get(eid, eid), quote),
        body=body,
        suggestion=extra.get("suggestion"),
        rationale=extra.get("rationale"),
    )


def _quote(raw: Any, where: str, element_text: str) -> Quote:
    data = _object(raw, _QUOTE, where, required={"exact"})
    # Quotes are kept exactly as selected: their spaces are part of the selector.
    exact = _text(data["exact"], f"{where}.exact", MAX_QUOTE, multiline=True, strip=False)
    context: dict[str, str] = {}
    for key in ("prefix", "suffix"):
        if key in data:
            context[key] = _text(
                data[key], f"{where}.{key}", MAX_CONTEXT, multiline=True, empty=True, strip=False
            )
    # Browsers join blocks with newlines where the outline uses one; compare words only.
    if _words(exact) not in _words(element_text):
        raise Rejection(
            "quote_not_found",
            "%(field)s: the quoted words do not occur in that element of this revision.",
            f"{where}.exact",
            {"field": f"{where}.exact"},
        )
    return Quote(exact, context.get("prefix"), context.get("suffix"))


def _author(raw: Any) -> Author | None:
    data = _object(raw, _AUTHOR, "author")
    author: dict[str, str] = {}
    for key in ("name", "organization"):
        if key in data:
            value = _text(data[key], f"author.{key}", MAX_NAME, empty=True)
            if value:
                author[key] = value
    return Author(**author) if author else None


def _contact(raw: Any) -> dict[str, str] | None:
    data = _object(raw, _CONTACT, "contact", required={"email"})
    email = _text(data["email"], "contact.email", MAX_EMAIL, empty=True)
    if not email:
        return None
    if not _EMAIL.match(email):
        raise Rejection(
            "invalid_field",
            "%(field)s: expected an e-mail address",
            "contact.email",
            {"field": "contact.email"},
        )
    return {"email": email}


def _object(
    raw: Any, allowed: set[str], where: str, required: frozenset[str] | set[str] = frozenset()
) -> dict[str, Any]:
    if not isinstance(raw, dict):
        if not where:
            raise Rejection("invalid_type", "The request body is not a JSON object.")
        raise Rejection(
            "invalid_type", "%(field)s: expected a JSON object", where, {"field": where}
        )
    for key in sorted(raw):
        if key not in allowed:
            field = f"{where}.{key}" if where else key
            known = ", ".join(sorted(allowed))
            raise Rejection(
                "unknown_field",
                "%(field)s: unknown field; expected %(known)s",
                field,
                {"field": field, "known": known},
            )
    for key in sorted(required):
        if key not in raw:
            field = f"{where}.{key}" if where else key
            raise Rejection(
                "missing_field", "%(field)s: this field is required", field, {"field": field}
            )
    return raw


def _list(raw: Any, where: str) -> list[Any]:
    if not isinstance(raw, list):
        raise Rejection("invalid_type", "%(field)s: expected a list", where, {"field": where})
    if not 1 <= len(raw) <= MAX_COMMENTS:
        raise Rejection(
            "invalid_length",
            "%(field)s: expected 1 to %(max)d comments",
            where,
            {"field": where, "max": MAX_COMMENTS},
        )
    return raw


# The only invisible format characters that writing needs: joiners, which Persian and Indic
# scripts and emoji use to shape letters; they cannot reorder or hide text.
_JOINERS = frozenset("\u200c\u200d")


def _text(
    raw: Any,
    where: str,
    limit: int,
    *,
    multiline: bool = False,
    empty: bool = False,
    strip: bool = True,
) -> str:
    """A bounded string, normalised to NFC, without control characters."""
    if not isinstance(raw, str):
        raise Rejection("invalid_type", "%(field)s: expected a string", where, {"field": where})
    text = unicodedata.normalize("NFC", raw.replace("\r\n", "\n"))
    allowed = "\n\t" if multiline else ""
    plain = text.replace("\n", "").replace("\t", "") if multiline else text
    # isprintable() is False for every control, surrogate and format character (and some
    # harmless ones, such as a no-break space): when it is True, nothing below can match,
    # and the loop that names the culprit is skipped at C speed.
    for char in "" if plain.isprintable() else text:
        category = unicodedata.category(char)
        if (category == "Cc" and char not in allowed) or category == "Cs":
            raise Rejection(
                "invalid_character",
                "%(field)s: control character %(char)s is not allowed",
                where,
                {"field": where, "char": f"U+{ord(char):04X}"},
            )
        if category == "Cf" and char not in _JOINERS:
            # Bidi overrides and isolates (U+202A-U+202E, U+2066-U+2069) make published text
            # read differently from what it is ("evil\u202eexe.txt" shows as "eviltxt.exe");
            # other invisible format characters hide text. Right-to-left scripts need none.
            name = unicodedata.name(char, "a format character")
            raise Rejection(
                "invalid_character",
                "%(field)s: %(char)s (%(name)s) is invisible and can disguise what the "
                "text says; remove it",
                where,
                {"field": where, "char": f"U+{ord(char):04X}", "name": name},
            )
    if strip:
        text = text.strip()
    if not text.strip() and not empty:
        raise Rejection("invalid_length", "%(field)s: must not be empty", where, {"field": where})
    if len(text) > limit:
        raise Rejection(
            "invalid_length",
            "%(field)s: %(length)d characters; at most %(limit)d",
            where,
            {"field": where, "length": len(text), "limit": limit},
        )
    return text


def _words(text: str) -> str:
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()
