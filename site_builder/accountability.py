"""Accountability: response figures per draft and agency, and the rules a consultation keeps.

The figures are computed from committed data only (review files and commit dates) plus a
`today` the caller passes in: the build passes the newest commit's date, so a page does not
change with the clock; `lawtrail check` passes the real today.
"""

from __future__ import annotations

import datetime as dt
import itertools
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from site_builder.lifecycle import read_steps
from site_builder.render import Published
from site_builder.reviews import Review


@dataclass(frozen=True)
class Figures:
    """Comments received and answered, and how fast and how late the answers are."""

    received: int
    answered: int
    median_days: float | None  # from submission to answer, over answered comments
    overdue: int  # unanswered although the discussion closed more than N days ago

    @property
    def response_rate(self) -> float | None:
        """Share of comments answered, or None when none were received."""
        return self.answered / self.received if self.received else None


# What a breach committed in history leaves to do: the commit stays on the public record.
_RECORD = {
    "closed-early": "The move stays on the record; a discussion closed early on purpose "
    "states why: 'lawtrail drafts stage --force --reason'.",
    "window-changed": "The change stays on the record; a running window can only be "
    "extended, and a new discussion needs a new window once the old one has closed.",
    "backdated-window": "Comments could not be made on the days before it; a window opens "
    "on the day it is set or later.",
    "no-discussion": "A draft is revised or adopted after a public discussion: 'lawtrail "
    "drafts stage SLUG discussion --opens ... --closes ...'.",
}


@dataclass(frozen=True)
class Breach:
    """A rule a draft's consultation broke."""

    slug: str
    rule: str  # short-window, closed-early, window-changed, ..., adopted-unanswered
    message: str


def figures(
    reviews: Sequence[Review], closes: dt.date | None, today: dt.date, overdue_days: int
) -> Figures:
    """Response figures for the merged reviews of one draft (or several: pass them all).

    A review file standing for a campaign's copies counts once per copy, so the figures do
    not depend on whether the copies were merged one by one or together.
    """
    received = sum(review.weight * len(review.comments) for review in reviews)
    delays = answer_delays(reviews)
    late = closes is not None and (today - closes).days > overdue_days
    unanswered = sum(
        review.weight for review in reviews for c in review.comments if c.response is None
    )
    median = float(statistics.median(delays)) if delays else None
    return Figures(received, len(delays), median, unanswered if late else 0)


def combine(parts: Sequence[tuple[Figures, list[int]]]) -> Figures:
    """Figures of several drafts together; each part brings its answer delays."""
    delays = [d for _, part in parts for d in part]
    return Figures(
        received=sum(f.received for f, _ in parts),
        answered=sum(f.answered for f, _ in parts),
        median_days=float(statistics.median(delays)) if delays else None,
        overdue=sum(f.overdue for f, _ in parts),
    )


def answer_delays(reviews: Iterable[Review]) -> list[int]:
    """Days from submission to first answer of every answered comment, once per copy.

    The first answer's date counts: amending an answer later cannot shorten the delay.
    A campaign's copies are counted from the first copy's submission.
    """
    return [
        (answered - r.submitted.date()).days
        for r in reviews
        for c in r.comments
        if (answered := c.first_answered) is not None
        for _ in range(r.weight)
    ]


def check_rules(
    published: Published, reviews: Sequence[Review], min_days: int, timezone: str = "UTC"
) -> list[Breach]:
    """The rules of public discussion a draft broke, from its committed history.

    - the discussion window is shorter than `min_days` (both ends counted);
    - the window rules of `lifecycle` on every commit: a discussion closed early with no
      public reason, a window changed after it opened (but for an extension) or rewritten
      after the discussion, a window opening before the day it was set, a draft revised or
      adopted without a discussion; each commit's day is its date in `timezone`;
    - the text changed after the window closed while the draft stayed in discussion with
      the same window (a new window must be opened for a changed text);
    - the draft was adopted with comments still unanswered.
    """
    draft = published.draft
    slug, source = draft.slug, draft.source
    breaches: list[Breach] = []
    window = draft.meta.discussion
    if window is not None:
        days = (window.closes - window.opens).days + 1
        if days < min_days:
            breaches.append(
                Breach(
                    slug,
                    "short-window",
                    f"{source}: the discussion window {window.opens} to {window.closes} is "
                    f"{days} days; the minimum is {min_days}. Set 'closes' later.",
                )
            )
    steps = read_steps(draft.versions, timezone)
    for step in steps:
        for problem in step.problems:
            where = f"{source}: commit {step.version.revision.short} ({step.day})"
            breaches.append(
                Breach(slug, problem.rule, f"{where} {problem.text}. {_RECORD[problem.rule]}")
            )
    for before, after in itertools.pairwise(steps):
        old, new = before.version, after.version
        closed = old.window.closes if old.window else None
        if (
            closed is not None
            and old.stage == "discussion"
            and new.stage == "discussion"
            and new.window == old.window
            and new.changes_text
            and after.day > closed
        ):
            breaches.append(
                Breach(
                    slug,
                    "changed-after-close",
                    f"{source}: revision {new.revision.short} ({after.day}) changed the text "
                    f"after the discussion closed on {closed} without a new window; open a "
                    "new discussion window or move the draft to stage 'revision'.",
                )
            )
    if draft.meta.stage == "adopted":
        unanswered = [c.id for r in reviews for c in r.comments if c.response is None]
        if unanswered:
            shown = ", ".join(unanswered[:5]) + (" ..." if len(unanswered) > 5 else "")
            breaches.append(
                Breach(
                    slug,
                    "adopted-unanswered",
                    f"{source}: adopted with {len(unanswered)} comment(s) unanswered ({shown}); "
                    "answer each with 'lawtrail respond'.",
                )
            )
    return breaches
