"""Drafts through their lifecycle for drafters who do not use git: scaffolding a new draft
and moving it from stage to stage, each as one commit under the moderation lock.

The front matter is edited line by line, so everything the drafter wrote stays byte for
byte; the result is validated with the builder's own schema before it is committed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

import yaml

from intake.workspace import Identity, ModerationError, Workspace
from site_builder.drafts import DraftError, split_front_matter, validate_meta
from site_builder.frontmatter import FINAL_STAGES, LIFECYCLE, SLUG

SUMMARY_PLACEHOLDER = (
    "Replace this placeholder with a plain-language summary: what the act changes, "
    "for whom, and why."
)
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
    front = yaml.safe_dump(fields, allow_unicode=True, sort_keys=False, width=100)
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
) -> str:
    """Change a draft's `stage` (and `discussion` window) and commit; returns the sha.

    Only those front-matter lines change: the rest of the file is kept byte for byte.

    Raises:
        ModerationError: a move the lifecycle forbids, a missing or short window, an
            unknown draft, or a work tree that is not ready.
    """
    path = ws.drafts_dir / slug / "draft.md"
    label = ws.label(path)
    with ws.locked():
        if not SLUG.fullmatch(slug) or not path.is_file():
            raise ModerationError(
                f"There is no draft '{slug}' ({label} does not exist); see "
                f"{ws.label(ws.drafts_dir)}/ for the drafts, or create it with "
                "'lawtrail drafts new'."
            )
        ws.ready([path])
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as err:
            raise ModerationError(f"{label}: not UTF-8 text ({err}); save it as UTF-8.") from err
        before = _validated(text, label)
        _check_move(before["stage"], stage, window, label)
        _check_window(stage, window, min_days)
        new = _edit_front_matter(text, stage, window, label)
        after = _validated(new, label)
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
        return ws.commit({path: new.encode("utf-8")}, f"Move {slug} to stage {stage}", who)


def _validated(text: str, label: str) -> dict[str, Any]:
    """The raw front matter of a draft, once it passes the build's own checks."""
    try:
        raw, _ = split_front_matter(text, label)
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
