"""A draft's timeline, and what its banner states (the discussion that ran, a removal).

Each commit of `draft.md` is one step: a revision when it changed the text, and otherwise
an event of its own (a stage moved, a window opened, extended or changed, details edited)
with its date and commit, never an empty redline. The window a banner states is the one
`lifecycle.held_discussion` finds the timeline ending with, so the two agree.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from site_builder.drafts import Version
from site_builder.frontmatter import LIFECYCLE
from site_builder.history import Removal
from site_builder.lifecycle import STAGE_LABELS, Held, Problem, Step
from site_builder.render import Edition, Published


def timeline(
    published: Published,
    steps: Sequence[Step],
    revision: Callable[[Edition], dict[str, Any]],
    removal: Callable[[Removal], dict[str, str]],
    stage_label: Callable[[str], str] = STAGE_LABELS.__getitem__,
    breach: Callable[[Problem], str] = lambda problem: problem.text,
) -> dict[str, Any]:
    """Every step of the draft, oldest first, and the lifecycle steps reached.

    A commit is a revision when it changed the text; a commit that moved the stage or
    the window is an event of its own, with its date and commit, never an empty redline.
    `stage_label` and `breach` say stages and broken rules in the page's language.
    """
    draft = published.draft
    events: list[dict[str, Any]] = []
    reached: dict[str, str] = {}
    previous_stage: str | None = None
    removals = {r.after: r for r in draft.removals}
    for index, step in enumerate(steps):
        version = step.version
        removed = removals.get(index)
        if removed is not None and index > 0:
            events.append({"type": "removal", **removal(removed)})
            previous_stage = None  # added again: its stage is announced afresh
        date = step.day.isoformat()
        # A commit that is no revision is named by its own event.
        shown = {
            "date": date,
            "commit": None if version.changes_text else _commit(version),
            "breaches": [breach(problem) for problem in step.problems],
        }
        change = step.window_change
        if version.stage and version.stage != previous_stage:
            events.append(_stage_event(step, change, shown, stage_label))
            reached.setdefault(version.stage, date)
            previous_stage = version.stage
        elif change is not None:
            events.append({"type": "window", "change": change, **_windows(step), **shown})
        elif not version.changes_text:
            events.append({"type": "record", **shown})
        if version.changes_text:
            edition = published.in_force(version)
            events.append({"type": "revision", **revision(edition)})
    last = removals.get(len(draft.versions))
    if last is not None:
        events.append({"type": "removal", **removal(last)})
    current = draft.meta.stage
    lifecycle = [
        {"stage": s, "label": stage_label(s), "date": reached.get(s), "current": s == current}
        for s in (*LIFECYCLE[:-1], "withdrawn" if current == "withdrawn" else "adopted")
    ]
    return {"events": events, "steps": lifecycle}


def held_view(held: Held) -> dict[str, Any]:
    """The discussion that ran, as the banner states it."""
    ended = held.ended
    return {
        "opens": held.window.opens.isoformat(),
        "closes": held.window.closes.isoformat(),
        "ended": ended.isoformat() if ended else None,
        "unopened": ended is not None and ended < held.window.opens,
        "reason": held.reason,
    }


def removal_view(removal: Removal, day: Callable[[datetime], str]) -> dict[str, str]:
    """A deletion from the repository as the timeline and the banner show it, on the day
    `day` gives its date."""
    return {
        "date": day(removal.date),
        "sha": removal.sha,
        "short": removal.short,
        "author": removal.author,
        "subject": removal.subject,
    }


def _stage_event(
    step: Step, change: str | None, shown: dict[str, Any], stage_label: Callable[[str], str]
) -> dict[str, Any]:
    """A stage move on the timeline: the window it opened or ended, early or not."""
    stage = step.version.stage
    assert stage is not None
    before = step.before.window if step.before else None
    early = None
    if step.closed_early and before is not None:
        early = {"closes": before.closes.isoformat(), "reason": step.reason}
    return {
        "type": "stage",
        "stage": stage,
        "label": stage_label(stage),
        **_windows(step),
        "early": early,
        # A window changed by the move that ended the discussion rewrites the record.
        "rewritten": change == "changed" and stage != "discussion",
        **shown,
    }


def _commit(version: Version) -> dict[str, str]:
    """The commit of a step that is no revision, as its timeline event names it."""
    revision = version.revision
    return {
        "sha": revision.sha,
        "short": revision.short,
        "author": revision.author,
        "subject": revision.subject,
    }


def _windows(step: Step) -> dict[str, str | None]:
    """The window a step declares, and the one before it."""
    window = step.version.window
    was = step.before.window if step.before else None
    return {
        "opens": window.opens.isoformat() if window else None,
        "closes": window.closes.isoformat() if window else None,
        "was_opens": was.opens.isoformat() if was else None,
        "was_closes": was.closes.isoformat() if was else None,
    }
