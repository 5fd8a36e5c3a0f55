"""Where a submission stands, as `GET /api/v1/reviews/<id>` answers: pending, merged
(published, with each comment's answer once given) or rejected (with the public reason).
Never personal data: no contact, and an author's name only where the site shows it anyway
(it does not show here). A review compacted out of the spool answers as it did before, from
the outcome compaction kept (`intake/outcomes.py`), and its merged file in git.

The links point at the site the reader is on: `LAWTRAIL_SITE_URL` when it is set, else
the request's own origin (its Host header; the `X-Forwarded-Proto` and `-Host` of proxies
only behind `LAWTRAIL_PROXIES` trusted ones) with the path of the site's `site_url`.
`make run` on any port thus links to that port.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from intake.spool import Outcome
from intake.state import IntakeState
from site_builder.ids import full_label
from site_builder.review_schema import read_merged
from site_builder.reviews import Comment, Review, ReviewError, timestamp
from site_builder.urls import comment_anchor, review_file

log = logging.getLogger("lawtrail.intake")


def site_base(configured: str | None, host_url: str, site_url: str) -> str:
    """The site's address for links in an answer.

    Args:
        configured: `LAWTRAIL_SITE_URL`, which wins when set.
        host_url: the request's origin, `http://127.0.0.1:8123/`.
        site_url: the site's `site_url` from mkdocs.yml; only its path is kept (a site
            published under `/consult/` stays there).
    """
    if configured:
        return configured
    path = urlsplit(site_url).path or "/"
    return host_url.rstrip("/") + "/" + path.lstrip("/")


def review_status(
    intake: IntakeState, review_id: str, site: str, language: str
) -> dict[str, Any] | None:
    """The status answer for a tracking number, or None when no review has it.

    Args:
        intake: this worker's corpus and spool.
        review_id: a well-formed tracking number.
        site: the site's address (`site_base`), for the links.
        language: the language of element labels.
    """
    spool = intake.spool
    decided, review = spool.decision(review_id), spool.get(review_id)
    outcome: Outcome | None = None
    if decided is not None:
        outcome = Outcome.of(decided)
    elif review is None:  # compacted out of the spool, its outcome is kept apart
        outcome = spool.outcome(review_id)
    if outcome is not None:
        if outcome.status == "rejected":
            body: dict[str, Any] = {"id": review_id, "status": "rejected", "draft": outcome.draft}
            if outcome.reason:
                body["reason"] = outcome.reason  # public: the record counts by reason
            return body
        # A campaign's copy was merged into the file of its first copy.
        slug = review.draft if review is not None else outcome.draft
        return _merged(intake, review_id, slug, outcome.into or review_id, site, language)
    # Git is the truth for merged: the spool learns of a merge only after its commit.
    slugs = [review.draft] if review is not None else sorted(intake.corpus.drafts)
    for slug in slugs:
        if review_file(intake.drafts_dir, slug, review_id).is_file():
            return _merged(intake, review_id, slug, review_id, site, language)
    if review is not None:
        submitted = timestamp(review.submitted)
        return {"id": review_id, "status": "pending", "draft": review.draft, "submitted": submitted}
    trapped = intake.spool.suspect(review_id)
    if trapped is not None:  # a honeypot catch reads exactly like a pending review
        draft, submitted = trapped
        return {"id": review_id, "status": "pending", "draft": draft, "submitted": submitted}
    return None


def _merged(
    intake: IntakeState, review_id: str, slug: str, into: str, site: str, language: str
) -> dict[str, Any]:
    """A merged review: its page, the day it was published, and its comments' answers."""
    url = intake.corpus.review_url(slug, into, site)
    body: dict[str, Any] = {"id": review_id, "status": "merged", "draft": slug, "url": url}
    path = review_file(intake.drafts_dir, slug, into)
    try:
        merged = read_merged(path, slug, f"{slug}/{path.name}")
    except (OSError, ReviewError) as err:
        # Merged in git, but its file is unreadable here (mid-checkout, or broken): the
        # status still holds; the build names the file and the field.
        log.warning("review %s: %s", into, err)
        body["comments"] = []
        return body
    body["published"] = merged.merged_on.isoformat()
    body["comments"] = [_comment(intake, merged, c, url, language) for c in merged.comments]
    return body


def _comment(
    intake: IntakeState, review: Review, comment: Comment, url: str, language: str
) -> dict[str, Any]:
    """One comment: where it was made, its place on the review's page, and its answer."""
    entry: dict[str, Any] = {
        "id": comment.id,
        "element": comment.eid,
        "label": _label(intake, review, comment.eid, language),
        "url": f"{url}#{comment_anchor(comment.id)}",
        "answer": None,
    }
    response = comment.response
    if response is not None:
        answer: dict[str, Any] = {
            "disposition": response.disposition,
            "text": response.text,
            "by": response.by,
            "date": response.date.isoformat(),
        }
        if response.addressed_in:
            answer["addressed_in"] = response.addressed_in
        entry["answer"] = answer
    return entry


def _label(intake: IntakeState, review: Review, eid: str, language: str) -> str:
    """The element's label at the revision commented on ("Article 2, paragraph 2"), or
    its eId when that revision or element is not known here."""
    found = intake.corpus.edition(review.draft, review.revision)
    element = found[1].rendering.outline.find(eid) if found else None
    return full_label(element.path, language) if element else eid
