"""The review-file schema: one module that the intake writes and the builder reads.

A review is one submission: one or more comments by one person on one revision of one
draft. It is stored as YAML (`drafts/<slug>/reviews/<id>.yml` once merged), written with
`yaml.safe_dump(allow_unicode=True)` and read with `yaml.safe_load`, which round-trip
hostile strings (`!!python/object`, `---`, `yes`, NUL, U+2028, bidi controls) exactly.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime
from typing import Any

import yaml

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
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ValueError("a review file must be a mapping")
    return data


def review_path(slug: str, review_id: str) -> str:
    """Where a merged review lives, relative to the drafts folder."""
    return f"{slug}/reviews/{review_id}.yml"
