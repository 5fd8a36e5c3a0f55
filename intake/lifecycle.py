"""Drafts through their lifecycle for drafters who do not use git: scaffolding a new draft
and moving it from stage to stage, each as one commit under the moderation lock.

The front matter is edited line by line, so everything the drafter wrote stays byte for
byte; the result is validated with the builder's own schema before it is committed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from intake.workspace import Identity, ModerationError, Workspace
from site_builder.drafts import DraftError, split_front_matter, validate_meta
from site_builder.frontmatter import FINAL_STAGES, LIFECYCLE, SLUG, DiscussionWindow, DraftMeta
from site_builder.i18n import SOURCE_LANGUAGE, shipped, translations
from site_builder.lifecycle import (
    CLOSING,
    FORCED_TRAILER,
    STAGE_LABELS,
    State,
    judge,
    window_change,
)

SUMMARY_PLACEHOLDER = (
    "Replace this placeholder with a plain-language summary: what the act changes, "
    "for whom, and why."
)
MAX_REASON = 200  # characters of a forced move's public reason
SKELETON = "## Chapter 1. General provisions\n\n### Article 1. Purpose\n\n1. ...\n"
_KEY_LINE = re.compile(r"^(?P<key>[A-Za-z_][\w-]*)[ \t]*:(?:[ \t]|\r?\n|$)")
_FENCE_LINE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?\n?$")
_TRAILING_COMMENT = re.compile(r"[ \t]+#[^\r\n]*")


def new_draft(ws: Workspace, slug: str, meta: Mapping[str, str], who: Identity) -> str:
    """Scaffold and commit `drafts/<slug>/draft.md` in stage initiated; returns the sha.

    Args:
        meta: title, agency and optionally summary, kind, language.

    Raises:
        ModerationError: a bad slug, an existing draft, invalid front matter, or a work
            tree that is not ready.
    """
    if not SLUG.fullmatch(slug):
        raise ModerationError(
            f"'{slug}' is not a valid slug; use lowercase letters, digits and hyphens, "
            "e.g. water-code (it becomes the address /drafts/<slug>/)."
        )
    fields = {"title": meta["title"], "agency": meta["agency"], "stage": "initiated"}
    fields["summary"] = meta.get("summary") or SUMMARY_PLACEHOLDER
    fields.update({k: meta[k] for k in ("kind", "language") if meta.get(k)})
    # One line per field, however long: a drafter replacing the summary in an editor must
    # not leave a wrapped second line of it behind.
    front = yaml.safe_dump(fields, allow_unicode=True, sort_keys=False, width=1_000_000)
    text = f"---\n{front}---\n\n{SKELETON}"
    path = ws.drafts_dir / slug / "draft.md"
    _validated(text, ws.label(path))
    with ws.locked():
        ws.ready([path.parent])
        if path.exists():
            raise ModerationError(
                f"{ws.label(path)} already exists; edit it, or choose another slug."
            )
        return ws.commit(
            {path: text.encode("utf-8")}, f"Start draft {slug}: {fields['title']}", who
        )


def move_stage(
    ws: Workspace,
    slug: str,
    stage: str,
    window: tuple[dt.date, dt.date] | None,
    min_days: int,
    who: Identity,
    today: dt.date,
    *,
    reason: str | None = None,
    timezone: str = "UTC",
    language: str = "en",
) -> str:
    """Change a draft's `stage` (and `discussion` window) and commit; returns the sha.

    Only those front-matter lines change: the rest of the file is kept byte for byte. The
    window rules of `site_builder.lifecycle` are applied to the move as `lawtrail check`
    applies them to the commit afterwards.

    Args:
        window: the new window (opens, closes), or None to keep the one there is.
        today: the day of the move in the site's time zone (`timezone`, for messages).
        reason: the public reason for closing a discussion early (`--force`); recorded in
            the commit as its `Lawtrail-Forced:` trailer.
        language: the site's language (`theme.language`): the commit message is in the
            draft's `language:`, else in this one.

    Raises:
        ModerationError: a move the lifecycle or the window rules forbid, a missing or
            short window, an unknown draft, or a work tree that is not ready.
    """
    path = ws.drafts_dir / slug / "draft.md"
    label = ws.label(path)
    if reason is not None:
        reason = _check_reason(reason)
    with ws.locked():
        if not SLUG.fullmatch(slug) or not path.is_file():
            raise ws.no_draft(slug)
        ws.ready([path])
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as err:
            raise ModerationError(f"{label}: not UTF-8 text ({err}); save it as UTF-8.") from err
        before = _validated(text, label)
        _check_move(before["stage"], stage, window, label)
        _check_window(stage, window, min_days)
        meta = _meta(before, label)
        old = State(meta.stage, meta.discussion)
        new = State(stage, DiscussionWindow(*window) if window else meta.discussion)
        _check_rules(old, new, Move(slug, label, today, timezone, reason))
        edited = _edit_front_matter(text, stage, window, label)
        after = _validated(edited, label)
        kept = {k: v for k, v in before.items() if k not in ("stage", "discussion")}
        expected = before.get("discussion")
        if window is not None:
            expected = {"opens": window[0], "closes": window[1]}
        if (
            {k: v for k, v in after.items() if k not in ("stage", "discussion")} != kept
            or after["stage"] != stage
            or after.get("discussion") != expected
        ):
            raise ModerationError(
                f"{label}: the front matter is laid out in a way lawtrail cannot change "
                "safely; edit 'stage:' by hand and commit."
            )
        message = _message(slug, old, new, today, reason, meta.language or language)
        return ws.commit({path: edited.encode("utf-8")}, message, who)


@dataclass(frozen=True)
class Move:
    """Where and when a stage move happens, for its checks and messages."""

    slug: str
    label: str  # the draft's file as messages name it
    today: dt.date  # in the site's time zone
    timezone: str
    reason: str | None  # the public reason of a forced move


def _check_rules(old: State, new: State, move: Move) -> None:
    """Refuse a move that breaks a window rule, saying what to do instead."""
    held = old.stage in ("discussion", *CLOSING)
    problems = judge(old, new, move.today, held=held, forced=move.reason is not None)
    if move.reason is not None and not any(
        p.rule == "closed-early" for p in judge(old, new, move.today, held=held, forced=False)
    ):
        raise ModerationError(
            "--force is only for closing a discussion before its window ends, and this move "
            "closes none; run it again without --force and --reason."
        )
    today = f"{move.today} in {move.timezone}"
    window = old.window
    for problem in problems:
        if problem.rule == "closed-early" and window is not None:
            raise ModerationError(
                f"{move.label}: its discussion runs until {window.closes} inclusive (today "
                f"is {today}); moving it to {new.stage} now would close the discussion "
                f"early. Wait until {window.closes + dt.timedelta(days=1)}, or, if it must "
                "close now, pass --force with a public --reason: it is recorded in the "
                "commit and shown on the timeline."
            )
        if problem.rule == "no-discussion":
            raise ModerationError(
                f"{move.label} is in stage {old.stage} and has not been in public "
                f"discussion; open it first: lawtrail drafts stage {move.slug} discussion "
                "--opens YYYY-MM-DD --closes YYYY-MM-DD."
            )
        if problem.rule == "window-changed" and window is not None:
            raise ModerationError(
                f"{move.label}: the discussion window {window.opens} to {window.closes} "
                f"has opened (today is {today}); it can only be extended: pass --opens "
                f"{window.opens} and a --closes after {window.closes}."
            )
        if problem.rule == "backdated-window" and new.window is not None:
            raise ModerationError(
                f"--opens {new.window.opens} is before today ({today}): a discussion window "
                f"may not open before the day it is set. Pass --opens {move.today} or later."
            )
        raise ModerationError(f"{move.label}: this move {problem.text}.")


def _message(
    slug: str, old: State, new: State, today: dt.date, reason: str | None, language: str
) -> str:
    """The commit message in the draft's language (the timeline and the feeds publish it as
    part of the draft): what the move did to the stage or the window, and a forced move's
    public reason as its trailer (whose name is for machines, so never translated)."""
    _ = translations(language).gettext
    window = new.window
    change = window_change(old, new, today)
    if new.stage != old.stage or window is None:
        stage = str(new.stage)
        if shipped(language) != SOURCE_LANGUAGE and stage in STAGE_LABELS:
            stage = _(STAGE_LABELS[stage])
        subject = _("Move %(slug)s to stage %(stage)s") % {"slug": slug, "stage": stage}
    elif change == "extended":
        subject = _("Extend the discussion of %(slug)s to %(closes)s") % {
            "slug": slug,
            "closes": window.closes,
        }
    else:
        dates = {"slug": slug, "opens": window.opens, "closes": window.closes}
        if change == "new":
            subject = _("Open a new discussion of %(slug)s: %(opens)s to %(closes)s") % dates
        else:
            subject = (
                _("Change the discussion window of %(slug)s to %(opens)s to %(closes)s") % dates
            )
    if reason is None or old.window is None:
        return subject
    early = _("The discussion was to run until %(closes)s; it is closed early, on %(today)s.")
    early %= {"closes": old.window.closes, "today": today}
    return f"{subject}\n\n{early}\n\n{FORCED_TRAILER}: {reason}"


def _check_reason(reason: str) -> str:
    """A forced move's public reason: one line, short enough for a timeline."""
    reason = reason.strip()
    if not reason or not reason.isprintable() or len(reason) > MAX_REASON:
        raise ModerationError(
            f"--reason must be one line of 1 to {MAX_REASON} characters: it is published "
            "on the draft's timeline, e.g. 'the court annulled the underlying act'."
        )
    return reason


def _meta(raw: dict[str, Any], label: str) -> DraftMeta:
    """The validated front matter of the draft before the move."""
    try:
        meta, _ = validate_meta(raw, label)
    except DraftError as err:
        raise ModerationError("\n".join(err.messages)) from err
    return meta


def _validated(text: str, label: str) -> dict[str, Any]:
    """The raw front matter of a draft, once it passes the build's own checks."""
    try:
        raw, _ = split_front_matter(text, label, unique=True)
        validate_meta(raw, label)
    except DraftError as err:
        raise ModerationError("\n".join(err.messages)) from err
    return raw


def _check_move(
    current: str, stage: str, window: tuple[dt.date, dt.date] | None, label: str
) -> None:
    if current in FINAL_STAGES:
        raise ModerationError(
            f"{label} is {current}: a draft never leaves stage adopted or withdrawn."
        )
    if window is not None and stage != "discussion":
        raise ModerationError(
            "--opens and --closes set the window of a discussion: pass them with stage "
            "discussion. A later stage keeps the window that ran, as the record of it."
        )
    if stage == "withdrawn":
        return
    if stage == current and not (stage == "discussion" and window is not None):
        raise ModerationError(f"{label} is already in stage {stage}.")
    if LIFECYCLE.index(stage) < LIFECYCLE.index(current):
        raise ModerationError(
            f"{label} is in stage {current}; it cannot move back to {stage}. Stages go "
            "forward: initiated, discussion, revision, adopted (or withdrawn from any but adopted)."
        )


def _check_window(stage: str, window: tuple[dt.date, dt.date] | None, min_days: int) -> None:
    if window is not None:
        opens, closes = window
        days = (closes - opens).days + 1
        if closes < opens:
            raise ModerationError(
                f"--closes {closes} is before --opens {opens}; the window closes after it opens."
            )
        if days < min_days:
            raise ModerationError(
                f"The window {opens} to {closes} is {days} days; the minimum is {min_days} "
                "(both ends counted). Set --closes later."
            )
    elif stage == "discussion":
        raise ModerationError(
            "Opening the discussion needs its window: pass --opens YYYY-MM-DD --closes YYYY-MM-DD."
        )


def _edit_front_matter(
    text: str, stage: str, window: tuple[dt.date, dt.date] | None, label: str
) -> str:
    """`text` with its `stage:` line (and `discussion:` block) replaced, nothing else."""
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if lines[0].endswith("\r\n") else "\n"
    end = next(i for i in range(1, len(lines)) if _FENCE_LINE.match(lines[i]))
    blocks = _blocks(lines, 1, end)
    if "stage" not in blocks:
        raise ModerationError(f"{label}: no 'stage:' line at the start of a line; edit it by hand.")
    start, stop = blocks["stage"]
    comment = _TRAILING_COMMENT.search(lines[start]) if stop == start + 1 else None
    stage_lines = [f"stage: {stage}{comment[0] if comment else ''}{newline}"]
    edits = {"stage": (start, stop, stage_lines)}
    if window is not None:
        opens, closes = window
        block = [
            f"discussion:{newline}",
            f"  opens: {opens}{newline}",
            f"  closes: {closes}{newline}",
        ]
        if "discussion" in blocks:
            edits["discussion"] = (*blocks["discussion"], block)
        else:
            edits["stage"] = (start, stop, stage_lines + block)
    for begin, finish, replacement in sorted(edits.values(), reverse=True):
        lines[begin:finish] = replacement
    return "".join(lines)


def _blocks(lines: list[str], start: int, end: int) -> dict[str, tuple[int, int]]:
    """Top-level keys of front-matter lines [start, end) and the lines each spans."""
    keys: list[tuple[str, int]] = []
    for i in range(start, end):
        match = _KEY_LINE.match(lines[i])
        if match:
            keys.append((match["key"], i))
    blocks = {}
    for n, (key, first) in enumerate(keys):
        last = keys[n + 1][1] if n + 1 < len(keys) else end
        # Blank lines and comments at column 0 before the next key belong to no block.
        while last > first + 1 and (not lines[last - 1].strip() or lines[last - 1].startswith("#")):
            last -= 1
        blocks[key] = (first, last)
    return blocks
