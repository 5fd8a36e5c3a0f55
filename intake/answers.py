"""Answering comments: the drafter's public answer to one comment, or to the same comment
of every copy of a campaign, as one git commit of the review files it changes.

A comment that has an answer keeps it: a new one replaces it only with a public reason
(`--amend --reason`), and the earlier answer moves into `earlier_responses`, so the record
shows every answer ever given. The spool is not involved: answers concern merged reviews,
which live in git.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from intake.moderation import check_review_file, load_merged
from intake.workspace import Identity, ModerationError, Workspace, closest
from site_builder.campaigns import GROUP_ID, group_id
from site_builder.review_schema import read_reviews
from site_builder.reviews import (
    DISPOSITIONS,
    REVIEW_ID,
    Comment,
    Response,
    Review,
    ReviewError,
    dump_review,
)
from site_builder.urls import REVIEWS_DIR, review_file

MAX_AMEND_REASON = 500  # characters of the public reason for changing an answer


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
            review = load_merged(path, path.parent.parent.name, ws.label(path))
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
            check_review_file(new, review.draft, review.id, ws.label(path.parent))
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
    merge = f"'lawtrail reviews merge {review_id}'"
    if close:  # a typo is likelier than a review not merged yet: say so first
        raise ModerationError(
            f"There is no merged review {review_id} in {where}. Did you mean "
            f"{close}-{comment.rpartition('-')[2]}? If {review_id} is right, merge it first "
            f"with {merge}."
        )
    raise ModerationError(
        f"There is no merged review {review_id} in {where}, so comment {comment} "
        f"cannot be answered; merge it first with {merge}."
    )
