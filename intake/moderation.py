"""Moderation: merging and rejecting pending reviews and answering comments, each one git
commit in the workspace (`intake/workspace.py`), and replaying the spool against git.

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
- respond is one commit of the review files it answers (one, or every copy of a group);
  the spool is not involved.

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
from dataclasses import dataclass
from pathlib import Path

import yaml

from intake.spool import Decided, Group, Spool, SpoolError
from intake.workspace import Identity, ModerationError, Workspace, closest, did_you_mean
from site_builder.campaigns import GROUP_ID, combine, group_id
from site_builder.frontmatter import SLUG
from site_builder.review_schema import check_merged, load_review, read_merged, read_reviews
from site_builder.reviews import (
    DISPOSITIONS,
    REJECTED_FILE,
    REVIEW_ID,
    Comment,
    Decision,
    Response,
    Review,
    ReviewError,
    dump_review,
)
from site_builder.urls import REVIEWS_DIR, review_file, reviews_dir

__all__ = [
    "Answered",
    "Identity",
    "ModerationError",
    "Workspace",
    "merge",
    "merge_group",
    "reject",
    "respond",
    "settle",
]

MAX_REASON = 200
MAX_AMEND_REASON = 500
CRASH_ENV = "LAWTRAIL_TEST_CRASH_AT"


def pending_review(spool: Spool, review_id: str) -> Review:
    """The review with this tracking number, if it waits in the spool for a decision.

    Raises:
        ModerationError: not a tracking number, not in the spool, or already decided.
    """
    if not REVIEW_ID.fullmatch(review_id):
        raise ModerationError(
            f"'{review_id}' is not a tracking number (they look like 20260115-7k2mq9xw4r); "
            "copy one from 'lawtrail reviews list'."
        )
    review = spool.get(review_id)
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
    _check(text, review.draft, review.id, ws.label(folder))
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


@dataclass(frozen=True)
class Answered:
    """What `respond` did: its commit, and how many comments it answered and amended."""

    sha: str
    answered: int
    amended: int
    files: int


def respond(
    ws: Workspace,
    target: str,
    disposition: str,
    text: str,
    addressed_in: str | None,
    who: Identity,
    today: dt.date,
    reason: str | None = None,
) -> Answered:
    """Set the public answer to a comment, or to one comment of every copy of a group.

    `target` is a comment id (`<tracking number>-<n>`), or a group id from
    `lawtrail reviews list` (`g-...`, or `g-...-<n>` when the copies have several
    comments). A comment that already has an answer is changed only when `reason` (the
    public reason of the amendment) is given; the earlier answer then stays in its
    `earlier_responses`. Everything is one commit.

    Raises:
        ModerationError: unknown comment or group, empty text, an answered comment without
            a reason (or a reason for one without an answer), a revision that is no
            commit, or a work tree that is not ready.
    """
    if disposition not in DISPOSITIONS:
        raise ModerationError(
            f"--disposition {disposition!r} is not one of {', '.join(DISPOSITIONS)}."
        )
    if not text.strip():
        raise ModerationError("--text is empty; say what was done with the comment and why.")
    if reason is not None:
        reason = check_amend_reason(reason)
    key, _, number = target.rpartition("-")
    is_group = GROUP_ID.fullmatch(target) or GROUP_ID.fullmatch(key)
    if not is_group and (not REVIEW_ID.fullmatch(key) or not number.isdigit()):
        raise ModerationError(
            f"'{target}' is not a comment id; they are a tracking number and the comment's "
            "number, e.g. 20260115-7k2mq9xw4r-1 (see the review file or its page), or a "
            "group id from 'lawtrail reviews list', e.g. g-3f9a1c2b7d."
        )
    with ws.locked():
        if is_group:
            found = _group_comments(ws, target)
            ws.ready([path for path, _, _ in found])
        else:
            path = _merged_file(ws, key, target)
            ws.ready([path])
            review = _load_merged(path, path.parent.parent.name, ws.label(path))
            if all(c.id != target for c in review.comments):
                known = ", ".join(c.id for c in review.comments)
                raise ModerationError(f"{ws.label(path)} has no comment {target}; it has {known}.")
            found = [(path, review, target)]
        sha = ws.resolve_commit(addressed_in) if addressed_in else None
        answer = Response(disposition, text.strip(), who.name, today, sha)
        changed, answered, amended = _answer_each(found, answer, reason, target)
        changes: dict[Path, bytes] = {}
        for path, review in changed.items():
            new = dump_review(review)
            _check(new, review.draft, review.id, ws.label(path.parent))
            changes[path] = new.encode("utf-8")
        verb = "Amend the answer to" if amended else "Answer"
        count = answered + amended
        noun = "comment" if count == 1 else "comments"
        what = f"group {target} ({count} {noun})" if is_group else f"comment {target}"
        message = f"{verb} {what}: {disposition}"
        if reason is not None:
            message += f"\n\nReason: {reason}"
        commit = ws.commit(changes, message, who)
    return Answered(commit, answered, amended, len(changes))


def _answer_each(
    found: list[tuple[Path, Review, str]], answer: Response, reason: str | None, target: str
) -> tuple[dict[Path, Review], int, int]:
    """Each review file with `answer` given to its comment; returns the files that change
    and how many comments were answered for the first time and amended.

    In a group, a copy that already has this very answer is left alone: answering the
    group again after late copies were merged answers only those.
    """
    changed: dict[Path, Review] = {}
    answered = amended = 0
    for path, review, comment_id in found:
        review = changed.get(path, review)
        current = next(c for c in review.comments if c.id == comment_id)
        if current.response is None:
            response = answer
            answered += 1
        elif target.startswith("g-") and _same(current.response, answer):
            continue
        else:
            response = _amendment(current, answer, reason, target)
            amended += 1
        changed[path] = review.answered(comment_id, response)
    if not changed:
        raise ModerationError(f"Every comment of group {target} already has this answer.")
    if reason is not None and not amended:
        raise ModerationError(
            f"{_what(target)} has no answer yet, so there is nothing to amend; answer it "
            "without --amend and --reason."
        )
    return changed, answered, amended


def _amendment(comment: Comment, answer: Response, reason: str | None, target: str) -> Response:
    """The new answer to a comment that has one: refused without a reason or a change."""
    old = comment.response
    assert old is not None
    if reason is None:
        raise ModerationError(
            f"{_what(target)} already has an answer ({old.disposition} by {old.by} on "
            f"{old.date}). To change it, run the command again with --amend and "
            "--reason TEXT, a public reason for the change; the earlier answer stays on the "
            "record beneath the new one."
        )
    if _same(old, answer):
        raise ModerationError(
            f"The new answer to {comment.id} is the same as its current one; nothing to amend."
        )
    return dataclasses.replace(answer, reason=reason)


def _same(old: Response, new: Response) -> bool:
    """Whether two answers say the same (who gave them and when aside)."""
    return (old.disposition, old.text, old.addressed_in) == (
        new.disposition,
        new.text,
        new.addressed_in,
    )


def _what(target: str) -> str:
    return f"Group {target}" if target.startswith("g-") else f"Comment {target}"


def _group_comments(ws: Workspace, target: str) -> list[tuple[Path, Review, str]]:
    """Every merged review file of the group, with the id of its comment to answer."""
    key = target if GROUP_ID.fullmatch(target) else target.rpartition("-")[0]
    members: list[tuple[Path, Review]] = []
    for folder in sorted(p for p in ws.drafts_dir.iterdir() if (p / "reviews").is_dir()):
        label = ws.label(folder / "reviews")
        try:
            reviews, _ = read_reviews(folder / "reviews", folder.name, label)
        except ReviewError as err:
            raise ModerationError(
                f"Review files are broken, so group {key} cannot be found; restore them from "
                "git:\n  " + "\n  ".join(err.messages)
            ) from err
        members.extend(
            (review_file(ws.drafts_dir, folder.name, r.id), r)
            for r in reviews
            if group_id(r) == key
        )
    if not members:
        raise ModerationError(
            f"No merged review is in group {key}, so it cannot be answered; merge its copies "
            f"first with 'lawtrail reviews merge --group {key}'."
        )
    count = len(members[0][1].comments)
    if target == key:
        if count > 1:
            numbers = ", ".join(f"{key}-{n}" for n in range(1, count + 1))
            raise ModerationError(
                f"The copies in group {key} have {count} comments; answer each one: {numbers}."
            )
        number = 1
    else:
        number = int(target.rpartition("-")[2])
        if not 1 <= number <= count:
            raise ModerationError(
                f"The copies in group {key} have {count} comment(s); there is no {target}."
            )
    return [(path, review, review.comments[number - 1].id) for path, review in members]


def check_amend_reason(reason: str) -> str:
    """The public reason of an amended answer: one line of 1 to 500 characters.

    Raises:
        ModerationError: empty, several lines, or too long.
    """
    reason = " ".join(reason.split())
    if not reason or not reason.isprintable() or len(reason) > MAX_AMEND_REASON:
        raise ModerationError(
            f"--reason must be one line of 1 to {MAX_AMEND_REASON} characters saying why the "
            "answer changed: it is published beneath the new answer."
        )
    return reason


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
    merged = _load_merged(path, review.draft, ws.label(path))
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
    counts = _read_counts(path, ws.label(path))
    counts[reason] = counts.get(reason, 0) + 1
    text = yaml.safe_dump(
        {"reasons": dict(sorted(counts.items()))}, allow_unicode=True, sort_keys=False
    )
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


def _merged_file(ws: Workspace, review_id: str, comment: str) -> Path:
    """The one merged review file with this tracking number, in whichever draft."""
    drafts = sorted(p.name for p in ws.drafts_dir.iterdir() if p.is_dir())
    found = [review_file(ws.drafts_dir, slug, review_id) for slug in drafts]
    found = [path for path in found if path.is_file()]
    if len(found) == 1:
        return found[0]
    if found:
        raise ModerationError(
            f"Review {review_id} is merged twice: {', '.join(map(ws.label, found))}."
        )
    where = ws.label(ws.drafts_dir) + "/*/reviews"
    merged = [path.stem for path in ws.drafts_dir.glob(f"*/{REVIEWS_DIR}/*.yml")]
    close = closest(review_id, [stem for stem in merged if REVIEW_ID.fullmatch(stem)])
    meant = f" Did you mean {close}-{comment.rpartition('-')[2]}?" if close else ""
    raise ModerationError(
        f"There is no merged review {review_id} in {where}, so comment {comment} "
        f"cannot be answered; merge it first with 'lawtrail reviews merge {review_id}'.{meant}"
    )


def _check(text: str, slug: str, review_id: str, label: str) -> None:
    """Refuse a review file the build would refuse, with the build's own messages."""
    try:
        check_merged(load_review(text, f"{label}/{review_id}.yml"), review_id, slug)
    except ReviewError as err:
        raise ModerationError(
            "The review file would be invalid, so nothing was committed:\n  "
            + "\n  ".join(err.messages)
        ) from err


def _load_merged(path: Path, slug: str, label: str) -> Review:
    """A merged review file, or an error naming it."""
    try:
        return read_merged(path, slug, label)
    except ReviewError as err:
        raise ModerationError(
            f"{label} is not a readable review; restore it from git:\n  "
            + "\n  ".join(err.messages)
        ) from err


def _read_counts(path: Path, label: str) -> dict[str, int]:
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise ModerationError(f"{label} is not YAML ({err}); restore it from git.") from err
    reasons = data.get("reasons") if isinstance(data, dict) else None
    if not isinstance(reasons, dict) or not all(
        isinstance(k, str) and isinstance(v, int) and v > 0 for k, v in reasons.items()
    ):
        raise ModerationError(
            f"{label}: field 'reasons' must map each reason to a count; restore it from git."
        )
    return dict(reasons)
