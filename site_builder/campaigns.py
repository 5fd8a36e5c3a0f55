"""Campaigns: identical submissions recognised as one group, wherever they are.

A group is every review of one draft whose comment bodies are the same once case, width,
spacing and invisible characters are ignored. Its id (`g-` and 10 hex digits) is a digest
of the draft and those normalised bodies, so it is never stored to be trusted: the spool
computes it for pending reviews, the moderation commands for merged review files, and the
site for its table, and all three agree. Copies merged one by one, and one review file
standing for many copies (`Review.copies`), belong to the same group.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence

from site_builder.reviews import Author, Copies, Review

GROUP_ID = re.compile(r"^g-[0-9a-f]{10}$")
# Invisible characters a campaign can sprinkle into copies to defeat duplicate grouping.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def group_id(review: Review) -> str:
    """The id of the group of identical copies a review belongs to."""
    return group_of(review.draft, (comment.body for comment in review.comments))


def group_of(draft: str, bodies: Iterable[str]) -> str:
    """The group id of comment bodies on a draft."""
    text = "\x1e".join([draft, *(normalise(body) for body in bodies)])
    return "g-" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:10]


def normalise(body: str) -> str:
    """A comment body as duplicate grouping compares it: case, width and spacing ignored."""
    return " ".join(_INVISIBLE.sub("", unicodedata.normalize("NFKC", body)).casefold().split())


def combine(copies: Sequence[Review]) -> Review:
    """One pending review standing for identical pending copies (two or more).

    It is the earliest copy (by submission, then id), with `copies` listing every copy's
    tracking number, the first and last submission times and the distinct authors.

    Raises:
        ValueError: fewer than two copies, or copies of different groups.
    """
    if len(copies) < 2 or len({group_id(r) for r in copies}) != 1:
        raise ValueError("combine() takes two or more copies of one group")
    ordered = sorted(copies, key=lambda r: (r.submitted, r.id))
    authors: dict[Author, None] = {}
    anonymous = 0
    for review in ordered:
        author = review.author
        if author is None or not (author.name or author.organization):
            anonymous += 1
        else:
            authors.setdefault(author)
    first = ordered[0]
    summary = Copies(
        count=len(ordered),
        first=first.submitted,
        last=ordered[-1].submitted,
        reviews=tuple(r.id for r in ordered),
        authors=tuple(authors),
        anonymous=anonymous,
    )
    return Review(
        id=first.id,
        draft=first.draft,
        revision=first.revision,
        submitted=first.submitted,
        comments=first.comments,
        language=first.language,  # its comments' quotes are in that version's words
        copies=summary,
    )
