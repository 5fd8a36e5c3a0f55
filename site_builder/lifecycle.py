"""A draft's lifecycle read from its commits: each step (a stage moved, a discussion window
opened, extended or changed), the discussion that actually ran, and the rules a window keeps.

A discussion window is a promise to the public. Once a draft has been in discussion:

- `closed-early`: it moves to `revision` or `adopted` only after `closes` has passed, unless
  the commit states a public reason (the `Lawtrail-Forced:` trailer that
  `lawtrail drafts stage --force --reason` writes);
- `window-changed`: a window that has opened only moves `closes` later while it runs, and
  after the discussion the window that ran is the record, never rewritten;
- `backdated-window`: a window never opens before the day of the commit that sets it;
- `no-discussion`: a draft reaches `revision` or `adopted` only through a discussion.

A day is a commit's author date in the site's time zone. `judge` decides one step, both for
`lawtrail drafts stage` before it commits and for `read_steps` after (which the timeline,
`lawtrail check` and the build's rule warnings read), so the command and the checks agree.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from site_builder.drafts import Version
from site_builder.frontmatter import DiscussionWindow
from site_builder.i18n import N_

# The trailer of a commit that closed a discussion early on purpose: its public reason.
FORCED_TRAILER = "Lawtrail-Forced"
_FORCED_LINE = re.compile(rf"^{FORCED_TRAILER}:[ \t]*(\S[^\r\n]*?)[ \t]*\r?$", re.M)
# Stages that end a discussion by deciding on the text.
# English msgids: pages show them in the site's language, stage commits in the draft's.
STAGE_LABELS = {
    "initiated": N_("Initiated"),
    "discussion": N_("In public discussion"),
    "revision": N_("Under revision"),
    "adopted": N_("Adopted"),
    "withdrawn": N_("Withdrawn"),
    "removed": N_("Removed from the repository"),
}

CLOSING = frozenset({"revision", "adopted"})


@dataclass(frozen=True)
class State:
    """What a draft's front matter declares: its stage and discussion window."""

    stage: str | None
    window: DiscussionWindow | None


@dataclass(frozen=True)
class Problem:
    """A rule a step breaks: the rule's name, and what the step does, in the present tense.

    `message` is an English msgid with `%(name)s` placeholders filled from `params`, so a
    page can say it in the site's language; `text` is the English."""

    rule: str
    message: str
    params: Mapping[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """What the step does, in English: "moves the draft to stage adopted on ..."."""
        return self.message % self.params


@dataclass(frozen=True)
class Step:
    """One commit of a draft's record, with what it did to the lifecycle."""

    version: Version
    day: dt.date  # the commit's date in the site's time zone
    before: State | None  # the stage and window of the commit before; None for the first
    reason: str | None  # the public reason of a forced move (its commit trailer)
    problems: tuple[Problem, ...]

    @property
    def stage_moved(self) -> bool:
        """Whether this commit changed the stage (the first commit sets it)."""
        return self.version.stage is not None and (
            self.before is None or self.before.stage != self.version.stage
        )

    @property
    def window_change(self) -> str | None:
        """How this commit changed the window: see `window_change`."""
        return window_change(self.before, State(self.version.stage, self.version.window), self.day)

    @property
    def closed_early(self) -> bool:
        """Whether this commit ended a discussion before its window had closed."""
        before = self.before
        return (
            before is not None
            and before.stage == "discussion"
            and before.window is not None
            and self.version.stage not in (None, "discussion")
            and self.day <= before.window.closes
        )


@dataclass(frozen=True)
class Held:
    """The discussion that actually ran: its window as last set while the draft was in
    discussion, and when (and why) it ended before that window closed."""

    window: DiscussionWindow
    ended: dt.date | None = None  # the day the draft left discussion, if before `closes` passed
    reason: str | None = None  # the public reason given for ending it early


def forced_reason(message: str) -> str | None:
    """The public reason a commit message gives for a forced move, or None."""
    found = _FORCED_LINE.findall(message)
    return found[-1] if found else None


def window_change(before: State | None, after: State, day: dt.date) -> str | None:
    """How a step made on `day` changes the discussion window.

    Returns:
        "opened" (the draft enters discussion with it), "extended" (`closes` later, the same
        `opens`, while the window has not closed), "new" (a new window once the old one
        closed), "changed" (anything else), or None when the window stays as it was.
    """
    old, new = (before.window if before else None), after.window
    if new is None:
        return None
    if after.stage == "discussion" and (before is None or before.stage != "discussion"):
        return "opened"
    if new == old:
        return None
    if old is None:
        return "opened" if after.stage == "discussion" else "changed"
    if before is not None and before.stage == "discussion" and after.stage == "discussion":
        if day > old.closes:
            return "new"
        if new.opens == old.opens and new.closes > old.closes:
            return "extended"
    return "changed"


def judge(
    before: State | None, after: State, day: dt.date, *, held: bool, forced: bool
) -> list[Problem]:
    """The rules a step from `before` to `after`, committed on `day`, breaks.

    Args:
        before: the stage and window before the step; None for a draft's first commit.
        after: the stage and window the step declares.
        day: the day of the step, in the site's time zone.
        held: whether the draft was in discussion at some earlier commit.
        forced: whether the step states a public reason for closing a discussion early.
    """
    problems: list[Problem] = []
    old, new = (before.window if before else None), after.window
    kind = window_change(before, after, day)
    if (
        before is not None
        and before.stage == "discussion"
        and old is not None
        and after.stage in CLOSING
        and day <= old.closes
        and not forced
    ):
        problems.append(
            Problem(
                "closed-early",
                N_(
                    "moves the draft to stage %(stage)s on %(day)s, before its discussion "
                    "window %(opens)s to %(closes)s has closed, and gives no public reason"
                ),
                {"stage": str(after.stage), "day": str(day), **_dates(old)},
            )
        )
    if (
        before is not None
        and before.stage not in ("discussion", *CLOSING)
        and after.stage in CLOSING
        and not held
    ):
        problems.append(
            Problem(
                "no-discussion",
                N_(
                    "moves the draft from stage %(before)s to %(stage)s on %(day)s "
                    "without a public discussion"
                ),
                {"before": str(before.stage), "stage": str(after.stage), "day": str(day)},
            )
        )
    if kind == "changed" and old is not None and new is not None and before is not None:
        if after.stage == "discussion" and day >= old.opens:
            problems.append(
                Problem(
                    "window-changed",
                    N_(
                        "changes the discussion window %(opens)s to %(closes)s on %(day)s, "
                        "after it opened, to %(new_opens)s to %(new_closes)s; only 'closes' "
                        "may move, to a later day"
                    ),
                    {"day": str(day), **_dates(old), **_dates(new, "new_")},
                )
            )
            return problems
        if after.stage != "discussion" and (held or before.stage == "discussion"):
            problems.append(
                Problem(
                    "window-changed",
                    N_(
                        "rewrites the window of the discussion held from %(opens)s to "
                        "%(closes)s as %(new_opens)s to %(new_closes)s on %(day)s; the window "
                        "that ran is the record"
                    ),
                    {"day": str(day), **_dates(old), **_dates(new, "new_")},
                )
            )
            return problems
    opening = kind in ("opened", "new", "changed") and after.stage == "discussion"
    if opening and new is not None and new.opens < day:
        problems.append(
            Problem(
                "backdated-window",
                N_(
                    "sets the discussion window %(opens)s to %(closes)s on %(day)s; a "
                    "window may not open before the day it is set"
                ),
                {"day": str(day), **_dates(new)},
            )
        )
    return problems


def _dates(window: DiscussionWindow, prefix: str = "") -> dict[str, str]:
    return {f"{prefix}opens": str(window.opens), f"{prefix}closes": str(window.closes)}


def read_steps(versions: Sequence[Version], timezone: str) -> list[Step]:
    """Every committed version of a draft as a step of its lifecycle, oldest first.

    A version whose front matter could not be read declares nothing: the steps around it
    are judged as if it were not there.
    """
    tz = ZoneInfo(timezone)
    steps: list[Step] = []
    before: State | None = None
    held = False
    for version in versions:
        day = version.revision.date.astimezone(tz).date()
        reason = forced_reason(version.revision.message)
        problems: tuple[Problem, ...] = ()
        state = State(version.stage, version.window)
        if version.stage is not None:
            problems = tuple(judge(before, state, day, held=held, forced=reason is not None))
        steps.append(Step(version, day, before, reason, problems))
        if version.stage is not None:
            before = state
            held = held or version.stage == "discussion"
    return steps


def held_discussion(steps: Sequence[Step]) -> Held | None:
    """The discussion that ran: the window as last set while the draft was in discussion,
    ended early on the day the draft left it, if that was before `closes` had passed.

    A draft whose first commit is already past discussion (imported with its history)
    held the window that commit states. None when no discussion is on record.
    """
    held: Held | None = None
    for n, step in enumerate(steps):
        version = step.version
        imported = n == 0 and version.stage in CLOSING  # history from before this record
        if version.window is not None and (version.stage == "discussion" or imported):
            held = Held(version.window)
        elif held is not None and held.ended is None and step.closed_early:
            held = Held(held.window, step.day, step.reason)
    return held
