"""Moderation: merging and rejecting pending reviews and answering comments, each as one
git commit in the workspace (`intake/workspace.py`: the lock, the branch, whole files).

Crash guarantees. A decision is recorded in the spool, as `<spool>/decisions/<id>.yml`,
right after its commit, so the pending list and the API know a review's fate without git;
if a crash falls between the two, the next `merge` or `reject` of that review notices the
commit, records the decision and says so. Contact data stays in the spool's journal:
nothing here copies it into the work tree.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

from intake.journal import fsync_dir
from intake.spool import Group, Spool
from intake.workspace import Identity, ModerationError, Workspace, write_atomic
from site_builder.frontmatter import SLUG
from site_builder.reviews import (
    DISPOSITIONS,
    REJECTED_FILE,
    REVIEW_ID,
    ReviewError,
    dump_review,
    load_review,
    read_reviews,
)

__all__ = ["Identity", "ModerationError", "Workspace", "merge", "reject", "respond"]

DECISIONS_DIR = "decisions"
MAX_REASON = 200


def decision(spool_dir: Path, review_id: str) -> dict[str, Any] | None:
    """The moderation decision on a review, or None while it is pending (or unknown).

    Args:
        spool_dir: the intake's spool directory.
        review_id: a tracking number; anything else gives None.

    Returns:
        `{"id", "draft", "status": "merged" | "rejected", "by", "date": "YYYY-MM-DD",
        "reason" (rejected only), "commit"}`, plain data. No contact data is ever in it.
    """
    if not REVIEW_ID.fullmatch(review_id):
        return None
    try:
        text = (spool_dir / DECISIONS_DIR / f"{review_id}.yml").read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    data = yaml.safe_load(text)
    return data if isinstance(data, dict) else None


def pending_groups(spool: Spool, draft: str | None = None) -> list[Group]:
    """Undecided reviews in the spool, grouped as duplicates (`Spool.groups`), oldest first."""
    decided = _decided(spool.directory)
    groups = []
    for group in spool.groups(draft):
        ids = tuple(i for i in group.review_ids if i not in decided)
        if not ids:
            continue
        sample = group.sample if ids[0] == group.review_ids[0] else spool.get(ids[0])
        groups.append(
            dataclasses.replace(group, count=len(ids), review_ids=ids, sample=sample or {})
        )
    return groups


def pending_review(spool: Spool, review_id: str) -> dict[str, Any]:
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
        raise ModerationError(
            f"There is no review {review_id} in the spool at {spool.directory}; check the "
            "number with 'lawtrail reviews list', or pass --spool the intake's spool directory."
        )
    done = decision(spool.directory, review_id)
    if done is not None:
        reason = f" ({done['reason']})" if done.get("reason") else ""
        raise ModerationError(
            f"Review {review_id} was already {done.get('status')}{reason} by {done.get('by')} "
            f"on {done.get('date')}; nothing to do."
        )
    return review


def merge(ws: Workspace, spool: Spool, review_id: str, who: Identity, today: dt.date) -> str:
    """Commit a pending review as `drafts/<slug>/reviews/<id>.yml`; returns the commit sha.

    The file is the review without contact data, plus `moderation: {status: merged, by,
    date}`, checked by the same code the build reads it with.

    Raises:
        ModerationError: the review is unknown or decided, or the work tree is not ready.
    """
    with ws.locked():
        review = pending_review(spool, review_id)
        slug = review["draft"]
        folder = _reviews_dir(ws, slug)
        ws.ready([folder])
        target = folder / f"{review_id}.yml"
        if target.exists():
            _repair(ws, spool, review, target)
        merged = {key: value for key, value in review.items() if key != "contact"}
        merged["moderation"] = {"status": "merged", "by": who.name, "date": today}
        text = dump_review(merged)
        _check_review(text, slug, review_id, ws.label(folder))
        count = len(review["comments"])
        noun = "comment" if count == 1 else "comments"
        message = f"Merge review {review_id} on {slug} ({count} {noun})"
        sha = ws.commit({target: text.encode("utf-8")}, message, who)
        _record(spool.directory, review, "merged", who, today, sha)
    return sha


def reject(
    ws: Workspace, spool: Spool, review_id: str, reason: str, who: Identity, today: dt.date
) -> str:
    """Count a pending review as rejected for `reason` in `reviews/rejected.yml`; commit.

    The review itself stays out of git: the public record holds only counts per reason.

    Raises:
        ModerationError: the reason is unusable, the review is unknown or decided, or the
            work tree is not ready.
    """
    reason = check_reason(reason)
    with ws.locked():
        review = pending_review(spool, review_id)
        slug = review["draft"]
        folder = _reviews_dir(ws, slug)
        ws.ready([folder])
        if (folder / f"{review_id}.yml").exists():
            _repair(ws, spool, review, folder / f"{review_id}.yml")
        subject = f"Reject review {review_id}: "
        if ws.has_head() and ws.git("log", "-1", "--format=%H", "-F", f"--grep={subject}"):
            # Committed, but the decision was not recorded (a crash between the two).
            _record(spool.directory, review, "rejected", who, today, None, reason)
            raise ModerationError(f"Review {review_id} was already rejected; recorded it now.")
        path = folder / REJECTED_FILE
        counts = _read_counts(path, ws.label(path))
        counts[reason] = counts.get(reason, 0) + 1
        text = yaml.safe_dump(
            {"reasons": dict(sorted(counts.items()))}, allow_unicode=True, sort_keys=False
        )
        sha = ws.commit({path: text.encode("utf-8")}, subject + reason, who)
        _record(spool.directory, review, "rejected", who, today, sha, reason)
    return sha


def respond(
    ws: Workspace,
    comment: str,
    disposition: str,
    text: str,
    addressed_in: str | None,
    who: Identity,
    today: dt.date,
) -> str:
    """Set the public answer to one comment of a merged review; returns the commit sha.

    Raises:
        ModerationError: unknown comment, empty text, a revision that is no commit, or a
            work tree that is not ready.
    """
    review_id, _, number = comment.rpartition("-")
    if not REVIEW_ID.fullmatch(review_id) or not number.isdigit():
        raise ModerationError(
            f"'{comment}' is not a comment id; they are a tracking number and the comment's "
            "number, e.g. 20260115-7k2mq9xw4r-1 (see the review file or its page)."
        )
    if disposition not in DISPOSITIONS:
        raise ModerationError(
            f"--disposition {disposition!r} is not one of {', '.join(DISPOSITIONS)}."
        )
    if not text.strip():
        raise ModerationError("--text is empty; say what was done with the comment and why.")
    with ws.locked():
        found = sorted(ws.drafts_dir.glob(f"*/reviews/{review_id}.yml"))
        if len(found) != 1:
            where = ws.label(ws.drafts_dir) + "/*/reviews"
            raise ModerationError(
                f"There is no merged review {review_id} in {where}, so comment {comment} "
                f"cannot be answered; merge it first with 'lawtrail reviews merge {review_id}'."
                if not found
                else f"Review {review_id} is merged twice: {', '.join(map(ws.label, found))}."
            )
        path = found[0]
        ws.ready([path])
        data = _load_merged(path, ws.label(path))
        comments = [c for c in data.get("comments") or [] if isinstance(c, dict)]
        entry = next((c for c in comments if c.get("id") == comment), None)
        if entry is None:
            known = ", ".join(str(c.get("id")) for c in comments)
            raise ModerationError(f"{ws.label(path)} has no comment {comment}; it has {known}.")
        response: dict[str, Any] = {
            "disposition": disposition,
            "text": text.strip(),
            "by": who.name,
            "date": today,
        }
        if addressed_in:
            response["addressed_in"] = ws.resolve_commit(addressed_in)
        entry["response"] = response
        new = dump_review(data)
        _check_review(new, path.parent.parent.name, review_id, ws.label(path.parent))
        message = f"Answer comment {comment}: {disposition}"
        return ws.commit({path: new.encode("utf-8")}, message, who)


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


def _record(
    spool_dir: Path,
    review: dict[str, Any],
    status: str,
    who: Identity,
    today: dt.date,
    sha: str | None,
    reason: str | None = None,
) -> None:
    """Record a decision durably in the spool (after its commit, so a crash between the two
    leaves a committed review that the next attempt notices, never a lost one)."""
    entry: dict[str, Any] = {
        "id": review["id"],
        "draft": review["draft"],
        "status": status,
        "by": who.name,
        "date": today.isoformat(),
    }
    if reason is not None:
        entry["reason"] = reason
    entry["commit"] = sha
    folder = spool_dir / DECISIONS_DIR
    try:
        _make_dirs(folder)
        text = yaml.safe_dump(entry, allow_unicode=True, sort_keys=False)
        write_atomic(folder / f"{review['id']}.yml", text.encode("utf-8"), 0o600)
    except OSError as err:
        raise ModerationError(
            f"Review {review['id']} is {status} in commit {sha}, but the decision could not be "
            f"recorded in {folder} ({err.strerror or err}); fix the spool, then run the same "
            "command again to record it."
        ) from err


def _repair(ws: Workspace, spool: Spool, review: dict[str, Any], target: Path) -> None:
    """A merged file without a recorded decision: record it from the file, then refuse."""
    moderation = _load_merged(target, ws.label(target)).get("moderation") or {}
    who = Identity(str(moderation.get("by", "")), "")
    day = moderation.get("date")
    today = day if isinstance(day, dt.date) else dt.date.today()
    _record(spool.directory, review, "merged", who, today, None)
    raise ModerationError(
        f"Review {review['id']} is already merged in {ws.label(target)}; recorded that in the "
        "spool, nothing else to do."
    )


def _reviews_dir(ws: Workspace, slug: str) -> Path:
    """`drafts/<slug>/reviews`, once the draft is known to be in this checkout."""
    draft = ws.drafts_dir / slug / "draft.md"
    if not SLUG.fullmatch(slug) or not draft.is_file():
        raise ModerationError(
            f"The review is on draft '{slug}', but {ws.label(draft)} does not exist in "
            f"{ws.project}; pass --repo the checkout that holds it."
        )
    return ws.drafts_dir / slug / "reviews"


def _check_review(text: str, slug: str, review_id: str, label: str) -> None:
    """Refuse a review file the build would refuse, with the build's own messages."""
    with tempfile.TemporaryDirectory(prefix="lawtrail-") as tmp:
        Path(tmp, f"{review_id}.yml").write_text(text, encoding="utf-8")
        try:
            read_reviews(Path(tmp), slug, label)
        except ReviewError as err:
            raise ModerationError(
                "The review file would be invalid, so nothing was committed:\n  "
                + "\n  ".join(err.messages)
            ) from err


def _load_merged(path: Path, label: str) -> dict[str, Any]:
    """A merged review file, or an error naming it."""
    try:
        return load_review(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, ValueError) as err:  # UnicodeDecodeError is a ValueError
        raise ModerationError(
            f"{label} is not a readable review ({err}); restore it from git."
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


def _decided(spool_dir: Path) -> set[str]:
    folder = spool_dir / DECISIONS_DIR
    if not folder.is_dir():
        return set()
    return {name[:-4] for name in os.listdir(folder) if name.endswith(".yml")}


def _make_dirs(folder: Path) -> list[Path]:
    """Create `folder` and missing parents, each made durable; returns those created."""
    missing = []
    while not folder.is_dir():
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        path.mkdir(exist_ok=True)
        fsync_dir(path.parent)
    return list(reversed(missing))
