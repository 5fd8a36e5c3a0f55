"""Moderation: merging and rejecting pending reviews, each one git commit in the workspace
(`intake/workspace.py`), and replaying the spool against git.

Crash guarantees. Git is the truth for what is merged; the spool's journal for what is
decided. Each review ends with exactly one outcome, even if the process is killed at any
point, because `settle()` replays the spool against git before every merge or rejection:

- merge commits the review file, then records `merged` in the spool. Killed in between,
  the file is in HEAD while the spool has no decision: `settle()` records it as merged
  (the status API asks git too, so it already says merged). Killed before the commit,
  the review simply stays pending. A campaign merged as one file (`merge_group`) is the
  same: the file is named after its first copy, and its decision on every copy is one
  journal record, so `settle()` finds the first copy's file and records them all at once.
- reject records `rejected` in the spool first (with HEAD as its `base`), then commits the
  count in `rejected.yml`, then records that commit. Killed before the commit, `settle()`
  commits the missing count; killed after it, `settle()` finds that commit among those
  after `base` that changed `rejected.yml`. Either way the count goes up exactly once.

Answers to comments (`intake/answers.py`) are one commit each and never involve the spool.

Contact data stays in the spool's journal: nothing here copies it into the work tree.

Test-only fault injection: with `LAWTRAIL_TEST_CRASH_AT=before-commit` or `after-commit` in
its environment, a merge or rejection kills its own process with SIGKILL at that point, so
the tests can crash a real process exactly there. Nothing else reads that variable.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import signal
from collections.abc import Sequence
from pathlib import Path

from intake.spool import Decided, Group, Spool, SpoolError
from intake.workspace import Identity, ModerationError, Workspace, did_you_mean
from site_builder.campaigns import GROUP_ID, combine
from site_builder.frontmatter import SLUG
from site_builder.review_schema import check_merged, load_review, read_merged, read_rejected
from site_builder.reviews import (
    REJECTED_FILE,
    REVIEW_ID,
    Decision,
    Review,
    ReviewError,
    dump_rejected,
    dump_review,
)
from site_builder.urls import review_file, reviews_dir

__all__ = [
    "Identity",
    "ModerationError",
    "Workspace",
    "merge",
    "merge_group",
    "reject",
    "settle",
]

MAX_REASON = 200
CRASH_ENV = "LAWTRAIL_TEST_CRASH_AT"


def pending_review(spool: Spool, review_id: str) -> Review:
    """The review with this tracking number, if it waits in the spool for a decision.

    Raises:
        ModerationError: not a tracking number, not in the spool, or already decided.
    """
    if not REVIEW_ID.fullmatch(review_id):
        close = did_you_mean(review_id, [r.id for r in spool.pending()])
        raise ModerationError(
            f"'{review_id}' is not a tracking number (they look like 20260115-7k2mq9xw4r).{close} "
            "Copy one from 'lawtrail reviews list'."
        )
    review = spool.get(review_id)
    kept = spool.outcome(review_id) if review is None else None
    if kept is not None:
        reason = f" ({kept.reason})" if kept.reason else ""
        into = f" with its copies as review {kept.into}" if kept.into else ""
        raise ModerationError(
            f"Review {review_id} was {kept.status}{into}{reason} on {kept.date}; nothing to "
            "do. Compaction has since dropped it from the spool, keeping only that outcome "
            "(its status still answers it); a merged review's text is in git."
        )
    if review is None:
        close = did_you_mean(review_id, [r.id for r in spool.pending()])
        raise ModerationError(
            f"There is no review {review_id} in the spool at {spool.directory}.{close} Check "
            "the number with 'lawtrail reviews list', or pass --spool the intake's spool "
            "directory."
        )
    done = spool.decision(review_id)
    if done is not None:
        decision = done.decision
        reason = f" ({decision.reason})" if decision.reason else ""
        raise ModerationError(
            f"Review {review_id} was already {decision.status}{reason} by {decision.by} "
            f"on {decision.date}; nothing to do."
        )
    return review


def pending_group(spool: Spool, key: str) -> Group:
    """The pending copies of the group with this id.

    Raises:
        ModerationError: not a group id, or no copy of it waits in the spool.
    """
    if not GROUP_ID.fullmatch(key):
        raise ModerationError(
            f"'{key}' is not a group id (they look like g-3f9a1c2b7d); copy one from the "
            "GROUP column of 'lawtrail reviews list'."
        )
    group = spool.group(key)
    if group is None:
        close = did_you_mean(key, [g.key for g in spool.groups()])
        raise ModerationError(
            f"No pending review in the spool at {spool.directory} is in group {key}: its "
            "copies were all merged or rejected, or the id is mistyped ('lawtrail reviews "
            f"list').{close}"
        )
    return group


def settle(ws: Workspace, spool: Spool, who: Identity) -> list[str]:
    """Finish what a killed merge or rejection left half-done; one message per review.

    Call under `ws.locked()`. A pending review whose file is in HEAD is recorded as merged;
    a rejection without its commit gets it, found in git or made now (by `who`).
    """
    notes = [note for review in spool.pending() if (note := _settle_merge(ws, spool, review))]
    for decided in spool.decisions():
        if decided.decision.status == "rejected" and decided.commit is None:
            notes.append(_settle_rejection(ws, spool, decided, who))
    return notes


def merge(ws: Workspace, spool: Spool, review_id: str, who: Identity, today: dt.date) -> str:
    """Commit a pending review as its review file (`review_file`); returns the commit sha.

    The file is the review without contact data, plus `moderation: {status: merged, by,
    date}`, checked by the same code the build reads it with.

    Raises:
        ModerationError: the review is unknown or decided, or the work tree is not ready.
    """
    with ws.locked():
        review = pending_review(spool, review_id)
        note = _settle_merge(ws, spool, review)
        if note:
            raise ModerationError(f"{note} Nothing else to do.")
        count = len(review.comments)
        noun = "comment" if count == 1 else "comments"
        message = f"Merge review {review_id} on {review.draft} ({count} {noun})"
        return _merge(ws, spool, review, message, who, today)


def merge_group(
    ws: Workspace, spool: Spool, key: str, who: Identity, today: dt.date
) -> tuple[str, Review]:
    """Commit every pending copy of a campaign as one review file, in one commit.

    The file is the first copy with `copies: {count, first, last, authors, anonymous,
    reviews}`; a group of one pending copy is merged as a plain review. Every copy is
    then recorded as merged in one journal record. Returns the commit sha and the review
    as committed.

    Raises:
        ModerationError: the group id is malformed or has no pending copy, or the work tree
            is not ready.
    """
    with ws.locked():
        group = pending_group(spool, key)
        copies = [pending_review(spool, review_id) for review_id in group.review_ids]
        notes = [note for review in copies if (note := _settle_merge(ws, spool, review))]
        if notes:
            raise ModerationError(
                "\n".join(notes) + f" Run the command again to merge what is left of {key}."
            )
        review = combine(copies) if len(copies) > 1 else copies[0]
        count = len(review.comments)
        noun = "comment" if count == 1 else "comments"
        message = f"Merge review {review.id} on {review.draft} ({count} {noun})"
        if len(copies) > 1:
            message = (
                f"Merge group {key} on {review.draft}: {len(copies)} copies as review "
                f"{review.id} ({count} {noun})"
            )
        sha = _merge(ws, spool, review, message, who, today)
        return sha, review


def _merge(
    ws: Workspace, spool: Spool, review: Review, message: str, who: Identity, today: dt.date
) -> str:
    """Write, check and commit one review file, then record it in the spool (locked)."""
    folder = _reviews_folder(ws, review.draft)
    ws.ready([folder])
    merged = review.merged(who.name, today)
    text = dump_review(merged)
    check_review_file(text, review.draft, review.id, ws.label(folder))
    _crash_point("before-commit")
    path = review_file(ws.drafts_dir, review.draft, review.id)
    sha = ws.commit({path: text.encode("utf-8")}, message, who)
    _crash_point("after-commit")
    assert merged.moderation is not None
    _record(spool, Decided(review.id, review.draft, merged.moderation, sha), merged)
    return sha


def reject(
    ws: Workspace, spool: Spool, review_id: str, reason: str, who: Identity, today: dt.date
) -> str:
    """Reject a pending review for `reason`, counted in its draft's `rejected.yml`; commit.

    The review itself stays out of git: the public record holds only counts per reason.

    Raises:
        ModerationError: the reason is unusable, the review is unknown or decided, or the
            work tree is not ready.
    """
    reason = check_reason(reason)
    with ws.locked():
        review = pending_review(spool, review_id)
        note = _settle_merge(ws, spool, review)
        if note:
            raise ModerationError(f"{note} It cannot be rejected now.")
        ws.ready([_reviews_folder(ws, review.draft)])
        decision = Decision("rejected", who.name, today, reason)
        decided = Decided(review_id, review.draft, decision, None, ws.head())
        try:  # first: from here on, the outcome is decided
            spool.decide(decided)
        except SpoolError as err:
            raise ModerationError(
                f"The spool at {spool.directory} cannot record the rejection of {review_id} "
                f"({err}); nothing was changed. Fix the spool, then run the command again."
            ) from err
        _crash_point("before-commit")
        sha = _count_rejection(ws, decided, who)
        _crash_point("after-commit")
        _record(spool, dataclasses.replace(decided, commit=sha))
    return sha


def check_reason(reason: str) -> str:
    """A rejection reason as it will be counted publicly: one short line.

    Raises:
        ModerationError: empty, several lines, or too long.
    """
    reason = reason.strip()
    if not reason or not reason.isprintable() or len(reason) > MAX_REASON:
        raise ModerationError(
            f"--reason must be one line of 1 to {MAX_REASON} characters, e.g. 'off-topic' or "
            "'abusive language': it is published as a count per reason."
        )
    return reason


def _settle_merge(ws: Workspace, spool: Spool, review: Review) -> str | None:
    """If a pending review's file is in HEAD (a merge killed before its record), record it.

    A campaign's file is named after its first copy, so finding that copy's file settles
    every copy it lists.
    """
    path = review_file(ws.drafts_dir, review.draft, review.id)
    if not path.is_file() or not ws.committed(path):
        return None
    merged = load_merged(path, review.draft, ws.label(path))
    assert merged.moderation is not None  # check_merged saw to it
    sha = ws.last_commit(path)
    _record(spool, Decided(review.id, review.draft, merged.moderation, sha), merged)
    what = f"Review {review.id} is"
    if merged.copies is not None:
        what = f"Review {review.id} and its {merged.copies.count - 1} copies are"
    return (
        f"{what} already merged in {ws.label(path)} (commit {str(sha)[:10]}), "
        "by a run that was interrupted before it recorded that; recorded it in the spool now."
    )


def _settle_rejection(ws: Workspace, spool: Spool, decided: Decided, who: Identity) -> str:
    """A rejection recorded without its commit: find the count commit in git, or make it."""
    path = reviews_dir(ws.drafts_dir, decided.draft) / REJECTED_FILE
    subject = _reject_subject(decided)
    found = [sha for sha, line in ws.commits_since(decided.base, path) if line == subject]
    if found:
        sha, done = found[0], "its count was committed"
    else:
        ws.ready([path.parent])
        sha, done = _count_rejection(ws, decided, who), "committed its count now"
    _record(spool, dataclasses.replace(decided, commit=sha))
    return (
        f"Review {decided.review_id} was rejected by a run that was interrupted; {done} "
        f"({sha[:10]})."
    )


def _count_rejection(ws: Workspace, decided: Decided, who: Identity) -> str:
    """Add one to the rejection's reason in `rejected.yml` and commit; returns the sha."""
    path = _reviews_folder(ws, decided.draft) / REJECTED_FILE
    reason = str(decided.decision.reason)
    try:
        counts = read_rejected(path, ws.label(path))
    except ReviewError as err:
        raise ModerationError("\n".join(err.messages)) from err
    counts[reason] = counts.get(reason, 0) + 1
    text = dump_rejected(counts)
    try:
        return ws.commit({path: text.encode("utf-8")}, _reject_subject(decided), who)
    except ModerationError as err:
        raise ModerationError(
            f"{err}\nReview {decided.review_id} is recorded as rejected; its count "
            "is committed by the next 'lawtrail reviews merge' or 'reject' once this is fixed."
        ) from err


def _reject_subject(decided: Decided) -> str:
    return f"Reject review {decided.review_id}: {decided.decision.reason}"


def _record(spool: Spool, decided: Decided, merged: Review | None = None) -> None:
    """Record a decision durably in the spool, or say how the next command completes it.

    For a review file standing for copies (`merged.copies`), every copy still pending is
    recorded in one journal record.
    """
    try:
        if merged is not None and merged.copies is not None:
            copies: Sequence[str] = merged.copies.reviews
            spool.decide_copies([i for i in copies if spool.get(i) is not None], decided)
        else:
            spool.decide(decided)
    except SpoolError as err:
        where = f" in commit {decided.commit}" if decided.commit else ""
        raise ModerationError(
            f"Review {decided.review_id} is {decided.decision.status}{where}, but the spool at "
            f"{spool.directory} could not record it ({err}); fix the spool, then run "
            "'lawtrail reviews merge' or 'reject' again: it completes the record."
        ) from err


def _crash_point(name: str) -> None:
    """Test-only fault injection (see the module docstring): die here as a power cut would."""
    if os.environ.get(CRASH_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def _reviews_folder(ws: Workspace, slug: str) -> Path:
    """The draft's reviews folder, once the draft is known to be in this checkout."""
    draft = ws.drafts_dir / slug / "draft.md"
    if not SLUG.fullmatch(slug) or not draft.is_file():
        raise ModerationError(
            f"The review is on draft '{slug}', but {ws.label(draft)} does not exist in "
            f"{ws.project}; pass --repo the checkout that holds it."
        )
    return reviews_dir(ws.drafts_dir, slug)


def check_review_file(text: str, slug: str, review_id: str, label: str) -> None:
    """Refuse a review file the build would refuse, with the build's own messages."""
    try:
        check_merged(load_review(text, f"{label}/{review_id}.yml"), review_id, slug)
    except ReviewError as err:
        raise ModerationError(
            "The review file would be invalid, so nothing was committed:\n  "
            + "\n  ".join(err.messages)
        ) from err


def load_merged(path: Path, slug: str, label: str) -> Review:
    """A merged review file, or an error naming it."""
    try:
        return read_merged(path, slug, label)
    except ReviewError as err:
        raise ModerationError(
            f"{label} is not a readable review; restore it from git:\n  "
            + "\n  ".join(err.messages)
        ) from err
